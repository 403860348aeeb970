-- The read model (issue 19): one maintained row per care leaver with the stored facts its
-- representation needs, and list pages audited by one row naming every id they returned.
--
-- care_leaver_state is kept by the triggers of schema/functions/read_model.sql in the same
-- transaction as every write that changes it, and rebuilt whole from the source tables
-- whenever the functions are re-applied (the rule that derives it may have changed). It holds
-- dates and episodes, never a date-dependent answer: age, in touch and overdue are computed
-- at read time from these dates by the rule functions of schema/functions.
--
--   adviser_id, district, category   copies of the care_leavers row's current values: the
--                                    scope (who may read the row) is decided from them alone
--   last_contact_on                  the latest successful contact
--   last_visit_on                    the latest successful statutory visit
--   event_status, event_on           the contact-status event that decides (a death first,
--                                    then the latest), as cl_contact_status_in orders them
--   events_until                     the latest day any contact-status event applied from
--   plan_started_on, plan_reviewed_on
--                                    the latest non-draft pathway plan version
--   accommodation_*, activity_*      the latest-started accommodation and EET episodes: their
--                                    dates, and their representation (accommodation_json,
--                                    eet_activity_json) but for "current", which depends on
--                                    the day it is read
--   horizon                          the latest of the days above that decide which row
--                                    counts: a read on a day before it (a record dated ahead)
--                                    computes the facts from the source tables instead
CREATE TABLE care_leaver_state (
    care_leaver_id   uuid PRIMARY KEY REFERENCES care_leavers (id) ON DELETE CASCADE,
    adviser_id       uuid,
    district         text NOT NULL,
    category         text NOT NULL,
    last_contact_on  date,
    last_visit_on    date,
    event_status     text,
    event_on         date,
    events_until     date,
    plan_started_on  date,
    plan_reviewed_on date,
    accommodation_started_on date,
    accommodation_ended_on   date,
    accommodation    jsonb,
    activity_started_on      date,
    activity_ended_on        date,
    activity         jsonb,
    horizon          date
);
CREATE INDEX care_leaver_state_adviser ON care_leaver_state (adviser_id);

ALTER TABLE care_leaver_state ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_state FORCE ROW LEVEL SECURITY;
REVOKE ALL ON care_leaver_state FROM PUBLIC;
-- The api reads it (its policy is in schema/functions/security.sql); only the SECURITY
-- DEFINER upkeep (cl_definer) writes it; the worker reads every row.
GRANT SELECT ON care_leaver_state TO cl_app, cl_worker;
GRANT SELECT, INSERT, UPDATE, DELETE ON care_leaver_state TO cl_definer;
CREATE POLICY care_leaver_state_worker ON care_leaver_state FOR SELECT TO cl_worker USING (true);
CREATE POLICY care_leaver_state_definer ON care_leaver_state TO cl_definer
    USING (current_user = 'cl_definer') WITH CHECK (current_user = 'cl_definer');

-- The upkeep reads every source row whoever wrote (a partner's EET transition included).
GRANT SELECT ON care_leavers, contacts, contact_status_events, pathway_plans,
    accommodation_episodes, eet_activities, ssda903_activities TO cl_definer;

-- A list page is audited by one row: resource_ids names every care leaver the page returned
-- (resource_id stays NULL). "Who saw person X" asks resource_id = X or resource_ids @> {X}.
ALTER TABLE audit_log ADD COLUMN resource_ids uuid[];
CREATE INDEX audit_log_resource_ids ON audit_log USING gin (resource_ids)
    WHERE resource_ids IS NOT NULL;
