-- Housing referrals: a care leaver referred to a partner under a version of the joint housing
-- protocol, the date the partner must answer by (derived from the protocol's response_days),
-- the answer and the tenancy that follows.
--
-- Advisers create and update referrals for their own caseload, managers and admins for anyone;
-- services read. A partner sees and answers only the referrals addressed to it, and sees about
-- the young person only id, names, date of birth and district (housing_referral_json). Through
-- cl_partner_sees_via_housing a partner reaches exactly the care leavers referred to it.

CREATE TABLE housing_referrals (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id     uuid NOT NULL REFERENCES care_leavers (id),
    partner_id         uuid NOT NULL REFERENCES partners (id),
    protocol_id        uuid NOT NULL REFERENCES housing_protocols (id),
    referral_type      text NOT NULL DEFAULT 'register'
                       CHECK (referral_type IN ('register', 'homeless_application', 'nomination',
                                                'supported_housing')),
    referred_on        date NOT NULL,
    needed_by          date,
    response_due_on    date NOT NULL,
    responded_on       date,
    outcome            text CHECK (outcome IN ('accepted', 'offered', 'declined',
                                               'more_information', 'withdrawn')),
    tenancy_started_on date,
    created_by         text NOT NULL DEFAULT '',
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (needed_by IS NULL OR needed_by >= referred_on),
    CHECK (response_due_on >= referred_on),
    CHECK (responded_on IS NULL OR responded_on >= referred_on),
    -- An answer has an outcome; a partner's outcome has the date it was given.
    CHECK (responded_on IS NULL OR outcome IS NOT NULL),
    CHECK (outcome IS NULL OR outcome = 'withdrawn' OR responded_on IS NOT NULL),
    CHECK (tenancy_started_on IS NULL OR (outcome IN ('accepted', 'offered')
                                          AND tenancy_started_on >= referred_on))
);
CREATE INDEX housing_referrals_care_leaver ON housing_referrals (care_leaver_id);
CREATE INDEX housing_referrals_partner ON housing_referrals (partner_id, referred_on DESC, id);
CREATE INDEX housing_referrals_protocol ON housing_referrals (protocol_id, referred_on);
CREATE INDEX housing_referrals_list ON housing_referrals (referred_on DESC, id);

-- Whether the calling partner has a referral for this care leaver. SECURITY DEFINER so the check
-- does not go back through the row-level security of housing_referrals (whose adviser rule
-- reads care_leavers, whose rule calls this).
CREATE FUNCTION cl_partner_sees_via_housing(p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM housing_referrals r
        WHERE r.care_leaver_id = p_care_leaver AND r.partner_id = cl_org_id())
$$;

DO $$
BEGIN
    IF to_regproc('cl_partner_sees_via_eet') IS NOT NULL THEN
        CREATE OR REPLACE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid)
        RETURNS boolean LANGUAGE sql STABLE AS $f$
            SELECT cl_partner_sees_via_housing(p_care_leaver)
                OR coalesce(cl_partner_sees_via_eet(p_care_leaver), false)
        $f$;
    ELSE
        CREATE OR REPLACE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid)
        RETURNS boolean LANGUAGE sql STABLE AS $f$
            SELECT cl_partner_sees_via_housing(p_care_leaver)
        $f$;
    END IF;
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

ALTER TABLE housing_referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE housing_referrals FORCE ROW LEVEL SECURITY;
CREATE POLICY housing_referrals_scope ON housing_referrals TO cl_app
    USING (housing_referral_visible(partner_id, care_leaver_id))
    WITH CHECK (housing_referral_visible(partner_id, care_leaver_id));
CREATE POLICY housing_referrals_owner ON housing_referrals TO CURRENT_USER
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON housing_referrals TO cl_app;

-- The representation. A partner gets the minimum about the young person: id, given and family
-- name, date of birth and district; everyone else also the LA child id and the adviser.
CREATE FUNCTION housing_referral_json(r housing_referrals) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'care_leaver_id', r.care_leaver_id,
        'care_leaver', (
            SELECT CASE WHEN cl_role() = 'partner'
                        THEN json_build_object('id', c.id, 'given_name', c.given_name,
                                               'family_name', c.family_name,
                                               'date_of_birth', c.date_of_birth,
                                               'district', c.district)
                        ELSE json_build_object('id', c.id, 'la_child_id', c.la_child_id,
                                               'given_name', c.given_name,
                                               'family_name', c.family_name,
                                               'date_of_birth', c.date_of_birth,
                                               'district', c.district,
                                               'adviser_id', c.adviser_id) END
            FROM care_leavers c WHERE c.id = r.care_leaver_id),
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
        PERFORM cl_fail('CL422', 'protocol_id is not a housing protocol');
    END IF;
    IF h.status NOT IN ('signed_off', 'superseded') THEN
        PERFORM cl_fail('CL409', 'referrals are made under a signed-off protocol');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM partners x WHERE x.id = v_partner AND x.active) THEN
        PERFORM cl_fail('CL422', 'partner_id is not an active partner');
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing referral');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> r.version::text THEN
        PERFORM cl_fail('CL412', 'the housing referral has changed since it was read');
    END IF;
    IF cl_role() = 'partner' AND p ? 'needed_by' THEN
        PERFORM cl_fail('CL422', 'a partner may change only the answer');
    END IF;
    v_outcome := CASE WHEN p ? 'outcome' THEN p->>'outcome' ELSE r.outcome END;
    IF cl_role() = 'partner' AND p ? 'outcome' AND v_outcome = 'withdrawn' THEN
        PERFORM cl_fail('CL422', 'only the leaving care service withdraws a referral');
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

-- One referral, audited as a read of the young person's record; 404 outside the caller's scope.
CREATE FUNCTION housing_referral_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r housing_referrals;
BEGIN
    SELECT * INTO r FROM housing_referrals x WHERE x.id = p_id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing referral');
    END IF;
    PERFORM cl_audit('read', 'housing_referral', r.id);
    RETURN QUERY SELECT housing_referral_json(r), r.version, r.id;
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
