/* /v1/housing-referrals: thin handlers over the housing_referral_* SQL functions
 * (schema/functions/housing.sql). Scope (an adviser's caseload, a partner's own referrals) and the
 * partner's narrow view of the young person are decided in SQL. */
#include "housing.h"

#include "feed.h"
#include "resource.h"

static const char *const types[] = {"register", "homeless_application", "nomination",
                                    "supported_housing", NULL};
static const char *const outcomes[] = {"accepted",         "offered",   "declined",
                                       "more_information", "withdrawn", NULL};

static const struct cl_field create_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
    {"care_leaver", CL_F_OBJECT, CL_F_READONLY},
    {"partner_id", CL_F_UUID, CL_F_REQUIRED},
    {"partner_name", CL_F_STRING, CL_F_READONLY},
    {"protocol_id", CL_F_UUID},
    {"referral_type", CL_F_ENUM, 0, 0, 0, types},
    {"referred_on", CL_F_DATE, CL_F_NOFUTURE},
    {"needed_by", CL_F_DATE, CL_F_NULLABLE},
    {"response_due_on", CL_F_DATE, CL_F_READONLY},
    {"responded_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"outcome", CL_F_ENUM, CL_F_NULLABLE, 0, 0, outcomes},
    {"tenancy_started_on", CL_F_DATE, CL_F_NULLABLE},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

/* Who, to whom, under which protocol and since when are fixed once the referral is made. */
static const struct cl_field patch_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver", CL_F_OBJECT, CL_F_READONLY},
    {"partner_id", CL_F_UUID, CL_F_READONLY},
    {"partner_name", CL_F_STRING, CL_F_READONLY},
    {"protocol_id", CL_F_UUID, CL_F_READONLY},
    {"referral_type", CL_F_ENUM, CL_F_READONLY},
    {"referred_on", CL_F_DATE, CL_F_READONLY},
    {"needed_by", CL_F_DATE, CL_F_NULLABLE},
    {"response_due_on", CL_F_DATE, CL_F_READONLY},
    {"responded_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"outcome", CL_F_ENUM, CL_F_NULLABLE, 0, 0, outcomes},
    {"tenancy_started_on", CL_F_DATE, CL_F_NULLABLE},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM housing_referral_create($1::jsonb)"};
static struct cl_stmt patch = {"SELECT * FROM housing_referral_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt get = {"SELECT * FROM housing_referral_get($1::uuid)"};
static struct cl_stmt list = {
    "SELECT * FROM housing_referral_list($1::uuid, $2::uuid, $3::uuid, $4::text, $5::boolean, "
    "$6::date, $7::date, $8::date, $9::uuid, $10::int)"};

static const struct cl_api_query filters[] = {
    {"partner_id", 'u', NULL, 40},  {"care_leaver_id", 'u', NULL, 40},
    {"protocol_id", 'u', NULL, 40}, {"outcome", 's', outcomes, 24},
    {"pending", 'b', NULL, 8},      {"from", 'd', NULL, 16},
    {"to", 'd', NULL, 16},          {NULL},
};

int
cl_h_housing_referrals_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, create_fields, &create, 0, "/v1/housing-referrals");
}

int
cl_h_housing_referrals_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

/* A partner's answer is dated by the server (the day it is given, housing_referral_patch), so
 * a late answer cannot be backdated into time: responded_on from a partner is a bad field,
 * listed with any others. Staff may date an answer received another way. */
int
cl_h_housing_referrals_patch(struct cl_req *req, struct cl_resp *resp)
{
    if (req->role == CL_ROLE_PARTNER && cJSON_IsObject(req->body) &&
        cJSON_GetObjectItemCaseSensitive(req->body, "responded_on") != NULL)
        cl_resp_field_error(resp, "responded_on",
                            "is set by the server when a partner answers; leave it out");
    return cl_api_patch(req, resp, patch_fields, &patch, 1);
}

int
cl_h_housing_referrals_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "housing_referrals", &list, 0, filters, 2);
}
