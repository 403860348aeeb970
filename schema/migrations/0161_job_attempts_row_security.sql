-- job_attempts (who ran a job, when, and its error text) follows its job under row-level
-- security: the api sees and closes (on cancel) only the attempts of jobs its principal may
-- see (its policies, which call cl_job_visible, are in schema/functions/security.sql); the
-- worker keeps every attempt; cl_definer and the owner see none.
ALTER TABLE job_attempts ENABLE ROW LEVEL SECURITY;
ALTER TABLE job_attempts FORCE ROW LEVEL SECURITY;
CREATE POLICY job_attempts_worker ON job_attempts TO cl_worker USING (true) WITH CHECK (true);
-- A cancel closes an attempt; it never moves one to another job or worker.
REVOKE UPDATE ON job_attempts FROM cl_app;
GRANT UPDATE (finished_at, outcome) ON job_attempts TO cl_app;
