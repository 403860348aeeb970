/* /v1/care-leavers/{care_leaver_id}/pathway-plans: versions of a care leaver's pathway plan. */
#ifndef CL_PATHWAY_PLANS_H
#define CL_PATHWAY_PLANS_H

#include "http.h"

int cl_h_pathway_plans_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_pathway_plans_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_pathway_plans_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_pathway_plans_patch(struct cl_req *req, struct cl_resp *resp);

#endif
