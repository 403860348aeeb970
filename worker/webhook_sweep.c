/* The webhook sweep: a subscription's delivery job is queued by the transaction that queues a
 * delivery and retries itself with backoff, 8 attempts; after that its pending deliveries would
 * wait for the next event. Every WEBHOOK_SWEEP_S each worker calls webhook_sweep
 * (schema/functions/partner_notices.sql), which
 * - queues the job again, one attempt, for a subscription with deliveries ready to go, no job
 *   queued or running and no attempt for WEBHOOK_RETRY_MAX_S (one job per subscription and
 *   period however many workers sweep: a transaction lock, then a unique idempotency key);
 * - marks failing a subscription whose oldest pending delivery has failed for
 *   WEBHOOK_FAIL_AFTER_S since its first attempt: inactive, its pending deliveries 'failed' in the
 *   partner's delivery log (replayable), later events logged as failed, never dropped. */
#include "queue.h"

#include <stdio.h>
#include <time.h>

#include "cl_log.h"

#define MOD "webhook-sweep"

static struct cl_stmt sweep = {"SELECT queued, failing FROM webhook_sweep($1::int, $2::int)"};

int
cl_queue_sweep_webhooks(struct cl_queue *q)
{
    static time_t last;
    time_t now = time(NULL);
    char retry[16], fail_after[16];
    PGresult *res = NULL;
    int err;

    if (last && now - last < q->cfg->webhook_sweep_s)
        return CL_OK;
    snprintf(retry, sizeof retry, "%d", q->cfg->webhook_retry_max_s);
    snprintf(fail_after, sizeof fail_after, "%d", q->cfg->webhook_fail_after_s);
    err = cl_db_one(q->db, &sweep, 2, (const char *[]){retry, fail_after}, &res);
    if (err != CL_EDB_DOWN)
        last = now; /* another failure is tried again on the next period, not every turn */
    if (err == CL_OK) {
        if (PQgetvalue(res, 0, 0)[0] != '0')
            cl_log_info(MOD, "queued the delivery job again for %s subscriptions",
                        PQgetvalue(res, 0, 0));
        if (PQgetvalue(res, 0, 1)[0] != '0')
            cl_log_warn(MOD, "marked %s subscriptions failing", PQgetvalue(res, 0, 1));
    } else {
        cl_log_warn(MOD, "sweep failed: %s", cl_err_str(err));
    }
    PQclear(res);
    return err;
}
