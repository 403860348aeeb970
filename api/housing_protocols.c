/* /v1/housing-protocols: thin handlers over the housing_protocol_* and housing_breach_* SQL
 * functions (schema/functions/housing.sql). */
#include "housing.h"

#include <string.h>

#include "conflict.h"
#include "feed.h"
#include "resource.h"

static const char *const statuses[] = {"draft",      "consultation", "approved",
                                       "signed_off", "superseded",   NULL};
static const char *const breach_kinds[] = {"late_response",
                                           "no_response",
                                           "move_without_notice",
                                           "eviction_without_notice",
                                           "bnb_placement",
                                           "bnb_over_limit",
                                           "bnb_under_18",
                                           "intentionality_without_consultation",
                                           "other",
                                           NULL};

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"edition", CL_F_INT, 0, 1, 9999},
    {"status", CL_F_STRING, CL_F_READONLY},
    {"approving_body", CL_F_STRING, CL_F_NULLABLE, 0, 200},
    {"review_due_on", CL_F_DATE, CL_F_NULLABLE},
    {"referral_lead_days_before_18", CL_F_INT, 0, 0, 730},
    {"response_days", CL_F_INT, 0, 1, 365},
    {"move_notice_days", CL_F_INT, 0, 0, 365},
    {"max_bnb_nights", CL_F_INT, 0, 0, 365},
    {"clauses", CL_F_STRINGS, 0, 1, 2000},
    {"parties", CL_F_STRINGS, 0, 36, 36},
    {"signed_off_at", CL_F_STRING, CL_F_READONLY},
    {"superseded_at", CL_F_STRING, CL_F_READONLY},
    {"superseded_by", CL_F_UUID, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field transition_fields[] = {
    {"to", CL_F_ENUM, CL_F_REQUIRED, 0, 0, statuses},
    {NULL},
};

static const struct cl_field signature_fields[] = {
    {"partner_id", CL_F_UUID},
    {"signatory_name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"signatory_title", CL_F_STRING, 0, 0, 200},
    {NULL},
};

static const struct cl_field breach_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"protocol_id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, breach_kinds},
    {"partner_id", CL_F_UUID, CL_F_REQUIRED},
    {"care_leaver_id", CL_F_UUID, CL_F_NULLABLE},
    {"occurred_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"details", CL_F_STRING, 0, 0, 2000},
    {"recorded_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const char *const commitment_kinds[] = {"response_working_days", "referral_lead_days",
                                               "move_notice_days",      "bnb_max_nights",
                                               "bnb_under_18",          NULL};
static const char *const partner_kinds[] = {
    "district_council", "housing_provider", "employer", "college", "health", "other", NULL};

static const struct cl_field commitment_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"protocol_id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, commitment_kinds},
    {"target", CL_F_INT, CL_F_REQUIRED, 0, 730},
    {"district", CL_F_STRING, CL_F_NULLABLE, 1, 100},
    {"partner_kind", CL_F_ENUM, CL_F_NULLABLE, 0, 0, partner_kinds},
    {"partner_id", CL_F_UUID, CL_F_NULLABLE},
    {"description", CL_F_STRING, 0, 0, 500},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM housing_protocol_create($1::jsonb)"};
static struct cl_stmt patch = {"SELECT * FROM housing_protocol_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt transition = {
    "SELECT * FROM housing_protocol_transition($1::uuid, $2::jsonb->>'to', $3)"};
static struct cl_stmt sign = {"SELECT * FROM housing_protocol_sign($1::uuid, $2::jsonb)"};
static struct cl_stmt get = {
    "SELECT housing_protocol_json(h), h.version, h.id FROM housing_protocols h "
    "WHERE h.id = $1::uuid AND housing_protocol_visible(h.id)"};
static struct cl_stmt list = {
    "SELECT housing_protocol_json(h), h.edition::text, h.id::text FROM housing_protocols h "
    "WHERE housing_protocol_visible(h.id) "
    "AND ($1::text IS NULL OR h.status = $1) "
    "AND ($2::int IS NULL OR (h.edition, h.id) < ($2::int, $3::uuid)) "
    "ORDER BY h.edition DESC, h.id DESC LIMIT $4::int"};
static struct cl_stmt compliance = {
    "SELECT * FROM housing_protocol_compliance($1::uuid, $2::date, $3::date)"};
static struct cl_stmt commitment_compliance = {
    "SELECT * FROM housing_commitment_compliance($1::uuid, $2::date, $3::date)"};
static struct cl_stmt commitment_create = {
    "SELECT * FROM housing_commitment_create($1::uuid, $2::jsonb)"};
static struct cl_stmt commitment_get = {"SELECT * FROM housing_commitment_get($1::uuid, $2::uuid)"};
static struct cl_stmt commitment_list = {
    "SELECT * FROM housing_commitment_list($1::uuid, $2::uuid, $3::int)"};
static struct cl_stmt breach_create = {"SELECT * FROM housing_breach_create($1::uuid, $2::jsonb)"};
static struct cl_stmt breach_get = {"SELECT * FROM housing_breach_get($1::uuid, $2::uuid)"};
static struct cl_stmt breach_list = {
    "SELECT * FROM housing_breach_list($1::uuid, $2::uuid, $3::text, $4::date, $5::date, "
    "$6::date, $7::uuid, $8::int)"};

#define DUPLICATE_EDITION "a housing protocol with this edition already exists"

static const struct cl_api_query filters[] = {{"status", 's', statuses, 16}, {NULL}};
static const struct cl_api_query breach_filters[] = {
    {"partner_id", 'u', NULL, 40},
    {"kind", 's', breach_kinds, 48},
    {"from", 'd', NULL, 16},
    {"to", 'd', NULL, 16},
    {NULL},
};

/* The parties list must hold partner ids. */
static void
check_parties(struct cl_req *req, struct cl_resp *resp)
{
    const cJSON *parties = cJSON_GetObjectItemCaseSensitive(req->body, "parties");
    const cJSON *e;

    if (!cJSON_IsArray(parties))
        return;
    cJSON_ArrayForEach(e, parties)
    {
        if (cJSON_IsString(e) && !cl_uuid_valid(e->valuestring)) {
            cl_resp_field_error(resp, "parties", "must hold only partner ids (UUIDs)");
            cl_resp_detail(resp, "the request has invalid fields");
            return;
        }
    }
}

static int
validate_protocol(struct cl_req *req, struct cl_resp *resp, enum cl_vmode mode)
{
    int err = cl_api_validate(req, resp, fields, mode);

    if (err == CL_OK) {
        check_parties(req, resp);
        if (cJSON_GetArraySize(resp->errors) > 0)
            err = CL_EINVAL;
    }
    return err;
}

int
cl_h_housing_protocols_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = validate_protocol(req, resp, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &create, 1, (const char *[]){req->body_raw}, 201,
                         "/v1/housing-protocols");
    cl_api_conflict_detail(req, resp, err, DUPLICATE_EDITION);
    return err;
}

int
cl_h_housing_protocols_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_housing_protocols_patch(struct cl_req *req, struct cl_resp *resp)
{
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = validate_protocol(req, resp, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &patch, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    cl_api_conflict_detail(req, resp, err, DUPLICATE_EDITION);
    return err;
}

int
cl_h_housing_protocols_transition(struct cl_req *req, struct cl_resp *resp)
{
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, transition_fields, CL_V_CREATE);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &transition, 3,
                         (const char *[]){req->params[0], req->body_raw, version}, 200, NULL);
    cl_api_conflict_detail(req, resp, err, "another protocol was signed off at the same time");
    return err;
}

int
cl_h_housing_protocols_sign(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, signature_fields, &sign, 1, "/v1/housing-protocols");
}

int
cl_h_housing_protocols_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "housing_protocols", &list, 0, filters, 2);
}

/* A compliance report of the protocol in the path for the period from..to in the query. */
static int
compliance_in(struct cl_req *req, struct cl_resp *resp, struct cl_stmt *stmt)
{
    char from[16], to[16];
    const char *p[3];

    p[0] = req->params[0];
    p[1] = cl_api_filter(req, resp, "from", 'd', NULL, from, sizeof from);
    p[2] = cl_api_filter(req, resp, "to", 'd', NULL, to, sizeof to);
    if (resp->errors)
        return CL_EBADREQ;
    if (p[1] && p[2] && strcmp(p[1], p[2]) > 0) {
        cl_resp_field_error(resp, "from", "must not be after to");
        cl_resp_detail(resp, "invalid query parameter");
        return CL_EBADREQ;
    }
    return cl_api_row(req, resp, stmt, 3, p, 200, NULL);
}

int
cl_h_housing_protocols_compliance(struct cl_req *req, struct cl_resp *resp)
{
    return compliance_in(req, resp, &compliance);
}

int
cl_h_housing_commitments_compliance(struct cl_req *req, struct cl_resp *resp)
{
    return compliance_in(req, resp, &commitment_compliance);
}

int
cl_h_housing_commitments_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, commitment_fields, &commitment_create, 1,
                         "/v1/housing-protocols/%s/commitments");
}

int
cl_h_housing_commitments_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &commitment_get, 2, req->params, 200, NULL);
}

int
cl_h_housing_commitments_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "housing_commitments", &commitment_list, 1, NULL, 1);
}

int
cl_h_housing_breaches_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, breach_fields, &breach_create, 1,
                         "/v1/housing-protocols/%s/breaches");
}

int
cl_h_housing_breaches_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &breach_get, 2, req->params, 200, NULL);
}

int
cl_h_housing_breaches_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &breach_list, 1, breach_filters, 2);
}
