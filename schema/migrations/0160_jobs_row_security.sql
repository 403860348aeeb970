-- Row-level security on jobs and artifacts, by kind and requester (issue 15, item 7): the
-- database's own wall behind api/jobs.c.
--
-- * job_kind_roles: which roles may request, and so see, each job kind; own_role_only when the
--   role sees only the jobs of that kind a principal of its own role requested. The table in
--   common/cl_jobspec.c is the source; this is its copy for the policies, and the integration
--   test jobs/the_sql_kind_roles_mirror_cl_jobspecs fails when the two differ. A new kind or
--   role changes both, in one commit, with a migration that changes these rows.
-- * The board role sees a board_report job only when the board requested it: a manager's
--   report may cover a subset of districts or any date, and set beside the board's fixed-form
--   report it would give away a count that suppression hid.
-- * cl_app (the api): reads the jobs its principal's role may see (none without a principal),
--   inserts only as itself (created_by, created_role) a kind its role may request, and cancels
--   only a job it sees; it may change none of who requested a job, or its kind.
-- * cl_worker: every job and artifact (claim, lease, progress, completion, artifacts).
-- * cl_definer: reads jobs (the queue's counts for /metrics) and reads and deletes artifacts
--   (the retention purge, cl_purge_expired), only while one of its functions runs.
-- * Artifacts follow their job.
--
-- job_cancel and artifact_download take the kinds the api lets the role see as two lists:
-- every job of kinds_all, and the jobs of kinds_own its own role requested.

CREATE TABLE job_kind_roles (
    kind          text NOT NULL,
    role          text NOT NULL,
    own_role_only boolean NOT NULL DEFAULT false,
    PRIMARY KEY (kind, role)
);
COMMENT ON TABLE job_kind_roles IS
    'Which roles see which job kinds (row-level security on jobs and artifacts); a copy of '
    'common/cl_jobspec.c, checked by the integration tests.';
INSERT INTO job_kind_roles (kind, role, own_role_only) VALUES
    ('noop', 'admin', false), ('noop', 'service', false),
    ('ssda903', 'manager', false), ('ssda903', 'admin', false), ('ssda903', 'service', false),
    ('board_report', 'board', true), ('board_report', 'manager', false),
    ('board_report', 'admin', false), ('board_report', 'service', false);
GRANT SELECT ON job_kind_roles TO cl_app, cl_worker;

-- True when the principal's role (app.role) sees a job of kind requested by created_role.
CREATE FUNCTION cl_job_visible(p_kind text, p_created_role text)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT EXISTS (SELECT 1 FROM job_kind_roles r
                   WHERE r.kind = p_kind AND r.role = cl_role()
                     AND (NOT r.own_role_only OR p_created_role = r.role))
$$;

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_scope ON jobs FOR SELECT TO cl_app
    USING (cl_job_visible(kind, created_role));
CREATE POLICY jobs_request ON jobs FOR INSERT TO cl_app
    WITH CHECK (created_by = cl_sub() AND created_role = cl_role()
                AND cl_job_visible(kind, created_role));
CREATE POLICY jobs_cancel ON jobs FOR UPDATE TO cl_app
    USING (cl_job_visible(kind, created_role)) WITH CHECK (cl_job_visible(kind, created_role));
CREATE POLICY jobs_worker ON jobs TO cl_worker USING (true) WITH CHECK (true);
CREATE POLICY jobs_definer ON jobs FOR SELECT TO cl_definer
    USING (current_user = 'cl_definer');
-- A cancel changes the status and its bookkeeping, never the kind or the requester.
REVOKE UPDATE ON jobs FROM cl_app;
GRANT UPDATE (status, finished_at, locked_by, locked_until, stage, version) ON jobs TO cl_app;

ALTER TABLE artifacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE artifacts FORCE ROW LEVEL SECURITY;
CREATE POLICY artifacts_scope ON artifacts FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = artifacts.job_id AND cl_job_visible(j.kind, j.created_role)));
CREATE POLICY artifacts_worker ON artifacts TO cl_worker USING (true) WITH CHECK (true);
CREATE POLICY artifacts_definer ON artifacts FOR SELECT TO cl_definer
    USING (current_user = 'cl_definer');
CREATE POLICY artifacts_purge ON artifacts FOR DELETE TO cl_definer
    USING (current_user = 'cl_definer');

-- The api's own filter, the same two lists in every jobs query: a job of kinds_all, or of
-- kinds_own requested by the caller's role.
CREATE FUNCTION job_listed(p_kind text, p_created_role text, p_kinds_all text[],
                           p_kinds_own text[])
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT p_kind = ANY (p_kinds_all) OR (p_kind = ANY (p_kinds_own) AND p_created_role = cl_role())
$$;

DROP FUNCTION job_cancel(uuid, text[]);
CREATE FUNCTION job_cancel(p_id uuid, p_kinds_all text[], p_kinds_own text[])
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
BEGIN
    SELECT * INTO j FROM jobs
    WHERE jobs.id = p_id AND job_listed(jobs.kind, jobs.created_role, p_kinds_all, p_kinds_own)
    FOR UPDATE;
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

DROP FUNCTION artifact_download(uuid, text[]);
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
GRANT SELECT ON jobs TO cl_definer;
GRANT CREATE ON SCHEMA public TO cl_definer; -- ALTER ... OWNER needs it; revoked below
ALTER FUNCTION job_queue_counts() OWNER TO cl_definer;
REVOKE CREATE ON SCHEMA public FROM cl_definer;
REVOKE ALL ON FUNCTION job_queue_counts() FROM PUBLIC;
GRANT EXECUTE ON FUNCTION job_queue_counts() TO cl_app;
