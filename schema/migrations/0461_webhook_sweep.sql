-- Webhook deliveries that keep failing (issue 23): the worker's sweep (worker/webhook_sweep.c,
-- webhook_sweep in schema/functions/partner_notices.sql) queues the delivery job again for a
-- subscription whose job has given up, at a capped interval, and after a long failure marks the
-- subscription failing: failing_since is set, it stops being active (so nothing later overtakes
-- what it holds), and its pending deliveries become 'failed' (in the partner's delivery log with
-- every attempt, replayable). Events while it is failing are logged as failed deliveries, never
-- dropped. Reactivating it (PATCH active=true) clears failing_since.
ALTER TABLE webhook_subscriptions ADD COLUMN failing_since timestamptz;
ALTER TABLE webhook_deliveries DROP CONSTRAINT webhook_deliveries_status_check,
    ADD CONSTRAINT webhook_deliveries_status_check
        CHECK (status IN ('pending', 'delivered', 'failed'));

-- The sweep's look-up of a subscription's open delivery job.
CREATE INDEX jobs_webhook_open ON jobs ((params->>'subscription_id'))
    WHERE kind = 'webhook_delivery' AND status IN ('queued', 'running');

-- The sweep runs as the worker: it marks a subscription failing.
GRANT UPDATE (active, failing_since, version, updated_at) ON webhook_subscriptions TO cl_worker;
