/* Job kind "indicator_snapshot": stores the snapshot of every Board figure for each day from
 * params->from to params->to (board_snapshot_take, schema/functions/board_business.sql), one
 * transaction a day. A day stored already (by an earlier run, or another worker now) is
 * skipped: the function inserts the day's row first, so of two workers storing one day one
 * stores it and the other finds it there. Figures are computed as the Board report computes
 * them, with this worker's SSDA903 window and recording limit. */
#include "job.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_jobspec_indicator_snapshot.h"
#include "cl_log.h"

#define MOD "snapshot"

static struct cl_stmt take_stmt = {
    "SELECT board_snapshot_take(($1::date + $2::int), $3::int, $4::int, $5::int, $6::uuid) "
    "  AS stored, to_char($1::date + $2::int, 'YYYY-MM-DD') AS day"};
static struct cl_stmt settings_stmt = {
    "SELECT set_config('app.role', 'service', true), set_config('work_mem', '128MB', true), "
    "set_config('jit', 'off', true)"};

static int
cl_indicator_snapshot_run(struct cl_job *job)
{
    const struct cl_snapshot_params *p = job->params;
    char before[16], after[16], recorded[16], offset[16];
    const char *params[6] = {p->from, offset, before, after, recorded, job->id};
    int stored = 0, err = CL_OK;

    snprintf(before, sizeof before, "%d", job->cfg->ssda903_window_before);
    snprintf(after, sizeof after, "%d", job->cfg->ssda903_window_after);
    snprintf(recorded, sizeof recorded, "%d", job->cfg->visit_recorded_days);
    for (int d = 0; d < p->days && err == CL_OK; d++) {
        PGresult *res = NULL;

        if (cl_job_should_stop(job))
            return cl_job_stopped(job);
        cl_job_progress(job, 100 * d / p->days, "snapshot");
        snprintf(offset, sizeof offset, "%d", d);
        err = cl_db_simple(job->db, "BEGIN");
        if (err == CL_OK)
            err = cl_db_exec(job->db, &settings_stmt, 0, NULL, NULL);
        if (err == CL_OK)
            err = cl_db_exec(job->db, &take_stmt, 6, params, &res);
        if (err == CL_OK)
            err = cl_db_simple(job->db, "COMMIT");
        else
            cl_db_rollback(job->db);
        if (err == CL_OK && strcmp(PQgetvalue(res, 0, 0), "t") == 0)
            stored++;
        PQclear(res);
    }
    if (err == CL_OK) {
        cJSON *res = cJSON_CreateObject();

        cJSON_AddStringToObject(res, "from", p->from);
        cJSON_AddStringToObject(res, "to", p->to);
        cJSON_AddNumberToObject(res, "days_stored", stored);
        cJSON_AddNumberToObject(res, "days_already_stored", p->days - stored);
        cJSON_Delete(job->result);
        job->result = res;
        cl_log_info(MOD, "snapshots %s to %s: %d stored, %d there already", p->from, p->to, stored,
                    p->days - stored);
    }
    return err;
}

CL_JOB_KIND(indicator_snapshot, cl_indicator_snapshot_run);
