/* /v1/care-leavers/{care_leaver_id}/pathway-plans: thin handlers over the pathway_plan_* SQL
 * functions (schema/migrations/0013). next_review_due is derived in SQL. */
#include "pathway_plans.h"

#include <stdio.h>

#include "casework.h"
#include "resource.h"

#define SECTION_MAX 20000

static const char *const statuses[] = {"draft", "current", "superseded", NULL};

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"version_no", CL_F_INT, CL_F_READONLY},
    {"status", CL_F_ENUM, 0, 0, 0, statuses},
    {"started_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"reviewed_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"next_review_due", CL_F_DATE, CL_F_READONLY},
    {"review_overdue", CL_F_BOOL, CL_F_READONLY},
    {"superseded_on", CL_F_DATE, CL_F_READONLY},
    {"accommodation", CL_F_STRING, 0, 0, SECTION_MAX},
    {"eet", CL_F_STRING, 0, 0, SECTION_MAX},
    {"health_and_wellbeing", CL_F_STRING, 0, 0, SECTION_MAX},
    {"finance", CL_F_STRING, 0, 0, SECTION_MAX},
    {"relationships_and_identity", CL_F_STRING, 0, 0, SECTION_MAX},
    {"practical_and_life_skills", CL_F_STRING, 0, 0, SECTION_MAX},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM pathway_plan_create($1::uuid, $2::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM pathway_plan_read($1::uuid, $2::uuid)"};
static struct cl_stmt patch = {
    "SELECT * FROM pathway_plan_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt list = {"SELECT * FROM pathway_plan_list($1::uuid, $2, $3::int, $4::int)"};

int
cl_h_pathway_plans_create(struct cl_req *req, struct cl_resp *resp)
{
    char location[96];
    int err = cl_api_validate(req, resp, fields, CL_V_CREATE);

    snprintf(location, sizeof location, "/v1/care-leavers/%s/pathway-plans", req->params[0]);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &create, 2, (const char *[]){req->params[0], req->body_raw},
                         201, location);
    return cl_casework_sql_error(req, resp, err, NULL);
}

int
cl_h_pathway_plans_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 2, req->params, 200, NULL);
}

int
cl_h_pathway_plans_patch(struct cl_req *req, struct cl_resp *resp)
{
    const char *version;
    char buf[16];
    int err = cl_req_if_match(req, resp, &version, buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, fields, CL_V_PATCH);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &patch, 4,
                         (const char *[]){req->params[0], req->params[1], req->body_raw, version},
                         200, NULL);
    return cl_casework_sql_error(req, resp, err, NULL);
}

int
cl_h_pathway_plans_list(struct cl_req *req, struct cl_resp *resp)
{
    char status[12];
    struct cl_page page;
    const char *p[4];
    int err = cl_page_parse(req, resp, 1, &page);

    if (err != CL_OK)
        return err;
    p[0] = req->params[0];
    p[1] = cl_api_filter(req, resp, "status", 's', statuses, status, sizeof status);
    if (resp->errors)
        return CL_EBADREQ;
    p[2] = cl_page_key(&page, 0);
    p[3] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &list, 4, p);
}
