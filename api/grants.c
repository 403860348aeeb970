/* Grant types and payments: thin handlers over the grant_* SQL functions
 * (schema/migrations/0023), which hold scope, the per-person cap (with its lock) and the
 * audit rows. */
#include "grants.h"

#include <stdio.h>

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

int
cl_h_grant_types_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, type_fields, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &type_create, 1, (const char *[]){req->body_raw}, 201,
                         "/v1/grant-types");
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
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, type_fields, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &type_patch, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    cl_api_conflict_detail(req, resp, err, DUPLICATE_TYPE);
    return err;
}

int
cl_h_grant_types_list(struct cl_req *req, struct cl_resp *resp)
{
    char active[8];
    struct cl_page page;
    const char *p[4];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = cl_api_filter(req, resp, "active", 'b', NULL, active, sizeof active);
    if (resp->errors)
        return CL_EBADREQ;
    p[1] = cl_page_key(&page, 0);
    p[2] = cl_page_key(&page, 1);
    p[3] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &type_list, 4, p);
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

int
cl_h_grant_payments_create(struct cl_req *req, struct cl_resp *resp)
{
    char loc[128];
    int err = cl_api_validate(req, resp, payment_fields, CL_V_CREATE);

    snprintf(loc, sizeof loc, "/v1/care-leavers/%s/grant-payments", req->params[0]);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &payment_create, 2,
                         (const char *[]){req->params[0], req->body_raw}, 201, loc);
    return err;
}

int
cl_h_grant_payments_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &payment_get, 2, req->params, 200, NULL);
}

int
cl_h_grant_payments_list(struct cl_req *req, struct cl_resp *resp)
{
    char type[40];
    struct cl_page page;
    const char *p[5];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = req->params[0];
    p[1] = cl_api_filter(req, resp, "grant_type_id", 'u', NULL, type, sizeof type);
    if (resp->errors)
        return CL_EBADREQ;
    p[2] = cl_page_key(&page, 0);
    p[3] = cl_page_key(&page, 1);
    p[4] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &payment_list, 5, p);
}

int
cl_h_grant_balances_list(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_page page;
    const char *p[4];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = req->params[0];
    p[1] = cl_page_key(&page, 0);
    p[2] = cl_page_key(&page, 1);
    p[3] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &balance_list, 4, p);
}
