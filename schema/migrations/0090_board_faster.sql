-- The Corporate Parenting Board report made faster (issue 9), every figure unchanged:
-- board_people_on, board_birthday_statuses, board_statutory_visits and board_report (0051)
-- re-created with the same signatures and results, a helper, a covering index, and
-- board_report_part: the report in two halves of about the same cost, which the worker runs
-- side by side on two connections sharing one snapshot (worker/board_report.c).
--
-- Where the time went (100 000 generated care leavers, EXPLAIN ANALYZE of board_report): the
-- statutory visits of both periods (800 000 rows) were half of it. Each visit's age came from
-- board_age, six date_part calls that cast a date to a timestamp; the visit before it from a
-- max() over a RANGE frame whose '1 day' offset is date + interval arithmetic at every step
-- (and max restarts when the frame head moves); the working-day calendar from two hash joins
-- that the planner built on the visits' side (it expects 1 000 calendar rows), storing 800 000
-- rows twice; the visits were read from the heap; and the rows were stored and read twice to
-- count the two figures. The national indicators joined all 1 000 000 successful contacts to
-- the 90 000 birthday windows to find the last contact by each window's end.
--
-- Now:
--   board_ymd(from, to)  yyyymmdd numbers by day in an array, so a whole age is
--       (ymd(on) - ymd(dob)) div 10000 (rounded down) with two subscripts: board_age's whole
--       years (the year difference, less one before the birthday; a 29 February birthday
--       falls on 1 March in a common year, as 0301 > 0229 > 0228).
--   visits: read from a covering index; the visit before each is lead() over the visits
--       newest first (a same-day visit, rare, is looked up); what each visit needs of its
--       care leaver (district, dates, death, category, ymd of birth) is worked out once per
--       care leaver; the working days and the visit intervals are arrays built once and read
--       by subscript; board_report counts both figures of both periods in one pass.
--   national indicators: each birthday worked out once, and the last successful contact by
--       the window's end one index probe per birthday.
--   open cases: the plan in force is picked before its review date is worked out; ages as
--       above.
--   board_report_part(..., p_national): the national indicators, the visits and the trend
--       (true) or every other figure (false); board_report is the two together (NULL).
-- Large arrays are read through scalar subqueries of a MATERIALIZED CTE (an InitPlan), never
-- joined in as a column: a hash join would copy them into every row of its table. OFFSET 0
-- marks the subqueries whose expressions must be worked out once per row rather than copied
-- into every expression that uses them.
-- tests/integration/test_board_report.c compares these with the per-person rules (0011,
-- 0041) on every care leaver of its database, as it did the 0051 forms; the report's output
-- was compared byte for byte with 0051's at 100 000 care leavers.

-- yyyymmdd of p_from + i - 1 at subscript i, for p_from to p_to.
CREATE FUNCTION board_ymd(p_from date, p_to date) RETURNS integer[]
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT ARRAY(SELECT (date_part('year', d) * 10000 + date_part('month', d) * 100
                         + date_part('day', d))::integer
                 FROM generate_series(p_from::timestamp, p_to::timestamp, interval '1 day') AS d
                 ORDER BY d)
$$;

-- The statutory visits' access path: key and predicate as contacts_visits (0010), which it
-- replaces (every query that used that one can use this one), with the day each visit was
-- recorded, so the report reads the visits from the index alone. The date fits in the
-- entries' alignment padding: the index is no bigger, and the planner goes on choosing it.
CREATE INDEX contacts_visits_cover ON contacts (care_leaver_id, occurred_on DESC)
    INCLUDE (recorded_on) WHERE successful AND statutory_visit;
DROP INDEX contacts_visits;

CREATE OR REPLACE FUNCTION board_people_on(p_on date, p_districts text[])
RETURNS TABLE (care_leaver_id uuid, district text, category text, uasc boolean,
               adviser_id uuid, age integer, plan_ok boolean, visit_due date, accom text,
               activ text)
LANGUAGE sql STABLE AS $$
    WITH k AS MATERIALIZED (
        -- board_ymd from lo, 40 years before the date, read through scalar subqueries so
        -- each value is computed once and the array never copied into a row
        SELECT lo, board_ymd(lo, p_on) AS ymd
        FROM (SELECT (p_on - interval '40 years')::date AS lo) x
    ), c AS (
        SELECT c.id, c.district, c.category, c.uasc, c.adviser_id, c.opened_on,
               CASE WHEN c.date_of_birth BETWEEN (SELECT k.lo FROM k) AND p_on
                    THEN ((SELECT k.ymd FROM k)[p_on - (SELECT k.lo FROM k) + 1]
                          - (SELECT k.ymd FROM k)[c.date_of_birth - (SELECT k.lo FROM k) + 1]
                          + 10000000) / 10000 - 1000
                    ELSE board_age(c.date_of_birth, p_on) END AS age
        FROM care_leavers c
        WHERE (p_districts IS NULL OR c.district = ANY (p_districts)) AND cl_case_open_on(c, p_on)
    ), plan AS (
        -- cl_plan_in_force, then cl_plan_review_due for it
        SELECT p.care_leaver_id,
               (CASE WHEN p.reviewed_on IS NOT NULL AND p.reviewed_on <= p_on
                     THEN greatest(p.started_on, p.reviewed_on) ELSE p.started_on END
                + interval '6 months')::date AS due
        FROM (SELECT DISTINCT ON (p.care_leaver_id) p.care_leaver_id, p.started_on,
                     p.reviewed_on
              FROM pathway_plans p
              WHERE p.status <> 'draft' AND p.started_on <= p_on
              ORDER BY p.care_leaver_id, p.started_on DESC, p.version_no DESC) p
    ), visit AS (
        SELECT k.care_leaver_id, max(k.occurred_on) AS last_on FROM contacts k
        WHERE k.successful AND k.statutory_visit AND k.occurred_on <= p_on
        GROUP BY k.care_leaver_id
    ), died AS (
        SELECT DISTINCT e.care_leaver_id FROM contact_status_events e
        WHERE e.status = 'died' AND e.occurred_on <= p_on
    ), acc AS (
        SELECT a.care_leaver_id, a.code || CASE WHEN a.suitable THEN '1' ELSE '2' END AS accom
        FROM accommodation_episodes a
        WHERE a.started_on <= p_on AND (a.ended_on IS NULL OR a.ended_on > p_on)
    ), act AS (
        SELECT a.care_leaver_id, a.code FROM eet_activities a
        WHERE a.started_on <= p_on AND (a.ended_on IS NULL OR a.ended_on > p_on)
    ), standard AS (
        -- cl_visit_interval_days for every category and age
        SELECT cat.category, g.age,
               (SELECT s.interval_days FROM visit_standards s
                WHERE s.category = cat.category AND g.age BETWEEN s.min_age AND s.max_age
                ORDER BY s.min_age DESC LIMIT 1) AS days
        FROM (SELECT DISTINCT s.category FROM visit_standards s) cat
        CROSS JOIN generate_series(0, 30) AS g (age)
    )
    SELECT c.id, c.district, c.category, c.uasc, c.adviser_id, c.age,
           CASE WHEN c.category <> 'qualifying' THEN coalesce(p_on <= plan.due, false) END,
           CASE WHEN standard.days IS NULL OR died.care_leaver_id IS NOT NULL THEN NULL
                ELSE coalesce(visit.last_on + standard.days, c.opened_on + 7) END,
           coalesce(acc.accom, '0'), coalesce(act.code, '0')
    FROM c
    LEFT JOIN plan ON plan.care_leaver_id = c.id
    LEFT JOIN visit ON visit.care_leaver_id = c.id
    LEFT JOIN died ON died.care_leaver_id = c.id
    LEFT JOIN acc ON acc.care_leaver_id = c.id
    LEFT JOIN act ON act.care_leaver_id = c.id
    LEFT JOIN standard ON standard.category = c.category AND standard.age = c.age
$$;

CREATE OR REPLACE FUNCTION board_statutory_visits(p_from date, p_to date, p_districts text[],
                                                  p_recorded_days integer)
RETURNS TABLE (contact_id uuid, care_leaver_id uuid, occurred_on date, district text,
               on_time boolean, recorded_in_time boolean)
LANGUAGE sql STABLE AS $$
    WITH v AS (
        -- The visits read newest first per care leaver, as the index is, with the day of the
        -- next one (an earlier or the same day). One earlier than a year before the period
        -- is more than the longest interval (366 days) before every visit in it, so it cannot
        -- make one on time and need not be read.
        SELECT k.id, k.care_leaver_id, k.occurred_on, k.recorded_on,
               lead(k.occurred_on) OVER (PARTITION BY k.care_leaver_id
                                         ORDER BY k.occurred_on DESC) AS next_on
        FROM contacts k
        WHERE k.successful AND k.statutory_visit
          AND k.occurred_on > p_from - 367 AND k.occurred_on <= p_to
    ), cal AS MATERIALIZED (
        -- Read through scalar subqueries, so each array is computed once and never copied
        -- into a row.
        -- ymd: board_ymd from lo, 40 years before the period (the ages that matter are 0 to
        -- 30).
        -- wd: working days (not Saturday, Sunday or a bank holiday) from p_from + 1 to each
        -- day (subscript day - p_from), so the working days after a up to and including b
        -- are wd(b) - wd(a). A visit recorded after the calendar ends was recorded more than
        -- a year late: not in time (VISIT_RECORDED_DAYS is at most 60).
        -- cats and days: cl_visit_interval_days for category cats[i] and age a (0 to 30) at
        -- days[(i - 1) * 31 + a + 1].
        SELECT lo, board_ymd(lo, p_to) AS ymd,
               ARRAY(SELECT count(*) FILTER (WHERE extract(isodow FROM d) < 6
                                                   AND h.day IS NULL) OVER (ORDER BY d)
                     FROM generate_series(p_from + 1, greatest(p_to, current_date) + 366,
                                          interval '1 day') AS d
                     LEFT JOIN bank_holidays h ON h.day = d::date
                     ORDER BY d) AS wd,
               ARRAY(SELECT DISTINCT s.category FROM visit_standards s ORDER BY 1) AS cats,
               ARRAY(SELECT (SELECT s.interval_days FROM visit_standards s
                             WHERE s.category = cat.category
                               AND g.age BETWEEN s.min_age AND s.max_age
                             ORDER BY s.min_age DESC LIMIT 1)
                     FROM (SELECT DISTINCT s.category FROM visit_standards s) cat
                     CROSS JOIN generate_series(0, 30) AS g (age)
                     ORDER BY cat.category, g.age) AS days
        FROM (SELECT (p_from - interval '40 years')::date AS lo) x
    ), c AS (
        -- what each visit needs of its care leaver, worked out once per care leaver (OFFSET 0
        -- keeps the planner from copying these expressions up to every visit)
        SELECT c.id, c.district, c.opened_on, c.closed_on, died.died_on,
               array_position((SELECT cal.cats FROM cal), c.category) - 1 AS cat,
               (SELECT cal.ymd FROM cal)[greatest(c.date_of_birth, (SELECT cal.lo FROM cal))
                                         - (SELECT cal.lo FROM cal) + 1] AS dob
        FROM care_leavers c
        LEFT JOIN (SELECT e.care_leaver_id, min(e.occurred_on) AS died_on
                   FROM contact_status_events e WHERE e.status = 'died'
                   GROUP BY e.care_leaver_id) died ON died.care_leaver_id = c.id
        WHERE p_districts IS NULL OR c.district = ANY (p_districts)
        OFFSET 0
    ), w AS (
        SELECT v.id, v.care_leaver_id, v.occurred_on, c.district, c.opened_on, c.closed_on,
               c.died_on,
               -- the visit before: the latest earlier day (another visit the same day is
               -- rare: then it is looked up)
               CASE WHEN v.next_on < v.occurred_on OR v.next_on IS NULL THEN v.next_on
                    ELSE (SELECT max(x.occurred_on) FROM contacts x
                          WHERE x.care_leaver_id = v.care_leaver_id AND x.successful
                            AND x.statutory_visit AND x.occurred_on < v.occurred_on
                            AND x.occurred_on > p_from - 367) END AS prev_on,
               -- board_age(dob, occurred_on - 1), where it can be 30 or less (the calendar
               -- reaches back 40 years)
               ((SELECT cal.ymd FROM cal)[v.occurred_on - 1 - (SELECT cal.lo FROM cal) + 1]
                - c.dob + 10000000) / 10000 - 1000 AS age,
               c.cat,
               (SELECT cal.wd FROM cal)[v.recorded_on - p_from]
                   - (SELECT cal.wd FROM cal)[v.occurred_on - p_from] AS working
        FROM v JOIN c ON c.id = v.care_leaver_id
        WHERE v.occurred_on > p_from
        OFFSET 0
    ), i AS (
        SELECT w.*,
               (SELECT cal.days FROM cal)[CASE WHEN w.age BETWEEN 0 AND 30
                                               THEN w.cat * 31 + w.age + 1 END] AS days
        FROM w
    )
    SELECT i.id, i.care_leaver_id, i.occurred_on, i.district,
           coalesce(i.occurred_on <= CASE
               WHEN NOT (i.opened_on <= i.occurred_on - 1
                         AND (i.closed_on IS NULL OR i.closed_on > i.occurred_on - 1))
                    OR i.days IS NULL THEN NULL
               WHEN i.died_on <= i.occurred_on - 1 THEN NULL
               ELSE coalesce(i.prev_on + i.days, i.opened_on + 7) END, true),
           coalesce(i.working <= p_recorded_days, false)
    FROM i
$$;

CREATE OR REPLACE FUNCTION board_birthday_statuses(p_from date, p_to date, p_districts text[],
                                                   p_before integer, p_after integer)
RETURNS TABLE (care_leaver_id uuid, district text, birthday date, age integer, age_group text,
               contact_status text, activ text, accom text, eet boolean, neet boolean,
               suitable boolean, in_suitability boolean)
LANGUAGE sql STABLE AS $$
    WITH b AS (
        SELECT c.id, c.district, a.age, c.care_ceased_on, a.birthday
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
          AND c.category <> 'qualifying'
          AND c.care_ceased_on IS NOT NULL
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), w0 AS (
        SELECT b.*, (b.birthday - make_interval(months => p_before))::date AS ws,
               (b.birthday + make_interval(months => p_after))::date AS we
        FROM b
        WHERE b.birthday > p_from AND b.birthday <= p_to AND b.care_ceased_on <= b.birthday
    ), w AS MATERIALIZED (
        -- with the last successful contact by the end of the window (one index probe)
        SELECT w0.*,
               (SELECT max(x.occurred_on) FROM contacts x
                WHERE x.care_leaver_id = w0.id AND x.successful AND x.occurred_on <= w0.we)
                   AS last_on
        FROM w0
    ), ev AS (
        -- the recorded status event in force at the end of the window (death first)
        SELECT DISTINCT ON (w.id, w.birthday) w.id, w.birthday, e.status, e.occurred_on
        FROM w JOIN contact_status_events e ON e.care_leaver_id = w.id
             AND e.occurred_on <= w.we
        ORDER BY w.id, w.birthday, (e.status = 'died') DESC, e.occurred_on DESC,
                 e.created_at DESC
    ), acc AS (
        -- the episode on the birthday, else the one in the window nearest to it
        SELECT DISTINCT ON (w.id, w.birthday) w.id, w.birthday, a.code, a.suitable
        FROM w JOIN accommodation_episodes a ON a.care_leaver_id = w.id
             AND a.started_on <= w.we AND (a.ended_on IS NULL OR a.ended_on > w.ws)
        ORDER BY w.id, w.birthday,
                 CASE WHEN a.started_on <= w.birthday
                           AND (a.ended_on IS NULL OR a.ended_on > w.birthday) THEN 0
                      WHEN a.started_on > w.birthday THEN a.started_on - w.birthday
                      ELSE w.birthday - (a.ended_on - 1) END,
                 a.started_on DESC
    ), act AS (
        SELECT DISTINCT ON (w.id, w.birthday) w.id, w.birthday, a.code
        FROM w JOIN eet_activities a ON a.care_leaver_id = w.id
             AND a.started_on <= w.we AND (a.ended_on IS NULL OR a.ended_on > w.ws)
        ORDER BY w.id, w.birthday,
                 CASE WHEN a.started_on <= w.birthday
                           AND (a.ended_on IS NULL OR a.ended_on > w.birthday) THEN 0
                      WHEN a.started_on > w.birthday THEN a.started_on - w.birthday
                      ELSE w.birthday - (a.ended_on - 1) END,
                 a.started_on DESC
    ), k AS (
        SELECT w.id, w.district, w.age, w.birthday, w.ws, ev.status AS ev_status,
               ev.occurred_on AS ev_on, w.last_on, acc.code AS accom_code, acc.suitable,
               act.code AS activ
        FROM w
        LEFT JOIN ev ON ev.id = w.id AND ev.birthday = w.birthday
        LEFT JOIN acc ON acc.id = w.id AND acc.birthday = w.birthday
        LEFT JOIN act ON act.id = w.id AND act.birthday = w.birthday
    ), st AS (
        SELECT k.*,
               CASE WHEN k.ev_status = 'died' THEN 'DIED'
                    WHEN k.ev_status IS NOT NULL
                         AND (k.last_on IS NULL OR k.last_on <= k.ev_on) THEN
                        CASE k.ev_status WHEN 'refuses_contact' THEN 'REFU'
                             WHEN 'no_longer_requires_services' THEN 'NREQ'
                             WHEN 'returned_home' THEN 'RHOM' END
                    WHEN k.last_on >= k.ws THEN 'YES'
                    ELSE 'NO' END AS status,
               CASE WHEN k.accom_code IS NULL THEN '0'
                    ELSE CASE WHEN k.accom_code = 'Z' AND k.age = 17 THEN 'Y'
                              ELSE k.accom_code END
                         || CASE WHEN k.suitable AND k.accom_code NOT IN ('S', 'X') THEN '1'
                                 ELSE '2' END END AS accom
        FROM k
    )
    SELECT st.id, st.district, st.birthday, st.age,
           CASE WHEN st.age <= 18 THEN '17-18' ELSE '19-21' END,
           st.status, coalesce(st.activ, '0'), st.accom,
           coalesce(s.eet, false), coalesce(NOT s.eet, false),
           coalesce(t.in_suitability_figures AND right(st.accom, 1) = '1', false),
           coalesce(t.in_suitability_figures, true)
    FROM st
    LEFT JOIN ssda903_activities s ON s.code = st.activ
    LEFT JOIN ssda903_accommodation_types t ON t.letter = left(st.accom, 1)
    WHERE st.status NOT IN ('DIED', 'RHOM')
$$;

-- board_report (0051) in two parts that can run side by side, on two connections sharing one
-- snapshot (worker/board_report.c): p_national true gives the rows of the national indicators
-- and the statutory visits (in_touch_, eet_, neet_ and suitable_ with 17_18 or 19_21,
-- visits_on_time, visits_recorded_in_time) and the trend; false every other row; NULL the
-- whole report. Each part is in the report's order and no indicator has rows in both, so the
-- parts merged by (month_end IS NOT NULL, sort) are the whole report. The part left out is
-- not computed: its CTEs' conditions are false once the planner knows p_national.
-- As 0051 otherwise, with the visits counted in one pass (vis, visits).
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

CREATE OR REPLACE FUNCTION board_report(p_as_at date, p_compare_to date, p_districts text[],
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
