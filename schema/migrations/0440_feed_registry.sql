-- The change feed on every list a partner or an adviser reads (issue 23, item 4). The change
-- log (0280) named three resources in a CHECK and change_list rendered each in a CASE arm; the
-- resources and the lists now live in two registries, feed_resources() and feed_lists() in
-- schema/functions/change_feed.sql, read there with dynamic SQL.
--
-- The log names any registered resource instead of the fixed three (the trigger that writes it
-- takes the name from the registry); a text key (survey themes and Star editions are keyed by
-- code); the parent a nested list filters on; and, on a reassignment, the adviser whose view
-- the young person's rows left (their tombstones).
ALTER TABLE change_log DROP CONSTRAINT change_log_resource_check;
ALTER TABLE change_log ADD CONSTRAINT change_log_resource_check
    CHECK (resource ~ '^[a-z_]{1,60}$');
ALTER TABLE change_log ALTER COLUMN resource_id TYPE text;
ALTER TABLE change_log ADD COLUMN parent_id uuid, ADD COLUMN adviser_id uuid;
-- A change is shown only at its row's latest change (change_feed): found by the first index;
-- a nested list's changes by the other two (a care leaver's, a parent's), in order.
CREATE INDEX change_log_latest ON change_log (resource, resource_id, tx, seq);
CREATE INDEX change_log_care_leaver ON change_log (resource, care_leaver_id, tx, seq)
    WHERE care_leaver_id IS NOT NULL;
CREATE INDEX change_log_parent ON change_log (resource, parent_id, tx, seq)
    WHERE parent_id IS NOT NULL;

-- The reassignment's tombstones (change_log_reassigned) read the young person's rows of every
-- registered table; the trigger reads the partner of a row's parent.
GRANT SELECT ON pathway_plans, contacts, care_leaver_status_periods,
    care_leaver_allocation_periods, care_leaver_district_periods, contact_status_events,
    outreach_contacts, housing_referrals, partner_notifications, accommodation_episodes,
    eet_activities, eet_referrals, grant_payments, council_tax_statuses, statements,
    star_readings, participation_memberships, eet_opportunities, webhook_subscriptions
    TO cl_definer;
