/* EET: a care leaver's activity episodes (/v1/care-leavers/{care_leaver_id}/eet-activities),
 * the opportunity catalogue (/v1/eet-opportunities) and referrals to it (/v1/eet-referrals,
 * /v1/eet-opportunities/{opportunity_id}/referrals, /v1/care-leavers/{id}/eet-referrals). */
#ifndef CL_EET_H
#define CL_EET_H

#include "http.h"

int cl_h_eet_activities_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_activities_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_activities_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_activities_patch(struct cl_req *req, struct cl_resp *resp);

int cl_h_eet_opportunities_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_opportunities_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_opportunities_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_opportunities_patch(struct cl_req *req, struct cl_resp *resp);

int cl_h_eet_referrals_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_referrals_list_by_opportunity(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_referrals_list_by_care_leaver(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_referrals_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_eet_referrals_transition(struct cl_req *req, struct cl_resp *resp);

#endif
