/* Request counters and latency histograms per route template, method and status, kept in
 * process memory with atomic adds; rendered in the Prometheus text format by ops.c. */
#ifndef CL_METRICS_H
#define CL_METRICS_H

#include "cl_buf.h"

/* Room for nroutes routes, numbered 0 to nroutes - 1, plus the requests that matched none. */
void cl_metrics_init(int nroutes);
/* Labels route's series with its method and path template, static strings that outlive the
 * metrics (the route table's). Before the server starts. */
void cl_metrics_name(int route, const char *method, const char *path);
void cl_metrics_free(void);
/* route: a number given to cl_metrics_name, or -1 for requests that matched none. */
void cl_metrics_observe(int route, int status, double seconds);
int cl_metrics_render(struct cl_buf *out) CL_WARN_UNUSED;

#endif
