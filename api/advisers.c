/* /v1/advisers: thin handlers over the adviser_* SQL functions (schema/functions/advisers.sql). */
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
static struct cl_stmt get = {"SELECT adviser_json(a), a.version, a.id FROM advisers a "
                             "WHERE a.id = $1::uuid AND adviser_visible(a.id)"};
static struct cl_stmt list = {"SELECT adviser_json(a), a.name, a.id::text FROM advisers a "
                              "WHERE adviser_visible(a.id) "
                              "AND ($1::boolean IS NULL OR a.active = $1::boolean) "
                              "AND ($2::text IS NULL OR a.team = $2) "
                              "AND ($3::text IS NULL OR (a.name, a.id) > ($3, $4::uuid)) "
                              "ORDER BY a.name, a.id LIMIT $5::int"};

static const struct cl_api_query filters[] = {
    {"active", 'b', NULL, 8},
    {"team", 's', NULL, 201},
    {NULL},
};

int
cl_h_advisers_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, fields, &create, 0, "/v1/advisers");

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
    int err = cl_api_patch(req, resp, fields, &patch, 1);

    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "an adviser with this email already exists");
    return err;
}

int
cl_h_advisers_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &list, 0, filters, 2);
}
