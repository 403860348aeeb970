/* Thin handlers over the statement_* SQL functions (schema/functions/voice.sql). Recording is
 * statement_create alone, so any route that knows the young person (staff and a service
 * integration here) records a statement the same way. A service integration (a MoMo-like app)
 * must send an Idempotency-Key, so that a retried post never records a statement twice. */
#include "statements.h"

#include "feed.h"
#include "resource.h"

static const char *const abouts[] = {"meeting", "plan", "need", "other", NULL};
static const char *const sources[] = {"momo", "app", "paper", "meeting", NULL};

#define STATEMENT_READONLY                                                                         \
    {"id", CL_F_UUID, CL_F_READONLY}, {"care_leaver_id", CL_F_UUID, CL_F_READONLY},                \
        {"responded_in_time", CL_F_BOOL, CL_F_READONLY},                                           \
        {"created_by", CL_F_STRING, CL_F_READONLY}, {"version", CL_F_INT, CL_F_READONLY},          \
        {"created_at", CL_F_STRING, CL_F_READONLY},                                                \
    {                                                                                              \
        "updated_at", CL_F_STRING, CL_F_READONLY                                                   \
    }

static const struct cl_field create_fields[] = {
    STATEMENT_READONLY,
    {"received_on", CL_F_DATE, CL_F_NOFUTURE},
    {"about", CL_F_ENUM, CL_F_REQUIRED, 0, 0, abouts},
    {"source", CL_F_ENUM, CL_F_REQUIRED, 0, 0, sources},
    {"text", CL_F_STRING, CL_F_REQUIRED, 1, 20000},
    {"response", CL_F_STRING, CL_F_READONLY},
    {"responded_on", CL_F_DATE, CL_F_READONLY},
    {NULL},
};

static const struct cl_field patch_fields[] = {
    STATEMENT_READONLY,
    {"received_on", CL_F_DATE, CL_F_READONLY},
    {"about", CL_F_ENUM, CL_F_READONLY, 0, 0, abouts},
    {"source", CL_F_ENUM, CL_F_READONLY, 0, 0, sources},
    {"text", CL_F_STRING, CL_F_READONLY},
    {"response", CL_F_STRING, CL_F_NULLABLE, 1, 20000},
    {"responded_on", CL_F_DATE, CL_F_NULLABLE | CL_F_NOFUTURE},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM statement_create($1::uuid, $2::jsonb)"};
static struct cl_stmt get = {"SELECT * FROM statement_read($1::uuid, $2::uuid)"};
static struct cl_stmt patch = {"SELECT * FROM statement_patch($1::uuid, $2::uuid, $3::jsonb, $4)"};
static struct cl_stmt list = {"SELECT * FROM statement_list($1::uuid, $2, $3, $4::int)"};

int
cl_h_statements_create(struct cl_req *req, struct cl_resp *resp)
{
    if (req->role == CL_ROLE_SERVICE && req->idempotency_key == NULL) {
        cl_resp_detail(resp, "a service integration must send an Idempotency-Key");
        return CL_EBADREQ;
    }
    return cl_api_create(req, resp, create_fields, &create, 1, "/v1/care-leavers/%s/statements");
}

int
cl_h_statements_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &get, 2, req->params, 200, NULL);
}

int
cl_h_statements_patch(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_patch(req, resp, patch_fields, &patch, 2);
}

int
cl_h_statements_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_feed_list(req, resp, "statements", &list, 1, NULL, 2);
}
