-- Demo accommodation, EET and grants for the care leavers of the earlier demo files, all drawn
-- deterministically from :seed and each care leaver's la_child_id, set-based (one statement
-- per table, fine for 100 000 care leavers):
--   * accommodation histories of one to three episodes from leaving care (or the 17th birthday)
--     to today, mostly suitable, with staying put (Z: from the 18th birthday, for those
--     fostered until then, and over by the 21st), foyers (T) only from 19, a few bed and
--     breakfast (W) and emergency (V) placements with their reasons, and some homeless (S) and
--     custody (X);
--   * a catalogue of EET opportunities (council departments, contractors' social value clauses,
--     employers, colleges) and referrals of about one care leaver in seven, in every state of
--     the route, with their history, and never more places taken than an opportunity has;
--   * EET histories (about 45% NEET today; G6, parenting, only for young mothers); a referral
--     that reached `started` opened its activity episode and ended the NEET one before it, as
--     the API does;
--   * Setting Up Home Allowance payments to some of those living independently and higher
--     education bursary payments to students, within each grant type's cap.
-- The histories say what the service knew: they end when the case closed, or, for a young
-- person the service lost touch with (no successful contact in the three months before today),
-- a few weeks after the last successful contact; a reply to a 21-25 outreach letter asking for
-- a service after that brings what the young person said about their home and activity then.
-- So everyone in touch around a birthday has an accommodation and an activity recorded for it
-- (DfE rule 345), and "not known" (0) is left for those out of touch.
-- Runs after 05_partners.sql (the few partners used here are added if it has not run) and does
-- nothing a second time: each part only for care leavers (or opportunities) that have none yet.

-- Bulk statements whose cost estimates are large but which run once: no JIT compilation. When
-- the loader is a superuser, no per-row foreign-key triggers for these generated rows (every
-- reference is taken from existing rows or the code tables); both only for this file.
SET jit = off;
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        PERFORM set_config('session_replication_role', 'replica', true);
    END IF;
END
$$;

INSERT INTO partners (id, name, kind, districts)
VALUES ('d0000000-0000-4000-8000-000000000004', 'Severn Vale Homes', 'housing_provider',
        '{Redditch,"Worcester City","Wyre Forest"}'),
       ('d0000000-0000-4000-8000-000000000006', 'Hartbury Engineering Ltd', 'employer',
        '{Redditch,Bromsgrove}'),
       ('d0000000-0000-4000-8000-000000000008', 'North Worcestershire College (demo)', 'college',
        '{Redditch,Bromsgrove,"Wyre Forest"}')
ON CONFLICT DO NOTHING;

-- Who gets a history, from when to when, and the hashes everything else is drawn from. The
-- care leavers were probably inserted in this same transaction: fresh statistics first, so
-- the plans below fit 100 000 rows, not an empty table.
ANALYZE care_leavers;
CREATE TEMP TABLE demo_people AS
SELECT x.*,
       CASE WHEN x.closed_on IS NOT NULL THEN x.closed_on
            WHEN x.last_ok IS NULL OR x.last_ok < :'today'::date - 93 THEN
                 least(:'today'::date,
                       greatest(coalesce(x.last_ok, x.start_on) + 14 + ((x.he / 7) % 46)::int,
                                x.start_on + 30))
       END AS end_on
FROM (
    SELECT c.id, c.la_child_id, c.date_of_birth AS dob, c.district, c.status, c.closed_on,
           c.mother, c.first_child_dob, l.last_ok,
           greatest((c.date_of_birth + interval '16 years')::date,
                    coalesce(c.care_ceased_on, (c.date_of_birth + interval '17 years')::date),
                    :'today'::date - 1460) AS start_on,
           (hashtext(:'seed' || ':eet:' || c.la_child_id)::bigint + 2147483648) AS he,
           (hashtext(:'seed' || ':ref:' || c.la_child_id)::bigint + 2147483648) AS hr,
           (hashtext(:'seed' || ':grant:' || c.la_child_id)::bigint + 2147483648) AS hg
    FROM care_leavers c
    LEFT JOIN (SELECT k.care_leaver_id, max(k.occurred_on) AS last_ok FROM contacts k
               WHERE k.successful GROUP BY k.care_leaver_id) l ON l.care_leaver_id = c.id
) x;
-- the history runs over [start_on, end_on): from today on for one who left care today, not at
-- all if it would last a day or less; reply_on: the first reply to an outreach letter asking
-- for a service after the history ended
ALTER TABLE demo_people ADD PRIMARY KEY (id), ADD COLUMN history boolean, ADD COLUMN reply_on date;
UPDATE demo_people SET
    history = start_on <= :'today'::date AND (end_on IS NULL OR start_on < end_on - 1);
UPDATE demo_people p SET reply_on = r.on_
FROM (SELECT o.care_leaver_id, min(o.responded_on) AS on_
      FROM outreach_contacts o JOIN demo_people p ON p.id = o.care_leaver_id
      WHERE o.response = 'wants_service' AND p.end_on IS NOT NULL
        AND o.responded_on >= greatest(p.end_on, p.start_on)
      GROUP BY o.care_leaver_id) r
WHERE r.care_leaver_id = p.id;
ANALYZE demo_people;

-- ---- accommodation ----------------------------------------------------------------------------

-- Episode i of k splits the history evenly; after a history that ended, one episode from the
-- outreach reply (i = -1). Staying put only as the first episode, from an 18th birthday on
-- which care ended, and ended by the 21st (for a 17-year-old the return would report it as
-- other accommodation anyway); a foyer only from 19, so never for someone under 18 at the
-- start of a collection year in whose return it could appear (DfE rule 347).
INSERT INTO accommodation_episodes (id, care_leaver_id, code, suitable, unsuitable_reason,
                                    staying_put, provider_id, district, started_on, ended_on,
                                    reason)
SELECT md5(:'seed' || ':acc:' || e.la_child_id || ':' || e.i)::uuid, e.id, e.code, e.suitable,
       CASE WHEN NOT e.suitable THEN
           CASE e.code
               WHEN 'S' THEN 'No fixed abode'
               WHEN 'X' THEN 'In custody'
               WHEN 'W' THEN 'Bed and breakfast shared with adults'
               WHEN 'V' THEN 'Night shelter with no support'
               ELSE (ARRAY['Overcrowded', 'Far from college and support network',
                           'Landlord not suitable', 'Unsafe area for the young person'])
                    [1 + e.r2 % 4]
           END
       END,
       e.code = 'Z',
       CASE WHEN e.code IN ('D', 'E', 'T', 'V') OR (e.code = 'U' AND e.r2 % 10 < 3)
            THEN hp.ids[1 + e.r2 % greatest(cardinality(hp.ids), 1)] END,
       e.district, e.s, e.f,
       CASE WHEN e.code IN ('W', 'V') THEN
           (ARRAY['Evicted from supported lodgings at short notice',
                  'Placement broke down out of hours',
                  'Released from custody without an address',
                  'Left home after a family breakdown'])[1 + e.r2 % 4]
       END
FROM (
    SELECT x.*,
           CASE
               WHEN x.i = 0 AND x.s = (x.dob + interval '18 years')::date
                    AND coalesce(x.f, :'today'::date) <= (x.dob + interval '21 years')::date
                    AND x.r2 / 1000 % 100 < 45 THEN 'Z'
               WHEN x.r < 31 THEN 'U' WHEN x.r < 51 THEN 'D' WHEN x.r < 59 THEN 'E'
               WHEN x.r < 67 THEN 'B' WHEN x.r < 77 THEN 'D'
               WHEN x.r < 82 THEN CASE WHEN x.s > (x.dob + interval '19 years')::date
                                       THEN 'T' ELSE 'E' END
               WHEN x.r < 86 THEN 'K' WHEN x.r < 89 THEN 'C'
               WHEN x.r = 89 THEN 'W' WHEN x.r = 90 THEN 'V' WHEN x.r = 91 THEN 'S'
               WHEN x.r = 92 THEN 'X' WHEN x.r < 98 THEN 'Y' WHEN x.r = 98 THEN 'R'
               ELSE 'G'
           END AS code,
           CASE
               WHEN x.r BETWEEN 91 AND 92 THEN false      -- S, X
               WHEN x.r = 89 THEN x.r2 % 100 < 20         -- W
               WHEN x.r = 90 THEN x.r2 % 100 < 50         -- V
               ELSE x.r2 % 100 < 95
           END AS suitable
    FROM (
        SELECT p.id, p.la_child_id, i, p.dob, p.district,
               p.start_on + (span * i / k)::int AS s,
               CASE WHEN i = k - 1 THEN p.end_on ELSE p.start_on + (span * (i + 1) / k)::int END AS f,
               (hashtext(:'seed' || ':acc:' || p.la_child_id || ':' || i)::bigint
                + 2147483648) % 100 AS r,
               (hashtext(:'seed' || ':suit:' || p.la_child_id || ':' || i)::bigint
                + 2147483648) AS r2
        FROM (SELECT p.*, coalesce(p.end_on, :'today'::date) - p.start_on AS span,
                     CASE WHEN coalesce(p.end_on, :'today'::date) - p.start_on < 90 THEN 1
                          ELSE 1 + (hashtext(:'seed' || ':accn:' || p.la_child_id)::bigint
                                    + 2147483648) % 3 END AS k
              FROM demo_people p
              WHERE p.history
                AND NOT EXISTS (SELECT 1 FROM accommodation_episodes a
                                WHERE a.care_leaver_id = p.id)) p
        CROSS JOIN LATERAL generate_series(0, p.k - 1) i
        UNION ALL
        SELECT p.id, p.la_child_id, -1, p.dob, p.district, p.reply_on, NULL,
               (hashtext(:'seed' || ':acc:' || p.la_child_id || ':-1')::bigint
                + 2147483648) % 89,
               (hashtext(:'seed' || ':suit:' || p.la_child_id || ':-1')::bigint + 2147483648)
        FROM demo_people p
        WHERE p.reply_on IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM accommodation_episodes a WHERE a.care_leaver_id = p.id)
    ) x
) e
CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM partners
            WHERE kind = 'housing_provider' AND active) hp
ORDER BY e.id, e.s;
ANALYZE accommodation_episodes;

-- ---- the opportunity catalogue ----------------------------------------------------------------

CREATE TEMP TABLE demo_opps AS
SELECT md5(:'seed' || ':opp:' || i)::uuid AS id, i, kind,
       (hashtext(:'seed' || ':opp:' || i)::bigint + 2147483648) AS h
FROM generate_series(1, 30 + least(570, (SELECT count(*) FROM care_leavers) / 200)::int) i
CROSS JOIN LATERAL (SELECT (ARRAY['apprenticeship', 'traineeship', 'work_experience', 'job',
                                  'course', 'mentoring', 'peer_mentor_traineeship'])
                           [1 + i % 7] AS kind) k;

INSERT INTO eet_opportunities (id, kind, title, description, provider_id,
                               ring_fenced_for_care_leavers, places, closes_on, district, status,
                               source, activity_code, hours_per_week)
SELECT o.id, o.kind,
       CASE o.kind
           WHEN 'apprenticeship' THEN (ARRAY['Business administration', 'Engineering maintenance',
                                             'Highways operative', 'Customer service',
                                             'Digital support'])[1 + o.h % 5] || ' apprenticeship'
           WHEN 'traineeship' THEN (ARRAY['Warehouse', 'Hospitality', 'Construction skills',
                                          'Retail'])[1 + o.h % 4] || ' traineeship'
           WHEN 'work_experience' THEN (ARRAY['Council offices', 'Library service', 'Parks team',
                                              'Solicitors'' office'])[1 + o.h % 4]
                                       || ' work experience'
           WHEN 'job' THEN (ARRAY['Warehouse assistant', 'Kitchen porter', 'Care assistant',
                                  'Groundworker'])[1 + o.h % 4]
           WHEN 'course' THEN (ARRAY['Maths and English', 'Level 2 health and social care',
                                     'Access to higher education', 'ESOL'])[1 + o.h % 4]
                              || ' course'
           WHEN 'mentoring' THEN (ARRAY['Aspire to university mentor', 'Business mentor',
                                        'Peer mentor'])[1 + o.h % 3]
           ELSE 'Peer mentor traineeship in the leaving care service'
       END || ' (' || o.i || ')',
       '',
       CASE src WHEN 'council_department' THEN NULL
                WHEN 'college' THEN col.ids[1 + o.h % greatest(cardinality(col.ids), 1)]
                ELSE emp.ids[1 + o.h % greatest(cardinality(emp.ids), 1)] END,
       o.h % 10 < 6,
       CASE WHEN o.kind = 'peer_mentor_traineeship' THEN 10 ELSE 1 + (o.h / 10) % 8 END,
       :'today'::date - 120 + ((o.h / 100) % 240)::int,
       CASE WHEN (o.h / 7) % 5 = 0 THEN NULL
            ELSE d.names[1 + (o.h / 7) % greatest(cardinality(d.names), 1)] END,
       CASE WHEN :'today'::date - 120 + ((o.h / 100) % 240)::int < :'today'::date - 30
                 AND o.h % 2 = 0 THEN 'closed' ELSE 'open' END,
       src, eet_default_activity(o.kind),
       CASE WHEN o.kind IN ('apprenticeship', 'job', 'peer_mentor_traineeship') THEN 30
            WHEN o.kind IN ('traineeship', 'course') THEN 16
            WHEN o.kind = 'work_experience' THEN 12 END
FROM demo_opps o
CROSS JOIN LATERAL (SELECT CASE o.kind
                               WHEN 'course' THEN 'college'
                               WHEN 'traineeship' THEN (ARRAY['college', 'employer',
                                                              'council_department'])
                                                       [1 + (o.h / 3) % 3]
                               ELSE (ARRAY['council_department', 'contractor_social_value',
                                           'employer'])[1 + (o.h / 3) % 3]
                           END AS src) s
CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM partners
            WHERE kind = 'employer' AND active) emp
CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM partners
            WHERE kind = 'college' AND active) col
CROSS JOIN (SELECT array_agg(DISTINCT district ORDER BY district) AS names
            FROM care_leavers) d
ON CONFLICT DO NOTHING;

-- ---- referrals and their history -----------------------------------------------------------------

-- One referral for about one open care leaver in seven with a history of at least 400 days,
-- aiming at a state of the route; place-taking states beyond an opportunity's places become
-- unsuccessful after interview.
CREATE TEMP TABLE demo_refs AS
WITH pick AS (
    SELECT md5(:'seed' || ':refid:' || p.la_child_id)::uuid AS id, p.id AS care_leaver_id,
           o.id AS opportunity_id, o.places, p.hr,
           :'today'::date - 70 - ((p.hr / 10000) % 300)::int AS referred_on,
           CASE WHEN (p.hr / 1000) % 100 < 12 THEN 'referred'
                WHEN (p.hr / 1000) % 100 < 24 THEN 'applied'
                WHEN (p.hr / 1000) % 100 < 36 THEN 'interview'
                WHEN (p.hr / 1000) % 100 < 46 THEN 'offered'
                WHEN (p.hr / 1000) % 100 < 60 THEN 'started'
                WHEN (p.hr / 1000) % 100 < 72 THEN 'completed'
                WHEN (p.hr / 1000) % 100 < 86 THEN 'withdrawn'
                ELSE 'unsuccessful' END AS aim
    FROM demo_people p
    CROSS JOIN (SELECT count(*) AS n FROM demo_opps) c
    JOIN demo_opps d ON d.i = 1 + (p.hr / 100) % c.n
    JOIN eet_opportunities o ON o.id = d.id
    WHERE p.status = 'open' AND p.start_on <= :'today'::date - 400 AND p.hr % 100 < 15
      AND NOT EXISTS (SELECT 1 FROM eet_referrals r JOIN demo_opps d ON d.id = r.opportunity_id)
), ranked AS (
    SELECT pick.*,
           row_number() OVER (PARTITION BY opportunity_id,
                                           aim IN ('offered', 'started', 'completed')
                              ORDER BY hr) AS place
    FROM pick
)
SELECT id, care_leaver_id, opportunity_id, referred_on, hr,
       CASE WHEN aim IN ('offered', 'started', 'completed') AND place > places
            THEN 'unsuccessful' ELSE aim END AS status,
       -- the open states passed through before a withdrawal or rejection
       CASE WHEN aim IN ('offered', 'started', 'completed') AND place > places THEN 3
            WHEN aim = 'withdrawn' THEN 1 + (hr / 7) % 5
            WHEN aim = 'unsuccessful' THEN 1 + (hr / 7) % 3 END AS open_steps
FROM ranked;

-- Every step with its date: the route up to the state, then the final withdrawal/rejection.
CREATE TEMP TABLE demo_steps AS
SELECT r.id AS referral_id, j,
       CASE WHEN r.open_steps IS NOT NULL AND j = r.open_steps + 1 THEN r.status
            ELSE route[j] END AS to_status,
       CASE WHEN j > 1 THEN route[j - 1] END AS from_status,
       r.referred_on + ((j - 1) * 7
                        + CASE WHEN j > 1 THEN (r.hr / (j + 1)) % 4 ELSE 0 END)::int AS on_date
FROM demo_refs r
CROSS JOIN (SELECT ARRAY['referred', 'applied', 'interview', 'offered', 'started',
                         'completed'] AS route) rt
CROSS JOIN LATERAL generate_series(1, coalesce(r.open_steps + 1,
                                               array_position(rt.route, r.status))) j;

INSERT INTO eet_referrals (id, opportunity_id, care_leaver_id, status, status_on, referred_on,
                           notes, created_by)
SELECT r.id, r.opportunity_id, r.care_leaver_id, r.status, s.last_on, r.referred_on,
       (ARRAY['', 'Keen to start as soon as possible', 'Needs help with travel costs',
              'Interested after the EET drop-in'])[1 + (r.hr / 13) % 4], 'demo-loader'
FROM demo_refs r
JOIN (SELECT referral_id, max(on_date) AS last_on FROM demo_steps GROUP BY referral_id) s
  ON s.referral_id = r.id;

INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, note, actor_sub,
                                 actor_role, at)
SELECT s.referral_id, s.from_status, s.to_status, s.on_date, '',
       CASE WHEN s.to_status IN ('interview', 'offered', 'unsuccessful') THEN 'demo-provider'
            ELSE 'demo-loader' END,
       CASE WHEN s.to_status IN ('interview', 'offered', 'unsuccessful') THEN 'partner'
            ELSE 'adviser' END,
       s.on_date + time '10:00'
FROM demo_steps s
ORDER BY s.referral_id, s.j;

-- ---- EET activity histories --------------------------------------------------------------------

-- Care leavers whose referral reached `started` for an opportunity that opens an activity: NEET
-- until the start, the opportunity's activity from then (ended when the referral left
-- `started`), then a job or NEET again.
CREATE TEMP TABLE demo_starts AS
SELECT r.care_leaver_id, r.id AS referral_id, o.activity_code, o.hours_per_week,
       o.provider_id, st.on_date AS started_on, fin.on_date AS ended_on, r.hr
FROM demo_refs r
JOIN eet_opportunities o ON o.id = r.opportunity_id
JOIN demo_steps st ON st.referral_id = r.id AND st.to_status = 'started'
LEFT JOIN demo_steps fin ON fin.referral_id = r.id AND fin.from_status = 'started'
WHERE o.activity_code IS NOT NULL
  AND NOT EXISTS (SELECT 1 FROM eet_activities a WHERE a.care_leaver_id = r.care_leaver_id);

-- One statement for every episode, in care leaver order: the exclusion constraint's GiST index
-- then stays tight (rows added for scattered care leavers first would make every later check
-- search most of it). Those with a referral as above; everyone else one or two episodes over
-- the history, about 45% NEET in the current one, and after a history that ended, one from an
-- outreach reply. Parenting (G6) is the NEET reason only for a mother, from some months before
-- her first child's birth.
INSERT INTO eet_activities (id, care_leaver_id, code, hours_per_week, provider_id, started_on,
                            ended_on, referral_id)
SELECT a.id, a.care_leaver_id, a.code, a.hours_per_week, a.provider_id, a.started_on,
       a.ended_on, a.referral_id
FROM (
    SELECT md5(:'seed' || ':acts:' || s.referral_id || ':1')::uuid AS id, s.care_leaver_id,
           'G5' AS code, NULL::numeric AS hours_per_week, NULL::uuid AS provider_id,
           p.start_on AS started_on, s.started_on AS ended_on, NULL::uuid AS referral_id
    FROM demo_starts s JOIN demo_people p ON p.id = s.care_leaver_id
    WHERE p.start_on < s.started_on
    UNION ALL
    SELECT md5(:'seed' || ':acts:' || s.referral_id || ':2')::uuid, s.care_leaver_id,
           s.activity_code, s.hours_per_week, s.provider_id, s.started_on, s.ended_on,
           s.referral_id
    FROM demo_starts s
    UNION ALL
    SELECT md5(:'seed' || ':acts:' || s.referral_id || ':3')::uuid, s.care_leaver_id,
           CASE WHEN s.hr % 2 = 0 THEN 'F5' ELSE 'G5' END, CASE WHEN s.hr % 2 = 0 THEN 37.5 END,
           NULL, s.ended_on, NULL, NULL
    FROM demo_starts s
    WHERE s.ended_on IS NOT NULL
    UNION ALL
    SELECT md5(:'seed' || ':act:' || e.la_child_id || ':' || e.i)::uuid, e.id, e.code,
           CASE WHEN e.code LIKE 'F%' THEN 30 + e.r % 8 WHEN e.code LIKE 'P%' THEN 8 + e.r % 12 END,
           CASE WHEN e.code IN ('F4', 'P4', 'F5', 'P5')
                     THEN emp.ids[1 + e.r % greatest(cardinality(emp.ids), 1)]
                WHEN e.code IN ('F1', 'P1', 'F2', 'P2')
                     THEN col.ids[1 + e.r % greatest(cardinality(col.ids), 1)] END,
           e.s, e.f, NULL
    FROM (
        SELECT x.*,
               CASE WHEN x.neet THEN
                        CASE WHEN x.mother = 1 AND x.r % 3 <> 0
                                  AND coalesce(x.f, :'today'::date) > x.first_child_dob - 150
                             THEN 'G6'
                             WHEN x.r % 5 = 3 THEN 'G4' ELSE 'G5' END
                    WHEN x.r % 100 < 25 THEN 'F2' WHEN x.r % 100 < 35 THEN 'P2'
                    WHEN x.r % 100 < 45 THEN CASE WHEN x.s >= (x.dob + interval '18 years')::date
                                                  THEN 'F1' ELSE 'F2' END
                    WHEN x.r % 100 < 57 THEN 'F4' WHEN x.r % 100 < 60 THEN 'P4'
                    WHEN x.r % 100 < 85 THEN 'F5' ELSE 'P5'
               END AS code
        FROM (
            SELECT p.id, p.la_child_id, i, p.dob, p.mother, p.first_child_dob,
                   p.start_on + (span * i / k)::int AS s,
                   CASE WHEN i = k - 1 THEN p.end_on
                        ELSE p.start_on + (span * (i + 1) / k)::int END AS f,
                   (hashtext(:'seed' || ':act:' || p.la_child_id || ':' || i)::bigint
                    + 2147483648) AS r,
                   CASE WHEN i = k - 1 THEN (p.he / 1000) % 100 < 45
                        ELSE (hashtext(:'seed' || ':neet:' || p.la_child_id || ':' || i)::bigint
                              + 2147483648) % 100 < 50 END AS neet
            FROM (SELECT p.*, coalesce(p.end_on, :'today'::date) - p.start_on AS span,
                         CASE WHEN coalesce(p.end_on, :'today'::date) - p.start_on < 90 THEN 1
                              ELSE 1 + (p.he / 100) % 2 END AS k
                  FROM demo_people p
                  WHERE p.history) p
            CROSS JOIN LATERAL generate_series(0, p.k - 1) i
            UNION ALL
            SELECT p.id, p.la_child_id, -1, p.dob, p.mother, p.first_child_dob, p.reply_on, NULL,
                   (hashtext(:'seed' || ':act:' || p.la_child_id || ':-1')::bigint + 2147483648),
                   (p.he / 10000) % 100 < 45
            FROM demo_people p
            WHERE p.reply_on IS NOT NULL
        ) x
        WHERE NOT EXISTS (SELECT 1 FROM demo_starts s WHERE s.care_leaver_id = x.id)
    ) e
    CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM partners
                WHERE kind = 'employer' AND active) emp
    CROSS JOIN (SELECT array_agg(id ORDER BY name) AS ids FROM partners
                WHERE kind = 'college' AND active) col
) a
WHERE NOT EXISTS (SELECT 1 FROM eet_activities x WHERE x.care_leaver_id = a.care_leaver_id)
ORDER BY a.care_leaver_id, a.started_on;
ANALYZE eet_activities;

-- ---- grants ------------------------------------------------------------------------------------

-- Setting Up Home Allowance for 40% of those 18 or over living independently (U) today, in one
-- to three payments of up to the cap in total; a higher education bursary for 70% of those in
-- higher education today, in one or two payments of £1,000.
-- Each payment belongs to its entitlement's version in force on the day it was paid
-- (15_entitlements.sql sets the Setting Up Home versions; every one paid here is the £3,000 one).
INSERT INTO grant_payments (id, care_leaver_id, entitlement_id, entitlement_version_id,
                            amount_pence, paid_on, method, reference, created_by)
SELECT md5(:'seed' || ':pay:' || g.id || ':' || g.type_id || ':' || j)::uuid, g.id, g.type_id,
       (entitlement_version_on(g.type_id, least(g.first_on + ((j - 1) * 21)::int,
                                                :'today'::date))).id,
       g.amount, least(g.first_on + ((j - 1) * 21)::int, :'today'::date), g.method,
       'DEMO-' || upper(substr(md5(:'seed' || ':ref:' || g.id || g.type_id || j), 1, 8)),
       'demo-loader'
FROM (
    SELECT p.id, t.id AS type_id, 1 + (p.hg / 100) % 3 AS n,
           (150000 + ((p.hg / 1000) % 16) * 10000) / (1 + (p.hg / 100) % 3) AS amount,
           greatest(a.started_on, :'today'::date - 700) AS first_on,
           (ARRAY['card', 'bank', 'voucher', 'direct_supplier'])[1 + (p.hg / 7) % 4] AS method
    FROM demo_people p
    JOIN accommodation_episodes a ON a.care_leaver_id = p.id AND a.code = 'U'
         AND daterange(a.started_on, a.ended_on) @> :'today'::date
    JOIN entitlements t ON t.name = 'Setting up home allowance'
    WHERE p.hg % 100 < 40 AND p.dob <= :'today'::date - interval '18 years'
      AND NOT EXISTS (SELECT 1 FROM grant_payments x WHERE x.care_leaver_id = p.id)
    UNION ALL
    SELECT p.id, t.id, 1 + (p.hg / 1000) % 2, 100000,
           greatest(a.started_on, :'today'::date - 700), 'bank'
    FROM demo_people p
    JOIN eet_activities a ON a.care_leaver_id = p.id AND a.code IN ('F1', 'P1')
         AND daterange(a.started_on, a.ended_on) @> :'today'::date
    JOIN entitlements t ON t.name = 'Higher education bursary'
    WHERE (p.hg / 10) % 100 < 70
      AND NOT EXISTS (SELECT 1 FROM grant_payments x WHERE x.care_leaver_id = p.id)
) g
CROSS JOIN LATERAL generate_series(1, g.n) j;

-- The per-person balances the payment endpoint locks and checks, equal to the payments.
INSERT INTO grant_balances (care_leaver_id, entitlement_id, paid_pence)
SELECT care_leaver_id, entitlement_id, sum(amount_pence)
FROM grant_payments
GROUP BY care_leaver_id, entitlement_id
ON CONFLICT (care_leaver_id, entitlement_id) DO UPDATE SET paid_pence = EXCLUDED.paid_pence;

DROP TABLE demo_people, demo_opps, demo_refs, demo_steps, demo_starts;
DO $$
BEGIN
    IF current_setting('session_replication_role') <> 'origin' THEN
        PERFORM set_config('session_replication_role', 'origin', true);
    END IF;
END
$$;
RESET jit;
