/* /v1/partners: thin handlers over the partner_* SQL functions (schema/functions/partners.sql). */
#include "partners.h"

#include "feed.h"
#include "resource.h"

static const char *const kinds[] = {
    "district_council", "housing_provider", "employer", "college", "health", "other", NULL};

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, kinds},
    {"districts", CL_F_STRINGS, 0, 1, 100},
    {"contact_name", CL_F_STRING, CL_F_NULLABLE, 0, 200},
    {"contact_email", CL_F_EMAIL, CL_F_NULLABLE, 3, 254},
    {"contact_phone", CL_F_PHONE, CL_F_NULLABLE},
    {"active", CL_F_BOOL},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM partner_create($1::jsonb)"};
static struct cl_stmt patch = {"SELECT * FROM partner_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt get = {"SELECT partner_json(p), p.version, p.id FROM partners p "
                             "WHERE p.id = $1::uuid AND partner_visible(p.id)"};
static struct cl_stmt list = {"SELECT partner_json(p), p.name, p.id::text FROM partners p "
                              "WHERE partner_visible(p.id) "
                              "AND ($1::text IS NULL OR p.kind = $1) "
                              "AND ($2::text IS NULL OR p.districts @> ARRAY[$2::text]) "
                              "AND ($3::boolean IS NULL OR p.active = $3::boolean) "
                              "AND ($4::text IS NULL OR (p.name, p.id) > ($4, $5::uuid)) "
                              "ORDER BY p.name, p.id LIMIT $6::int"};

static const struct cl_api_query filters[] = {
    {"kind", 's', kinds, 32},
    {"district", 's', NULL, 101},
    {"active", 'b', NULL, 8},
    {NULL},
};

int
cl_h_partners_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, fields, &create, 0, "/v1/partners");

    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "a partner with this name already exists");
    return err;
}

int
cl_h_partners_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_partners_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, fields, &patch, 1);

    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "a partner with this name already exists");
    return err;
}

int
cl_h_partners_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "partners", &list, 0, filters, 2);
}
