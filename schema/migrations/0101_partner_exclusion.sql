-- Partners are kept out by the database, not only by the route table (issue 15, item 3), and
-- deactivated advisers and partners lose access at once (item 5's database half).
--
-- Until now cl_can_see_care_leaver (0003) let a partner reach a care leaver's whole record once
-- any referral to it had ever existed, even a withdrawn one, and every child table's policy
-- (plans, contacts, accommodation, grants, EET, outreach) followed care_leavers with no role
-- test. Now:
--
-- * a partner never sees a care_leavers row, so no read function and no child table gives it
--   anything about a person (they all go through care_leavers);
-- * what a partner may know of the young person comes only from cl_partner_person, a minimal
--   projection (SECURITY DEFINER, cl_definer) that answers only while a live referral addressed
--   to that partner exists: a housing referral not declined or withdrawn, an EET referral still
--   open (referred, applied, interview, offered, started);
-- * cl_adviser_id() and cl_org_id() are NULL for an adviser or partner marked inactive, so every
--   scope rule built on them (row-level security and the functions' own predicates) closes the
--   moment an administrator deactivates them, whatever token they still hold.
--
-- eet_activities keeps one partner arm: a referral to a partner's opportunity reaching
-- `started` opens an activity episode and ends a NEET one in the partner's own transaction
-- (eet_referral_transition, 0022), so the partner may touch the activity rows of a care leaver
-- it has a live referral for. No read function hands those rows to a partner (they all ask
-- cl_can_see_care_leaver first).

CREATE OR REPLACE FUNCTION cl_adviser_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT a.id FROM advisers a
    WHERE a.id = nullif(current_setting('app.adviser_id', true), '')::uuid AND a.active
$$;

CREATE OR REPLACE FUNCTION cl_org_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT p.id FROM partners p
    WHERE p.id = nullif(current_setting('app.org_id', true), '')::uuid AND p.active
$$;
GRANT SELECT ON advisers TO cl_definer;

-- The care leaver reachable by the caller: every one for the roles that see all, an active
-- adviser's own caseload; never for a partner (p_id is kept for the callers' signature).
CREATE OR REPLACE FUNCTION cl_can_see_care_leaver(p_adviser uuid, p_id uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_sees_all()
        OR (cl_role() = 'adviser' AND p_adviser IS NOT DISTINCT FROM cl_adviser_id()
            AND cl_adviser_id() IS NOT NULL)
$$;

-- A live referral addressed to the calling partner (cl_definer owns both since 0100).
CREATE OR REPLACE FUNCTION cl_partner_sees_via_housing(p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM housing_referrals r
        WHERE r.care_leaver_id = p_care_leaver AND r.partner_id = cl_org_id()
          AND (r.outcome IS NULL OR r.outcome NOT IN ('declined', 'withdrawn')))
$$;

CREATE OR REPLACE FUNCTION cl_partner_sees_via_eet(p_care_leaver uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM eet_referrals r JOIN eet_opportunities o ON o.id = r.opportunity_id
        WHERE r.care_leaver_id = p_care_leaver AND o.provider_id = cl_org_id()
          AND r.status IN ('referred', 'applied', 'interview', 'offered', 'started'))
$$;

-- The only thing a partner learns about a person: these fields, while a live referral to it
-- exists; no row otherwise (and for every other role).
CREATE FUNCTION cl_partner_person(p_care_leaver uuid)
RETURNS TABLE (id uuid, given_name text, family_name text, preferred_name text,
               date_of_birth date, district text)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT c.id, c.given_name, c.family_name, c.preferred_name, c.date_of_birth, c.district
    FROM care_leavers c
    WHERE c.id = p_care_leaver AND cl_partner_sees_care_leaver(c.id)
$$;
GRANT CREATE ON SCHEMA public TO cl_definer; -- ALTER ... OWNER needs it; revoked below
ALTER FUNCTION cl_partner_person(uuid) OWNER TO cl_definer;
REVOKE CREATE ON SCHEMA public FROM cl_definer;
REVOKE ALL ON FUNCTION cl_partner_person(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cl_partner_person(uuid) TO cl_app;

DROP POLICY eet_activities_scope ON eet_activities;
CREATE POLICY eet_activities_scope ON eet_activities TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id)
           OR (cl_role() = 'partner' AND cl_partner_sees_care_leaver(care_leaver_id)))
    WITH CHECK ((cl_role() IN ('adviser', 'manager', 'admin')
                 AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
                OR (cl_role() = 'partner' AND cl_partner_sees_care_leaver(care_leaver_id)));

-- 0032's representation; a partner's view of the young person now comes from
-- cl_partner_person (null once no live referral to it is left).
CREATE OR REPLACE FUNCTION housing_referral_json(r housing_referrals) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'care_leaver_id', r.care_leaver_id,
        'care_leaver', CASE WHEN cl_role() = 'partner'
            THEN (SELECT json_build_object('id', c.id, 'given_name', c.given_name,
                                           'family_name', c.family_name,
                                           'date_of_birth', c.date_of_birth,
                                           'district', c.district)
                  FROM cl_partner_person(r.care_leaver_id) c)
            ELSE (SELECT json_build_object('id', c.id, 'la_child_id', c.la_child_id,
                                           'given_name', c.given_name,
                                           'family_name', c.family_name,
                                           'date_of_birth', c.date_of_birth,
                                           'district', c.district, 'adviser_id', c.adviser_id)
                  FROM care_leavers c WHERE c.id = r.care_leaver_id) END,
        'partner_id', r.partner_id,
        'partner_name', (SELECT p.name FROM partners p WHERE p.id = r.partner_id),
        'protocol_id', r.protocol_id, 'referral_type', r.referral_type,
        'referred_on', r.referred_on, 'needed_by', r.needed_by,
        'response_due_on', r.response_due_on, 'responded_on', r.responded_on,
        'outcome', r.outcome, 'tenancy_started_on', r.tenancy_started_on,
        'version', r.version, 'created_at', cl_ts(r.created_at),
        'updated_at', cl_ts(r.updated_at))::text
$$;

-- 0022's name for an EET referral: a partner's through cl_partner_person.
CREATE OR REPLACE FUNCTION eet_referral_person(p_care_leaver uuid) RETURNS json
LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id,
                             'name', coalesce(c.preferred_name, c.given_name) || ' '
                                     || c.family_name)
    FROM cl_partner_person(p_care_leaver) c
    WHERE cl_role() = 'partner'
    UNION ALL
    SELECT json_build_object('id', c.id,
                             'name', coalesce(c.preferred_name, c.given_name) || ' '
                                     || c.family_name)
    FROM care_leavers c
    WHERE cl_role() <> 'partner' AND c.id = p_care_leaver
$$;
