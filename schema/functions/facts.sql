-- The derived facts about a care leaver on a date, each defined once here and used by the
-- api's representation, the SSDA903 return and the Board report alike (DESIGN §6). Each takes
-- the date; the ones that depend on configuration take the configured number (IN_TOUCH_DAYS,
-- VISIT_RECORDED_DAYS) from the caller, which reads it from its environment.
--
--   cl_age_on(dob, d)                              whole years on d
--   cl_category_on(category, dob, d)               the legal category in law on d: eligible
--                                                  and relevant become former relevant on
--                                                  the 18th birthday (history.sql says why
--                                                  this is read, not written nightly)
--   cl_working_days(a, b)                          working days after a up to and including b
--   cl_recorded_in_time(occurred, recorded, imported, n)
--                                                  recorded within n working days, by the
--                                                  server's day; an imported contact never
--                                                  is
--   cl_case_open_on(c, d)                          the case was open with the service on d
--   cl_in_force(started, ended, d)                 an episode is in force on d
--   cl_plans_in_force(d)                           the non-draft plan version in force on d,
--                                                  one row per care leaver who has one
--   cl_plan_in_force(care_leaver_id, d)            the same for one care leaver
--   cl_plan_review_due(plan, d)                    that version's next review, as known on d
--                                                  (cl_plan_review_due_of: the rule over its
--                                                  start and review dates)
--   cl_plan_due(c, d, category, review_due)        when the pathway plan is due on d (the
--                                                  category in law on d, cl_category_of, is
--                                                  the caller's, computed once per read)
--   cl_plan_up_to_date(care_leaver_id, d)          "pathway plan up to date on d"
--   cl_visit_interval(category, age)               days between statutory visits
--   cl_next_visit_due(open, died, last, days, o)   when the next statutory visit is due
--   cl_contact_status(event, on, last, a)          the DfE IN_TOUCH rule over what decides it
--   cl_contact_status_inputs(care_leaver_id, b)    what decides it, recorded by b
--   cl_contact_status_in(care_leaver_id, a, b)     the DfE IN_TOUCH meaning over [a, b], and
--                                                  the last successful contact by b: THE
--                                                  in-touch rule (the api: [d - IN_TOUCH_DAYS,
--                                                  d]; the return and the Board: the SSDA903
--                                                  birthday window)
--   care_leaver_facts(c, d, in_touch_days)         what the representation shows on d:
--                                                  contact status, last contact, when the
--                                                  pathway plan and the next statutory visit
--                                                  are due
--
-- The set-based ones are LANGUAGE sql, one query each, so the planner inlines them into their
-- callers: a list page or a return computes them with index probes per care leaver, never a
-- function call per row. The ones PL/pgSQL are planned once per session.

-- Whole years: the difference of the dates written as yyyymmdd, over 10000 (a birthday on
-- 29 February is reached on 1 March in a common year, as age() has it). Plain arithmetic, so
-- a set of a million rows costs no more than reading them.
CREATE FUNCTION cl_age_on(p_dob date, p_on date) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT ((date_part('year', p_on) - date_part('year', p_dob)) * 10000
            + (date_part('month', p_on) - date_part('month', p_dob)) * 100
            + date_part('day', p_on) - date_part('day', p_dob))::integer / 10000
$$;

CREATE FUNCTION cl_category_on(p_category text, p_dob date, p_on date) RETURNS text
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_category IN ('eligible', 'relevant') AND cl_age_on(p_dob, p_on) >= 18
                THEN 'former_relevant' ELSE p_category END
$$;

-- The status period in force on p_on of one care leaver: the one that started last on or
-- before it (none before the history starts). A table function, so the planner inlines it into
-- its caller as one backward index step (care_leaver_status_periods_start) per row: for dates
-- that differ row by row (birthdays, visits). A read of one date for everyone joins the table
-- on cl_in_force(lower(valid), upper(valid), date) instead (board_people_on says why not
-- valid @> date). Its siblings for adviser and district are in history.sql.
CREATE FUNCTION cl_status_on(p_id uuid, p_on date) RETURNS SETOF care_leaver_status_periods
    LANGUAGE sql STABLE AS $$
    SELECT * FROM care_leaver_status_periods s
    WHERE s.care_leaver_id = p_id AND lower(s.valid) <= p_on
    ORDER BY lower(s.valid) DESC LIMIT 1
$$;

-- The legal category of care leaver c on d in law: the status period in force on d (today's is
-- the row's own, which its PATCH keeps in step with the periods), read as former relevant from
-- the 18th birthday (cl_category_on). What the visit standard and the plan duty follow, in the
-- representation, the return and the Board alike.
CREATE FUNCTION cl_category_of(c care_leavers, p_on date) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    -- PL/pgSQL, planned once a session: as SQL its sub-select kept it from being inlined, and
    -- an SQL function that is not inlined is parsed and planned again on every call (twice a
    -- read, on the hot path)
    IF p_on = current_date THEN
        RETURN cl_category_on(c.category, c.date_of_birth, p_on);
    END IF;
    RETURN cl_category_on(coalesce((SELECT s.category FROM cl_status_on(c.id, p_on) s),
                                   c.category), c.date_of_birth, p_on);
END
$$;

-- Monday to Friday after a up to and including b, by arithmetic from a Monday (1 January
-- 1900), less the bank holidays on those days (one range probe of bank_holidays_pkey).
CREATE FUNCTION cl_working_days(p_from date, p_to date) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_to <= p_from THEN 0 ELSE
        ((p_to - date '1900-01-01') / 7 * 5 + least((p_to - date '1900-01-01') % 7 + 1, 5))
        - ((p_from - date '1900-01-01') / 7 * 5 + least((p_from - date '1900-01-01') % 7 + 1, 5))
        - (SELECT count(*)::integer FROM bank_holidays h
           WHERE h.day > p_from AND h.day <= p_to AND extract(isodow FROM h.day) < 6) END
$$;

-- Within p_days calendar days is within p_days working days: the bank holidays are looked up
-- only for the rest (most visits are written up within the week: the Board's visits took 75 ms
-- with a look-up each, 33 ms without, on the demo data).
CREATE FUNCTION cl_recorded_in_time(p_occurred date, p_recorded date, p_imported boolean,
                                    p_days integer)
    RETURNS boolean LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT NOT p_imported
           AND (p_recorded - p_occurred <= p_days
                OR cl_working_days(p_occurred, p_recorded) <= p_days)
$$;

CREATE FUNCTION cl_case_open_on(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT c.opened_on <= p_on AND (c.closed_on IS NULL OR c.closed_on > p_on)
$$;

-- An episode (accommodation, EET activity) from p_started until the day before p_ended is in
-- force on d.
CREATE FUNCTION cl_in_force(p_started date, p_ended date, p_on date) RETURNS boolean
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_started <= p_on AND (p_ended IS NULL OR p_ended > p_on)
$$;

-- The plan in force on d for every care leaver who has one: the latest non-draft version
-- that had started by then. Drafts never count; a superseded version counts for the days before
-- its successor started. Filtered by care_leaver_id, the planner reads only that person's plans
-- (the filter is pushed below DISTINCT ON, into pathway_plans_in_force).
CREATE FUNCTION cl_plans_in_force(p_on date) RETURNS SETOF pathway_plans
    LANGUAGE sql STABLE AS $$
    SELECT DISTINCT ON (x.care_leaver_id) x.* FROM pathway_plans x
    WHERE x.status <> 'draft' AND x.started_on <= p_on
    ORDER BY x.care_leaver_id, x.started_on DESC, x.version_no DESC
$$;

-- The plan in force on d for one care leaver; a row of nulls when there is none.
CREATE FUNCTION cl_plan_in_force(p_care_leaver uuid, p_on date) RETURNS pathway_plans
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    p pathway_plans;
BEGIN
    SELECT * INTO p FROM cl_plans_in_force(p_on) x WHERE x.care_leaver_id = p_care_leaver;
    RETURN p;
END
$$;

-- Reviews at least every six months (CLR reg 7): six months after the later of the start and
-- the last review known on d. cl_plan_review_due_of is the rule over the two dates (the read
-- model stores them, read_model.sql); cl_plan_review_due applies it to a plan version.
CREATE FUNCTION cl_plan_review_due_of(p_started date, p_reviewed date, p_on date) RETURNS date
    LANGUAGE sql STABLE AS $$
    SELECT (CASE WHEN p_reviewed IS NOT NULL AND p_reviewed <= p_on
                 THEN greatest(p_started, p_reviewed) ELSE p_started END
            + interval '6 months')::date
$$;

CREATE FUNCTION cl_plan_review_due(p pathway_plans, p_on date) RETURNS date
    LANGUAGE sql STABLE AS $$
    SELECT cl_plan_review_due_of(p.started_on, p.reviewed_on, p_on)
$$;

-- When the pathway plan is due on d, given the category in law on d (cl_category_of) and the
-- review date (cl_plan_review_due, NULL without a plan in force): that date, or three months
-- after the case opened and not before 16 years and three months of age when there is no
-- plan; nothing for a closed case or a qualifying young person. A CASE with a NULL condition
-- falls through.
CREATE FUNCTION cl_plan_due(c care_leavers, p_on date, p_category text, p_review_due date)
    RETURNS date LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN NOT cl_case_open_on(c, p_on) OR p_category = 'qualifying' THEN NULL
                ELSE coalesce(p_review_due,
                              greatest(c.date_of_birth + interval '16 years 3 months',
                                       c.opened_on + interval '3 months')::date) END
$$;

CREATE FUNCTION cl_plan_up_to_date(p_care_leaver uuid, p_on date) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    p pathway_plans := cl_plan_in_force(p_care_leaver, p_on);
BEGIN
    RETURN p.id IS NOT NULL AND p_on <= cl_plan_review_due(p, p_on);
END
$$;

-- The days between statutory visits that visit_standards sets for a category and age (the
-- standard with the highest min_age that covers the age); no row without one. A table function
-- so the planner inlines it as a subquery (one probe of visit_standards_pkey).
CREATE FUNCTION cl_visit_interval(p_category text, p_age integer)
RETURNS TABLE (interval_days integer) LANGUAGE sql STABLE AS $$
    SELECT s.interval_days FROM visit_standards s
    WHERE s.category = p_category AND p_age BETWEEN s.min_age AND s.max_age
    ORDER BY s.min_age DESC LIMIT 1
$$;

-- When the next statutory visit is due, given the last one and the interval (cl_visit_interval):
-- the last visit plus the interval, or a week after the case opened when there was none yet;
-- nothing when the case is not open, after a death, or without a standard (p_days NULL).
CREATE FUNCTION cl_next_visit_due(p_open boolean, p_died boolean, p_last date, p_days integer,
                                  p_opened date) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN NOT p_open OR p_died OR p_days IS NULL THEN NULL
                ELSE coalesce(p_last + p_days, p_opened + 7) END
$$;

-- The DfE IN_TOUCH meaning of a care leaver over [p_from, p_to], with the last successful
-- contact on or before p_to:
--   died                         a death recorded by p_to (always first: nothing follows it);
--   refuses_contact, no_longer_requires_services, returned_home
--                                the latest such event recorded by p_to, when no successful
--                                contact came after it;
--   in_touch                     a successful contact in [p_from, p_to];
--   not_in_touch                 otherwise.
-- cl_contact_status is the rule over what decides it (the deciding event, its day, the last
-- successful contact); cl_contact_status_inputs finds those by p_to, one index probe each into
-- contacts_successful and contact_status_events_care_leaver; cl_contact_status_in is the two.
CREATE FUNCTION cl_contact_status(p_event text, p_event_on date, p_last date, p_from date)
    RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_event = 'died' THEN 'died'
                WHEN p_event IS NOT NULL AND (p_last IS NULL OR p_last <= p_event_on)
                    THEN p_event
                WHEN p_last >= p_from THEN 'in_touch'
                ELSE 'not_in_touch' END
$$;

CREATE FUNCTION cl_contact_status_inputs(p_care_leaver uuid, p_to date)
RETURNS TABLE (last_contact_on date, event_status text, event_on date)
LANGUAGE sql STABLE AS $$
    SELECT k.last_on, e.status, e.occurred_on
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT k.occurred_on AS last_on FROM contacts k
        WHERE k.care_leaver_id = p_care_leaver AND k.successful AND k.occurred_on <= p_to
        ORDER BY k.occurred_on DESC LIMIT 1) k ON true
    LEFT JOIN LATERAL (
        SELECT e.status, e.occurred_on FROM contact_status_events e
        WHERE e.care_leaver_id = p_care_leaver AND e.occurred_on <= p_to
        ORDER BY (e.status = 'died') DESC, e.occurred_on DESC, e.created_at DESC
        LIMIT 1) e ON true
$$;

CREATE FUNCTION cl_contact_status_in(p_care_leaver uuid, p_from date, p_to date)
RETURNS TABLE (status text, last_contact_on date)
LANGUAGE sql STABLE AS $$
    SELECT cl_contact_status(i.event_status, i.event_on, i.last_contact_on, p_from),
           i.last_contact_on
    FROM cl_contact_status_inputs(p_care_leaver, p_to) i
$$;

-- What the care leaver's representation shows on p_on: the contact status over the
-- IN_TOUCH_DAYS (p_days) before it and the last contact (cl_contact_status_in); when the
-- pathway plan is due (the review of the plan in force, cl_plan_in_force and
-- cl_plan_review_due, or three months after the case opened, and not before 16 years and
-- three months of age, when there is none; nothing for a closed case or a qualifying young
-- person); when the next statutory visit is due (the last one plus the interval visit_standards
-- sets for the category in law on p_on and the age, or a week after the case opened; nothing
-- for a closed case, after a death, or without a standard). A CASE with a NULL condition falls
-- through.
CREATE FUNCTION care_leaver_facts(c care_leavers, p_on date, p_days integer)
RETURNS TABLE (contact_status text, last_contact_on date, pathway_plan_due_on date,
               next_visit_due_on date)
LANGUAGE sql STABLE AS $$
    SELECT st.status,
           st.last_contact_on,
           cl_plan_due(c, p_on, v.category,
                       (SELECT cl_plan_review_due(p, p_on) FROM cl_plans_in_force(p_on) p
                        WHERE p.care_leaver_id = c.id LIMIT 1)),
           cl_next_visit_due(cl_case_open_on(c, p_on), st.status = 'died', v.last_on, v.days,
                             c.opened_on)
    FROM cl_contact_status_in(c.id, p_on - p_days, p_on) AS st
    CROSS JOIN LATERAL (SELECT cl_category_of(c, p_on) AS category OFFSET 0) AS k
    CROSS JOIN LATERAL (
        SELECT k.category,
               (SELECT v.occurred_on FROM contacts v
                WHERE v.care_leaver_id = c.id AND v.successful AND v.statutory_visit
                  AND v.occurred_on <= p_on
                ORDER BY v.occurred_on DESC LIMIT 1) AS last_on,
               (SELECT s.interval_days
                FROM cl_visit_interval(k.category, cl_age_on(c.date_of_birth, p_on)) s)
                   AS days
        OFFSET 0) AS v
    -- kept a subquery of its own, so each fact is computed once per care leaver however
    -- often the caller uses it
    OFFSET 0
$$;
