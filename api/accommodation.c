/* /v1/care-leavers/{care_leaver_id}/accommodation: thin handlers over the accommodation_* SQL
 * functions (schema/functions/accommodation_eet.sql), which check scope, the DfE code rules and
 * write the audit rows. Overlapping episodes are refused by an exclusion constraint (409). */
#include "accommodation.h"

#include "conflict.h"
#include "feed.h"
#include "resource.h"

/* Who arranged the move; with council_notified_on (the day the council heard by other means)
 * and the partner's notifications it decides notice_on and the derived breach
 * move_without_notice (schema/functions/housing.sql). */
static const char *const placed_by[] = {"council", "partner", "young_person", NULL};

static const struct cl_field fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"code", CL_F_STRING, CL_F_REQUIRED, 1, 1},
    {"suitable", CL_F_BOOL, CL_F_REQUIRED},
    {"ssda903_accom", CL_F_STRING, CL_F_READONLY},
    {"unsuitable_reason", CL_F_STRING, CL_F_NULLABLE, 1, 500},
    {"staying_put", CL_F_BOOL},
    {"provider_id", CL_F_UUID, CL_F_NULLABLE},
    {"district", CL_F_STRING, CL_F_NULLABLE, 1, 100},
    {"started_on", CL_F_DATE, CL_F_REQUIRED},
    {"ended_on", CL_F_DATE, CL_F_NULLABLE},
    {"reason", CL_F_STRING, CL_F_NULLABLE, 1, 500},
    {"placed_by", CL_F_ENUM, CL_F_NULLABLE, 0, 0, placed_by},
    {"council_notified_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"notice_on", CL_F_DATE, CL_F_READONLY},
    {"current", CL_F_BOOL, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {"updated_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM accommodation_create($1::uuid, $2::jsonb)"};
static struct cl_stmt patch = {
    "SELECT * FROM accommodation_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt get = {"SELECT * FROM accommodation_get($1::uuid, $2::uuid)"};
static struct cl_stmt list = {
    "SELECT * FROM accommodation_list($1::uuid, $2::date, $3, $4, $5::int)"};

#define OVERLAP "the period overlaps another accommodation episode of this care leaver"

static const struct cl_api_query filters[] = {{"on", 'd', NULL, 16}, {NULL}};

int
cl_h_accommodation_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, fields, &create, 1, "/v1/care-leavers/%s/accommodation");

    cl_api_conflict_detail(req, resp, err, OVERLAP);
    return err;
}

int
cl_h_accommodation_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 2, req->params, 200, NULL);
}

int
cl_h_accommodation_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, fields, &patch, 2);

    cl_api_conflict_detail(req, resp, err, OVERLAP);
    return err;
}

int
cl_h_accommodation_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "accommodation", &list, 1, filters, 2);
}
