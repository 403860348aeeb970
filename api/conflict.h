/* Problem details for database constraint conflicts that a handler can name better than the
 * generic text: an exclusion (overlapping periods) or unique violation answered as 409. */
#ifndef CL_CONFLICT_H
#define CL_CONFLICT_H

#include "http.h"

/* When err is CL_ECONFLICT from a constraint (a 23505 unique or 23P01 exclusion violation; not
 * one of our own CL409 errors, whose message is already written for clients, nor a conflict
 * without a statement error) and no detail is set yet, sets detail. */
void cl_api_conflict_detail(const struct cl_req *req, struct cl_resp *resp, int err,
                            const char *detail);

#endif
