/* Request counters and latency histograms per route template, method and status, kept in
 * process memory with atomic adds; rendered in the Prometheus text format by ops.c. */
#ifndef CL_METRICS_H
#define CL_METRICS_H

#include "cl_buf.h"

void cl_metrics_init(int nroutes);
void cl_metrics_free(void);
/* route: index into cl_routes, or -1 for requests that matched none. */
void cl_metrics_observe(int route, int status, double seconds);
int cl_metrics_render(struct cl_buf *out) CL_WARN_UNUSED;

#endif
