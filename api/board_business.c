/* /v1/board-meetings (with their actions and sections), /v1/board-targets and
 * /v1/board-baselines: thin handlers over schema/functions/board_business.sql, which holds the
 * rules that need the stored rows (an action due before its meeting, closing without a note, a
 * target on an unknown indicator, a baseline in the future). */
#include "board_business.h"

#include <stdio.h>

#include "resource.h"

static const char *const statuses[] = {"open", "done", "dropped", NULL};
static const char *const directions[] = {"higher", "lower", NULL};

#define STAMPS                                                                                     \
    {"created_by", CL_F_STRING, CL_F_READONLY}, {"version", CL_F_INT, CL_F_READONLY},              \
        {"created_at", CL_F_STRING, CL_F_READONLY},                                                \
    {                                                                                              \
        "updated_at", CL_F_STRING, CL_F_READONLY                                                   \
    }

static const struct cl_field meeting_fields[] = {
    STAMPS,
    {"id", CL_F_UUID, CL_F_READONLY},
    {"held_on", CL_F_DATE, CL_F_REQUIRED},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"report_job_id", CL_F_UUID, CL_F_NULLABLE},
    {NULL},
};

static const struct cl_field action_fields[] = {
    STAMPS,
    {"id", CL_F_UUID, CL_F_READONLY},
    {"meeting_id", CL_F_UUID, CL_F_READONLY},
    {"raised_on", CL_F_DATE, CL_F_READONLY},
    {"status", CL_F_ENUM, CL_F_READONLY, 0, 0, statuses},
    {"updates", CL_F_OBJECT, CL_F_READONLY},
    {"number", CL_F_STRING, CL_F_REQUIRED, 1, 20},
    {"text", CL_F_STRING, CL_F_REQUIRED, 1, 2000},
    {"owner_name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"owner_role", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"due_on", CL_F_DATE, CL_F_REQUIRED},
    {"requests_section", CL_F_STRING, CL_F_NULLABLE, 1, 200},
    {NULL},
};

static const struct cl_field update_fields[] = {
    {"on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"status", CL_F_ENUM, 0, 0, 0, statuses},
    {"note", CL_F_STRING, 0, 0, 4000},
    {NULL},
};

static const struct cl_field section_fields[] = {
    STAMPS,
    {"id", CL_F_UUID, CL_F_READONLY},
    {"meeting_id", CL_F_UUID, CL_F_READONLY},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"body", CL_F_STRING, CL_F_REQUIRED, 1, 20000},
    {"author_name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"author_role", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"approved_by", CL_F_STRING, CL_F_NULLABLE, 1, 200},
    {"approved_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"sort", CL_F_INT, 0, 0, 1000},
    {NULL},
};

static const struct cl_field target_fields[] = {
    {"set_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {"indicator", CL_F_STRING, CL_F_REQUIRED, 1, 60},
    {"value", CL_F_NUMBER, CL_F_REQUIRED, 0, 1e12},
    {"direction", CL_F_ENUM, CL_F_REQUIRED, 0, 0, directions},
    {"tolerance", CL_F_NUMBER, 0, 0, 1e12},
    {NULL},
};

static const struct cl_field baseline_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"on_date", CL_F_DATE, CL_F_REQUIRED},
    {NULL}, /* and figures, an array checked by check_figures */
};

/* One entry of a baseline's figures entered by hand. */
static const struct cl_field figure_fields[] = {
    {"indicator", CL_F_STRING, CL_F_REQUIRED, 1, 60},
    {"value", CL_F_NUMBER, CL_F_REQUIRED, 0, 1e12},
    {"numerator", CL_F_INT, 0, 0, 1e12},
    {"denominator", CL_F_INT, 0, 0, 1e12},
    {NULL},
};

static struct cl_stmt meeting_create = {"SELECT * FROM board_meeting_create($1::jsonb)"};
static struct cl_stmt meeting_get = {"SELECT * FROM board_meeting_read($1::uuid)"};
static struct cl_stmt meeting_list = {
    "SELECT * FROM board_meeting_list($1::date, $2::uuid, $3::int)"};
static struct cl_stmt action_create = {"SELECT * FROM board_action_create($1::uuid, $2::jsonb)"};
static struct cl_stmt action_get = {"SELECT * FROM board_action_read($1::uuid, $2::uuid)"};
static struct cl_stmt action_list = {
    "SELECT * FROM board_action_list($1::uuid, $2, $3::uuid, $4::int)"};
static struct cl_stmt action_update = {
    "SELECT * FROM board_action_update($1::uuid, $2::uuid, $3::jsonb)"};
static struct cl_stmt section_create = {"SELECT * FROM board_section_create($1::uuid, $2::jsonb)"};
static struct cl_stmt section_get = {"SELECT * FROM board_section_read($1::uuid, $2::uuid)"};
static struct cl_stmt section_list = {
    "SELECT * FROM board_section_list($1::uuid, $2, $3::uuid, $4::int)"};
static struct cl_stmt target_set = {"SELECT * FROM board_target_set($1::jsonb)"};
static struct cl_stmt target_get = {"SELECT * FROM board_target_read($1)"};
static struct cl_stmt target_list = {"SELECT * FROM board_target_list($1, $2::int)"};
static struct cl_stmt baseline_create = {
    "SELECT * FROM board_baseline_create($1::jsonb, $2::int, $3::int, $4::int)"};
static struct cl_stmt baseline_get = {"SELECT * FROM board_baseline_read($1::uuid)"};
static struct cl_stmt baseline_list = {
    "SELECT * FROM board_baseline_list($1::date, $2::uuid, $3::int)"};

int
cl_h_board_meetings_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, meeting_fields, &meeting_create, 0, "/v1/board-meetings");
}

int
cl_h_board_meetings_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &meeting_list, 0, NULL, 2);
}

int
cl_h_board_meetings_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &meeting_get, 1, req->params, 200, NULL);
}

int
cl_h_board_actions_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, action_fields, &action_create, 1,
                         "/v1/board-meetings/%s/actions");
}

int
cl_h_board_actions_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &action_list, 1, NULL, 2);
}

int
cl_h_board_actions_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &action_get, 2, req->params, 200, NULL);
}

/* An update records a dated note and the status it leaves; it answers the action. */
int
cl_h_board_actions_update(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_validate(req, resp, update_fields, CL_V_CREATE);

    if (err == CL_OK)
        err =
            cl_api_row(req, resp, &action_update, 3,
                       (const char *[]){req->params[0], req->params[1], req->body_raw}, 200, NULL);
    return err;
}

int
cl_h_board_sections_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, section_fields, &section_create, 1,
                         "/v1/board-meetings/%s/sections");
}

int
cl_h_board_sections_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &section_list, 1, NULL, 2);
}

int
cl_h_board_sections_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &section_get, 2, req->params, 200, NULL);
}

/* Sets or replaces an indicator's target: 201 with the target's own address. */
int
cl_h_board_targets_set(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, target_fields, &target_set, 0, "/v1/board-targets");
}

int
cl_h_board_targets_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &target_list, 0, NULL, 1);
}

int
cl_h_board_targets_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &target_get, 1, req->params, 200, NULL);
}

/* figures, when given: 1 to 100 objects of figure_fields, each problem named by its place. */
static void
check_figures(const cJSON *body, cJSON *errors)
{
    const cJSON *figs = cJSON_GetObjectItemCaseSensitive(body, "figures");
    int n = 0;

    if (figs == NULL || cl_validate_has(errors, "figures"))
        return;
    if (!cJSON_IsArray(figs) || cJSON_GetArraySize(figs) < 1 || cJSON_GetArraySize(figs) > 100) {
        cl_validate_add(errors, "figures", "must be an array of 1 to 100 figures");
        return;
    }
    for (const cJSON *f = figs->child; f; f = f->next, n++) {
        cJSON *errs = cJSON_CreateArray();

        if (!cJSON_IsObject(f) || cl_validate(f, figure_fields, CL_V_CREATE, errs) != 0 ||
            cJSON_GetArraySize(errs) > 0) {
            char field[32];

            snprintf(field, sizeof field, "figures[%d]", n);
            cl_validate_add(errors, field,
                            "must be {indicator, value} with an optional whole numerator and "
                            "denominator, value 0 or more");
        }
        cJSON_Delete(errs);
    }
}

/* A baseline: figures entered by hand, or (without figures) computed as at on_date by the
 * Board's functions with the api's SSDA903 window and recording limit. */
int
cl_h_board_baselines_create(struct cl_req *req, struct cl_resp *resp)
{
    const struct cl_config *cfg = req->app->cfg;
    char before[16], after[16], recorded[16];
    /* the field table has no array of objects: figures is taken out while the rest is checked,
     * then checked by itself (the body sent on is body_raw, untouched) */
    cJSON *figs = cJSON_IsObject(req->body)
                      ? cJSON_DetachItemFromObjectCaseSensitive(req->body, "figures")
                      : NULL;
    int err = cl_api_validate(req, resp, baseline_fields, CL_V_CREATE);

    if (figs) {
        cJSON_AddItemToObject(req->body, "figures", figs);
        check_figures(req->body, resp->errors);
    }
    if (err != CL_OK || cJSON_GetArraySize(resp->errors) > 0) {
        cl_resp_detail(resp, "the request has invalid fields");
        return CL_EINVAL;
    }
    snprintf(before, sizeof before, "%d", cfg->ssda903_window_before);
    snprintf(after, sizeof after, "%d", cfg->ssda903_window_after);
    snprintf(recorded, sizeof recorded, "%d", cfg->visit_recorded_days);
    return cl_api_row(req, resp, &baseline_create, 4,
                      (const char *[]){req->body_raw, before, after, recorded}, 201,
                      "/v1/board-baselines");
}

int
cl_h_board_baselines_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &baseline_list, 0, NULL, 2);
}

int
cl_h_board_baselines_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &baseline_get, 1, req->params, 200, NULL);
}
