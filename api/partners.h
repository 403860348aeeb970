/* /v1/partners: partner organisations (district councils, housing providers, employers,
 * colleges, health and others). A partner's id is the org_id its tokens carry. */
#ifndef CL_PARTNERS_H
#define CL_PARTNERS_H

#include "http.h"

int cl_h_partners_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_partners_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_partners_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_partners_patch(struct cl_req *req, struct cl_resp *resp);

#endif
