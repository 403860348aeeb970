/* Operational endpoints: /healthz, /readyz, /metrics, /v1/openapi.json, /docs. The queue's
 * figures in /metrics: job_queue_counts (schema/functions/jobs.sql). */
#ifndef CL_OPS_H
#define CL_OPS_H

#include "http.h"

int cl_h_healthz(struct cl_req *req, struct cl_resp *resp);
int cl_h_readyz(struct cl_req *req, struct cl_resp *resp);
int cl_h_metrics(struct cl_req *req, struct cl_resp *resp);
int cl_h_openapi(struct cl_req *req, struct cl_resp *resp);
int cl_h_docs(struct cl_req *req, struct cl_resp *resp);
int cl_h_docs_js(struct cl_req *req, struct cl_resp *resp);
int cl_h_me(struct cl_req *req, struct cl_resp *resp);

#endif
