-- Demo histories (issue 18): each care leaver's legal status, personal adviser and district
-- as periods (schema/functions/history.sql), consistent with the current rows, and the
-- contacts' server times. The loader runs as superuser with triggers off (10_casework.sql), so
-- the trigger that keeps the periods in step with care_leavers may not have run for them: this
-- file writes every period itself. Drawn from :seed like the rest; dates relative to :today.
--
--   status    eligible while looked after, relevant from leaving care before 18, former
--             relevant from the 18th birthday; about a third of those who turned 18 in the
--             last six months having left care before it are still recorded as relevant (the
--             record not updated: the rule read at 18, cl_category_on, makes them former
--             relevant); everyone else one period with the current category
--   adviser   from the day the case opened; about one in six open cases older than a year
--             changed adviser (within the district's team) in the last year; a closed case
--             had its district team's adviser until it closed
--   district  about one in twelve open cases moved in from another district in the last
--             year
--   contacts  recorded_at: 10:00 on the day recorded; contacts more than three years old came
--             from the legacy system (imported)

-- r(seed, row, purpose): as in 10_casework.sql, a number in [0, 1) fixed by its arguments
CREATE FUNCTION pg_temp.hr(p_seed bigint, p_row bigint, p_what text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT (hashtextextended(p_what || ':' || p_row::text, p_seed) & 281474976710655)::double precision
           / 281474976710656.0
$$;

CREATE TEMP TABLE demo_h AS
SELECT c.id, c.date_of_birth AS dob, c.category, c.uasc, c.care_ceased_on, c.district,
       c.adviser_id, c.opened_on, c.closed_on, c.status,
       ssda903_birthday(c.date_of_birth, 18) AS b18,
       (row_number() OVER (ORDER BY c.id))::bigint AS i
FROM care_leavers c;

-- still recorded as relevant after the 18th birthday
UPDATE care_leavers c SET category = 'relevant'
FROM demo_h h
WHERE h.id = c.id AND h.category = 'former_relevant' AND h.status = 'open'
  AND h.b18 > :'today'::date - 183 AND h.b18 <= :'today'::date
  AND h.care_ceased_on < h.b18 AND pg_temp.hr(:seed, h.i, 'h-stale') < 0.33;
UPDATE demo_h h SET category = c.category FROM care_leavers c WHERE c.id = h.id;

-- whatever the trigger wrote for the rows above (when it runs), this file writes it all
TRUNCATE care_leaver_status_periods, care_leaver_allocation_periods,
    care_leaver_district_periods;
-- split: a status history of more than the current category
ALTER TABLE demo_h ADD COLUMN split boolean;
UPDATE demo_h h SET split = coalesce(h.category IN ('former_relevant', 'relevant')
                                     AND h.care_ceased_on > h.dob
                                     AND (h.category = 'relevant' OR h.b18 <= :'today'::date),
                                     false);

-- ---- status ----------------------------------------------------------------------------------
INSERT INTO care_leaver_status_periods (care_leaver_id, category, uasc, valid, reason,
                                        recorded_by)
SELECT s.id, s.category, s.uasc, daterange(s.f, s.t), s.reason, 'demo'
FROM (
    -- looked after until care ended or the 18th birthday
    SELECT h.id, 'eligible' AS category, h.uasc, h.dob AS f,
           least(h.care_ceased_on, h.b18) AS t, 'looked after' AS reason
    FROM demo_h h
    WHERE h.split
    UNION ALL
    -- left care before 18
    SELECT h.id, 'relevant', h.uasc, h.care_ceased_on,
           CASE WHEN h.category = 'former_relevant' THEN h.b18 END, 'left care before 18'
    FROM demo_h h
    WHERE h.split AND h.care_ceased_on < h.b18
    UNION ALL
    SELECT h.id, 'former_relevant', h.uasc, h.b18, NULL, '18th birthday'
    FROM demo_h h
    WHERE h.split AND h.category = 'former_relevant'
    UNION ALL
    -- one period: the current category from birth
    SELECT h.id, h.category, h.uasc, h.dob, NULL, 'recorded'
    FROM demo_h h
    WHERE NOT h.split
) s
WHERE s.t IS NULL OR s.t > s.f;

-- ---- district --------------------------------------------------------------------------------
CREATE TEMP TABLE demo_h_move AS
SELECT h.id, h.dob, h.district,
       (:'today'::date - 20 - (pg_temp.hr(:seed, h.i, 'h-move-day') * 330)::int) AS moved_on,
       (SELECT d FROM unnest(ARRAY['Bromsgrove', 'Malvern Hills', 'Redditch', 'Worcester City',
                                   'Wychavon', 'Wyre Forest']) d
        WHERE d <> h.district
        ORDER BY hashtextextended(d || h.i::text, :seed) LIMIT 1) AS came_from
FROM demo_h h
WHERE h.status = 'open' AND pg_temp.hr(:seed, h.i, 'h-move') < 0.083;

INSERT INTO care_leaver_district_periods (care_leaver_id, district, valid, reason, recorded_by)
SELECT m.id, m.came_from, daterange(m.dob, m.moved_on), 'recorded', 'demo'
FROM demo_h_move m WHERE m.moved_on > m.dob
UNION ALL
SELECT m.id, m.district, daterange(m.moved_on, NULL), 'moved district', 'demo'
FROM demo_h_move m WHERE m.moved_on > m.dob
UNION ALL
SELECT h.id, h.district, daterange(h.dob, NULL), 'recorded', 'demo'
FROM demo_h h
WHERE NOT EXISTS (SELECT 1 FROM demo_h_move m WHERE m.id = h.id AND m.moved_on > m.dob);

-- ---- adviser ---------------------------------------------------------------------------------
-- each district team's advisers numbered from 0, for picking the one before by a hash
CREATE TEMP TABLE demo_h_pa AS
SELECT substr(a.team, 1, length(a.team) - length(' leaving care team')) AS district,
       (row_number() OVER (PARTITION BY a.team ORDER BY a.id) - 1)::int AS k,
       (count(*) OVER (PARTITION BY a.team))::int AS n, a.id
FROM advisers a WHERE a.active AND a.team LIKE '% leaving care team';
CREATE INDEX ON demo_h_pa (district, k);

CREATE TEMP TABLE demo_h_alloc AS
SELECT h.id, h.opened_on, h.adviser_id, x.changed_on,
       CASE WHEN p1.id IS DISTINCT FROM h.adviser_id THEN p1.id
            WHEN p2.id IS DISTINCT FROM h.adviser_id THEN p2.id END AS before
FROM demo_h h
CROSS JOIN LATERAL (
    SELECT CASE WHEN h.status = 'closed' THEN h.closed_on
                WHEN h.adviser_id IS NOT NULL AND h.opened_on < :'today'::date - 365
                     AND pg_temp.hr(:seed, h.i, 'h-realloc') < 0.17
                THEN :'today'::date - 10 - (pg_temp.hr(:seed, h.i, 'h-realloc-day') * 350)::int
           END AS changed_on,
           (hashtextextended('h-pa:' || h.i, :seed) & 1048575)::int AS pick) x
LEFT JOIN (SELECT DISTINCT t.district, t.n FROM demo_h_pa t) t ON t.district = h.district
LEFT JOIN demo_h_pa p1 ON p1.district = h.district AND p1.k = x.pick % t.n
LEFT JOIN demo_h_pa p2 ON p2.district = h.district AND p2.k = (x.pick + 1) % t.n;

INSERT INTO care_leaver_allocation_periods (care_leaver_id, adviser_id, valid, reason,
                                            recorded_by)
SELECT a.id, a.before, daterange(a.opened_on, a.changed_on), 'recorded', 'demo'
FROM demo_h_alloc a WHERE a.changed_on > a.opened_on
UNION ALL
SELECT a.id, a.adviser_id, daterange(a.changed_on, NULL),
       CASE WHEN a.adviser_id IS NULL THEN 'case closed' ELSE 'reallocated' END, 'demo'
FROM demo_h_alloc a WHERE a.changed_on > a.opened_on
UNION ALL
SELECT a.id, a.adviser_id, daterange(a.opened_on, NULL), 'recorded', 'demo'
FROM demo_h_alloc a WHERE a.changed_on IS NULL OR a.changed_on <= a.opened_on;

-- ---- contacts ----------------------------------------------------------------------------------
UPDATE contacts k SET recorded_at = k.recorded_on + time '10:00',
    imported = k.occurred_on < :'today'::date - interval '3 years';

DROP TABLE demo_h, demo_h_move, demo_h_alloc, demo_h_pa;
DROP FUNCTION pg_temp.hr(bigint, bigint, text);
ANALYZE care_leaver_status_periods, care_leaver_allocation_periods,
    care_leaver_district_periods, contacts;
