-- What a care leaver reads about themselves (api/me.c, the young_person role): /v1/me's
-- projection of their own record, their adviser, their plan in force, their entitlements, the
-- Local Offer, the ring-fenced opportunities open to them, and a self-referral to one.
--
-- Row-level security gives the young_person role nothing: every function here is SECURITY
-- DEFINER (owned by cl_definer, executable by cl_app only, security.sql), takes the person
-- from the transaction's principal (app.care_leaver_id, checked open by cl_principal_check)
-- and never from a parameter, so no request can name someone else; and each hands back only
-- fields written for the young person (never a contact note, another person or a partner's
-- data). Every read and the self-referral are audited as the young person.

-- The care leaver the principal is, when the role is young_person (NULL otherwise).
CREATE FUNCTION cl_care_leaver_id() RETURNS uuid LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN cl_role() = 'young_person'
                THEN nullif(current_setting('app.care_leaver_id', true), '')::uuid END
$$;

-- The principal's own open record; 404 for anyone else (and, outside a SECURITY DEFINER
-- function, always: the api's role sees no care_leavers row as a young person).
CREATE FUNCTION me_care_leaver() RETURNS care_leavers LANGUAGE plpgsql STABLE AS $$
DECLARE
    c care_leavers;
BEGIN
    SELECT * INTO c FROM care_leavers x
    WHERE x.id = cl_care_leaver_id() AND x.status = 'open';
    PERFORM cl_found(FOUND, 'care leaver');
    RETURN c;
END
$$;

-- GET /v1/me for a young person: who the token says they are, and their own record's safe
-- projection (contact details they may check, no case notes, codes or workers).
CREATE FUNCTION me_profile()
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
BEGIN
    PERFORM cl_audit('read', 'care_leaver', c.id, '{"view": "me"}');
    RETURN QUERY SELECT json_build_object(
        'sub', cl_sub(), 'role', cl_role(), 'care_leaver_id', c.id,
        'care_leaver', json_build_object(
            'given_name', c.given_name, 'family_name', c.family_name,
            'preferred_name', c.preferred_name, 'date_of_birth', c.date_of_birth,
            'district', c.district, 'phone', c.phone, 'email', c.email, 'address', c.address,
            'postcode', c.postcode))::text, NULL::integer, c.id;
END
$$;

CREATE FUNCTION me_adviser()
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    a advisers;
BEGIN
    SELECT * INTO a FROM advisers x WHERE x.id = c.adviser_id AND x.active;
    PERFORM cl_found(FOUND, 'adviser');
    PERFORM cl_audit('read', 'adviser', a.id, '{"view": "me"}');
    RETURN QUERY SELECT json_build_object('name', a.name, 'work_phone', a.work_phone,
                                          'email', a.email)::text, NULL::integer, a.id;
END
$$;

-- The plan in force today (its sections are written with and for the young person), without
-- who wrote it; 404 when there is none.
CREATE FUNCTION me_pathway_plan()
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    p pathway_plans := cl_plan_in_force(c.id, current_date);
BEGIN
    IF p.id IS NULL THEN
        PERFORM cl_fail('CL404', 'no pathway plan in force');
    END IF;
    PERFORM cl_audit('read', 'pathway_plan', p.id, '{"view": "me"}');
    RETURN QUERY SELECT json_build_object(
        'version_no', p.version_no, 'started_on', p.started_on, 'reviewed_on', p.reviewed_on,
        'review_due_on', cl_plan_review_due(p, current_date),
        'accommodation', p.accommodation, 'eet', p.eet,
        'health_and_wellbeing', p.health_and_wellbeing, 'finance', p.finance,
        'relationships_and_identity', p.relationships_and_identity,
        'practical_and_life_skills', p.practical_and_life_skills)::text, NULL::integer, p.id;
END
$$;

CREATE FUNCTION me_entitlements(p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
BEGIN
    PERFORM cl_audit('list', 'entitlement_status', c.id, '{"view": "me"}');
    RETURN QUERY SELECT * FROM entitlement_status(c, current_date, p_k1, p_k2, p_limit);
END
$$;

CREATE FUNCTION me_local_offer()
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    lv local_offer_versions;
BEGIN
    SELECT * INTO lv FROM local_offer_on(current_date);
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no Local Offer has been published');
    END IF;
    PERFORM cl_audit('read', 'local_offer', lv.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT local_offer_json(lv), 1, lv.id;
END
$$;

-- An opportunity as the young person sees it, with their own referral to it if any.
CREATE FUNCTION me_opportunity_json(o eet_opportunities, c care_leavers) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'kind', o.kind, 'title', o.title, 'description', o.description,
        'provider_name', (SELECT p.name FROM partners p WHERE p.id = o.provider_id),
        'district', o.district, 'closes_on', o.closes_on, 'hours_per_week', o.hours_per_week,
        'places_left', greatest(o.places - eet_places_taken(o.id), 0),
        'my_referral', (SELECT json_build_object('status', r.status, 'referred_on', r.referred_on,
                                                 'status_on', r.status_on)
                        FROM eet_referrals r
                        WHERE r.opportunity_id = o.id AND r.care_leaver_id = c.id
                        ORDER BY r.referred_on DESC, r.created_at DESC LIMIT 1))::text
$$;

-- Open to the young person: ring-fenced for care leavers, open, not closed by date, with a
-- place left, in their district or in none.
CREATE FUNCTION me_opportunity_open(o eet_opportunities, c care_leavers) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT o.ring_fenced_for_care_leavers AND o.status = 'open'
       AND (o.closes_on IS NULL OR o.closes_on >= current_date)
       AND (o.district IS NULL OR o.district = c.district)
       AND eet_places_taken(o.id) < o.places
$$;

CREATE FUNCTION me_opportunities(p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
BEGIN
    PERFORM cl_audit('list', 'eet_opportunity', c.id, '{"view": "me"}');
    RETURN QUERY
        SELECT me_opportunity_json(o, c), o.title, o.id::text FROM eet_opportunities o
        WHERE me_opportunity_open(o, c)
          AND (p_k1 IS NULL OR (o.title, o.id) > (p_k1, p_k2::uuid))
        ORDER BY o.title, o.id LIMIT p_limit;
END
$$;

-- One opportunity: open to them, or one they have been referred to.
CREATE FUNCTION me_opportunity(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    o eet_opportunities;
BEGIN
    SELECT * INTO o FROM eet_opportunities x
    WHERE x.id = p_id AND (me_opportunity_open(x, c) OR EXISTS (
        SELECT 1 FROM eet_referrals r WHERE r.opportunity_id = x.id AND r.care_leaver_id = c.id));
    PERFORM cl_found(FOUND, 'opportunity');
    PERFORM cl_audit('read', 'eet_opportunity', o.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT me_opportunity_json(o, c), NULL::integer, o.id;
END
$$;

-- A self-referral (p: {"notes"}): a referral of the young person to an opportunity open to
-- them, made as the council's would be (eet_referral_insert); answered with the opportunity
-- and their referral.
CREATE FUNCTION me_referral_create(p_opportunity uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    o eet_opportunities;
BEGIN
    SELECT * INTO o FROM eet_opportunities x WHERE x.id = p_opportunity;
    IF NOT FOUND OR NOT me_opportunity_open(o, c) THEN
        PERFORM cl_fail('CL404', 'no such opportunity');
    END IF;
    PERFORM eet_referral_insert(o, c.id, current_date, coalesce(p->>'notes', ''));
    RETURN QUERY SELECT me_opportunity_json(o, c), NULL::integer, o.id;
END
$$;

-- /v1/me/statements: what a young person says in their own words, sent from their app
-- (source app, received today: the date the Board's "responded within 10 working days" runs
-- from is the server's), and their own statements with their adviser's response. Never who on
-- the staff recorded or answered one (created_by is left out).
CREATE FUNCTION me_statement_json(s statements) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT (statement_json(s)::jsonb - 'created_by')::text
$$;

CREATE FUNCTION me_statement_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    s statements := statement_insert(c.id, jsonb_build_object('about', p->'about',
                                                              'text', p->'text', 'source', 'app'));
BEGIN
    RETURN QUERY SELECT me_statement_json(s), s.version, s.id;
END
$$;

CREATE FUNCTION me_statement(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
    s statements;
BEGIN
    SELECT * INTO s FROM statements x WHERE x.id = p_id AND x.care_leaver_id = c.id;
    PERFORM cl_found(FOUND, 'statement');
    PERFORM cl_audit('read', 'statement', s.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT me_statement_json(s), s.version, s.id;
END
$$;

-- Newest first; keyset on (received_on, id); the page audited as one list of the care leaver.
CREATE FUNCTION me_statements(p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    c care_leavers := me_care_leaver();
BEGIN
    PERFORM cl_audit('list', 'statement', c.id, '{"view": "me"}');
    RETURN QUERY
        SELECT me_statement_json(x), x.received_on::text, x.id::text FROM statements x
        WHERE x.care_leaver_id = c.id
          AND (p_k1 IS NULL OR (x.received_on, x.id) < (p_k1::date, p_k2::uuid))
        ORDER BY x.received_on DESC, x.id DESC LIMIT p_limit;
END
$$;
