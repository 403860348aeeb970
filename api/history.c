/* Thin handlers over the history's *_period_* and ssda903_return_* functions
 * (schema/functions/history.sql). */
#include "history.h"

#include <string.h>

#include "feed.h"
#include "resource.h"

static const char *const categories[] = {"eligible", "relevant", "former_relevant", "qualifying",
                                         NULL};

static const struct cl_field period_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"category", CL_F_ENUM, CL_F_REQUIRED, 0, 0, categories},
    {"uasc", CL_F_BOOL},
    {"uasc_ceased_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"from", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"to", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"reason", CL_F_STRING, CL_F_REQUIRED, 1, 500},
    {"recorded_by", CL_F_STRING, CL_F_READONLY},
    {"recorded_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field finalise_fields[] = {
    {"job_id", CL_F_UUID, CL_F_REQUIRED},
    {"supersede_reason", CL_F_STRING, 0, 1, 2000},
    {NULL},
};

static struct cl_stmt period_create = {"SELECT * FROM status_period_create($1::uuid, $2::jsonb)"};
static struct cl_stmt period_list = {
    "SELECT * FROM status_period_list($1::uuid, $2::date, $3::int)"};
static struct cl_stmt allocation_list = {
    "SELECT * FROM allocation_period_list($1::uuid, $2::date, $3::int)"};
static struct cl_stmt district_list = {
    "SELECT * FROM district_period_list($1::uuid, $2::date, $3::int)"};
static struct cl_stmt finalise = {"SELECT * FROM ssda903_return_finalise($1::int, $2::jsonb)"};
static struct cl_stmt returns_list = {"SELECT * FROM ssda903_return_list($1::int, $2::int)"};

int
cl_h_status_periods_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "status_periods", &period_list, 1, NULL, 1);
}

int
cl_h_allocation_periods_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "allocation_periods", &allocation_list, 1, NULL, 1);
}

int
cl_h_district_periods_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "district_periods", &district_list, 1, NULL, 1);
}

int
cl_h_status_periods_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, period_fields, &period_create, 1,
                         "/v1/care-leavers/%s/status-periods");
}

int
cl_h_ssda903_returns_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &returns_list, 0, NULL, 1);
}

/* {collection_year}: four digits (the collection years the jobs accept are checked in SQL
 * against the job's own parameters); anything else names no return. */
int
cl_h_ssda903_returns_finalise(struct cl_req *req, struct cl_resp *resp)
{
    const char *year = req->params[0];
    int err;

    if (strlen(year) != 4 || strspn(year, "0123456789") != 4) {
        cl_resp_detail(resp, "no such collection year");
        return CL_ENOTFOUND;
    }
    err = cl_api_validate(req, resp, finalise_fields, CL_V_CREATE);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &finalise, 2, (const char *[]){year, req->body_raw}, 200, NULL);
    return err;
}
