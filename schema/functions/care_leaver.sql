-- /v1/care-leavers (api/care_leavers.c): the care leaver's representation, create, read
-- (audited), merge patch with allocation and closing, and the list with its filters.
--
-- The representation is care_leaver_rep: one query over the derived facts (facts.sql) that
-- the planner inlines into its caller, so a read is one statement with the audit row and the
-- list computes the facts only when a filter needs them (a keyset range on care_leavers_name;
-- static queries for the unfiltered page).
--
-- Validation that needs the stored row or several fields at once is raised by cl_fail_fields
-- as one CL422. Service window: a record may be created (or its date of birth changed) only
-- for a young person aged 15 to 25 on that day: 16-25 is the leaving care age span, and a case
-- may open a few months before the 16th birthday so the needs assessment can start on time.

CREATE FUNCTION care_leavers_sex_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sex := CASE NEW.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE NEW.sex END;
    RETURN NEW;
END
$$;
CREATE TRIGGER care_leavers_sex_code BEFORE INSERT OR UPDATE OF sex ON care_leavers
    FOR EACH ROW EXECUTE FUNCTION care_leavers_sex_code();

-- The representation of one row, for create, patch and any other caller. PL/pgSQL, so the
-- query is planned once per session rather than on every call.
CREATE FUNCTION care_leaver_json(c care_leavers, p_on date, p_days integer)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT r.body FROM care_leaver_rep(c, p_on, p_days) r);
END
$$;

-- The rules over the whole row, the motherhood items' among them.
CREATE FUNCTION care_leaver_problems(n care_leavers, o care_leavers) RETURNS text[]
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e text[] := '{}';
BEGIN
    IF o.id IS NULL OR n.date_of_birth IS DISTINCT FROM o.date_of_birth THEN
        IF n.date_of_birth > current_date THEN
            e := e || 'date_of_birth: must not be in the future'::text;
        ELSIF cl_age_on(n.date_of_birth, current_date) NOT BETWEEN 15 AND 25 THEN
            e := e || 'date_of_birth: age must be 15 to 25, the service window'::text;
        END IF;
    END IF;
    IF n.care_ceased_on < n.date_of_birth THEN
        e := e || 'care_ceased_on: must not be before date_of_birth'::text;
    END IF;
    IF n.category = 'eligible' AND n.care_ceased_on IS NOT NULL THEN
        e := e || 'care_ceased_on: an eligible young person is still looked after'::text;
    END IF;
    IF n.opened_on < n.date_of_birth THEN
        e := e || 'opened_on: must not be before date_of_birth'::text;
    END IF;
    IF n.status = 'closed' THEN
        IF n.closed_on IS NULL THEN
            e := e || 'closed_on: is required to close a case'::text;
        ELSIF n.closed_on < n.opened_on THEN
            e := e || 'closed_on: must not be before opened_on'::text;
        END IF;
        IF n.closed_reason IS NULL THEN
            e := e || 'closed_reason: is required to close a case'::text;
        END IF;
    ELSE
        IF n.closed_on IS NOT NULL THEN
            e := e || 'closed_on: only a closed case has one'::text;
        END IF;
        IF n.closed_reason IS NOT NULL THEN
            e := e || 'closed_reason: only a closed case has one'::text;
        END IF;
    END IF;
    IF n.adviser_id IS NOT NULL AND n.adviser_id IS DISTINCT FROM o.adviser_id
       AND NOT EXISTS (SELECT 1 FROM advisers a WHERE a.id = n.adviser_id AND a.active) THEN
        e := e || 'adviser_id: no such active adviser'::text;
    END IF;
    IF n.first_child_dob <= n.date_of_birth THEN
        e := e || 'first_child_dob: must be after date_of_birth'::text;
    END IF;
    IF n.sex = 'M' AND n.mother IS NOT NULL THEN
        e := e || 'mother: is not recorded for a male (sex M)'::text;
    END IF;
    IF n.sex = 'M' AND n.first_child_dob IS NOT NULL THEN
        e := e || 'first_child_dob: is not recorded for a male (sex M)'::text;
    END IF;
    RETURN e;
END
$$;

-- Allocating care leaver p_cl to p_adviser: over the adviser's caseload_limit is 409 unless
-- p_override, which is audited. The adviser row is locked so two allocations cannot both
-- take the last place.
CREATE FUNCTION care_leaver_allocation_check(p_cl uuid, p_adviser uuid, p_override boolean)
RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    v_limit integer;
    v_open integer;
BEGIN
    SELECT a.caseload_limit INTO v_limit FROM advisers a WHERE a.id = p_adviser FOR UPDATE;
    SELECT count(*) INTO v_open FROM care_leavers c
    WHERE c.adviser_id = p_adviser AND c.status = 'open' AND c.id <> p_cl;
    IF v_open + 1 > v_limit THEN
        IF NOT p_override THEN
            PERFORM cl_fail('CL409', 'the adviser''s caseload is at its limit; '
                            'send "override_caseload_limit": true to allocate anyway');
        END IF;
        PERFORM cl_audit('override', 'care_leaver', p_cl,
                         jsonb_build_object('adviser_id', p_adviser, 'open_cases', v_open,
                                            'caseload_limit', v_limit));
    END IF;
END
$$;

-- Create, with the SSDA903 Header items (upn, mother, first_child_dob).
CREATE FUNCTION care_leaver_create(p jsonb, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers;
    v_override boolean := coalesce((p->>'override_caseload_limit')::boolean, false);
BEGIN
    IF cl_role() = 'adviser' THEN
        IF p ? 'adviser_id' AND (p->>'adviser_id')::uuid IS DISTINCT FROM cl_adviser_id() THEN
            PERFORM cl_fail('CL403', 'an adviser may add care leavers only to its own caseload');
        END IF;
        IF v_override THEN
            PERFORM cl_fail('CL403', 'only managers and administrators may override a caseload limit');
        END IF;
        c.adviser_id := cl_adviser_id();
    ELSE
        c.adviser_id := (p->>'adviser_id')::uuid;
    END IF;
    c.id := gen_random_uuid();
    c.la_child_id := p->>'la_child_id';
    c.given_name := p->>'given_name';
    c.family_name := p->>'family_name';
    c.preferred_name := p->>'preferred_name';
    c.date_of_birth := (p->>'date_of_birth')::date;
    c.sex := p->>'sex';
    c.ethnicity := p->>'ethnicity';
    c.uasc := coalesce((p->>'uasc')::boolean, false);
    c.category := p->>'category';
    c.care_ceased_on := (p->>'care_ceased_on')::date;
    c.district := p->>'district';
    c.phone := p->>'phone';
    c.email := lower(p->>'email');
    c.address := p->>'address';
    c.postcode := p->>'postcode';
    c.opened_on := coalesce((p->>'opened_on')::date, current_date);
    c.status := coalesce(p->>'status', 'open');
    c.closed_on := (p->>'closed_on')::date;
    c.closed_reason := p->>'closed_reason';
    c.upn := upper(p->>'upn');
    c.mother := (p->>'mother')::smallint;
    c.first_child_dob := (p->>'first_child_dob')::date;
    PERFORM cl_fail_fields(care_leaver_problems(c, NULL));
    IF c.adviser_id IS NOT NULL AND c.status = 'open' THEN
        PERFORM care_leaver_allocation_check(c.id, c.adviser_id, v_override);
    END IF;
    INSERT INTO care_leavers (id, la_child_id, given_name, family_name, preferred_name,
                              date_of_birth, sex, ethnicity, uasc, category, care_ceased_on,
                              district, adviser_id, phone, email, address, postcode, opened_on,
                              status, closed_on, closed_reason, upn, mother, first_child_dob)
    VALUES (c.id, c.la_child_id, c.given_name, c.family_name, c.preferred_name,
            c.date_of_birth, c.sex, c.ethnicity, c.uasc, c.category, c.care_ceased_on,
            c.district, c.adviser_id, c.phone, c.email, c.address, c.postcode, c.opened_on,
            c.status, c.closed_on, c.closed_reason, c.upn, c.mother, c.first_child_dob)
    RETURNING * INTO c;
    PERFORM cl_audit('create', 'care_leaver', c.id);
    IF c.adviser_id IS NOT NULL THEN
        PERFORM cl_audit('allocate', 'care_leaver', c.id,
                         jsonb_build_object('from', NULL, 'to', c.adviser_id));
    END IF;
    RETURN QUERY SELECT care_leaver_json(c, current_date, p_days), c.version, c.id;
END
$$;

-- One care leaver, audited as a read (the audit row as cl_audit writes it). One statement.
CREATE FUNCTION care_leaver_read(p_id uuid, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY
    WITH audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id)
        SELECT cl_sub(), cl_role(), 'read', 'care_leaver', x.id, cl_request_id()
        FROM care_leavers x WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id)
    )
    SELECT r.body, x.version, x.id
    FROM care_leavers x CROSS JOIN LATERAL care_leaver_rep(x, current_date, p_days) r
    WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id);
    PERFORM cl_found(FOUND, 'care leaver');
END
$$;

-- Merge patch, finding the care leaver only within the caller's scope.
CREATE FUNCTION care_leaver_patch(p_id uuid, p jsonb, p_version text, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o care_leavers;
    c care_leavers;
    v_override boolean := coalesce((p->>'override_caseload_limit')::boolean, false);
    v_manager boolean := cl_role() IN ('manager', 'admin');
BEGIN
    SELECT * INTO o FROM care_leavers x
    WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id)
      AND cl_can_write_care_leaver(x.adviser_id)
    FOR UPDATE;
    PERFORM cl_found(FOUND, 'care leaver');
    PERFORM cl_if_match(p_version, o.version, 'care leaver');
    IF p ? 'adviser_id' AND (p->>'adviser_id')::uuid IS DISTINCT FROM o.adviser_id
       AND NOT v_manager THEN
        PERFORM cl_fail('CL403', 'only managers and administrators may allocate a care leaver');
    END IF;
    IF v_override AND NOT v_manager THEN
        PERFORM cl_fail('CL403', 'only managers and administrators may override a caseload limit');
    END IF;
    c := o;
    IF p ? 'la_child_id' THEN c.la_child_id := p->>'la_child_id'; END IF;
    IF p ? 'given_name' THEN c.given_name := p->>'given_name'; END IF;
    IF p ? 'family_name' THEN c.family_name := p->>'family_name'; END IF;
    IF p ? 'preferred_name' THEN c.preferred_name := p->>'preferred_name'; END IF;
    IF p ? 'date_of_birth' THEN c.date_of_birth := (p->>'date_of_birth')::date; END IF;
    IF p ? 'sex' THEN c.sex := p->>'sex'; END IF;
    IF p ? 'ethnicity' THEN c.ethnicity := p->>'ethnicity'; END IF;
    IF p ? 'uasc' THEN c.uasc := (p->>'uasc')::boolean; END IF;
    IF p ? 'category' THEN c.category := p->>'category'; END IF;
    IF p ? 'care_ceased_on' THEN c.care_ceased_on := (p->>'care_ceased_on')::date; END IF;
    IF p ? 'district' THEN c.district := p->>'district'; END IF;
    IF p ? 'adviser_id' THEN c.adviser_id := (p->>'adviser_id')::uuid; END IF;
    IF p ? 'phone' THEN c.phone := p->>'phone'; END IF;
    IF p ? 'email' THEN c.email := lower(p->>'email'); END IF;
    IF p ? 'address' THEN c.address := p->>'address'; END IF;
    IF p ? 'postcode' THEN c.postcode := p->>'postcode'; END IF;
    IF p ? 'opened_on' THEN c.opened_on := (p->>'opened_on')::date; END IF;
    IF p ? 'status' THEN c.status := p->>'status'; END IF;
    IF p ? 'closed_on' THEN
        c.closed_on := (p->>'closed_on')::date;
    ELSIF c.status = 'open' THEN
        c.closed_on := NULL;
    END IF;
    IF p ? 'closed_reason' THEN
        c.closed_reason := p->>'closed_reason';
    ELSIF c.status = 'open' THEN
        c.closed_reason := NULL;
    END IF;
    IF p ? 'upn' THEN c.upn := upper(p->>'upn'); END IF;
    IF p ? 'mother' THEN c.mother := (p->>'mother')::smallint; END IF;
    IF p ? 'first_child_dob' THEN c.first_child_dob := (p->>'first_child_dob')::date; END IF;
    PERFORM cl_fail_fields(care_leaver_problems(c, o));
    IF c.adviser_id IS NOT NULL AND c.status = 'open'
       AND (c.adviser_id IS DISTINCT FROM o.adviser_id OR o.status <> 'open') THEN
        PERFORM care_leaver_allocation_check(c.id, c.adviser_id, v_override);
    END IF;
    UPDATE care_leavers x SET
        la_child_id = c.la_child_id, given_name = c.given_name, family_name = c.family_name,
        preferred_name = c.preferred_name, date_of_birth = c.date_of_birth, sex = c.sex,
        ethnicity = c.ethnicity, uasc = c.uasc, category = c.category,
        care_ceased_on = c.care_ceased_on, district = c.district, adviser_id = c.adviser_id,
        phone = c.phone, email = c.email, address = c.address, postcode = c.postcode,
        opened_on = c.opened_on, status = c.status, closed_on = c.closed_on,
        closed_reason = c.closed_reason, upn = c.upn, mother = c.mother,
        first_child_dob = c.first_child_dob, version = x.version + 1, updated_at = now()
    WHERE x.id = p_id
    RETURNING * INTO c;
    PERFORM cl_audit_patch('care_leaver', c.id, p);
    IF c.adviser_id IS DISTINCT FROM o.adviser_id THEN
        PERFORM cl_audit('allocate', 'care_leaver', c.id,
                         jsonb_build_object('from', o.adviser_id, 'to', c.adviser_id));
    END IF;
    IF c.status = 'closed' AND o.status = 'open' THEN
        PERFORM cl_audit('close', 'care_leaver', c.id);
    END IF;
    RETURN QUERY SELECT care_leaver_json(c, current_date, p_days), c.version, c.id;
END
$$;

-- A page of care leavers by family name, given name, id (keyset after p_k1, p_k2, p_k3), with
-- its filters, order and audit rows, in two steps (the caller's scope is the
-- row-level security policy's alone here: written out as well, the planner counts its
-- selectivity twice, expects a few dozen rows and sorts the whole table instead of walking
-- care_leavers_name, 1.2 ms -> 380 ms for a first page at 100 000 rows):
--   1. the page's rows, by a query that is an index range on care_leavers_name: static
--      without filters; with filters, put together from constant pieces for the filters given
--      (values only ever as parameters), so each filter left out drops away and the derived
--      facts are computed only when a filter needs them, for the rows the page walks past;
--   2. their representation and audit rows, by one static query whose plan is made once per
--      session (planned with the page's LIMIT in it, the representation's many sub-queries
--      made the planner re-plan the whole on every call). Step 1 hands over only the ids, in
--      order: step 2 reads each row again by its key, so the representation gets the table's
--      row (its fields plain columns) rather than a record taken apart field by field.
CREATE FUNCTION care_leaver_list(p_district text, p_adviser uuid, p_category text,
                                            p_status text, p_min_age integer,
                                            p_max_age integer, p_in_touch boolean,
                                            p_plan_overdue boolean, p_visit_overdue boolean,
                                            p_q text, p_k1 text, p_k2 text, p_k3 uuid,
                                            p_limit integer, p_days integer)
RETURNS TABLE (body text, family_name text, given_name text, id text) LANGUAGE plpgsql AS $$
DECLARE
    v_where text := '';
    v_page uuid[];
BEGIN
    IF p_adviser IS NOT NULL AND cl_role() = 'adviser'
       AND p_adviser IS DISTINCT FROM cl_adviser_id() THEN
        PERFORM cl_fail('CL404', 'no such adviser');
    END IF;
    IF cl_role() = 'adviser' THEN
        p_adviser := cl_adviser_id();
    END IF;
    IF p_district IS NULL AND p_adviser IS NULL AND p_category IS NULL AND p_status IS NULL
       AND p_min_age IS NULL AND p_max_age IS NULL AND p_in_touch IS NULL
       AND p_plan_overdue IS NULL AND p_visit_overdue IS NULL AND p_q IS NULL THEN
        IF p_k1 IS NULL THEN
            SELECT array_agg(s.r ORDER BY s.k1, s.k2, s.r)
            INTO v_page
            FROM (SELECT c.id AS r, c.family_name AS k1, c.given_name AS k2 FROM care_leavers c
                  ORDER BY c.family_name, c.given_name, c.id LIMIT p_limit) s;
        ELSE
            SELECT array_agg(s.r ORDER BY s.k1, s.k2, s.r)
            INTO v_page
            FROM (SELECT c.id AS r, c.family_name AS k1, c.given_name AS k2 FROM care_leavers c
                  WHERE (c.family_name, c.given_name, c.id) > (p_k1, p_k2, p_k3)
                  ORDER BY c.family_name, c.given_name, c.id LIMIT p_limit) s;
        END IF;
    ELSE
        IF p_district IS NOT NULL THEN
            v_where := v_where || ' AND c.district = $1';
        END IF;
        IF p_adviser IS NOT NULL THEN
            v_where := v_where || ' AND c.adviser_id = $2';
        END IF;
        IF p_category IS NOT NULL THEN
            v_where := v_where || ' AND c.category = $3';
        END IF;
        IF p_status IS NOT NULL THEN
            v_where := v_where || ' AND c.status = $4';
        END IF;
        IF p_min_age IS NOT NULL THEN
            v_where := v_where
                       || ' AND c.date_of_birth <= current_date - make_interval(years => $5)';
        END IF;
        IF p_max_age IS NOT NULL THEN
            v_where := v_where
                       || ' AND c.date_of_birth > current_date - make_interval(years => $6 + 1)';
        END IF;
        IF p_q IS NOT NULL THEN
            v_where := v_where || $w$ AND (upper(left(c.la_child_id, length($10))) = upper($10)
                     OR lower(left(c.family_name, length($10))) = lower($10)
                     OR lower(left(c.given_name, length($10))) = lower($10)
                     OR lower(left(coalesce(c.preferred_name, ''), length($10))) = lower($10))$w$;
        END IF;
        IF p_k1 IS NOT NULL THEN
            v_where := v_where || ' AND (c.family_name, c.given_name, c.id) > ($11, $12, $13)';
        END IF;
        IF p_in_touch IS NOT NULL THEN
            v_where := v_where || $w$ AND (f.contact_status = 'in_touch') = $7$w$;
        END IF;
        IF p_plan_overdue IS NOT NULL THEN
            v_where := v_where
                       || ' AND coalesce(f.pathway_plan_due_on < current_date, false) = $8';
        END IF;
        IF p_visit_overdue IS NOT NULL THEN
            v_where := v_where
                       || ' AND coalesce(f.next_visit_due_on < current_date, false) = $9';
        END IF;
        EXECUTE
            'SELECT array_agg(s.r ORDER BY s.k1, s.k2, s.r)
             FROM (SELECT c.id AS r, c.family_name AS k1, c.given_name AS k2 FROM care_leavers c'
            || CASE WHEN p_in_touch IS NOT NULL OR p_plan_overdue IS NOT NULL
                         OR p_visit_overdue IS NOT NULL
                    THEN ' CROSS JOIN LATERAL (SELECT care_leaver_state_on(c.id, current_date)
                                                  AS s OFFSET 0) s
                           CROSS JOIN LATERAL care_leaver_facts_of(c, s.s, current_date, $15) f'
                    ELSE '' END
            || ' WHERE true' || v_where || '
                   ORDER BY c.family_name, c.given_name, c.id LIMIT $14) s'
        INTO v_page
        USING p_district, p_adviser, p_category, p_status, p_min_age, p_max_age, p_in_touch,
              p_plan_overdue, p_visit_overdue, p_q, p_k1, p_k2, p_k3, p_limit, p_days;
    END IF;
    -- The page is audited as listed by one row naming, in order, every care leaver shown;
    -- the look-ahead row (the last of a full page, which only tells the api there is a next
    -- page) is not shown. An empty page shows no one and writes no row.
    RETURN QUERY
    WITH audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_ids, request_id)
        SELECT cl_sub(), cl_role(), 'list', 'care_leaver', v_page[1:p_limit - 1], cl_request_id()
        WHERE cardinality(v_page[1:p_limit - 1]) > 0
    )
    SELECT b.body, c.family_name, c.given_name, c.id::text
    FROM unnest(v_page) WITH ORDINALITY AS u (id, n)
    JOIN care_leavers c ON c.id = u.id
    CROSS JOIN LATERAL care_leaver_rep(c, current_date, p_days) b
    ORDER BY u.n;
END
$$;


-- The three items as they appear in the representation. The representation itself
-- (care_leaver_json) is built elsewhere; this is the part to merge into it.
CREATE FUNCTION care_leaver_extra_json(c care_leavers) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('upn', c.upn, 'mother', c.mother,
                              'first_child_dob', c.first_child_dob)
$$;

-- The representation on p_on, from the read model's row (read_model.sql): the care leaver's
-- own row and that one row, no other table (care_leaver_state_on only for a row whose horizon
-- is after p_on). One json_build_object, the two current episodes (jsonb) among its members; a
-- partner's has neither, so its text ends before the first of them (a member name inside a
-- JSON string has its quotes escaped, so the first unescaped match is the member).
CREATE FUNCTION care_leaver_rep(c care_leavers, p_on date, p_days integer)
RETURNS TABLE (body text)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cl_role() = 'partner'
                THEN left(b.body, strpos(b.body, ', "current_accommodation" : ') - 1) || '}'
                ELSE b.body END
    FROM (SELECT json_build_object(
              'id', c.id, 'la_child_id', c.la_child_id, 'given_name', c.given_name,
              'family_name', c.family_name, 'preferred_name', c.preferred_name,
              'date_of_birth', c.date_of_birth, 'sex', c.sex, 'ethnicity', c.ethnicity,
              'uasc', c.uasc, 'category', c.category, 'care_ceased_on', c.care_ceased_on,
              'district', c.district, 'adviser_id', c.adviser_id, 'phone', c.phone,
              'email', c.email, 'address', c.address, 'postcode', c.postcode,
              'opened_on', c.opened_on, 'status', c.status, 'closed_on', c.closed_on,
              'closed_reason', c.closed_reason, 'upn', c.upn, 'mother', c.mother,
              'first_child_dob', c.first_child_dob,
              'age', cl_age_on(c.date_of_birth, p_on),
              'contact_status', f.contact_status, 'in_touch', f.contact_status = 'in_touch',
              'last_contact_on', f.last_contact_on,
              'pathway_plan_due_on', f.pathway_plan_due_on,
              'plan_overdue', coalesce(f.pathway_plan_due_on < p_on, false),
              'next_visit_due_on', f.next_visit_due_on,
              'visit_overdue', coalesce(f.next_visit_due_on < p_on, false),
              'version', c.version, 'created_at', cl_ts(c.created_at),
              'updated_at', cl_ts(c.updated_at),
              'current_accommodation',
              CASE WHEN cl_in_force((s.s).accommodation_started_on,
                                    (s.s).accommodation_ended_on, p_on)
                   THEN (s.s).accommodation || jsonb_build_object('current', cl_in_force(
                            (s.s).accommodation_started_on, (s.s).accommodation_ended_on,
                            current_date)) END,
              'current_activity',
              CASE WHEN cl_in_force((s.s).activity_started_on, (s.s).activity_ended_on, p_on)
                   THEN (s.s).activity || jsonb_build_object('current', cl_in_force(
                            (s.s).activity_started_on, (s.s).activity_ended_on,
                            current_date)) END)::text AS body
          FROM (SELECT CASE WHEN x.horizon > p_on THEN care_leaver_state_on(c.id, p_on)
                            ELSE x END AS s
                FROM care_leaver_state x WHERE x.care_leaver_id = c.id OFFSET 0) s
          CROSS JOIN LATERAL care_leaver_facts_of(c, s.s, p_on, p_days) f) b
$$;
