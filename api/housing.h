/* The joint housing protocol: /v1/housing-protocols (versions, lifecycle transitions, party
 * signatures, compliance figures, commitments and their compliance, recorded breaches) and
 * /v1/housing-referrals. */
#ifndef CL_HOUSING_H
#define CL_HOUSING_H

#include "http.h"

int cl_h_housing_protocols_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_transition(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_sign(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_protocols_compliance(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_commitments_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_commitments_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_commitments_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_commitments_compliance(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_breaches_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_breaches_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_breaches_get(struct cl_req *req, struct cl_resp *resp);

int cl_h_housing_referrals_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_referrals_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_referrals_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_housing_referrals_patch(struct cl_req *req, struct cl_resp *resp);

#endif
