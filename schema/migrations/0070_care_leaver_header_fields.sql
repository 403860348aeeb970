-- The SSDA903 Header items the care leaver record did not hold yet: the Unique Pupil Number,
-- whether the young person is a mother, and the date of birth of her first child (Header UPN,
-- MOTHER and MC_DOB; the project's SSDA903 domain notes §1-§2). Stored, written through
-- the api's create and merge patch, given in the representation (care_leaver_extra_json), and
-- written into the return's Header (ssda903_return_rows).
--
-- What the columns accept is what no DfE rule could ever allow:
--   upn              13 characters: a letter other than I, O or S, 11 digits, then a digit or
--                    a letter (rule 168; the stored form is upper case), or UN1-UN5 for an
--                    unknown UPN. Whether UN1 suits the young person's age (209) and whether a
--                    UPN is used twice (444) are the return's checks, so an officer sees them
--                    in the validation report with the CHILD to fix.
--   mother           1 is a mother, 0 is not; NULL not recorded.
--   first_child_dob  after the young person's own date of birth (621).
--   neither MOTHER nor MC_DOB for a male (174): both stay NULL when sex is M.
-- MOTHER without a child's date of birth (611), a child's date of birth with MOTHER 0 (612) and
-- a mother under 11 (620) can be recorded while the facts are being established; the return's
-- validation names them.
--
-- In the return's Header (DfE rules that run with the Episodes file, which a leaving care
-- service does not send, but which DfE's own checks apply):
--   * UPN is written for every young person;
--   * MOTHER and MC_DOB only for young people looked after at some point in the collection
--     year, i.e. whose care ended on or after its 1 April (rule 628: no motherhood details for
--     care leavers not looked after during the year; 607: MOTHER completed for a female who
--     ceased to be looked after in the year), and never for males;
--   * as at the end of the year: a first child born after 31 March is not in that year's
--     return (MOTHER 0, MC_DOB blank), so a past year's return does not change when a later
--     birth is recorded.

ALTER TABLE care_leavers
    ADD COLUMN upn text
        CONSTRAINT care_leavers_upn_format
        CHECK (upn ~ '^([A-HJ-NPQRT-Z][0-9]{11}[0-9A-Z]|UN[1-5])$'),
    ADD COLUMN mother smallint CONSTRAINT care_leavers_mother_code CHECK (mother IN (0, 1)),
    ADD COLUMN first_child_dob date,
    ADD CONSTRAINT care_leavers_first_child_after_birth
        CHECK (first_child_dob > date_of_birth),
    ADD CONSTRAINT care_leavers_motherhood_not_male
        CHECK (sex <> 'M' OR (mother IS NULL AND first_child_dob IS NULL));

-- The three items as they appear in the representation. The representation itself
-- (care_leaver_json) is built elsewhere; this is the part to merge into it.
CREATE FUNCTION care_leaver_extra_json(c care_leavers) RETURNS jsonb
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT jsonb_build_object('upn', c.upn, 'mother', c.mother,
                              'first_child_dob', c.first_child_dob)
$$;

-- 0012's rules over the whole row, plus the motherhood items'.
CREATE OR REPLACE FUNCTION care_leaver_problems(n care_leavers, o care_leavers) RETURNS text[]
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

-- 0012's create, writing the three items too.
CREATE OR REPLACE FUNCTION care_leaver_create(p jsonb, p_days integer)
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

-- 0012's merge patch, writing the three items too.
CREATE OR REPLACE FUNCTION care_leaver_patch(p_id uuid, p jsonb, p_version text, p_days integer)
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
