-- Demo joint housing protocol: edition 1 (signed off two years ago, now superseded) and edition
-- 2 (in force, signed off a year ago) with the three district councils and two housing providers
-- of 05_partners.sql as parties and every signature recorded; then a year of housing referrals
-- under edition 2 for about a third of the care leavers aged 16½ to 21, with response times
-- drawn deterministically from :seed (most answered within the 10 days, some late, a few still
-- unanswered past their due date), and two breaches recorded by hand. Needs the care leavers
-- of the earlier demo files; does nothing a second time (fixed ids, ON CONFLICT DO NOTHING,
-- referrals only while edition 2 has none).

INSERT INTO housing_protocols (id, title, edition, status, approving_body, review_due_on,
                               referral_lead_days_before_18, response_days, move_notice_days,
                               max_bnb_nights, clauses, signed_off_at, superseded_at,
                               created_at, updated_at)
VALUES
    ('d0000000-0000-4000-8000-00000000a001', 'Joint housing protocol for care leavers', 1,
     'superseded', 'Chief Executives'' Group', :'today'::date - 365, 120, 14, 14, 2,
     ARRAY['Care leavers aged 18 to 20 are treated as in priority need.',
           'Bed and breakfast is used only in an emergency and for no more than two nights.'],
     :'today'::date - 730, :'today'::date - 365, :'today'::date - 800, :'today'::date - 365),
    ('d0000000-0000-4000-8000-00000000a002', 'Joint housing protocol for care leavers', 2,
     'signed_off', 'Chief Executives'' Group', :'today'::date + 30, 180, 10, 28, 0,
     ARRAY['Housing need is assessed in the pathway plan from the 16th birthday.',
           'Every district names a single point of contact for care leavers.',
           'No care leaver is placed in bed and breakfast; 16 and 17 year olds never.',
           'Local connection to any district in the county is accepted.',
           'No intentionality decision is made without consulting the leaving care service.',
           'Quarterly figures by district go to the Corporate Parenting Board.'],
     :'today'::date - 365, NULL, :'today'::date - 420, :'today'::date - 365)
ON CONFLICT DO NOTHING;
UPDATE housing_protocols SET superseded_by = 'd0000000-0000-4000-8000-00000000a002'
WHERE id = 'd0000000-0000-4000-8000-00000000a001' AND superseded_by IS NULL;

INSERT INTO housing_protocol_parties (protocol_id, partner_id, signed_at, signatory_name,
                                      signatory_title, recorded_by, recorded_by_role)
SELECT h.id, p.id,
       h.signed_off_at - make_interval(days => 3 + (row_number() OVER w)::int),
       s.signatory, s.title, 'demo-loader', 'admin'
FROM housing_protocols h
CROSS JOIN (VALUES ('Redditch Borough Council', 'R. Ahmed', 'Head of Housing Services'),
                   ('Worcester City Council', 'J. Okafor', 'Housing Strategy Manager'),
                   ('Wyre Forest District Council', 'L. Price', 'Head of Strategic Housing'),
                   ('Severn Vale Homes', 'M. Kowalski', 'Director of Housing'),
                   ('Foxlea Supported Housing', 'S. Evans', 'Chief Executive'))
           AS s (partner, signatory, title)
JOIN partners p ON p.name = s.partner
WHERE h.id IN ('d0000000-0000-4000-8000-00000000a001', 'd0000000-0000-4000-8000-00000000a002')
WINDOW w AS (PARTITION BY h.id ORDER BY p.name)
ON CONFLICT DO NOTHING;

-- A year of referrals. The partner is the council of the young person's district when there is
-- one, else one of the two providers; the answer comes after 1 to 8 days mostly, 11 to 30 days
-- for about one in six, never for about one in twelve.
WITH h AS (
    SELECT * FROM housing_protocols WHERE id = 'd0000000-0000-4000-8000-00000000a002'
        AND NOT EXISTS (SELECT 1 FROM housing_referrals r WHERE r.protocol_id = housing_protocols.id)),
base AS (
    SELECT c.id AS care_leaver_id, c.district, c.date_of_birth, c.la_child_id AS k0,
           h.response_days
    FROM care_leavers c, h
    WHERE c.date_of_birth BETWEEN :'today'::date - interval '21 years'
                              AND :'today'::date - interval '16 years 6 months'
      AND ((hashtext(:'seed' || ':ref:' || c.la_child_id)::bigint + 2147483648) % 3) = 0),
drawn AS (
    SELECT b.*,
           :'today'::date - 1 - ((hashtext(:'seed' || ':on:' || k0)::bigint + 2147483648) % 364)::int
               AS referred_on,
           ((hashtext(:'seed' || ':resp:' || k0)::bigint + 2147483648) % 12)::int AS resp,
           ((hashtext(:'seed' || ':days:' || k0)::bigint + 2147483648) % 8)::int AS fast,
           ((hashtext(:'seed' || ':late:' || k0)::bigint + 2147483648) % 20)::int AS slow,
           ((hashtext(:'seed' || ':out:' || k0)::bigint + 2147483648) % 10)::int AS out,
           ((hashtext(:'seed' || ':prov:' || k0)::bigint + 2147483648) % 2)::int AS prov
    FROM base b),
answered AS (
    SELECT d.*,
           coalesce((SELECT p.id FROM partners p
                     WHERE p.kind = 'district_council' AND d.district = ANY (p.districts)
                       AND p.id IN (SELECT x.partner_id FROM housing_protocol_parties x
                                    WHERE x.protocol_id = 'd0000000-0000-4000-8000-00000000a002')
                     ORDER BY p.name LIMIT 1),
                    (SELECT p.id FROM partners p
                     WHERE p.id IN (SELECT x.partner_id FROM housing_protocol_parties x
                                    WHERE x.protocol_id = 'd0000000-0000-4000-8000-00000000a002')
                       AND p.kind = 'housing_provider'
                     ORDER BY p.name OFFSET d.prov LIMIT 1)) AS partner_id,
           CASE WHEN d.resp = 0 THEN NULL
                WHEN d.resp <= 2 THEN d.referred_on + d.response_days + 1 + d.slow
                ELSE d.referred_on + 1 + d.fast END AS answer_on
    FROM drawn d)
INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referral_type,
                               referred_on, needed_by, response_due_on, responded_on, outcome,
                               tenancy_started_on, created_by, created_at, updated_at)
SELECT a.care_leaver_id, a.partner_id, 'd0000000-0000-4000-8000-00000000a002',
       (ARRAY['register', 'register', 'homeless_application', 'nomination',
              'supported_housing'])[1 + a.out % 5],
       a.referred_on, a.referred_on + 90, a.referred_on + a.response_days,
       CASE WHEN a.answer_on <= :'today'::date THEN a.answer_on END,
       CASE WHEN a.answer_on > :'today'::date OR a.answer_on IS NULL THEN NULL
            WHEN a.out < 4 THEN 'accepted' WHEN a.out < 7 THEN 'offered'
            WHEN a.out < 9 THEN 'more_information' ELSE 'declined' END,
       CASE WHEN a.answer_on <= :'today'::date AND a.out < 4
                 AND a.answer_on + 21 + a.fast * 4 <= :'today'::date
            THEN a.answer_on + 21 + a.fast * 4 END,
       'demo-loader', a.referred_on, coalesce(least(a.answer_on, :'today'::date), a.referred_on)
FROM answered a
WHERE a.partner_id IS NOT NULL;

-- Two breaches the data cannot show: a move and an eviction notice nobody told the PA about.
INSERT INTO housing_protocol_breaches (id, protocol_id, kind, partner_id, care_leaver_id,
                                       occurred_on, details, recorded_by)
SELECT v.id::uuid, 'd0000000-0000-4000-8000-00000000a002', v.kind, p.id,
       (SELECT r.care_leaver_id FROM housing_referrals r
        WHERE r.partner_id = p.id AND r.protocol_id = 'd0000000-0000-4000-8000-00000000a002'
        ORDER BY r.referred_on, r.id LIMIT 1),
       :'today'::date - v.ago, v.details, 'demo-loader'
FROM (VALUES ('d0000000-0000-4000-8000-00000000b001', 'move_without_notice',
              'Severn Vale Homes', 140,
              'Moved to emergency accommodation out of hours; the PA was told a week later.'),
             ('d0000000-0000-4000-8000-00000000b002', 'eviction_without_notice',
              'Foxlea Supported Housing', 45,
              'Notice to quit served for arrears without the agreed case conference.'))
     AS v (id, kind, partner, ago, details)
JOIN partners p ON p.name = v.partner
ON CONFLICT DO NOTHING;
