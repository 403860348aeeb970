/* Grant types and payments: thin handlers over the grant_* SQL functions
 * (schema/functions/grants.sql), which hold scope, the per-person cap (with its lock) and the
 * audit rows. */
#include "grants.h"

#include "conflict.h"
#include "resource.h"

/* ---- grant types ------------------------------------------------------------------------- */

static const struct cl_field type_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"cap_pence", CL_F_INT, 0, 1, 100000000},
    {"policy_reference", CL_F_STRING, CL_F_NULLABLE, 0, 500},
    {"active", CL_F_BOOL},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt type_create = {"SELECT * FROM grant_type_create($1::jsonb)"};
static struct cl_stmt type_patch = {"SELECT * FROM grant_type_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt type_get = {
    "SELECT grant_type_json(t), t.version, t.id FROM grant_types t WHERE t.id = $1::uuid"};
static struct cl_stmt type_list = {
    "SELECT grant_type_json(t), t.name, t.id::text FROM grant_types t "
    "WHERE ($1::boolean IS NULL OR t.active = $1::boolean) "
    "AND ($2::text IS NULL OR (t.name, t.id) > ($2, $3::uuid)) "
    "ORDER BY t.name, t.id LIMIT $4::int"};

#define DUPLICATE_TYPE "a grant type with this name already exists"

static const struct cl_api_query type_filters[] = {{"active", 'b', NULL, 8}, {NULL}};

int
cl_h_grant_types_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, type_fields, &type_create, 0, "/v1/grant-types");

    cl_api_conflict_detail(req, resp, err, DUPLICATE_TYPE);
    return err;
}

int
cl_h_grant_types_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &type_get, 1, req->params, 200, NULL);
}

int
cl_h_grant_types_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, type_fields, &type_patch, 1);

    cl_api_conflict_detail(req, resp, err, DUPLICATE_TYPE);
    return err;
}

int
cl_h_grant_types_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &type_list, 0, type_filters, 2);
}

/* ---- payments and balances --------------------------------------------------------------- */

static const char *const methods[] = {"card", "bank", "voucher", "direct_supplier", NULL};

static const struct cl_field payment_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"grant_type_id", CL_F_UUID, CL_F_REQUIRED},
    {"grant_type_name", CL_F_STRING, CL_F_READONLY},
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
static struct cl_stmt balance_list = {
    "SELECT * FROM grant_balance_list($1::uuid, $2, $3, $4::int)"};

static const struct cl_api_query payment_filters[] = {{"grant_type_id", 'u', NULL, 40}, {NULL}};

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
    return cl_api_list_query(req, resp, &payment_list, 1, payment_filters, 2);
}

int
cl_h_grant_balances_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &balance_list, 1, NULL, 2);
}
