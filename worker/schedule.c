/* The nightly schedule: once the council's time (LA_TIMEZONE) passes NIGHTLY_AT, each worker tries
 * to enqueue today's nightly job of every kind that has one (struct cl_jobspec's nightly, which
 * writes its parameters from the kind's struct) into its own queue; the unique (created_by,
 * idempotency_key) index lets exactly one insert per job per day and local authority succeed,
 * however many workers run. NIGHTLY_AT=off leaves the schedule to other workers (e.g. those of
 * a queue that should not carry the statutory return). */
#include "queue.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_jobspec.h"
#include "cl_json.h"
#include "cl_la_time.h"
#include "cl_log.h"

#define MOD "schedule"

/* The same function as the api's requests (schema/functions/jobs.sql); no row back when this
 * day's job is already there. */
static struct cl_stmt enqueue = {"SELECT id FROM job_enqueue($1, $2::jsonb, NULL, $4, $3)"};
static const struct cl_principal scheduler = {.sub = "scheduler", .role = "service"};

int
cl_queue_schedule_nightly(struct cl_queue *q)
{
    time_t now = time(NULL);
    struct tm lt;
    char hhmm[6], day[11];
    int err = CL_OK;

    static time_t last;

    if (strcmp(q->cfg->nightly_at, "off") == 0)
        return CL_OK;
    if (last && now - last < 60)
        return CL_OK;
    last = now;
    cl_la_time(now, &lt);
    strftime(hhmm, sizeof hhmm, "%H:%M", &lt);
    strftime(day, sizeof day, "%Y-%m-%d", &lt);
    if (strcmp(hhmm, q->cfg->nightly_at) < 0)
        return CL_OK;
    for (int i = 0; i < cl_jobspec_count() && err == CL_OK; i++) {
        const struct cl_jobspec *spec = cl_jobspec_at(i);
        cJSON *params = spec->nightly ? spec->nightly(&lt) : NULL;
        char *text = params ? cl_json_print(params) : NULL, key[96];
        PGresult *res = NULL;
        const char *p[4] = {spec->kind, text, key, q->queue};

        cJSON_Delete(params);
        if (text == NULL)
            continue;
        snprintf(key, sizeof key, "nightly:%s:%s:%s", spec->kind, day, q->cfg->la_code);
        err = cl_db_txn_one(q->db, &scheduler, &enqueue, 4, p, &res);
        if (err == CL_OK && PQntuples(res) == 1)
            cl_log_info(MOD, "enqueued nightly %s for %s", spec->kind, day);
        PQclear(res);
        free(text);
    }
    if (err != CL_OK)
        last = 0; /* try again on the next turn of the loop */
    return err;
}
