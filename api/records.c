/* Records: thin handlers over schema/functions/records.sql (see records.h). The SQL functions
 * check the role again, lock, audit and answer 404/409. */
#include "records.h"

#include "resource.h"

static struct cl_stmt approve = {"SELECT * FROM records_dispose($1::uuid)"};
static struct cl_stmt hold = {"SELECT * FROM legal_hold_place($1::uuid, $2::jsonb)"};
static struct cl_stmt release = {"SELECT * FROM legal_hold_release($1::uuid)"};
static struct cl_stmt review = {"SELECT * FROM subject_access_review($1::uuid)"};

static const struct cl_field hold_fields[] = {
    {"reason", CL_F_STRING, CL_F_REQUIRED, 1, 500},
    {NULL},
};

int
cl_h_disposals_approve(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &approve, 1, (const char *[]){req->params[0]}, 200, NULL);
}

int
cl_h_legal_holds_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, hold_fields, &hold, 1, "/v1/legal-holds");
}

int
cl_h_legal_holds_release(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &release, 1, (const char *[]){req->params[0]}, 200, NULL);
}

int
cl_h_subject_access_review(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &review, 1, (const char *[]){req->params[0]}, 200, NULL);
}
