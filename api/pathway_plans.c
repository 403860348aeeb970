/* /v1/care-leavers/{care_leaver_id}/pathway-plans: thin handlers over the pathway_plan_* SQL
 * functions (schema/functions/casework.sql). next_review_due is derived in SQL. */
#include "pathway_plans.h"

#include "feed.h"
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

static const struct cl_api_query filters[] = {{"status", 's', statuses, 12}, {NULL}};

int
cl_h_pathway_plans_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, fields, &create, 1, "/v1/care-leavers/%s/pathway-plans");
}

int
cl_h_pathway_plans_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 2, req->params, 200, NULL);
}

int
cl_h_pathway_plans_patch(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_patch(req, resp, fields, &patch, 2);
}

int
cl_h_pathway_plans_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "pathway_plans", &list, 1, filters, 1);
}
