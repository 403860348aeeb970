/* /v1/advisers: thin handlers over the adviser_* SQL functions (schema/migrations/0004). */
#include "advisers.h"

#include "resource.h"

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"email", CL_F_EMAIL, CL_F_REQUIRED, 3, 254},
    {"team", CL_F_STRING, 0, 0, 200},
    {"fte", CL_F_NUMBER, 0, 0.01, 1},
    {"caseload_limit", CL_F_INT, 0, 0, 200},
    {"eet_lead", CL_F_BOOL},
    {"active", CL_F_BOOL},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM adviser_create($1::jsonb)"};
static struct cl_stmt patch = {"SELECT * FROM adviser_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt get = {
    "SELECT adviser_json(a), a.version, a.id FROM advisers a "
    "WHERE a.id = $1::uuid AND adviser_visible(a.id)"};
static struct cl_stmt list = {
    "SELECT adviser_json(a), a.name, a.id::text FROM advisers a "
    "WHERE adviser_visible(a.id) "
    "AND ($1::boolean IS NULL OR a.active = $1::boolean) "
    "AND ($2::text IS NULL OR a.team = $2) "
    "AND ($3::text IS NULL OR (a.name, a.id) > ($3, $4::uuid)) "
    "ORDER BY a.name, a.id LIMIT $5::int"};

int
cl_h_advisers_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, fields, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &create, 1, (const char *[]){req->body_raw}, 201,
                         "/v1/advisers");
    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "an adviser with this email already exists");
    return err;
}

int
cl_h_advisers_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_advisers_patch(struct cl_req *req, struct cl_resp *resp)
{
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, fields, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &patch, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "an adviser with this email already exists");
    return err;
}

int
cl_h_advisers_list(struct cl_req *req, struct cl_resp *resp)
{
    char active[8], team[201];
    struct cl_page page;
    const char *p[5];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = cl_api_filter(req, resp, "active", 'b', NULL, active, sizeof active);
    p[1] = cl_api_filter(req, resp, "team", 's', NULL, team, sizeof team);
    if (resp->errors)
        return CL_EBADREQ;
    p[2] = cl_page_key(&page, 0);
    p[3] = cl_page_key(&page, 1);
    p[4] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &list, 5, p);
}
