#include "queue.h"

#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cl_json.h"
#include "cl_log.h"
#include "cl_mem.h"

#define MOD "queue"

static struct cl_stmt claim = {
    "WITH c AS (SELECT id FROM jobs "
    "  WHERE (status = 'queued' AND run_after <= now()) "
    "     OR (status = 'running' AND locked_until < now()) "
    "  ORDER BY run_after, created_at LIMIT 1 FOR UPDATE SKIP LOCKED) "
    "UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $1, "
    "  locked_until = now() + make_interval(secs => $2::int), lease_token = gen_random_uuid(), "
    "  started_at = now(), progress = 0, stage = 'started', "
    "  error = CASE WHEN j.status = 'running' THEN 'lease expired: the worker was lost' "
    "          ELSE j.error END "
    "FROM c WHERE j.id = c.id "
    "RETURNING j.id, j.kind, j.params::text, j.lease_token, j.attempts, j.max_attempts"};
static struct cl_stmt heartbeat = {
    "UPDATE jobs SET locked_until = now() + make_interval(secs => $3::int) "
    "WHERE id = $1 AND lease_token = $2 AND status = 'running'"};
static struct cl_stmt progress = {
    "UPDATE jobs SET progress = $3::int, stage = $4 "
    "WHERE id = $1 AND lease_token = $2 AND status = 'running'"};
static struct cl_stmt add_artifact = {
    "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size) "
    "VALUES (gen_random_uuid(), $1, $2, $3, $4::bytea, encode(sha256($4::bytea), 'hex'), "
    "length($4::bytea))"};
static struct cl_stmt succeed = {
    "UPDATE jobs SET status = 'succeeded', progress = 100, stage = 'done', finished_at = now(), "
    "locked_by = NULL, locked_until = NULL, error = NULL, result = $3::jsonb, "
    "version = version + 1 WHERE id = $1 AND lease_token = $2 AND status = 'running'"};
static struct cl_stmt fail = {
    "UPDATE jobs SET "
    "  status = CASE WHEN attempts >= max_attempts THEN 'failed' ELSE 'queued' END, "
    "  run_after = now() + make_interval(secs => least(3600, power(2, attempts)::int) "
    "              * (0.8 + random() * 0.4)), "
    "  finished_at = CASE WHEN attempts >= max_attempts THEN now() END, "
    "  locked_by = NULL, locked_until = NULL, error = $3, version = version + 1 "
    "WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING status"};
struct beat {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    const struct cl_queue *q;
    const struct cl_job *job;
};

static void *
beat_main(void *arg)
{
    struct beat *b = arg;
    struct cl_conn *db = cl_conn_open(b->q->conninfo, "cl-worker-heartbeat", 2000);
    char secs[16];
    int every = b->q->cfg->job_lease_s / 3;

    snprintf(secs, sizeof secs, "%d", b->q->cfg->job_lease_s);
    pthread_mutex_lock(&b->mu);
    while (!b->stop) {
        struct timespec until;

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += every > 0 ? every : 1;
        pthread_cond_timedwait(&b->cv, &b->mu, &until);
        if (b->stop)
            break;
        if (db == NULL || cl_conn_ensure(db) != CL_OK)
            continue;
        {
            const char *p[3] = {b->job->id, b->job->lease_token, secs};

            if (cl_db_exec(db, &heartbeat, 3, p, NULL) != CL_OK)
                cl_log_warn(MOD, "heartbeat failed for job %s", b->job->id);
        }
    }
    pthread_mutex_unlock(&b->mu);
    cl_conn_close(db);
    return NULL;
}

void
cl_job_add_artifact(struct cl_job *job, const char *name, const char *media_type,
                    const void *bytes, size_t len)
{
    struct cl_artifact *a;

    job->artifacts =
        cl_realloc(job->artifacts, (size_t)(job->nartifacts + 1) * sizeof *job->artifacts);
    a = &job->artifacts[job->nartifacts++];
    a->name = cl_strdup(name);
    a->media_type = cl_strdup(media_type);
    a->bytes = cl_malloc(len ? len : 1);
    memcpy(a->bytes, bytes, len);
    a->len = len;
}

void
cl_job_progress(struct cl_job *job, int percent, const char *stage)
{
    char pct[8];
    const char *p[4] = {job->id, job->lease_token, pct, stage};

    snprintf(pct, sizeof pct, "%d", percent < 0 ? 0 : percent > 100 ? 100 : percent);
    if (cl_db_exec(job->db, &progress, 4, p, NULL) != CL_OK)
        cl_log_warn(MOD, "progress not recorded for job %s", job->id);
}

int
cl_job_fail(struct cl_job *job, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(job->error, sizeof job->error, fmt, ap);
    va_end(ap);
    return CL_EINVAL;
}

static void
job_cleanup(struct cl_job *job)
{
    for (int i = 0; i < job->nartifacts; i++) {
        free(job->artifacts[i].name);
        free(job->artifacts[i].media_type);
        free(job->artifacts[i].bytes);
    }
    free(job->artifacts);
    cJSON_Delete(job->params);
    cJSON_Delete(job->result);
}

/* Artifacts and the status change commit together, only while this worker holds the lease. */
static int
finish(struct cl_queue *q, struct cl_job *job)
{
    char *result = job->result ? cl_json_print(job->result) : NULL;
    const char *p[3] = {job->id, job->lease_token, result};
    PGresult *res = NULL;
    int err = cl_db_begin(q->db, NULL);

    for (int i = 0; i < job->nartifacts && err == CL_OK; i++) {
        const struct cl_artifact *a = &job->artifacts[i];
        const char *ap[4] = {job->id, a->name, a->media_type, a->bytes};
        int lens[4] = {0, 0, 0, (int)a->len};
        int fmts[4] = {0, 0, 0, 1};

        err = cl_db_exec_ex(q->db, &add_artifact, 4, ap, lens, fmts, 0, NULL);
    }
    if (err == CL_OK)
        err = cl_db_exec(q->db, &succeed, 3, p, &res);
    if (err == CL_OK && strcmp(PQcmdTuples(res), "1") != 0) {
        cl_log_warn(MOD, "job %s: lease lost before completion; result discarded", job->id);
        err = CL_ECONFLICT;
    }
    PQclear(res);
    free(result);
    if (err == CL_OK)
        err = cl_db_commit(q->db);
    else
        cl_db_rollback(q->db);
    return err;
}

static void
record_failure(struct cl_queue *q, struct cl_job *job)
{
    const char *p[3] = {job->id, job->lease_token, job->error[0] ? job->error : "job failed"};
    PGresult *res = NULL;

    if (cl_db_exec(q->db, &fail, 3, p, &res) == CL_OK && PQntuples(res) == 1)
        cl_log_warn(MOD, "job %s (%s) attempt %d failed: %s; now %s", job->id, job->kind,
                    job->attempt, p[2], PQgetvalue(res, 0, 0));
    PQclear(res);
}

static const struct cl_job_kind *
find_kind(const char *kind)
{
    for (int i = 0; i < cl_job_kinds_count; i++)
        if (strcmp(cl_job_kinds[i].kind, kind) == 0)
            return &cl_job_kinds[i];
    return NULL;
}

int
cl_queue_run_one(struct cl_queue *q)
{
    char lease[16];
    const char *p[2] = {q->worker_id, lease};
    PGresult *res = NULL;
    struct cl_job job;
    const struct cl_job_kind *kind;
    const char *why;
    struct beat b;
    int err;

    snprintf(lease, sizeof lease, "%d", q->cfg->job_lease_s);
    err = cl_db_exec(q->db, &claim, 2, p, &res);
    if (err != CL_OK)
        return -err;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    memset(&job, 0, sizeof job);
    snprintf(job.id, sizeof job.id, "%s", PQgetvalue(res, 0, 0));
    snprintf(job.kind, sizeof job.kind, "%s", PQgetvalue(res, 0, 1));
    job.params = cl_json_parse(PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2), &why);
    snprintf(job.lease_token, sizeof job.lease_token, "%s", PQgetvalue(res, 0, 3));
    job.attempt = (int)strtol(PQgetvalue(res, 0, 4), NULL, 10);
    job.max_attempts = (int)strtol(PQgetvalue(res, 0, 5), NULL, 10);
    job.db = q->db;
    job.cfg = q->cfg;
    PQclear(res);

    kind = find_kind(job.kind);
    if (kind == NULL || job.params == NULL) {
        cl_job_fail(&job, "unknown job kind or unreadable params");
        job.attempt = job.max_attempts;
        record_failure(q, &job);
        job_cleanup(&job);
        return 1;
    }
    if (job.attempt > job.max_attempts) {
        cl_job_fail(&job, "gave up after %d attempts (worker lost each time)", job.max_attempts);
        record_failure(q, &job);
        job_cleanup(&job);
        return 1;
    }
    cl_log_info(MOD, "running job %s (%s), attempt %d", job.id, job.kind, job.attempt);

    memset(&b, 0, sizeof b);
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);
    b.q = q;
    b.job = &job;
    pthread_create(&b.thread, NULL, beat_main, &b);

    err = kind->run(&job);

    pthread_mutex_lock(&b.mu);
    b.stop = 1;
    pthread_cond_signal(&b.cv);
    pthread_mutex_unlock(&b.mu);
    pthread_join(b.thread, NULL);
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);

    if (err == CL_OK)
        err = finish(q, &job);
    if (err == CL_OK) {
        cl_log_info(MOD, "job %s (%s) succeeded with %d artifacts", job.id, job.kind,
                    job.nartifacts);
    } else if (err == CL_EDB_DOWN) {
        cl_log_warn(MOD, "job %s: database lost; the lease will expire and it will rerun",
                    job.id);
    } else if (err != CL_ECONFLICT) {
        if (job.error[0] == '\0')
            snprintf(job.error, sizeof job.error, "%s", cl_err_str(err));
        record_failure(q, &job);
    }
    job_cleanup(&job);
    return err == CL_EDB_DOWN ? -err : 1;
}
