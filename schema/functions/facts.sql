-- The derived facts about a care leaver on a date, each defined once here and used by the
-- api's representation, the SSDA903 return and the Board report alike (DESIGN §6). Each takes
-- the date; the ones that depend on configuration take the configured number (IN_TOUCH_DAYS,
-- VISIT_RECORDED_DAYS) from the caller, which reads it from its environment.

-- The derived facts about a care leaver on any date D, one SQL function each, so the api, the
-- worker and the Board report compute them the same way (DESIGN §6). Each takes the date; the
-- ones that depend on configuration take the configured number (IN_TOUCH_DAYS,
-- VISIT_RECORDED_DAYS) from the caller, which reads it from its environment.
--
--   cl_age_on(dob, d)                            whole years on d
--   cl_working_days(a, b)                        working days after a up to and including b
--   cl_recorded_in_time(occurred, recorded, n)   recorded within n working days
--   cl_case_open_on(c, d)                        the case was open with the service on d
--   cl_plan_in_force(care_leaver_id, d)          the non-draft plan version in force on d
--   cl_plan_review_due(plan, d)                  that version's next review, as known on d
--   cl_plan_up_to_date(care_leaver_id, d)        "pathway plan up to date on d"
--   cl_pathway_plan_due_on(c, d)                 next review, or when a first plan is due
--   cl_plan_overdue(c, d)
--   cl_last_contact_on(care_leaver_id, d)        last successful contact on or before d
--   cl_contact_status(c, d, in_touch_days)       DfE IN_TOUCH meaning on d
--   cl_in_touch(c, d, in_touch_days)
--   cl_visit_interval_days(category, age)        from visit_standards
--   cl_next_visit_due_on(c, d)                   next statutory visit due
--   cl_visit_overdue(c, d)
--
-- The ones that query tables are PL/pgSQL: their query plans are prepared once per session,
-- where an SQL function called from another function's query would be planned again on every
-- call. The one-expression helpers stay SQL so the planner inlines them.
CREATE FUNCTION cl_age_on(p_dob date, p_on date) RETURNS integer
    LANGUAGE sql STABLE PARALLEL SAFE AS $$
    SELECT extract(year FROM age(p_on, p_dob))::integer
$$;

CREATE FUNCTION cl_working_days(p_from date, p_to date) RETURNS integer
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF p_to <= p_from THEN
        RETURN 0;
    END IF;
    RETURN (SELECT count(*)::integer
            FROM generate_series(p_from + 1, p_to, interval '1 day') g(day)
            WHERE extract(isodow FROM g.day) < 6
              AND NOT EXISTS (SELECT 1 FROM bank_holidays h WHERE h.day = g.day::date));
END
$$;

CREATE FUNCTION cl_recorded_in_time(p_occurred date, p_recorded date, p_days integer)
    RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT cl_working_days(p_occurred, p_recorded) <= p_days
$$;

CREATE FUNCTION cl_case_open_on(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT c.opened_on <= p_on AND (c.closed_on IS NULL OR c.closed_on > p_on)
$$;

-- The plan in force on d: the latest non-draft version that had started by then. Drafts never
-- count; a superseded version counts for the days before its successor started. A row of
-- nulls when there is none.
CREATE FUNCTION cl_plan_in_force(p_care_leaver uuid, p_on date) RETURNS pathway_plans
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    p pathway_plans;
BEGIN
    SELECT * INTO p FROM pathway_plans x
    WHERE x.care_leaver_id = p_care_leaver AND x.status <> 'draft' AND x.started_on <= p_on
    ORDER BY x.started_on DESC, x.version_no DESC
    LIMIT 1;
    RETURN p;
END
$$;

-- Reviews at least every six months (CLR reg 7): six months after the later of the start and
-- the last review known on d.
CREATE FUNCTION cl_plan_review_due(p pathway_plans, p_on date) RETURNS date
    LANGUAGE sql STABLE AS $$
    SELECT (CASE WHEN p.reviewed_on IS NOT NULL AND p.reviewed_on <= p_on
                 THEN greatest(p.started_on, p.reviewed_on) ELSE p.started_on END
            + interval '6 months')::date
$$;

CREATE FUNCTION cl_plan_up_to_date(p_care_leaver uuid, p_on date) RETURNS boolean
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    p pathway_plans := cl_plan_in_force(p_care_leaver, p_on);
BEGIN
    RETURN p.id IS NOT NULL AND p_on <= cl_plan_review_due(p, p_on);
END
$$;

-- When the pathway plan is next due on d: the plan in force's next review, or, with no plan,
-- 16 years 3 months (local practice after the CPPCR reg 42 assessment) but never sooner than
-- three months after the case opened. Null when the case is not open on d or the young
-- person is qualifying (no automatic pathway plan).
CREATE FUNCTION cl_pathway_plan_due_on(c care_leavers, p_on date) RETURNS date
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    p pathway_plans;
BEGIN
    IF NOT cl_case_open_on(c, p_on) OR c.category = 'qualifying' THEN
        RETURN NULL;
    END IF;
    p := cl_plan_in_force(c.id, p_on);
    IF p.id IS NOT NULL THEN
        RETURN cl_plan_review_due(p, p_on);
    END IF;
    RETURN greatest(c.date_of_birth + interval '16 years 3 months',
                    c.opened_on + interval '3 months')::date;
END
$$;

CREATE FUNCTION cl_plan_overdue(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(cl_pathway_plan_due_on(c, p_on) < p_on, false)
$$;

CREATE FUNCTION cl_last_contact_on(p_care_leaver uuid, p_on date) RETURNS date
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT k.occurred_on FROM contacts k
            WHERE k.care_leaver_id = p_care_leaver AND k.successful AND k.occurred_on <= p_on
            ORDER BY k.occurred_on DESC LIMIT 1);
END
$$;

-- The DfE IN_TOUCH meaning on d: died (final); else the latest recorded event unless a
-- successful contact came after it; else in_touch when the last successful contact is within
-- p_days days, not_in_touch otherwise.
CREATE FUNCTION cl_contact_status(c care_leavers, p_on date, p_days integer) RETURNS text
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_status text;
    v_on date;
    v_last date := cl_last_contact_on(c.id, p_on);
BEGIN
    SELECT e.status, e.occurred_on INTO v_status, v_on FROM contact_status_events e
    WHERE e.care_leaver_id = c.id AND e.occurred_on <= p_on
    ORDER BY (e.status = 'died') DESC, e.occurred_on DESC, e.created_at DESC
    LIMIT 1;
    IF v_status = 'died' THEN
        RETURN 'died';
    END IF;
    IF v_status IS NOT NULL AND (v_last IS NULL OR v_last <= v_on) THEN
        RETURN v_status;
    END IF;
    IF v_last >= p_on - p_days THEN
        RETURN 'in_touch';
    END IF;
    RETURN 'not_in_touch';
END
$$;

CREATE FUNCTION cl_in_touch(c care_leavers, p_on date, p_days integer) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_contact_status(c, p_on, p_days) = 'in_touch'
$$;

CREATE FUNCTION cl_visit_interval_days(p_category text, p_age integer) RETURNS integer
    LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN (SELECT s.interval_days FROM visit_standards s
            WHERE s.category = p_category AND p_age BETWEEN s.min_age AND s.max_age
            ORDER BY s.min_age DESC LIMIT 1);
END
$$;

-- The next statutory visit on d: the last successful statutory visit plus the category's
-- interval at the young person's age, or a week after the case opened when there has been
-- none (CLR reg 8(2)). Null when the case is not open on d, the young person has died, or the
-- category has no visit duty.
CREATE FUNCTION cl_next_visit_due_on(c care_leavers, p_on date) RETURNS date
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    v_days integer;
    v_last date;
BEGIN
    IF NOT cl_case_open_on(c, p_on) THEN
        RETURN NULL;
    END IF;
    v_days := cl_visit_interval_days(c.category, cl_age_on(c.date_of_birth, p_on));
    IF v_days IS NULL OR EXISTS (SELECT 1 FROM contact_status_events e
                                 WHERE e.care_leaver_id = c.id AND e.status = 'died'
                                   AND e.occurred_on <= p_on) THEN
        RETURN NULL;
    END IF;
    SELECT k.occurred_on INTO v_last FROM contacts k
    WHERE k.care_leaver_id = c.id AND k.successful AND k.statutory_visit AND k.occurred_on <= p_on
    ORDER BY k.occurred_on DESC LIMIT 1;
    RETURN coalesce(v_last + v_days, c.opened_on + 7);
END
$$;

CREATE FUNCTION cl_visit_overdue(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT coalesce(cl_next_visit_due_on(c, p_on) < p_on, false)
$$;

-- By id, for callers that hold only the id.
CREATE FUNCTION cl_contact_status(p_id uuid, p_on date, p_days integer) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT cl_contact_status(c, p_on, p_days) FROM care_leavers c WHERE c.id = p_id
$$;

CREATE FUNCTION cl_plan_overdue(p_id uuid, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_plan_overdue(c, p_on) FROM care_leavers c WHERE c.id = p_id
$$;

CREATE FUNCTION cl_visit_overdue(p_id uuid, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_visit_overdue(c, p_on) FROM care_leavers c WHERE c.id = p_id
$$;
