/* The worker's side of the job queue (DESIGN §5).
 *
 * A claim is one short statement: the oldest ready job of this worker's queue (or one whose
 * lease expired: its worker died) is locked with FOR UPDATE SKIP LOCKED, marked running under
 * a fresh lease token and a lease time taken from the database's clock, and the attempt is
 * logged in job_attempts. A heartbeat thread, on its own connection, renews the lease every
 * third of its length; when the renewal finds the lease gone (cancelled, or rescued after this
 * worker stalled) the job is told to stop. Completion is fenced by the lease token: the job row
 * is marked succeeded and its artifacts inserted in one transaction, only while the token still
 * matches, so a job run twice (a stalled worker and its rescuer) leaves exactly one set of
 * artifacts. A failed attempt is retried after 2^attempt seconds (±20 % jitter, at most an
 * hour) until max_attempts; a job stopped by SIGTERM is put back without using an attempt. */
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
    "  WHERE queue = $3 AND ((status = 'queued' AND run_after <= now()) "
    "     OR (status = 'running' AND locked_until < now())) "
    "  ORDER BY run_after, created_at LIMIT 1 FOR UPDATE SKIP LOCKED), "
    "u AS (UPDATE jobs j SET status = 'running', attempts = j.attempts + 1, locked_by = $1, "
    "  locked_until = now() + make_interval(secs => $2::int), lease_token = gen_random_uuid(), "
    "  started_at = now(), progress = 0, stage = 'started', version = j.version + 1, "
    "  error = CASE WHEN j.status = 'running' THEN 'lease expired: the worker was lost' "
    "          ELSE j.error END "
    "  FROM c WHERE j.id = c.id "
    "  RETURNING j.id, j.kind, j.params::text AS params, j.lease_token, j.attempts, "
    "  j.max_attempts), "
    "l AS (UPDATE job_attempts a SET finished_at = clock_timestamp(), outcome = 'lost' "
    "  FROM u WHERE a.job_id = u.id AND a.finished_at IS NULL), "
    "i AS (INSERT INTO job_attempts (job_id, attempt, worker, lease_token) "
    "  SELECT u.id, u.attempts, $1, u.lease_token FROM u) "
    "SELECT id, kind, params, lease_token, attempts, max_attempts FROM u"};
static struct cl_stmt heartbeat = {
    "UPDATE jobs SET locked_until = now() + make_interval(secs => $3::int) "
    "WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING 1"};
static struct cl_stmt progress = {
    "UPDATE jobs SET progress = $3::int, stage = $4 "
    "WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING 1"};
static struct cl_stmt add_artifact = {
    "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size) "
    "VALUES (gen_random_uuid(), $1, $2, $3, $4::bytea, encode(sha256($4::bytea), 'hex'), "
    "length($4::bytea))"};
static struct cl_stmt succeed = {
    "WITH u AS (UPDATE jobs SET status = 'succeeded', progress = 100, stage = 'done', "
    "  finished_at = now(), locked_by = NULL, locked_until = NULL, error = NULL, "
    "  result = $3::jsonb, version = version + 1 "
    "  WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING id), "
    "a AS (UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'succeeded' "
    "  WHERE job_id = $1 AND lease_token = $2 AND finished_at IS NULL "
    "  AND EXISTS (SELECT 1 FROM u)) "
    "SELECT count(*) FROM u"};
/* $4 true: give up now whatever the attempts (the job can never succeed). */
static struct cl_stmt fail = {
    "WITH u AS (UPDATE jobs SET "
    "  status = CASE WHEN $4::boolean OR attempts >= max_attempts THEN 'failed' "
    "           ELSE 'queued' END, "
    "  run_after = now() + make_interval(secs => least(3600, power(2, attempts)::int) "
    "              * (0.8 + random() * 0.4)), "
    "  finished_at = CASE WHEN $4::boolean OR attempts >= max_attempts THEN now() END, "
    "  locked_by = NULL, locked_until = NULL, error = $3, stage = 'failed', "
    "  version = version + 1 "
    "  WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING status), "
    "a AS (UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'failed', "
    "  error = $3 WHERE job_id = $1 AND lease_token = $2 AND finished_at IS NULL "
    "  AND EXISTS (SELECT 1 FROM u)) "
    "SELECT status FROM u"};
/* Back in the queue, ready at once, the attempt given back: it was not the job's fault. */
static struct cl_stmt release = {
    "WITH u AS (UPDATE jobs SET status = 'queued', attempts = attempts - 1, run_after = now(), "
    "  locked_by = NULL, locked_until = NULL, progress = 0, stage = 'released', "
    "  version = version + 1 "
    "  WHERE id = $1 AND lease_token = $2 AND status = 'running' RETURNING id), "
    "a AS (UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'released' "
    "  WHERE job_id = $1 AND lease_token = $2 AND finished_at IS NULL "
    "  AND EXISTS (SELECT 1 FROM u)) "
    "SELECT count(*) FROM u"};

struct beat {
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv;
    int stop;
    const struct cl_queue *q;
    struct cl_job *job;
};

static void
mark_lost(struct cl_job *job)
{
    __atomic_store_n(&job->lost, 1, __ATOMIC_RELEASE);
}

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
        PGresult *res = NULL;
        const char *p[3] = {b->job->id, b->job->lease_token, secs};

        clock_gettime(CLOCK_REALTIME, &until);
        until.tv_sec += every > 0 ? every : 1;
        pthread_cond_timedwait(&b->cv, &b->mu, &until);
        if (b->stop)
            break;
        if (db == NULL)
            db = cl_conn_open(b->q->conninfo, "cl-worker-heartbeat", 2000);
        if (db == NULL || cl_conn_ensure(db) != CL_OK)
            continue;
        if (cl_db_exec(db, &heartbeat, 3, p, &res) != CL_OK) {
            cl_log_warn(MOD, "heartbeat failed for job %s", b->job->id);
        } else if (PQntuples(res) == 0) {
            cl_log_warn(MOD, "job %s: lease lost (cancelled or taken over); stopping it",
                        b->job->id);
            mark_lost(b->job);
        }
        PQclear(res);
    }
    pthread_mutex_unlock(&b->mu);
    cl_conn_close(db);
    return NULL;
}

void
cl_job_add_artifact(struct cl_job *job, const char *name, const char *media_type, const void *bytes,
                    size_t len)
{
    struct cl_artifact *a;

    job->artifacts =
        cl_realloc(job->artifacts, (size_t)(job->nartifacts + 1) * sizeof *job->artifacts);
    a = &job->artifacts[job->nartifacts++];
    a->name = cl_strdup(name);
    a->media_type = cl_strdup(media_type);
    a->bytes = cl_malloc(len ? len : 1);
    if (len)
        memcpy(a->bytes, bytes, len);
    a->len = len;
}

void
cl_job_progress(struct cl_job *job, int percent, const char *stage)
{
    char pct[8];
    const char *p[4] = {job->id, job->lease_token, pct, stage};
    PGresult *res = NULL;

    snprintf(pct, sizeof pct, "%d", percent < 0 ? 0 : percent > 100 ? 100 : percent);
    if (cl_db_exec(job->db, &progress, 4, p, &res) != CL_OK)
        cl_log_warn(MOD, "progress not recorded for job %s", job->id);
    else if (PQntuples(res) == 0)
        mark_lost(job);
    PQclear(res);
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

int
cl_job_should_stop(struct cl_job *job)
{
    return (job->shutdown && *job->shutdown) || __atomic_load_n(&job->lost, __ATOMIC_ACQUIRE);
}

int
cl_job_stopped(struct cl_job *job)
{
    job->stopped = 1;
    return CL_ECONFLICT;
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
    if (job->spec)
        cl_jobspec_params_free(job->spec, job->params);
    cJSON_Delete(job->result);
}

/* The status change, fenced by the lease token, comes first: once it holds the job row no
 * rescuer can take the job, and a worker that lost its lease writes no bytes at all. */
static int
finish(struct cl_queue *q, struct cl_job *job)
{
    char *result = job->result ? cl_json_print(job->result) : NULL;
    const char *p[3] = {job->id, job->lease_token, result};
    PGresult *res = NULL;
    int err = cl_db_begin(q->db, NULL);

    if (err == CL_OK)
        err = cl_db_exec(q->db, &succeed, 3, p, &res);
    if (err == CL_OK && strcmp(PQgetvalue(res, 0, 0), "1") != 0) {
        cl_log_warn(MOD, "job %s: lease lost before completion; result discarded", job->id);
        err = CL_ECONFLICT;
    }
    for (int i = 0; i < job->nartifacts && err == CL_OK; i++) {
        const struct cl_artifact *a = &job->artifacts[i];
        const char *ap[4] = {job->id, a->name, a->media_type, a->bytes};
        int lens[4] = {0, 0, 0, (int)a->len};
        int fmts[4] = {0, 0, 0, 1};

        err = cl_db_exec_ex(q->db, &add_artifact, 4, ap, lens, fmts, 0, NULL);
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
record_failure(struct cl_queue *q, struct cl_job *job, int final)
{
    const char *p[4] = {job->id, job->lease_token, job->error[0] ? job->error : "job failed",
                        final ? "true" : "false"};
    PGresult *res = NULL;

    if (cl_db_exec(q->db, &fail, 4, p, &res) == CL_OK && PQntuples(res) == 1)
        cl_log_warn(MOD, "job %s (%s) attempt %d failed: %s; now %s", job->id, job->kind,
                    job->attempt, p[2], PQgetvalue(res, 0, 0));
    PQclear(res);
}

static void
release_job(struct cl_queue *q, struct cl_job *job)
{
    const char *p[2] = {job->id, job->lease_token};
    PGresult *res = NULL;

    if (cl_db_exec(q->db, &release, 2, p, &res) == CL_OK && strcmp(PQgetvalue(res, 0, 0), "1") == 0)
        cl_log_info(MOD, "job %s (%s) released unfinished for another worker", job->id, job->kind);
    PQclear(res);
}

/* Runs the job's function while the heartbeat thread keeps its lease. */
static int
run_with_heartbeat(struct cl_queue *q, const struct cl_job_kind *kind, struct cl_job *job)
{
    struct beat b;
    int err;

    memset(&b, 0, sizeof b);
    pthread_mutex_init(&b.mu, NULL);
    pthread_cond_init(&b.cv, NULL);
    b.q = q;
    b.job = job;
    if (pthread_create(&b.thread, NULL, beat_main, &b) != 0) {
        pthread_cond_destroy(&b.cv);
        pthread_mutex_destroy(&b.mu);
        return cl_job_fail(job, "could not start the heartbeat thread");
    }
    err = kind->run(job);
    pthread_mutex_lock(&b.mu);
    b.stop = 1;
    pthread_cond_signal(&b.cv);
    pthread_mutex_unlock(&b.mu);
    pthread_join(b.thread, NULL);
    pthread_cond_destroy(&b.cv);
    pthread_mutex_destroy(&b.mu);
    return err;
}

int
cl_queue_run_one(struct cl_queue *q)
{
    char lease[16];
    const char *p[3] = {q->worker_id, lease, q->queue};
    PGresult *res = NULL;
    struct cl_job job;
    const struct cl_job_kind *kind;
    const char *why;
    cJSON *params;
    int err;

    snprintf(lease, sizeof lease, "%d", q->cfg->job_lease_s);
    err = cl_db_exec(q->db, &claim, 3, p, &res);
    if (err != CL_OK)
        return -err;
    if (PQntuples(res) == 0) {
        PQclear(res);
        return 0;
    }
    memset(&job, 0, sizeof job);
    snprintf(job.id, sizeof job.id, "%s", PQgetvalue(res, 0, 0));
    snprintf(job.kind, sizeof job.kind, "%s", PQgetvalue(res, 0, 1));
    params = cl_json_parse(PQgetvalue(res, 0, 2), (size_t)PQgetlength(res, 0, 2), &why);
    snprintf(job.lease_token, sizeof job.lease_token, "%s", PQgetvalue(res, 0, 3));
    job.attempt = (int)strtol(PQgetvalue(res, 0, 4), NULL, 10);
    job.max_attempts = (int)strtol(PQgetvalue(res, 0, 5), NULL, 10);
    job.db = q->db;
    job.reports = &q->reports;
    job.cfg = q->cfg;
    job.shutdown = q->stopping;
    PQclear(res);

    kind = cl_job_kind_find(job.kind);
    job.spec = cl_jobspec_find(job.kind);
    if (job.spec && params) {
        /* decoded as the service role would ask: the requester's role was checked when the
         * job was requested, and no role may ask for more than the service */
        cJSON *problems = cJSON_CreateArray();

        if (cl_jobspec_decode(job.spec, params, "service", q->cfg, &job.params, problems) != CL_OK)
            job.params = NULL;
        cJSON_Delete(problems);
    }
    cJSON_Delete(params);
    if (kind == NULL || job.params == NULL) {
        cl_job_fail(&job, "unknown job kind or unreadable params");
        record_failure(q, &job, 1);
        job_cleanup(&job);
        return 1;
    }
    if (job.attempt > job.max_attempts) {
        cl_job_fail(&job, "gave up after %d attempts (the worker was lost each time)",
                    job.max_attempts);
        record_failure(q, &job, 1);
        job_cleanup(&job);
        return 1;
    }
    cl_log_info(MOD, "running job %s (%s), attempt %d", job.id, job.kind, job.attempt);

    err = run_with_heartbeat(q, kind, &job);

    if (job.stopped) {
        if (__atomic_load_n(&job.lost, __ATOMIC_ACQUIRE))
            cl_log_info(MOD, "job %s stopped: it was cancelled or taken over", job.id);
        else
            release_job(q, &job);
        job_cleanup(&job);
        return 1;
    }
    if (err == CL_OK) {
        err = finish(q, &job);
        if (err == CL_ECONFLICT) /* the lease was lost: whoever holds the job finishes it */
            err = CL_OK;
        else if (err == CL_OK)
            cl_log_info(MOD, "job %s (%s) succeeded with %d artifacts", job.id, job.kind,
                        job.nartifacts);
    }
    if (err == CL_EDB_DOWN) {
        cl_log_warn(MOD, "job %s: database lost; the lease will expire and it will rerun", job.id);
    } else if (err != CL_OK) {
        if (job.error[0] == '\0')
            snprintf(job.error, sizeof job.error, "%s", cl_err_str(err));
        record_failure(q, &job, 0);
    }
    job_cleanup(&job);
    return err == CL_EDB_DOWN ? -err : 1;
}
