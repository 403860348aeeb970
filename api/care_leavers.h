/* /v1/care-leavers and /v1/advisers/{adviser_id}/caseload: the care leaver record a personal
 * adviser works from, its allocation and closing, and an adviser's caseload summary. */
#ifndef CL_CARE_LEAVERS_H
#define CL_CARE_LEAVERS_H

#include "http.h"

int cl_h_care_leavers_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_care_leavers_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_care_leavers_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_care_leavers_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_adviser_caseload(struct cl_req *req, struct cl_resp *resp);

#endif
