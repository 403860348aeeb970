-- Who the caller is and what they may reach: the principal the api sets per transaction
-- (app.sub, app.role, app.adviser_id, app.org_id, app.request_id, with set_config(..., true)),
-- and the helpers the row-level security policies (security.sql) and the read functions ask.
--
-- * managers, administrators, services and the board see every care leaver (cl_sees_all);
--   an adviser sees the care leavers allocated to them;
-- * a partner never sees a care_leavers row, so no read function and no child table gives it
--   anything about a person (they all go through care_leavers); what a partner may know of a
--   young person comes only from cl_partner_person, a minimal projection (SECURITY DEFINER,
--   cl_definer) that answers only while a live referral addressed to that partner exists: a
--   housing referral not declined or withdrawn, an EET referral still open;
-- * cl_adviser_id() and cl_org_id() are NULL for an adviser or partner marked inactive, so
--   every scope rule built on them closes the moment an administrator deactivates them,
--   whatever token they still hold.

-- The principal set by the api with set_config(..., true) at the start of each transaction.
CREATE FUNCTION cl_role() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.role', true), '') $$;

CREATE FUNCTION cl_sub() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.sub', true), '') $$;

-- The adviser or partner of the principal, NULL when marked inactive.
CREATE FUNCTION cl_adviser_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT a.id FROM advisers a
    WHERE a.id = nullif(current_setting('app.adviser_id', true), '')::uuid AND a.active
$$;

CREATE FUNCTION cl_org_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT p.id FROM partners p
    WHERE p.id = nullif(current_setting('app.org_id', true), '')::uuid AND p.active
$$;

CREATE FUNCTION cl_request_id() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.request_id', true), '') $$;

-- True for the roles that see every care leaver (DESIGN §4).
CREATE FUNCTION cl_sees_all() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT cl_role() IN ('manager', 'admin', 'service') $$;

-- A partner sees a care leaver only while something is addressed to it: a live housing or EET
-- referral.
CREATE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_partner_sees_via_housing(p_care_leaver)
        OR coalesce(cl_partner_sees_via_eet(p_care_leaver), false)
$$;

-- The care leaver reachable by the caller: every one for the roles that see all, an active
-- adviser's own caseload; never for a partner (p_id is kept for the callers' signature).
CREATE FUNCTION cl_can_see_care_leaver(p_adviser uuid, p_id uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_sees_all()
        OR (cl_role() = 'adviser' AND p_adviser IS NOT DISTINCT FROM cl_adviser_id()
            AND cl_adviser_id() IS NOT NULL)
$$;

-- Whether the current principal may write to this care leaver and what hangs off it.
CREATE FUNCTION cl_can_write_care_leaver(p_adviser uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_role() IN ('manager', 'admin')
        OR (cl_role() = 'adviser' AND cl_adviser_id() IS NOT NULL
            AND p_adviser IS NOT DISTINCT FROM cl_adviser_id())
$$;

-- A partner sees a care leaver referred to one of its opportunities. SECURITY DEFINER: it runs
-- inside the care_leavers policy and must read referrals whatever the caller may see.
CREATE FUNCTION cl_partner_sees_via_eet(p_care_leaver uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM eet_referrals r JOIN eet_opportunities o ON o.id = r.opportunity_id
        WHERE r.care_leaver_id = p_care_leaver AND o.provider_id = cl_org_id()
          AND r.status IN ('referred', 'applied', 'interview', 'offered', 'started'))
$$;

-- A live referral addressed to the calling partner (both owned by cl_definer, security.sql).
CREATE FUNCTION cl_partner_sees_via_housing(p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM housing_referrals r
        WHERE r.care_leaver_id = p_care_leaver AND r.partner_id = cl_org_id()
          AND (r.outcome IS NULL OR r.outcome NOT IN ('declined', 'withdrawn')))
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

-- A token names an adviser (adviser_id), a partner (org_id) or, for the young_person role, a
-- care leaver (care_leaver_id); the api answers 401 once that adviser or partner is
-- deactivated, or that care leaver's record is closed (or if it never existed). The check runs
-- in the statement that sets each transaction's principal (common/cl_db.c), so it costs no
-- extra round trip and no cache can outlive a deactivation or a closing, on any replica. Other
-- roles carry no such id.
CREATE FUNCTION cl_principal_check(p_role text, p_adviser_id text, p_org_id text,
                                   p_care_leaver_id text)
    RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$';
    id_text text;
BEGIN
    IF p_role = 'adviser' THEN
        id_text := p_adviser_id;
    ELSIF p_role = 'partner' THEN
        id_text := p_org_id;
    ELSIF p_role = 'young_person' THEN
        id_text := p_care_leaver_id;
    ELSE
        RETURN;
    END IF;
    IF id_text IS NULL OR id_text !~ uuid_re THEN
        PERFORM cl_fail('CL401', 'the adviser, partner or care leaver this token names is not '
                                 || 'active');
    ELSIF p_role = 'adviser' THEN
        IF NOT EXISTS (SELECT 1 FROM advisers WHERE id = id_text::uuid AND active) THEN
            PERFORM cl_fail('CL401', 'the adviser this token names is not active');
        END IF;
    ELSIF p_role = 'young_person' THEN
        IF NOT EXISTS (SELECT 1 FROM care_leavers WHERE id = id_text::uuid AND status = 'open') THEN
            PERFORM cl_fail('CL401', 'the care leaver this token names has no open record');
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM partners WHERE id = id_text::uuid AND active) THEN
        PERFORM cl_fail('CL401', 'the partner this token names is not active');
    END IF;
END $$;
