/* Thin handlers over the contact_* and contact_status_event_* SQL functions
 * (schema/functions/casework.sql). recorded_in_time uses the configured VISIT_RECORDED_DAYS;
 * the server stamps when a contact is recorded, and only the service role's import of
 * historic contacts ("imported": true) gives its own recorded_on. */
#include "contacts.h"

#include <stdio.h>

#include "casework.h"
#include "feed.h"
#include "resource.h"

static const char *const methods[] = {"home_visit",   "other_visit", "phone",   "video", "text",
                                      "social_media", "letter",      "drop_in", NULL};
static const char *const event_statuses[] = {"refuses_contact", "no_longer_requires_services",
                                             "died", "returned_home", NULL};

static const struct cl_field contact_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"occurred_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"method", CL_F_ENUM, CL_F_REQUIRED, 0, 0, methods},
    {"adviser_id", CL_F_UUID, 0},
    {"successful", CL_F_BOOL, CL_F_REQUIRED},
    {"statutory_visit", CL_F_BOOL},
    {"recorded_on", CL_F_DATE, CL_F_NOFUTURE},
    {"recorded_at", CL_F_STRING, CL_F_READONLY},
    {"imported", CL_F_BOOL},
    {"working_days_to_record", CL_F_INT, CL_F_READONLY},
    {"recorded_in_time", CL_F_BOOL, CL_F_READONLY},
    {"notes", CL_F_STRING, 0, 0, 20000},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static const struct cl_field event_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"care_leaver_id", CL_F_UUID, CL_F_READONLY},
    {"status", CL_F_ENUM, CL_F_REQUIRED, 0, 0, event_statuses},
    {"occurred_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
    {"notes", CL_F_STRING, 0, 0, 20000},
    {"created_by", CL_F_STRING, CL_F_READONLY},
    {"version", CL_F_INT, CL_F_READONLY},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt contact_create = {
    "SELECT * FROM contact_create($1::uuid, $2::jsonb, $3::int)"};
static struct cl_stmt contact_get = {"SELECT * FROM contact_read($1::uuid, $2::uuid, $3::int)"};
static struct cl_stmt contact_list = {
    "SELECT * FROM contact_list($1::uuid, $2::boolean, $3::boolean, $4::date, $5::date, "
    "$6::date, $7::uuid, $8::int, $9::int)"};
static struct cl_stmt event_create = {
    "SELECT * FROM contact_status_event_create($1::uuid, $2::jsonb)"};
static struct cl_stmt event_get = {"SELECT * FROM contact_status_event_read($1::uuid, $2::uuid)"};
static struct cl_stmt event_list = {
    "SELECT * FROM contact_status_event_list($1::uuid, $2::date, $3::uuid, $4::int)"};

int
cl_h_contacts_create(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);
    char location[96];
    int err = cl_api_validate(req, resp, contact_fields, CL_V_CREATE);

    snprintf(location, sizeof location, "/v1/care-leavers/%s/contacts", req->params[0]);
    if (err == CL_OK)
        err = cl_api_row(req, resp, &contact_create, 3,
                         (const char *[]){req->params[0], req->body_raw, days.recorded}, 201,
                         location);
    return err;
}

int
cl_h_contacts_get(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);

    return cl_api_row(req, resp, &contact_get, 3,
                      (const char *[]){req->params[0], req->params[1], days.recorded}, 200, NULL);
}

static int
contact_page(struct cl_req *req, struct cl_resp *resp, const void *ctx)
{
    char statutory[8], successful[8], from[11], to[11];
    struct cl_casework_days days = cl_casework_days(req);
    struct cl_page page;
    const char *p[9];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = req->params[0];
    p[1] = cl_api_filter(req, resp, "statutory_visit", 'b', NULL, statutory, sizeof statutory);
    p[2] = cl_api_filter(req, resp, "successful", 'b', NULL, successful, sizeof successful);
    p[3] = cl_api_filter(req, resp, "from", 'd', NULL, from, sizeof from);
    p[4] = cl_api_filter(req, resp, "to", 'd', NULL, to, sizeof to);
    if (resp->errors)
        return CL_EBADREQ;
    p[5] = cl_page_key(&page, 0);
    p[6] = cl_page_key(&page, 1);
    p[7] = page.limit_plus_one;
    p[8] = days.recorded;
    (void)ctx;
    return cl_api_list(req, resp, &page, &contact_list, 9, p);
}

int
cl_h_contacts_list(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_casework_days days = cl_casework_days(req);

    return cl_api_feed(req, resp, "contacts", days.recorded, contact_page, NULL);
}

int
cl_h_contact_status_events_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, event_fields, &event_create, 1,
                         "/v1/care-leavers/%s/contact-status-events");
}

int
cl_h_contact_status_events_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &event_get, 2, req->params, 200, NULL);
}

int
cl_h_contact_status_events_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "contact_status_events", &event_list, 1, NULL, 2);
}
