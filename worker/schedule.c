/* The nightly schedule: once the council's time (LA_TIMEZONE) passes NIGHTLY_AT, each worker tries
 * to enqueue today's nightly jobs (nightly.c) into its own queue; the unique (created_by,
 * idempotency_key) index lets exactly one insert per job per day and local authority succeed,
 * however many workers run. NIGHTLY_AT=off leaves the schedule to other workers (e.g. those of
 * a queue that should not carry the statutory return). */
#include "queue.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_la_time.h"
#include "cl_log.h"
#include "schedule.h"

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
    for (int i = 0; i < cl_nightly_count && err == CL_OK; i++) {
        char params[512], key[96];
        PGresult *res = NULL;
        const char *p[4] = {cl_nightly[i].kind, params, key, q->queue};

        cl_nightly[i].params(&lt, params, sizeof params);
        snprintf(key, sizeof key, "nightly:%s:%s:%s", cl_nightly[i].name, day, q->cfg->la_code);
        err = cl_db_txn_one(q->db, &scheduler, &enqueue, 4, p, &res);
        if (err == CL_OK && PQntuples(res) == 1)
            cl_log_info(MOD, "enqueued nightly %s for %s", cl_nightly[i].name, day);
        PQclear(res);
    }
    if (err != CL_OK)
        last = 0; /* try again on the next turn of the loop */
    return err;
}
