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
-- The service role writes contacts too: the import of historic ones (contact_create).
CREATE POLICY contacts_scope ON contacts TO cl_app
    USING (cl_sees_all() OR contacts.care_leaver_id IN (SELECT cl_caseload()))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contacts.care_leaver_id
                        AND (cl_can_write_care_leaver(c.adviser_id) OR cl_role() = 'service')));
-- The histories (history.sql) are written with their care leaver: by whoever may write it,
-- and by the trigger that keeps them in step with it (a write of care_leavers passed its own
-- policy first).
CREATE POLICY care_leaver_status_periods_scope ON care_leaver_status_periods TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY care_leaver_allocation_periods_scope ON care_leaver_allocation_periods TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY care_leaver_district_periods_scope ON care_leaver_district_periods TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
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
CREATE POLICY council_tax_statuses_scope ON council_tax_statuses TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY housing_referrals_scope ON housing_referrals TO cl_app
    USING (housing_referral_visible(partner_id, care_leaver_id))
    WITH CHECK (housing_referral_visible(partner_id, care_leaver_id));
CREATE POLICY housing_protocol_breaches_scope ON housing_protocol_breaches TO cl_app
    USING (cl_sees_all()) WITH CHECK (cl_role() IN ('manager', 'admin'));

-- The young person's voice (voice.sql). A named survey response is reachable when its care
-- leaver is, an anonymous one by managers and administrators only; answers and their themes
-- follow their response (an adviser enters an anonymous response's answers without reading
-- them back). Statements, Star readings, memberships and attendance follow their care leaver;
-- the service role (a MoMo-like app) may add statements.
CREATE POLICY survey_responses_scope ON survey_responses TO cl_app
    USING (CASE WHEN anonymous THEN cl_role() IN ('manager', 'admin')
                ELSE cl_role() IN ('adviser', 'manager', 'admin')
                     AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id) END)
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND (anonymous OR EXISTS (SELECT 1 FROM care_leavers c
                                          WHERE c.id = care_leaver_id
                                            AND cl_can_write_care_leaver(c.adviser_id))));
CREATE POLICY survey_answers_scope ON survey_answers TO cl_app
    USING (EXISTS (SELECT 1 FROM survey_responses r WHERE r.id = response_id))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin'));
CREATE POLICY survey_answer_themes_scope ON survey_answer_themes TO cl_app
    USING (EXISTS (SELECT 1 FROM survey_responses r WHERE r.id = response_id))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM survey_responses r WHERE r.id = response_id));
CREATE POLICY statements_scope ON statements TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = statements.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = statements.care_leaver_id
                        AND (cl_can_write_care_leaver(c.adviser_id) OR cl_role() = 'service')));
CREATE POLICY star_readings_scope ON star_readings TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = star_readings.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = star_readings.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY star_scores_scope ON star_scores TO cl_app
    USING (EXISTS (SELECT 1 FROM star_readings r WHERE r.id = reading_id))
    WITH CHECK (EXISTS (SELECT 1 FROM star_readings r WHERE r.id = reading_id));
CREATE POLICY participation_memberships_scope ON participation_memberships TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c
                   WHERE c.id = participation_memberships.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c
                        WHERE c.id = participation_memberships.care_leaver_id
                          AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY participation_attendance_scope ON participation_attendance TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c
                   WHERE c.id = participation_attendance.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c
                        WHERE c.id = participation_attendance.care_leaver_id
                          AND cl_can_write_care_leaver(c.adviser_id)));
-- Partner notifications (partner_notices.sql): a partner its own, an adviser those matched to
-- their caseload, managers, admins and services all; partners write their own, staff
-- acknowledge what they reach. Manager tasks: managers and admins; a partner's notification
-- raises one (written, never read, by the partner's transaction).
CREATE POLICY partner_notifications_scope ON partner_notifications TO cl_app
    USING (cl_sees_all()
           OR (cl_role() = 'partner' AND partner_id = cl_org_id())
           OR (cl_role() = 'adviser' AND care_leaver_id IS NOT NULL
               AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id)))
    WITH CHECK (cl_role() IN ('manager', 'admin')
                OR (cl_role() = 'partner' AND partner_id = cl_org_id())
                OR (cl_role() = 'adviser' AND EXISTS (
                        SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id))));
CREATE POLICY manager_tasks_scope ON manager_tasks TO cl_app
    USING (cl_role() IN ('manager', 'admin'))
    WITH CHECK (cl_role() IN ('manager', 'admin', 'partner'));
-- A protocol's commitments are read with the protocol and written by admins.
CREATE POLICY housing_protocol_commitments_scope ON housing_protocol_commitments TO cl_app
    USING (housing_protocol_visible(protocol_id)) WITH CHECK (cl_role() = 'admin');
-- The change log (change_feed.sql): the changes of the rows the caller reaches or reached. A
-- partner: those logged for it, and the unscoped ones (catalogue rows, neither a partner's nor
-- a young person's; whether the row is shown is its own table's policy). An adviser: their
-- caseload's, those logged for them when a young person left them, and the unscoped ones.
CREATE POLICY change_log_scope ON change_log FOR SELECT TO cl_app
    USING (cl_sees_all()
           OR (cl_role() = 'partner'
               AND (partner_id = cl_org_id() OR (partner_id IS NULL AND care_leaver_id IS NULL)))
           OR (cl_role() = 'adviser'
               AND (care_leaver_id IN (SELECT cl_caseload())
                    OR adviser_id = (SELECT cl_adviser_id())
                    OR (care_leaver_id IS NULL AND adviser_id IS NULL))));
-- Webhook subscriptions: a partner's own (which it alone writes); admins read them all. The
-- deliveries and their log follow their subscription.
CREATE POLICY webhook_subscriptions_scope ON webhook_subscriptions TO cl_app
    USING (cl_role() = 'admin' OR (cl_role() = 'partner' AND partner_id = cl_org_id()))
    WITH CHECK (cl_role() = 'partner' AND partner_id = cl_org_id());
CREATE POLICY webhook_deliveries_scope ON webhook_deliveries FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = subscription_id));
CREATE POLICY webhook_delivery_attempts_scope ON webhook_delivery_attempts FOR SELECT TO cl_app
    USING (EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.id = delivery_id));

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
-- Subject access exports: only their requester and administrators (records.sql).
CREATE POLICY artifacts_subject_access ON artifacts AS RESTRICTIVE FOR SELECT TO cl_app
    USING (records_artifact_downloadable(job_id));
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
    cl_partner_person(uuid), cl_principal_check(text, text, text, text), eet_places_taken(uuid),
    housing_protocol_figures(uuid, date, date), housing_protocol_breaches_in(uuid, date, date),
    outreach_contact_summary(date, date, integer), job_queue_counts(),
    care_leaver_state_refresh(uuid[]) TO cl_app;
-- Records (records.sql): marking a subject access export reviewed, an approved disposal.
GRANT EXECUTE ON FUNCTION subject_access_review(uuid), records_dispose(uuid) TO cl_app;
-- Records, the worker's: the subject access export, the nightly disposal list, the expiry of
-- subject access artifacts.
GRANT EXECUTE ON FUNCTION records_subject_access(uuid, uuid), records_list_due(date),
    records_purge_subject_access(integer) TO cl_worker;
-- The voice counts that cover responses, memberships and attendance the caller may not read.
GRANT EXECUTE ON FUNCTION survey_result_counts(uuid),
    participation_body_json(participation_bodies), participation_attendance_count(uuid)
    TO cl_app;
-- partner_notices.sql: the notification matcher, the partner's view of the adviser, the
-- commitment cases, and queueing webhook deliveries (replay, re-activation).
GRANT EXECUTE ON FUNCTION partner_notification_match(text, date), cl_partner_adviser(uuid),
    housing_commitment_cases(uuid, date, date), webhook_kick(uuid),
    webhook_queue(uuid, uuid, text, jsonb, uuid) TO cl_app;
-- The young person's own views and self-referral (me.sql).
GRANT EXECUTE ON FUNCTION me_profile(), me_adviser(), me_pathway_plan(),
    me_entitlements(text, text, integer), me_local_offer(), me_opportunities(text, text, integer),
    me_opportunity(uuid), me_referral_create(uuid, jsonb), me_statement_create(jsonb),
    me_statement(uuid), me_statements(text, text, integer) TO cl_app;
-- The worker's: the Board report's housing protocol figures, the retention purge, and the
-- principal check of the transaction in which the schedule enqueues (worker/schedule.c).
GRANT EXECUTE ON FUNCTION housing_protocol_figures(uuid, date, date),
    housing_protocol_breaches_in(uuid, date, date), cl_purge_expired(integer),
    cl_principal_check(text, text, text, text) TO cl_worker;

-- The read model (read_model.sql) whole again from its source tables, now that its upkeep and
-- rebuild belong to cl_definer: the functions just applied may derive it differently.
SELECT care_leaver_state_rebuild();
