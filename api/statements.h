/* /v1/care-leavers/{id}/statements: what a young person says in their own words, where it came
 * from, and the adviser's response. */
#ifndef CL_STATEMENTS_H
#define CL_STATEMENTS_H

#include "http.h"

int cl_h_statements_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_statements_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_statements_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_statements_patch(struct cl_req *req, struct cl_resp *resp);

#endif
