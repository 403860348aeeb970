-- The jobs API and the queue's bookkeeping (issue 7).
--
-- * queue: workers take jobs from one named queue (WORKER_QUEUE, default 'default'), so a
--   deployment can dedicate workers to some jobs; the NOTIFY payload names the queue.
-- * job_attempts: one row per time a worker took a job (claim), closed when the attempt
--   ends. It is the per-run log that shows a job never ran twice at once, and why a retried
--   job was retried.
-- * The api's job functions: the JSON representation, request (the job row and its audit
--   row in one transaction), cancel, and the audited artifact download.
--
-- Which roles may see a kind lives in C (common/cl_jobspec.c); the api passes the kinds the
-- caller's role may request as p_kinds, so these functions never hard-code a role.

ALTER TABLE jobs ADD COLUMN queue text NOT NULL DEFAULT 'default'
    CHECK (queue ~ '^[a-z0-9_-]{1,64}$');
DROP INDEX jobs_ready;
CREATE INDEX jobs_ready ON jobs (queue, run_after, created_at) WHERE status = 'queued';
CREATE INDEX jobs_list ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_list_kind ON jobs (kind, created_at DESC, id DESC);

CREATE TABLE job_attempts (
    job_id      uuid NOT NULL REFERENCES jobs (id),
    attempt     integer NOT NULL,
    worker      text NOT NULL,
    lease_token uuid NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    outcome     text CHECK (outcome IN ('succeeded', 'failed', 'released', 'lost', 'cancelled')),
    error       text,
    PRIMARY KEY (job_id, attempt, lease_token)
);
CREATE INDEX job_attempts_open ON job_attempts (job_id) WHERE finished_at IS NULL;
GRANT SELECT ON job_attempts TO cl_app;

CREATE OR REPLACE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('job_queued', NEW.queue);
    RETURN NULL;
END
$$;

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

-- A job requested through the api: the row and its audit row commit together, and the
-- NOTIFY (sent at commit) wakes an idle worker.
CREATE FUNCTION job_request(p_kind text, p_params jsonb, p_max_attempts integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    INSERT INTO jobs (id, kind, params, max_attempts, created_by, created_role)
    VALUES (gen_random_uuid(), p_kind, coalesce(p_params, '{}'), coalesce(p_max_attempts, 5),
            cl_sub(), cl_role())
    RETURNING * INTO j;
    PERFORM cl_audit('request', 'job', j.id, jsonb_build_object('kind', p_kind));
    RETURN QUERY SELECT job_json(j), j.version, j.id;
END
$$;

-- Queued or running -> cancelled. A running job's worker finds its lease gone: its heartbeat
-- tells it to stop, and its fenced completion changes nothing, so no artifacts appear.
CREATE FUNCTION job_cancel(p_id uuid, p_kinds text[])
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    SELECT * INTO j FROM jobs WHERE jobs.id = p_id AND jobs.kind = ANY (p_kinds) FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such job');
    END IF;
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

-- The bytes of an artifact the caller may download, with the download audited in the same
-- transaction (the api commits before it sends a byte). No row: not visible.
CREATE FUNCTION artifact_download(p_id uuid, p_kinds text[])
RETURNS TABLE (bytes bytea) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM artifacts a JOIN jobs j ON j.id = a.job_id
                   WHERE a.id = p_id AND j.kind = ANY (p_kinds)) THEN
        RETURN;
    END IF;
    PERFORM cl_audit('download', 'artifact', p_id);
    RETURN QUERY SELECT a.bytes FROM artifacts a WHERE a.id = p_id;
END
$$;

GRANT UPDATE ON job_attempts TO cl_app;
