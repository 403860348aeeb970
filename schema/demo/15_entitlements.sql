-- Demo entitlements as effective-dated policy, two district council tax schemes and a published
-- Local Offer (issue 24). Loaded after the people (10) and before the grant payments (20),
-- which attach each payment to the version in force on its day. Entitlements, schemes and Local
-- Offer versions are not emptied by load.sh (they hang off no person), so this file replaces
-- its own rows each time and the same SEED gives the same data.
--
-- Setting Up Home: the council paid £1,500 until it raised the allowance to £2,000 from
-- 1 April 2021, then to the national minimum of £3,000 from 1 April 2023 (statutory guidance
-- vol 3, Appendix E). 40_entitlements_people.sql pays some older care leavers £1,500 under the
-- first version, which leaves them a top-up due under today's.

DELETE FROM local_offer_sections;
DELETE FROM local_offer_versions;
DELETE FROM council_tax_schemes;
DELETE FROM entitlement_versions v
WHERE NOT EXISTS (SELECT 1 FROM grant_payments g WHERE g.entitlement_version_id = v.id);

INSERT INTO entitlements (id, name, kind, description, policy_reference) VALUES
    (md5('demo:entitlement:leisure')::uuid, 'Leisure pass', 'leisure_pass',
     'Free entry to the district council''s leisure centres and swimming pools.',
     'Local Offer 2026, Health and wellbeing'),
    (md5('demo:entitlement:council-tax')::uuid, 'Council tax exemption', 'council_tax_exemption',
     'No council tax to pay on your own home, under your district council''s scheme.',
     'Local Offer 2026, Money'),
    (md5('demo:entitlement:bus')::uuid, 'Bus pass', 'bus_pass',
     'A county bus pass while you are in education, employment or training.',
     'Local Offer 2026, Getting about'),
    (md5('demo:entitlement:driving')::uuid, 'Driving lessons', 'grant',
     'Towards driving lessons and the theory and practical tests.',
     'Local Offer 2026, Getting about')
ON CONFLICT (name) DO UPDATE SET kind = EXCLUDED.kind, description = EXCLUDED.description,
    policy_reference = EXCLUDED.policy_reference;
UPDATE entitlements SET description = 'Towards furniture and household goods for your first home.'
WHERE name = 'Setting up home allowance';
UPDATE entitlements SET description = 'For a former relevant young person starting higher education.'
WHERE name = 'Higher education bursary';

INSERT INTO entitlement_versions (id, entitlement_id, effective_from, effective_to, cap_pence,
                                  min_age, max_age, categories, districts, in_eet)
SELECT md5('demo:version:' || e.name || ':' || v.effective_from)::uuid, e.id, v.effective_from,
       v.effective_to, v.cap_pence, v.min_age, v.max_age, v.categories, v.districts, v.in_eet
FROM (VALUES
    ('Setting up home allowance', date '2000-01-01', date '2021-04-01', 150000, 16, 25,
     NULL::text[], NULL::text[], NULL::boolean),
    ('Setting up home allowance', date '2021-04-01', date '2023-04-01', 200000, 16, 25, NULL, NULL,
     NULL),
    ('Setting up home allowance', date '2023-04-01', NULL, 300000, 16, 25, NULL, NULL, NULL),
    ('Higher education bursary', date '2000-01-01', NULL, 200000, 16, 25, '{former_relevant}',
     NULL, NULL),
    ('Leisure pass', date '2024-04-01', NULL, NULL, 16, 25, NULL,
     '{Redditch,Worcester City,Wyre Forest}', NULL),
    ('Council tax exemption', date '2024-04-01', NULL, NULL, 18, 24, NULL, NULL, NULL),
    ('Bus pass', date '2024-04-01', NULL, NULL, 16, 21, NULL, NULL, true),
    ('Driving lessons', date '2025-04-01', NULL, 50000, 17, 25,
     '{relevant,former_relevant}', NULL, true)
) AS v (name, effective_from, effective_to, cap_pence, min_age, max_age, categories, districts,
        in_eet)
JOIN entitlements e ON e.name = v.name
WHERE NOT EXISTS (SELECT 1 FROM entitlement_versions x WHERE x.entitlement_id = e.id
                    AND daterange(x.effective_from, x.effective_to)
                        && daterange(v.effective_from, v.effective_to));

-- Two district councils' exemptions: Redditch to 25 on application, Wyre Forest to 22 without.
INSERT INTO council_tax_schemes (id, district, exempt_until_age, effective_from,
                                 needs_application, notes) VALUES
    (md5('demo:ct:redditch')::uuid, 'Redditch', 25, date '2024-04-01', true,
     'Apply to Redditch Borough Council with the letter from your adviser.'),
    (md5('demo:ct:wyre-forest')::uuid, 'Wyre Forest', 22, date '2023-04-01', false,
     'Applied automatically once the leaving care team tells the council.');

-- The Local Offer, published two months before the data's day.
INSERT INTO local_offer_versions (id, title, introduction, published_on, created_by) VALUES
    (md5('demo:local-offer:' || :'today')::uuid, 'Our Local Offer to care leavers',
     'What Demo County Council offers you from 16 to 25, whether or not you are still in touch '
     || 'with us.' || chr(10) || chr(10) || 'Ask your personal adviser about anything here.',
     :'today'::date - 60, 'demo-loader');
INSERT INTO local_offer_sections (version_id, position, heading, body, entitlement_ids)
SELECT md5('demo:local-offer:' || :'today')::uuid, s.position, s.heading, s.body,
       ARRAY(SELECT e.id FROM entitlements e WHERE e.name = ANY (s.names) ORDER BY e.name)
FROM (VALUES
    (1, 'Setting up home', 'Money towards furniture and household goods when you move into '
        || 'your first home, and help to find it.', '{Setting up home allowance}'::text[]),
    (2, 'Money', 'No council tax on your own home where your district council exempts care '
        || 'leavers, and a bursary if you go to university.',
     '{Council tax exemption,Higher education bursary}'),
    (3, 'Getting about', 'A bus pass while you study, train or work, and help with driving '
        || 'lessons.', '{Bus pass,Driving lessons}'),
    (4, 'Health and wellbeing', 'Free entry to leisure centres in Redditch, Worcester City and '
        || 'Wyre Forest.', '{Leisure pass}')
) AS s (position, heading, body, names);
