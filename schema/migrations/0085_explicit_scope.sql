-- Explicit scope predicates in the casework functions (issue 4's follow-up: defence in depth).
--
-- Until now care_leaver_patch (0012, 0070), care_leaver_for_nested (0013: every pathway plan,
-- contact, contact-status event and outreach path that names a care leaver) and the outreach
-- attempts reached by their own id (0014: outreach_contact_read, outreach_contact_patch, and
-- outreach_contact_list without a care leaver filter) kept an adviser to its own caseload and
-- a partner to what is addressed to it only through row-level security. Accommodation, EET and
-- grants (0020-0023) also say it in their own WHERE clauses with cl_can_see_care_leaver (0003);
-- now these do too, so out of scope still answers exactly like missing (CL404 with the same
-- message) if the policies were ever dropped, disabled or bypassed (the owner's connection,
-- SECURITY DEFINER, a role with BYPASSRLS). The policies stay as the second wall.
--
-- Writes: care_leaver_patch also requires cl_can_write_care_leaver (0010), like
-- episode_care_leaver's p_write (0020): a role that may see a care leaver but not change it
-- is told there is no such care leaver (the route table answers 403 before that anyway).
--
-- Left as they were, because they take no id from a caller or are handed rows already scoped:
-- the 0011 by-id helpers (cl_contact_status(uuid, ...), cl_plan_overdue(uuid, ...),
-- cl_visit_overdue(uuid, ...), used by reports running with the service role), cl_died_on and
-- pathway_plan_supersede (called with the id of a care leaver care_leaver_for_nested found),
-- outreach_contact_json, care_leaver_allocation_check (counts an adviser's open cases) and
-- outreach_contact_summary (SECURITY DEFINER, with its own role predicate). care_leaver_read,
-- care_leaver_list and the representation are 0080's.

-- The care leaver a nested request is about, or 404 when it does not exist or the caller may
-- not reach it. p_lock: take a row lock so version numbers and the single current plan are
-- assigned one request at a time.
CREATE OR REPLACE FUNCTION care_leaver_for_nested(p_id uuid, p_lock boolean) RETURNS care_leavers
    LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers;
BEGIN
    IF p_lock THEN
        SELECT * INTO c FROM care_leavers x
        WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id)
        FOR UPDATE;
    ELSE
        SELECT * INTO c FROM care_leavers x
        WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id);
    END IF;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    RETURN c;
END
$$;

-- 0070's merge patch, finding the care leaver only within the caller's scope.
CREATE OR REPLACE FUNCTION care_leaver_patch(p_id uuid, p jsonb, p_version text, p_days integer)
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

-- ---- outreach attempts reached by their own id -----------------------------------------------

-- Each query below also asks whether the caller may reach the care leaver the attempt was sent
-- to, written out rather than called through a function holding a sub-select, for the reason
-- 0010 gives for its policies.

CREATE OR REPLACE FUNCTION outreach_contact_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n outreach_contacts;
BEGIN
    SELECT * INTO n FROM outreach_contacts x
    WHERE x.id = p_id
      AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                  AND cl_can_see_care_leaver(c.adviser_id, c.id));
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such outreach contact');
    END IF;
    PERFORM cl_audit('read', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', n.care_leaver_id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- 0014's merge patch of the response (response, responded_on, notes), guarded by If-Match,
-- finding the attempt only within the caller's scope and only for the roles that write a care
-- leaver's records.
CREATE OR REPLACE FUNCTION outreach_contact_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o outreach_contacts;
    n outreach_contacts;
BEGIN
    SELECT * INTO o FROM outreach_contacts x
    WHERE x.id = p_id
      AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                  AND cl_can_see_care_leaver(c.adviser_id, c.id)
                  AND cl_can_write_care_leaver(c.adviser_id))
    FOR UPDATE OF x;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such outreach contact');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> o.version::text THEN
        PERFORM cl_fail('CL412', 'the outreach contact has changed since it was read');
    END IF;
    n := o;
    IF p ? 'response' THEN n.response := p->>'response'; END IF;
    IF p ? 'responded_on' THEN
        n.responded_on := (p->>'responded_on')::date;
    ELSIF n.response = 'none' THEN
        n.responded_on := NULL;
    END IF;
    IF p ? 'notes' THEN n.notes := p->>'notes'; END IF;
    PERFORM cl_fail_fields(outreach_contact_problems(n));
    UPDATE outreach_contacts x SET response = n.response, responded_on = n.responded_on,
        notes = n.notes, version = x.version + 1, updated_at = now()
    WHERE x.id = o.id
    RETURNING * INTO n;
    PERFORM cl_audit('update', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', n.care_leaver_id, 'fields',
                                        (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- 0014's list, newest first (keyset on sent_on, id). Filtering by a care leaver the caller
-- cannot reach is 404 (care_leaver_for_nested); without that filter each attempt's care
-- leaver must be within the caller's scope. For the roles that see every care leaver the
-- first arm of the OR settles it without looking the care leaver up.
CREATE OR REPLACE FUNCTION outreach_contact_list(p_cl uuid, p_response text, p_channel text,
                                                 p_from date, p_to date, p_k1 date, p_k2 uuid,
                                                 p_limit integer)
RETURNS TABLE (body text, sent_on text, id text) LANGUAGE plpgsql AS $$
BEGIN
    IF p_cl IS NOT NULL THEN
        PERFORM care_leaver_for_nested(p_cl, false);
    END IF;
    -- planned for the values given (see care_leaver_list)
    RETURN QUERY EXECUTE $q$
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT x AS r FROM outreach_contacts x
              WHERE ($1 IS NULL OR x.care_leaver_id = $1)
                AND ($2 IS NULL OR x.response = $2)
                AND ($3 IS NULL OR x.channel = $3)
                AND ($4 IS NULL OR x.sent_on >= $4)
                AND ($5 IS NULL OR x.sent_on <= $5)
                AND ($6 IS NULL OR (x.sent_on, x.id) < ($6, $7))
                AND (cl_sees_all()
                     OR EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                                AND cl_can_see_care_leaver(c.adviser_id, c.id)))
              ORDER BY x.sent_on DESC, x.id DESC LIMIT $8) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'outreach_contact', (page.r).id, cl_request_id(),
               jsonb_build_object('care_leaver_id', (page.r).care_leaver_id)
        FROM page WHERE page.n < $8
    )
    SELECT outreach_contact_json(page.r), (page.r).sent_on::text, (page.r).id::text
    FROM page ORDER BY (page.r).sent_on DESC, (page.r).id DESC
    $q$ USING p_cl, p_response, p_channel, p_from, p_to, p_k1, p_k2, p_limit;
END
$$;
