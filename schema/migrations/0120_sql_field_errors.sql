-- Every CL422 our functions raise names the request field it is about, so the api can list each
-- offending field in the problem's errors (issue: a party that is not an active partner was
-- answered 422 with an empty errors list).
--
-- The one convention, already that of cl_fail_fields (0012): a CL422's message is
-- "field: message" pairs separated by "; ", the field a request member (or query parameter)
-- name; the api (api/http.c) turns each pair into an errors entry. cl_fail_field raises one pair.
-- Nothing else raises CL422 (tests/integration/test_sql_fields.c scans the effective
-- definitions and drives each raise through the api). The functions below are those of 0020-0033
-- with only their CL422 raises rewritten.

CREATE FUNCTION cl_fail_field(p_field text, p_message text) RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN PERFORM cl_fail_fields(ARRAY[p_field || ': ' || p_message]); END $$;

CREATE OR REPLACE FUNCTION accommodation_check(e accommodation_episodes, c care_leavers) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t ssda903_accommodation_types;
BEGIN
    SELECT * INTO t FROM ssda903_accommodation_types WHERE letter = e.code;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('code', 'must be a DfE accommodation type letter: '
                      || (SELECT string_agg(letter, ', ' ORDER BY letter)
                          FROM ssda903_accommodation_types));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail_field('ended_on', 'must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail_field('started_on', 'must not be before the date of birth');
    END IF;
    IF e.suitable AND NOT t.may_be_suitable THEN
        PERFORM cl_fail_field('suitable', 'accommodation of type ' || e.code || ' is never suitable');
    END IF;
    IF NOT e.suitable AND e.unsuitable_reason IS NULL THEN
        PERFORM cl_fail_field('unsuitable_reason', 'is required when suitable is false');
    END IF;
    IF e.suitable AND e.unsuitable_reason IS NOT NULL THEN
        PERFORM cl_fail_field('unsuitable_reason', 'is only for unsuitable accommodation');
    END IF;
    IF t.needs_reason AND e.reason IS NULL THEN
        PERFORM cl_fail_field('reason', 'is required for bed and breakfast (W) and emergency '
                      || 'accommodation (V)');
    END IF;
    IF e.staying_put <> (e.code = 'Z') THEN
        PERFORM cl_fail_field('staying_put', 'is true exactly when the code is Z (with former '
                      || 'foster carers)');
    END IF;
    IF e.code = 'Z' AND e.started_on < (c.date_of_birth + interval '18 years')::date THEN
        PERFORM cl_fail_field('started_on', 'staying put (Z) starts at 18 at the earliest');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION eet_activity_check(e eet_activities, c care_leavers) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ssda903_activities s WHERE s.code = e.code) THEN
        PERFORM cl_fail_field('code', 'must be a DfE activity code: '
                      || (SELECT string_agg(code, ', ' ORDER BY code) FROM ssda903_activities));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail_field('ended_on', 'must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail_field('started_on', 'must not be before the date of birth');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION eet_opportunity_check(o eet_opportunities) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF o.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = o.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
    IF cl_role() = 'partner' AND o.provider_id IS DISTINCT FROM cl_org_id() THEN
        PERFORM cl_fail_field('provider_id', 'must be your organisation: a partner offers only its own '
                      || 'opportunities');
    END IF;
    IF o.activity_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ssda903_activities s
                                                   WHERE s.code = o.activity_code AND s.eet) THEN
        PERFORM cl_fail_field('activity_code', 'must be a DfE EET activity code: '
                      || (SELECT string_agg(code, ', ' ORDER BY code) FROM ssda903_activities
                          WHERE eet));
    END IF;
END
$$;
CREATE OR REPLACE FUNCTION eet_referral_create(p_opportunity uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o eet_opportunities;
    r eet_referrals;
BEGIN
    SELECT * INTO o FROM eet_opportunities x
    WHERE x.id = p_opportunity AND eet_opportunity_visible(x.provider_id);
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such opportunity');
    END IF;
    IF cl_role() NOT IN ('adviser', 'manager', 'admin') OR NOT EXISTS (
            SELECT 1 FROM care_leavers c
            WHERE c.id = (p->>'care_leaver_id')::uuid
              AND cl_can_see_care_leaver(c.adviser_id, c.id)) THEN
        PERFORM cl_fail_field('care_leaver_id', 'is not a care leaver you may refer');
    END IF;
    r.id := gen_random_uuid();
    r.opportunity_id := o.id;
    r.care_leaver_id := (p->>'care_leaver_id')::uuid;
    r.status := 'referred';
    r.referred_on := coalesce((p->>'referred_on')::date, current_date);
    r.status_on := r.referred_on;
    r.notes := coalesce(p->>'notes', '');
    r.created_by := cl_sub();
    r.version := 1;
    r.created_at := now();
    r.updated_at := r.created_at;
    IF o.status <> 'open' OR (o.closes_on IS NOT NULL AND o.closes_on < r.referred_on) THEN
        PERFORM cl_fail('CL409', 'the opportunity is closed to referrals');
    END IF;
    IF eet_places_taken(o.id) >= o.places THEN
        PERFORM cl_fail('CL409', 'the opportunity has no places left');
    END IF;
    INSERT INTO eet_referrals VALUES (r.*);
    INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, note,
                                     actor_sub, actor_role)
    VALUES (r.id, NULL, 'referred', r.referred_on, '', cl_sub(), cl_role());
    PERFORM cl_audit('create', 'eet_referral', r.id);
    RETURN QUERY SELECT eet_referral_json(r), r.version, r.id;
END
$$;
CREATE OR REPLACE FUNCTION eet_referral_transition(p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r eet_referrals;
    o eet_opportunities;
    v_to text := p->>'to';
    v_on date := coalesce((p->>'on')::date, current_date);
    v_from text;
    a eet_activities;
BEGIN
    SELECT * INTO r FROM eet_referrals x
    WHERE x.id = p_id AND eet_referral_visible(x.care_leaver_id, x.opportunity_id)
    FOR UPDATE;
    IF NOT FOUND OR cl_role() NOT IN ('adviser', 'manager', 'admin', 'partner') THEN
        PERFORM cl_fail('CL404', 'no such referral');
    END IF;
    v_from := r.status;
    IF NOT EXISTS (SELECT 1 FROM eet_referral_steps s
                   WHERE s.from_status = v_from AND s.to_status = v_to) THEN
        PERFORM cl_fail('CL409', format('a referral cannot move from %s to %s', r.status, v_to));
    END IF;
    IF v_on < r.status_on THEN
        PERFORM cl_fail_field('on', 'must not be before the date of the previous step');
    END IF;
    IF v_to = 'offered' THEN
        -- The places lock: offers to one opportunity queue here.
        SELECT * INTO o FROM eet_opportunities x WHERE x.id = r.opportunity_id FOR UPDATE;
        IF eet_places_taken(o.id) >= o.places THEN
            PERFORM cl_fail('CL409', 'the opportunity has no places left');
        END IF;
    ELSE
        SELECT * INTO o FROM eet_opportunities x WHERE x.id = r.opportunity_id;
    END IF;

    IF v_to = 'started' AND o.activity_code IS NOT NULL THEN
        UPDATE eet_activities x SET ended_on = v_on, version = x.version + 1, updated_at = now()
        WHERE x.care_leaver_id = r.care_leaver_id
          AND x.code IN (SELECT s.code FROM ssda903_activities s WHERE NOT s.eet)
          AND x.started_on < v_on AND (x.ended_on IS NULL OR x.ended_on > v_on);
        a.id := gen_random_uuid();
        a.care_leaver_id := r.care_leaver_id;
        a.code := o.activity_code;
        a.hours_per_week := o.hours_per_week;
        a.provider_id := o.provider_id;
        a.started_on := v_on;
        a.referral_id := r.id;
        a.version := 1;
        a.created_at := now();
        a.updated_at := a.created_at;
        INSERT INTO eet_activities VALUES (a.*);
        PERFORM cl_audit('create', 'eet_activity', a.id);
    ELSIF v_from = 'started' THEN
        UPDATE eet_activities x
        SET ended_on = greatest(v_on, x.started_on + 1), version = x.version + 1,
            updated_at = now()
        WHERE x.referral_id = r.id AND (x.ended_on IS NULL OR x.ended_on > v_on);
    END IF;

    UPDATE eet_referrals x SET status = v_to, status_on = v_on, version = x.version + 1,
                               updated_at = now()
    WHERE x.id = r.id
    RETURNING x.* INTO r;
    INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, note,
                                     actor_sub, actor_role)
    VALUES (r.id, v_from, v_to, v_on, coalesce(p->>'note', ''), cl_sub(), cl_role());
    PERFORM cl_audit('transition', 'eet_referral', r.id, jsonb_build_object('to', v_to));
    RETURN QUERY SELECT eet_referral_json(r), r.version, r.id;
END
$$;
CREATE OR REPLACE FUNCTION grant_payment_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    t grant_types;
    b grant_balances;
    g grant_payments;
BEGIN
    SELECT * INTO t FROM grant_types x WHERE x.id = (p->>'grant_type_id')::uuid FOR SHARE;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('grant_type_id', 'is not a grant type');
    END IF;
    IF NOT t.active THEN
        PERFORM cl_fail('CL409', 'the grant type is not active');
    END IF;
    g.id := gen_random_uuid();
    g.care_leaver_id := c.id;
    g.grant_type_id := t.id;
    g.amount_pence := (p->>'amount_pence')::integer;
    g.paid_on := (p->>'paid_on')::date;
    g.method := p->>'method';
    g.reference := coalesce(p->>'reference', '');
    g.created_by := cl_sub();
    g.version := 1;
    g.created_at := now();
    IF g.amount_pence <= 0 THEN
        PERFORM cl_fail_field('amount_pence', 'must be more than 0');
    END IF;
    -- The cap lock: payments for one person and grant type queue on this row.
    INSERT INTO grant_balances (care_leaver_id, grant_type_id) VALUES (c.id, t.id)
    ON CONFLICT DO NOTHING;
    SELECT * INTO b FROM grant_balances x
    WHERE x.care_leaver_id = c.id AND x.grant_type_id = t.id FOR UPDATE;
    IF b.paid_pence + g.amount_pence > t.cap_pence THEN
        PERFORM cl_fail('CL409', 'the payment is more than the remaining balance of this grant');
    END IF;
    UPDATE grant_balances x SET paid_pence = x.paid_pence + g.amount_pence
    WHERE x.care_leaver_id = c.id AND x.grant_type_id = t.id;
    INSERT INTO grant_payments VALUES (g.*);
    PERFORM cl_audit('create', 'grant_payment', g.id,
                     jsonb_build_object('care_leaver_id', c.id, 'grant_type_id', t.id));
    RETURN QUERY SELECT grant_payment_json(g), g.version, g.id;
END
$$;
CREATE OR REPLACE FUNCTION housing_protocol_set_parties(p_id uuid, p jsonb) RETURNS void
LANGUAGE plpgsql AS $$
DECLARE
    ids uuid[];
BEGIN
    SELECT coalesce(array_agg(DISTINCT v::uuid), '{}') INTO ids
    FROM jsonb_array_elements_text(p) v;
    IF (SELECT count(*) FROM partners WHERE partners.id = ANY (ids) AND active)
       <> cardinality(ids) THEN
        PERFORM cl_fail_field('parties', 'every party must be an active partner');
    END IF;
    DELETE FROM housing_protocol_parties x
    WHERE x.protocol_id = p_id AND x.partner_id <> ALL (ids);
    INSERT INTO housing_protocol_parties (protocol_id, partner_id)
    SELECT p_id, u FROM unnest(ids) u
    ON CONFLICT DO NOTHING;
END
$$;
CREATE OR REPLACE FUNCTION housing_protocol_sign(p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
    who uuid;
    x housing_protocol_parties;
BEGIN
    IF NOT housing_protocol_visible(p_id) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    SELECT * INTO h FROM housing_protocols WHERE housing_protocols.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF cl_role() = 'partner' THEN
        who := cl_org_id();
        IF p ? 'partner_id' AND (p->>'partner_id')::uuid IS DISTINCT FROM who THEN
            PERFORM cl_fail_field('partner_id', 'a partner signs only for itself');
        END IF;
    ELSE
        who := (p->>'partner_id')::uuid;
        IF who IS NULL THEN
            PERFORM cl_fail_field('partner_id', 'is required when signing on behalf of a party');
        END IF;
    END IF;
    SELECT * INTO x FROM housing_protocol_parties
    WHERE protocol_id = p_id AND partner_id = who FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL409', 'the partner is not a party to this protocol');
    END IF;
    IF h.status <> 'approved' THEN
        PERFORM cl_fail('CL409', 'parties sign a protocol once it is approved');
    END IF;
    IF x.signed_at IS NOT NULL THEN
        PERFORM cl_fail('CL409', 'this party has already signed');
    END IF;
    UPDATE housing_protocol_parties SET signed_at = now(),
           signatory_name = btrim(p->>'signatory_name'), signatory_title = p->>'signatory_title',
           recorded_by = cl_sub(), recorded_by_role = cl_role()
    WHERE protocol_id = p_id AND partner_id = who;
    UPDATE housing_protocols SET version = housing_protocols.version + 1, updated_at = now()
    WHERE housing_protocols.id = p_id
    RETURNING * INTO h;
    PERFORM cl_audit('sign', 'housing_protocol', h.id, jsonb_build_object('partner_id', who));
    RETURN QUERY SELECT housing_protocol_json(h), h.version, h.id;
END
$$;
CREATE OR REPLACE FUNCTION housing_referral_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r housing_referrals;
    h housing_protocols;
    v_cl uuid := (p->>'care_leaver_id')::uuid;
    v_partner uuid := (p->>'partner_id')::uuid;
    v_protocol uuid := coalesce((p->>'protocol_id')::uuid, housing_protocol_in_force());
    v_on date := coalesce((p->>'referred_on')::date, current_date);
BEGIN
    -- Row-level security hides the care leavers outside an adviser's caseload.
    IF NOT EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = v_cl) THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    IF v_protocol IS NULL THEN
        PERFORM cl_fail('CL409', 'no housing protocol is in force');
    END IF;
    SELECT * INTO h FROM housing_protocols x WHERE x.id = v_protocol;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('protocol_id', 'is not a housing protocol');
    END IF;
    IF h.status NOT IN ('signed_off', 'superseded') THEN
        PERFORM cl_fail('CL409', 'referrals are made under a signed-off protocol');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM partners x WHERE x.id = v_partner AND x.active) THEN
        PERFORM cl_fail_field('partner_id', 'is not an active partner');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM housing_protocol_parties x
                   WHERE x.protocol_id = v_protocol AND x.partner_id = v_partner) THEN
        PERFORM cl_fail('CL409', 'the partner is not a party to this protocol');
    END IF;
    INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referral_type,
                                   referred_on, needed_by, response_due_on, responded_on,
                                   outcome, tenancy_started_on, created_by)
    VALUES (v_cl, v_partner, v_protocol, coalesce(p->>'referral_type', 'register'), v_on,
            (p->>'needed_by')::date, v_on + h.response_days, (p->>'responded_on')::date,
            p->>'outcome', (p->>'tenancy_started_on')::date, cl_sub())
    RETURNING * INTO r;
    PERFORM cl_audit('create', 'housing_referral', r.id);
    RETURN QUERY SELECT housing_referral_json(r), r.version, r.id;
END
$$;
CREATE OR REPLACE FUNCTION housing_referral_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r housing_referrals;
    v_outcome text;
BEGIN
    -- Row-level security leaves only the referrals the caller may reach.
    SELECT * INTO r FROM housing_referrals x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing referral');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> r.version::text THEN
        PERFORM cl_fail('CL412', 'the housing referral has changed since it was read');
    END IF;
    IF cl_role() = 'partner' AND p ? 'needed_by' THEN
        PERFORM cl_fail_field('needed_by', 'a partner may change only the answer');
    END IF;
    v_outcome := CASE WHEN p ? 'outcome' THEN p->>'outcome' ELSE r.outcome END;
    IF cl_role() = 'partner' AND p ? 'outcome' AND v_outcome = 'withdrawn' THEN
        PERFORM cl_fail_field('outcome', 'only the leaving care service withdraws a referral');
    END IF;
    UPDATE housing_referrals SET
        needed_by = CASE WHEN p ? 'needed_by' THEN (p->>'needed_by')::date
                         ELSE housing_referrals.needed_by END,
        outcome = v_outcome,
        responded_on = CASE WHEN p ? 'responded_on' THEN (p->>'responded_on')::date
                            WHEN p ? 'outcome' AND v_outcome IS NOT NULL
                                 AND v_outcome <> 'withdrawn'
                                 AND housing_referrals.responded_on IS NULL THEN current_date
                            ELSE housing_referrals.responded_on END,
        tenancy_started_on = CASE WHEN p ? 'tenancy_started_on'
                                  THEN (p->>'tenancy_started_on')::date
                                  ELSE housing_referrals.tenancy_started_on END,
        version = housing_referrals.version + 1,
        updated_at = now()
    WHERE housing_referrals.id = p_id
    RETURNING * INTO r;
    PERFORM cl_audit('update', 'housing_referral', r.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT housing_referral_json(r), r.version, r.id;
END
$$;
CREATE OR REPLACE FUNCTION housing_breach_create(p_protocol uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b housing_protocol_breaches;
    v_cl uuid := (p->>'care_leaver_id')::uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM housing_protocols h WHERE h.id = p_protocol) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM partners x WHERE x.id = (p->>'partner_id')::uuid) THEN
        PERFORM cl_fail_field('partner_id', 'is not a partner');
    END IF;
    IF v_cl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = v_cl) THEN
        PERFORM cl_fail_field('care_leaver_id', 'is not a care leaver');
    END IF;
    INSERT INTO housing_protocol_breaches (protocol_id, kind, partner_id, care_leaver_id,
                                           occurred_on, details, recorded_by)
    VALUES (p_protocol, p->>'kind', (p->>'partner_id')::uuid, v_cl,
            (p->>'occurred_on')::date, coalesce(p->>'details', ''), cl_sub())
    RETURNING * INTO b;
    PERFORM cl_audit('create', 'housing_protocol_breach', b.id);
    RETURN QUERY SELECT housing_breach_json(b), b.version, b.id;
END
$$;
CREATE OR REPLACE FUNCTION housing_protocol_compliance(p_id uuid, p_from date, p_to date)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
    v_to date := coalesce(p_to, current_date);
    v_from date := coalesce(p_from, (coalesce(p_to, current_date) - interval '1 year')::date + 1);
    v_partner uuid := CASE WHEN cl_role() = 'partner' THEN cl_org_id() END;
    v_full boolean := cl_sees_all();
    v_rows json;
    v_total json;
    v_breaches json;
BEGIN
    SELECT * INTO h FROM housing_protocols x WHERE x.id = p_id AND housing_protocol_visible(x.id);
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF v_from > v_to THEN
        PERFORM cl_fail_field('from', 'must not be after to');
    END IF;
    SELECT coalesce(json_agg(json_build_object(
               'partner_id', f.partner_id, 'name', f.name, 'kind', f.kind, 'party', f.party,
               'referrals_made', f.referrals_made,
               'referred_by_lead_date', f.referred_by_lead_date,
               'answered', f.answered, 'answered_in_time', f.answered_in_time,
               'answered_late', f.answered_late,
               'answered_in_time_pct', round(100.0 * f.answered_in_time
                                             / nullif(f.answered + f.overdue_now, 0), 1),
               'overdue_now', f.overdue_now, 'awaiting_in_time', f.awaiting_in_time,
               'withdrawn_unanswered', f.withdrawn_unanswered,
               'moves_without_notice', f.moves_without_notice,
               'bnb_placements', f.bnb_placements, 'bnb_nights', f.bnb_nights,
               'bnb_placements_over_limit', f.bnb_placements_over_limit,
               'breaches', f.breaches) ORDER BY f.name, f.partner_id), '[]'),
           json_build_object(
               'referrals_made', coalesce(sum(f.referrals_made), 0),
               'referred_by_lead_date', coalesce(sum(f.referred_by_lead_date), 0),
               'answered', coalesce(sum(f.answered), 0),
               'answered_in_time', coalesce(sum(f.answered_in_time), 0),
               'answered_late', coalesce(sum(f.answered_late), 0),
               'answered_in_time_pct', round(100.0 * sum(f.answered_in_time)
                                             / nullif(sum(f.answered + f.overdue_now), 0), 1),
               'overdue_now', coalesce(sum(f.overdue_now), 0),
               'awaiting_in_time', coalesce(sum(f.awaiting_in_time), 0),
               'withdrawn_unanswered', coalesce(sum(f.withdrawn_unanswered), 0),
               'moves_without_notice', coalesce(sum(f.moves_without_notice), 0),
               'bnb_placements', coalesce(sum(f.bnb_placements), 0),
               'bnb_nights', coalesce(sum(f.bnb_nights), 0),
               'bnb_placements_over_limit', coalesce(sum(f.bnb_placements_over_limit), 0),
               'breaches', coalesce(sum(f.breaches), 0))
    INTO v_rows, v_total
    FROM housing_protocol_figures(p_id, v_from, v_to) f
    WHERE v_partner IS NULL OR f.partner_id = v_partner;

    SELECT coalesce(json_agg(CASE WHEN v_full
               THEN json_build_object('source', b.source, 'kind', b.kind,
                                      'partner_id', b.partner_id, 'partner_name', p.name,
                                      'occurred_on', b.occurred_on,
                                      'care_leaver_id', b.care_leaver_id,
                                      'record_id', b.record_id, 'details', b.details)
               ELSE json_build_object('source', b.source, 'kind', b.kind,
                                      'partner_id', b.partner_id, 'partner_name', p.name,
                                      'occurred_on', b.occurred_on) END
               ORDER BY b.occurred_on, p.name, b.kind, b.record_id), '[]')
    INTO v_breaches
    FROM housing_protocol_breaches_in(p_id, v_from, v_to) b JOIN partners p ON p.id = b.partner_id
    WHERE v_partner IS NULL OR b.partner_id = v_partner;

    PERFORM cl_audit('read', 'housing_protocol_compliance', h.id,
                     jsonb_build_object('from', v_from, 'to', v_to));
    RETURN QUERY SELECT json_build_object(
        'protocol_id', h.id, 'edition', h.edition, 'status', h.status,
        'from', v_from, 'to', v_to, 'as_of', current_date,
        'commitments', json_build_object(
            'referral_lead_days_before_18', h.referral_lead_days_before_18,
            'response_days', h.response_days, 'move_notice_days', h.move_notice_days,
            'max_bnb_nights', h.max_bnb_nights),
        'partners', v_rows, 'total', v_total, 'breaches', v_breaches)::text,
        NULL::integer, h.id;
END
$$;
