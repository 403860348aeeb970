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
-- The functions (cl_job_visible, job_listed, job_cancel, artifact_download, job_queue_counts)
-- are in schema/functions/jobs.sql; the api's policies, which call cl_job_visible, in
-- schema/functions/security.sql.

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

ALTER TABLE jobs ENABLE ROW LEVEL SECURITY;
ALTER TABLE jobs FORCE ROW LEVEL SECURITY;
CREATE POLICY jobs_worker ON jobs TO cl_worker USING (true) WITH CHECK (true);
CREATE POLICY jobs_definer ON jobs FOR SELECT TO cl_definer
    USING (current_user = 'cl_definer');
-- A cancel changes the status and its bookkeeping, never the kind or the requester.
REVOKE UPDATE ON jobs FROM cl_app;
GRANT UPDATE (status, finished_at, locked_by, locked_until, stage, version) ON jobs TO cl_app;

ALTER TABLE artifacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE artifacts FORCE ROW LEVEL SECURITY;
CREATE POLICY artifacts_worker ON artifacts TO cl_worker USING (true) WITH CHECK (true);
CREATE POLICY artifacts_definer ON artifacts FOR SELECT TO cl_definer
    USING (current_user = 'cl_definer');
CREATE POLICY artifacts_purge ON artifacts FOR DELETE TO cl_definer
    USING (current_user = 'cl_definer');
-- cl_definer reads jobs for job_queue_counts (schema/functions/jobs.sql).
GRANT SELECT ON jobs TO cl_definer;
