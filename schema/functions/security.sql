-- Who may do what, applied last (every function it names exists by then):
--   * the row-level security policies of the api's role, cl_app: which rows of each person
--     table the principal of the transaction reaches (scope.sql's helpers decide) and may
--     write. The policies of cl_worker and cl_definer call no function and stay with their
--     tables in the migrations; every table with row-level security has it forced;
--   * the SECURITY DEFINER functions: owned by cl_definer (which reads, and writes nothing but
--     what 0001_baseline grants it), EXECUTE revoked from PUBLIC and granted to the roles that
--     call them. The owner has no policy of its own, so as the owner such a function would
--     read no row of a table with row-level security.

-- ---- row-level security for the api ---------------------------------------------------------

CREATE POLICY care_leavers_scope ON care_leavers TO cl_app
    USING (cl_sees_all() OR (cl_role() = 'adviser' AND adviser_id = (SELECT cl_adviser_id())))
    WITH CHECK (cl_sees_all() OR (cl_role() = 'adviser' AND adviser_id = cl_adviser_id()));

-- The read model's row (read_model.sql) carries its care leaver's adviser, so its scope is
-- decided from the row itself, as care_leavers_scope decides it, with no probe of
-- care_leavers; only the upkeep (cl_definer) writes it. The active adviser of the principal
-- (cl_adviser_id, a look-up) is a sub-select, so it is found once per statement.
CREATE POLICY care_leaver_state_scope ON care_leaver_state FOR SELECT TO cl_app
    USING (cl_sees_all() OR (cl_role() = 'adviser' AND adviser_id = (SELECT cl_adviser_id())));

-- A row hanging off a care leaver is reachable exactly when its care leaver is
-- (care_leavers_scope), and written by managers, administrators and the care leaver's own
-- adviser. Reading, the scope is decided once per statement, not per row: the roles that see
-- all, or the adviser's caseload from the read model (cl_caseload, read_model.sql), a
-- sub-select the planner runs once and hashes; the write checks' sub-selects are written inline rather than through
-- a function so the planner keeps them in the query (a SQL function holding a sub-select
-- would be planned again on every call).
CREATE POLICY pathway_plans_scope ON pathway_plans TO cl_app
    USING (cl_sees_all() OR pathway_plans.care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = pathway_plans.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY contacts_scope ON contacts TO cl_app
    USING (cl_sees_all() OR contacts.care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contacts.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY contact_status_events_scope ON contact_status_events TO cl_app
    USING (cl_sees_all() OR contact_status_events.care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contact_status_events.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY outreach_contacts_scope ON outreach_contacts TO cl_app
    USING (cl_sees_all() OR outreach_contacts.care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = outreach_contacts.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));

-- Visible when the care leaver is; written only by the roles that keep a care leaver's
-- records.
CREATE POLICY accommodation_scope ON accommodation_episodes TO cl_app
    USING (cl_sees_all() OR care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
-- One partner arm: a referral to a partner's opportunity reaching `started` opens an activity
-- episode and ends a NEET one in the partner's own transaction (eet_referral_transition), so
-- the partner may touch the activity rows of a care leaver it has a live referral for. No
-- read function hands those rows to a partner (they all ask cl_can_see_care_leaver first).
CREATE POLICY eet_activities_scope ON eet_activities TO cl_app
    USING ((cl_sees_all() OR care_leaver_id IN (SELECT cl_caseload()))
           OR (cl_role() = 'partner' AND cl_partner_sees_care_leaver(care_leaver_id)))
    WITH CHECK ((cl_role() IN ('adviser', 'manager', 'admin')
                 AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
                OR (cl_role() = 'partner' AND cl_partner_sees_care_leaver(care_leaver_id)));
CREATE POLICY eet_referrals_scope ON eet_referrals TO cl_app
    USING (CASE WHEN cl_role() = 'partner'
                THEN EXISTS (SELECT 1 FROM eet_opportunities o
                             WHERE o.id = opportunity_id AND o.provider_id = cl_org_id())
                ELSE (cl_sees_all() OR care_leaver_id IN (SELECT cl_caseload())) END)
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin', 'partner')
                AND CASE WHEN cl_role() = 'partner'
                         THEN EXISTS (SELECT 1 FROM eet_opportunities o
                                      WHERE o.id = opportunity_id AND o.provider_id = cl_org_id())
                         ELSE EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id)
                    END);
CREATE POLICY eet_referral_events_scope ON eet_referral_events TO cl_app
    USING (EXISTS (SELECT 1 FROM eet_referrals r WHERE r.id = referral_id))
    WITH CHECK (EXISTS (SELECT 1 FROM eet_referrals r WHERE r.id = referral_id));
CREATE POLICY grant_payments_scope ON grant_payments TO cl_app
    USING (cl_sees_all() OR care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY grant_balances_scope ON grant_balances TO cl_app
    USING (cl_sees_all() OR care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY housing_referrals_scope ON housing_referrals TO cl_app
    USING (housing_referral_visible(partner_id, care_leaver_id))
    WITH CHECK (housing_referral_visible(partner_id, care_leaver_id));
CREATE POLICY housing_protocol_breaches_scope ON housing_protocol_breaches TO cl_app
    USING (cl_sees_all()) WITH CHECK (cl_role() IN ('manager', 'admin'));

-- Jobs and artifacts: a role sees the kinds it may request (job_kind_roles, cl_job_visible),
-- requests only as itself, cancels only what it sees; artifacts follow their job.
CREATE POLICY jobs_scope ON jobs FOR SELECT TO cl_app
    USING (cl_job_visible(kind, created_role));
CREATE POLICY jobs_request ON jobs FOR INSERT TO cl_app
    WITH CHECK (created_by = cl_sub() AND created_role = cl_role()
                AND cl_job_visible(kind, created_role));
CREATE POLICY jobs_cancel ON jobs FOR UPDATE TO cl_app
    USING (cl_job_visible(kind, created_role)) WITH CHECK (cl_job_visible(kind, created_role));
CREATE POLICY artifacts_scope ON artifacts FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = artifacts.job_id AND cl_job_visible(j.kind, j.created_role)));
-- A job's attempts (worker names, error text) follow their job too; a cancel closes them.
CREATE POLICY job_attempts_scope ON job_attempts FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = job_attempts.job_id AND cl_job_visible(j.kind, j.created_role)));
CREATE POLICY job_attempts_cancel ON job_attempts FOR UPDATE TO cl_app
    USING (EXISTS (SELECT 1 FROM jobs j
                   WHERE j.id = job_attempts.job_id AND cl_job_visible(j.kind, j.created_role)));

-- ---- SECURITY DEFINER functions ---------------------------------------------------------------

GRANT CREATE ON SCHEMA public TO cl_definer; -- ALTER ... OWNER needs it; revoked below
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO cl_definer', f.sig);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
    END LOOP;
END
$$;
REVOKE CREATE ON SCHEMA public FROM cl_definer;

-- The api's: what a partner may see (scope.sql), the principal check, the EET places taken,
-- the housing protocol figures, the outreach summary and the queue's counts for /metrics.
GRANT EXECUTE ON FUNCTION cl_partner_sees_via_eet(uuid), cl_partner_sees_via_housing(uuid),
    cl_partner_person(uuid), cl_principal_check(text, text, text), eet_places_taken(uuid),
    housing_protocol_figures(uuid, date, date), housing_protocol_breaches_in(uuid, date, date),
    outreach_contact_summary(date, date, integer), job_queue_counts(),
    care_leaver_state_refresh(uuid[]) TO cl_app;
-- The worker's: the Board report's housing protocol figures, the retention purge, and the
-- principal check of the transaction in which the schedule enqueues (worker/schedule.c).
GRANT EXECUTE ON FUNCTION housing_protocol_figures(uuid, date, date),
    housing_protocol_breaches_in(uuid, date, date), cl_purge_expired(integer),
    cl_principal_check(text, text, text) TO cl_worker;

-- The read model (read_model.sql) whole again from its source tables, now that its upkeep and
-- rebuild belong to cl_definer: the functions just applied may derive it differently.
SELECT care_leaver_state_rebuild();
