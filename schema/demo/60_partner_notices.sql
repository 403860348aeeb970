-- Demo for issue 23 (partners tell us first), on the data of the earlier demo files:
--   * the commitments of protocol edition 2 as rows: its four numbers for every district, and
--     "answer within 10 working days in Redditch, 15 in Wychavon" as two more rows;
--   * accommodation episodes with a housing provider begun in the last year are marked as
--     placed by that partner; for about two in three of them the partner told the service
--     (a notification received a few days before the move, or for some a few days after it),
--     the rest were never notified: those become derived move_without_notice breaches;
--   * an emergency-move or bed-and-breakfast notification raises a manager task; two notices
--     name nobody the partner was ever sent and sit in the managers' triage queue;
--   * Severn Vale Homes has one (inactive) webhook subscription.
-- Everything is drawn from :seed; received_at is written here only because demo data is made
-- after the fact (the api always stamps it with the server's clock).

INSERT INTO housing_protocol_commitments (id, protocol_id, kind, target, district, description)
SELECT md5(:'seed' || ':commitment:' || c.kind || coalesce(c.district, ''))::uuid,
       'd0000000-0000-4000-8000-00000000a002', c.kind, c.target, c.district, c.description
FROM (VALUES
    ('response_working_days', 10, NULL, 'Referrals answered within 10 working days'),
    ('response_working_days', 10, 'Redditch', 'Redditch answers within 10 working days'),
    ('response_working_days', 15, 'Wychavon', 'Wychavon answers within 15 working days'),
    ('referral_lead_days', 180, NULL, 'Referred six months before the 18th birthday'),
    ('move_notice_days', 0, NULL, 'No move without telling the leaving care service first'),
    ('bnb_max_nights', 0, NULL, 'No bed and breakfast'),
    ('bnb_under_18', 0, NULL, 'Never bed and breakfast for 16 and 17 year olds'))
    c (kind, target, district, description)
ON CONFLICT DO NOTHING;

UPDATE accommodation_episodes e SET placed_by = 'partner'
FROM partners p
WHERE p.id = e.provider_id AND p.kind = 'housing_provider'
  AND e.started_on > :'today'::date - 365 AND e.placed_by IS NULL;

-- r: 0-3 told 2-9 days before, 4-5 told 1-4 days after, 6-8 never; the kind follows the
-- accommodation (emergency or bed and breakfast, else a planned move).
INSERT INTO partner_notifications (id, partner_id, kind, referral_id, la_child_id, date_of_birth,
                                   care_leaver_id, occurred_on, details, received_at,
                                   created_by)
SELECT md5(:'seed' || ':notice:' || x.id)::uuid, x.provider_id,
       CASE x.code WHEN 'V' THEN 'emergency_move' WHEN 'W' THEN 'b_and_b_placement'
                   ELSE 'move_planned' END,
       NULL, x.la_child_id, x.date_of_birth, x.care_leaver_id, x.started_on,
       'Moving on from our accommodation',
       (x.started_on + CASE WHEN x.r < 4 THEN -(2 + x.r2 % 8) ELSE 1 + x.r2 % 4 END)
           + interval '10 hours',
       'demo-partner'
FROM (SELECT e.*, c.la_child_id, c.date_of_birth,
             ('x' || substr(md5(:'seed' || ':notice-r:' || e.id), 1, 4))::bit(16)::int % 9 AS r,
             ('x' || substr(md5(:'seed' || ':notice-d:' || e.id), 1, 4))::bit(16)::int AS r2
      FROM accommodation_episodes e JOIN care_leavers c ON c.id = e.care_leaver_id
      WHERE e.placed_by = 'partner') x
WHERE x.r < 6
  AND x.started_on + CASE WHEN x.r < 4 THEN -(2 + x.r2 % 8) ELSE 1 + x.r2 % 4 END
      <= :'today'::date
ON CONFLICT DO NOTHING;

-- Two notices about nobody the partner was ever sent: the managers' triage queue.
INSERT INTO partner_notifications (id, partner_id, kind, la_child_id, date_of_birth,
                                   occurred_on, details, received_at, created_by)
VALUES
    (md5(:'seed' || ':triage:1')::uuid, 'd0000000-0000-4000-8000-000000000001',
     'presented_homeless', 'X0000001', '2006-02-14', :'today'::date - 3,
     'Presented as homeless after returning from abroad', :'today'::date - 3 + interval '9 hours',
     'demo-partner'),
    (md5(:'seed' || ':triage:2')::uuid, 'd0000000-0000-4000-8000-000000000005',
     'emergency_move', 'X0000002', '2007-09-30', :'today'::date - 1,
     'Moved to an emergency room after a flood', :'today'::date - 1 + interval '22 hours',
     'demo-partner')
ON CONFLICT DO NOTHING;

INSERT INTO manager_tasks (id, kind, notification_id, created_at)
SELECT md5(:'seed' || ':task:' || n.id)::uuid, n.kind, n.id, n.received_at
FROM partner_notifications n
WHERE n.kind IN ('emergency_move', 'b_and_b_placement')
ON CONFLICT DO NOTHING;

INSERT INTO webhook_subscriptions (id, partner_id, url, events, secret, active, created_by)
VALUES (md5(:'seed' || ':webhook')::uuid, 'd0000000-0000-4000-8000-000000000004',
        'https://hooks.severnvale.example/leaving-care',
        ARRAY['housing_referral.created', 'housing_referral.updated'],
        'whsec_' || encode(decode(md5(:'seed' || ':secret:a') || md5(:'seed' || ':secret:b'),
                                  'hex'), 'base64'),
        false, 'demo-partner')
ON CONFLICT DO NOTHING;
