/* /v1/outreach-contacts: the 21-25 outreach duty (attempts, responses) and its summary. */
#ifndef CL_OUTREACH_H
#define CL_OUTREACH_H

#include "http.h"

int cl_h_outreach_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_outreach_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_outreach_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_outreach_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_outreach_summary(struct cl_req *req, struct cl_resp *resp);

#endif
