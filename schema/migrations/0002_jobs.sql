-- The job queue the worker takes requests from, and the files (artifacts) jobs produce.
-- Claimed with FOR UPDATE SKIP LOCKED; a lease (locked_by, locked_until) renewed by a
-- heartbeat; NOTIFY job_queued wakes idle workers.

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL,
    params          jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress        integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage           text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 25),
    run_after       timestamptz NOT NULL DEFAULT now(),
    locked_by       text,
    locked_until    timestamptz,
    lease_token     uuid,
    created_by      text NOT NULL,
    created_role    text NOT NULL,
    idempotency_key text,
    request_hash    text,
    result          jsonb,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    version         integer NOT NULL DEFAULT 1
);
CREATE INDEX jobs_ready ON jobs (run_after, created_at) WHERE status = 'queued';
CREATE INDEX jobs_running_lease ON jobs (locked_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_idempotency ON jobs (created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE artifacts (
    id          uuid PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs (id),
    name        text NOT NULL,
    media_type  text NOT NULL,
    bytes       bytea NOT NULL,
    sha256      text NOT NULL,
    size        bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, name)
);

GRANT SELECT, INSERT, UPDATE ON jobs TO cl_app;
GRANT SELECT ON artifacts TO cl_app;

CREATE FUNCTION jobs_notify() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('job_queued', NEW.kind);
    RETURN NULL;
END
$$;
CREATE TRIGGER jobs_notify AFTER INSERT OR UPDATE OF status, run_after ON jobs
    FOR EACH ROW WHEN (NEW.status = 'queued') EXECUTE FUNCTION jobs_notify();
