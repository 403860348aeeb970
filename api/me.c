/* Thin handlers over the SECURITY DEFINER me_* functions (schema/functions/me.sql), which take
 * the person from the transaction's principal and audit every read as the young person. */
#include "me.h"

#include "conflict.h"
#include "resource.h"

static struct cl_stmt profile = {"SELECT * FROM me_profile()"};
static struct cl_stmt adviser = {"SELECT * FROM me_adviser()"};
static struct cl_stmt plan = {"SELECT * FROM me_pathway_plan()"};
static struct cl_stmt entitlements = {"SELECT * FROM me_entitlements($1, $2, $3::int)"};
static struct cl_stmt local_offer = {"SELECT * FROM me_local_offer()"};
static struct cl_stmt opportunities = {"SELECT * FROM me_opportunities($1, $2, $3::int)"};
static struct cl_stmt opportunity = {"SELECT * FROM me_opportunity($1::uuid)"};
static struct cl_stmt referral = {"SELECT * FROM me_referral_create($1::uuid, $2::jsonb)"};

static struct cl_stmt statement_create = {"SELECT * FROM me_statement_create($1::jsonb)"};
static struct cl_stmt statement = {"SELECT * FROM me_statement($1::uuid)"};
static struct cl_stmt statements = {"SELECT * FROM me_statements($1, $2, $3::int)"};

static const char *const abouts[] = {"meeting", "plan", "need", "other", NULL};

static const struct cl_field statement_fields[] = {
    {"about", CL_F_ENUM, CL_F_REQUIRED, 0, 0, abouts},
    {"text", CL_F_STRING, CL_F_REQUIRED, 1, 20000},
    {NULL},
};

static const struct cl_field referral_fields[] = {
    {"notes", CL_F_STRING, 0, 0, 2000},
    {NULL},
};

int
cl_h_me_young_person(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &profile, 0, NULL, 200, NULL);
}

int
cl_h_me_adviser(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &adviser, 0, NULL, 200, NULL);
}

int
cl_h_me_pathway_plan(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &plan, 0, NULL, 200, NULL);
}

int
cl_h_me_entitlements(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &entitlements, 0, NULL, 2);
}

int
cl_h_me_local_offer(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &local_offer, 0, NULL, 200, NULL);
}

int
cl_h_me_opportunities(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &opportunities, 0, NULL, 2);
}

int
cl_h_me_opportunity(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &opportunity, 1, req->params, 200, NULL);
}

/* Answers 201 with the opportunity and their referral to it (no Location: a replay of the same
 * Idempotency-Key re-reads the opportunity, the path without its last segment). */
int
cl_h_me_referral_create(struct cl_req *req, struct cl_resp *resp)
{
    const char *p[2];
    int err = cl_api_validate(req, resp, referral_fields, CL_V_CREATE);

    if (err != CL_OK)
        return err;
    p[0] = req->params[0];
    p[1] = req->body_raw;
    err = cl_api_row(req, resp, &referral, 2, p, 201, NULL);
    cl_api_conflict_detail(req, resp, err, "you have already been referred to this opportunity");
    return err;
}

int
cl_h_me_statements_create(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_create(req, resp, statement_fields, &statement_create, 0, "/v1/me/statements");
}

int
cl_h_me_statements_list(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_list_query(req, resp, &statements, 0, NULL, 2);
}

int
cl_h_me_statement(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &statement, 1, req->params, 200, NULL);
}
