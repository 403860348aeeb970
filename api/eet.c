/* EET activities, the opportunity catalogue and referrals: thin handlers over the SQL
 * functions of schema/functions/accommodation_eet.sql, which hold scope (adviser caseload, partner
 * organisation), the referral route, the places lock and the audit rows. */
#include "eet.h"

#include "conflict.h"
#include "feed.h"
#include "resource.h"

/* ---- activity episodes ------------------------------------------------------------------- */

static const struct cl_field activity_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"code", CL_F_STRING, CL_F_REQUIRED, 2, 2},
    {"eet", CL_F_BOOL, CL_F_READONLY},
    {"hours_per_week", CL_F_NUMBER, CL_F_NULLABLE, 0.5, 80},
    {"provider_id", CL_F_UUID, CL_F_NULLABLE},
    {"started_on", CL_F_DATE, CL_F_REQUIRED},
    {"ended_on", CL_F_DATE, CL_F_NULLABLE},
    {"referral_id", CL_F_UUID, CL_F_READONLY},
    {"current", CL_F_BOOL, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt activity_create = {"SELECT * FROM eet_activity_create($1::uuid, $2::jsonb)"};
static struct cl_stmt activity_patch = {
    "SELECT * FROM eet_activity_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt activity_get = {"SELECT * FROM eet_activity_get($1::uuid, $2::uuid)"};
static struct cl_stmt activity_list = {
    "SELECT * FROM eet_activity_list($1::uuid, $2::date, $3, $4, $5::int)"};

#define ACTIVITY_OVERLAP "the period overlaps another EET activity episode of this care leaver"

static const struct cl_api_query activity_filters[] = {{"on", 'd', NULL, 16}, {NULL}};

int
cl_h_eet_activities_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, activity_fields, &activity_create, 1,
                            "/v1/care-leavers/%s/eet-activities");

    cl_api_conflict_detail(req, resp, err, ACTIVITY_OVERLAP);
    return err;
}

int
cl_h_eet_activities_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &activity_get, 2, req->params, 200, NULL);
}

int
cl_h_eet_activities_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, activity_fields, &activity_patch, 2);

    cl_api_conflict_detail(req, resp, err, ACTIVITY_OVERLAP);
    return err;
}

int
cl_h_eet_activities_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "eet_activities", &activity_list, 1, activity_filters, 2);
}

/* ---- opportunity catalogue --------------------------------------------------------------- */

static const char *const kinds[] = {
    "apprenticeship", "traineeship", "work_experience",         "job",
    "course",         "mentoring",   "peer_mentor_traineeship", NULL};
static const char *const opportunity_statuses[] = {"open", "closed", NULL};
static const char *const sources[] = {"council_department", "contractor_social_value", "employer",
                                      "college", NULL};

static const struct cl_field opportunity_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, kinds},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"description", CL_F_STRING, CL_F_NULLABLE, 0, 2000},
    {"provider_id", CL_F_UUID, CL_F_NULLABLE},
    {"provider_name", CL_F_STRING, CL_F_READONLY},
    {"ring_fenced_for_care_leavers", CL_F_BOOL},
    {"places", CL_F_INT, CL_F_REQUIRED, 1, 10000},
    {"places_taken", CL_F_INT, CL_F_READONLY},
    {"places_left", CL_F_INT, CL_F_READONLY},
    {"closes_on", CL_F_DATE, CL_F_NULLABLE},
    {"district", CL_F_STRING, CL_F_NULLABLE, 1, 100},
    {"status", CL_F_ENUM, 0, 0, 0, opportunity_statuses},
    {"source", CL_F_ENUM, 0, 0, 0, sources},
    {"activity_code", CL_F_STRING, CL_F_NULLABLE, 2, 2},
    {"hours_per_week", CL_F_NUMBER, CL_F_NULLABLE, 0.5, 80},
    {"accepting_referrals", CL_F_BOOL, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt opportunity_create = {"SELECT * FROM eet_opportunity_create($1::jsonb)"};
static struct cl_stmt opportunity_patch = {
    "SELECT * FROM eet_opportunity_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt opportunity_get = {
    "SELECT eet_opportunity_json(o), o.version, o.id FROM eet_opportunities o "
    "WHERE o.id = $1::uuid AND eet_opportunity_visible(o.provider_id)"};
static struct cl_stmt opportunity_list = {
    "SELECT eet_opportunity_json(o), o.title, o.id::text FROM eet_opportunities o "
    "WHERE eet_opportunity_visible(o.provider_id) "
    "AND ($1::text IS NULL OR o.kind = $1) "
    "AND ($2::text IS NULL OR o.status = $2) "
    "AND ($3::text IS NULL OR o.district = $3) "
    "AND ($4::boolean IS NULL OR o.ring_fenced_for_care_leavers = $4::boolean) "
    "AND ($5::uuid IS NULL OR o.provider_id = $5::uuid) "
    "AND ($6::text IS NULL OR (o.title, o.id) > ($6, $7::uuid)) "
    "ORDER BY o.title, o.id LIMIT $8::int"};

static const struct cl_api_query opportunity_filters[] = {
    {"kind", 's', kinds, 32},     {"status", 's', opportunity_statuses, 16},
    {"district", 's', NULL, 101}, {"ring_fenced", 'b', NULL, 8},
    {"provider", 'u', NULL, 40},  {NULL},
};

int
cl_h_eet_opportunities_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, opportunity_fields, &opportunity_create, 0,
                         "/v1/eet-opportunities");
}

int
cl_h_eet_opportunities_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &opportunity_get, 1, req->params, 200, NULL);
}

int
cl_h_eet_opportunities_patch(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_patch(req, resp, opportunity_fields, &opportunity_patch, 1);
}

int
cl_h_eet_opportunities_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "eet_opportunities", &opportunity_list, 0,
                            opportunity_filters, 2);
}

/* ---- referrals --------------------------------------------------------------------------- */

static const char *const referral_statuses[] = {"referred",  "applied",      "interview",
                                                "offered",   "started",      "completed",
                                                "withdrawn", "unsuccessful", NULL};

static const struct cl_field referral_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"opportunity_id", CL_F_UUID, CL_F_READONLY},
    {"opportunity_title", CL_F_STRING, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
    {"care_leaver", CL_F_OBJECT, CL_F_READONLY},
    {"status", CL_F_ENUM, CL_F_READONLY},
    {"status_on", CL_F_DATE, CL_F_READONLY},
    {"referred_on", CL_F_DATE, CL_F_NOFUTURE},
    {"notes", CL_F_STRING, 0, 0, 2000},
    {"activity_id", CL_F_UUID, CL_F_READONLY},
    {"history", CL_F_OBJECT, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field step_fields[] = {
    /* every state but the first can be the target of a step */
    {"to", CL_F_ENUM, CL_F_REQUIRED, 0, 0, referral_statuses + 1},
    {"on", CL_F_DATE, CL_F_NOFUTURE},
    {"note", CL_F_STRING, 0, 0, 1000},
    {NULL},
};

static struct cl_stmt referral_create = {"SELECT * FROM eet_referral_create($1::uuid, $2::jsonb)"};
static struct cl_stmt referral_get = {"SELECT * FROM eet_referral_get($1::uuid)"};
static struct cl_stmt referral_step = {
    "SELECT * FROM eet_referral_transition($1::uuid, $2::jsonb)"};
static struct cl_stmt referral_list_opportunity = {
    "SELECT * FROM eet_opportunity_referral_list($1::uuid, $2, $3, $4, $5::int)"};
static struct cl_stmt referral_list_care_leaver = {
    "SELECT * FROM eet_care_leaver_referral_list($1::uuid, $2, $3, $4, $5::int)"};

static const struct cl_api_query referral_filters[] = {
    {"status", 's', referral_statuses, 16},
    {NULL},
};

int
cl_h_eet_referrals_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, referral_fields, &referral_create, 1, "/v1/eet-referrals");

    cl_api_conflict_detail(req, resp, err,
                           "the care leaver already has an open referral to this opportunity");
    return err;
}

int
cl_h_eet_referrals_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &referral_get, 1, req->params, 200, NULL);
}

int
cl_h_eet_referrals_transition(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, step_fields, CL_V_CREATE);

    if (err == CL_OK)
        err = cl_api_row(req, resp, &referral_step, 2,
                         (const char *[]){req->params[0], req->body_raw}, 200, NULL);
    cl_api_conflict_detail(req, resp, err, ACTIVITY_OVERLAP);
    return err;
}

int
cl_h_eet_referrals_list_by_opportunity(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "opportunity_referrals", &referral_list_opportunity, 1,
                            referral_filters, 2);
}

int
cl_h_eet_referrals_list_by_care_leaver(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "care_leaver_eet_referrals", &referral_list_care_leaver, 1,
                            referral_filters, 2);
}
