/* /v1/outreach-contacts: thin handlers over the outreach_contact_* SQL functions
 * (schema/functions/outreach.sql). A PATCH records the response; who was contacted, when and how
 * is fixed once sent. */
#include "outreach.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "casework.h"
#include "cl_jobspec_board.h"
#include "feed.h"
#include "resource.h"

static const char *const channels[] = {"letter", "text", "email", "phone", NULL};
static const char *const responses[] = {"none", "wants_service", "declined", "not_at_address",
                                        NULL};

#define COMMON_READONLY                                                                            \
    {"id", CL_F_UUID, CL_F_READONLY}, {"age_when_sent", CL_F_INT, CL_F_READONLY},                  \
        {"created_by", CL_F_STRING, CL_F_READONLY}, {"version", CL_F_INT, CL_F_READONLY},          \
        {"created_at", CL_F_STRING, CL_F_READONLY},                                                \
    {                                                                                              \
        "updated_at", CL_F_STRING, CL_F_READONLY                                                   \
    }

static const struct cl_field create_fields[] = {
    COMMON_READONLY,
    {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
    {"sent_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"channel", CL_F_ENUM, CL_F_REQUIRED, 0, 0, channels},
    {"response", CL_F_ENUM, 0, 0, 0, responses},
    {"responded_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"notes", CL_F_STRING, 0, 0, 20000},
    {NULL},
};

static const struct cl_field patch_fields[] = {
    COMMON_READONLY,
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"sent_on", CL_F_DATE, CL_F_READONLY},
    {"channel", CL_F_ENUM, CL_F_READONLY, 0, 0, channels},
    {"response", CL_F_ENUM, 0, 0, 0, responses},
    {"responded_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {"notes", CL_F_STRING, 0, 0, 20000},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM outreach_contact_create($1::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM outreach_contact_read($1::uuid)"};
static struct cl_stmt patch = {"SELECT * FROM outreach_contact_patch($1::uuid, $2::jsonb, $3)"};
static struct cl_stmt list = {
    "SELECT * FROM outreach_contact_list($1::uuid, $2, $3, $4::date, $5::date, $6::date, "
    "$7::uuid, $8::int)"};
static struct cl_stmt summary = {
    "SELECT * FROM outreach_contact_summary($1::date, $2::date, $3::int)"};

static const struct cl_api_query filters[] = {
    {"care_leaver_id", 'u', NULL, 40},
    {"response", 's', responses, 20},
    {"channel", 's', channels, 10},
    {"from", 'd', NULL, 11},
    {"to", 'd', NULL, 11},
    {NULL},
};

int
cl_h_outreach_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, create_fields, &create, 0, "/v1/outreach-contacts");
}

int
cl_h_outreach_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 1, req->params, 200, NULL);
}

int
cl_h_outreach_patch(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_patch(req, resp, patch_fields, &patch, 1);
}

int
cl_h_outreach_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "outreach_contacts", &list, 0, filters, 2);
}

/* The board role reads the Board report's periods only, the year to a quarter end that has
 * come (cl_jobspec_board.h): from, when given, must be the first day of that year, and is
 * filled in when not. Then no two periods it can ask for differ by a few days' letters. */
static void
board_period(struct cl_resp *resp, const char **p, char from[11])
{
    char today[11], want[11];
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    if (p[1] == NULL || !cl_board_quarter_end(p[1]) || strcmp(p[1], today) > 0) {
        cl_resp_field_error(resp, "to",
                            "the board role must name a quarter end that has come (31 March, "
                            "30 June, 30 September or 31 December)");
        return;
    }
    cl_board_year_from(p[1], want);
    if (p[0] && strcmp(p[0], want) != 0) {
        cl_resp_field_error(resp, "from",
                            "the board role reads the year to the quarter end: leave it out or "
                            "give the day after the same date a year earlier");
        return;
    }
    snprintf(from, 11, "%s", want);
    p[0] = from;
}

int
cl_h_outreach_summary(struct cl_req *req, struct cl_resp *resp)
{
    char from[11], to[11], below[16];
    const char *p[3];

    p[0] = cl_api_filter(req, resp, "from", 'd', NULL, from, sizeof from);
    p[1] = cl_api_filter(req, resp, "to", 'd', NULL, to, sizeof to);
    if (resp->errors == NULL && p[0] && p[1] && strcmp(p[0], p[1]) > 0)
        cl_resp_field_error(resp, "to", "must not be before from");
    if (resp->errors == NULL && req->role == CL_ROLE_BOARD)
        board_period(resp, p, from);
    if (resp->errors) {
        cl_resp_detail(resp, "invalid query parameter");
        return CL_EBADREQ;
    }
    snprintf(below, sizeof below, "%d", req->app->cfg->board_suppress_below);
    p[2] = below;
    return cl_api_row(req, resp, &summary, 3, p, 200, NULL);
}
