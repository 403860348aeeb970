/* Retention: copies of personal data do not outlive their use. Every worker, at start and then
 * once an hour, calls cl_purge_expired (schema/functions/jobs.sql), which deletes idempotency keys
 * older than 24 h and artifacts older than ARTIFACT_RETENTION_DAYS, with an audit row per artifact,
 * then records_purge_subject_access for subject access exports older than
 * SUBJECT_ACCESS_RETENTION_DAYS.
 * It runs as cl_definer (SECURITY DEFINER, schema/functions/security.sql), so the worker's role
 * needs no DELETE on either table. Several workers purging at once is harmless: a row is deleted
 * once. */
#include "queue.h"

#include <stdio.h>
#include <time.h>

#include "cl_log.h"

#define MOD "retention"
#define PURGE_EVERY_S 3600

static struct cl_stmt purge = {"SELECT idempotency_keys, artifacts FROM cl_purge_expired($1)"};
/* Subject access exports expire sooner (SUBJECT_ACCESS_RETENTION_DAYS, records.sql). */
static struct cl_stmt purge_sa = {"SELECT records_purge_subject_access($1)"};

int
cl_queue_purge_expired(struct cl_queue *q)
{
    static time_t last;
    time_t now = time(NULL);
    PGresult *res = NULL, *sa = NULL;
    char days[16], sa_days[16];
    int err;

    if (last && now - last < PURGE_EVERY_S)
        return CL_OK;
    snprintf(days, sizeof days, "%d", q->cfg->artifact_retention_days);
    snprintf(sa_days, sizeof sa_days, "%d", q->cfg->subject_access_retention_days);
    err = cl_db_one(q->db, &purge, 1, (const char *[]){days}, &res);
    if (err == CL_OK)
        err = cl_db_one(q->db, &purge_sa, 1, (const char *[]){sa_days}, &sa);
    if (err != CL_EDB_DOWN)
        last = now; /* a failure other than an outage is retried in an hour, not every turn */
    if (err == CL_OK) {
        cl_log_info(MOD,
                    "purged %s idempotency keys older than 24 h and %s artifacts older "
                    "than %s days",
                    PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1), days);
        cl_log_info(MOD, "purged %s subject access artifacts older than %s days",
                    PQgetvalue(sa, 0, 0), sa_days);
    } else {
        cl_log_warn(MOD, "purge failed: %s", cl_err_str(err));
    }
    PQclear(res);
    PQclear(sa);
    return err;
}
