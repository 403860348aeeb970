/* Thin handlers over the survey_* SQL functions (schema/functions/voice.sql): the functions
 * check answers against the survey's questions, keep anonymous responses unlinked, decide who
 * reads free text and audit it. Results are suppressed as the Board report is
 * (BOARD_SUPPRESS_BELOW). */
#include "surveys.h"

#include <stdio.h>

#include "conflict.h"
#include "feed.h"
#include "resource.h"

static const struct cl_field theme_fields[] = {
    {"code", CL_F_STRING, CL_F_REQUIRED, 1, 60},
    {"label", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"active", CL_F_BOOL, 0},
    {NULL},
};

static const struct cl_field survey_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},           {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"anonymous", CL_F_BOOL, CL_F_REQUIRED},    {"opens_on", CL_F_DATE, CL_F_REQUIRED},
    {"closes_on", CL_F_DATE, CL_F_REQUIRED},    {"template", CL_F_STRING, 0, 1, 60},
    {"questions", CL_F_ARRAY, 0, 0, 50},        {"created_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},       {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY}, {NULL},
};

static const struct cl_field response_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"survey_id", CL_F_UUID, CL_F_READONLY},
    {"anonymous", CL_F_BOOL, 0},
    {"care_leaver_id", CL_F_UUID, 0},
    {"responded_on", CL_F_DATE, CL_F_NOFUTURE},
    {"answers", CL_F_OBJECT, CL_F_REQUIRED},
    {NULL},
};

static const struct cl_field tag_fields[] = {
    {"question", CL_F_INT, CL_F_REQUIRED, 1, 50},
    {"theme", CL_F_STRING, CL_F_REQUIRED, 1, 60},
    {NULL},
};

static struct cl_stmt theme_create = {"SELECT * FROM survey_theme_create($1::jsonb)"};
static struct cl_stmt theme_get = {"SELECT survey_theme_json(t), NULL::int, t.code "
                                   "FROM survey_themes t WHERE t.code = $1"};
static struct cl_stmt theme_list = {"SELECT * FROM survey_theme_list($1, $2::int)"};
static struct cl_stmt survey_create = {"SELECT * FROM survey_create($1::jsonb)"};
static struct cl_stmt survey_get = {"SELECT * FROM survey_read($1::uuid)"};
static struct cl_stmt survey_list = {"SELECT * FROM survey_list($1, $2, $3::int)"};
static struct cl_stmt response_create = {
    "SELECT * FROM survey_response_create($1::uuid, $2::jsonb)"};
static struct cl_stmt response_get = {"SELECT * FROM survey_response_read($1::uuid, $2::uuid)"};
static struct cl_stmt response_tag = {
    "SELECT * FROM survey_response_theme_add($1::uuid, $2::uuid, $3::jsonb)"};
static struct cl_stmt results = {"SELECT * FROM survey_results($1::uuid, $2::int)"};

int
cl_h_survey_themes_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, theme_fields, &theme_create, 0, "/v1/survey-themes");

    cl_api_conflict_detail(req, resp, err, "a theme with this code exists");
    return err;
}

int
cl_h_survey_themes_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &theme_get, 1, req->params, 200, NULL);
}

int
cl_h_survey_themes_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "survey_themes", &theme_list, 0, NULL, 1);
}

int
cl_h_surveys_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, survey_fields, &survey_create, 0, "/v1/surveys");
}

int
cl_h_surveys_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &survey_get, 1, req->params, 200, NULL);
}

int
cl_h_surveys_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "surveys", &survey_list, 0, NULL, 2);
}

int
cl_h_survey_responses_create(struct cl_req *req, struct cl_resp *resp)
{
    int err =
        cl_api_create(req, resp, response_fields, &response_create, 1, "/v1/surveys/%s/responses");

    cl_api_conflict_detail(req, resp, err, "this young person has already answered the survey");
    return err;
}

int
cl_h_survey_responses_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &response_get, 2, req->params, 200, NULL);
}

/* Tagging creates nothing addressable: it answers 200 with the response. */
int
cl_h_survey_responses_tag(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, tag_fields, CL_V_CREATE);

    if (err != CL_OK)
        return err;
    return cl_api_row(req, resp, &response_tag, 3,
                      (const char *[]){req->params[0], req->params[1], req->body_raw}, 200, NULL);
}

int
cl_h_survey_results(struct cl_req *req, struct cl_resp *resp)
{
    char below[16];

    snprintf(below, sizeof below, "%d", req->app->cfg->board_suppress_below);
    return cl_api_row(req, resp, &results, 2, (const char *[]){req->params[0], below}, 200, NULL);
}
