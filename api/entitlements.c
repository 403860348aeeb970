/* Entitlements, their versions, a care leaver's status under them and council tax exemption:
 * thin handlers over schema/functions/entitlements.sql, which holds the rules (versions never
 * overlap, a cap never below what was paid under it, eligibility, top-ups) and the audit rows. */
#include "entitlements.h"

#include <string.h>

#include "conflict.h"
#include "feed.h"
#include "resource.h"

/* ---- entitlements and their versions ----------------------------------------------------- */

static const char *const kinds[] = {
    "grant", "leisure_pass", "council_tax_exemption", "bus_pass", "driving_lessons", "other", NULL};
static const char *const categories[] = {"eligible", "relevant", "former_relevant", "qualifying",
                                         NULL};

static const struct cl_field entitlement_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, kinds},
    {"description", CL_F_STRING, 0, 0, 2000},
    {"policy_reference", CL_F_STRING, CL_F_NULLABLE, 0, 500},
    {"active", CL_F_BOOL},
    {"versions", CL_F_STRINGS, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field version_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"entitlement_id", CL_F_UUID, CL_F_READONLY},
    {"effective_from", CL_F_DATE, CL_F_REQUIRED},
    {"effective_to", CL_F_DATE, CL_F_NULLABLE},
    {"cap_pence", CL_F_INT, CL_F_NULLABLE, 1, 100000000},
    {"min_age", CL_F_INT, CL_F_NULLABLE, 0, 30},
    {"max_age", CL_F_INT, CL_F_NULLABLE, 0, 30},
    {"categories", CL_F_STRINGS, CL_F_NULLABLE, 1, 20},
    {"districts", CL_F_STRINGS, CL_F_NULLABLE, 1, 100},
    {"in_eet", CL_F_BOOL, CL_F_NULLABLE},
    {"paid_pence", CL_F_INT, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

/* A version's cap is the one thing that may be corrected once it exists. */
static const struct cl_field version_patch_fields[] = {
    {"cap_pence", CL_F_INT, CL_F_REQUIRED, 1, 100000000},
    {NULL},
};

static struct cl_stmt entitlement_create = {"SELECT * FROM entitlement_create($1::jsonb)"};
static struct cl_stmt entitlement_patch = {
    "SELECT * FROM entitlement_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt entitlement_get = {
    "SELECT entitlement_json(e), e.version, e.id FROM entitlements e WHERE e.id = $1::uuid"};
static struct cl_stmt entitlement_list = {
    "SELECT entitlement_json(e), e.name, e.id::text FROM entitlements e "
    "WHERE ($1::boolean IS NULL OR e.active = $1::boolean) "
    "AND ($2::text IS NULL OR e.kind = $2) "
    "AND ($3::text IS NULL OR (e.name, e.id) > ($3, $4::uuid)) "
    "ORDER BY e.name, e.id LIMIT $5::int"};
static struct cl_stmt version_create = {
    "SELECT * FROM entitlement_version_create($1::uuid, $2::jsonb)"};
static struct cl_stmt version_get = {"SELECT * FROM entitlement_version_get($1::uuid, $2::uuid)"};
static struct cl_stmt version_patch = {
    "SELECT * FROM entitlement_version_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt status_list = {
    "SELECT * FROM entitlement_status_list($1::uuid, $2, $3, $4::int)"};

#define DUPLICATE_ENTITLEMENT "an entitlement with this name already exists"
#define OVERLAPPING_VERSION "the version overlaps another version of this entitlement"

static const struct cl_api_query entitlement_filters[] = {
    {"active", 'b', NULL, 8}, {"kind", 's', kinds, 24}, {NULL}};

int
cl_h_entitlements_create(struct cl_req *req, struct cl_resp *resp)
{
    int err =
        cl_api_create(req, resp, entitlement_fields, &entitlement_create, 0, "/v1/entitlements");

    cl_api_conflict_detail(req, resp, err, DUPLICATE_ENTITLEMENT);
    return err;
}

int
cl_h_entitlements_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &entitlement_get, 1, req->params, 200, NULL);
}

int
cl_h_entitlements_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, entitlement_fields, &entitlement_patch, 1);

    cl_api_conflict_detail(req, resp, err, DUPLICATE_ENTITLEMENT);
    return err;
}

int
cl_h_entitlements_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "entitlements", &entitlement_list, 0, entitlement_filters,
                            2);
}

/* 1 when every member of the body's categories (already checked to be strings) is a legal
 * category. */
static int
categories_known(const cJSON *body)
{
    const cJSON *e, *c = cJSON_GetObjectItemCaseSensitive(body, "categories");

    if (!cJSON_IsArray(c))
        return 1;
    cJSON_ArrayForEach(e, c)
    {
        const char *const *k = categories;

        while (*k && strcmp(*k, e->valuestring) != 0)
            k++;
        if (*k == NULL)
            return 0;
    }
    return 1;
}

int
cl_h_entitlement_versions_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, version_fields, CL_V_CREATE);

    if (err == CL_OK && !categories_known(req->body)) {
        cl_resp_field_error(resp, "categories",
                            "must hold only eligible, relevant, former_relevant or qualifying");
        cl_resp_detail(resp, "the request has invalid fields");
        return CL_EINVAL;
    }
    if (err != CL_OK)
        return err;
    err = cl_api_create(req, resp, version_fields, &version_create, 1,
                        "/v1/entitlements/%s/versions");
    cl_api_conflict_detail(req, resp, err, OVERLAPPING_VERSION);
    return err;
}

int
cl_h_entitlement_versions_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &version_get, 2, req->params, 200, NULL);
}

/* The cap is the whole patch: a body without it would correct nothing (422, not a 200). */
int
cl_h_entitlement_versions_patch(struct cl_req *req, struct cl_resp *resp)
{
    if (!cJSON_HasObjectItem(req->body, "cap_pence")) {
        cl_resp_field_error(resp, "cap_pence", "is required");
        cl_resp_detail(resp, "the request has invalid fields");
        return CL_EINVAL;
    }
    return cl_api_patch(req, resp, version_patch_fields, &version_patch, 2);
}

int
cl_h_care_leaver_entitlements(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &status_list, 1, NULL, 2);
}

/* ---- council tax exemption ---------------------------------------------------------------- */

static const struct cl_field scheme_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"district", CL_F_STRING, CL_F_REQUIRED, 1, 100},
    {"exempt_until_age", CL_F_INT, CL_F_REQUIRED, 18, 26},
    {"effective_from", CL_F_DATE, CL_F_REQUIRED},
    {"effective_to", CL_F_DATE, CL_F_NULLABLE},
    {"needs_application", CL_F_BOOL, CL_F_REQUIRED},
    {"notes", CL_F_STRING, 0, 0, 2000},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const char *const statuses[] = {"eligible", "applied", "granted", "refused", NULL};

static const struct cl_field status_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"scheme_id", CL_F_UUID, CL_F_READONLY},
    {"district", CL_F_STRING, CL_F_READONLY},
    {"exempt_until_age", CL_F_INT, CL_F_READONLY},
    {"status", CL_F_ENUM, CL_F_REQUIRED, 0, 0, statuses},
    {"applied_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"decided_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt scheme_create = {"SELECT * FROM council_tax_scheme_create($1::jsonb)"};
static struct cl_stmt scheme_list = {
    "SELECT council_tax_scheme_json(s), s.district, s.effective_from::text, s.id::text "
    "FROM council_tax_schemes s "
    "WHERE ($1::text IS NULL OR s.district = $1) "
    "AND ($2::text IS NULL OR (s.district, s.effective_from, s.id) > ($2, $3::date, $4::uuid)) "
    "ORDER BY s.district, s.effective_from, s.id LIMIT $5::int"};
static struct cl_stmt status_create = {
    "SELECT * FROM council_tax_status_create($1::uuid, $2::jsonb)"};
static struct cl_stmt status_get = {"SELECT * FROM council_tax_status_get($1::uuid, $2::uuid)"};
static struct cl_stmt status_patch = {
    "SELECT * FROM council_tax_status_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt ct_status_list = {
    "SELECT * FROM council_tax_status_list($1::uuid, $2, $3::int)"};

static const struct cl_api_query scheme_filters[] = {{"district", 's', NULL, 101}, {NULL}};

int
cl_h_council_tax_schemes_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, scheme_fields, &scheme_create, 0, "/v1/council-tax-schemes");

    cl_api_conflict_detail(req, resp, err,
                           "the scheme overlaps another scheme of the same district");
    return err;
}

int
cl_h_council_tax_schemes_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "council_tax_schemes", &scheme_list, 0, scheme_filters, 3);
}

int
cl_h_council_tax_statuses_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, status_fields, &status_create, 1,
                            "/v1/care-leavers/%s/council-tax-statuses");

    cl_api_conflict_detail(req, resp, err,
                           "the care leaver already has a status under this scheme, or its "
                           "dates do not fit the status");
    return err;
}

int
cl_h_council_tax_statuses_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "council_tax_statuses", &ct_status_list, 1, NULL, 1);
}

int
cl_h_council_tax_statuses_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &status_get, 2, req->params, 200, NULL);
}

int
cl_h_council_tax_statuses_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, status_fields, &status_patch, 2);

    cl_api_conflict_detail(req, resp, err, "the dates do not fit the status");
    return err;
}
