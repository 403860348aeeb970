-- The change feed (api/feed.c, DESIGN §5): the change log every feed list reads, the triggers
-- that fill it, and the reading of one list's changes since a token. Which tables are logged
-- and how each list renders its rows: the registries feed_resources() and feed_lists(), below;
-- a new feed list is one row in each (its table's trigger follows from the first).
--
--   change_log_record()        a row trigger: appends the change of the row with its scope
--   change_log_reassigned()    a young person moved to another adviser: every row of theirs
--                              is logged again, for the adviser whose view they left
--   change_horizon()           the position below which every transaction has finished
--   change_in(by, alias)       the condition that a change belongs to a nested list
--   change_feed(...)           the changes a caller may know of, after a position, each row once
--   change_start()             the position a client starts from after reading a whole list
--   change_list(...)           a page of a feed: each change as the list's item or a tombstone

-- ---- the registries ----------------------------------------------------------------------------

-- feed_resources(): each table whose rows the change log records, and how a row is scoped:
--   source               the table
--   id_column            its key (a uuid, or a text code for the two catalogues keyed by code)
--   care_leaver_column   the young person the row is about ('id' for care_leavers itself)
--   partner_column       the partner the row belongs to, for a partner's feed
--   partner_of_parent    else a query of the partner given the row's parent ($1), when it is
--                        the parent's (a referral to an opportunity, a delivery of a
--                        subscription)
--   parent_column        the parent a nested list hangs under (its change_log.parent_id)
CREATE FUNCTION feed_resources()
RETURNS TABLE (resource text, source text, id_column text, care_leaver_column text,
               partner_column text, partner_of_parent text, parent_column text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES
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
        ('participation_event', 'participation_events', 'id', NULL, NULL, NULL, 'body_id')
$$;

-- feed_lists(): each list route that answers updated_since (api/feed.c names it), over one
-- resource:
--   item          the list's item for row x, as the list renders it ($7: the list's argument,
--                 such as the casework days, as text)
--   nested_by     how the list is nested: under a care leaver (change_log.care_leaver_id), under
--                 its resource's parent (parent_id), or an adviser's own (their care leavers',
--                 or recorded for them: change_log.adviser_id); NULL for a top-level list
--   parent_check  the statement that answers the list's own 404 for a parent ($1) the caller
--                 may not read
--   member        whether row x is in the list, beyond row-level security ($3: the parent);
--                 a row the caller reads that is not (any longer) in it is a tombstone
CREATE FUNCTION feed_lists()
RETURNS TABLE (list text, resource text, item text, nested_by text, parent_check text,
               member text)
LANGUAGE sql IMMUTABLE AS $$
    VALUES
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
                          ''participation body'')', NULL)
$$;

-- ---- recording ---------------------------------------------------------------------------------

-- Appends one change of the row that fired. TG_ARGV[0]: the resource (feed_resources()); then,
-- optionally, 'staff' (a change the partner must not learn of, logged without its partner),
-- 'id=<column>' (the row's key under another name: the read model's care_leaver_id) or
-- 'partner=<column>' (the partner it is logged for, where the registry names none: a party to
-- a protocol, who sees the protocol from when it is made a party until it is removed). The scope
-- logged: the row's young person, partner and parent, as the registry names them. An update
-- that takes a row from one partner to another logs it for the old one too, so the row leaves
-- the old partner's copy as a tombstone. SECURITY DEFINER: every writer logs, whatever it may
-- read of change_log.
CREATE FUNCTION change_log_record() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    r jsonb := to_jsonb(CASE WHEN TG_OP = 'DELETE' THEN OLD ELSE NEW END);
    f record;
    v_key text;
    v_partner_col text;
    v_staff boolean := false;
    v_parent uuid;
    v_partner uuid;
    v_old uuid;
BEGIN
    SELECT * INTO STRICT f FROM feed_resources() x WHERE x.resource = TG_ARGV[0];
    v_key := f.id_column;
    v_partner_col := f.partner_column;
    FOR i IN 1 .. TG_NARGS - 1 LOOP
        IF TG_ARGV[i] = 'staff' THEN
            v_staff := true;
        ELSIF TG_ARGV[i] LIKE 'id=%' THEN
            v_key := substr(TG_ARGV[i], 4);
        ELSIF TG_ARGV[i] LIKE 'partner=%' THEN
            v_partner_col := substr(TG_ARGV[i], 9);
        END IF;
    END LOOP;
    v_parent := (r->>f.parent_column)::uuid;
    IF v_staff THEN
        v_partner := NULL;
    ELSIF v_partner_col IS NOT NULL THEN
        v_partner := (r->>v_partner_col)::uuid;
        IF TG_OP = 'UPDATE' THEN
            v_old := (to_jsonb(OLD)->>v_partner_col)::uuid;
        END IF;
    ELSIF f.partner_of_parent IS NOT NULL AND v_parent IS NOT NULL THEN
        EXECUTE f.partner_of_parent INTO v_partner USING v_parent;
    END IF;
    INSERT INTO change_log (resource, resource_id, op, partner_id, care_leaver_id, parent_id)
    VALUES (f.resource, r->>v_key, lower(TG_OP), v_partner,
            (r->>CASE WHEN f.care_leaver_column = f.id_column THEN v_key
                      ELSE f.care_leaver_column END)::uuid,
            v_parent);
    IF v_old IS DISTINCT FROM v_partner AND v_old IS NOT NULL THEN
        INSERT INTO change_log (resource, resource_id, op, partner_id, care_leaver_id, parent_id)
        VALUES (f.resource, r->>v_key, 'update', v_old, NULL, v_parent);
    END IF;
    RETURN NULL;
END
$$;

-- A young person given to another adviser, or to one for the first time
-- (care_leavers.adviser_id): each row of theirs in a registered table is logged once more with
-- the adviser they leave (change_log.adviser_id, NULL when none), whose feeds then show them as
-- tombstones, and with their young person and partner, so that the new adviser reads rows
-- whose last change came before their token (and a partner whose view names the adviser reads
-- the change).
CREATE FUNCTION change_log_reassigned() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT * FROM feed_resources() x WHERE x.care_leaver_column IS NOT NULL
             ORDER BY x.resource LOOP
        EXECUTE format(
            'INSERT INTO change_log (resource, resource_id, op, partner_id, care_leaver_id,
                                     parent_id, adviser_id)
             SELECT $1, x.%I::text, ''update'', %s, $2, %s, $3 FROM %I x WHERE x.%I = $2',
            f.id_column,
            CASE WHEN f.partner_column IS NULL THEN 'NULL::uuid'
                 ELSE format('x.%I', f.partner_column) END,
            CASE WHEN f.parent_column IS NULL THEN 'NULL::uuid'
                 ELSE format('x.%I', f.parent_column) END,
            f.source, f.care_leaver_column)
        USING f.resource, NEW.id, OLD.adviser_id;
    END LOOP;
    RETURN NULL;
END
$$;

-- The logged tables: every registered one, by one trigger each, but partner notifications,
-- whose partner's feed shows a notification made and acknowledged, never matched (a match would
-- tell it that the person is a care leaver), while the adviser's feed shows the match. A care
-- leaver's representation also shows the read model's row (care_leaver_state, kept in the same
-- transaction as every write that changes it: contacts, episodes, plans, events), so a change
-- of that row is a change of the care leaver.
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT * FROM feed_resources() x WHERE x.resource <> 'partner_notification' LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT OR UPDATE OR DELETE ON %I FOR EACH ROW '
                       'EXECUTE FUNCTION change_log_record(%L)',
                       f.source || '_change_log', f.source, f.resource);
    END LOOP;
END
$$;
CREATE TRIGGER care_leaver_state_change_log AFTER INSERT OR UPDATE OR DELETE ON care_leaver_state
    FOR EACH ROW EXECUTE FUNCTION change_log_record('care_leaver', 'id=care_leaver_id');
CREATE TRIGGER care_leavers_reassigned AFTER UPDATE OF adviser_id ON care_leavers
    FOR EACH ROW WHEN (OLD.adviser_id IS DISTINCT FROM NEW.adviser_id)
    EXECUTE FUNCTION change_log_reassigned();
-- A partner made a party to a protocol reads it from then on, and one removed no longer does:
-- the change of its parties is a change of the protocol, for that partner.
CREATE TRIGGER housing_protocol_parties_change_log
    AFTER INSERT OR UPDATE OR DELETE ON housing_protocol_parties
    FOR EACH ROW EXECUTE FUNCTION change_log_record('housing_protocol', 'id=protocol_id',
                                                    'partner=partner_id');
CREATE TRIGGER partner_notifications_change_log AFTER INSERT OR DELETE ON partner_notifications
    FOR EACH ROW EXECUTE FUNCTION change_log_record('partner_notification');
CREATE TRIGGER partner_notifications_change_log_ack AFTER UPDATE ON partner_notifications
    FOR EACH ROW WHEN (OLD.acknowledged_at IS DISTINCT FROM NEW.acknowledged_at)
    EXECUTE FUNCTION change_log_record('partner_notification');
CREATE TRIGGER partner_notifications_change_log_match AFTER UPDATE ON partner_notifications
    FOR EACH ROW WHEN (OLD.care_leaver_id IS DISTINCT FROM NEW.care_leaver_id)
    EXECUTE FUNCTION change_log_record('partner_notification', 'staff');

-- ---- reading -----------------------------------------------------------------------------------

-- The position every transaction below which has finished: a change at or after it may still
-- be joined by one that commits later, so a feed stops short of it.
CREATE FUNCTION change_horizon() RETURNS xid8 LANGUAGE sql STABLE
    AS $$ SELECT pg_snapshot_xmin(pg_current_snapshot()) $$;

-- The condition that a change (alias a) belongs to a list nested by p_by (its nested_by in
-- feed_lists()) under the parent $3: the care leaver's, the parent's, or an adviser's (their young people's
-- now, or logged for them when one left them). Written into the query, so that each nesting
-- finds its changes by its own index.
CREATE FUNCTION change_in(p_by text, a text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_by
        WHEN 'care_leaver' THEN format('%1$I.care_leaver_id = $3', a)
        WHEN 'parent' THEN format('%1$I.parent_id = $3', a)
        WHEN 'adviser' THEN format('(%1$I.adviser_id = $3 OR %1$I.care_leaver_id IN '
                                   '(SELECT x.id FROM care_leavers x WHERE x.adviser_id = $3))', a)
        ELSE 'true' END
$$;

-- The changes of one resource after the position (p_tx, p_seq) (NULL: the beginning), in
-- commit-safe order (tx, seq): each resource id once, at its latest change, and only changes
-- of finished transactions (below change_horizon), of the list nested by p_by under p_parent.
-- Row-level security (change_log_scope) leaves the changes the caller may know of. scoped:
-- the change is logged for the caller's own view (their partner's, their young people's, or
-- all for those who see all), so a row it names that the caller no longer reads has left
-- their view: a tombstone. shared: a catalogue row's (no partner, no young person), whose
-- deletion is a tombstone for all, where a change the caller may not read is only left out.
CREATE FUNCTION change_feed(p_resource text, p_by text, p_parent uuid, p_tx xid8, p_seq bigint,
                            p_limit integer)
RETURNS TABLE (resource_id text, op text, tx xid8, seq bigint, scoped boolean,
               shared boolean)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN QUERY EXECUTE format(
        'SELECT c.resource_id, c.op, c.tx, c.seq,
                CASE WHEN cl_sees_all() THEN true
                     WHEN cl_role() = ''partner'' THEN c.partner_id IS NOT NULL
                     ELSE c.care_leaver_id IS NOT NULL OR c.adviser_id IS NOT NULL END,
                c.partner_id IS NULL AND c.care_leaver_id IS NULL AND c.adviser_id IS NULL
         FROM change_log c
         WHERE c.resource = $1 AND %s
           AND ($4 IS NULL OR (c.tx, c.seq) > ($4, $5))
           AND c.tx < change_horizon()
           AND NOT EXISTS (SELECT 1 FROM change_log d
                           WHERE d.resource = $1 AND d.resource_id = c.resource_id
                             AND (d.tx, d.seq) > (c.tx, c.seq) AND d.tx < change_horizon()
                             AND %s)
         ORDER BY c.tx, c.seq
         LIMIT $6', change_in(p_by, 'c'), change_in(p_by, 'd'))
        USING p_resource, p_by, p_parent, p_tx, p_seq, p_limit;
END
$$;

-- The position a client starts from after reading a whole list: every change of a transaction
-- that had finished when the list was read is in it.
CREATE FUNCTION change_start() RETURNS TABLE (tx xid8, seq bigint) LANGUAGE sql STABLE
    AS $$ SELECT change_horizon(), 0::bigint $$;

-- A page of the feed list p_list (feed_lists()) under p_parent (NULL for a top-level list;
-- the list's own 404 when the caller may not read it), p_arg the list's argument: for each
-- change, the row as the list shows it when the caller reads it and it is in the list, else a
-- tombstone {"id", "deleted": true} for a deleted row or one that left the caller's view (or
-- the list); other changes are left out. Rows: body, tx, seq, in order; the ids shown go into
-- one audit row, as the lists' own.
CREATE FUNCTION change_list(p_list text, p_parent uuid, p_arg text, p_tx xid8, p_seq bigint,
                            p_limit integer)
RETURNS TABLE (body text, tx text, seq text) LANGUAGE plpgsql AS $$
DECLARE
    l record;
    f record;
    c record;
    v_type text;
    ids text[] := '{}';
BEGIN
    SELECT * INTO l FROM feed_lists() x WHERE x.list = p_list;
    PERFORM cl_found(FOUND, 'feed list');
    SELECT * INTO STRICT f FROM feed_resources() x WHERE x.resource = l.resource;
    IF l.parent_check IS NOT NULL THEN
        EXECUTE l.parent_check USING p_parent;
    END IF;
    SELECT format_type(a.atttypid, a.atttypmod) INTO STRICT v_type
    FROM pg_attribute a WHERE a.attrelid = f.source::regclass AND a.attname = f.id_column;
    FOR c IN EXECUTE format(
        'SELECT ch.resource_id, ch.op, ch.tx, ch.seq, ch.scoped, ch.shared, r.item
         FROM change_feed($1, $2, $3, $4, $5, $6) ch
         LEFT JOIN LATERAL (SELECT %s AS item FROM %I x
                            WHERE x.%I = ch.resource_id::%s AND (%s)) r ON true
         ORDER BY ch.tx, ch.seq',
        l.item, f.source, f.id_column, v_type, coalesce(l.member, 'true'))
        USING f.resource, l.nested_by, p_parent, p_tx, p_seq, p_limit, p_arg LOOP
        body := CASE WHEN c.item IS NOT NULL THEN c.item
                     WHEN c.scoped OR (c.op = 'delete' AND c.shared)
                         THEN json_build_object('id', c.resource_id, 'deleted', true)::text END;
        IF body IS NOT NULL THEN
            tx := c.tx::text;
            seq := c.seq::text;
            ids := ids || c.resource_id;
            RETURN NEXT;
        END IF;
    END LOOP;
    PERFORM cl_audit('list', f.resource, p_parent, jsonb_build_object('ids', to_jsonb(ids)));
END
$$;
