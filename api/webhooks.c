/* /v1/webhook-subscriptions: thin handlers over the webhook_* SQL functions
 * (schema/functions/partner_notices.sql). The endpoint URL is checked here before anything is
 * written (common/cl_url_guard.h: https only unless WEBHOOK_ALLOW_HTTP, and a host that
 * resolves only to public addresses unless WEBHOOK_ALLOW_PRIVATE); the worker checks again at
 * every delivery. */
#include "webhooks.h"

#include "cl_url_guard.h"
#include "feed.h"
#include "resource.h"

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"partner_id", CL_F_UUID, CL_F_READONLY},
    {"url", CL_F_STRING, CL_F_REQUIRED, 8, 2000},
    {"events", CL_F_STRINGS, CL_F_REQUIRED, 1, 64},
    {"active", CL_F_BOOL},
    {"secret", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {"failing_since", CL_F_STRING, CL_F_READONLY},
    {NULL},
};
static const char *const statuses[] = {"pending", "delivered", "failed", NULL};

static struct cl_stmt create = {"SELECT * FROM webhook_subscription_create($1::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM webhook_subscription_get($1::uuid)"};
static struct cl_stmt patch = {"SELECT * FROM webhook_subscription_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt delete = {"SELECT * FROM webhook_subscription_delete($1::uuid)"};
static struct cl_stmt list = {"SELECT * FROM webhook_subscription_list($1, $2::uuid, $3::int)"};
static struct cl_stmt deliveries = {
    "SELECT * FROM webhook_delivery_list($1::uuid, $2, $3, $4::int)"};
static struct cl_stmt delivery = {"SELECT * FROM webhook_delivery_get($1::uuid, $2::uuid)"};
static struct cl_stmt replay = {"SELECT * FROM webhook_delivery_replay($1::uuid, $2::uuid)"};

static const struct cl_api_query delivery_filters[] = {{"status", 's', statuses, 12}, {NULL}};

/* Adds a field error for a URL no delivery may go to. */
static void
check_url(const struct cl_req *req, struct cl_resp *resp)
{
    const cJSON *url = cJSON_GetObjectItemCaseSensitive(req->body, "url");
    const struct cl_config *cfg = req->app->cfg;
    const char *why = NULL;
    struct cl_url u;
    char addr[64];

    if (!cJSON_IsString(url))
        return;
    if (cl_url_parse(url->valuestring, cfg->webhook_allow_http, &u, &why) != 0 ||
        cl_url_resolve(&u, cfg->webhook_allow_private, addr, sizeof addr, &why) != 0)
        cl_resp_field_error(resp, "url", why);
}

int
cl_h_webhook_subscriptions_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, fields, CL_V_CREATE);

    if (err == CL_OK) {
        check_url(req, resp);
        if (cJSON_GetArraySize(resp->errors) > 0)
            return CL_EINVAL;
    }
    return err == CL_OK ? cl_api_create(req, resp, fields, &create, 0, "/v1/webhook-subscriptions")
                        : err;
}

int
cl_h_webhook_subscriptions_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_webhook_subscriptions_patch(struct cl_req *req, struct cl_resp *resp)
{
    check_url(req, resp);
    if (resp->errors && cJSON_GetArraySize(resp->errors) > 0) {
        cl_resp_detail(resp, "the request has invalid fields");
        return CL_EINVAL;
    }
    return cl_api_patch(req, resp, fields, &patch, 1);
}

int
cl_h_webhook_subscriptions_delete(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_row(req, resp, &delete, 1, req->params, 204, NULL);

    if (err == CL_OK)
        cl_resp_bytes(resp, 204, NULL, "", 0);
    return err;
}

int
cl_h_webhook_subscriptions_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "webhook_subscriptions", &list, 0, NULL, 2);
}

int
cl_h_webhook_deliveries_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "webhook_deliveries", &deliveries, 1, delivery_filters, 1);
}

int
cl_h_webhook_deliveries_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &delivery, 2, req->params, 200, NULL);
}

int
cl_h_webhook_deliveries_replay(struct cl_req *req, struct cl_resp *resp)
{
    char loc[128];

    snprintf(loc, sizeof loc, "/v1/webhook-subscriptions/%s/deliveries", req->params[0]);
    return cl_api_row(req, resp, &replay, 2, req->params, 202, loc);
}
