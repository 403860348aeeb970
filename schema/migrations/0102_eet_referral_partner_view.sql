-- What an employer or college sees of an EET referral (issue 15, item 4).
--
-- 0022's representation sent the adviser's free-text notes, every step's note and the staff
-- token subjects (actor) to the provider the referral is addressed to. For a partner now: notes
-- is empty, and a step taken by the council keeps its status, date and role but not its note
-- or who took it; the partner's own steps are shown whole. Everyone else sees what they saw.
-- The young person is named through cl_partner_person (0101), only while the referral, or
-- another one to the same partner, is live.
CREATE OR REPLACE FUNCTION eet_referral_json(r eet_referrals) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'opportunity_id', r.opportunity_id,
        'opportunity_title', (SELECT o.title FROM eet_opportunities o
                              WHERE o.id = r.opportunity_id),
        'care_leaver_id', r.care_leaver_id, 'care_leaver', eet_referral_person(r.care_leaver_id),
        'status', r.status, 'status_on', r.status_on, 'referred_on', r.referred_on,
        'notes', CASE WHEN v.partner THEN '' ELSE r.notes END,
        'activity_id', (SELECT a.id FROM eet_activities a WHERE a.referral_id = r.id),
        'history', (SELECT coalesce(json_agg(json_build_object(
                               'from', e.from_status, 'to', e.to_status, 'on', e.on_date,
                               'note', CASE WHEN v.partner AND e.actor_role <> 'partner'
                                            THEN '' ELSE e.note END,
                               'actor', CASE WHEN v.partner AND e.actor_role <> 'partner'
                                             THEN '' ELSE e.actor_sub END,
                               'actor_role', e.actor_role,
                               'at', cl_ts(e.at)) ORDER BY e.id), '[]'::json)
                    FROM eet_referral_events e WHERE e.referral_id = r.id),
        'version', r.version, 'created_at', cl_ts(r.created_at),
        'updated_at', cl_ts(r.updated_at))::text
    FROM (SELECT cl_role() = 'partner' AS partner) v
$$;
