-- /v1/entitlements and /v1/care-leavers/{id}/entitlements (api/entitlements.c): what a care
-- leaver is entitled to, as effective-dated policy (migration 0300 describes the tables).
--
-- * An entitlement's versions never overlap (an exclusion constraint: 409). A new version that
--   starts after the open one ends that one the day before it starts, unless a payment made
--   under the open one is dated on or after that day (409: payments stay with their version).
-- * A version's cap may be corrected (PATCH), never below what has been paid under it (409).
-- * Eligibility on a date is entitlement_eligible: the version's rules (age range, legal
--   categories, districts, in EET or not; NULL: anyone) over the care leaver on that date.
-- * A care leaver's status (entitlement_status): for each active entitlement, or one they have
--   been paid under, the version in force on the date, whether they are eligible, and for a
--   grant what they have used (every payment, under every version), what remains of the
--   version's cap, and the top-up due: the rest of a raised cap for someone who had used up
--   the cap of the version they were last paid under.

CREATE FUNCTION entitlement_version_json(v entitlement_versions) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'entitlement_id', v.entitlement_id, 'effective_from', v.effective_from,
        'effective_to', v.effective_to, 'cap_pence', v.cap_pence, 'min_age', v.min_age,
        'max_age', v.max_age, 'categories', v.categories, 'districts', v.districts,
        'in_eet', v.in_eet,
        'paid_pence', (SELECT coalesce(sum(g.amount_pence), 0) FROM grant_payments g
                       WHERE g.entitlement_version_id = v.id),
        'version', v.version, 'created_at', cl_ts(v.created_at),
        'updated_at', cl_ts(v.updated_at))
$$;

CREATE FUNCTION entitlement_json(e entitlements) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'name', e.name, 'kind', e.kind, 'description', e.description,
        'policy_reference', e.policy_reference, 'active', e.active,
        'versions', (SELECT coalesce(json_agg(entitlement_version_json(v)
                                              ORDER BY v.effective_from), '[]'::json)
                     FROM entitlement_versions v WHERE v.entitlement_id = e.id),
        'version', e.version, 'created_at', cl_ts(e.created_at),
        'updated_at', cl_ts(e.updated_at))::text
$$;

CREATE FUNCTION entitlement_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    e entitlements;
BEGIN
    INSERT INTO entitlements (name, kind, description, policy_reference, active)
    VALUES (btrim(p->>'name'), p->>'kind', coalesce(p->>'description', ''),
            coalesce(p->>'policy_reference', ''), coalesce((p->>'active')::boolean, true))
    RETURNING * INTO e;
    PERFORM cl_audit('create', 'entitlement', e.id);
    RETURN QUERY SELECT entitlement_json(e), e.version, e.id;
END
$$;

-- The kind is fixed at creation: payments and versions depend on it.
CREATE FUNCTION entitlement_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    e entitlements;
BEGIN
    SELECT * INTO e FROM entitlements x WHERE x.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'entitlement');
    PERFORM cl_if_match(p_version, e.version, 'entitlement');
    IF p ? 'kind' AND p->>'kind' <> e.kind THEN
        PERFORM cl_fail('CL409', 'the kind of an entitlement cannot change');
    END IF;
    UPDATE entitlements x SET
        name = CASE WHEN p ? 'name' THEN btrim(p->>'name') ELSE x.name END,
        description = CASE WHEN p ? 'description' THEN coalesce(p->>'description', '')
                           ELSE x.description END,
        policy_reference = CASE WHEN p ? 'policy_reference'
                                THEN coalesce(p->>'policy_reference', '')
                                ELSE x.policy_reference END,
        active = CASE WHEN p ? 'active' THEN (p->>'active')::boolean ELSE x.active END,
        version = x.version + 1, updated_at = now()
    WHERE x.id = p_id
    RETURNING * INTO e;
    PERFORM cl_audit_patch('entitlement', e.id, p);
    RETURN QUERY SELECT entitlement_json(e), e.version, e.id;
END
$$;

CREATE FUNCTION entitlement_version_get(p_entitlement uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql STABLE AS $$
    SELECT entitlement_version_json(v)::text, v.version, v.id
    FROM entitlement_versions v WHERE v.id = p_id AND v.entitlement_id = p_entitlement
$$;

CREATE FUNCTION entitlement_version_create(p_entitlement uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    e entitlements;
    v entitlement_versions;
    problems text[] := '{}';
BEGIN
    -- Versions of one entitlement are added one at a time.
    SELECT * INTO e FROM entitlements x WHERE x.id = p_entitlement FOR UPDATE;
    PERFORM cl_found(FOUND, 'entitlement');
    v.id := gen_random_uuid();
    v.entitlement_id := e.id;
    v.effective_from := (p->>'effective_from')::date;
    v.effective_to := (p->>'effective_to')::date;
    v.cap_pence := (p->>'cap_pence')::integer;
    v.min_age := (p->>'min_age')::integer;
    v.max_age := (p->>'max_age')::integer;
    v.categories := CASE WHEN jsonb_typeof(p->'categories') = 'array'
                         THEN ARRAY(SELECT jsonb_array_elements_text(p->'categories')) END;
    v.districts := CASE WHEN jsonb_typeof(p->'districts') = 'array'
                        THEN ARRAY(SELECT jsonb_array_elements_text(p->'districts')) END;
    v.in_eet := (p->>'in_eet')::boolean;
    v.version := 1;
    v.created_at := now();
    v.updated_at := v.created_at;
    IF e.kind = 'grant' AND v.cap_pence IS NULL THEN
        problems := problems || 'cap_pence: is required for a grant'::text;
    ELSIF e.kind <> 'grant' AND v.cap_pence IS NOT NULL THEN
        problems := problems || 'cap_pence: is only for a grant'::text;
    END IF;
    IF v.effective_to IS NOT NULL AND v.effective_to <= v.effective_from THEN
        problems := problems || 'effective_to: must be after effective_from'::text;
    END IF;
    IF v.min_age IS NOT NULL AND v.max_age IS NOT NULL AND v.max_age < v.min_age THEN
        problems := problems || 'max_age: must not be below min_age'::text;
    END IF;
    PERFORM cl_fail_fields(problems);
    -- The open version that started earlier ends where this one starts; its payments stay
    -- with it, so none may be dated on or after that day.
    IF EXISTS (SELECT 1 FROM entitlement_versions o JOIN grant_payments g
                   ON g.entitlement_version_id = o.id
               WHERE o.entitlement_id = e.id AND o.effective_to IS NULL
                 AND o.effective_from < v.effective_from AND g.paid_on >= v.effective_from) THEN
        PERFORM cl_fail('CL409', 'payments dated on or after effective_from were made under '
                                 || 'the version in force; a new version cannot start before them');
    END IF;
    UPDATE entitlement_versions o SET effective_to = v.effective_from, version = o.version + 1,
                                      updated_at = now()
    WHERE o.entitlement_id = e.id AND o.effective_to IS NULL
      AND o.effective_from < v.effective_from;
    INSERT INTO entitlement_versions VALUES (v.*);
    PERFORM cl_audit('create', 'entitlement_version', v.id,
                     jsonb_build_object('entitlement_id', e.id));
    RETURN QUERY SELECT entitlement_version_json(v)::text, v.version, v.id;
END
$$;

-- Corrects a version's cap; never below what has been paid under that version.
CREATE FUNCTION entitlement_version_patch(p_entitlement uuid, p_id uuid, p jsonb,
                                          p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    e entitlements;
    v entitlement_versions;
BEGIN
    SELECT * INTO e FROM entitlements x WHERE x.id = p_entitlement;
    PERFORM cl_found(FOUND, 'entitlement version');
    SELECT * INTO v FROM entitlement_versions x
    WHERE x.id = p_id AND x.entitlement_id = p_entitlement FOR UPDATE;
    PERFORM cl_found(FOUND, 'entitlement version');
    PERFORM cl_if_match(p_version, v.version, 'entitlement version');
    IF e.kind <> 'grant' THEN
        PERFORM cl_fail('CL409', 'only a grant has a cap');
    END IF;
    -- Payments under this version take the same person lock first (grant_payment_create),
    -- so the sum read here cannot be overtaken by one in flight.
    PERFORM 1 FROM grant_balances b WHERE b.entitlement_id = e.id FOR UPDATE;
    IF (p->>'cap_pence')::integer < (SELECT coalesce(sum(g.amount_pence), 0)
                                     FROM grant_payments g
                                     WHERE g.entitlement_version_id = v.id) THEN
        PERFORM cl_fail('CL409', 'the cap is below what has already been paid under this '
                                 || 'version');
    END IF;
    UPDATE entitlement_versions x SET cap_pence = (p->>'cap_pence')::integer,
                                      version = x.version + 1, updated_at = now()
    WHERE x.id = v.id
    RETURNING * INTO v;
    PERFORM cl_audit_patch('entitlement_version', v.id, p);
    RETURN QUERY SELECT entitlement_version_json(v)::text, v.version, v.id;
END
$$;

-- The version of an entitlement in force on a date (NULL when none).
CREATE FUNCTION entitlement_version_on(p_entitlement uuid, p_on date)
RETURNS entitlement_versions LANGUAGE sql STABLE AS $$
    SELECT v.* FROM entitlement_versions v
    WHERE v.entitlement_id = p_entitlement AND daterange(v.effective_from, v.effective_to) @> p_on
$$;

-- Whether a care leaver meets a version's rules on a date.
CREATE FUNCTION entitlement_eligible(v entitlement_versions, c care_leavers, p_on date)
RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT (v.min_age IS NULL OR cl_age_on(c.date_of_birth, p_on) >= v.min_age)
       AND (v.max_age IS NULL OR cl_age_on(c.date_of_birth, p_on) <= v.max_age)
       AND (v.categories IS NULL OR c.category = ANY (v.categories))
       AND (v.districts IS NULL OR c.district = ANY (v.districts))
       AND (v.in_eet IS NULL OR coalesce(eet_on(c.id, p_on), false) = v.in_eet)
$$;

-- A care leaver's entitlements on a date, by name (keyset on name, id), as JSON rows.
CREATE FUNCTION entitlement_status(c care_leavers, p_on date, p_k1 text, p_k2 text,
                                   p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
               'entitlement_id', e.id, 'name', e.name, 'kind', e.kind,
               'description', e.description, 'version_id', v.id,
               'effective_from', v.effective_from, 'cap_pence', v.cap_pence,
               'eligible', s.eligible,
               'used_pence', CASE WHEN e.kind = 'grant' THEN pay.total END,
               'remaining_pence', CASE WHEN e.kind = 'grant'
                                       THEN CASE WHEN s.eligible
                                                 THEN greatest(v.cap_pence - pay.total, 0)
                                                 ELSE 0 END END,
               'top_up_due_pence', CASE WHEN e.kind = 'grant'
                                        THEN CASE WHEN s.eligible AND last.cap_pence IS NOT NULL
                                                   AND last.id <> v.id
                                                   AND last.cap_pence < v.cap_pence
                                                   AND pay.total >= last.cap_pence
                                                  THEN greatest(v.cap_pence - pay.total, 0)
                                                  ELSE 0 END END)::text,
           e.name, e.id::text
    FROM entitlements e
    JOIN entitlement_versions v ON v.entitlement_id = e.id
                                AND daterange(v.effective_from, v.effective_to) @> p_on
    CROSS JOIN LATERAL (SELECT coalesce(sum(g.amount_pence), 0) AS total
                        FROM grant_payments g
                        WHERE g.care_leaver_id = c.id AND g.entitlement_id = e.id) pay
    -- the version of their latest payment
    LEFT JOIN LATERAL (SELECT w.id, w.cap_pence FROM grant_payments g
                       JOIN entitlement_versions w ON w.id = g.entitlement_version_id
                       WHERE g.care_leaver_id = c.id AND g.entitlement_id = e.id
                       ORDER BY g.paid_on DESC, g.created_at DESC LIMIT 1) last ON true
    CROSS JOIN LATERAL (SELECT entitlement_eligible(v, c, p_on) AS eligible) s
    WHERE (e.active OR pay.total > 0)
      AND (p_k1 IS NULL OR (e.name, e.id) > (p_k1, p_k2::uuid))
    ORDER BY e.name, e.id
    LIMIT p_limit
$$;

CREATE FUNCTION entitlement_status_list(p_cl uuid, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'entitlement_status', c.id);
    RETURN QUERY SELECT * FROM entitlement_status(c, current_date, p_k1, p_k2, p_limit);
END
$$;

-- ---- council tax exemption --------------------------------------------------------------------

CREATE FUNCTION council_tax_scheme_json(s council_tax_schemes) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'district', s.district, 'exempt_until_age', s.exempt_until_age,
        'effective_from', s.effective_from, 'effective_to', s.effective_to,
        'needs_application', s.needs_application, 'notes', s.notes, 'version', s.version,
        'created_at', cl_ts(s.created_at), 'updated_at', cl_ts(s.updated_at))::text
$$;

CREATE FUNCTION council_tax_scheme_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s council_tax_schemes;
BEGIN
    IF (p->>'effective_to')::date <= (p->>'effective_from')::date THEN
        PERFORM cl_fail_field('effective_to', 'must be after effective_from');
    END IF;
    INSERT INTO council_tax_schemes (district, exempt_until_age, effective_from, effective_to,
                                     needs_application, notes)
    VALUES (btrim(p->>'district'), (p->>'exempt_until_age')::integer,
            (p->>'effective_from')::date, (p->>'effective_to')::date,
            (p->>'needs_application')::boolean, coalesce(p->>'notes', ''))
    RETURNING * INTO s;
    PERFORM cl_audit('create', 'council_tax_scheme', s.id);
    RETURN QUERY SELECT council_tax_scheme_json(s), s.version, s.id;
END
$$;

-- The scheme of a district in force on a date (NULL when none).
CREATE FUNCTION council_tax_scheme_on(p_district text, p_on date)
RETURNS council_tax_schemes LANGUAGE sql STABLE AS $$
    SELECT s.* FROM council_tax_schemes s
    WHERE s.district = p_district AND daterange(s.effective_from, s.effective_to) @> p_on
$$;

CREATE FUNCTION council_tax_status_json(t council_tax_statuses) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'care_leaver_id', t.care_leaver_id, 'scheme_id', t.scheme_id,
        'district', s.district, 'exempt_until_age', s.exempt_until_age, 'status', t.status,
        'applied_on', t.applied_on, 'decided_on', t.decided_on, 'version', t.version,
        'created_at', cl_ts(t.created_at), 'updated_at', cl_ts(t.updated_at))::text
    FROM council_tax_schemes s WHERE s.id = t.scheme_id
$$;

-- A status is recorded under the scheme of the care leaver's district in force today; none
-- is a 409 (there is nothing to be exempt under).
CREATE FUNCTION council_tax_status_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    s council_tax_schemes := council_tax_scheme_on(c.district, current_date);
    t council_tax_statuses;
BEGIN
    IF s.id IS NULL THEN
        PERFORM cl_fail('CL409', 'the care leaver''s district has no council tax scheme in force');
    END IF;
    INSERT INTO council_tax_statuses (care_leaver_id, scheme_id, status, applied_on, decided_on,
                                      created_by)
    VALUES (c.id, s.id, p->>'status', (p->>'applied_on')::date, (p->>'decided_on')::date,
            cl_sub())
    RETURNING * INTO t;
    PERFORM cl_audit('create', 'council_tax_status', t.id,
                     jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT council_tax_status_json(t), t.version, t.id;
END
$$;

-- The writable fields of a status (cl_write); stored as given.
CREATE FUNCTION council_tax_status_fields() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{status,applied_on,decided_on}'::text[] $$;

CREATE FUNCTION council_tax_status_clean(t council_tax_statuses, p jsonb)
RETURNS council_tax_statuses LANGUAGE sql IMMUTABLE AS $$ SELECT t $$;

CREATE FUNCTION council_tax_status_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM episode_write(NULL::council_tax_statuses, 'council_tax_status',
                                'council tax status', 'council_tax_status_json', p_cl, p, p_id,
                                p_version)
$$;

CREATE FUNCTION council_tax_status_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::council_tax_statuses,
        'council_tax_status', p_cl, p_id);
END
$$;

-- Oldest id first (keyset on id).
CREATE FUNCTION council_tax_status_list(p_cl uuid, p_k1 text, p_limit integer)
RETURNS TABLE (body text, k1 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT l.body, l.k1 FROM care_leaver_record_list(NULL::council_tax_statuses,
        'council_tax_status', p_cl, 'id', p_k1, p_k1, p_limit, p_desc => false) l;
END
$$;

-- The Board's figure, per district and in total: open cases aged from 18 to below their
-- district scheme's age on p_to (the eligible), and of them those whose exemption had been
-- granted by then.
CREATE FUNCTION board_council_tax_figures(p_from date, p_to date, p_districts text[])
RETURNS TABLE (code text, category text, cat_sort integer, district text, num bigint,
               den bigint)
LANGUAGE sql STABLE AS $$
    SELECT 'council_tax_exempt', NULL::text, 0,
           CASE WHEN GROUPING(x.district) = 0 THEN x.district END,
           count(*) FILTER (WHERE x.granted), count(*)
    FROM (SELECT c.district,
                 EXISTS (SELECT 1 FROM council_tax_statuses t
                         WHERE t.care_leaver_id = c.id AND t.scheme_id = s.id
                           AND t.status = 'granted' AND t.decided_on <= p_to) AS granted
          FROM care_leavers c
          JOIN council_tax_schemes s ON s.district = c.district
                                    AND daterange(s.effective_from, s.effective_to) @> p_to
          WHERE cl_case_open_on(c, p_to)
            AND cl_age_on(c.date_of_birth, p_to) BETWEEN 18 AND s.exempt_until_age - 1
            AND (p_districts IS NULL OR c.district = ANY (p_districts))) x
    GROUP BY GROUPING SETS ((), (x.district))
$$;
