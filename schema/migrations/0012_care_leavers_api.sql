-- /v1/care-leavers and /v1/advisers/{id}/caseload: representation, create, read (audited),
-- merge patch with allocation and closing, list with filters, and the caseload summary.
--
-- Validation that needs the stored row or several fields at once is raised by cl_fail_fields
-- as one CL422 whose message lists "field: message" pairs separated by "; "; the api turns it
-- into the problem's errors list.
--
-- Service window: a record may be created (or its date of birth changed) only for a young
-- person aged 15 to 25 on that day: 16-25 is the leaving care age span, and a case may open a
-- few months before the 16th birthday so the needs assessment can start on time.

CREATE FUNCTION cl_fail_fields(p_problems text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(p_problems) > 0 THEN
        PERFORM cl_fail('CL422', array_to_string(p_problems, '; '));
    END IF;
END
$$;

CREATE FUNCTION care_leaver_json(c care_leavers, p_on date, p_days integer) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_status text := cl_contact_status(c, p_on, p_days);
    v_plan date := cl_pathway_plan_due_on(c, p_on);
    v_visit date := cl_next_visit_due_on(c, p_on);
BEGIN
    RETURN json_build_object(
        'id', c.id, 'la_child_id', c.la_child_id, 'given_name', c.given_name,
        'family_name', c.family_name, 'preferred_name', c.preferred_name,
        'date_of_birth', c.date_of_birth, 'sex', c.sex, 'ethnicity', c.ethnicity,
        'uasc', c.uasc, 'category', c.category, 'care_ceased_on', c.care_ceased_on,
        'district', c.district, 'adviser_id', c.adviser_id, 'phone', c.phone,
        'email', c.email, 'address', c.address, 'postcode', c.postcode,
        'opened_on', c.opened_on, 'status', c.status, 'closed_on', c.closed_on,
        'closed_reason', c.closed_reason,
        'age', cl_age_on(c.date_of_birth, p_on),
        'contact_status', v_status, 'in_touch', v_status = 'in_touch',
        'last_contact_on', cl_last_contact_on(c.id, p_on),
        'pathway_plan_due_on', v_plan, 'plan_overdue', coalesce(v_plan < p_on, false),
        'next_visit_due_on', v_visit, 'visit_overdue', coalesce(v_visit < p_on, false),
        'version', c.version, 'created_at', cl_ts(c.created_at),
        'updated_at', cl_ts(c.updated_at))::text;
END
$$;

-- Every rule over the whole row that the api's per-field checks cannot see. o is the stored
-- row (NULL on create).
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
    PERFORM cl_fail_fields(care_leaver_problems(c, NULL));
    IF c.adviser_id IS NOT NULL AND c.status = 'open' THEN
        PERFORM care_leaver_allocation_check(c.id, c.adviser_id, v_override);
    END IF;
    INSERT INTO care_leavers (id, la_child_id, given_name, family_name, preferred_name,
                              date_of_birth, sex, ethnicity, uasc, category, care_ceased_on,
                              district, adviser_id, phone, email, address, postcode, opened_on,
                              status, closed_on, closed_reason)
    VALUES (c.id, c.la_child_id, c.given_name, c.family_name, c.preferred_name,
            c.date_of_birth, c.sex, c.ethnicity, c.uasc, c.category, c.care_ceased_on,
            c.district, c.adviser_id, c.phone, c.email, c.address, c.postcode, c.opened_on,
            c.status, c.closed_on, c.closed_reason)
    RETURNING * INTO c;
    PERFORM cl_audit('create', 'care_leaver', c.id);
    IF c.adviser_id IS NOT NULL THEN
        PERFORM cl_audit('allocate', 'care_leaver', c.id,
                         jsonb_build_object('from', NULL, 'to', c.adviser_id));
    END IF;
    RETURN QUERY SELECT care_leaver_json(c, current_date, p_days), c.version, c.id;
END
$$;

-- One care leaver, audited as a read. Out of scope is the same as absent.
CREATE FUNCTION care_leaver_read(p_id uuid, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers;
BEGIN
    SELECT * INTO c FROM care_leavers x WHERE x.id = p_id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    PERFORM cl_audit('read', 'care_leaver', c.id);
    RETURN QUERY SELECT care_leaver_json(c, current_date, p_days), c.version, c.id;
END
$$;

-- JSON Merge Patch guarded by If-Match (p_version: NULL, '*' or N). Reallocation (a new
-- adviser_id) is for managers and administrators; closing needs closed_on and closed_reason;
-- reopening clears them.
CREATE FUNCTION care_leaver_patch(p_id uuid, p jsonb, p_version text, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o care_leavers;
    c care_leavers;
    v_override boolean := coalesce((p->>'override_caseload_limit')::boolean, false);
    v_manager boolean := cl_role() IN ('manager', 'admin');
BEGIN
    SELECT * INTO o FROM care_leavers x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> o.version::text THEN
        PERFORM cl_fail('CL412', 'the care leaver has changed since it was read');
    END IF;
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
        closed_reason = c.closed_reason, version = x.version + 1, updated_at = now()
    WHERE x.id = p_id
    RETURNING * INTO c;
    PERFORM cl_audit('update', 'care_leaver', c.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
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

-- A page of care leavers by family name, given name, id (keyset after p_k1, p_k2, p_k3).
-- Row-level security limits an adviser to its own caseload (and the adviser filter is set to
-- the adviser itself, so the query uses the index); an adviser filtering by another adviser
-- is told there is no such adviser. Each care leaver shown is audited as listed.
CREATE FUNCTION care_leaver_list(p_district text, p_adviser uuid, p_category text,
                                 p_status text, p_min_age integer, p_max_age integer,
                                 p_in_touch boolean, p_plan_overdue boolean,
                                 p_visit_overdue boolean, p_q text, p_k1 text, p_k2 text,
                                 p_k3 uuid, p_limit integer, p_days integer)
RETURNS TABLE (body text, family_name text, given_name text, id text) LANGUAGE plpgsql AS $$
BEGIN
    IF p_adviser IS NOT NULL AND cl_role() = 'adviser'
       AND p_adviser IS DISTINCT FROM cl_adviser_id() THEN
        PERFORM cl_fail('CL404', 'no such adviser');
    END IF;
    IF cl_role() = 'adviser' THEN
        p_adviser := cl_adviser_id();
    END IF;
    -- A constant text run with EXECUTE ... USING is planned for the values given, so filters
    -- left out drop away and the keyset condition is an index range (page 1000 costs what
    -- page 1 costs).
    RETURN QUERY EXECUTE $q$
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT c AS r FROM care_leavers c
              WHERE ($1 IS NULL OR c.district = $1)
                AND ($2 IS NULL OR c.adviser_id = $2)
                AND ($3 IS NULL OR c.category = $3)
                AND ($4 IS NULL OR c.status = $4)
                AND ($5 IS NULL OR c.date_of_birth <= current_date - make_interval(years => $5))
                AND ($6 IS NULL
                     OR c.date_of_birth > current_date - make_interval(years => $6 + 1))
                AND ($10 IS NULL
                     OR upper(left(c.la_child_id, length($10))) = upper($10)
                     OR lower(left(c.family_name, length($10))) = lower($10)
                     OR lower(left(c.given_name, length($10))) = lower($10)
                     OR lower(left(coalesce(c.preferred_name, ''), length($10))) = lower($10))
                AND ($11 IS NULL OR (c.family_name, c.given_name, c.id) > ($11, $12, $13))
                AND ($7 IS NULL OR cl_in_touch(c, current_date, $15) = $7)
                AND ($8 IS NULL OR cl_plan_overdue(c, current_date) = $8)
                AND ($9 IS NULL OR cl_visit_overdue(c, current_date) = $9)
              ORDER BY c.family_name, c.given_name, c.id
              LIMIT $14) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id)
        SELECT cl_sub(), cl_role(), 'list', 'care_leaver', (page.r).id, cl_request_id()
        FROM page WHERE page.n < $14
    )
    SELECT care_leaver_json(page.r, current_date, $15), (page.r).family_name,
           (page.r).given_name, (page.r).id::text
    FROM page ORDER BY (page.r).family_name, (page.r).given_name, (page.r).id
    $q$ USING p_district, p_adviser, p_category, p_status, p_min_age, p_max_age, p_in_touch,
              p_plan_overdue, p_visit_overdue, p_q, p_k1, p_k2, p_k3, p_limit, p_days;
END
$$;

-- The caseload of one adviser today: open care leavers allocated to it, by category and
-- contact status, and how many have a visit or plan overdue or are not in touch.
CREATE FUNCTION adviser_caseload(p_adviser uuid, p_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    a advisers;
BEGIN
    SELECT * INTO a FROM advisers x WHERE x.id = p_adviser AND adviser_visible(x.id);
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such adviser');
    END IF;
    RETURN QUERY
    WITH cl AS (
        SELECT c.category, cl_contact_status(c, current_date, p_days) AS status,
               cl_plan_overdue(c, current_date) AS plan_overdue,
               cl_visit_overdue(c, current_date) AS visit_overdue
        FROM care_leavers c WHERE c.adviser_id = p_adviser AND c.status = 'open'
    )
    SELECT json_build_object(
        'adviser_id', a.id, 'as_at', current_date, 'caseload_limit', a.caseload_limit,
        'fte', a.fte, 'count', count(*), 'over_limit', count(*) > a.caseload_limit,
        'by_category', json_build_object(
            'eligible', count(*) FILTER (WHERE cl.category = 'eligible'),
            'relevant', count(*) FILTER (WHERE cl.category = 'relevant'),
            'former_relevant', count(*) FILTER (WHERE cl.category = 'former_relevant'),
            'qualifying', count(*) FILTER (WHERE cl.category = 'qualifying')),
        'by_contact_status', json_build_object(
            'in_touch', count(*) FILTER (WHERE cl.status = 'in_touch'),
            'not_in_touch', count(*) FILTER (WHERE cl.status = 'not_in_touch'),
            'refuses_contact', count(*) FILTER (WHERE cl.status = 'refuses_contact'),
            'no_longer_requires_services',
                count(*) FILTER (WHERE cl.status = 'no_longer_requires_services'),
            'died', count(*) FILTER (WHERE cl.status = 'died'),
            'returned_home', count(*) FILTER (WHERE cl.status = 'returned_home')),
        'visits_overdue', count(*) FILTER (WHERE cl.visit_overdue),
        'plans_overdue', count(*) FILTER (WHERE cl.plan_overdue),
        'not_in_touch', count(*) FILTER (WHERE cl.status <> 'in_touch'))::text,
        NULL::integer, a.id
    FROM cl;
END
$$;
