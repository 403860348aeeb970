/* Thin handlers over the star_* SQL functions (schema/functions/voice.sql). Editions and
 * their areas are lookup data the council maintains (star_editions, star_areas), so a score's
 * area is checked in SQL against the reading's edition. */
#include "star.h"

#include "conflict.h"
#include "feed.h"
#include "resource.h"

static const struct cl_field reading_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"edition", CL_F_STRING, CL_F_REQUIRED, 1, 60},
    {"read_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"participants", CL_F_STRING, CL_F_REQUIRED, 1, 500},
    {"scores", CL_F_OBJECT, CL_F_REQUIRED},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt editions = {"SELECT * FROM star_edition_list($1, $2::int)"};
static struct cl_stmt create = {"SELECT * FROM star_reading_create($1::uuid, $2::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM star_reading_read($1::uuid, $2::uuid)"};
static struct cl_stmt list = {"SELECT * FROM star_reading_list($1::uuid, $2, $3, $4::int)"};
static struct cl_stmt progress = {"SELECT * FROM star_progress($1::uuid)"};

int
cl_h_star_editions_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "star_editions", &editions, 0, NULL, 1);
}

int
cl_h_star_readings_create(struct cl_req *req, struct cl_resp *resp)
{
    int err =
        cl_api_create(req, resp, reading_fields, &create, 1, "/v1/care-leavers/%s/star-readings");

    cl_api_conflict_detail(req, resp, err,
                           "a reading of this edition is already recorded for that day");
    return err;
}

int
cl_h_star_readings_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 2, req->params, 200, NULL);
}

int
cl_h_star_readings_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "star_readings", &list, 1, NULL, 2);
}

int
cl_h_star_progress(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &progress, 1, req->params, 200, NULL);
}
