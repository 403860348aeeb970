#include "metrics.h"

#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"

static const int statuses[] = {200, 201, 202, 204, 304, 400, 401, 403, 404, 405,
                               409, 412, 413, 415, 422, 429, 431, 500, 503};
#define NSTATUS (int)(sizeof statuses / sizeof statuses[0])
static const double buckets[] = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05,
                                 0.1,   0.25,   0.5,   1,    2.5,   5};
#define NBUCKET (int)(sizeof buckets / sizeof buckets[0])

struct route_stats {
    unsigned long count[NSTATUS + 1]; /* last slot: any other status */
    unsigned long bucket[NBUCKET];
    unsigned long observations;
    unsigned long micros; /* sum of durations in microseconds */
    const char *method;   /* labels (cl_metrics_name) */
    const char *path;
};

static struct route_stats *stats; /* nroutes + 1: the last one is "no route" */
static int nstats;

void
cl_metrics_init(int nroutes)
{
    nstats = nroutes + 1;
    stats = cl_calloc((size_t)nstats, sizeof *stats);
    stats[nstats - 1].method = "any";
    stats[nstats - 1].path = "unmatched";
}

void
cl_metrics_name(int route, const char *method, const char *path)
{
    if (route >= 0 && route < nstats - 1) {
        stats[route].method = method;
        stats[route].path = path;
    }
}

void
cl_metrics_free(void)
{
    free(stats);
    stats = NULL;
}

void
cl_metrics_observe(int route, int status, double seconds)
{
    struct route_stats *s;
    int i;

    if (stats == NULL)
        return;
    s = &stats[route < 0 || route >= nstats - 1 ? nstats - 1 : route];
    for (i = 0; i < NSTATUS && statuses[i] != status; i++)
        ;
    __atomic_add_fetch(&s->count[i], 1, __ATOMIC_RELAXED);
    for (i = 0; i < NBUCKET; i++)
        if (seconds <= buckets[i]) {
            __atomic_add_fetch(&s->bucket[i], 1, __ATOMIC_RELAXED);
            break;
        }
    __atomic_add_fetch(&s->observations, 1, __ATOMIC_RELAXED);
    __atomic_add_fetch(&s->micros, (unsigned long)(seconds * 1e6), __ATOMIC_RELAXED);
}

int
cl_metrics_render(struct cl_buf *b)
{
    int err = cl_buf_adds(b, "# HELP cl_http_requests_total HTTP requests answered, by route "
                             "template, method and status.\n"
                             "# TYPE cl_http_requests_total counter\n");

    for (int r = 0; r < nstats && err == CL_OK; r++) {
        const char *route = stats[r].path, *method = stats[r].method;

        for (int i = 0; i <= NSTATUS && err == CL_OK; i++) {
            unsigned long n = __atomic_load_n(&stats[r].count[i], __ATOMIC_RELAXED);

            if (n == 0)
                continue;
            if (i < NSTATUS)
                err = cl_buf_printf(b,
                                    "cl_http_requests_total{route=\"%s\",method=\"%s\","
                                    "status=\"%d\"} %lu\n",
                                    route, method, statuses[i], n);
            else
                err = cl_buf_printf(b,
                                    "cl_http_requests_total{route=\"%s\",method=\"%s\","
                                    "status=\"other\"} %lu\n",
                                    route, method, n);
        }
    }
    if (err == CL_OK)
        err = cl_buf_adds(b, "# HELP cl_http_request_duration_seconds Time from request to "
                             "response, by route template and method.\n"
                             "# TYPE cl_http_request_duration_seconds histogram\n");
    for (int r = 0; r < nstats && err == CL_OK; r++) {
        const char *route = stats[r].path, *method = stats[r].method;
        unsigned long total = __atomic_load_n(&stats[r].observations, __ATOMIC_RELAXED);
        unsigned long cum = 0;

        if (total == 0)
            continue;
        for (int i = 0; i < NBUCKET && err == CL_OK; i++) {
            cum += __atomic_load_n(&stats[r].bucket[i], __ATOMIC_RELAXED);
            err = cl_buf_printf(b,
                                "cl_http_request_duration_seconds_bucket{route=\"%s\","
                                "method=\"%s\",le=\"%g\"} %lu\n",
                                route, method, buckets[i], cum);
        }
        if (err == CL_OK)
            err = cl_buf_printf(
                b,
                "cl_http_request_duration_seconds_bucket{route=\"%s\",method=\"%s\","
                "le=\"+Inf\"} %lu\n"
                "cl_http_request_duration_seconds_sum{route=\"%s\",method=\"%s\"} %.6f\n"
                "cl_http_request_duration_seconds_count{route=\"%s\",method=\"%s\"} %lu\n",
                route, method, total, route, method,
                (double)__atomic_load_n(&stats[r].micros, __ATOMIC_RELAXED) / 1e6, route, method,
                total);
    }
    return err;
}
