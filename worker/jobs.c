/* Registry of job kinds the worker runs. Parameters are validated by the api when the job is
 * requested (common/cl_jobspec.c), so a job function may rely on them. */
#include "job.h"

#include <string.h>

/* "noop": produces one small artifact; used by tests of the queue itself. Parameters:
 * {"fail": true} fails the attempt, {"sleep_ms": n} takes n milliseconds. */
#include <time.h>

static int
run_noop(struct cl_job *job)
{
    const cJSON *fail = cJSON_GetObjectItemCaseSensitive(job->params, "fail");
    const cJSON *sleep_ms = cJSON_GetObjectItemCaseSensitive(job->params, "sleep_ms");
    static const char body[] = "{\"ok\":true}\n";

    if (cJSON_IsNumber(sleep_ms) && sleep_ms->valuedouble > 0) {
        long ms = (long)sleep_ms->valuedouble;
        struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

        cl_job_progress(job, 50, "sleeping");
        nanosleep(&ts, NULL);
    }
    if (cJSON_IsTrue(fail))
        return cl_job_fail(job, "failed on request (attempt %d)", job->attempt);
    cl_job_add_artifact(job, "noop.json", "application/json", body, sizeof body - 1);
    return CL_OK;
}

const struct cl_job_kind cl_job_kinds[] = {
    {"noop", run_noop},
};

const int cl_job_kinds_count = (int)(sizeof cl_job_kinds / sizeof cl_job_kinds[0]);
