/* /v1/partners: thin handlers over the partner_* SQL functions (schema/migrations/0030). */
#include "partners.h"

#include "resource.h"

static const char *const kinds[] = {"district_council", "housing_provider", "employer",
                                    "college", "health", "other", NULL};

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
static struct cl_stmt get = {
    "SELECT partner_json(p), p.version, p.id FROM partners p "
    "WHERE p.id = $1::uuid AND partner_visible(p.id)"};
static struct cl_stmt list = {
    "SELECT partner_json(p), p.name, p.id::text FROM partners p "
    "WHERE partner_visible(p.id) "
    "AND ($1::text IS NULL OR p.kind = $1) "
    "AND ($2::text IS NULL OR p.districts @> ARRAY[$2::text]) "
    "AND ($3::boolean IS NULL OR p.active = $3::boolean) "
    "AND ($4::text IS NULL OR (p.name, p.id) > ($4, $5::uuid)) "
    "ORDER BY p.name, p.id LIMIT $6::int"};

int
cl_h_partners_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, fields, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &create, 1, (const char *[]){req->body_raw}, 201,
                         "/v1/partners");
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
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, fields, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &patch, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    if (err == CL_ECONFLICT)
        cl_resp_detail(resp, "a partner with this name already exists");
    return err;
}

int
cl_h_partners_list(struct cl_req *req, struct cl_resp *resp)
{
    char kind[32], district[101], active[8];
    struct cl_page page;
    const char *p[6];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = cl_api_filter(req, resp, "kind", 's', kinds, kind, sizeof kind);
    p[1] = cl_api_filter(req, resp, "district", 's', NULL, district, sizeof district);
    p[2] = cl_api_filter(req, resp, "active", 'b', NULL, active, sizeof active);
    if (resp->errors)
        return CL_EBADREQ;
    p[3] = cl_page_key(&page, 0);
    p[4] = cl_page_key(&page, 1);
    p[5] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &list, 6, p);
}
