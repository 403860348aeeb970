-- The Corporate Parenting Board report (worker/board_report.c): every figure of the report,
-- computed set-based from the case records, so the worker's JSON, CSV, HTML and PDF show the
-- same numbers. The definitions of the indicators and the England averages are data
-- (board_indicators, board_england_averages).

-- The England average for an indicator as at a date: the latest year ending 31 March on or
-- before the date, or the earliest year held when the date is before all of them.
CREATE FUNCTION board_england_average(p_code text, p_on date)
RETURNS TABLE (value numeric, year_ending integer, source text) LANGUAGE sql STABLE AS $$
    SELECT e.value, e.year_ending, e.source FROM board_england_averages e
    WHERE e.code = p_code
    ORDER BY (make_date(e.year_ending, 3, 31) <= p_on) DESC,
             CASE WHEN make_date(e.year_ending, 3, 31) <= p_on THEN -e.year_ending
                  ELSE e.year_ending END
    LIMIT 1
$$;

-- Open cases on p_on, with their status, district and adviser as in force that day, and the
-- facts the report counts. plan_ok: a plan in force within its
-- review date (cl_plans_in_force, cl_plan_review_due: as cl_plan_up_to_date), NULL for
-- qualifying young people (no pathway plan duty);
-- visit_due: the next statutory visit (cl_next_visit_due), NULL without a visit duty;
-- accom and activ: the SSDA903 ACCOM and ACTIV codes on the date ('0' when not known).
CREATE FUNCTION board_people_on(p_on date, p_districts text[])
RETURNS TABLE (care_leaver_id uuid, district text, category text, uasc boolean,
               adviser_id uuid, age integer, plan_ok boolean, visit_due date, accom text,
               activ text)
LANGUAGE sql STABLE AS $$
    WITH c AS (
        -- status, district and adviser as in force on the date (history.sql); the category
        -- in law (cl_category_on)
        SELECT c.id, d.district, cl_category_on(s.category, c.date_of_birth, p_on) AS category,
               s.uasc, a.adviser_id, c.opened_on, cl_age_on(c.date_of_birth, p_on) AS age
        FROM care_leavers c
        -- (cl_in_force over the bounds, not valid @> p_on: under row-level security the
        -- planner may use statistics only through leakproof operators, and @> on a range is
        -- not one, so it guessed 1% of the rows and chose nested loops: minutes at 100 000)
        JOIN care_leaver_status_periods s
            ON s.care_leaver_id = c.id AND cl_in_force(lower(s.valid), upper(s.valid), p_on)
        JOIN care_leaver_district_periods d
            ON d.care_leaver_id = c.id AND cl_in_force(lower(d.valid), upper(d.valid), p_on)
        LEFT JOIN care_leaver_allocation_periods a
            ON a.care_leaver_id = c.id AND cl_in_force(lower(a.valid), upper(a.valid), p_on)
        WHERE (p_districts IS NULL OR d.district = ANY (p_districts)) AND cl_case_open_on(c, p_on)
    ), plan AS (
        SELECT p.care_leaver_id, cl_plan_review_due(p, p_on) AS due
        FROM cl_plans_in_force(p_on) p
    ), visit AS (
        SELECT k.care_leaver_id, max(k.occurred_on) AS last_on FROM contacts k
        WHERE k.successful AND k.statutory_visit AND k.occurred_on <= p_on
        GROUP BY k.care_leaver_id
    ), died AS (
        SELECT DISTINCT e.care_leaver_id FROM contact_status_events e
        WHERE e.status = 'died' AND e.occurred_on <= p_on
    ), acc AS (
        SELECT a.care_leaver_id, ssda903_accom(a.code, a.suitable) AS accom
        FROM accommodation_episodes_on(p_on) a
    ), act AS (
        SELECT a.care_leaver_id, a.code FROM eet_activities_on(p_on) a
    ), standard AS MATERIALIZED (
        -- cl_visit_interval for every category and age (a small table, computed once)
        SELECT cat.category, g.age,
               (SELECT i.interval_days FROM cl_visit_interval(cat.category, g.age) i) AS days
        FROM (SELECT DISTINCT s.category FROM visit_standards s) cat
        CROSS JOIN generate_series(0, 30) AS g (age)
    )
    SELECT c.id, c.district, c.category, c.uasc, c.adviser_id, c.age,
           CASE WHEN c.category <> 'qualifying' THEN coalesce(p_on <= plan.due, false) END,
           cl_next_visit_due(true, died.care_leaver_id IS NOT NULL, visit.last_on, standard.days,
                             c.opened_on),
           coalesce(acc.accom, '0'), coalesce(act.code, '0')
    FROM c
    LEFT JOIN plan ON plan.care_leaver_id = c.id
    LEFT JOIN visit ON visit.care_leaver_id = c.id
    LEFT JOIN died ON died.care_leaver_id = c.id
    LEFT JOIN acc ON acc.care_leaver_id = c.id
    LEFT JOIN act ON act.care_leaver_id = c.id
    LEFT JOIN standard ON standard.category = c.category AND standard.age = c.age
$$;

-- The SSDA903 (OC3) cohort of a window, exactly as the return defines it
-- (ssda903_return_rows, ssda903.sql) but for any window rather than a collection year: young people
-- other than qualifying ones (status on the birthday) whose 17th, 18th, 19th, 20th or 21st
-- birthday (ssda903_birthday) fell in (p_from, p_to] and who had left care by it, district as
-- on the birthday, without those who had died or returned
-- home (DIED, RHOM). Over the birthday window [birthday - p_before months, birthday + p_after
-- months]: IN_TOUCH is YES with a successful contact in it, REFU / NREQ / RHOM for a recorded
-- event not followed by a successful contact, DIED for a death by its end, otherwise NO;
-- ACTIV and ACCOM are ssda903_window_codes for the birthday. The integration tests check this
-- against ssda903_return_rows row by row.
CREATE FUNCTION board_birthday_statuses(p_from date, p_to date, p_districts text[],
                                                   p_before integer, p_after integer)
RETURNS TABLE (care_leaver_id uuid, district text, birthday date, age integer, age_group text,
               contact_status text, activ text, accom text, eet boolean, neet boolean,
               suitable boolean, in_suitability boolean)
LANGUAGE sql STABLE AS $$
    WITH b AS (
        SELECT c.id, a.age, c.care_ceased_on, a.birthday
        FROM care_leavers c
        -- only the ages whose birthday can fall in the window (by calendar year), each
        -- birthday worked out once (OFFSET 0 keeps the planner from copying the call into
        -- every condition that uses it)
        CROSS JOIN LATERAL (
            SELECT g.age, ssda903_birthday(c.date_of_birth, g.age) AS birthday
            FROM generate_series(
                greatest(17, (date_part('year', p_from)
                              - date_part('year', c.date_of_birth))::int),
                least(21, (date_part('year', p_to) - date_part('year', c.date_of_birth))::int))
                AS g (age)
            OFFSET 0) AS a
        WHERE c.date_of_birth > (p_from - interval '22 years')::date
          AND c.date_of_birth <= (p_to - interval '17 years')::date
          AND c.care_ceased_on IS NOT NULL
    ), w0 AS (
        -- status and district as in force on the birthday (history.sql)
        SELECT b.*, d.district, (b.birthday - make_interval(months => p_before))::date AS ws,
               (b.birthday + make_interval(months => p_after))::date AS we
        FROM b
        CROSS JOIN LATERAL cl_status_on(b.id, b.birthday) s
        CROSS JOIN LATERAL cl_district_on(b.id, b.birthday) d
        WHERE b.birthday > p_from AND b.birthday <= p_to AND b.care_ceased_on <= b.birthday
          AND s.category <> 'qualifying'
          AND (p_districts IS NULL OR d.district = ANY (p_districts))
    ), w AS MATERIALIZED (
        -- with the contact status over the window (cl_contact_status_in)
        SELECT w0.*, ssda903_in_touch(s.status) AS status
        FROM w0 CROSS JOIN LATERAL cl_contact_status_in(w0.id, w0.ws, w0.we) AS s
    ), st AS (
        SELECT w.id, w.district, w.age, w.birthday, w.status, x.activ, x.accom
        FROM w CROSS JOIN LATERAL ssda903_window_codes(w.id, w.birthday, w.ws, w.we, w.age) x
    )
    SELECT st.id, st.district, st.birthday, st.age,
           CASE WHEN st.age <= 18 THEN '17-18' ELSE '19-21' END,
           st.status, st.activ, st.accom,
           coalesce(s.eet, false), coalesce(NOT s.eet, false),
           coalesce(t.in_suitability_figures AND right(st.accom, 1) = '1', false),
           coalesce(t.in_suitability_figures, true)
    FROM st
    LEFT JOIN ssda903_activities s ON s.code = st.activ
    LEFT JOIN ssda903_accommodation_types t ON t.letter = left(st.accom, 1)
    WHERE st.status NOT IN ('DIED', 'RHOM')
$$;

-- Successful statutory visits made in (p_from, p_to], with the district in force on the day.
-- on_time: made on or before the date cl_next_visit_due gave the day before (the visit before
-- it plus the interval for the category in law and age that day, or a week after the case
-- opened; a visit with no duty then counts as on time). recorded_in_time: cl_recorded_in_time
-- (imported contacts never are).
CREATE FUNCTION board_statutory_visits(p_from date, p_to date, p_districts text[],
                                                  p_recorded_days integer)
RETURNS TABLE (contact_id uuid, care_leaver_id uuid, occurred_on date, district text,
               on_time boolean, recorded_in_time boolean)
LANGUAGE sql STABLE AS $$
    WITH v AS (
        -- The visits read newest first per care leaver, as the index is, with the day of the
        -- next one (an earlier or the same day). One earlier than a year before the period
        -- is more than the longest interval (366 days) before every visit in it, so it cannot
        -- make one on time and need not be read.
        SELECT k.id, k.care_leaver_id, k.occurred_on, k.recorded_on, k.imported,
               lead(k.occurred_on) OVER (PARTITION BY k.care_leaver_id
                                         ORDER BY k.occurred_on DESC) AS next_on
        FROM contacts k
        WHERE k.successful AND k.statutory_visit
          AND k.occurred_on > p_from - 367 AND k.occurred_on <= p_to
    ), standard AS MATERIALIZED (
        -- cl_visit_interval for every category and age (a small table, computed once)
        SELECT cat.category, g.age,
               (SELECT i.interval_days FROM cl_visit_interval(cat.category, g.age) i) AS days
        FROM (SELECT DISTINCT s.category FROM visit_standards s) cat
        CROSS JOIN generate_series(0, 30) AS g (age)
    ), died AS (
        SELECT e.care_leaver_id, min(e.occurred_on) AS died_on
        FROM contact_status_events e WHERE e.status = 'died'
        GROUP BY e.care_leaver_id
    ), w AS (
        -- what each visit needs, worked out once per visit (OFFSET 0 keeps the planner from
        -- copying these expressions into every use)
        SELECT v.id, v.care_leaver_id, v.occurred_on, d.district, c.opened_on, c.closed_on,
               died.died_on,
               -- the visit before: the latest earlier day (another visit the same day is
               -- rare: then it is looked up)
               CASE WHEN v.next_on < v.occurred_on OR v.next_on IS NULL THEN v.next_on
                    ELSE (SELECT max(x.occurred_on) FROM contacts x
                          WHERE x.care_leaver_id = v.care_leaver_id AND x.successful
                            AND x.statutory_visit AND x.occurred_on < v.occurred_on
                            AND x.occurred_on > p_from - 367) END AS prev_on,
               cl_category_on(s.category, c.date_of_birth, v.occurred_on - 1) AS category,
               cl_age_on(c.date_of_birth, v.occurred_on - 1) AS age,
               cl_recorded_in_time(v.occurred_on, v.recorded_on, v.imported, p_recorded_days)
                   AS in_time
        FROM v
        JOIN care_leavers c ON c.id = v.care_leaver_id
        -- the district on the day and the status the day before: the periods in force then
        -- (cl_in_force, as board_people_on), joined to every visit at once rather than looked
        -- up one visit at a time (cl_district_on, cl_status_on: an index probe per visit)
        JOIN care_leaver_district_periods d
            ON d.care_leaver_id = v.care_leaver_id
           AND cl_in_force(lower(d.valid), upper(d.valid), v.occurred_on)
        JOIN care_leaver_status_periods s
            ON s.care_leaver_id = v.care_leaver_id
           AND cl_in_force(lower(s.valid), upper(s.valid), v.occurred_on - 1)
        LEFT JOIN died ON died.care_leaver_id = v.care_leaver_id
        WHERE v.occurred_on > p_from
          AND (p_districts IS NULL OR d.district = ANY (p_districts))
        OFFSET 0
    )
    SELECT w.id, w.care_leaver_id, w.occurred_on, w.district,
           coalesce(w.occurred_on <= cl_next_visit_due(
                        w.opened_on <= w.occurred_on - 1
                            AND (w.closed_on IS NULL OR w.closed_on > w.occurred_on - 1),
                        w.died_on <= w.occurred_on - 1, w.prev_on, st.days, w.opened_on), true),
           coalesce(w.in_time, false)
    FROM w LEFT JOIN standard st ON st.category = w.category AND st.age = w.age
$$;

-- The national indicators for the twelve months to each date in p_dates: codes in_touch_,
-- eet_, neet_ and suitable_ with 17_18 or 19_21, for the districts together and, for the
-- dates in p_district_dates, each district. The birthdays are read once for (p_from, p_to], which must
-- cover the twelve months to every date (plain arguments, so the planner can inline the
-- functions and see the dates).
CREATE FUNCTION board_national(p_dates date[], p_from date, p_to date, p_districts text[],
                               p_before integer, p_after integer, p_district_dates date[])
RETURNS TABLE (on_date date, code text, district text, num bigint, den bigint)
LANGUAGE sql STABLE AS $$
    WITH d AS MATERIALIZED (
        SELECT DISTINCT x AS on_date, (x - interval '1 year')::date AS after
        FROM unnest(p_dates) AS x
    ), s AS (
        -- counted by birthday first, so each date's window adds up a few rows per day
        SELECT b.birthday, b.age_group, b.district, count(*) AS cohort,
               count(*) FILTER (WHERE b.contact_status = 'YES') AS in_touch,
               count(*) FILTER (WHERE b.eet) AS eet,
               count(*) FILTER (WHERE b.neet) AS neet,
               count(*) FILTER (WHERE b.suitable) AS suitable,
               count(*) FILTER (WHERE b.in_suitability) AS suit_den
        FROM board_birthday_statuses(p_from, p_to, p_districts, p_before, p_after) b
        GROUP BY b.birthday, b.age_group, b.district
    ), a AS (
        SELECT d.on_date, s.age_group,
               CASE WHEN d.on_date = ANY (p_district_dates) THEN s.district END AS district,
               GROUPING(CASE WHEN d.on_date = ANY (p_district_dates) THEN s.district END)
                   AS total,
               sum(s.cohort)::bigint AS cohort, sum(s.in_touch)::bigint AS in_touch,
               sum(s.eet)::bigint AS eet, sum(s.neet)::bigint AS neet,
               sum(s.suitable)::bigint AS suitable, sum(s.suit_den)::bigint AS suit_den
        FROM d JOIN s ON s.birthday > d.after AND s.birthday <= d.on_date
        GROUP BY GROUPING SETS ((d.on_date, s.age_group),
                                (d.on_date, s.age_group,
                                 CASE WHEN d.on_date = ANY (p_district_dates)
                                      THEN s.district END))
    ), t AS (
        -- every date and age group, with nobody in it when no birthday fell in the window
        SELECT d.on_date, g.age_group, NULL::text AS district, coalesce(a.cohort, 0) AS cohort,
               coalesce(a.in_touch, 0) AS in_touch, coalesce(a.eet, 0) AS eet,
               coalesce(a.neet, 0) AS neet, coalesce(a.suitable, 0) AS suitable,
               coalesce(a.suit_den, 0) AS suit_den
        FROM d CROSS JOIN (VALUES ('17-18'), ('19-21')) AS g (age_group)
        LEFT JOIN a ON a.on_date = d.on_date AND a.age_group = g.age_group AND a.total = 1
        UNION ALL
        SELECT a.on_date, a.age_group, a.district, a.cohort, a.in_touch, a.eet, a.neet,
               a.suitable, a.suit_den
        FROM a WHERE a.total = 0 AND a.district IS NOT NULL
    )
    SELECT t.on_date, x.prefix || replace(t.age_group, '-', '_'), t.district,
           CASE x.prefix WHEN 'in_touch_' THEN t.in_touch WHEN 'eet_' THEN t.eet
                         WHEN 'neet_' THEN t.neet ELSE t.suitable END,
           CASE x.prefix WHEN 'suitable_' THEN t.suit_den ELSE t.cohort END
    FROM t CROSS JOIN (VALUES ('in_touch_'), ('eet_'), ('neet_'), ('suitable_')) AS x (prefix)
$$;

-- Every indicator of board_indicators but the national ones and the visits, on p_to; events (
-- placements, letters, referrals, payments) are those in (p_from, p_to], each in the district
-- the young person lived in that day (district periods). category names a
-- breakdown (legal category, age band, B&B reason, partner, grant type) and cat_sort orders
-- it. num is the count, sum or numerator; den the denominator (percentages), the advisers
-- (mean) or the payments (money).
CREATE FUNCTION board_report_figures(p_from date, p_to date, p_districts text[])
RETURNS TABLE (code text, category text, cat_sort integer, district text, num bigint,
               den bigint)
LANGUAGE sql STABLE AS $$
    WITH opn AS (
        SELECT * FROM board_people_on(p_to, p_districts)
    ), people AS (
        -- Everything counted over open cases, in one pass, for the total and each district.
        SELECT CASE WHEN GROUPING(o.district) = 0 THEN o.district END AS district,
               count(*) AS open_n, count(*) FILTER (WHERE o.uasc) AS uasc_n,
               count(*) FILTER (WHERE o.plan_ok) AS plan_n, count(o.plan_ok) AS plan_den,
               count(*) FILTER (WHERE o.visit_due >= p_to) AS visit_n,
               count(o.visit_due) AS visit_den,
               count(*) FILTER (WHERE left(o.accom, 1) = 'Z') AS z_n,
               count(*) FILTER (WHERE left(o.accom, 1) = 'U') AS u_n,
               count(*) FILTER (WHERE o.activ IN ('F1', 'P1')) AS he_n
        FROM opn o GROUP BY GROUPING SETS ((), (o.district))
    ), loads AS (
        -- caseloads as allocated on the date (allocation periods)
        SELECT a.id, a.caseload_limit, count(*) AS n
        FROM advisers a
        JOIN care_leaver_allocation_periods ap
            ON ap.adviser_id = a.id AND cl_in_force(lower(ap.valid), upper(ap.valid), p_to)
        JOIN care_leavers c ON c.id = ap.care_leaver_id
        WHERE cl_case_open_on(c, p_to)
          AND (p_districts IS NULL
               OR a.id IN (SELECT o.adviser_id FROM opn o WHERE o.adviser_id IS NOT NULL))
        GROUP BY a.id, a.caseload_limit
    ), bnb AS (
        SELECT c.district, e.reason FROM accommodation_episodes e
        CROSS JOIN LATERAL cl_district_on(e.care_leaver_id, e.started_on) c
        WHERE e.code = 'W' AND e.started_on > p_from AND e.started_on <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), outreach AS (
        SELECT CASE WHEN GROUPING(c.district) = 0 THEN c.district END AS district,
               count(*) AS sent,
               count(*) FILTER (WHERE x.response <> 'none' AND x.responded_on <= p_to) AS replied,
               count(*) FILTER (WHERE x.response = 'wants_service' AND x.responded_on <= p_to)
                   AS wants,
               count(*) FILTER (WHERE x.response = 'not_at_address' AND x.responded_on <= p_to)
                   AS moved
        FROM outreach_contacts x
        CROSS JOIN LATERAL cl_district_on(x.care_leaver_id, x.sent_on) c
        WHERE x.sent_on > p_from AND x.sent_on <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
        GROUP BY GROUPING SETS ((), (c.district))
    ), places AS (
        SELECT o.places, o.ring_fenced_for_care_leavers AS ring_fenced
        FROM eet_opportunities o
        WHERE cl_la_date(o.created_at) <= p_to
          AND (o.closes_on IS NULL OR o.closes_on >= p_to)
          AND NOT (o.status = 'closed' AND cl_la_date(o.updated_at) <= p_to)
          AND (p_districts IS NULL OR o.district = ANY (p_districts))
    ), referrals AS (
        SELECT c.district, r.id FROM eet_referrals r
        CROSS JOIN LATERAL cl_district_on(r.care_leaver_id, r.referred_on) c
        WHERE r.referred_on > p_from AND r.referred_on <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), starts AS (
        SELECT c.district FROM eet_referral_events v
        JOIN eet_referrals r ON r.id = v.referral_id
        CROSS JOIN LATERAL cl_district_on(r.care_leaver_id, v.on_date) c
        WHERE v.to_status = 'started' AND v.on_date > p_from AND v.on_date <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), protocols AS (
        -- The versions that matter for the period: in force on p_to, or with referrals or
        -- recorded breaches in the period.
        SELECT h.id FROM housing_protocols h
        WHERE (cl_la_date(h.signed_off_at) <= p_to
               AND (h.superseded_at IS NULL OR cl_la_date(h.superseded_at) > p_to))
           OR EXISTS (SELECT 1 FROM housing_referrals r WHERE r.protocol_id = h.id
                      AND r.referred_on > p_from AND r.referred_on <= p_to)
           OR EXISTS (SELECT 1 FROM housing_protocol_breaches x WHERE x.protocol_id = h.id
                      AND x.occurred_on > p_from AND x.occurred_on <= p_to)
    ), partners_in AS (
        SELECT p.id, p.name FROM partners p
        WHERE p_districts IS NULL OR p.districts && p_districts
    ), housing AS (
        SELECT f.partner_id, sum(f.answered_in_time) AS in_time,
               sum(f.answered + f.overdue_now) AS due
        FROM protocols h CROSS JOIN LATERAL housing_protocol_figures(h.id, p_from + 1, p_to) f
        GROUP BY f.partner_id
    ), breaches AS (
        SELECT b.partner_id, count(*) AS n
        FROM (SELECT DISTINCT x.source, x.kind, x.record_id, x.partner_id
              FROM protocols h
              CROSS JOIN LATERAL housing_protocol_breaches_in(h.id, p_from + 1, p_to) x) b
        GROUP BY b.partner_id
    ), per_partner AS (
        SELECT p.name, coalesce(h.in_time, 0) AS in_time, coalesce(h.due, 0) AS due,
               coalesce(b.n, 0) AS breaches
        FROM partners_in p
        LEFT JOIN housing h ON h.partner_id = p.id
        LEFT JOIN breaches b ON b.partner_id = p.id
        WHERE coalesce(h.due, 0) > 0 OR coalesce(b.n, 0) > 0
    ), grants AS (
        SELECT c.district, t.name AS type, g.amount_pence
        FROM grant_payments g JOIN entitlements t ON t.id = g.entitlement_id
        CROSS JOIN LATERAL cl_district_on(g.care_leaver_id, g.paid_on) c
        WHERE g.paid_on > p_from AND g.paid_on <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), rows AS (
        -- Care leavers open to the service, plans, visits, accommodation (one pass: people)
        SELECT x.code, NULL::text AS category, 0 AS cat_sort, f.district, x.num, x.den
        FROM people f CROSS JOIN LATERAL (VALUES
            ('cohort_open', f.open_n, NULL::bigint), ('cohort_uasc', f.uasc_n, NULL),
            ('plans_up_to_date', f.plan_n, f.plan_den),
            ('visits_up_to_date', f.visit_n, f.visit_den), ('staying_put', f.z_n, NULL),
            ('independent_living', f.u_n, NULL), ('university', f.he_n, NULL)) AS x (code, num, den)
        UNION ALL
        SELECT 'cohort_category',
               CASE WHEN GROUPING(o.category) = 1 THEN NULL
                    WHEN o.category = 'eligible' THEN 'Eligible'
                    WHEN o.category = 'relevant' THEN 'Relevant'
                    WHEN o.category = 'former_relevant' THEN 'Former relevant'
                    ELSE 'Qualifying' END,
               CASE o.category WHEN 'eligible' THEN 1 WHEN 'relevant' THEN 2
                   WHEN 'former_relevant' THEN 3 ELSE 4 END,
               NULL, count(*), NULL
        FROM opn o GROUP BY GROUPING SETS ((), (o.category))
        UNION ALL
        SELECT 'cohort_age', CASE WHEN GROUPING(b.band) = 1 THEN NULL ELSE b.band END,
               min(b.ord), NULL, count(*), NULL
        FROM (SELECT CASE WHEN o.age < 16 THEN 'Under 16' WHEN o.age <= 17 THEN 'Aged 16-17'
                          WHEN o.age <= 20 THEN 'Aged 18-20' WHEN o.age <= 25 THEN 'Aged 21-25'
                          ELSE 'Aged 26 and over' END AS band,
                     CASE WHEN o.age < 16 THEN 0 WHEN o.age <= 17 THEN 1 WHEN o.age <= 20 THEN 2
                          WHEN o.age <= 25 THEN 3 ELSE 4 END AS ord
              FROM opn o) b
        GROUP BY GROUPING SETS ((), (b.band))
        -- Personal advisers (whole caseloads; no district rows)
        UNION ALL
        SELECT 'pa_advisers', NULL, 0, NULL, count(*), NULL FROM loads
        UNION ALL
        SELECT 'pa_caseload_mean', NULL, 0, NULL, coalesce(sum(n), 0)::bigint, count(*)
        FROM loads
        UNION ALL
        SELECT 'pa_caseload_max', NULL, 0, NULL, max(n), NULL FROM loads
        UNION ALL
        SELECT 'pa_over_limit', NULL, 0, NULL, count(*) FILTER (WHERE n > caseload_limit), NULL
        FROM loads
        UNION ALL
        SELECT * FROM board_history_figures(p_from, p_to, p_districts)
        -- Bed and breakfast
        UNION ALL
        SELECT 'bnb_placements', NULL, 0, b.district, count(*), NULL
        FROM bnb b GROUP BY GROUPING SETS ((), (b.district))
        UNION ALL
        SELECT 'bnb_placements', coalesce(b.reason, 'No reason recorded'), 0, NULL, count(*),
               NULL
        FROM bnb b GROUP BY coalesce(b.reason, 'No reason recorded')
        -- 21-25 outreach
        UNION ALL
        SELECT x.code, NULL, 0, o.district, x.num, x.den
        FROM outreach o CROSS JOIN LATERAL (VALUES
            ('outreach_sent', o.sent, NULL::bigint), ('outreach_replies', o.replied, NULL),
            ('outreach_response_rate', o.replied, o.sent),
            ('outreach_wants_service', o.wants, o.replied),
            ('outreach_not_at_address', o.moved, o.replied)) AS x (code, num, den)
        -- EET opportunities
        UNION ALL
        SELECT 'eet_places', NULL, 0, NULL, coalesce(sum(p.places), 0)::bigint, NULL
        FROM places p
        UNION ALL
        SELECT 'eet_ringfenced_places', NULL, 0, NULL,
               coalesce(sum(p.places) FILTER (WHERE p.ring_fenced), 0)::bigint, NULL
        FROM places p
        UNION ALL
        SELECT 'eet_referrals', NULL, 0, r.district, count(*), NULL
        FROM referrals r GROUP BY GROUPING SETS ((), (r.district))
        UNION ALL
        SELECT 'eet_starts', NULL, 0, s.district, count(*), NULL
        FROM starts s GROUP BY GROUPING SETS ((), (s.district))
        -- Joint housing protocol, by partner
        UNION ALL
        SELECT 'housing_in_time', pp.name, 0, NULL, sum(pp.in_time)::bigint, sum(pp.due)::bigint
        FROM per_partner pp GROUP BY GROUPING SETS ((), (pp.name))
        UNION ALL
        SELECT 'housing_breaches', pp.name, 0, NULL, sum(pp.breaches)::bigint, NULL
        FROM per_partner pp GROUP BY GROUPING SETS ((), (pp.name))
        -- Grants
        UNION ALL
        SELECT 'grants_paid', NULL, 0, g.district, coalesce(sum(g.amount_pence), 0)::bigint,
               count(*)
        FROM grants g GROUP BY GROUPING SETS ((), (g.district))
        UNION ALL
        SELECT 'grants_paid', g.type, 0, NULL, sum(g.amount_pence)::bigint, count(*)
        FROM grants g GROUP BY g.type
        UNION ALL SELECT * FROM board_voice_figures(p_from, p_to, p_districts)
        UNION ALL SELECT * FROM board_council_tax_figures(p_from, p_to, p_districts)
    )
    SELECT r.code, r.category, r.cat_sort, r.district, r.num, r.den FROM rows r
$$;

-- The whole report in one result, so the national indicators' birthdays are read once for
-- the headline, the comparison and the trend:
--
-- * figure rows (month_end NULL): each indicator (and breakdown) on p_as_at beside
--   p_compare_to, with the value as the report prints it (whole percentages, means to one
--   decimal), the change, the definition and the England average as at p_as_at. Events are
--   counted over (p_compare_to, p_as_at] and over the period of the same length before
--   p_compare_to. Every indicator has a total row. In report order: by indicator, its total
--   first then each district, then each breakdown.
-- * trend rows (month_end set): the national indicators for the districts together at each of
--   the twelve month ends to p_as_at (p_as_at, one month earlier, and so on), each over the
--   twelve months to that month end, so the last point is the headline figure; chart,
--   chart_title and series say where each belongs.
CREATE FUNCTION board_report(p_as_at date, p_compare_to date, p_districts text[],
                                        p_before integer, p_after integer,
                                        p_recorded_days integer)
RETURNS TABLE (code text, section text, label text, definition text, kind text,
               category text, district text, sort integer, in_breakdown boolean,
               suppress boolean, num bigint, den bigint, value numeric, prev_num bigint,
               prev_den bigint, prev_value numeric, change numeric, england_value numeric,
               england_year text, england_source text, short_label text, month_end date,
               chart text, chart_title text, series text)
LANGUAGE sql STABLE AS $$
    SELECT * FROM board_report_part(p_as_at, p_compare_to, p_districts, p_before, p_after,
                                    p_recorded_days, NULL)
$$;

-- board_report in two parts that can run side by side, on two connections sharing one
-- snapshot (worker/board_report.c): p_national true gives the rows of the national indicators
-- and the statutory visits (in_touch_, eet_, neet_ and suitable_ with 17_18 or 19_21,
-- visits_on_time, visits_recorded_in_time) and the trend; false every other row; NULL the
-- whole report. Each part is in the report's order and no indicator has rows in both, so the
-- parts merged by (month_end IS NOT NULL, sort) are the whole report. The part left out is
-- not computed: its CTEs' conditions are false once the planner knows p_national.
-- The visits are counted in one pass (vis, visits).
CREATE FUNCTION board_report_part(p_as_at date, p_compare_to date, p_districts text[],
                                  p_before integer, p_after integer, p_recorded_days integer,
                                  p_national boolean)
RETURNS TABLE (code text, section text, label text, definition text, kind text,
               category text, district text, sort integer, in_breakdown boolean,
               suppress boolean, num bigint, den bigint, value numeric, prev_num bigint,
               prev_den bigint, prev_value numeric, change numeric, england_value numeric,
               england_year text, england_source text, short_label text, month_end date,
               chart text, chart_title text, series text)
LANGUAGE sql STABLE AS $$
    WITH nat AS (
        -- The dates as a plain array (no subquery), so the planner inlines board_national.
        SELECT * FROM board_national(
            ARRAY[p_as_at, p_compare_to, (p_as_at - interval '1 month')::date,
                  (p_as_at - interval '2 months')::date, (p_as_at - interval '3 months')::date,
                  (p_as_at - interval '4 months')::date, (p_as_at - interval '5 months')::date,
                  (p_as_at - interval '6 months')::date, (p_as_at - interval '7 months')::date,
                  (p_as_at - interval '8 months')::date, (p_as_at - interval '9 months')::date,
                  (p_as_at - interval '10 months')::date,
                  (p_as_at - interval '11 months')::date],
            least((p_compare_to - interval '1 year')::date,
                  (p_as_at - interval '1 year 11 months')::date),
            p_as_at, p_districts, p_before, p_after, ARRAY[p_as_at, p_compare_to])
        WHERE p_national IS NOT FALSE
    ), vis AS (
        -- Both periods in one pass: (previous start, p_compare_to] and (p_compare_to, p_as_at],
        -- both figures at once, by district
        SELECT x.now, x.district, count(*) FILTER (WHERE x.on_time) AS on_time,
               count(*) FILTER (WHERE x.recorded_in_time) AS in_time, count(*) AS n
        FROM (SELECT s.occurred_on > p_compare_to AS now, s.district, s.on_time,
                     s.recorded_in_time
              FROM board_statutory_visits(p_compare_to - (p_as_at - p_compare_to), p_as_at,
                                          p_districts, p_recorded_days) s
              WHERE p_national IS NOT FALSE) x
        GROUP BY x.now, x.district
    ), visits AS (
        -- a total for each period (nothing counted when there were no visits) and a row for
        -- each district with visits
        SELECT t.now, f.code, NULL::text AS district,
               coalesce(sum(CASE f.code WHEN 'visits_on_time' THEN vis.on_time
                                        ELSE vis.in_time END), 0)::bigint AS num,
               coalesce(sum(vis.n), 0)::bigint AS den
        FROM (VALUES (true), (false)) AS t (now)
        CROSS JOIN (VALUES ('visits_on_time'), ('visits_recorded_in_time')) AS f (code)
        LEFT JOIN vis ON vis.now = t.now
        WHERE p_national IS NOT FALSE
        GROUP BY t.now, f.code
        UNION ALL
        SELECT vis.now, f.code, vis.district,
               CASE f.code WHEN 'visits_on_time' THEN vis.on_time ELSE vis.in_time END, vis.n
        FROM vis CROSS JOIN (VALUES ('visits_on_time'), ('visits_recorded_in_time')) AS f (code)
    ), n AS (
        SELECT * FROM board_report_figures(p_compare_to, p_as_at, p_districts)
        WHERE p_national IS NOT TRUE
        UNION ALL
        SELECT nat.code, NULL, 0, nat.district, nat.num, nat.den FROM nat
        WHERE nat.on_date = p_as_at
        UNION ALL
        SELECT visits.code, NULL, 0, visits.district, visits.num, visits.den FROM visits
        WHERE visits.now
    ), p AS (
        SELECT * FROM board_report_figures(p_compare_to - (p_as_at - p_compare_to),
                                           p_compare_to, p_districts)
        WHERE p_national IS NOT TRUE
        UNION ALL
        SELECT nat.code, NULL, 0, nat.district, nat.num, nat.den FROM nat
        WHERE nat.on_date = p_compare_to
        UNION ALL
        SELECT visits.code, NULL, 0, visits.district, visits.num, visits.den FROM visits
        WHERE NOT visits.now
    ), j AS (
        SELECT coalesce(n.code, p.code) AS code, coalesce(n.category, p.category) AS category,
               coalesce(n.cat_sort, p.cat_sort) AS cat_sort,
               coalesce(n.district, p.district) AS district,
               n.num, n.den, p.num AS pnum, p.den AS pden
        FROM n FULL JOIN p ON p.code = n.code
            AND coalesce(p.category, '') = coalesce(n.category, '')
            AND coalesce(p.district, '') = coalesce(n.district, '')
        UNION ALL
        SELECT d.code, NULL, 0, NULL, NULL, NULL, NULL, NULL FROM board_indicators d
        WHERE NOT EXISTS (SELECT 1 FROM n WHERE n.code = d.code AND n.category IS NULL
                                                AND n.district IS NULL)
          AND NOT EXISTS (SELECT 1 FROM p WHERE p.code = d.code AND p.category IS NULL
                                                AND p.district IS NULL)
          AND (p_national IS NULL
               OR (d.code ~ '^(in_touch|eet|neet|suitable)_(17_18|19_21)$'
                   OR d.code IN ('visits_on_time', 'visits_recorded_in_time')) = p_national)
    ), v AS (
        SELECT j.*, d.section, d.label, d.definition, d.kind, d.sort, d.in_breakdown,
               d.suppress, coalesce(d.short_label, d.label) AS short_label,
               CASE WHEN d.kind IN ('count', 'pct', 'money') THEN coalesce(j.num, 0)
                    ELSE j.num END AS cnum,
               CASE WHEN d.kind IN ('pct', 'money') THEN coalesce(j.den, 0) ELSE j.den END
                   AS cden,
               CASE WHEN d.kind IN ('count', 'pct', 'money') THEN coalesce(j.pnum, 0)
                    ELSE j.pnum END AS cpnum,
               CASE WHEN d.kind IN ('pct', 'money') THEN coalesce(j.pden, 0) ELSE j.pden END
                   AS cpden
        FROM j JOIN board_indicators d ON d.code = j.code
    ), w AS (
        SELECT v.*,
               CASE v.kind WHEN 'pct' THEN round(100.0 * v.cnum / nullif(v.cden, 0))
                           WHEN 'mean' THEN round(v.cnum::numeric / nullif(v.cden, 0), 1)
                           ELSE v.cnum END AS val,
               CASE v.kind WHEN 'pct' THEN round(100.0 * v.cpnum / nullif(v.cpden, 0))
                           WHEN 'mean' THEN round(v.cpnum::numeric / nullif(v.cpden, 0), 1)
                           ELSE v.cpnum END AS pval
        FROM v
    ), m AS (
        SELECT (p_as_at - make_interval(months => k))::date AS month_end
        FROM generate_series(0, 11) AS k
    ), c (prefix, chart, title, ord) AS (
        VALUES ('in_touch_', 'in_touch', 'Care leavers in touch', 1),
               ('eet_', 'eet', 'Care leavers in education, employment or training', 2),
               ('suitable_', 'suitable', 'Care leavers in suitable accommodation', 3)
    ), g (suffix, series, ord) AS (
        VALUES ('17_18', 'Aged 17-18', 1), ('19_21', 'Aged 19-21', 2)
    )
    SELECT u.code, u.section, u.label, u.definition, u.kind, u.category, u.district, u.sort,
           u.in_breakdown, u.suppress, u.num, u.den, u.value, u.prev_num, u.prev_den,
           u.prev_value, u.change, u.england_value, u.england_year, u.england_source,
           u.short_label, u.month_end, u.chart, u.chart_title, u.series
    FROM (
        SELECT w.code, w.section, w.label, w.definition, w.kind, w.category, w.district,
               w.sort, w.cat_sort, w.in_breakdown, w.suppress, w.cnum AS num, w.cden AS den,
               w.val AS value, w.cpnum AS prev_num, w.cpden AS prev_den, w.pval AS prev_value,
               w.val - w.pval AS change, e.value AS england_value,
               e.year_ending::text AS england_year, e.source AS england_source, w.short_label,
               NULL::date AS month_end, NULL::text AS chart, NULL::text AS chart_title,
               NULL::text AS series
        FROM w LEFT JOIN LATERAL board_england_average(w.code, p_as_at) e ON true
        UNION ALL
        SELECT c.prefix || g.suffix, NULL, NULL, NULL, 'pct', NULL, NULL, c.ord * 10 + g.ord,
               0, false, true, nat.num, nat.den, round(100.0 * nat.num / nullif(nat.den, 0)),
               NULL, NULL, NULL, NULL, e.value, e.year_ending::text, e.source, NULL,
               nat.on_date, c.chart, c.title, g.series
        FROM c CROSS JOIN g
        JOIN nat ON nat.code = c.prefix || g.suffix AND nat.district IS NULL
        LEFT JOIN LATERAL board_england_average(c.prefix || g.suffix, p_as_at) e ON true
        WHERE nat.on_date IN (SELECT m.month_end FROM m)
    ) u
    ORDER BY u.month_end IS NOT NULL, u.sort, u.category IS NOT NULL, u.cat_sort, u.category,
             u.district IS NOT NULL, u.district, u.month_end
$$;
