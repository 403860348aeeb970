-- The care leaver representation, read and list made cheap (issue 9), with the same fields,
-- values and key order as before, byte for byte.
--
-- What cost the time: care_leaver_json (0012 + the 0024 wrapper) was a chain of PL/pgSQL and
-- SQL functions, one per derived field, each with its own queries; the SQL-language ones (the
-- 0024 wrapper, care_leaver_accommodation_on, care_leaver_activity_on, eet_activity_json,
-- and cl_ts and cl_age_on, see below) were parsed and planned again on every call, which was
-- most of the ~3 ms of database time a read took, and the list paid it per row. The
-- episodes were found through the exclusion constraints' GiST indexes (milliseconds each).
-- cl_audit, an SQL function too, planned its INSERT again in every transaction.
--
-- Now:
--   care_leaver_facts(c, d, in_touch_days)  0011's rules as one set-based SQL query the
--       planner inlines into its caller: contact_status, last_contact_on,
--       pathway_plan_due_on, next_visit_due_on on d, one index probe per table.
--   care_leaver_json(c, d, in_touch_days)   one query over care_leaver_facts, in PL/pgSQL so
--       its plan is made once per session.
--   care_leaver_read                        the audit row and the read in one statement.
--   care_leaver_list                        a keyset range on care_leavers_name, the facts
--       computed only when a filter needs them; static queries for the unfiltered page.
--   adviser_caseload                        care_leaver_facts for the whole caseload at once.
-- Every signature and result is unchanged. The 0011 functions stay as they were (the SSDA903
-- and Board tests compare against them); tests/integration/test_care_leaver_fast.c compares
-- care_leaver_json with the 0012 + 0024 chain (still in the schema) and care_leaver_facts
-- with the 0011 functions, on constructed cases and on every row at many dates.

-- ---- helpers the planner can now inline ------------------------------------------------------
-- cl_ts (0001) and cl_age_on (0011) were declared IMMUTABLE over STABLE functions (to_char;
-- age() of two dates, which casts them to timestamptz), and the planner never inlines an
-- IMMUTABLE SQL function whose body is not immutable: every call was a separate SQL function,
-- parsed and planned again in every statement that used it (a third of a read's time, and
-- the same in every other resource's *_json). Same bodies and results, honest volatility: now
-- they are inlined wherever they are used.
CREATE OR REPLACE FUNCTION cl_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

CREATE OR REPLACE FUNCTION cl_age_on(p_dob date, p_on date) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT extract(year FROM age(p_on, p_dob))::integer
$$;

-- ---- the derived facts ---------------------------------------------------------------------
-- As 0011: cl_contact_status, cl_last_contact_on, cl_pathway_plan_due_on and
-- cl_next_visit_due_on. Each lookup is one index probe (contacts_successful, contacts_visits,
-- contact_status_events_care_leaver, pathway_plans_in_force) done once per care leaver; a CASE
-- with a NULL condition falls through like the PL/pgSQL IFs it replaces.
CREATE FUNCTION care_leaver_facts(c care_leavers, p_on date, p_days integer)
RETURNS TABLE (contact_status text, last_contact_on date, pathway_plan_due_on date,
               next_visit_due_on date)
LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN e.status = 'died' THEN 'died'
                WHEN e.status IS NOT NULL AND (k.last_on IS NULL OR k.last_on <= e.occurred_on)
                    THEN e.status
                WHEN k.last_on >= p_on - p_days THEN 'in_touch'
                ELSE 'not_in_touch' END,
           k.last_on,
           CASE WHEN NOT cl_case_open_on(c, p_on) OR c.category = 'qualifying' THEN NULL
                ELSE coalesce(
                    -- cl_plan_in_force and cl_plan_review_due
                    (SELECT (CASE WHEN p.reviewed_on IS NOT NULL AND p.reviewed_on <= p_on
                                  THEN greatest(p.started_on, p.reviewed_on)
                                  ELSE p.started_on END + interval '6 months')::date
                     FROM pathway_plans p
                     WHERE p.care_leaver_id = c.id AND p.status <> 'draft'
                       AND p.started_on <= p_on
                     ORDER BY p.started_on DESC, p.version_no DESC
                     LIMIT 1),
                    greatest(c.date_of_birth + interval '16 years 3 months',
                             c.opened_on + interval '3 months')::date) END,
           -- a recorded death (by d) is always the first event
           CASE WHEN NOT cl_case_open_on(c, p_on) OR e.status = 'died' THEN NULL
                ELSE (SELECT coalesce(
                          (SELECT v.occurred_on FROM contacts v
                           WHERE v.care_leaver_id = c.id AND v.successful AND v.statutory_visit
                             AND v.occurred_on <= p_on
                           ORDER BY v.occurred_on DESC LIMIT 1) + s.interval_days,
                          c.opened_on + 7)
                      FROM (SELECT s.interval_days FROM visit_standards s
                            WHERE s.category = c.category
                              AND cl_age_on(c.date_of_birth, p_on) BETWEEN s.min_age AND s.max_age
                            ORDER BY s.min_age DESC LIMIT 1) s) END
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT k.occurred_on AS last_on FROM contacts k
        WHERE k.care_leaver_id = c.id AND k.successful AND k.occurred_on <= p_on
        ORDER BY k.occurred_on DESC LIMIT 1) k ON true
    LEFT JOIN LATERAL (
        SELECT e.status, e.occurred_on FROM contact_status_events e
        WHERE e.care_leaver_id = c.id AND e.occurred_on <= p_on
        ORDER BY (e.status = 'died') DESC, e.occurred_on DESC, e.created_at DESC
        LIMIT 1) e ON true
    -- kept a subquery of its own, so each fact is computed once per care leaver however
    -- often the caller uses it
    OFFSET 0
$$;

-- ---- the representation ----------------------------------------------------------------------
-- 0012's care_leaver_json_base with 0024's current_accommodation and current_activity
-- appended the way 0024 appends them (left out for partners), as one query. PL/pgSQL, so that
-- query is planned once per session rather than on every call: this is the one place the
-- representation is built (read, list, create and patch all call it). To add a field, replace
-- this function keeping its body one query; a wrapper in LANGUAGE sql around it would be
-- parsed and planned again on every call, which is what made reads slow before.
--
-- current_activity is eet_activity_json(a)::jsonb written out (that function's sub-select
-- keeps it from being inlined, and planning it on every call cost more than the rest of the
-- read); current_accommodation is accommodation_json(a)::jsonb, which the planner inlines.
-- The episode covering d (daterange(started_on, ended_on) @> d, written out: ended_on >
-- started_on always) is looked for from the latest start on or before d down, on the btree
-- (care_leaver_id, started_on DESC) indexes: given the range expression itself the planner
-- prefers the exclusion constraints' GiST indexes, which take milliseconds per probe here.
CREATE OR REPLACE FUNCTION care_leaver_json(c care_leavers, p_on date, p_days integer)
RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (
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
              'closed_reason', c.closed_reason,
              'age', cl_age_on(c.date_of_birth, p_on),
              'contact_status', f.contact_status, 'in_touch', f.contact_status = 'in_touch',
              'last_contact_on', f.last_contact_on,
              'pathway_plan_due_on', f.pathway_plan_due_on,
              'plan_overdue', coalesce(f.pathway_plan_due_on < p_on, false),
              'next_visit_due_on', f.next_visit_due_on,
              'visit_overdue', coalesce(f.next_visit_due_on < p_on, false),
              'version', c.version, 'created_at', cl_ts(c.created_at),
              'updated_at', cl_ts(c.updated_at))::text AS base
          FROM care_leaver_facts(c, p_on, p_days) f) b);
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
        FROM care_leavers x WHERE x.id = p_id
    )
    SELECT care_leaver_json(x, current_date, p_days), x.version, x.id
    FROM care_leavers x WHERE x.id = p_id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
END
$$;

-- A page of care leavers by family name, given name, id (keyset after p_k1, p_k2, p_k3), as
-- 0012 with the same filters, order and audit rows. The query is put together from constant
-- pieces for the filters given (values only ever as parameters), so each filter left out
-- drops away, the keyset is an index range on care_leavers_name, and the derived facts are
-- computed only when a filter needs them and only for the rows the page walks past.
CREATE OR REPLACE FUNCTION care_leaver_list(p_district text, p_adviser uuid, p_category text,
                                            p_status text, p_min_age integer,
                                            p_max_age integer, p_in_touch boolean,
                                            p_plan_overdue boolean, p_visit_overdue boolean,
                                            p_q text, p_k1 text, p_k2 text, p_k3 uuid,
                                            p_limit integer, p_days integer)
RETURNS TABLE (body text, family_name text, given_name text, id text) LANGUAGE plpgsql AS $$
DECLARE
    v_where text := '';
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
        -- No filter (the usual page): static queries, planned once per session.
        IF p_k1 IS NULL THEN
            RETURN QUERY
            WITH page AS (
                SELECT s.r, row_number() OVER () AS n
                FROM (SELECT c AS r FROM care_leavers c
                      ORDER BY c.family_name, c.given_name, c.id LIMIT p_limit) s
            ), audited AS (
                INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id,
                                       request_id)
                SELECT cl_sub(), cl_role(), 'list', 'care_leaver', (page.r).id, cl_request_id()
                FROM page WHERE page.n < p_limit
            )
            SELECT care_leaver_json(page.r, current_date, p_days), (page.r).family_name,
                   (page.r).given_name, (page.r).id::text
            FROM page
            ORDER BY (page.r).family_name, (page.r).given_name, (page.r).id;
        ELSE
            RETURN QUERY
            WITH page AS (
                SELECT s.r, row_number() OVER () AS n
                FROM (SELECT c AS r FROM care_leavers c
                      WHERE (c.family_name, c.given_name, c.id) > (p_k1, p_k2, p_k3)
                      ORDER BY c.family_name, c.given_name, c.id LIMIT p_limit) s
            ), audited AS (
                INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id,
                                       request_id)
                SELECT cl_sub(), cl_role(), 'list', 'care_leaver', (page.r).id, cl_request_id()
                FROM page WHERE page.n < p_limit
            )
            SELECT care_leaver_json(page.r, current_date, p_days), (page.r).family_name,
                   (page.r).given_name, (page.r).id::text
            FROM page
            ORDER BY (page.r).family_name, (page.r).given_name, (page.r).id;
        END IF;
        RETURN;
    END IF;
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
        v_where := v_where || ' AND c.date_of_birth <= current_date - make_interval(years => $5)';
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
        v_where := v_where || ' AND coalesce(f.pathway_plan_due_on < current_date, false) = $8';
    END IF;
    IF p_visit_overdue IS NOT NULL THEN
        v_where := v_where || ' AND coalesce(f.next_visit_due_on < current_date, false) = $9';
    END IF;
    RETURN QUERY EXECUTE
    'WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT c AS r FROM care_leavers c'
        || CASE WHEN p_in_touch IS NOT NULL OR p_plan_overdue IS NOT NULL
                     OR p_visit_overdue IS NOT NULL
                THEN ' CROSS JOIN LATERAL care_leaver_facts(c, current_date, $15) f' ELSE '' END
        || ' WHERE true' || v_where || '
              ORDER BY c.family_name, c.given_name, c.id
              LIMIT $14) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id)
        SELECT cl_sub(), cl_role(), ''list'', ''care_leaver'', (page.r).id, cl_request_id()
        FROM page WHERE page.n < $14
    )
    SELECT care_leaver_json(page.r, current_date, $15), (page.r).family_name,
           (page.r).given_name, (page.r).id::text
    FROM page
    ORDER BY (page.r).family_name, (page.r).given_name, (page.r).id'
    USING p_district, p_adviser, p_category, p_status, p_min_age, p_max_age, p_in_touch,
          p_plan_overdue, p_visit_overdue, p_q, p_k1, p_k2, p_k3, p_limit, p_days;
END
$$;

-- The caseload of one adviser today, as 0012, with the facts computed set-based.
CREATE OR REPLACE FUNCTION adviser_caseload(p_adviser uuid, p_days integer)
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
        SELECT c.category, f.contact_status AS status,
               coalesce(f.pathway_plan_due_on < current_date, false) AS plan_overdue,
               coalesce(f.next_visit_due_on < current_date, false) AS visit_overdue
        FROM care_leavers c CROSS JOIN LATERAL care_leaver_facts(c, current_date, p_days) f
        WHERE c.adviser_id = p_adviser AND c.status = 'open'
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
