/* The job kinds the worker runs, each bound in its own file with CL_JOB_KIND (job.h), and the
 * queue's own test kind. Each gets its kind's parameter struct, decoded with the defaults
 * applied (common/cl_jobspec.c); the api refused anything else when the job was requested. */
#include "job.h"

#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

/* "noop": exercises the queue itself (tests, smoke checks). It writes two small artifacts,
 * noop.json and noop.txt, naming the attempt that produced them. Parameters: {"fail": true}
 * fails every attempt; {"sleep_ms": n} takes n milliseconds first, stopping early (and being
 * put back) when the worker shuts down or the job is cancelled. */
static int
run_noop(struct cl_job *job)
{
    const struct cl_noop_params *params = job->params;
    char body[64];
    int n;

    if (params->sleep_ms > 0) {
        long left = params->sleep_ms;

        cl_job_progress(job, 50, "sleeping");
        while (left > 0) {
            long ms = left < 50 ? left : 50;
            struct timespec ts = {0, ms * 1000000L};

            if (cl_job_should_stop(job))
                return cl_job_stopped(job);
            nanosleep(&ts, NULL);
            left -= ms;
        }
    }
    if (params->fail)
        return cl_job_fail(job, "failed on request (attempt %d)", job->attempt);
    n = snprintf(body, sizeof body, "{\"ok\":true,\"attempt\":%d}\n", job->attempt);
    cl_job_add_artifact(job, "noop.json", "application/json", body, (size_t)n);
    n = snprintf(body, sizeof body, "attempt %d\n", job->attempt);
    cl_job_add_artifact(job, "noop.txt", "text/plain; charset=utf-8", body, (size_t)n);
    return CL_OK;
}

CL_JOB_KIND(noop, run_noop);

/* The section CL_JOB_KIND fills; weak, so that a binary with no kind still links. */
extern const struct cl_job_kind *const __start_cl_job_kinds[] __attribute__((weak));
extern const struct cl_job_kind *const __stop_cl_job_kinds[] __attribute__((weak));

const struct cl_job_kind *
cl_job_kind_find(const char *kind)
{
    /* As addresses: the two symbols bound one section, not one C object. */
    size_t n = ((uintptr_t)__stop_cl_job_kinds - (uintptr_t)__start_cl_job_kinds) /
               sizeof __start_cl_job_kinds[0];

    for (size_t i = 0; i < n; i++)
        if (strcmp(__start_cl_job_kinds[i]->kind, kind) == 0)
            return __start_cl_job_kinds[i];
    return NULL;
}
