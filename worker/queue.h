/* The worker's side of the job queue: claim one job with FOR UPDATE SKIP LOCKED under a lease,
 * run it while a heartbeat renews the lease, then finish it fenced by the lease token
 * (artifacts and status in one transaction) or schedule a retry with exponential backoff. */
#ifndef CL_QUEUE_H
#define CL_QUEUE_H

#include <signal.h>

#include "job.h"

struct cl_queue {
    struct cl_conn *db; /* claims, progress and completion */
    const struct cl_config *cfg;
    const char *worker_id; /* host:pid, recorded as locked_by */
    const char *conninfo;
    const char *queue;                     /* the queue this worker takes jobs from (jobs.queue) */
    const volatile sig_atomic_t *stopping; /* set by SIGTERM/SIGINT */
    struct cl_report_db reports;           /* report jobs' reads (REPORT_DATABASE_URL) */
};

/* Claims and runs at most one job. Returns 1 when a job was run, 0 when none was ready,
 * negative (an error code) when the database failed. */
int cl_queue_run_one(struct cl_queue *q);

/* Enqueues the nightly jobs for today once the configured time has passed; a unique key per
 * day makes this exactly once however many workers call it. */
int cl_queue_schedule_nightly(struct cl_queue *q) CL_WARN_UNUSED;

/* Deletes what has outlived its retention (retention.c): at start and then once an hour. */
int cl_queue_purge_expired(struct cl_queue *q) CL_WARN_UNUSED;

/* Queues the delivery job again for webhook subscriptions whose own retries have run out, and
 * marks failing those that have failed too long (webhook_sweep.c): every WEBHOOK_SWEEP_S. */
int cl_queue_sweep_webhooks(struct cl_queue *q) CL_WARN_UNUSED;

#endif
