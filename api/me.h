/* The young person's own door (role young_person, claim care_leaver_id): /v1/me's projection
 * of their record and what hangs off it. Every person comes from the token, never from the
 * request, so another person's id cannot even be named (schema/functions/me.sql). */
#ifndef CL_ME_H
#define CL_ME_H

#include "http.h"

/* GET /v1/me for a young person (ops.c answers the other roles). */
int cl_h_me_young_person(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_adviser(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_pathway_plan(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_entitlements(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_local_offer(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_opportunities(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_opportunity(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_referral_create(struct cl_req *req, struct cl_resp *resp);
/* /v1/me/statements: their own words (me_statement_create: source app, received today) and
 * their statements with the adviser's response. */
int cl_h_me_statements_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_statements_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_me_statement(struct cl_req *req, struct cl_resp *resp);

#endif
