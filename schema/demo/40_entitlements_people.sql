-- Demo entitlements of people (issue 24), after the grant payments (20) so it changes none of
-- them: about one in five of those aged 24 or 25 who were never paid Setting Up Home were paid
-- £1,500 under its first version (dated 2020, when they were 18 or 19), so today each has the
-- rest of the £3,000 cap due as a top-up; and the council tax status of the care leavers the
-- two district schemes cover (aged 18 to below the scheme's age): granted, applied or eligible.

INSERT INTO grant_payments (id, care_leaver_id, entitlement_id, entitlement_version_id,
                            amount_pence, paid_on, method, reference, created_by)
SELECT md5(:'seed' || ':suha-2020:' || c.id)::uuid, c.id, e.id,
       (entitlement_version_on(e.id, date '2020-06-15')).id, 150000, date '2020-06-15',
       'direct_supplier', 'DEMO-2020-' || upper(substr(md5(:'seed' || c.id::text), 1, 6)),
       'demo-loader'
FROM care_leavers c
JOIN entitlements e ON e.name = 'Setting up home allowance'
WHERE cl_age_on(c.date_of_birth, :'today'::date) BETWEEN 24 AND 25
  AND cl_age_on(c.date_of_birth, date '2020-06-15') >= 16
  AND (hashtext(:'seed' || ':suha-2020:' || c.id)::bigint + 2147483648) % 5 = 0
  AND NOT EXISTS (SELECT 1 FROM grant_payments g WHERE g.care_leaver_id = c.id
                    AND g.entitlement_id = e.id);

INSERT INTO grant_balances (care_leaver_id, entitlement_id, paid_pence)
SELECT care_leaver_id, entitlement_id, sum(amount_pence)
FROM grant_payments
GROUP BY care_leaver_id, entitlement_id
ON CONFLICT (care_leaver_id, entitlement_id) DO UPDATE SET paid_pence = EXCLUDED.paid_pence;

INSERT INTO council_tax_statuses (id, care_leaver_id, scheme_id, status, applied_on, decided_on,
                                  created_by)
SELECT md5(:'seed' || ':ct:' || c.id)::uuid, c.id, s.id, x.status,
       CASE WHEN x.status <> 'eligible' THEN :'today'::date - 40 - (x.r % 200)::int END,
       CASE WHEN x.status = 'granted' THEN :'today'::date - 20 - (x.r % 20)::int END,
       'demo-loader'
FROM care_leavers c
JOIN council_tax_schemes s ON s.district = c.district AND s.effective_from <= :'today'::date
CROSS JOIN LATERAL (
    SELECT r, CASE WHEN r % 10 < 6 THEN 'granted' WHEN r % 10 < 8 THEN 'applied'
                   ELSE 'eligible' END AS status
    FROM (SELECT (hashtext(:'seed' || ':ct:' || c.id)::bigint + 2147483648) AS r) h
) x
WHERE c.status = 'open'
  AND cl_age_on(c.date_of_birth, :'today'::date) BETWEEN 18 AND s.exempt_until_age - 1;
