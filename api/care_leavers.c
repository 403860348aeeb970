/* /v1/care-leavers: thin handlers over the care_leaver_* SQL functions
 * (schema/functions/care_leaver.sql; the derived facts in
 * schema/functions/facts.sql). Derived fields (age, contact_status, in_touch,
 * pathway_plan_due_on, plan_overdue, next_visit_due_on, visit_overdue) are computed in SQL. */
#include "care_leavers.h"

#include <string.h>

#include "casework.h"
#include "cl_codes.h"
#include "conflict.h"
#include "feed.h"
#include "resource.h"

#define DUPLICATE "a care leaver with this la_child_id already exists"
/* An adviser sees only its caseload: a clash with a record it cannot see is not confirmed in
 * words, and nothing of that record is echoed (the write failing is all it learns, as a unique
 * key makes unavoidable; its own records it finds with ?q=). */
#define DUPLICATE_ADVISER "la_child_id cannot be used for this record; a manager can check it"
#define AGE_MESSAGE "age must be 15 to 25, the service window"

static const char *const sexes[] = {"M", "F", "U", NULL};
static const char *const statuses[] = {"open", "closed", NULL};

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"la_child_id", CL_F_STRING, CL_F_REQUIRED, 1, 10},
    {"given_name", CL_F_STRING, CL_F_REQUIRED, 1, 100},
    {"family_name", CL_F_STRING, CL_F_REQUIRED, 1, 100},
    {"preferred_name", CL_F_STRING, CL_F_NULLABLE, 1, 100},
    {"date_of_birth", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"sex", CL_F_ENUM, CL_F_REQUIRED, 0, 0, sexes},
    {"ethnicity", CL_F_ENUM, CL_F_REQUIRED, 0, 0, cl_codes_ethnicity},
    {"uasc", CL_F_BOOL},
    {"category", CL_F_ENUM, CL_F_REQUIRED, 0, 0, cl_codes_category},
    {"care_ceased_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"district", CL_F_STRING, CL_F_REQUIRED, 1, 100},
    {"adviser_id", CL_F_UUID, CL_F_NULLABLE},
    {"phone", CL_F_PHONE, CL_F_NULLABLE},
    {"email", CL_F_EMAIL, CL_F_NULLABLE, 3, 254},
    {"address", CL_F_STRING, CL_F_NULLABLE, 1, 500},
    {"postcode", CL_F_POSTCODE, CL_F_NULLABLE},
    {"opened_on", CL_F_DATE, CL_F_NOFUTURE},
    {"status", CL_F_ENUM, 0, 0, 0, statuses},
    {"closed_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"closed_reason", CL_F_STRING, CL_F_NULLABLE, 1, 500},
    {"upn", CL_F_STRING, CL_F_NULLABLE, 3, 13},
    {"mother", CL_F_INT, CL_F_NULLABLE, 0, 1},
    {"first_child_dob", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"override_caseload_limit", CL_F_BOOL},
    {"age", CL_F_INT, CL_F_READONLY},
    {"contact_status", CL_F_STRING, CL_F_READONLY},
    {"in_touch", CL_F_BOOL, CL_F_READONLY},
    {"last_contact_on", CL_F_DATE, CL_F_READONLY},
    {"pathway_plan_due_on", CL_F_DATE, CL_F_READONLY},
    {"plan_overdue", CL_F_BOOL, CL_F_READONLY},
    {"next_visit_due_on", CL_F_DATE, CL_F_READONLY},
    {"visit_overdue", CL_F_BOOL, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM care_leaver_create($1::jsonb, $2::int)"};
static struct cl_stmt get = {"SELECT * FROM care_leaver_read($1::uuid, $2::int)"};
static struct cl_stmt patch = {"SELECT * FROM care_leaver_patch($1::uuid, $2::jsonb, $3, $4::int)"};
static struct cl_stmt list = {
    "SELECT * FROM care_leaver_list($1, $2::uuid, $3, $4, $5::int, $6::int, $7::boolean, "
    "$8::boolean, $9::boolean, $10, $11, $12, $13::uuid, $14::int, $15::int)"};
static struct cl_stmt caseload = {
    "SELECT * FROM adviser_caseload($1::uuid, $2::int, coalesce($3::date, current_date))"};

/* The per-field rules cl_validate has no type for: the CHILD id's characters, the UPN's form
 * and the age the date of birth gives today. Listed with every other bad field. */
static int
validate(struct cl_req *req, struct cl_resp *resp, enum cl_vmode mode)
{
    int err = cl_api_validate(req, resp, fields, mode);
    const cJSON *v;

    v = cJSON_GetObjectItemCaseSensitive(req->body, "la_child_id");
    if (cJSON_IsString(v) && !cl_validate_has(resp->errors, "la_child_id") &&
        !cl_child_id_ok(v->valuestring))
        cl_resp_field_error(resp, "la_child_id", "must be 1 to 10 letters and digits");
    v = cJSON_GetObjectItemCaseSensitive(req->body, "upn");
    if (cJSON_IsString(v) && !cl_validate_has(resp->errors, "upn") && !cl_upn_ok(v->valuestring))
        cl_resp_field_error(resp, "upn",
                            "must be a UPN (a letter other than I, O or S, 11 digits, then a "
                            "digit or a letter) or UN1 to UN5");
    v = cJSON_GetObjectItemCaseSensitive(req->body, "date_of_birth");
    if (cJSON_IsString(v) && !cl_validate_has(resp->errors, "date_of_birth"))
        cl_casework_check_age(resp, "date_of_birth", v->valuestring, 15, 25, AGE_MESSAGE);
    if (err == CL_OK && cJSON_GetArraySize(resp->errors) > 0) {
        cl_resp_detail(resp, "the request has invalid fields");
        err = CL_EINVAL;
    }
    return err;
}

static const char *
duplicate(const struct cl_req *req)
{
    return req->role == CL_ROLE_ADVISER ? DUPLICATE_ADVISER : DUPLICATE;
}

int
cl_h_care_leavers_create(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);
    int err = validate(req, resp, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &create, 2, (const char *[]){req->body_raw, days.in_touch}, 201,
                         "/v1/care-leavers");
    cl_api_conflict_detail(req, resp, err, duplicate(req));
    return err;
}

int
cl_h_care_leavers_get(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);

    return cl_api_row(req, resp, &get, 2, (const char *[]){req->params[0], days.in_touch}, 200,
                      NULL);
}

int
cl_h_care_leavers_patch(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = validate(req, resp, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &patch, 4,
                         (const char *[]){req->params[0], req->body_raw, version, days.in_touch},
                         200, NULL);
    cl_api_conflict_detail(req, resp, err, duplicate(req));
    return err;
}

static int
list_page(struct cl_req *req, struct cl_resp *resp, const void *ctx)
{
    char district[101], adviser[40], category[20], status[8], min_age[12], max_age[12], in_touch[8],
        plan_overdue[8], visit_overdue[8], q[101];
    struct cl_casework_days days = cl_casework_days(req);
    struct cl_page page;
    const char *p[15];
    int err = cl_page_parse(req, resp, 3, &page);

    if (err != CL_OK)
        return err;
    p[0] = cl_api_filter(req, resp, "district", 's', NULL, district, sizeof district);
    p[1] = cl_api_filter(req, resp, "adviser_id", 'u', NULL, adviser, sizeof adviser);
    p[2] = cl_api_filter(req, resp, "category", 's', cl_codes_category, category, sizeof category);
    p[3] = cl_api_filter(req, resp, "status", 's', statuses, status, sizeof status);
    p[4] = cl_api_filter(req, resp, "min_age", 'i', NULL, min_age, sizeof min_age);
    p[5] = cl_api_filter(req, resp, "max_age", 'i', NULL, max_age, sizeof max_age);
    p[6] = cl_api_filter(req, resp, "in_touch", 'b', NULL, in_touch, sizeof in_touch);
    p[7] = cl_api_filter(req, resp, "plan_overdue", 'b', NULL, plan_overdue, sizeof plan_overdue);
    p[8] =
        cl_api_filter(req, resp, "visit_overdue", 'b', NULL, visit_overdue, sizeof visit_overdue);
    p[9] = cl_api_filter(req, resp, "q", 's', NULL, q, sizeof q);
    if ((p[4] && strlen(p[4]) > 3) || (p[5] && strlen(p[5]) > 3)) {
        cl_resp_field_error(resp, p[4] && strlen(p[4]) > 3 ? "min_age" : "max_age",
                            "must be an age from 0 to 999");
        cl_resp_detail(resp, "invalid query parameter");
    }
    if (p[9] && *p[9] == '\0') {
        cl_resp_field_error(resp, "q", "must not be empty");
        cl_resp_detail(resp, "invalid query parameter");
    }
    if (resp->errors)
        return CL_EBADREQ;
    p[10] = cl_page_key(&page, 0);
    p[11] = cl_page_key(&page, 1);
    p[12] = cl_page_key(&page, 2);
    p[13] = page.limit_plus_one;
    p[14] = days.in_touch;
    (void)ctx;
    return cl_api_list(req, resp, &page, &list, 15, p);
}

int
cl_h_care_leavers_list(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);

    return cl_api_feed(req, resp, "care_leavers", days.in_touch, list_page, NULL);
}

int
cl_h_adviser_caseload(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);
    char on[11];
    const char *p[3] = {req->params[0], days.in_touch, NULL};

    /* ?on=D: the caseload as allocated on that day (allocation history); today without it */
    p[2] = cl_api_filter(req, resp, "on", 'd', NULL, on, sizeof on);
    if (resp->errors)
        return CL_EBADREQ;
    return cl_api_row(req, resp, &caseload, 3, p, 200, NULL);
}
