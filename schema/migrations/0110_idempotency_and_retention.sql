-- Copies of personal data are scoped and expire (issue 15, item 7).
--
-- * idempotency_keys keeps what a replay needs to find the resource again (the status and the
--   Location, ids only), never the response body: a replay re-reads the resource as the caller
--   may see it now (api/http.c). Keys count for 24 h; the worker deletes older rows.
-- * artifacts are deleted by the worker once older than ARTIFACT_RETENTION_DAYS, each deletion
--   audited.
-- Both purges are one function, run by every worker at start and then hourly
-- (worker/retention.c).

ALTER TABLE idempotency_keys DROP COLUMN body, DROP COLUMN etag;
COMMENT ON TABLE idempotency_keys IS
    'Idempotency-Key per caller for 24 h: the request hash, the status and the Location '
    '(ids only); never a response body.';
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);
-- The api reads, inserts and (for an expired key) overwrites; only the purge below deletes.
REVOKE DELETE ON idempotency_keys FROM cl_app;

-- The worker's login role (made here if no earlier migration made it; it only needs EXECUTE
-- on the purge below for this).
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cl_worker') THEN
        CREATE ROLE cl_worker NOLOGIN;
    END IF;
END
$$;

-- Deletes idempotency keys older than 24 h and artifacts older than p_artifact_days, with one
-- audit row per artifact (actor 'retention'). Runs as the migration owner so that the
-- worker's role needs no DELETE on either table.
CREATE FUNCTION cl_purge_expired(p_artifact_days integer,
                                 OUT idempotency_keys bigint, OUT artifacts bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    IF p_artifact_days IS NULL OR p_artifact_days < 1 THEN
        RAISE EXCEPTION 'artifact retention must be at least one day';
    END IF;
    DELETE FROM public.idempotency_keys k WHERE k.created_at < now() - interval '24 hours';
    GET DIAGNOSTICS idempotency_keys = ROW_COUNT;
    WITH gone AS (
        DELETE FROM public.artifacts a
        WHERE a.created_at < now() - make_interval(days => p_artifact_days)
        RETURNING a.id, a.job_id, a.name
    )
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                           detail)
    SELECT 'retention', 'service', 'delete', 'artifact', g.id, '',
           jsonb_build_object('job_id', g.job_id, 'name', g.name,
                              'retention_days', p_artifact_days)
    FROM gone g;
    GET DIAGNOSTICS artifacts = ROW_COUNT;
END
$$;
REVOKE EXECUTE ON FUNCTION cl_purge_expired(integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cl_purge_expired(integer) TO cl_worker;
