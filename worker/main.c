/* The worker process: connects (waiting while the database is down), listens for job_queued,
 * claims and runs jobs of its queue (WORKER_QUEUE) one at a time, polls every WORKER_POLL_MS as
 * a fallback for lost notifications, enqueues the nightly jobs, purges what has outlived its
 * retention (idempotency keys, artifacts), and on SIGTERM or SIGINT
 * finishes the current job (or puts it back, if the job stops at a safe point) and exits 0. */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/select.h>
#include <unistd.h>

#include "cl_config.h"
#include "cl_db.h"
#include "cl_la_time.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "queue.h"

#define MOD "worker"

static volatile sig_atomic_t stopping;

static void
on_signal(int sig)
{
    (void)sig;
    stopping = 1;
}

/* Sleeps up to ms, waking early on a notification or a signal. */
static void
wait_for_work(struct cl_conn *db, int ms)
{
    PGconn *pg = cl_conn_pg(db);
    int fd = pg ? PQsocket(pg) : -1;
    struct timeval tv = {ms / 1000, (ms % 1000) * 1000};
    fd_set fds;
    PGnotify *n;

    if (fd < 0) {
        usleep((useconds_t)ms * 1000);
        return;
    }
    FD_ZERO(&fds);
    FD_SET(fd, &fds);
    if (select(fd + 1, &fds, NULL, NULL, &tv) > 0)
        PQconsumeInput(pg);
    while ((n = PQnotifies(pg)) != NULL)
        PQfreemem(n);
}

/* Queue names as jobs.queue allows them. */
static int
queue_name_ok(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n <= 64 && strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_-") == n;
}

static struct cl_conn *
connect_listening(const struct cl_config *cfg)
{
    int delay_ms = 250;
    char app[80];

    /* The queue in application_name tells operators (and tests) which worker is which. */
    snprintf(app, sizeof app, "cl-worker:%s", cfg->worker_queue);
    while (!stopping) {
        struct cl_conn *db = cl_conn_open(cfg->database_url, app, cfg->db_timeout_ms);

        if (db && cl_db_simple(db, "LISTEN job_queued") == CL_OK) {
            cl_log_info(MOD, "connected and listening");
            return db;
        }
        cl_conn_close(db);
        cl_log_warn(MOD, "database unavailable; retrying in %d ms", delay_ms);
        usleep((useconds_t)delay_ms * 1000);
        delay_ms = delay_ms * 2 > 5000 ? 5000 : delay_ms * 2;
    }
    return NULL;
}

int
main(int argc, char **argv)
{
    char err[256], worker_id[128], host[64];
    struct cl_config *cfg;
    struct cl_queue q;
    int once = argc > 1 && strcmp(argv[1], "--once") == 0;

    if (argc > 1 && !once) {
        fprintf(stderr, "usage: worker [--once]\n  --once  run queued jobs until none is "
                        "left, then exit\n");
        return 2;
    }
    cl_mem_init();
    cfg = cl_config_load(CL_CONFIG_WORKER, err, sizeof err);
    if (cfg == NULL) {
        fprintf(stderr, "worker: configuration error: %s\n", err);
        return 2;
    }
    cl_log_level = cl_log_parse_level(cfg->log_level);
    cl_la_time_use(cfg->la_timezone);
    signal(SIGPIPE, SIG_IGN);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    if (gethostname(host, sizeof host) != 0)
        snprintf(host, sizeof host, "worker");
    host[sizeof host - 1] = '\0';
    snprintf(worker_id, sizeof worker_id, "%s:%d", host, (int)getpid());

    if (!queue_name_ok(cfg->worker_queue)) {
        fprintf(stderr, "worker: configuration error: WORKER_QUEUE must be 1 to 64 of a-z, 0-9, "
                        "_ and -\n");
        cl_config_free(cfg);
        return 2;
    }
    memset(&q, 0, sizeof q);
    q.cfg = cfg;
    q.worker_id = worker_id;
    q.conninfo = cfg->database_url;
    q.queue = cfg->worker_queue;
    q.stopping = &stopping;
    q.reports.cfg = cfg;
    q.db = connect_listening(cfg);
    while (!stopping && q.db) {
        int ran;

        if (!once && (cl_queue_schedule_nightly(&q) == CL_EDB_DOWN ||
                      cl_queue_purge_expired(&q) == CL_EDB_DOWN ||
                      cl_queue_sweep_webhooks(&q) == CL_EDB_DOWN))
            ran = -CL_EDB_DOWN;
        else
            ran = cl_queue_run_one(&q);
        if (ran < 0 &&
            (cl_conn_ensure(q.db) != CL_OK || cl_db_simple(q.db, "LISTEN job_queued") != CL_OK)) {
            cl_conn_close(q.db);
            q.db = connect_listening(cfg);
            continue;
        }
        if (ran > 0)
            continue;
        if (once)
            break;
        wait_for_work(q.db, cfg->worker_poll_ms);
    }
    cl_log_info(MOD, "stopping");
    cl_report_db_close(&q.reports);
    cl_conn_close(q.db);
    cl_config_free(cfg);
    return 0;
}
