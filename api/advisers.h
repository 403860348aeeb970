/* /v1/advisers: personal advisers. */
#ifndef CL_ADVISERS_H
#define CL_ADVISERS_H

#include "http.h"

int cl_h_advisers_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_advisers_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_advisers_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_advisers_patch(struct cl_req *req, struct cl_resp *resp);

#endif
