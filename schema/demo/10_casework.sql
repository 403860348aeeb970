-- Demo casework: personal advisers, :n care leavers aged 16 to 25 across the county's
-- districts, their pathway plan versions, keeping-in-touch contacts and statutory visits,
-- contact-status events, and 21-25 outreach attempts. Everything is drawn from :seed with a
-- hash of (seed, row, purpose), so the same N and seed give the same data whatever the plan
-- or the machine (ids too); dates are relative to today. Set-based: one statement per table,
-- no loops.
--
-- Shape: ages weighted to 18-21; eligible/relevant/qualifying at 16-17, former relevant
-- (some qualifying) from 18; about a third of 22-25s closed (no longer receiving a service);
-- open cases allocated round the advisers of their district's team (about 23 each, a few
-- over the limit of 24); roughly 92 % in touch today, and about 90 % around the birthdays of
-- last year's SSDA903 return, the contact history reaching back that far; plan versions every
-- six months with a few overdue; statutory visits every four to eight weeks with some overdue
-- and some written up late; a letter (and sometimes a text) to the 21-25s not receiving a
-- service, about a quarter answered. The SSDA903 Header items: a unique, well-formed UPN
-- (with DfE's check letter) or an unknown-UPN code, and for young women whether they are
-- mothers and their first child's date of birth. Names are drawn from short lists of common
-- names; nothing is real.

-- Bulk loading: bigger sorts in memory, and, when the loader is a superuser, no per-row
-- foreign-key triggers for these generated rows (every reference is taken from the rows just
-- generated); both only for this file's statements.
SET LOCAL work_mem = '128MB';
DO $$
BEGIN
    IF (SELECT rolsuper FROM pg_roles WHERE rolname = current_user) THEN
        PERFORM set_config('session_replication_role', 'replica', true);
    END IF;
END
$$;

-- r(seed, row, purpose): a number in [0, 1) fixed by its arguments. Every operation in it is
-- immutable, so the planner inlines it.
CREATE FUNCTION pg_temp.r(p_seed bigint, p_row bigint, p_what text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT (hashtextextended(p_what || ':' || p_row::text, p_seed) & 281474976710655)::double precision
           / 281474976710656.0
$$;

-- uid(seed, kind, n): a deterministic id, increasing with n so that rows inserted in order
-- land at the end of their indexes (much faster than random ids for big loads).
CREATE FUNCTION pg_temp.uid(p_seed bigint, p_kind integer, p_n bigint) RETURNS uuid
    LANGUAGE sql IMMUTABLE AS $$
    SELECT (lpad(to_hex(hashtextextended('ids', p_seed) & 4294967295), 8, '0') || '-'
            || lpad(to_hex(p_kind), 4, '0') || '-4000-8000-' || lpad(to_hex(p_n), 12, '0'))::uuid
$$;

-- upn_digits(la, n, year, seed): the twelve digits of a Unique Pupil Number (the LA number, a
-- four-digit school number, the two-digit year of allocation, a three-digit serial). School and
-- serial together are n * 7919 plus an offset from the seed, modulo 10^7: distinct for every n
-- up to 10 million, so no UPN repeats. upn(digits): DfE's check letter before them, the sum of
-- each digit times its position (2 to 13) modulo 23 as a letter of ABCDEFGHJKLMNPQRTUVWXYZ.
-- Both single expressions, so the planner inlines them.
CREATE FUNCTION pg_temp.upn_digits(p_la text, p_n bigint, p_year integer, p_seed bigint)
    RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT p_la
           || lpad(((p_n * 7919 + (hashtextextended('upn', p_seed) & 8388607)) % 10000000
                    / 1000)::text, 4, '0')
           || lpad((p_year % 100)::text, 2, '0')
           || lpad(((p_n * 7919 + (hashtextextended('upn', p_seed) & 8388607)) % 1000)::text,
                   3, '0')
$$;
CREATE FUNCTION pg_temp.upn(d text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT substr('ABCDEFGHJKLMNPQRTUVWXYZ',
                  1 + (2 * substr(d, 1, 1)::int + 3 * substr(d, 2, 1)::int
                       + 4 * substr(d, 3, 1)::int + 5 * substr(d, 4, 1)::int
                       + 6 * substr(d, 5, 1)::int + 7 * substr(d, 6, 1)::int
                       + 8 * substr(d, 7, 1)::int + 9 * substr(d, 8, 1)::int
                       + 10 * substr(d, 9, 1)::int + 11 * substr(d, 10, 1)::int
                       + 12 * substr(d, 11, 1)::int + 13 * substr(d, 12, 1)::int) % 23, 1) || d
$$;

-- ---- who ----------------------------------------------------------------------------------------

CREATE TEMP TABLE demo_cw AS
WITH g AS MATERIALIZED (
    SELECT g AS i,
           pg_temp.r(:seed, g, 'age') AS ra, pg_temp.r(:seed, g, 'cat') AS rc,
           pg_temp.r(:seed, g, 'dist') AS rd, pg_temp.r(:seed, g, 'close') AS rx,
           pg_temp.r(:seed, g, 'touch') AS rt, pg_temp.r(:seed, g, 'eth') AS re,
           pg_temp.r(:seed, g, 'misc') AS rm
    FROM generate_series(1, :n) g
), a AS MATERIALIZED (
    SELECT g.*,
           CASE WHEN ra < 0.06 THEN 16 WHEN ra < 0.15 THEN 17 WHEN ra < 0.28 THEN 18
                WHEN ra < 0.41 THEN 19 WHEN ra < 0.53 THEN 20 WHEN ra < 0.65 THEN 21
                WHEN ra < 0.75 THEN 22 WHEN ra < 0.84 THEN 23 WHEN ra < 0.92 THEN 24
                ELSE 25 END AS age
    FROM g
), b AS MATERIALIZED (
    SELECT a.*,
           ((:'today'::date - make_interval(years => a.age))::date
            - (pg_temp.r(:seed, a.i, 'dob') * 364)::int) AS dob,
           CASE WHEN a.age < 18 THEN
                    CASE WHEN rc < 0.60 THEN 'eligible' WHEN rc < 0.85 THEN 'relevant'
                         ELSE 'qualifying' END
                WHEN a.age < 21 THEN CASE WHEN rc < 0.88 THEN 'former_relevant' ELSE 'qualifying' END
                ELSE CASE WHEN rc < 0.93 THEN 'former_relevant' ELSE 'qualifying' END
           END AS category,
           CASE WHEN rd < 0.16 THEN 'Bromsgrove' WHEN rd < 0.29 THEN 'Malvern Hills'
                WHEN rd < 0.47 THEN 'Redditch' WHEN rd < 0.68 THEN 'Worcester City'
                WHEN rd < 0.81 THEN 'Wychavon' WHEN rd < 0.96 THEN 'Wyre Forest'
                ELSE 'Out of county' END AS district
    FROM a
), c AS MATERIALIZED (
    SELECT b.*,
           CASE WHEN b.category = 'eligible' THEN NULL
                WHEN b.category = 'former_relevant' AND rm < 0.7
                    THEN least((b.dob + interval '18 years')::date, :'today'::date)
                ELSE least(:'today'::date, (b.dob + interval '16 years')::date
                           + (pg_temp.r(:seed, b.i, 'ceased') * 700)::int)
           END AS care_ceased_on,
           least(:'today'::date,
                 (b.dob + interval '16 years')::date - 45
                 + (pg_temp.r(:seed, b.i, 'opened') * 540)::int) AS opened_on,
           -- closed: a third of the 22-25s, a few younger; died and returned home are rare
           CASE WHEN b.age >= 22 AND rx < 0.35 THEN 'nreq'
                WHEN b.age BETWEEN 18 AND 21 AND rx < 0.03 THEN 'nreq'
                WHEN rx > 0.9985 THEN 'died'
                WHEN b.age < 18 AND b.category = 'relevant' AND rx > 0.985 THEN 'rhom'
                ELSE NULL END AS ending,
           CASE WHEN rt < (CASE WHEN b.age >= 22 THEN 0.90 ELSE 0.96 END) THEN true
                ELSE false END AS in_touch
    FROM b
)
SELECT c.*,
       pg_temp.uid(:seed, 1, c.i) AS id,
       CASE WHEN c.ending IS NOT NULL
            THEN least(:'today'::date, greatest(c.opened_on, :'today'::date - 700)
                       + (pg_temp.r(:seed, c.i, 'closed') * 400)::int) END AS closed_on,
       (pg_temp.r(:seed, c.i, 'unalloc') < 0.3 AND c.category = 'qualifying') AS unallocated
FROM c;
ALTER TABLE demo_cw ADD PRIMARY KEY (i);
-- "as at": today for open cases, the closing day for closed ones; histories end there
ALTER TABLE demo_cw ADD COLUMN ref date;
UPDATE demo_cw SET ref = coalesce(closed_on, :'today'::date);
ANALYZE demo_cw;

-- ---- advisers: one team per district, about 23 open cases each -----------------------------------

INSERT INTO advisers (id, name, email, team, fte, caseload_limit, eet_lead)
SELECT md5(:'seed' || ':pa:' || t.district || ':' || k)::uuid,
       (ARRAY['Sam', 'Priya', 'Tom', 'Aisha', 'Gareth', 'Helen', 'Marcus', 'Jo', 'Imran',
              'Claire', 'Dev', 'Nicola', 'Owen', 'Rachel', 'Kwame', 'Beth'])
           [1 + (hashtextextended('pa-given:' || t.district || k, :seed) & 15)::int] || ' ' ||
       (ARRAY['Patel', 'Morgan', 'Hughes', 'Khan', 'Bennett', 'Clarke', 'Osei', 'Price',
              'Walsh', 'Turner', 'Reid', 'Shah', 'Barker', 'Lloyd', 'Ellis', 'Foster'])
           [1 + (hashtextextended('pa-family:' || t.district || k, :seed) & 15)::int],
       'pa.' || lower(replace(t.district, ' ', '-')) || '.' || k || '@demo-county.example',
       t.district || ' leaving care team',
       CASE WHEN k % 9 = 0 THEN 0.8 ELSE 1.0 END,
       CASE WHEN k % 9 = 0 THEN 20 ELSE 24 END,
       k = 1
FROM (SELECT district, greatest(1, ceil(count(*) / 24.0)::int) AS n
      FROM demo_cw WHERE ending IS NULL AND NOT unallocated GROUP BY district) t,
     generate_series(1, t.n) k
ON CONFLICT (email) DO NOTHING;

-- each team's advisers numbered from 0, for the round
CREATE TEMP TABLE demo_cw_pa AS
SELECT substr(ad.team, 1, length(ad.team) - length(' leaving care team')) AS district,
       (row_number() OVER (PARTITION BY ad.team ORDER BY ad.email) - 1)::int AS k, ad.id
FROM advisers ad WHERE ad.active AND ad.team LIKE '% leaving care team';
CREATE INDEX ON demo_cw_pa (district, k);

-- ---- care leavers ---------------------------------------------------------------------------------

INSERT INTO care_leavers (id, la_child_id, given_name, family_name, preferred_name,
                          date_of_birth, sex, ethnicity, uasc, category, care_ceased_on,
                          district, adviser_id, phone, email, address, postcode, opened_on,
                          status, closed_on, closed_reason, upn, mother, first_child_dob)
SELECT p.id, 'D' || lpad(p.i::text, 8, '0'),
       CASE WHEN p.sex = 'F'
            THEN (ARRAY['Amelia', 'Chloe', 'Jade', 'Leah', 'Megan', 'Nia', 'Olivia', 'Ruby',
                        'Sophie', 'Tia', 'Zara', 'Ellie', 'Holly', 'Keira', 'Lily', 'Maya',
                        'Aaliyah', 'Grace', 'Isla', 'Freya'])[1 + (p.h1 % 20)]
            ELSE (ARRAY['Callum', 'Connor', 'Dylan', 'Ethan', 'Harvey', 'Jack', 'Kai', 'Liam',
                        'Mason', 'Noah', 'Oscar', 'Reece', 'Tyler', 'Zain', 'Alfie', 'Bailey',
                        'Jayden', 'Leon', 'Musa', 'Ryan'])[1 + (p.h1 % 20)] END,
       (ARRAY['Smith', 'Jones', 'Taylor', 'Brown', 'Wilson', 'Evans', 'Thomas', 'Roberts',
              'Walker', 'Wright', 'Robinson', 'Thompson', 'White', 'Hughes', 'Edwards', 'Green',
              'Hall', 'Wood', 'Harris', 'Lewis', 'Martin', 'Jackson', 'Clarke', 'Clark',
              'Turner', 'Hill', 'Scott', 'Cooper', 'Morris', 'Ward', 'Moore', 'King', 'Watson',
              'Baker', 'Harrison', 'Morgan', 'Patel', 'Young', 'Allen', 'Mitchell', 'Ahmed',
              'Begum', 'Mensah', 'Kowalski', 'Nowak', 'Ali', 'Hussain', 'Okafor'])[1 + (p.h2 % 48)],
       CASE WHEN p.h3 % 10 = 0 THEN
            (ARRAY['Jay', 'Bex', 'Sasha', 'Frankie', 'Charlie', 'Sky'])[1 + (p.h3 / 10 % 6)] END,
       p.dob, p.sex, p.ethnicity, p.uasc, p.category, p.care_ceased_on, p.district,
       CASE WHEN p.ending IS NULL AND NOT p.unallocated THEN a.id END,
       CASE WHEN p.h3 % 7 <> 0 THEN '07700 9' || lpad((p.h4 % 100000)::text, 5, '0') END,
       CASE WHEN p.h3 % 3 = 0 THEN 'yp' || p.i || '@mail.example' END,
       (1 + p.h4 % 180) || ' ' ||
       (ARRAY['Mill Lane', 'Church Street', 'Station Road', 'Orchard Close', 'Victoria Road',
              'Meadow Way', 'Kingfisher Court', 'Severn Terrace', 'Hop Pole Walk',
              'Brook Street', 'Willow Drive', 'Foundry Row'])[1 + (p.h5 % 12)] || ', ' ||
       p.district,
       CASE p.district
           WHEN 'Bromsgrove' THEN 'B60' WHEN 'Malvern Hills' THEN 'WR14'
           WHEN 'Redditch' THEN 'B97' WHEN 'Worcester City' THEN 'WR' || (1 + p.h5 % 5)
           WHEN 'Wychavon' THEN 'WR1' || (p.h5 % 2) WHEN 'Wyre Forest' THEN 'DY1' || (p.h5 % 5)
           ELSE 'B' || (10 + p.h5 % 80) END
       || ' ' || (p.h4 % 10) || chr(65 + (p.h1 % 26)::int) || chr(65 + (p.h2 % 26)::int),
       least(p.opened_on, p.ref), CASE WHEN p.ending IS NULL THEN 'open' ELSE 'closed' END,
       CASE WHEN p.ending IS NOT NULL THEN greatest(p.closed_on, least(p.opened_on, p.ref)) END,
       CASE p.ending WHEN 'nreq' THEN 'No longer requires services'
                     WHEN 'died' THEN 'Died'
                     WHEN 'rhom' THEN 'Returned home to live with parents' END,
       -- UPN: most from the county's schools, some from elsewhere; unaccompanied asylum
       -- seekers mostly never went to school in England (UN2) or were taught abroad (UN3); a
       -- few not yet known (UN4) or unmatched (UN5). Never UN1 (under 6).
       CASE WHEN p.uasc AND p.h6 % 10 < 6 THEN 'UN2' WHEN p.uasc AND p.h6 % 10 < 7 THEN 'UN3'
            WHEN p.h6 % 1000 < 15 THEN 'UN4' WHEN p.h6 % 1000 < 20 THEN 'UN5'
            WHEN p.h6 % 1000 < 30 THEN 'UN3'
            ELSE pg_temp.upn(p.upn_digits) END,
       CASE WHEN p.sex = 'F' THEN p.mother END,
       CASE WHEN p.sex = 'F' AND p.mother = 1 THEN
            (p.dob + interval '16 years')::date
            + (p.h7 % greatest(1, :'today'::date - (p.dob + interval '16 years')::date))::int END
FROM (
    SELECT d.*,
           CASE WHEN d.re < 0.003 THEN 'U' WHEN (d.rm * 1000)::int % 2 = 0 THEN 'F' ELSE 'M' END AS sex,
           CASE WHEN d.re < 0.70 THEN 'WBRI' WHEN d.re < 0.73 THEN 'WOTH' WHEN d.re < 0.74 THEN 'WIRI'
                WHEN d.re < 0.745 THEN 'WIRT' WHEN d.re < 0.75 THEN 'WROM'
                WHEN d.re < 0.78 THEN 'MWBC' WHEN d.re < 0.79 THEN 'MWBA' WHEN d.re < 0.80 THEN 'MWAS'
                WHEN d.re < 0.82 THEN 'MOTH' WHEN d.re < 0.83 THEN 'AIND' WHEN d.re < 0.85 THEN 'APKN'
                WHEN d.re < 0.86 THEN 'ABAN' WHEN d.re < 0.89 THEN 'AOTH' WHEN d.re < 0.90 THEN 'BCRB'
                WHEN d.re < 0.94 THEN 'BAFR' WHEN d.re < 0.95 THEN 'BOTH' WHEN d.re < 0.955 THEN 'CHNE'
                WHEN d.re < 0.99 THEN 'OOTH' WHEN d.re < 0.995 THEN 'REFU' ELSE 'NOBT' END AS ethnicity,
           (d.re >= 0.89 AND d.re < 0.99 AND d.re * 1000 - floor(d.re * 1000) < 0.6) AS uasc,
           (hashtextextended('h1:' || d.i, :seed) & 2147483647)::int AS h1,
           (hashtextextended('h2:' || d.i, :seed) & 2147483647)::int AS h2,
           (hashtextextended('h3:' || d.i, :seed) & 2147483647)::int AS h3,
           (hashtextextended('h4:' || d.i, :seed) & 2147483647)::int AS h4,
           (hashtextextended('h5:' || d.i, :seed) & 2147483647)::int AS h5,
           (hashtextextended('h6:' || d.i, :seed) & 2147483647)::int AS h6,
           (hashtextextended('h7:' || d.i, :seed) & 2147483647)::int AS h7,
           pg_temp.upn_digits(CASE WHEN (hashtextextended('h6:' || d.i, :seed) & 2147483647)
                                        / 1000 % 100 < 85 THEN '885'
                                   ELSE (ARRAY['330', '884', '916', '860', '937', '894'])
                                        [1 + ((hashtextextended('h6:' || d.i, :seed)
                                               & 2147483647) / 100000 % 6)::int] END,
                              d.i, extract(year FROM d.dob)::int + 5, :seed) AS upn_digits,
           -- mothers: a few at 16-17, more with each year after (care leavers become parents
           -- young more often than their peers)
           (pg_temp.r(:seed, d.i, 'mother') * 1000
            < CASE d.age WHEN 16 THEN 10 WHEN 17 THEN 30 WHEN 18 THEN 70 WHEN 19 THEN 110
                         WHEN 20 THEN 150 WHEN 21 THEN 190 ELSE 250 END)::int::smallint AS mother,
           row_number() OVER (PARTITION BY d.district ORDER BY hashtextextended('pa:' || d.i, :seed))
               AS rn
    FROM demo_cw d
) p
LEFT JOIN (SELECT district, count(*)::int AS n FROM demo_cw_pa GROUP BY district) t
    ON t.district = p.district
-- round the district's team, one in ten to a random member of it
LEFT JOIN demo_cw_pa a
    ON a.district = p.district
   AND a.k = CASE WHEN p.h5 % 10 = 0 THEN p.h4 % t.n ELSE ((p.rn - 1) % t.n)::int END
ORDER BY p.i;

-- ---- contacts: a history back from the last successful one, and failed attempts after it -------

-- The last successful contact before ref: in touch mostly within the last 11 weeks, the rest
-- three months to a year before. Before it, the k latest contacts 20 to 45 days apart, and
-- before those a statutory visit every six to eight weeks (the usual local standard; every 10
-- to 13 weeks from 22, the standard being 91 days from 21) back to the case's opening, or at
-- most to two weeks before 1 January of the year before the collection year now running: far
-- enough that every birthday window of this year's and last year's SSDA903 returns (3 months
-- before to 1 month after) sees the contacts of its time. Qualifying young people (advice and
-- assistance, no statutory visits, not in the return) have the recent contacts only. About
-- one young person in four had a spell of four to eleven months out of touch at some point:
-- the attempts in it failed. Each row's jitter, recording delay, method and note come from one
-- 64-bit hash of (seed, row).
ALTER TABLE demo_cw ADD COLUMN last_ok date, ADD COLUMN gap integer, ADD COLUMN k integer,
    ADD COLUMN visit_first boolean, ADD COLUMN gap2 integer, ADD COLUMN n_contacts integer,
    ADD COLUMN spell daterange;
UPDATE demo_cw SET
    last_ok = greatest(opened_on,
                       ref - CASE WHEN in_touch
                                  THEN (pg_temp.r(:seed, i, 'last') ^ 2 * 75)::int
                                  ELSE 93 + (pg_temp.r(:seed, i, 'last') * 280)::int END),
    gap = 20 + (pg_temp.r(:seed, i, 'gap') * 25)::int,
    k = 2 + (pg_temp.r(:seed, i, 'k') * 4.99)::int,
    visit_first = pg_temp.r(:seed, i, 'visit') < 0.85,
    gap2 = CASE WHEN age >= 22 THEN 70 + (pg_temp.r(:seed, i, 'gap2') * 20)::int
                ELSE 42 + (pg_temp.r(:seed, i, 'gap2') * 12)::int END;
UPDATE demo_cw SET
    n_contacts = k + CASE WHEN category = 'qualifying' THEN 0 ELSE
                 greatest(0, (last_ok - (k - 1) * gap
                              - greatest(opened_on,
                                         make_date(extract(year FROM :'today'::date
                                                           + interval '9 months')::int - 2, 1, 1)
                                         - 14)) / gap2) END,
    spell = CASE WHEN pg_temp.r(:seed, i, 'spell') < 0.25 THEN
                 daterange(s.on_, s.on_ + 120 + (pg_temp.r(:seed, i, 'spell-len') * 210)::int)
            END
FROM (SELECT d.i AS si,
             d.opened_on + (pg_temp.r(:seed, d.i, 'spell-at')
                            * greatest(0, d.last_ok - d.opened_on - 150))::int AS on_
      FROM demo_cw d) s
WHERE s.si = i;

INSERT INTO contacts (id, care_leaver_id, occurred_on, method, adviser_id, successful,
                     statutory_visit, recorded_on, notes, created_by)
SELECT pg_temp.uid(:seed, 2, d.i * 64 + j), d.id, o.on_,
       CASE WHEN NOT o.ok THEN (ARRAY['phone', 'text', 'letter', 'home_visit'])[1 + ((o.h >> 20) % 4)::int]
            WHEN o.visit THEN CASE WHEN j % 5 = 3 THEN 'other_visit' ELSE 'home_visit' END
            ELSE (ARRAY['phone', 'text', 'video', 'social_media', 'drop_in', 'phone'])
                 [1 + ((o.h >> 20) % 6)::int] END,
       c.adviser_id, o.ok, o.ok AND o.visit,
       least(d.ref, o.on_ + CASE WHEN (o.h >> 8) % 10 < 8 THEN ((o.h >> 12) % 6)::int
                                 ELSE 5 + ((o.h >> 12) % 13)::int END),
       CASE WHEN NOT o.ok THEN 'No answer; left a message.'
            ELSE (ARRAY['Seen at home; settled.', 'Talked about college and money.',
                        'Catch-up about the flat and bills.', 'Checked in after the GP appointment.',
                        'Planned the next review together.', 'Quick update; all well.'])
                 [1 + ((o.h >> 24) % 6)::int] END,
       'demo'
FROM demo_cw d
JOIN care_leavers c ON c.id = d.id
CROSS JOIN LATERAL generate_series(0, d.n_contacts - 1) j
CROSS JOIN LATERAL (
    SELECT v.on_, v.h, j = 0 OR NOT coalesce(d.spell @> v.on_, false) AS ok,
           -- the recent ones alternate visits and other contacts; the older ones are visits
           c.category <> 'qualifying' AND (j >= d.k OR (j % 2 = 0) = d.visit_first) AS visit
    FROM (SELECT CASE WHEN j < d.k THEN d.last_ok - j * d.gap
                      ELSE d.last_ok - (d.k - 1) * d.gap - (j - d.k + 1) * d.gap2 END
                 - (x.h % 7)::int AS on_, x.h
          FROM (SELECT hashint8extended(d.i * 64 + j, :seed) & 9223372036854775807 AS h) x) v
) o
WHERE o.on_ >= d.opened_on AND o.on_ >= d.dob
ORDER BY d.i, j;

INSERT INTO contacts (id, care_leaver_id, occurred_on, method, adviser_id, successful,
                     statutory_visit, recorded_on, notes, created_by)
SELECT pg_temp.uid(:seed, 3, d.i * 16 + j), d.id, a.on_,
       (ARRAY['phone', 'text', 'letter', 'home_visit'])[1 + (j + d.i) % 4], c.adviser_id, false,
       false, a.on_, 'No answer; left a message.', 'demo'
FROM demo_cw d
JOIN care_leavers c ON c.id = d.id
CROSS JOIN LATERAL generate_series(1, 1 + (d.i % 3)::int) j
CROSS JOIN LATERAL (SELECT d.ref - j * 21 - (d.i % 9)::int AS on_) a
WHERE NOT d.in_touch AND a.on_ > d.last_ok
ORDER BY d.i, j;

-- ---- contact-status events ----------------------------------------------------------------------

INSERT INTO contact_status_events (id, care_leaver_id, status, occurred_on, notes, created_by)
SELECT pg_temp.uid(:seed, 4, d.i), d.id, e.status, e.on_, e.notes, 'demo'
FROM demo_cw d
CROSS JOIN LATERAL (
    SELECT CASE WHEN d.ending = 'died' THEN 'died'
                WHEN d.ending = 'rhom' THEN 'returned_home'
                WHEN d.ending = 'nreq' THEN 'no_longer_requires_services'
                WHEN NOT d.in_touch AND pg_temp.r(:seed, d.i, 'refu') < 0.25 THEN 'refuses_contact'
           END AS status,
           CASE WHEN d.ending IS NOT NULL THEN d.closed_on
                ELSE least(d.ref, d.last_ok + 14) END AS on_,
           CASE WHEN d.ending = 'died' THEN 'Recorded on notification from the coroner.'
                WHEN d.ending = 'rhom' THEN 'Living with mother for six months.'
                WHEN d.ending = 'nreq' THEN 'Said they no longer want support from the service.'
                ELSE 'Asked the PA not to contact them for now.' END AS notes
) e
WHERE e.status IS NOT NULL AND e.on_ >= d.last_ok
ORDER BY d.i;

-- ---- pathway plans: a version every six months or so, the latest current ---------------------

ALTER TABLE demo_cw ADD COLUMN plan_base date, ADD COLUMN plan_reviewed boolean,
    ADD COLUMN plan_versions integer;
UPDATE demo_cw SET
    plan_base = ref - (pg_temp.r(:seed, i, 'plan') ^ 1.6 * 215)::int,
    plan_reviewed = pg_temp.r(:seed, i, 'rev') < 0.5,
    plan_versions = 1 + least(2, greatest(0, (ref - opened_on) / 200));

INSERT INTO pathway_plans (id, care_leaver_id, version_no, status, started_on, reviewed_on,
                           superseded_on, accommodation, eet, health_and_wellbeing, finance,
                           relationships_and_identity, practical_and_life_skills, created_by)
SELECT pg_temp.uid(:seed, 5, v.i * 16 + v.n), v.id,
       row_number() OVER (PARTITION BY v.id ORDER BY v.n DESC), v.status, v.started_on,
       v.reviewed_on, v.superseded_on,
       (ARRAY['Staying put with former foster carers.', 'Supported lodgings; working towards a tenancy.',
              'Own tenancy with a housing association.', 'Semi-independent flat with floating support.'])
           [1 + (v.i + v.n) % 4],
       (ARRAY['Level 2 course at college.', 'Looking for an apprenticeship.',
              'Working part time in retail.', 'Not in work; CV workshop booked.'])[1 + (v.i * 3 + v.n) % 4],
       'Registered with a GP and dentist.',
       'Universal Credit in place; budgeting sessions with the PA.',
       (ARRAY['Regular contact with siblings.', 'Rebuilding contact with grandparents.',
              'Support from a mentor.'])[1 + v.i % 3],
       (ARRAY['Cooks most meals.', 'Learning to manage bills.', 'Attends independence sessions.'])
           [1 + (v.i + 1) % 3],
       'demo'
FROM (
    -- n = 0 is the current version; n = 1, 2, ... the superseded ones before it
    SELECT d.i, d.id, n,
           CASE WHEN n = 0 THEN 'current' ELSE 'superseded' END AS status,
           greatest(d.opened_on, CASE WHEN n = 0 AND d.plan_reviewed THEN d.plan_base - 150
                                     ELSE d.plan_base - n * 182 END) AS started_on,
           CASE WHEN n = 0 AND d.plan_reviewed AND d.plan_base - 150 >= d.opened_on
                THEN d.plan_base END AS reviewed_on,
           CASE WHEN n > 0 THEN greatest(d.opened_on, CASE WHEN n = 1 AND d.plan_reviewed
                                                          THEN d.plan_base - 150
                                                          ELSE d.plan_base - (n - 1) * 182 END)
           END AS superseded_on
    FROM demo_cw d
    CROSS JOIN LATERAL generate_series(0, d.plan_versions - 1) n
    WHERE d.category <> 'qualifying' AND pg_temp.r(:seed, d.i, 'noplan') >= 0.03
      AND d.plan_base >= d.opened_on
      AND (n = 0 OR d.plan_base - n * 182 >= d.opened_on)
) v
-- versions that would start on the same day as the next are dropped
WHERE v.status = 'current' OR v.started_on < v.superseded_on
ORDER BY v.i, v.n;

-- a draft of the next version for a few
INSERT INTO pathway_plans (id, care_leaver_id, version_no, status, started_on, created_by)
SELECT pg_temp.uid(:seed, 6, d.i), d.id, p.version_no + 1, 'draft', d.ref, 'demo'
FROM demo_cw d
JOIN pathway_plans p ON p.care_leaver_id = d.id AND p.status = 'current'
WHERE d.ending IS NULL AND pg_temp.r(:seed, d.i, 'draft') < 0.05;

-- ---- 21-25 outreach: the ones not receiving a service ---------------------------------------------

INSERT INTO outreach_contacts (id, care_leaver_id, sent_on, channel, response, responded_on,
                               notes, created_by, created_at, updated_at)
SELECT pg_temp.uid(:seed, 7, d.i * 4 + j), d.id, o.sent_on,
       CASE WHEN j = 1 THEN 'letter' ELSE 'text' END, o.response,
       CASE WHEN o.response <> 'none'
            THEN least(:'today'::date, o.sent_on + 3 + (pg_temp.r(:seed, d.i * 4 + j, 'resp') * 25)::int)
       END,
       '', 'demo', now(), now()
FROM demo_cw d
CROSS JOIN LATERAL generate_series(1, CASE WHEN d.i % 5 = 0 THEN 2 ELSE 1 END) j
CROSS JOIN LATERAL (
    SELECT greatest((d.dob + interval '21 years')::date,
                    :'today'::date - 180 + (pg_temp.r(:seed, d.i, 'sent') * 150)::int + (j - 1) * 21)
               AS sent_on,
           CASE WHEN pg_temp.r(:seed, d.i * 4 + j, 'reply') >= 0.245 THEN 'none'
                WHEN pg_temp.r(:seed, d.i * 4 + j, 'kind') < 0.61 THEN 'wants_service'
                WHEN pg_temp.r(:seed, d.i * 4 + j, 'kind') < 0.89 THEN 'not_at_address'
                ELSE 'declined' END AS response
) o
WHERE d.age BETWEEN 21 AND 25 AND o.sent_on <= :'today'::date
  -- former relevant, the case closed (no longer requiring services) before the letter: not
  -- receiving a service on sent_on (cl_receiving_service_on), as outreach_contact_create asks
  AND d.category = 'former_relevant' AND d.ending = 'nreq' AND o.sent_on >= d.closed_on
  AND cl_age_on(d.dob, o.sent_on) BETWEEN 21 AND 25
ORDER BY d.i, j;

DROP TABLE demo_cw, demo_cw_pa;
DROP FUNCTION pg_temp.r(bigint, bigint, text), pg_temp.uid(bigint, integer, bigint),
    pg_temp.upn_digits(text, bigint, integer, bigint), pg_temp.upn(text);
DO $$
BEGIN
    IF current_setting('session_replication_role') <> 'origin' THEN
        PERFORM set_config('session_replication_role', 'origin', true);
    END IF;
END
$$;
RESET work_mem;
ANALYZE advisers, care_leavers, pathway_plans, contacts, contact_status_events, outreach_contacts;
