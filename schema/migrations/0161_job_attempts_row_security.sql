-- job_attempts (who ran a job, when, and its error text) follows its job: the api sees and
-- closes (on cancel) only the attempts of jobs its principal may see (0160); the worker keeps
-- every attempt; cl_definer and the owner see none.
ALTER TABLE job_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY job_attempts_scope ON job_attempts FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = job_attempts.job_id AND cl_job_visible(j.kind, j.created_role)));
CREATE POLICY job_attempts_cancel ON job_attempts FOR UPDATE TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = job_attempts.job_id AND cl_job_visible(j.kind, j.created_role)));
CREATE POLICY job_attempts_worker ON job_attempts TO cl_worker USING (true) WITH CHECK (true);
-- A cancel closes an attempt; it never moves one to another job or worker.
REVOKE UPDATE ON job_attempts FROM cl_app;
GRANT UPDATE (finished_at, outcome) ON job_attempts TO cl_app;
