-- Compliance with the joint housing protocol, computed from the data: housing referrals (answer
-- dates against response_due_on), accommodation episodes (bed and breakfast, code W, with a
-- provider, against max_bnb_nights) and breach events recorded by hand (moves or evictions
-- without notice and anything else the data cannot show). Never a hand-kept tally.
--
-- Recorded breaches name a person, so only managers and admins write them and managers,
-- admins and services read them. The compliance figures are aggregates: the board and the
-- partners read them too, but their breach list carries no care leaver id, record id or
-- details, and a partner sees only its own figures.

CREATE TABLE housing_protocol_breaches (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    protocol_id     uuid NOT NULL REFERENCES housing_protocols (id),
    kind            text NOT NULL CHECK (kind IN ('late_response', 'no_response',
                                                  'move_without_notice',
                                                  'eviction_without_notice', 'bnb_placement',
                                                  'bnb_over_limit', 'bnb_under_18',
                                                  'intentionality_without_consultation',
                                                  'other')),
    partner_id      uuid NOT NULL REFERENCES partners (id),
    care_leaver_id  uuid REFERENCES care_leavers (id),
    occurred_on     date NOT NULL,
    details         text NOT NULL DEFAULT '' CHECK (length(details) <= 2000),
    recorded_by     text NOT NULL DEFAULT '',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX housing_protocol_breaches_list
    ON housing_protocol_breaches (protocol_id, occurred_on DESC, id DESC);

ALTER TABLE housing_protocol_breaches ENABLE ROW LEVEL SECURITY;
ALTER TABLE housing_protocol_breaches FORCE ROW LEVEL SECURITY;
CREATE POLICY housing_protocol_breaches_scope ON housing_protocol_breaches TO cl_app
    USING (cl_sees_all()) WITH CHECK (cl_role() IN ('manager', 'admin'));
CREATE POLICY housing_protocol_breaches_owner ON housing_protocol_breaches TO CURRENT_USER
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT ON housing_protocol_breaches TO cl_app;

CREATE FUNCTION housing_breach_json(b housing_protocol_breaches) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', b.id, 'protocol_id', b.protocol_id, 'kind', b.kind, 'partner_id', b.partner_id,
        'care_leaver_id', b.care_leaver_id, 'occurred_on', b.occurred_on,
        'details', b.details, 'recorded_by', b.recorded_by, 'version', b.version,
        'created_at', cl_ts(b.created_at))::text
$$;

CREATE FUNCTION housing_breach_create(p_protocol uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b housing_protocol_breaches;
    v_cl uuid := (p->>'care_leaver_id')::uuid;
BEGIN
    IF NOT EXISTS (SELECT 1 FROM housing_protocols h WHERE h.id = p_protocol) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM partners x WHERE x.id = (p->>'partner_id')::uuid) THEN
        PERFORM cl_fail('CL422', 'partner_id is not a partner');
    END IF;
    IF v_cl IS NOT NULL AND NOT EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = v_cl) THEN
        PERFORM cl_fail('CL422', 'care_leaver_id is not a care leaver');
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

CREATE FUNCTION housing_breach_get(p_protocol uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b housing_protocol_breaches;
BEGIN
    SELECT * INTO b FROM housing_protocol_breaches x
    WHERE x.protocol_id = p_protocol AND x.id = p_id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such breach');
    END IF;
    PERFORM cl_audit('read', 'housing_protocol_breach', b.id);
    RETURN QUERY SELECT housing_breach_json(b), b.version, b.id;
END
$$;

-- Recorded breaches of one protocol, newest first; keyset on (occurred_on, id).
CREATE FUNCTION housing_breach_list(p_protocol uuid, p_partner uuid, p_kind text, p_from date,
                                    p_to date, p_after_on date, p_after_id uuid,
                                    p_limit integer)
RETURNS TABLE (body text, k_on text, k_id text) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM housing_protocols h WHERE h.id = p_protocol) THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    PERFORM cl_audit('list', 'housing_protocol_breach', p_protocol);
    RETURN QUERY
        SELECT housing_breach_json(b), b.occurred_on::text, b.id::text
        FROM housing_protocol_breaches b
        WHERE b.protocol_id = p_protocol
          AND (p_partner IS NULL OR b.partner_id = p_partner)
          AND (p_kind IS NULL OR b.kind = p_kind)
          AND (p_from IS NULL OR b.occurred_on >= p_from)
          AND (p_to IS NULL OR b.occurred_on <= p_to)
          AND (p_after_on IS NULL OR (b.occurred_on, b.id) < (p_after_on, p_after_id))
        ORDER BY b.occurred_on DESC, b.id DESC
        LIMIT p_limit;
END
$$;

-- Every breach of protocol p_protocol in [p_from, p_to], derived and recorded:
--   late_response   a referral made in the period answered after response_due_on
--                   (occurred_on: the first day late);
--   no_response     a referral made in the period, unanswered, not withdrawn, and past
--                   response_due_on today (occurred_on: the first day late);
--   bnb_over_limit  a bed-and-breakfast placement (episode code W with a provider) overlapping
--                   the period that has lasted more than max_bnb_nights nights (occurred_on:
--                   the first night over the limit);
--   bnb_under_18    such a placement begun before the young person's 18th birthday;
--   recorded        every breach recorded by hand with occurred_on in the period.
-- Runs as the owner: the figures need every referral and episode whatever the caller may see;
-- the caller's scope is applied by housing_protocol_compliance.
CREATE FUNCTION housing_protocol_breaches_in(p_protocol uuid, p_from date, p_to date)
RETURNS TABLE (source text, kind text, partner_id uuid, care_leaver_id uuid, occurred_on date,
               record_id uuid, details text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT 'derived', 'late_response', r.partner_id, r.care_leaver_id, r.response_due_on + 1,
           r.id, format('answered %s days after it was due', r.responded_on - r.response_due_on)
    FROM housing_referrals r
    WHERE r.protocol_id = p_protocol AND r.referred_on BETWEEN p_from AND p_to
      AND r.responded_on > r.response_due_on
    UNION ALL
    SELECT 'derived', 'no_response', r.partner_id, r.care_leaver_id, r.response_due_on + 1,
           r.id, format('unanswered %s days after it was due', current_date - r.response_due_on)
    FROM housing_referrals r
    WHERE r.protocol_id = p_protocol AND r.referred_on BETWEEN p_from AND p_to
      AND r.responded_on IS NULL AND r.outcome IS DISTINCT FROM 'withdrawn'
      AND r.response_due_on < current_date
    UNION ALL
    SELECT 'derived', 'bnb_over_limit', e.provider_id, e.care_leaver_id,
           e.started_on + h.max_bnb_nights, e.id,
           format('%s nights in bed and breakfast against a limit of %s',
                  coalesce(e.ended_on, current_date) - e.started_on, h.max_bnb_nights)
    FROM accommodation_episodes e, housing_protocols h
    WHERE h.id = p_protocol AND e.code = 'W' AND e.provider_id IS NOT NULL
      AND daterange(e.started_on, e.ended_on) && daterange(p_from, p_to + 1)
      AND coalesce(e.ended_on, current_date) - e.started_on > h.max_bnb_nights
    UNION ALL
    SELECT 'derived', 'bnb_under_18', e.provider_id, e.care_leaver_id, e.started_on, e.id,
           'placed in bed and breakfast before the 18th birthday'
    FROM accommodation_episodes e JOIN care_leavers c ON c.id = e.care_leaver_id
    WHERE e.code = 'W' AND e.provider_id IS NOT NULL
      AND daterange(e.started_on, e.ended_on) && daterange(p_from, p_to + 1)
      AND e.started_on < (c.date_of_birth + interval '18 years')::date
    UNION ALL
    SELECT 'recorded', b.kind, b.partner_id, b.care_leaver_id, b.occurred_on, b.id, b.details
    FROM housing_protocol_breaches b
    WHERE b.protocol_id = p_protocol AND b.occurred_on BETWEEN p_from AND p_to
$$;

-- The figures per partner: one row per party to the protocol and per other partner with a
-- bed-and-breakfast placement or a recorded breach in the period.
CREATE FUNCTION housing_protocol_figures(p_protocol uuid, p_from date, p_to date)
RETURNS TABLE (partner_id uuid, name text, kind text, party boolean, referrals_made bigint,
               referred_by_lead_date bigint, answered bigint, answered_in_time bigint,
               answered_late bigint, overdue_now bigint, awaiting_in_time bigint,
               withdrawn_unanswered bigint, moves_without_notice bigint,
               bnb_placements bigint, bnb_nights bigint, bnb_placements_over_limit bigint,
               breaches bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH h AS (SELECT * FROM housing_protocols WHERE id = p_protocol),
    br AS (SELECT * FROM housing_protocol_breaches_in(p_protocol, p_from, p_to)),
    ref AS (
        SELECT r.*, c.date_of_birth FROM housing_referrals r
        JOIN care_leavers c ON c.id = r.care_leaver_id
        WHERE r.protocol_id = p_protocol AND r.referred_on BETWEEN p_from AND p_to),
    bnb AS (
        SELECT e.provider_id,
               coalesce(e.ended_on, current_date) - e.started_on AS stay,
               greatest(0, least(coalesce(e.ended_on, current_date), p_to + 1)
                           - greatest(e.started_on, p_from)) AS nights_in_period
        FROM accommodation_episodes e
        WHERE e.code = 'W' AND e.provider_id IS NOT NULL
          AND daterange(e.started_on, e.ended_on) && daterange(p_from, p_to + 1)),
    who AS (
        SELECT x.partner_id AS id FROM housing_protocol_parties x WHERE x.protocol_id = p_protocol
        UNION SELECT provider_id FROM bnb
        UNION SELECT br.partner_id FROM br)
    SELECT p.id, p.name, p.kind,
           EXISTS (SELECT 1 FROM housing_protocol_parties x
                   WHERE x.protocol_id = p_protocol AND x.partner_id = p.id),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id),
           (SELECT count(*) FROM ref, h WHERE ref.partner_id = p.id
              AND ref.referred_on <= (ref.date_of_birth + interval '18 years')::date
                                     - h.referral_lead_days_before_18),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id AND ref.responded_on IS NOT NULL),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id
              AND ref.responded_on <= ref.response_due_on),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id
              AND ref.responded_on > ref.response_due_on),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id AND ref.responded_on IS NULL
              AND ref.outcome IS DISTINCT FROM 'withdrawn' AND ref.response_due_on < current_date),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id AND ref.responded_on IS NULL
              AND ref.outcome IS DISTINCT FROM 'withdrawn' AND ref.response_due_on >= current_date),
           (SELECT count(*) FROM ref WHERE ref.partner_id = p.id AND ref.responded_on IS NULL
              AND ref.outcome = 'withdrawn'),
           (SELECT count(*) FROM br WHERE br.partner_id = p.id
              AND br.kind = 'move_without_notice'),
           (SELECT count(*) FROM bnb WHERE bnb.provider_id = p.id),
           (SELECT coalesce(sum(nights_in_period), 0) FROM bnb WHERE bnb.provider_id = p.id),
           (SELECT count(*) FROM bnb, h WHERE bnb.provider_id = p.id
              AND bnb.stay > h.max_bnb_nights),
           (SELECT count(*) FROM br WHERE br.partner_id = p.id)
    FROM partners p JOIN who ON who.id = p.id
$$;

-- The compliance report of one protocol for [p_from, p_to] (default: the year to today), as
-- (body, version NULL, id). Percentages have one decimal and are null without a denominator:
-- answered_in_time_pct = answered_in_time / (answered + overdue_now). A partner gets only its
-- own row (its total is that row); the board and partners get breaches without care leaver
-- ids, record ids or details.
CREATE FUNCTION housing_protocol_compliance(p_id uuid, p_from date, p_to date)
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
        PERFORM cl_fail('CL422', 'from must not be after to');
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
