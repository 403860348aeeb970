-- The job queue (api/jobs.c; worker/queue.c): the NOTIFY that wakes idle workers, the JSON
-- representation of jobs and artifacts, enqueue (the job row and, for the api, its audit row
-- in one transaction), cancel, the audited artifact download, and the retention purge the
-- worker runs.
--
-- Which roles may see a kind lives in C (common/cl_jobspec.c); the api passes the kinds the
-- caller's role may request as p_kinds, so these functions never hard-code a role.

CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('job_queued', NEW.queue);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OF status, run_after ON jobs
    FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION jobs_notify();

-- The representation every jobs endpoint answers with.
CREATE FUNCTION job_json(j jobs) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', j.id, 'kind', j.kind, 'params', j.params, 'status', j.status,
        'progress', json_build_object('percent', j.progress, 'stage', j.stage),
        'attempts', j.attempts, 'max_attempts', j.max_attempts,
        'run_after', cl_ts(j.run_after), 'error', j.error, 'result', j.result,
        'created_by', j.created_by, 'created_at', cl_ts(j.created_at),
        'started_at', cl_ts(j.started_at), 'finished_at', cl_ts(j.finished_at),
        'artifacts', (SELECT count(*) FROM artifacts a WHERE a.job_id = j.id),
        'version', j.version)::text
$$;

CREATE FUNCTION artifact_json(a artifacts) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'job_id', a.job_id, 'name', a.name, 'media_type', a.media_type,
        'size', a.size, 'sha256', a.sha256, 'created_at', cl_ts(a.created_at))::text
$$;

-- The one way a job is enqueued, by the api (api/jobs.c) and the nightly schedule
-- (worker/schedule.c) alike, as the principal of the transaction (cl_sub(), cl_role()): the
-- api's as the caller, whom the jobs_request policy holds to the kinds its role may request;
-- the schedule's as 'scheduler' in the role 'service' (the worker's own policy). p_queue is the
-- queue the job goes to ('default' when NULL). With p_idempotency_key, a second job of the same
-- requester and key is not enqueued and nothing is answered (the schedule's once-a-day key).
-- The NOTIFY (sent at commit) wakes an idle worker. The api's job gets its audit row in the
-- same transaction; the worker's role (cl_worker) may write no audit log, so the schedule's
-- jobs have none, as before. Any other caller that may not audit fails.
CREATE FUNCTION job_enqueue(p_kind text, p_params jsonb, p_max_attempts integer,
                            p_queue text DEFAULT NULL, p_idempotency_key text DEFAULT NULL)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    INSERT INTO jobs (id, kind, params, max_attempts, created_by, created_role, queue,
                      idempotency_key)
    VALUES (gen_random_uuid(), p_kind, coalesce(p_params, '{}'), coalesce(p_max_attempts, 5),
            cl_sub(), cl_role(), coalesce(p_queue, 'default'), p_idempotency_key)
    ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING
    RETURNING * INTO j;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF NOT pg_has_role('cl_worker', 'MEMBER') THEN
        PERFORM cl_audit('request', 'job', j.id, jsonb_build_object('kind', p_kind));
    END IF;
    RETURN QUERY SELECT job_json(j), j.version, j.id;
END
$$;

-- True when the principal's role (app.role) sees a job of kind requested by created_role.
CREATE FUNCTION cl_job_visible(p_kind text, p_created_role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM job_kind_roles r
                   WHERE r.kind = p_kind AND r.role = cl_role()
                     AND (NOT r.own_role_only OR p_created_role = r.role))
$$;

-- The api's own filter, the same two lists in every jobs query: a job of kinds_all, or of
-- kinds_own requested by the caller's role.
CREATE FUNCTION job_listed(p_kind text, p_created_role text, p_kinds_all text[],
                           p_kinds_own text[])
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_kind = ANY (p_kinds_all) OR (p_kind = ANY (p_kinds_own) AND p_created_role = cl_role())
$$;

-- The queue's size by status for /metrics: counts only, whoever may see the jobs (the metrics
-- endpoint has no principal of its own to set).
CREATE FUNCTION job_queue_counts()
RETURNS TABLE (status text, jobs bigint, oldest_queued_s double precision)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT s.status, count(j.id),
           coalesce(extract(epoch FROM now() - min(j.created_at)
                            FILTER (WHERE j.status = 'queued')), 0)::double precision
    FROM unnest(ARRAY['queued', 'running', 'succeeded', 'failed', 'cancelled']) AS s(status)
    LEFT JOIN public.jobs j ON j.status = s.status
    GROUP BY s.status ORDER BY s.status
$$;

CREATE FUNCTION job_cancel(p_id uuid, p_kinds_all text[], p_kinds_own text[])
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    SELECT * INTO j FROM jobs
    WHERE jobs.id = p_id AND job_listed(jobs.kind, jobs.created_role, p_kinds_all, p_kinds_own)
    FOR UPDATE;
    PERFORM cl_found(FOUND, 'job');
    IF j.status NOT IN ('queued', 'running') THEN
        PERFORM cl_fail('CL409', 'only a queued or running job can be cancelled; this one is '
                                 || j.status);
    END IF;
    UPDATE jobs SET status = 'cancelled', finished_at = now(), locked_by = NULL,
                    locked_until = NULL, stage = 'cancelled', version = jobs.version + 1
    WHERE jobs.id = p_id
    RETURNING * INTO j;
    UPDATE job_attempts SET finished_at = clock_timestamp(), outcome = 'cancelled'
    WHERE job_attempts.job_id = p_id AND finished_at IS NULL;
    PERFORM cl_audit('transition', 'job', p_id, jsonb_build_object('to', 'cancelled'));
    RETURN QUERY SELECT job_json(j), j.version, j.id;
END
$$;

CREATE FUNCTION artifact_download(p_id uuid, p_kinds_all text[], p_kinds_own text[])
RETURNS TABLE (bytes bytea) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM artifacts a JOIN jobs j ON j.id = a.job_id
                   WHERE a.id = p_id
                     AND job_listed(j.kind, j.created_role, p_kinds_all, p_kinds_own)) THEN
        RETURN;
    END IF;
    PERFORM cl_audit('download', 'artifact', p_id);
    RETURN QUERY SELECT a.bytes FROM artifacts a WHERE a.id = p_id;
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
          -- a final SSDA903 return is kept (history.sql, artifacts_final_guard)
          AND NOT EXISTS (SELECT 1 FROM public.ssda903_finals f WHERE f.job_id = a.job_id)
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
