/* /v1/jobs and /v1/artifacts: requesting work from the worker (statutory returns, board
 * reports) and downloading what it produced. Who may request, see and download each job kind
 * comes from common/cl_jobspec.c, so a new kind needs no change here. */
#ifndef CL_JOBS_H
#define CL_JOBS_H

#include "http.h"

int cl_h_jobs_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_jobs_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_jobs_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_jobs_cancel(struct cl_req *req, struct cl_resp *resp);
int cl_h_jobs_artifacts(struct cl_req *req, struct cl_resp *resp);
int cl_h_artifacts_get(struct cl_req *req, struct cl_resp *resp);

#endif
