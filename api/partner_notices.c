/* /v1/partner-notifications, /v1/advisers/{id}/inbox, /v1/manager-tasks: thin handlers over the
 * partner_notification_* SQL functions (schema/functions/partner_notices.sql), which decide the
 * match, the triage queue, scope and audit, and the closing of a manager's task. A partner's notice
 * is answered 202 with the same body whether or not it matched anyone, so the endpoint tells nobody
 * who is a care leaver. */
#include "partner_notices.h"

#include "feed.h"
#include "resource.h"

static const char *const kinds[] = {"move_planned",
                                    "emergency_move",
                                    "b_and_b_placement",
                                    "eviction_notice",
                                    "rent_arrears",
                                    "presented_homeless",
                                    "left_course",
                                    "at_risk_of_dropping_out",
                                    NULL};
static const char *const task_statuses[] = {"open", "closed", NULL};

static const struct cl_field create_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, kinds},
    {"referral_id", CL_F_UUID},
    {"la_child_id", CL_F_STRING, 0, 1, 10},
    {"date_of_birth", CL_F_DATE, CL_F_NOFUTURE},
    {"occurred_on", CL_F_DATE, CL_F_REQUIRED},
    {"details", CL_F_STRING, 0, 0, 2000},
    {"received_at", CL_F_STRING, CL_F_READONLY},
    {"acknowledged_at", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {NULL},
};

static const struct cl_field match_fields[] = {
    {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
    {NULL},
};

/* Closing a manager task: the note is the manager's, who and when the server's. */
static const struct cl_field close_fields[] = {
    {"note", CL_F_STRING, CL_F_REQUIRED, 1, 2000},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM partner_notification_create($1::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM partner_notification_get($1::uuid)"};
static struct cl_stmt acknowledge = {"SELECT * FROM partner_notification_acknowledge($1::uuid)"};
static struct cl_stmt match = {"SELECT * FROM partner_notification_match_to($1::uuid, $2::jsonb)"};
static struct cl_stmt list = {
    "SELECT * FROM partner_notification_list($1::uuid, $2::text, $3::boolean, NULL, $4, $5::uuid, "
    "$6::int)"};
static struct cl_stmt inbox = {"SELECT * FROM adviser_inbox($1::uuid, $2, $3::uuid, $4::int)"};
static struct cl_stmt tasks = {"SELECT * FROM manager_task_list($1, $2, $3::uuid, $4::int)"};
static struct cl_stmt task_close = {"SELECT * FROM manager_task_close($1::uuid, $2::jsonb, $3)"};

static const struct cl_api_query filters[] = {
    {"care_leaver_id", 'u', NULL, 40},
    {"kind", 's', kinds, 32},
    {"triage", 'b', NULL, 8},
    {NULL},
};
static const struct cl_api_query task_filters[] = {{"status", 's', task_statuses, 8}, {NULL}};

int
cl_h_partner_notifications_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, create_fields, CL_V_CREATE);

    if (err != CL_OK)
        return err;
    return cl_api_row(req, resp, &create, 1, (const char *[]){req->body_raw}, 202,
                      "/v1/partner-notifications");
}

int
cl_h_partner_notifications_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_partner_notifications_acknowledge(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &acknowledge, 1, req->params, 200, NULL);
}

int
cl_h_partner_notifications_match(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, match_fields, CL_V_CREATE);

    if (err != CL_OK)
        return err;
    return cl_api_row(req, resp, &match, 2, (const char *[]){req->params[0], req->body_raw}, 200,
                      NULL);
}

/* A partner never learns which of its notices went to triage. */
int
cl_h_partner_notifications_list(struct cl_req *req, struct cl_resp *resp)
{
    char v[8];

    if (req->role == CL_ROLE_PARTNER && cl_req_query(req, "triage", v, sizeof v) != 0) {
        cl_resp_field_error(resp, "triage", "is a filter for the leaving care service only");
        cl_resp_detail(resp, "invalid query parameter");
        return CL_EBADREQ;
    }
    return cl_api_feed_list(req, resp, "partner_notifications", &list, 0, filters, 2);
}

int
cl_h_adviser_inbox(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "adviser_inbox", &inbox, 1, NULL, 2);
}

int
cl_h_manager_tasks_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &tasks, 0, task_filters, 2);
}

/* POST /v1/manager-tasks/{id}/close: an action, as a Board action's update; If-Match guards it
 * like a PATCH when given. */
int
cl_h_manager_tasks_close(struct cl_req *req, struct cl_resp *resp)
{
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, close_fields, CL_V_CREATE);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &task_close, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    return err;
}
