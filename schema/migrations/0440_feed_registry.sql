-- The change feed on every list a partner or an adviser reads (issue 23, item 4). The change
-- log (0280) named three resources in a CHECK and change_list rendered each in a CASE arm; the
-- resources and the lists now live in two registries, so a new feed is one row in each (and
-- one trigger line in schema/functions/change_feed.sql), read there with dynamic SQL.
--
-- feed_resources: a table whose rows the change log records, and how a row is scoped:
--   source               the table
--   id_column            its key (a uuid, or a text code for the two catalogues keyed by code)
--   care_leaver_column   the young person the row is about ('id' for care_leavers itself)
--   partner_column       the partner the row belongs to, for a partner's feed
--   partner_of_parent    else a query of the partner given the row's parent ($1), when it is
--                        the parent's (a referral to an opportunity, a delivery of a
--                        subscription)
--   parent_column        the parent a nested list hangs under (its change_log.parent_id)
CREATE TABLE feed_resources (
    resource            text PRIMARY KEY CHECK (resource ~ '^[a-z_]{1,60}$'),
    source              text NOT NULL,
    id_column           text NOT NULL DEFAULT 'id',
    care_leaver_column  text,
    partner_column      text,
    partner_of_parent   text,
    parent_column       text
);

-- feed_lists: a list route that answers updated_since (api/feed.c names it), over one resource:
--   item          the list's item for row x, as the list renders it ($7: the list's argument,
--                 such as the casework days, as text)
--   nested_by     how the list is nested: under a care leaver (change_log.care_leaver_id), under
--                 its resource's parent (parent_id), or an adviser's own (their care leavers',
--                 or recorded for them: change_log.adviser_id); NULL for a top-level list
--   parent_check  the statement that answers the list's own 404 for a parent ($1) the caller
--                 may not read
--   member        whether row x is in the list, beyond row-level security ($3: the parent);
--                 a row the caller reads that is not (any longer) in it is a tombstone
CREATE TABLE feed_lists (
    list          text PRIMARY KEY CHECK (list ~ '^[a-z_]{1,40}$'),
    resource      text NOT NULL REFERENCES feed_resources (resource),
    item          text NOT NULL,
    nested_by     text CHECK (nested_by IN ('care_leaver', 'parent', 'adviser')),
    parent_check  text,
    member        text,
    CHECK ((nested_by IS NULL) = (parent_check IS NULL))
);

INSERT INTO feed_resources (resource, source, id_column, care_leaver_column, partner_column,
                            partner_of_parent, parent_column) VALUES
    ('care_leaver', 'care_leavers', 'id', 'id', NULL, NULL, NULL),
    ('pathway_plan', 'pathway_plans', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('contact', 'contacts', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('status_period', 'care_leaver_status_periods', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('allocation_period', 'care_leaver_allocation_periods', 'id', 'care_leaver_id', NULL, NULL,
     NULL),
    ('district_period', 'care_leaver_district_periods', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('contact_status_event', 'contact_status_events', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('outreach_contact', 'outreach_contacts', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('partner', 'partners', 'id', NULL, 'id', NULL, NULL),
    ('housing_protocol', 'housing_protocols', 'id', NULL, NULL, NULL, NULL),
    ('housing_commitment', 'housing_protocol_commitments', 'id', NULL, NULL, NULL, 'protocol_id'),
    ('housing_referral', 'housing_referrals', 'id', 'care_leaver_id', 'partner_id', NULL, NULL),
    ('partner_notification', 'partner_notifications', 'id', 'care_leaver_id', 'partner_id', NULL,
     NULL),
    ('webhook_subscription', 'webhook_subscriptions', 'id', NULL, 'partner_id', NULL, NULL),
    ('webhook_delivery', 'webhook_deliveries', 'id', NULL, NULL,
     'SELECT s.partner_id FROM webhook_subscriptions s WHERE s.id = $1', 'subscription_id'),
    ('accommodation_episode', 'accommodation_episodes', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('eet_activity', 'eet_activities', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('eet_opportunity', 'eet_opportunities', 'id', NULL, 'provider_id', NULL, NULL),
    ('eet_referral', 'eet_referrals', 'id', 'care_leaver_id', NULL,
     'SELECT o.provider_id FROM eet_opportunities o WHERE o.id = $1', 'opportunity_id'),
    ('entitlement', 'entitlements', 'id', NULL, NULL, NULL, NULL),
    ('grant_payment', 'grant_payments', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('council_tax_scheme', 'council_tax_schemes', 'id', NULL, NULL, NULL, NULL),
    ('council_tax_status', 'council_tax_statuses', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('survey_theme', 'survey_themes', 'code', NULL, NULL, NULL, NULL),
    ('survey', 'surveys', 'id', NULL, NULL, NULL, NULL),
    ('statement', 'statements', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('star_edition', 'star_editions', 'code', NULL, NULL, NULL, NULL),
    ('star_reading', 'star_readings', 'id', 'care_leaver_id', NULL, NULL, NULL),
    ('participation_body', 'participation_bodies', 'id', NULL, NULL, NULL, NULL),
    ('participation_membership', 'participation_memberships', 'id', 'care_leaver_id', NULL, NULL,
     'body_id'),
    ('participation_event', 'participation_events', 'id', NULL, NULL, NULL, 'body_id');

INSERT INTO feed_lists (list, resource, item, nested_by, parent_check, member) VALUES
    ('care_leavers', 'care_leaver',
     '(SELECT b.body FROM care_leaver_rep(x, current_date, $7::int) b)', NULL, NULL, NULL),
    ('adviser_inbox', 'partner_notification', 'partner_notification_json(x)', 'adviser',
     'SELECT cl_found((cl_role() IN (''manager'', ''admin'') OR $1 = cl_adviser_id())
                      AND EXISTS (SELECT 1 FROM advisers a WHERE a.id = $1), ''adviser'')',
     'EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id AND c.adviser_id = $3)'),
    ('pathway_plans', 'pathway_plan', 'pathway_plan_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('contacts', 'contact', 'contact_json(x, $7::int)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('status_periods', 'status_period', 'status_period_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('allocation_periods', 'allocation_period', 'allocation_period_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('district_periods', 'district_period', 'district_period_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('contact_status_events', 'contact_status_event', 'contact_status_event_json(x)',
     'care_leaver', 'SELECT care_leaver_for_nested($1, false)', NULL),
    ('outreach_contacts', 'outreach_contact', 'outreach_contact_json(x)', NULL, NULL,
     'cl_sees_all() OR EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                               AND cl_can_see_care_leaver(c.adviser_id, c.id))'),
    ('partners', 'partner', 'partner_json(x)', NULL, NULL, 'partner_visible(x.id)'),
    ('housing_protocols', 'housing_protocol', 'housing_protocol_json(x)', NULL, NULL,
     'housing_protocol_visible(x.id)'),
    ('housing_commitments', 'housing_commitment', 'housing_commitment_json(x)', 'parent',
     'SELECT cl_found(EXISTS (SELECT 1 FROM housing_protocols h
                              WHERE h.id = $1 AND housing_protocol_visible(h.id)),
                      ''housing protocol'')', NULL),
    ('housing_referrals', 'housing_referral', 'housing_referral_json(x)', NULL, NULL, NULL),
    ('partner_notifications', 'partner_notification', 'partner_notification_json(x)', NULL, NULL,
     NULL),
    ('webhook_subscriptions', 'webhook_subscription', 'webhook_subscription_json(x, false)', NULL,
     NULL, NULL),
    ('webhook_deliveries', 'webhook_delivery', 'webhook_delivery_json(x)', 'parent',
     'SELECT cl_found(EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = $1),
                      ''webhook subscription'')', NULL),
    ('accommodation', 'accommodation_episode', 'accommodation_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('eet_activities', 'eet_activity', 'eet_activity_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('eet_opportunities', 'eet_opportunity', 'eet_opportunity_json(x)', NULL, NULL,
     'eet_opportunity_visible(x.provider_id)'),
    ('opportunity_referrals', 'eet_referral', 'eet_referral_json(x)', 'parent',
     'SELECT cl_found(EXISTS (SELECT 1 FROM eet_opportunities o
                              WHERE o.id = $1 AND eet_opportunity_visible(o.provider_id)),
                      ''opportunity'')',
     'eet_referral_visible(x.care_leaver_id, x.opportunity_id)'),
    ('care_leaver_eet_referrals', 'eet_referral', 'eet_referral_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)',
     'eet_referral_visible(x.care_leaver_id, x.opportunity_id)'),
    ('entitlements', 'entitlement', 'entitlement_json(x)', NULL, NULL, NULL),
    ('grant_payments', 'grant_payment', 'grant_payment_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('council_tax_schemes', 'council_tax_scheme', 'council_tax_scheme_json(x)', NULL, NULL, NULL),
    ('council_tax_statuses', 'council_tax_status', 'council_tax_status_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('survey_themes', 'survey_theme', 'survey_theme_json(x)', NULL, NULL, NULL),
    ('surveys', 'survey', 'survey_json(x)', NULL, NULL, NULL),
    ('statements', 'statement', 'statement_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('star_editions', 'star_edition', 'star_edition_json(x)', NULL, NULL, NULL),
    ('star_readings', 'star_reading', 'star_reading_json(x)', 'care_leaver',
     'SELECT care_leaver_for_nested($1, false)', NULL),
    ('participation_bodies', 'participation_body', 'participation_body_json(x)', NULL, NULL, NULL),
    ('memberships', 'participation_membership', 'participation_membership_json(x)', 'parent',
     'SELECT cl_found(EXISTS (SELECT 1 FROM participation_bodies b WHERE b.id = $1),
                      ''participation body'')',
     'EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
              AND cl_can_see_care_leaver(c.adviser_id, c.id))'),
    ('participation_events', 'participation_event', 'participation_event_json(x)', 'parent',
     'SELECT cl_found(EXISTS (SELECT 1 FROM participation_bodies b WHERE b.id = $1),
                      ''participation body'')', NULL);

-- The log names a registered resource instead of the fixed three; a text key (survey themes
-- and Star editions are keyed by code); the parent a nested list filters on; and, on a
-- reassignment, the adviser whose view the young person's rows left (their tombstones).
ALTER TABLE change_log DROP CONSTRAINT change_log_resource_check;
ALTER TABLE change_log ADD CONSTRAINT change_log_resource_fkey
    FOREIGN KEY (resource) REFERENCES feed_resources (resource);
ALTER TABLE change_log ALTER COLUMN resource_id TYPE text;
ALTER TABLE change_log ADD COLUMN parent_id uuid, ADD COLUMN adviser_id uuid;
-- A change is shown only at its row's latest change (change_feed): found by the first index;
-- a nested list's changes by the other two (a care leaver's, a parent's), in order.
CREATE INDEX change_log_latest ON change_log (resource, resource_id, tx, seq);
CREATE INDEX change_log_care_leaver ON change_log (resource, care_leaver_id, tx, seq)
    WHERE care_leaver_id IS NOT NULL;
CREATE INDEX change_log_parent ON change_log (resource, parent_id, tx, seq)
    WHERE parent_id IS NOT NULL;

REVOKE ALL ON feed_resources, feed_lists FROM PUBLIC;
GRANT SELECT ON feed_resources, feed_lists TO cl_app, cl_definer, cl_worker;
-- The reassignment's tombstones (change_log_reassigned) read the young person's rows of every
-- registered table; the trigger reads the partner of a row's parent.
GRANT SELECT ON pathway_plans, contacts, care_leaver_status_periods,
    care_leaver_allocation_periods, care_leaver_district_periods, contact_status_events,
    outreach_contacts, housing_referrals, partner_notifications, accommodation_episodes,
    eet_activities, eet_referrals, grant_payments, council_tax_statuses, statements,
    star_readings, participation_memberships, eet_opportunities, webhook_subscriptions
    TO cl_definer;
