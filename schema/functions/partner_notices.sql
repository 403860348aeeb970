-- Partners tell us first (api/partner_notices.c, api/webhooks.c; worker/webhooks.c): partner
-- notifications, their match to a young person or the managers' triage queue, the adviser's
-- inbox and the managers' tasks; webhook subscriptions, the deliveries the triggers queue and
-- their log; the notice a partner gave of a move (accommodation_notice_on). The change log the
-- feed lists read: change_feed.sql.

-- ---- partner notifications ---------------------------------------------------------------------

-- A partner sees what it sent and whether it was acknowledged, never whether or to whom it
-- was matched; staff see the match (care_leaver_id, null while in triage).
CREATE FUNCTION partner_notification_json(n partner_notifications) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cl_role() = 'partner' THEN json_build_object(
        'id', n.id, 'kind', n.kind, 'referral_id', n.referral_id, 'la_child_id', n.la_child_id,
        'date_of_birth', n.date_of_birth, 'occurred_on', n.occurred_on, 'details', n.details,
        'received_at', cl_ts(n.received_at), 'acknowledged_at', cl_ts(n.acknowledged_at),
        'version', n.version)
    ELSE json_build_object(
        'id', n.id, 'kind', n.kind, 'partner_id', n.partner_id,
        'partner_name', (SELECT p.name FROM partners p WHERE p.id = n.partner_id),
        'referral_id', n.referral_id, 'la_child_id', n.la_child_id,
        'date_of_birth', n.date_of_birth, 'care_leaver_id', n.care_leaver_id,
        'triage', n.care_leaver_id IS NULL, 'occurred_on', n.occurred_on,
        'details', n.details, 'received_at', cl_ts(n.received_at),
        'acknowledged_at', cl_ts(n.acknowledged_at), 'acknowledged_by', n.acknowledged_by,
        'version', n.version) END::text
$$;

-- The young person a partner names by la_child_id and date of birth, when both match and a
-- housing or EET referral was ever addressed to that partner for them; NULL otherwise (the
-- notification then goes to triage, and the partner is told nothing either way).
CREATE FUNCTION partner_notification_match(p_la_child_id text, p_dob date) RETURNS uuid
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.id FROM care_leavers c
    WHERE cl_role() = 'partner' AND cl_org_id() IS NOT NULL
      AND c.la_child_id = p_la_child_id AND c.date_of_birth = p_dob
      AND (EXISTS (SELECT 1 FROM housing_referrals r
                   WHERE r.care_leaver_id = c.id AND r.partner_id = cl_org_id())
           OR EXISTS (SELECT 1 FROM eet_referrals r
                      JOIN eet_opportunities o ON o.id = r.opportunity_id
                      WHERE r.care_leaver_id = c.id AND o.provider_id = cl_org_id()))
$$;

-- A partner's notification. With referral_id: a housing or EET referral addressed to the
-- partner (404 otherwise, nothing written: referral ids are the partner's own). With
-- la_child_id and date_of_birth: matched by partner_notification_match or left for triage,
-- answered alike. received_at is the server's clock. An emergency move or a bed-and-breakfast
-- placement raises a manager task.
CREATE FUNCTION partner_notification_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n partner_notifications;
    v_ref uuid := (p->>'referral_id')::uuid;
    v_cl uuid;
BEGIN
    IF cl_role() <> 'partner' OR cl_org_id() IS NULL THEN
        PERFORM cl_fail('CL404', 'no such partner');
    END IF;
    IF v_ref IS NOT NULL THEN
        -- Row-level security leaves only the referrals addressed to this partner.
        SELECT coalesce((SELECT r.care_leaver_id FROM housing_referrals r WHERE r.id = v_ref),
                        (SELECT r.care_leaver_id FROM eet_referrals r WHERE r.id = v_ref))
        INTO v_cl;
        PERFORM cl_found(v_cl IS NOT NULL, 'referral');
        IF p ? 'la_child_id' OR p ? 'date_of_birth' THEN
            PERFORM cl_fail_field('referral_id', 'name the young person by the referral or by '
                                  || 'la_child_id and date_of_birth, not both');
        END IF;
    ELSIF p->>'la_child_id' IS NULL OR p->>'date_of_birth' IS NULL THEN
        PERFORM cl_fail_field('referral_id', 'is required unless la_child_id and date_of_birth '
                              || 'are both given');
    ELSE
        v_cl := partner_notification_match(p->>'la_child_id', (p->>'date_of_birth')::date);
    END IF;
    INSERT INTO partner_notifications (partner_id, kind, referral_id, la_child_id, date_of_birth,
                                       care_leaver_id, occurred_on, details, created_by)
    VALUES (cl_org_id(), p->>'kind', v_ref, p->>'la_child_id', (p->>'date_of_birth')::date,
            v_cl, (p->>'occurred_on')::date, coalesce(p->>'details', ''), cl_sub())
    RETURNING * INTO n;
    IF n.kind IN ('emergency_move', 'b_and_b_placement') THEN
        INSERT INTO manager_tasks (kind, notification_id) VALUES (n.kind, n.id);
    END IF;
    PERFORM cl_audit('create', 'partner_notification', n.id);
    RETURN QUERY SELECT partner_notification_json(n), n.version, n.id;
END
$$;

CREATE FUNCTION partner_notification_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::partner_notifications, 'partner_notification', p_id,
                                      true);
END
$$;

-- The adviser (or a manager) has read it: the partner's subscription hears
-- notification.acknowledged. Acknowledging twice is a conflict.
CREATE FUNCTION partner_notification_acknowledge(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n partner_notifications := cl_patch_open(NULL::partner_notifications, p_id, NULL,
                                             'partner notification');
BEGIN
    IF n.acknowledged_at IS NOT NULL THEN
        PERFORM cl_fail('CL409', 'the notification has already been acknowledged');
    END IF;
    UPDATE partner_notifications x SET acknowledged_at = now(), acknowledged_by = cl_sub(),
           version = x.version + 1, updated_at = now()
    WHERE x.id = p_id RETURNING * INTO n;
    PERFORM cl_audit('update', 'partner_notification', n.id,
                     jsonb_build_object('fields', jsonb_build_array('acknowledged_at')));
    RETURN QUERY SELECT partner_notification_json(n), n.version, n.id;
END
$$;

-- A manager matches a notification in triage to a young person. The version the partner sees
-- does not move (nothing it sees changed).
CREATE FUNCTION partner_notification_match_to(p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n partner_notifications;
    v_cl uuid := (p->>'care_leaver_id')::uuid;
BEGIN
    SELECT * INTO n FROM partner_notifications x WHERE x.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'partner notification');
    IF n.care_leaver_id IS NOT NULL THEN
        PERFORM cl_fail('CL409', 'the notification is already matched');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = v_cl) THEN
        PERFORM cl_fail_field('care_leaver_id', 'is not a care leaver');
    END IF;
    UPDATE partner_notifications x SET care_leaver_id = v_cl, matched_by = cl_sub(),
           updated_at = now()
    WHERE x.id = p_id RETURNING * INTO n;
    PERFORM cl_audit('update', 'partner_notification', n.id,
                     jsonb_build_object('fields', jsonb_build_array('care_leaver_id')));
    RETURN QUERY SELECT partner_notification_json(n), n.version, n.id;
END
$$;

-- A page of notifications in the caller's scope, newest received first (keyset on
-- (received_at, id)); p_triage: only those not yet matched (managers' queue).
CREATE FUNCTION partner_notification_list(p_care_leaver uuid, p_kind text, p_triage boolean,
                                          p_adviser uuid, p_after_at text, p_after_id uuid,
                                          p_limit integer)
RETURNS TABLE (body text, k_at text, k_id text) LANGUAGE plpgsql AS $$
BEGIN
    IF cl_role() = 'partner' AND p_triage IS NOT NULL THEN
        PERFORM cl_fail_field('triage', 'is a filter for the leaving care service only');
    END IF;
    PERFORM cl_audit('list', 'partner_notification', coalesce(p_care_leaver, p_adviser));
    RETURN QUERY
        SELECT partner_notification_json(n), n.received_at::text, n.id::text
        FROM partner_notifications n
        WHERE (p_care_leaver IS NULL OR n.care_leaver_id = p_care_leaver)
          AND (p_kind IS NULL OR n.kind = p_kind)
          AND (p_triage IS NULL OR p_triage = (n.care_leaver_id IS NULL))
          AND (p_adviser IS NULL OR EXISTS (SELECT 1 FROM care_leavers c
                                            WHERE c.id = n.care_leaver_id
                                              AND c.adviser_id = p_adviser))
          AND (p_after_at IS NULL
               OR (n.received_at, n.id) < (p_after_at::timestamptz, p_after_id))
        ORDER BY n.received_at DESC, n.id DESC
        LIMIT p_limit;
END
$$;

-- GET /v1/advisers/{id}/inbox: the notifications about an adviser's caseload. An adviser reads
-- only their own (404 for another's); managers and admins any adviser's.
CREATE FUNCTION adviser_inbox(p_adviser uuid, p_after_at text, p_after_id uuid, p_limit integer)
RETURNS TABLE (body text, k_at text, k_id text) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT (cl_role() IN ('manager', 'admin') OR p_adviser = cl_adviser_id())
       OR NOT EXISTS (SELECT 1 FROM advisers a WHERE a.id = p_adviser) THEN
        PERFORM cl_fail('CL404', 'no such adviser');
    END IF;
    RETURN QUERY SELECT * FROM partner_notification_list(NULL, NULL, false, p_adviser,
                                                         p_after_at, p_after_id, p_limit);
END
$$;

CREATE FUNCTION manager_task_json(t manager_tasks) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'kind', t.kind, 'notification_id', t.notification_id,
        'care_leaver_id', n.care_leaver_id, 'partner_id', n.partner_id, 'status', t.status,
        'created_at', cl_ts(t.created_at), 'closed_at', cl_ts(t.closed_at),
        'closed_by', t.closed_by, 'close_note', t.close_note, 'version', t.version)::text
    FROM partner_notifications n WHERE n.id = t.notification_id
$$;

CREATE FUNCTION manager_task_list(p_status text, p_after_at text, p_after_id uuid,
                                  p_limit integer)
RETURNS TABLE (body text, k_at text, k_id text) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM cl_audit('list', 'manager_task', NULL);
    RETURN QUERY
        SELECT manager_task_json(t), t.created_at::text, t.id::text
        FROM manager_tasks t
        WHERE (p_status IS NULL OR t.status = p_status)
          AND (p_after_at IS NULL OR (t.created_at, t.id) < (p_after_at::timestamptz, p_after_id))
        ORDER BY t.created_at DESC, t.id DESC
        LIMIT p_limit;
END
$$;

-- A manager (or an admin: the roles that read tasks, held there by the manager_tasks policy)
-- closes a task with a note; who and when are the server's. p_version: If-Match (NULL: any).
-- Closing a closed task is a conflict.
CREATE FUNCTION manager_task_close(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    t manager_tasks;
BEGIN
    SELECT * INTO t FROM manager_tasks x WHERE x.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'manager task');
    PERFORM cl_if_match(p_version, t.version, 'manager task');
    IF t.status = 'closed' THEN
        PERFORM cl_fail('CL409', 'the task is already closed');
    END IF;
    IF btrim(coalesce(p->>'note', '')) = '' THEN
        PERFORM cl_fail_field('note', 'closing a task needs a note');
    END IF;
    UPDATE manager_tasks x SET status = 'closed', closed_at = now(), closed_by = cl_sub(),
           close_note = p->>'note', version = x.version + 1, updated_at = now()
    WHERE x.id = p_id RETURNING * INTO t;
    PERFORM cl_audit('close', 'manager_task', t.id, jsonb_build_object('to', 'closed'));
    RETURN QUERY SELECT manager_task_json(t), t.version, t.id;
END
$$;

-- ---- the notice of a move ----------------------------------------------------------------------

-- The day the council heard of a move: the earliest of the day it was told by other means
-- (council_notified_on) and the day the server received a move notification from the partner
-- that placed it about that young person, from 90 days before the move to 90 days after, each
-- day the council's (cl_la_date). NULL: never told. accommodation_notice is the rule as a
-- table function of one row, which the planner inlines into a query that joins it LATERAL
-- (one index probe per episode, where a call of the scalar accommodation_notice_on, an SQL
-- function with a sub-select that is never inlined, is planned again each time).
CREATE FUNCTION accommodation_notice(e accommodation_episodes) RETURNS TABLE (notice_on date)
LANGUAGE sql STABLE AS $$
    SELECT least(e.council_notified_on, min(cl_la_date(n.received_at)))
    FROM partner_notifications n
    WHERE n.care_leaver_id = e.care_leaver_id AND n.partner_id = e.provider_id
      AND n.kind IN ('move_planned', 'emergency_move', 'b_and_b_placement')
      AND cl_la_date(n.received_at) BETWEEN e.started_on - 90 AND e.started_on + 90
$$;

CREATE FUNCTION accommodation_notice_on(e accommodation_episodes) RETURNS date
LANGUAGE sql STABLE AS $$
    SELECT x.notice_on FROM accommodation_notice(e) x
$$;

-- ---- the partner's view of the allocated adviser -----------------------------------------------

-- Whom a partner calls about a young person referred to it: the allocated adviser's name and
-- work email, while a live referral to it exists; no row otherwise.
CREATE FUNCTION cl_partner_adviser(p_care_leaver uuid) RETURNS TABLE (name text, email text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT a.name, a.email FROM care_leavers c JOIN advisers a ON a.id = c.adviser_id
    WHERE c.id = p_care_leaver AND cl_partner_sees_care_leaver(c.id)
$$;

-- ---- commitments as rows -----------------------------------------------------------------------

CREATE FUNCTION housing_commitment_json(k housing_protocol_commitments) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', k.id, 'protocol_id', k.protocol_id, 'kind', k.kind, 'target', k.target,
        'district', k.district, 'partner_kind', k.partner_kind, 'partner_id', k.partner_id,
        'description', k.description, 'created_at', cl_ts(k.created_at))::text
$$;

-- A commitment row of a protocol still in draft or consultation.
CREATE FUNCTION housing_commitment_create(p_protocol uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
    k housing_protocol_commitments;
BEGIN
    SELECT * INTO h FROM housing_protocols x WHERE x.id = p_protocol FOR UPDATE;
    PERFORM cl_found(FOUND, 'housing protocol');
    IF h.status NOT IN ('draft', 'consultation') THEN
        PERFORM cl_fail('CL409', 'commitments change only while the protocol is a draft or in '
                        || 'consultation');
    END IF;
    IF p->>'partner_id' IS NOT NULL AND NOT EXISTS (
           SELECT 1 FROM partners x WHERE x.id = (p->>'partner_id')::uuid) THEN
        PERFORM cl_fail_field('partner_id', 'is not a partner');
    END IF;
    IF p->>'partner_id' IS NOT NULL AND p->>'partner_kind' IS NOT NULL THEN
        PERFORM cl_fail_field('partner_kind', 'name a partner or a kind of partner, not both');
    END IF;
    IF p->>'kind' = 'bnb_under_18' AND (p->>'target')::int <> 0 THEN
        PERFORM cl_fail_field('target', 'is 0 for bnb_under_18');
    END IF;
    INSERT INTO housing_protocol_commitments (protocol_id, kind, target, district, partner_kind,
                                              partner_id, description)
    VALUES (p_protocol, p->>'kind', (p->>'target')::int, p->>'district', p->>'partner_kind',
            (p->>'partner_id')::uuid, coalesce(p->>'description', ''))
    RETURNING * INTO k;
    PERFORM cl_audit('create', 'housing_protocol_commitment', k.id);
    RETURN QUERY SELECT housing_commitment_json(k), NULL::integer, k.id;
END
$$;

CREATE FUNCTION housing_commitment_get(p_protocol uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    k housing_protocol_commitments;
BEGIN
    SELECT * INTO k FROM housing_protocol_commitments x
    WHERE x.protocol_id = p_protocol AND x.id = p_id;
    PERFORM cl_found(FOUND, 'commitment');
    RETURN QUERY SELECT housing_commitment_json(k), NULL::integer, k.id;
END
$$;

CREATE FUNCTION housing_commitment_list(p_protocol uuid, p_after_id uuid, p_limit integer)
RETURNS TABLE (body text, k_id text) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM housing_protocols h
                   WHERE h.id = p_protocol AND housing_protocol_visible(h.id)) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    RETURN QUERY
        SELECT housing_commitment_json(k), k.id::text FROM housing_protocol_commitments k
        WHERE k.protocol_id = p_protocol AND (p_after_id IS NULL OR k.id > p_after_id)
        ORDER BY k.id LIMIT p_limit;
END
$$;

-- Every case each commitment row of p_protocol covers in [p_from, p_to], with the partner and
-- district it falls to and whether it met the commitment (NULL: not decided yet, e.g. a
-- referral still within its time). A case is in a row's district when the young person's
-- district (for a move: the episode's, else the young person's) is the row's, and with a row's
-- partner when the partner (or its kind) is the row's. Runs as the owner (every case, whatever
-- the caller may see); the callers aggregate.
CREATE FUNCTION housing_commitment_cases(p_protocol uuid, p_from date, p_to date)
RETURNS TABLE (commitment_id uuid, partner_id uuid, district text, case_id uuid, met boolean)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH k AS (SELECT * FROM housing_protocol_commitments WHERE protocol_id = p_protocol),
    cases AS (
        -- referrals made in the period: answered in time, and referred ahead of the 18th
        SELECT 'referral' AS what, r.id, r.partner_id, c.district, r.referred_on AS on_date,
               r.responded_on, c.date_of_birth, NULL::date AS ended_on, NULL::date AS notice_on
        FROM housing_referrals r JOIN care_leavers c ON c.id = r.care_leaver_id
        WHERE r.protocol_id = p_protocol AND r.referred_on BETWEEN p_from AND p_to
          AND r.outcome IS DISTINCT FROM 'withdrawn'
        UNION ALL
        -- moves placed by a partner begun in the period, and bed and breakfast overlapping it
        SELECT CASE WHEN e.code = 'W' THEN 'bnb' ELSE 'move' END, e.id, e.provider_id,
               coalesce(e.district, c.district), e.started_on, NULL, c.date_of_birth,
               e.ended_on, accommodation_notice_on(e)
        FROM accommodation_episodes e JOIN care_leavers c ON c.id = e.care_leaver_id
        WHERE e.provider_id IS NOT NULL
          AND ((e.placed_by = 'partner' AND e.started_on BETWEEN p_from AND p_to)
               OR (e.code = 'W' AND daterange(e.started_on, e.ended_on)
                                    && daterange(p_from, p_to + 1))))
    SELECT k.id, cases.partner_id, cases.district, cases.id,
           CASE k.kind
               WHEN 'response_working_days' THEN
                   CASE WHEN cases.responded_on IS NOT NULL
                        THEN cl_working_days(cases.on_date, cases.responded_on) <= k.target
                        WHEN cl_working_days(cases.on_date, current_date) > k.target THEN false
                   END
               WHEN 'referral_lead_days' THEN
                   cases.on_date <= (cases.date_of_birth + interval '18 years')::date - k.target
               WHEN 'move_notice_days' THEN
                   coalesce(cases.notice_on <= cases.on_date - k.target, false)
               WHEN 'bnb_max_nights' THEN
                   coalesce(cases.ended_on, current_date) - cases.on_date <= k.target
               WHEN 'bnb_under_18' THEN
                   cases.on_date >= (cases.date_of_birth + interval '18 years')::date
           END
    FROM k JOIN cases ON CASE k.kind
            WHEN 'response_working_days' THEN cases.what = 'referral'
            WHEN 'referral_lead_days' THEN cases.what = 'referral'
            WHEN 'move_notice_days' THEN cases.what IN ('move', 'bnb')
                                         AND cases.on_date BETWEEN p_from AND p_to
                                         AND EXISTS (SELECT 1 FROM accommodation_episodes e
                                                     WHERE e.id = cases.id
                                                       AND e.placed_by = 'partner')
            ELSE cases.what = 'bnb' END
    JOIN partners p ON p.id = cases.partner_id
    WHERE (k.district IS NULL OR k.district = cases.district)
      AND (k.partner_id IS NULL OR k.partner_id = cases.partner_id)
      AND (k.partner_kind IS NULL OR k.partner_kind = p.kind)
$$;

-- Compliance per commitment row for [p_from, p_to] (default: the year to today): each row's
-- cases, met, not met and pending, overall, per partner and per district. A partner sees only
-- its own cases; the board and partners see no case ids.
CREATE FUNCTION housing_commitment_compliance(p_protocol uuid, p_from date, p_to date)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    v_to date := coalesce(p_to, current_date);
    v_from date := coalesce(p_from, (coalesce(p_to, current_date) - interval '1 year')::date + 1);
    v_partner uuid := CASE WHEN cl_role() = 'partner' THEN cl_org_id() END;
    v_rows json;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM housing_protocols h
                   WHERE h.id = p_protocol AND housing_protocol_visible(h.id)) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF v_from > v_to THEN
        PERFORM cl_fail_field('from', 'must not be after to');
    END IF;
    WITH c AS (SELECT * FROM housing_commitment_cases(p_protocol, v_from, v_to) x
               WHERE v_partner IS NULL OR x.partner_id = v_partner),
    g AS (
        SELECT c.commitment_id, c.partner_id, c.district,
               GROUPING(c.partner_id) AS gp, GROUPING(c.district) AS gd,
               count(*) AS cases, count(*) FILTER (WHERE c.met) AS met,
               count(*) FILTER (WHERE NOT c.met) AS not_met,
               count(*) FILTER (WHERE c.met IS NULL) AS pending
        FROM c
        GROUP BY GROUPING SETS ((c.commitment_id), (c.commitment_id, c.partner_id),
                                (c.commitment_id, c.district))),
    fig AS (
        SELECT g.*, json_build_object(
                   'cases', g.cases, 'met', g.met, 'not_met', g.not_met, 'pending', g.pending,
                   'met_pct', round(100.0 * g.met / nullif(g.met + g.not_met, 0), 1)) AS j
        FROM g)
    SELECT coalesce(json_agg(json_build_object(
               'commitment', housing_commitment_json(k)::json,
               'total', coalesce((SELECT f.j FROM fig f WHERE f.commitment_id = k.id
                                    AND f.gp = 1 AND f.gd = 1),
                                 json_build_object('cases', 0, 'met', 0, 'not_met', 0,
                                                   'pending', 0, 'met_pct', NULL)),
               'by_partner', coalesce((SELECT json_agg(json_build_object(
                                          'partner_id', f.partner_id, 'name', p.name) ::jsonb
                                          || f.j::jsonb ORDER BY p.name, f.partner_id)
                                       FROM fig f JOIN partners p ON p.id = f.partner_id
                                       WHERE f.commitment_id = k.id AND f.gp = 0), '[]'),
               'by_district', coalesce((SELECT json_agg(json_build_object(
                                           'district', f.district)::jsonb || f.j::jsonb
                                           ORDER BY f.district)
                                        FROM fig f WHERE f.commitment_id = k.id AND f.gd = 0),
                                       '[]'))
               ORDER BY k.kind, k.district NULLS FIRST, k.id), '[]')
    INTO v_rows
    FROM housing_protocol_commitments k WHERE k.protocol_id = p_protocol;
    PERFORM cl_audit('read', 'housing_protocol_compliance', p_protocol,
                     jsonb_build_object('from', v_from, 'to', v_to, 'commitments', true));
    RETURN QUERY SELECT json_build_object('protocol_id', p_protocol, 'from', v_from, 'to', v_to,
                                          'as_of', current_date, 'commitments', v_rows)::text,
                        NULL::integer, p_protocol;
END
$$;

-- ---- webhooks ----------------------------------------------------------------------------------

-- The event kinds a subscription may ask for.
CREATE FUNCTION webhook_event_kinds() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['housing_referral.created', 'housing_referral.updated', 'eet_referral.updated',
                 'notification.acknowledged']
$$;

-- p_secret: the signing secret is shown once, in the answer to the POST that made it.
CREATE FUNCTION webhook_subscription_json(s webhook_subscriptions, p_secret boolean) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT (json_build_object(
        'id', s.id, 'partner_id', s.partner_id, 'url', s.url, 'events', to_json(s.events),
        'active', s.active, 'failing_since', cl_ts(s.failing_since), 'version', s.version,
        'created_at', cl_ts(s.created_at),
        'updated_at', cl_ts(s.updated_at))::jsonb
        || CASE WHEN p_secret THEN jsonb_build_object('secret', s.secret) ELSE '{}' END)::text
$$;

CREATE FUNCTION webhook_events_check(p jsonb) RETURNS text[] LANGUAGE plpgsql AS $$
DECLARE
    v text[];
BEGIN
    SELECT array_agg(DISTINCT e ORDER BY e) INTO v FROM jsonb_array_elements_text(p) e;
    IF v IS NULL OR NOT v <@ webhook_event_kinds() THEN
        PERFORM cl_fail_field('events', 'must be one or more of '
                              || array_to_string(webhook_event_kinds(), ', '));
    END IF;
    RETURN v;
END
$$;

-- A partner's subscription (the api has checked the URL: scheme and address). The secret is
-- 32 random bytes, whsec_ and base64 as the Standard Webhooks scheme writes it.
CREATE FUNCTION webhook_subscription_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s webhook_subscriptions;
BEGIN
    IF cl_role() <> 'partner' OR cl_org_id() IS NULL THEN
        PERFORM cl_fail('CL404', 'no such partner');
    END IF;
    INSERT INTO webhook_subscriptions (partner_id, url, events, secret, created_by)
    VALUES (cl_org_id(), p->>'url', webhook_events_check(p->'events'),
            'whsec_' || encode(decode(replace(gen_random_uuid()::text
                                              || gen_random_uuid()::text, '-', ''), 'hex'),
                               'base64'),
            cl_sub())
    RETURNING * INTO s;
    PERFORM cl_audit('create', 'webhook_subscription', s.id);
    RETURN QUERY SELECT webhook_subscription_json(s, true), s.version, s.id;
END
$$;

CREATE FUNCTION webhook_subscription_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s webhook_subscriptions;
BEGIN
    SELECT * INTO s FROM webhook_subscriptions x WHERE x.id = p_id;
    PERFORM cl_found(FOUND, 'webhook subscription');
    RETURN QUERY SELECT webhook_subscription_json(s, false), s.version, s.id;
END
$$;

CREATE FUNCTION webhook_subscription_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s webhook_subscriptions;
BEGIN
    SELECT * INTO s FROM webhook_subscriptions x WHERE x.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'webhook subscription');
    PERFORM cl_if_match(p_version, s.version, 'webhook subscription');
    UPDATE webhook_subscriptions x SET
        url = CASE WHEN p ? 'url' THEN p->>'url' ELSE x.url END,
        events = CASE WHEN p ? 'events' THEN webhook_events_check(p->'events') ELSE x.events END,
        active = CASE WHEN p ? 'active' THEN (p->>'active')::boolean ELSE x.active END,
        failing_since = CASE WHEN (p->>'active')::boolean THEN NULL ELSE x.failing_since END,
        version = x.version + 1, updated_at = now()
    WHERE x.id = p_id RETURNING * INTO s;
    PERFORM cl_audit_patch('webhook_subscription', s.id, p);
    -- Deliveries held back while it was inactive go out once it is active again.
    IF s.active THEN
        PERFORM webhook_kick(s.id);
    END IF;
    RETURN QUERY SELECT webhook_subscription_json(s, false), s.version, s.id;
END
$$;

-- Deleting a subscription deletes its queued deliveries and log; its feed shows a tombstone.
CREATE FUNCTION webhook_subscription_delete(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    DELETE FROM webhook_subscriptions x WHERE x.id = p_id;
    PERFORM cl_found(FOUND, 'webhook subscription');
    PERFORM cl_audit('delete', 'webhook_subscription', p_id);
    RETURN QUERY SELECT NULL::text, NULL::integer, p_id;
END
$$;

CREATE FUNCTION webhook_subscription_list(p_after_at text, p_after_id uuid, p_limit integer)
RETURNS TABLE (body text, k_at text, k_id text) LANGUAGE sql STABLE AS $$
    SELECT webhook_subscription_json(s, false), s.created_at::text, s.id::text
    FROM webhook_subscriptions s
    WHERE p_after_at IS NULL OR (s.created_at, s.id) > (p_after_at::timestamptz, p_after_id)
    ORDER BY s.created_at, s.id
    LIMIT p_limit
$$;

CREATE FUNCTION webhook_delivery_json(d webhook_deliveries) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'subscription_id', d.subscription_id, 'message_id', d.message_id,
        'event', d.event, 'payload', d.payload, 'status', d.status, 'attempts', d.attempts,
        'replay_of', d.replay_of, 'created_at', cl_ts(d.created_at),
        'delivered_at', cl_ts(d.delivered_at),
        'log', coalesce((SELECT json_agg(json_build_object(
                             'attempt', a.attempt, 'at', cl_ts(a.at),
                             'status_code', a.status_code, 'error', a.error,
                             'duration_ms', a.duration_ms) ORDER BY a.attempt)
                         FROM webhook_delivery_attempts a WHERE a.delivery_id = d.id), '[]'))::text
$$;

-- The delivery log of one subscription, newest first.
CREATE FUNCTION webhook_delivery_list(p_sub uuid, p_status text, p_after_seq text,
                                      p_limit integer)
RETURNS TABLE (body text, k_seq text) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = p_sub) THEN
        PERFORM cl_fail('CL404', 'no such webhook subscription');
    END IF;
    RETURN QUERY
        SELECT webhook_delivery_json(d), d.seq::text FROM webhook_deliveries d
        WHERE d.subscription_id = p_sub AND (p_status IS NULL OR d.status = p_status)
          AND (p_after_seq IS NULL OR d.seq < p_after_seq::bigint)
        ORDER BY d.seq DESC LIMIT p_limit;
END
$$;

CREATE FUNCTION webhook_delivery_get(p_sub uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    d webhook_deliveries;
BEGIN
    SELECT * INTO d FROM webhook_deliveries x WHERE x.id = p_id AND x.subscription_id = p_sub;
    PERFORM cl_found(FOUND, 'webhook delivery');
    RETURN QUERY SELECT webhook_delivery_json(d), NULL::integer, d.id;
END
$$;

-- Queues the worker job that sends a subscription's pending deliveries (one per transaction
-- and subscription is enough: the job sends everything pending, in order). SECURITY DEFINER:
-- the api's roles may not queue this kind themselves.
CREATE FUNCTION webhook_kick(p_sub uuid) RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    INSERT INTO jobs (id, kind, params, max_attempts, created_by, created_role, queue)
    SELECT gen_random_uuid(), 'webhook_delivery', jsonb_build_object('subscription_id', s.id),
           8, cl_sub(), cl_role(), s.queue
    FROM webhook_subscriptions s WHERE s.id = p_sub AND s.active
$$;

-- A partner asks for a message again: a new delivery with the same message id (webhook-id),
-- after everything already queued.
CREATE FUNCTION webhook_delivery_replay(p_sub uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    d webhook_deliveries;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM webhook_subscriptions s WHERE s.id = p_sub) THEN
        PERFORM cl_fail('CL404', 'no such webhook subscription');
    END IF;
    SELECT * INTO d FROM webhook_deliveries x WHERE x.id = p_id AND x.subscription_id = p_sub;
    PERFORM cl_found(FOUND, 'webhook delivery');
    d := webhook_queue(p_sub, d.message_id, d.event, d.payload, d.id);
    PERFORM cl_audit('request', 'webhook_delivery', d.id, jsonb_build_object('replay_of', p_id));
    RETURN QUERY SELECT webhook_delivery_json(d), NULL::integer, d.id;
END
$$;

-- Queues one delivery and its job. SECURITY DEFINER: the trigger's writer (an adviser, a
-- partner) reads no subscription and writes no delivery itself. For a failing subscription
-- (webhook_sweep) the delivery is logged as failed straight away: kept, replayable, not sent.
CREATE FUNCTION webhook_queue(p_sub uuid, p_message uuid, p_event text, p_payload jsonb,
                              p_replay_of uuid) RETURNS webhook_deliveries
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    d webhook_deliveries;
BEGIN
    INSERT INTO webhook_deliveries (subscription_id, message_id, event, payload, replay_of, status)
    SELECT p_sub, p_message, p_event, p_payload, p_replay_of,
           CASE WHEN s.failing_since IS NULL THEN 'pending' ELSE 'failed' END
    FROM webhook_subscriptions s WHERE s.id = p_sub
    RETURNING * INTO d;
    IF NOT EXISTS (SELECT 1 FROM webhook_deliveries x
                   WHERE x.subscription_id = p_sub AND x.tx = pg_current_xact_id()
                     AND x.id <> d.id) THEN
        PERFORM webhook_kick(p_sub);
    END IF;
    RETURN d;
END
$$;

-- One event for every active (or failing: logged, not sent) subscription of p_partner that
-- asked for it. The payload carries the kind and ids only, never personal data.
CREATE FUNCTION webhook_event(p_partner uuid, p_event text, p_id uuid) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    s uuid;
    m uuid := gen_random_uuid();
BEGIN
    FOR s IN SELECT x.id FROM webhook_subscriptions x
             WHERE x.partner_id = p_partner AND (x.active OR x.failing_since IS NOT NULL)
               AND p_event = ANY (x.events)
             ORDER BY x.id LOOP
        PERFORM webhook_queue(s, m, p_event, jsonb_build_object(
            'type', p_event, 'timestamp', cl_ts(now()), 'data', jsonb_build_object('id', p_id)),
            NULL);
    END LOOP;
END
$$;

-- The worker's sweep (worker/webhook_sweep.c), every WEBHOOK_SWEEP_S on every worker; one at
-- a time (a transaction lock), so however many workers run, a subscription gets one job:
-- 1. an active subscription whose oldest pending delivery has been failing for p_fail_after_s
--    (from its first attempt) and whose job is not running is marked failing: failing_since,
--    inactive (nothing later overtakes it), its pending deliveries 'failed'; pending ones that a
--    transaction queued for it meanwhile follow on the next sweep;
-- 2. an active subscription with deliveries ready to go (of finished transactions), no delivery
--    job queued or running (its own job's retries have run out, or it was lost) and no attempt
--    for p_retry_s gets one job of one attempt; the idempotency key (subscription and the
--    p_retry_s-long period) keeps it to one per period even when the job ends at once.
-- Returns how many subscriptions got a job and how many were marked failing.
CREATE FUNCTION webhook_sweep(p_retry_s integer, p_fail_after_s integer,
                              OUT queued integer, OUT failing integer)
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('webhook-sweep', 0));
    UPDATE webhook_subscriptions s SET active = false, failing_since = now(),
           version = s.version + 1, updated_at = now()
    WHERE s.active
      AND NOT EXISTS (SELECT 1 FROM jobs j
                      WHERE j.kind = 'webhook_delivery' AND j.status = 'running'
                        AND j.params->>'subscription_id' = s.id::text)
      AND (SELECT min(a.at) FROM webhook_delivery_attempts a
           WHERE a.delivery_id = (SELECT d.id FROM webhook_deliveries d
                                  WHERE d.subscription_id = s.id AND d.status = 'pending'
                                  ORDER BY d.tx, d.seq LIMIT 1))
          < now() - make_interval(secs => p_fail_after_s);
    GET DIAGNOSTICS failing = ROW_COUNT;
    UPDATE webhook_deliveries d SET status = 'failed'
    FROM webhook_subscriptions s
    WHERE s.id = d.subscription_id AND s.failing_since IS NOT NULL AND d.status = 'pending'
      AND d.tx < pg_snapshot_xmin(pg_current_snapshot());
    INSERT INTO jobs (id, kind, params, max_attempts, created_by, created_role, queue,
                      idempotency_key)
    SELECT gen_random_uuid(), 'webhook_delivery', jsonb_build_object('subscription_id', s.id), 1,
           'webhook-sweep', 'service', s.queue,
           'webhook-sweep:' || s.id || ':'
           || floor(extract(epoch FROM now()) / p_retry_s)::bigint
    FROM webhook_subscriptions s
    WHERE s.active
      AND EXISTS (SELECT 1 FROM webhook_deliveries d
                  WHERE d.subscription_id = s.id AND d.status = 'pending'
                    AND d.tx < pg_snapshot_xmin(pg_current_snapshot()))
      AND NOT EXISTS (SELECT 1 FROM jobs j
                      WHERE j.kind = 'webhook_delivery' AND j.status IN ('queued', 'running')
                        AND j.params->>'subscription_id' = s.id::text)
      AND coalesce((SELECT max(a.at) FROM webhook_deliveries d
                    JOIN webhook_delivery_attempts a ON a.delivery_id = d.id
                    WHERE d.subscription_id = s.id AND d.status = 'pending'), '-infinity')
          < now() - make_interval(secs => p_retry_s)
    ON CONFLICT (created_by, idempotency_key) WHERE idempotency_key IS NOT NULL DO NOTHING;
    GET DIAGNOSTICS queued = ROW_COUNT;
END
$$;

-- The events the tables raise.
CREATE FUNCTION webhook_housing_referral_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM webhook_event(NEW.partner_id, CASE WHEN TG_OP = 'INSERT'
                              THEN 'housing_referral.created' ELSE 'housing_referral.updated' END,
                          NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER housing_referrals_webhook AFTER INSERT OR UPDATE ON housing_referrals
    FOR EACH ROW EXECUTE FUNCTION webhook_housing_referral_event();

CREATE FUNCTION webhook_eet_referral_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM webhook_event(o.provider_id, 'eet_referral.updated', NEW.id)
    FROM eet_opportunities o WHERE o.id = NEW.opportunity_id;
    RETURN NULL;
END
$$;
CREATE TRIGGER eet_referrals_webhook AFTER UPDATE ON eet_referrals
    FOR EACH ROW EXECUTE FUNCTION webhook_eet_referral_event();

CREATE FUNCTION webhook_notification_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM webhook_event(NEW.partner_id, 'notification.acknowledged', NEW.id);
    RETURN NULL;
END
$$;
CREATE TRIGGER partner_notifications_webhook AFTER UPDATE OF acknowledged_at
    ON partner_notifications FOR EACH ROW
    WHEN (OLD.acknowledged_at IS NULL AND NEW.acknowledged_at IS NOT NULL)
    EXECUTE FUNCTION webhook_notification_event();
