-- The SSDA903 care leavers return (Header + OC3) for one collection year, as one set-based
-- query the worker renders (worker/ssda903.c). The domain rules come from the project's SSDA903
-- domain notes (§3); the rules about one young person on one date are those of facts.sql and
-- of the episode tables (accommodation_eet.sql).

-- Cohort, for collection year Y (1 April Y-1 to 31 March Y), each young person's legal status
-- read as in force on the reference date (status periods, history.sql), so a later change of
-- the record leaves a past year's return as it was:
--   17-21  relevant and former relevant young people (not qualifying) whose 17th to 21st
--          birthday falls in the year and who had left care by that birthday (care ending ON
--          the 18th birthday counts: rules 1007/1016). Their IN_TOUCH is the contact status
--          over the birthday window [birthday - before months, birthday + after months]: a
--          successful contact in the window is YES; a recorded refusal, "no longer requires
--          services" or return home (not followed by a successful contact) is REFU / NREQ /
--          RHOM; a death recorded by the end of the window is DIED; otherwise NO.
--   22-25  (from the 2022/23 collection, Y >= 2023)
--          care leavers aged 22 to 25 on 31 March who asked for support during the year: a
--          successful contact in the year, or an outreach reply wanting a service. They are
--          reported at their latest such contact (YES, or DIED if a death is recorded by the
--          year end).
-- ACTIV and ACCOM come from the EET and accommodation episodes (ssda903_window_codes): the
-- episode in effect on the reference date (birthday, or latest contact), else the one in the
-- window nearest to it; nothing recorded is 0 (not known), never a guess. DIED and RHOM carry 0 and 0 (rule 344).
-- Suitability is the suffix: 1 suitable, 2 not (S and X are always 2). Staying put (Z) does
-- not exist before 18 (rule 3001): a 17-year-old recorded as living with former foster carers
-- is reported as Y (other accommodation) with the recorded suitability.
--
-- A 29 February birthday falls on 1 March in a common year (Family Law Reform Act 1969 s 9).
CREATE FUNCTION ssda903_birthday(p_dob date, p_age integer) RETURNS date
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN extract(month FROM p_dob) = 2 AND extract(day FROM p_dob) = 29
                     AND extract(day FROM p_dob + make_interval(years => p_age)) = 28
                THEN (p_dob + make_interval(years => p_age))::date + 1
                ELSE (p_dob + make_interval(years => p_age))::date END
$$;

-- The SSDA903 IN_TOUCH code of a contact status (cl_contact_status_in, facts.sql).
CREATE FUNCTION ssda903_in_touch(p_status text) RETURNS text
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE p_status WHEN 'in_touch' THEN 'YES' WHEN 'not_in_touch' THEN 'NO'
                         WHEN 'died' THEN 'DIED' WHEN 'refuses_contact' THEN 'REFU'
                         WHEN 'no_longer_requires_services' THEN 'NREQ'
                         WHEN 'returned_home' THEN 'RHOM' END
$$;

-- Days from an episode [p_started, p_ended) to date p_ref: 0 when it covers it.
CREATE FUNCTION ssda903_distance(p_started date, p_ended date, p_ref date) RETURNS integer
    LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT CASE WHEN p_started <= p_ref AND (p_ended IS NULL OR p_ended > p_ref) THEN 0
                WHEN p_started > p_ref THEN p_started - p_ref
                ELSE p_ref - (p_ended - 1) END
$$;

-- ACTIV and ACCOM of a young person for a reference date and its window [p_ws, p_we]: the
-- episode in effect on the reference date, else the one in the window nearest to it (the later
-- of two as near); '0' when none. ACCOM is ssda903_accom, with Y for the Z of a young person
-- reaching 17 (p_age: the age reached on the birthday). Used by the return and the Board's
-- national indicators (board_birthday_statuses); one index probe into each episode table.
CREATE FUNCTION ssda903_window_codes(p_id uuid, p_ref date, p_ws date, p_we date,
                                     p_age integer)
RETURNS TABLE (activ text, accom text) LANGUAGE sql STABLE AS $$
    SELECT coalesce(act.code, '0'),
           coalesce(ssda903_accom(CASE WHEN acc.code = 'Z' AND p_age = 17 THEN 'Y'
                                       ELSE acc.code END, acc.suitable), '0')
    FROM (SELECT 1) AS one
    LEFT JOIN LATERAL (
        SELECT a.code FROM eet_activities a
        WHERE a.care_leaver_id = p_id AND a.started_on <= p_we
          AND (a.ended_on IS NULL OR a.ended_on > p_ws)
        ORDER BY ssda903_distance(a.started_on, a.ended_on, p_ref), a.started_on DESC
        LIMIT 1) act ON true
    LEFT JOIN LATERAL (
        SELECT e.code, e.suitable FROM accommodation_episodes e
        WHERE e.care_leaver_id = p_id AND e.started_on <= p_we
          AND (e.ended_on IS NULL OR e.ended_on > p_ws)
        ORDER BY ssda903_distance(e.started_on, e.ended_on, p_ref), e.started_on DESC
        LIMIT 1) acc ON true
$$;

-- The return's rows, Header and OC3 items together, in CHILD order. The Header's UPN, MOTHER
-- and MC_DOB:
--   UPN     the stored UPN or unknown-UPN code, for every young person (blank if not recorded).
--   MOTHER  1 or 0 as recorded, only for a young person looked after at some point in the year
--   MC_DOB  (care ended on or after 1 April: rule 628 forbids motherhood details for care
--           leavers not looked after during the year, 607 asks for MOTHER from a female who
--           ceased to be looked after in it) and never for a male (174). As at 31 March: a
--           first child born after the year is not in it (MOTHER 0, MC_DOB blank).
-- IN_TOUCH of the 17-21 cohort is cl_contact_status_in over the birthday window (facts.sql).
CREATE FUNCTION ssda903_return_rows(p_year integer, p_before integer, p_after integer)
RETURNS TABLE (child text, sex text, dob text, ethnic text, upn text, mother text, mc_dob text,
               in_touch text, activ text, accom text, age integer, cohort text,
               reference_date date, window_start date, window_end date, last_contact date)
LANGUAGE sql STABLE AS $$
    WITH y AS (
        SELECT make_date(p_year - 1, 4, 1) AS ys, make_date(p_year, 3, 31) AS ye
    ), p AS MATERIALIZED (
        SELECT c.id, c.la_child_id, c.sex, c.date_of_birth, c.ethnicity, c.care_ceased_on,
               c.upn, c.mother, c.first_child_dob,
               -- the age on 31 March, i.e. the age reached on the birthday in the year
               p_year - extract(year FROM c.date_of_birth)::integer
                   - (extract(month FROM c.date_of_birth) >= 4)::integer AS age,
               y.ys, y.ye
        FROM care_leavers c CROSS JOIN y
        WHERE c.date_of_birth > (y.ye - interval '26 years')::date
          AND c.date_of_birth <= (y.ye - interval '17 years')::date
          AND c.care_ceased_on IS NOT NULL
    ), asked AS MATERIALIZED (
        -- 22-25: the latest successful contact or outreach reply wanting a service in the year
        SELECT s.care_leaver_id, max(s.on_) AS ref
        FROM (SELECT k.care_leaver_id, k.occurred_on AS on_ FROM contacts k CROSS JOIN y
              WHERE k.successful AND k.occurred_on BETWEEN y.ys AND y.ye
              UNION ALL
              SELECT o.care_leaver_id, o.responded_on FROM outreach_contacts o CROSS JOIN y
              WHERE o.response = 'wants_service' AND o.responded_on BETWEEN y.ys AND y.ye) s
        GROUP BY s.care_leaver_id
    ), q AS MATERIALIZED (
        -- not qualifying on the reference date (the status in force then: history.sql)
        SELECT q0.* FROM (
            SELECT p.*, '17-21'::text AS cohort, b.bday AS ref,
                   (b.bday - make_interval(months => p_before))::date AS ws,
                   (b.bday + make_interval(months => p_after))::date AS we
            FROM p CROSS JOIN LATERAL (SELECT ssda903_birthday(p.date_of_birth, p.age)) b (bday)
            WHERE p.age BETWEEN 17 AND 21 AND p.care_ceased_on <= b.bday
            UNION ALL
            SELECT p.*, '22-25'::text, a.ref,
                   (a.ref - make_interval(months => p_before))::date,
                   least((a.ref + make_interval(months => p_after))::date, p.ye)
            FROM p JOIN asked a ON a.care_leaver_id = p.id
            WHERE p.age BETWEEN 22 AND 25 AND p_year >= 2023) q0
        CROSS JOIN LATERAL cl_status_on(q0.id, q0.ref) s
        WHERE s.category <> 'qualifying'
    ), coded AS (
        SELECT q.*, s.last_contact_on AS last_contact, x.activ, x.accom,
               CASE WHEN q.cohort = '22-25' THEN
                        CASE WHEN d.occurred_on <= q.ye THEN 'DIED' ELSE 'YES' END
                    ELSE ssda903_in_touch(s.status) END AS it
        FROM q
        CROSS JOIN LATERAL cl_contact_status_in(q.id, q.ws, q.we) AS s
        CROSS JOIN LATERAL ssda903_window_codes(q.id, q.ref, q.ws, q.we, q.age) AS x
        LEFT JOIN contact_status_events d ON d.care_leaver_id = q.id AND d.status = 'died'
    )
    SELECT c.la_child_id,
           CASE WHEN p_year >= 2025 THEN c.sex
                ELSE CASE c.sex WHEN 'M' THEN '1' WHEN 'F' THEN '2' ELSE c.sex END END,
           to_char(c.date_of_birth, 'DD/MM/YYYY'), c.ethnicity, coalesce(c.upn, ''),
           -- motherhood only for the looked after during the year, as at its end (see above)
           CASE WHEN c.care_ceased_on >= c.ys AND c.sex <> 'M' THEN
                coalesce(CASE WHEN c.mother = 1 AND c.first_child_dob > c.ye THEN '0'
                              ELSE c.mother::text END, '') ELSE '' END,
           CASE WHEN c.care_ceased_on >= c.ys AND c.sex <> 'M' AND c.first_child_dob <= c.ye
                THEN to_char(c.first_child_dob, 'DD/MM/YYYY') ELSE '' END,
           c.it,
           CASE WHEN c.it IN ('DIED', 'RHOM') THEN '0' ELSE c.activ END,
           CASE WHEN c.it IN ('DIED', 'RHOM') THEN '0' ELSE c.accom END,
           c.age, c.cohort, c.ref, c.ws, c.we, c.last_contact
    FROM coded c
    ORDER BY c.la_child_id COLLATE "C"
$$;

-- Every care leaver aged 22 to 25 on 31 March of the year who could be in the return (the
-- same base as ssda903_return_rows, status as on 31 March), by age: the denominator of
-- "requested support".
CREATE FUNCTION ssda903_care_leavers_22_25(p_year integer)
RETURNS TABLE (age integer, care_leavers bigint) LANGUAGE sql STABLE AS $$
    SELECT a.age, count(*)
    FROM care_leavers c
    CROSS JOIN LATERAL (SELECT cl_age_on(c.date_of_birth, make_date(p_year, 3, 31)) AS age) a
    CROSS JOIN LATERAL cl_status_on(c.id, make_date(p_year, 3, 31)) s
    WHERE c.date_of_birth > (make_date(p_year, 3, 31) - interval '26 years')::date
      AND c.date_of_birth <= (make_date(p_year, 3, 31) - interval '22 years')::date
      AND s.category <> 'qualifying' AND c.care_ceased_on IS NOT NULL
    GROUP BY a.age ORDER BY a.age
$$;
