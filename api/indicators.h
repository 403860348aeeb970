/* /v1/indicators: every Board figure as at any day, and one indicator's figures day by day. */
#ifndef CL_INDICATORS_H
#define CL_INDICATORS_H

#include "http.h"

int cl_h_indicators_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_indicators_series(struct cl_req *req, struct cl_resp *resp);

#endif
