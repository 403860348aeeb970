-- The care leaver representation as one SQL query the planner inlines into the read's and the
-- list's own queries, with the SSDA903 Header items (0070) in it, and the read scoped in its
-- own WHERE clause as well as by row-level security.
--
-- Why (issue 9): 0060 built the representation in care_leaver_json, a PL/pgSQL function, so
-- its query was planned once per session, but the list called it once per row of a page, and
-- the list's own query, planned with the page's LIMIT in it, was judged too dear for a generic
-- plan and planned again on every call. Now:
--   care_leaver_rep(c, d, in_touch_days)   the representation, one query over
--       care_leaver_facts (0060), inlined into its caller;
--   care_leaver_json(c, d, in_touch_days)  care_leaver_rep for one row (create, patch and any
--       other caller), PL/pgSQL so its plan is made once per session;
--   care_leaver_read                       the audit row and the read in one statement, with
--       the caller's scope (cl_can_see_care_leaver) in its WHERE clause;
--   care_leaver_list                       the page's rows first (a keyset range on
--       care_leavers_name), then their representation and audit rows by one static query.
-- upn, mother and first_child_dob (0070's care_leaver_extra_json) join the representation
-- after closed_reason. tests/integration/test_care_leaver_fast.c compares care_leaver_json
-- with the 0012 + 0024 chain plus those three on every row at many dates.

-- ---- the representation ----------------------------------------------------------------------
-- 0012's care_leaver_json_base with 0024's current_accommodation and current_activity
-- appended the way 0024 appends them (left out for partners). THIS is the place to change the
-- representation: replace care_leaver_rep, keeping its body one query. (A LANGUAGE sql
-- function that is not inlined is parsed and planned again on every call, which is what made
-- reads slow before 0060.)
--
-- current_activity is eet_activity_json(a)::jsonb written out (that function's sub-select
-- keeps it from being inlined); current_accommodation is accommodation_json(a)::jsonb, which
-- the planner inlines. The episode covering d (daterange(started_on, ended_on) @> d, written
-- out: ended_on > started_on always) is looked for from the latest start on or before d down,
-- on the btree (care_leaver_id, started_on DESC) indexes: given the range expression itself
-- the planner prefers the exclusion constraints' GiST indexes, which take milliseconds here.
CREATE FUNCTION care_leaver_rep(c care_leavers, p_on date, p_days integer)
RETURNS TABLE (body text)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cl_role() = 'partner' THEN b.base
           ELSE left(b.base, -1)
                || ', "current_accommodation" : '
                || coalesce((SELECT accommodation_json(a)::jsonb FROM accommodation_episodes a
                             WHERE a.care_leaver_id = c.id AND a.started_on <= p_on
                               AND (a.ended_on IS NULL OR a.ended_on > p_on)
                             ORDER BY a.started_on DESC LIMIT 1)::text, 'null')
                || ', "current_activity" : '
                || coalesce((SELECT jsonb_build_object(
                                 'id', a.id, 'care_leaver_id', a.care_leaver_id, 'code', a.code,
                                 'eet', (SELECT s.eet FROM ssda903_activities s
                                         WHERE s.code = a.code),
                                 'hours_per_week', a.hours_per_week,
                                 'provider_id', a.provider_id, 'started_on', a.started_on,
                                 'ended_on', a.ended_on, 'referral_id', a.referral_id,
                                 'current', daterange(a.started_on, a.ended_on) @> current_date,
                                 'version', a.version, 'created_at', cl_ts(a.created_at),
                                 'updated_at', cl_ts(a.updated_at))
                             FROM eet_activities a
                             WHERE a.care_leaver_id = c.id AND a.started_on <= p_on
                               AND (a.ended_on IS NULL OR a.ended_on > p_on)
                             ORDER BY a.started_on DESC LIMIT 1)::text, 'null')
                || '}' END
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
              'updated_at', cl_ts(c.updated_at))::text AS base
          FROM care_leaver_facts(c, p_on, p_days) f) b
$$;

-- The representation of one row, for create, patch and any other caller. PL/pgSQL, so the
-- query is planned once per session rather than on every call.
CREATE OR REPLACE FUNCTION care_leaver_json(c care_leavers, p_on date, p_days integer)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT r.body FROM care_leaver_rep(c, p_on, p_days) r);
END
$$;

-- One care leaver, audited as a read (the audit row as cl_audit writes it). One statement.
CREATE OR REPLACE FUNCTION care_leaver_read(p_id uuid, p_days integer)
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
END
$$;

-- A page of care leavers by family name, given name, id (keyset after p_k1, p_k2, p_k3), as
-- 0012 with the same filters, order and audit rows, in two steps (the caller's scope is the
-- row-level security policy's alone here: written out as well, the planner counts its
-- selectivity twice, expects a few dozen rows and sorts the whole table instead of walking
-- care_leavers_name, 1.2 ms -> 380 ms for a first page at 100 000 rows):
--   1. the page's rows, by a query that is an index range on care_leavers_name: static
--      without filters; with filters, put together from constant pieces for the filters given
--      (values only ever as parameters), so each filter left out drops away and the derived
--      facts are computed only when a filter needs them, for the rows the page walks past;
--   2. their representation and audit rows, by one static query whose plan is made once per
--      session (planned with the page's LIMIT in it, the representation's many sub-queries
--      made the planner re-plan the whole on every call).
CREATE OR REPLACE FUNCTION care_leaver_list(p_district text, p_adviser uuid, p_category text,
                                            p_status text, p_min_age integer,
                                            p_max_age integer, p_in_touch boolean,
                                            p_plan_overdue boolean, p_visit_overdue boolean,
                                            p_q text, p_k1 text, p_k2 text, p_k3 uuid,
                                            p_limit integer, p_days integer)
RETURNS TABLE (body text, family_name text, given_name text, id text) LANGUAGE plpgsql AS $$
DECLARE
    v_where text := '';
    v_page care_leavers[];
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
            SELECT array_agg(s.r ORDER BY (s.r).family_name, (s.r).given_name, (s.r).id)
            INTO v_page
            FROM (SELECT c AS r FROM care_leavers c
                  ORDER BY c.family_name, c.given_name, c.id LIMIT p_limit) s;
        ELSE
            SELECT array_agg(s.r ORDER BY (s.r).family_name, (s.r).given_name, (s.r).id)
            INTO v_page
            FROM (SELECT c AS r FROM care_leavers c
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
            'SELECT array_agg(s.r ORDER BY (s.r).family_name, (s.r).given_name, (s.r).id)
             FROM (SELECT c AS r FROM care_leavers c'
            || CASE WHEN p_in_touch IS NOT NULL OR p_plan_overdue IS NOT NULL
                         OR p_visit_overdue IS NOT NULL
                    THEN ' CROSS JOIN LATERAL care_leaver_facts(c, current_date, $15) f'
                    ELSE '' END
            || ' WHERE true' || v_where || '
                   ORDER BY c.family_name, c.given_name, c.id LIMIT $14) s'
        INTO v_page
        USING p_district, p_adviser, p_category, p_status, p_min_age, p_max_age, p_in_touch,
              p_plan_overdue, p_visit_overdue, p_q, p_k1, p_k2, p_k3, p_limit, p_days;
    END IF;
    -- Each care leaver shown is audited as listed; the look-ahead row (the last of a full
    -- page, which only tells the api there is a next page) is not shown.
    RETURN QUERY
    WITH page AS (
        SELECT u AS r, row_number() OVER () AS n FROM unnest(v_page) AS u
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id)
        SELECT cl_sub(), cl_role(), 'list', 'care_leaver', (page.r).id, cl_request_id()
        FROM page WHERE page.n < p_limit
    )
    SELECT b.body, (page.r).family_name, (page.r).given_name, (page.r).id::text
    FROM page CROSS JOIN LATERAL care_leaver_rep(page.r, current_date, p_days) b
    ORDER BY page.n;
END
$$;
