-- The joint housing protocol as versions with structured, measurable commitments, the partners
-- party to each version and their signatures.
--
-- Lifecycle: draft -> consultation -> approved -> signed_off -> superseded; consultation may go
-- back to draft. signed_off needs every party's signature; signing off a version supersedes the
-- one in force in the same transaction, and a partial unique index keeps exactly one version
-- signed off. A version is superseded only by signing off its successor.
--
-- Admin writes; a partner signs for itself, an admin records a signature on a party's behalf.
-- Protocols are not personal data: the board, advisers, managers, admins and services read
-- every version; a partner reads the versions it is party to (others are 404).

CREATE TABLE housing_protocols (
    id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title                        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    edition                      integer NOT NULL UNIQUE CHECK (edition BETWEEN 1 AND 9999),
    status                       text NOT NULL DEFAULT 'draft'
                                 CHECK (status IN ('draft', 'consultation', 'approved',
                                                   'signed_off', 'superseded')),
    approving_body               text NOT NULL DEFAULT ''
                                 CHECK (length(approving_body) <= 200),
    review_due_on                date,
    -- The commitments, each a measurable rule.
    referral_lead_days_before_18 integer NOT NULL DEFAULT 180
                                 CHECK (referral_lead_days_before_18 BETWEEN 0 AND 730),
    response_days                integer NOT NULL DEFAULT 10
                                 CHECK (response_days BETWEEN 1 AND 365),
    move_notice_days             integer NOT NULL DEFAULT 28
                                 CHECK (move_notice_days BETWEEN 0 AND 365),
    max_bnb_nights               integer NOT NULL DEFAULT 0
                                 CHECK (max_bnb_nights BETWEEN 0 AND 365),
    clauses                      text[] NOT NULL DEFAULT '{}'
                                 CHECK (cardinality(clauses) <= 100),
    signed_off_at                timestamptz,
    superseded_at                timestamptz,
    superseded_by                uuid REFERENCES housing_protocols (id),
    version                      integer NOT NULL DEFAULT 1,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('signed_off', 'superseded')) = (signed_off_at IS NOT NULL)),
    CHECK ((status = 'superseded') = (superseded_at IS NOT NULL))
);
-- Exactly one version in force.
CREATE UNIQUE INDEX housing_protocols_in_force ON housing_protocols ((true))
    WHERE status = 'signed_off';
CREATE INDEX housing_protocols_list ON housing_protocols (edition DESC, id);

CREATE TABLE housing_protocol_parties (
    protocol_id      uuid NOT NULL REFERENCES housing_protocols (id),
    partner_id       uuid NOT NULL REFERENCES partners (id),
    signed_at        timestamptz,
    signatory_name   text CHECK (length(signatory_name) BETWEEN 1 AND 200),
    signatory_title  text CHECK (length(signatory_title) <= 200),
    recorded_by      text,
    recorded_by_role text CHECK (recorded_by_role IN ('partner', 'admin')),
    PRIMARY KEY (protocol_id, partner_id),
    CHECK ((signed_at IS NULL) = (signatory_name IS NULL)),
    CHECK ((signed_at IS NULL) = (recorded_by_role IS NULL))
);
CREATE INDEX housing_protocol_parties_partner ON housing_protocol_parties (partner_id);

GRANT SELECT, INSERT, UPDATE ON housing_protocols TO cl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON housing_protocol_parties TO cl_app;

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
        PERFORM cl_fail('CL422', 'every party must be an active partner');
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> h.version::text THEN
        PERFORM cl_fail('CL412', 'the housing protocol has changed since it was read');
    END IF;
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
    PERFORM cl_audit('update', 'housing_protocol', h.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> h.version::text THEN
        PERFORM cl_fail('CL412', 'the housing protocol has changed since it was read');
    END IF;
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such housing protocol');
    END IF;
    IF cl_role() = 'partner' THEN
        who := cl_org_id();
        IF p ? 'partner_id' AND (p->>'partner_id')::uuid IS DISTINCT FROM who THEN
            PERFORM cl_fail('CL422', 'a partner signs only for itself');
        END IF;
    ELSE
        who := (p->>'partner_id')::uuid;
        IF who IS NULL THEN
            PERFORM cl_fail('CL422', 'partner_id is required when signing on behalf of a party');
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
