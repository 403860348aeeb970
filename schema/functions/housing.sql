-- The joint housing protocol (api/housing.c): protocol versions with structured, measurable
-- commitments and the partners party to them, housing referrals to district councils and
-- housing providers, recorded breaches, and compliance computed from the data (the Board
-- report's housing figures call housing_protocol_figures and housing_protocol_breaches_in).

-- The version in force, or NULL.
CREATE FUNCTION housing_protocol_in_force() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT id FROM housing_protocols WHERE status = 'signed_off'
$$;

CREATE FUNCTION housing_protocol_visible(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT cl_role() IN ('board', 'adviser', 'manager', 'admin', 'service')
        OR (cl_role() = 'partner' AND EXISTS (
                SELECT 1 FROM housing_protocol_parties x
                WHERE x.protocol_id = p_id AND x.partner_id = cl_org_id()))
$$;

CREATE FUNCTION housing_protocol_json(h housing_protocols) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', h.id, 'title', h.title, 'edition', h.edition, 'status', h.status,
        'approving_body', h.approving_body, 'review_due_on', h.review_due_on,
        'referral_lead_days_before_18', h.referral_lead_days_before_18,
        'response_days', h.response_days, 'move_notice_days', h.move_notice_days,
        'max_bnb_nights', h.max_bnb_nights, 'clauses', to_json(h.clauses),
        'parties', coalesce((
            SELECT json_agg(json_build_object(
                       'partner_id', x.partner_id, 'name', p.name, 'kind', p.kind,
                       'signed', x.signed_at IS NOT NULL, 'signed_at', cl_ts(x.signed_at),
                       'signatory_name', x.signatory_name,
                       'signatory_title', x.signatory_title,
                       'recorded_by', x.recorded_by, 'recorded_by_role', x.recorded_by_role)
                   ORDER BY p.name, p.id)
            FROM housing_protocol_parties x JOIN partners p ON p.id = x.partner_id
            WHERE x.protocol_id = h.id), '[]'),
        'signed_off_at', cl_ts(h.signed_off_at), 'superseded_at', cl_ts(h.superseded_at),
        'superseded_by', h.superseded_by,
        'version', h.version, 'created_at', cl_ts(h.created_at),
        'updated_at', cl_ts(h.updated_at))::text
$$;

-- Replaces the parties of a draft with the partner ids in p (a JSON array).
CREATE FUNCTION housing_protocol_set_parties(p_id uuid, p jsonb) RETURNS void
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

CREATE FUNCTION housing_protocol_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
BEGIN
    -- Two drafts created at once must not both take max(edition) + 1.
    PERFORM pg_advisory_xact_lock(hashtext('housing_protocols.edition'));
    INSERT INTO housing_protocols (title, edition, approving_body, review_due_on,
                                   referral_lead_days_before_18, response_days,
                                   move_notice_days, max_bnb_nights, clauses)
    VALUES (btrim(p->>'title'),
            coalesce((p->>'edition')::int,
                     (SELECT coalesce(max(x.edition), 0) + 1 FROM housing_protocols x)),
            coalesce(p->>'approving_body', ''), (p->>'review_due_on')::date,
            coalesce((p->>'referral_lead_days_before_18')::int, 180),
            coalesce((p->>'response_days')::int, 10),
            coalesce((p->>'move_notice_days')::int, 28),
            coalesce((p->>'max_bnb_nights')::int, 0),
            coalesce((SELECT array_agg(c) FROM jsonb_array_elements_text(p->'clauses') c), '{}'))
    RETURNING * INTO h;
    IF p ? 'parties' THEN
        PERFORM housing_protocol_set_parties(h.id, p->'parties');
    END IF;
    PERFORM cl_audit('create', 'housing_protocol', h.id);
    RETURN QUERY SELECT housing_protocol_json(h), h.version, h.id;
END
$$;

-- JSON Merge Patch: the text and commitments change only in draft or consultation, the parties
-- only in draft; an approved or later version is fixed (409).
CREATE FUNCTION housing_protocol_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
BEGIN
    SELECT * INTO h FROM housing_protocols WHERE housing_protocols.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'housing protocol');
    PERFORM cl_if_match(p_version, h.version, 'housing protocol');
    IF h.status NOT IN ('draft', 'consultation') THEN
        PERFORM cl_fail('CL409', 'an approved, signed-off or superseded protocol cannot be changed');
    END IF;
    IF p ? 'parties' AND h.status <> 'draft' THEN
        PERFORM cl_fail('CL409', 'the parties can be changed only while the protocol is a draft');
    END IF;
    UPDATE housing_protocols SET
        title = CASE WHEN p ? 'title' THEN btrim(p->>'title') ELSE housing_protocols.title END,
        edition = CASE WHEN p ? 'edition' THEN (p->>'edition')::int
                       ELSE housing_protocols.edition END,
        approving_body = CASE WHEN p ? 'approving_body' THEN coalesce(p->>'approving_body', '')
                              ELSE housing_protocols.approving_body END,
        review_due_on = CASE WHEN p ? 'review_due_on' THEN (p->>'review_due_on')::date
                             ELSE housing_protocols.review_due_on END,
        referral_lead_days_before_18 = CASE WHEN p ? 'referral_lead_days_before_18'
                             THEN (p->>'referral_lead_days_before_18')::int
                             ELSE housing_protocols.referral_lead_days_before_18 END,
        response_days = CASE WHEN p ? 'response_days' THEN (p->>'response_days')::int
                             ELSE housing_protocols.response_days END,
        move_notice_days = CASE WHEN p ? 'move_notice_days' THEN (p->>'move_notice_days')::int
                                ELSE housing_protocols.move_notice_days END,
        max_bnb_nights = CASE WHEN p ? 'max_bnb_nights' THEN (p->>'max_bnb_nights')::int
                              ELSE housing_protocols.max_bnb_nights END,
        clauses = CASE WHEN p ? 'clauses'
                       THEN coalesce((SELECT array_agg(c)
                                      FROM jsonb_array_elements_text(p->'clauses') c), '{}')
                       ELSE housing_protocols.clauses END,
        version = housing_protocols.version + 1,
        updated_at = now()
    WHERE housing_protocols.id = p_id;
    IF p ? 'parties' THEN
        PERFORM housing_protocol_set_parties(p_id, p->'parties');
    END IF;
    SELECT * INTO h FROM housing_protocols WHERE housing_protocols.id = p_id;
    PERFORM cl_audit_patch('housing_protocol', h.id, p);
    RETURN QUERY SELECT housing_protocol_json(h), h.version, h.id;
END
$$;

-- Moves a version along its lifecycle. Illegal moves are 409; signed_off needs at least one
-- party and every party's signature, and supersedes the version in force.
CREATE FUNCTION housing_protocol_transition(p_id uuid, p_to text, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h housing_protocols;
    old_id uuid;
BEGIN
    SELECT * INTO h FROM housing_protocols WHERE housing_protocols.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'housing protocol');
    PERFORM cl_if_match(p_version, h.version, 'housing protocol');
    IF NOT ((h.status = 'draft' AND p_to = 'consultation')
            OR (h.status = 'consultation' AND p_to IN ('draft', 'approved'))
            OR (h.status = 'approved' AND p_to = 'signed_off')) THEN
        IF p_to = 'superseded' THEN
            PERFORM cl_fail('CL409', 'a protocol is superseded only by signing off its successor');
        END IF;
        PERFORM cl_fail('CL409', format('a %s protocol cannot move to %s', h.status, p_to));
    END IF;
    IF p_to = 'approved' AND NOT EXISTS (
           SELECT 1 FROM housing_protocol_parties x WHERE x.protocol_id = p_id) THEN
        PERFORM cl_fail('CL409', 'a protocol needs at least one party before approval');
    END IF;
    IF p_to = 'signed_off' THEN
        IF EXISTS (SELECT 1 FROM housing_protocol_parties x
                   WHERE x.protocol_id = p_id AND x.signed_at IS NULL) THEN
            PERFORM cl_fail('CL409', 'every party must sign before the protocol is signed off');
        END IF;
        SELECT x.id INTO old_id FROM housing_protocols x WHERE x.status = 'signed_off' FOR UPDATE;
        IF old_id IS NOT NULL THEN
            UPDATE housing_protocols SET status = 'superseded', superseded_at = now(),
                   superseded_by = p_id, version = housing_protocols.version + 1,
                   updated_at = now()
            WHERE housing_protocols.id = old_id;
            PERFORM cl_audit('transition', 'housing_protocol', old_id,
                             jsonb_build_object('to', 'superseded', 'by', p_id));
        END IF;
    END IF;
    UPDATE housing_protocols SET status = p_to,
           signed_off_at = CASE WHEN p_to = 'signed_off' THEN now() ELSE NULL END,
           version = housing_protocols.version + 1, updated_at = now()
    WHERE housing_protocols.id = p_id
    RETURNING * INTO h;
    PERFORM cl_audit('transition', 'housing_protocol', h.id, jsonb_build_object('to', p_to));
    RETURN QUERY SELECT housing_protocol_json(h), h.version, h.id;
END
$$;

-- Records a party's signature on an approved version. A partner signs for itself (p_partner
-- NULL or its own org_id); an admin records one on behalf of the party p_partner.
CREATE FUNCTION housing_protocol_sign(p_id uuid, p jsonb)
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
    PERFORM cl_found(FOUND, 'housing protocol');
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

-- Who may reach a referral: every care leaver's for managers, admins and services; the
-- adviser's own caseload's; a partner's own.
CREATE FUNCTION housing_referral_visible(p_partner uuid, p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_sees_all()
        OR (cl_role() = 'partner' AND p_partner = cl_org_id())
        OR (cl_role() = 'adviser' AND cl_adviser_id() IS NOT NULL AND EXISTS (
                SELECT 1 FROM care_leavers c
                WHERE c.id = p_care_leaver AND c.adviser_id = cl_adviser_id()))
$$;

-- A housing referral; a partner's view of the young person comes from cl_partner_person (null
-- once no live referral to it is left), and of the allocated adviser, whom to call, from
-- cl_partner_adviser (name and work email only).
CREATE FUNCTION housing_referral_json(r housing_referrals) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'care_leaver_id', r.care_leaver_id,
        'care_leaver', CASE WHEN cl_role() = 'partner'
            THEN (SELECT json_build_object('id', c.id, 'given_name', c.given_name,
                                           'family_name', c.family_name,
                                           'date_of_birth', c.date_of_birth,
                                           'district', c.district)
                  FROM cl_partner_person(r.care_leaver_id) c)
            ELSE (SELECT json_build_object('id', c.id, 'la_child_id', c.la_child_id,
                                           'given_name', c.given_name,
                                           'family_name', c.family_name,
                                           'date_of_birth', c.date_of_birth,
                                           'district', c.district, 'adviser_id', c.adviser_id)
                  FROM care_leavers c WHERE c.id = r.care_leaver_id) END,
        'adviser', CASE WHEN cl_role() = 'partner'
            THEN (SELECT json_build_object('name', a.name, 'email', a.email)
                  FROM cl_partner_adviser(r.care_leaver_id) a) END,
        'partner_id', r.partner_id,
        'partner_name', (SELECT p.name FROM partners p WHERE p.id = r.partner_id),
        'protocol_id', r.protocol_id, 'referral_type', r.referral_type,
        'referred_on', r.referred_on, 'needed_by', r.needed_by,
        'response_due_on', r.response_due_on, 'responded_on', r.responded_on,
        'outcome', r.outcome, 'tenancy_started_on', r.tenancy_started_on,
        'version', r.version, 'created_at', cl_ts(r.created_at),
        'updated_at', cl_ts(r.updated_at))::text
$$;

CREATE FUNCTION housing_referral_create(p jsonb)
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

-- JSON Merge Patch of the answer (responded_on, outcome, tenancy_started_on) and needed_by.
-- A partner answers only its own referrals, cannot withdraw them, and an outcome without
-- responded_on is dated today.
CREATE FUNCTION housing_referral_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r housing_referrals;
    v_outcome text;
BEGIN
    -- Row-level security leaves only the referrals the caller may reach.
    SELECT * INTO r FROM housing_referrals x WHERE x.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'housing referral');
    PERFORM cl_if_match(p_version, r.version, 'housing referral');
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
    PERFORM cl_audit_patch('housing_referral', r.id, p);
    RETURN QUERY SELECT housing_referral_json(r), r.version, r.id;
END
$$;

-- One referral, audited as a read of the young person's record; 404 outside the caller's scope.
CREATE FUNCTION housing_referral_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::housing_referrals, 'housing_referral', p_id, true);
END
$$;

-- A page of referrals, newest referred first, in the caller's scope, filtered; the page's
-- referral ids go into one audit row.
CREATE FUNCTION housing_referral_list(p_partner uuid, p_care_leaver uuid, p_protocol uuid,
                                      p_outcome text, p_pending boolean, p_from date, p_to date,
                                      p_after_on date, p_after_id uuid, p_limit integer)
RETURNS TABLE (body text, k_on text, k_id text) LANGUAGE plpgsql AS $$
DECLARE
    r housing_referrals;
    ids uuid[] := '{}';
BEGIN
    FOR r IN
        SELECT * FROM housing_referrals x
        WHERE (p_partner IS NULL OR x.partner_id = p_partner)
          AND (p_care_leaver IS NULL OR x.care_leaver_id = p_care_leaver)
          AND (p_protocol IS NULL OR x.protocol_id = p_protocol)
          AND (p_outcome IS NULL OR x.outcome = p_outcome)
          AND (p_pending IS NULL
               OR p_pending = (x.responded_on IS NULL AND x.outcome IS NULL))
          AND (p_from IS NULL OR x.referred_on >= p_from)
          AND (p_to IS NULL OR x.referred_on <= p_to)
          AND (p_after_on IS NULL OR (x.referred_on, x.id) < (p_after_on, p_after_id))
        ORDER BY x.referred_on DESC, x.id DESC
        LIMIT p_limit
    LOOP
        body := housing_referral_json(r);
        k_on := r.referred_on::text;
        k_id := r.id::text;
        ids := ids || r.id;
        RETURN NEXT;
    END LOOP;
    PERFORM cl_audit('list', 'housing_referral', NULL, jsonb_build_object('ids', to_jsonb(ids)));
END
$$;

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

CREATE FUNCTION housing_breach_get(p_protocol uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b housing_protocol_breaches;
BEGIN
    SELECT * INTO b FROM housing_protocol_breaches x
    WHERE x.protocol_id = p_protocol AND x.id = p_id;
    PERFORM cl_found(FOUND, 'breach');
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
--   move_without_notice  a move placed by a partner (placed_by 'partner') begun in the period
--                   of which the council heard after the move or never
--                   (accommodation_notice_on; occurred_on: the day of the move);
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
    SELECT 'derived', 'move_without_notice', e.provider_id, e.care_leaver_id, e.started_on, e.id,
           CASE WHEN n.notice_on IS NULL THEN 'never notified'
                ELSE format('notified %s days after the move', n.notice_on - e.started_on) END
    FROM accommodation_episodes e CROSS JOIN LATERAL accommodation_notice(e) n
    WHERE e.placed_by = 'partner' AND e.started_on BETWEEN p_from AND p_to
      AND (n.notice_on IS NULL OR n.notice_on > e.started_on)
    UNION ALL
    SELECT 'recorded', b.kind, b.partner_id, b.care_leaver_id, b.occurred_on, b.id, b.details
    FROM housing_protocol_breaches b
    WHERE b.protocol_id = p_protocol AND b.occurred_on BETWEEN p_from AND p_to
$$;

-- The figures per partner: one row per party to the protocol and per other partner with a
-- bed-and-breakfast placement or a breach in the period. Notice of the moves a partner placed
-- (begun in the period): partner_moves, notified_late (heard of after the move), never_notified,
-- and notice_lag_days, the days from move to notice summed over the late ones.
CREATE FUNCTION housing_protocol_figures(p_protocol uuid, p_from date, p_to date)
RETURNS TABLE (partner_id uuid, name text, kind text, party boolean, referrals_made bigint,
               referred_by_lead_date bigint, answered bigint, answered_in_time bigint,
               answered_late bigint, overdue_now bigint, awaiting_in_time bigint,
               withdrawn_unanswered bigint, moves_without_notice bigint,
               bnb_placements bigint, bnb_nights bigint, bnb_placements_over_limit bigint,
               breaches bigint, partner_moves bigint, notified_late bigint,
               never_notified bigint, notice_lag_days bigint)
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
    mv AS (
        SELECT e.provider_id, n.notice_on - e.started_on AS lag
        FROM accommodation_episodes e CROSS JOIN LATERAL accommodation_notice(e) n
        WHERE e.placed_by = 'partner' AND e.started_on BETWEEN p_from AND p_to),
    who AS (
        SELECT x.partner_id AS id FROM housing_protocol_parties x WHERE x.protocol_id = p_protocol
        UNION SELECT provider_id FROM mv
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
           (SELECT count(*) FROM br WHERE br.partner_id = p.id),
           (SELECT count(*) FROM mv WHERE mv.provider_id = p.id),
           (SELECT count(*) FROM mv WHERE mv.provider_id = p.id AND mv.lag > 0),
           (SELECT count(*) FROM mv WHERE mv.provider_id = p.id AND mv.lag IS NULL),
           (SELECT coalesce(sum(mv.lag), 0) FROM mv WHERE mv.provider_id = p.id AND mv.lag > 0)
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
    PERFORM cl_found(FOUND, 'housing protocol');
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
               'breaches', f.breaches, 'partner_moves', f.partner_moves,
               'notified_late', f.notified_late, 'never_notified', f.never_notified,
               'notice_lag_days_mean', round(f.notice_lag_days::numeric
                                             / nullif(f.notified_late, 0), 1))
               ORDER BY f.name, f.partner_id), '[]'),
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
               'breaches', coalesce(sum(f.breaches), 0),
               'partner_moves', coalesce(sum(f.partner_moves), 0),
               'notified_late', coalesce(sum(f.notified_late), 0),
               'never_notified', coalesce(sum(f.never_notified), 0),
               'notice_lag_days_mean', round(sum(f.notice_lag_days)::numeric
                                             / nullif(sum(f.notified_late), 0), 1))
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
