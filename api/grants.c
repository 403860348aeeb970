/* Grant payments: thin handlers over the grant_* SQL functions (schema/functions/grants.sql),
 * which hold scope, the version a payment belongs to, the per-person cap (with its lock) and
 * the audit rows. What is left of each grant is the care leaver's entitlement status
 * (entitlements.c). */
#include "grants.h"

#include "feed.h"
#include "resource.h"

/* ---- payments ------------------------------------------------------------------------------ */

static const char *const methods[] = {"card", "bank", "voucher", "direct_supplier", NULL};

static const struct cl_field payment_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"entitlement_id", CL_F_UUID, CL_F_REQUIRED},
    {"entitlement_name", CL_F_STRING, CL_F_READONLY},
    {"entitlement_version_id", CL_F_UUID, CL_F_READONLY},
    {"amount_pence", CL_F_INT, CL_F_REQUIRED, 1, 100000000},
    {"paid_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"method", CL_F_ENUM, CL_F_REQUIRED, 0, 0, methods},
    {"reference", CL_F_STRING, 0, 0, 100},
    {"remaining_pence", CL_F_INT, CL_F_READONLY},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt payment_create = {"SELECT * FROM grant_payment_create($1::uuid, $2::jsonb)"};
static struct cl_stmt payment_get = {"SELECT * FROM grant_payment_get($1::uuid, $2::uuid)"};
static struct cl_stmt payment_list = {
    "SELECT * FROM grant_payment_list($1::uuid, $2::uuid, $3, $4, $5::int)"};

static const struct cl_api_query payment_filters[] = {{"entitlement_id", 'u', NULL, 40}, {NULL}};

int
cl_h_grant_payments_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, payment_fields, &payment_create, 1,
                         "/v1/care-leavers/%s/grant-payments");
}

int
cl_h_grant_payments_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &payment_get, 2, req->params, 200, NULL);
}

int
cl_h_grant_payments_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "grant_payments", &payment_list, 1, payment_filters, 2);
}
