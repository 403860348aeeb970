/* Thin handlers over the participation_* SQL functions (schema/functions/voice.sql). A body's
 * and an event's counts cover everyone; the members and attendees named are only those the
 * caller may see. */
#include "participation.h"

#include "conflict.h"
#include "feed.h"
#include "resource.h"

static const char *const body_kinds[] = {"children_in_care_council", "care_leavers_forum",
                                         "peer_mentors", "champions", NULL};
static const char *const event_kinds[] = {
    "meeting", "presentation_to_managers", "take_over_day", "care_leavers_week", "other", NULL};

#define OVERLAP "the young person already belongs to this body in part of that period"

static const struct cl_field body_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, body_kinds},
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"members_now", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field membership_create_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"body_id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
    {"joined_on", CL_F_DATE, CL_F_REQUIRED},
    {"left_on", CL_F_DATE, CL_F_NULLABLE},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field membership_patch_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"body_id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"joined_on", CL_F_DATE, 0},
    {"left_on", CL_F_DATE, CL_F_NULLABLE},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field event_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"body_id", CL_F_UUID, CL_F_READONLY},
    {"kind", CL_F_ENUM, CL_F_REQUIRED, 0, 0, event_kinds},
    {"held_on", CL_F_DATE, CL_F_REQUIRED},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"attendees", CL_F_STRINGS, 0, 36, 36},
    {"attendance", CL_F_INT, CL_F_READONLY},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt body_create = {"SELECT * FROM participation_body_create($1::jsonb)"};
static struct cl_stmt body_get = {"SELECT * FROM participation_body_read($1::uuid)"};
static struct cl_stmt body_list = {"SELECT * FROM participation_body_list($1, $2, $3::int)"};
static struct cl_stmt m_create = {
    "SELECT * FROM participation_membership_create($1::uuid, $2::jsonb)"};
static struct cl_stmt m_get = {"SELECT * FROM participation_membership_read($1::uuid, $2::uuid)"};
static struct cl_stmt m_patch = {
    "SELECT * FROM participation_membership_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt m_list = {
    "SELECT * FROM participation_membership_list($1::uuid, $2, $3, $4::int)"};
static struct cl_stmt e_create = {"SELECT * FROM participation_event_create($1::uuid, $2::jsonb)"};
static struct cl_stmt e_get = {"SELECT * FROM participation_event_read($1::uuid, $2::uuid)"};
static struct cl_stmt e_list = {
    "SELECT * FROM participation_event_list($1::uuid, $2, $3, $4::int)"};

int
cl_h_participation_bodies_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, body_fields, &body_create, 0, "/v1/participation-bodies");

    cl_api_conflict_detail(req, resp, err, "a participation body with this name exists");
    return err;
}

int
cl_h_participation_bodies_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &body_get, 1, req->params, 200, NULL);
}

int
cl_h_participation_bodies_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "participation_bodies", &body_list, 0, NULL, 2);
}

int
cl_h_memberships_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, membership_create_fields, &m_create, 1,
                            "/v1/participation-bodies/%s/memberships");

    cl_api_conflict_detail(req, resp, err, OVERLAP);
    return err;
}

int
cl_h_memberships_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &m_get, 2, req->params, 200, NULL);
}

int
cl_h_memberships_patch(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_patch(req, resp, membership_patch_fields, &m_patch, 2);

    cl_api_conflict_detail(req, resp, err, OVERLAP);
    return err;
}

int
cl_h_memberships_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "memberships", &m_list, 1, NULL, 2);
}

int
cl_h_participation_events_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, event_fields, &e_create, 1,
                         "/v1/participation-bodies/%s/events");
}

int
cl_h_participation_events_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &e_get, 2, req->params, 200, NULL);
}

int
cl_h_participation_events_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "participation_events", &e_list, 1, NULL, 2);
}
