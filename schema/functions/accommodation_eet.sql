-- Accommodation and EET (api/accommodation.c, api/eet.c): the accommodation and EET activity
-- episodes of a care leaver (where they live and what they do, from when to when, never
-- overlapping), their DfE codes, EET opportunities offered by partners and the referrals to
-- them. Scope: an episode answers 404 outside the caller's reach (episode_care_leaver).

-- Answers 404 (CL404) unless the care leaver exists and the caller may reach it; with p_write
-- the caller must also be one of the roles that change a care leaver's records.
CREATE FUNCTION episode_care_leaver(p_id uuid, p_write boolean) RETURNS care_leavers
LANGUAGE plpgsql STABLE AS $$
DECLARE
    c care_leavers;
BEGIN
    SELECT * INTO c FROM care_leavers
    WHERE care_leavers.id = p_id AND cl_can_see_care_leaver(care_leavers.adviser_id, care_leavers.id);
    IF NOT FOUND OR (p_write AND cl_role() NOT IN ('adviser', 'manager', 'admin')) THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    RETURN c;
END
$$;

-- One record of a care leaver (p_row's table: episodes, plans, payments, ...) as cl_get reads
-- it (GET by id): 404 outside the caller's reach, the read audited as p_audit (with the care
-- leaver's id when p_detail).
CREATE FUNCTION care_leaver_record_get(p_row anyelement, p_type text, p_cl uuid, p_id uuid,
                                       p_detail boolean DEFAULT false, p_what text DEFAULT NULL,
                                       p_json text DEFAULT NULL)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    RETURN QUERY SELECT * FROM cl_get(p_row, p_type, p_id, true,
        CASE WHEN p_detail THEN jsonb_build_object('care_leaver_id', c.id) END, 'care_leaver_id',
        c.id, p_what, p_json);
END
$$;

-- The SSDA903 ACCOM code of an accommodation type and its suitability: the letter, then 1
-- (suitable) or 2 (not). S and X are never suitable (accommodation_never_suitable), so they
-- always end in 2.
CREATE FUNCTION ssda903_accom(p_code text, p_suitable boolean) RETURNS text
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $$
    SELECT p_code || CASE WHEN p_suitable THEN '1' ELSE '2' END
$$;

-- The accommodation episode covering date p_on of every care leaver who has one (episodes never
-- overlap); filtered by care_leaver_id, one probe of accommodation_episodes_list.
CREATE FUNCTION accommodation_episodes_on(p_on date) RETURNS SETOF accommodation_episodes
LANGUAGE sql STABLE AS $$
    SELECT * FROM accommodation_episodes a WHERE cl_in_force(a.started_on, a.ended_on, p_on)
$$;

CREATE FUNCTION accommodation_json(e accommodation_episodes) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'care_leaver_id', e.care_leaver_id, 'code', e.code,
        'suitable', e.suitable,
        'ssda903_accom', ssda903_accom(e.code, e.suitable),
        'unsuitable_reason', e.unsuitable_reason, 'staying_put', e.staying_put,
        'provider_id', e.provider_id, 'district', e.district, 'started_on', e.started_on,
        'ended_on', e.ended_on, 'reason', e.reason,
        'placed_by', e.placed_by, 'council_notified_on', e.council_notified_on,
        'notice_on', accommodation_notice_on(e),
        'current', daterange(e.started_on, e.ended_on) @> current_date,
        'version', e.version, 'created_at', cl_ts(e.created_at),
        'updated_at', cl_ts(e.updated_at))::text
$$;

-- The rules of an episode about to be written, as 422s a client can act on. The table's
-- constraints hold the same rules; overlap is left to the exclusion constraint (409).
CREATE FUNCTION accommodation_check(e accommodation_episodes, c care_leavers) RETURNS void
LANGUAGE plpgsql STABLE AS $$
DECLARE
    t ssda903_accommodation_types;
BEGIN
    SELECT * INTO t FROM ssda903_accommodation_types WHERE letter = e.code;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('code', 'must be a DfE accommodation type letter: '
                      || (SELECT string_agg(letter, ', ' ORDER BY letter)
                          FROM ssda903_accommodation_types));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail_field('ended_on', 'must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail_field('started_on', 'must not be before the date of birth');
    END IF;
    IF e.suitable AND NOT t.may_be_suitable THEN
        PERFORM cl_fail_field('suitable', 'accommodation of type ' || e.code || ' is never suitable');
    END IF;
    IF NOT e.suitable AND e.unsuitable_reason IS NULL THEN
        PERFORM cl_fail_field('unsuitable_reason', 'is required when suitable is false');
    END IF;
    IF e.suitable AND e.unsuitable_reason IS NOT NULL THEN
        PERFORM cl_fail_field('unsuitable_reason', 'is only for unsuitable accommodation');
    END IF;
    IF t.needs_reason AND e.reason IS NULL THEN
        PERFORM cl_fail_field('reason', 'is required for bed and breakfast (W) and emergency '
                      || 'accommodation (V)');
    END IF;
    IF e.staying_put <> (e.code = 'Z') THEN
        PERFORM cl_fail_field('staying_put', 'is true exactly when the code is Z (with former '
                      || 'foster carers)');
    END IF;
    IF e.code = 'Z' AND e.started_on < (c.date_of_birth + interval '18 years')::date THEN
        PERFORM cl_fail_field('started_on', 'staying put (Z) starts at 18 at the earliest');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
    IF e.placed_by = 'partner' AND e.provider_id IS NULL THEN
        PERFORM cl_fail_field('provider_id', 'names the partner that placed the move when '
                              || 'placed_by is partner');
    END IF;
END
$$;

-- The writable fields of an episode (cl_write).
CREATE FUNCTION accommodation_episode_fields() RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT ARRAY['code', 'suitable', 'unsuitable_reason', 'staying_put', 'provider_id', 'district',
                 'started_on', 'ended_on', 'reason', 'placed_by', 'council_notified_on']
$$;

-- A new or merge-patched episode as stored (cl_write), checked (accommodation_check). On
-- create staying_put follows the code unless given; on patch, changing the code re-derives
-- staying_put unless the patch sets it, and making an episode suitable clears its
-- unsuitable_reason unless the patch sets one.
CREATE FUNCTION accommodation_episode_clean(e accommodation_episodes, p jsonb)
RETURNS accommodation_episodes LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF e.id IS NULL THEN
        e.staying_put := coalesce(e.staying_put, e.code = 'Z');
    ELSIF p ? 'code' AND NOT p ? 'staying_put' THEN
        e.staying_put := e.code = 'Z';
    END IF;
    IF p ? 'suitable' AND e.suitable AND NOT p ? 'unsuitable_reason' THEN
        e.unsuitable_reason := NULL;
    END IF;
    PERFORM accommodation_check(e, c) FROM care_leavers c WHERE c.id = e.care_leaver_id;
    RETURN e;
END
$$;

CREATE FUNCTION accommodation_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM episode_write(NULL::accommodation_episodes, 'accommodation_episode',
                                'accommodation episode', 'accommodation_json', p_cl, p)
$$;

-- JSON Merge Patch guarded by If-Match (p_version: NULL, '*' or N).
CREATE FUNCTION accommodation_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM episode_write(NULL::accommodation_episodes, 'accommodation_episode',
                                'accommodation episode', 'accommodation_json', p_cl, p, p_id,
                                p_version)
$$;

-- Create (p_id NULL) or merge patch of an episode of care leaver p_cl (cl_write): 404 unless
-- the caller may change the care leaver's records.
CREATE FUNCTION episode_write(p_row anyelement, p_type text, p_what text, p_json text, p_cl uuid,
                              p jsonb, p_id uuid DEFAULT NULL, p_version text DEFAULT NULL)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT w.* FROM episode_care_leaver(p_cl, true) c
    CROSS JOIN LATERAL cl_write(p_row, p_type, p, p_id, p_version, 'care_leaver_id', c.id,
                                p_what, p_json) w
$$;

-- A page of a care leaver's records (p_row's table: episodes, payments, ...) as cl_page reads
-- it, newest first by p_key (oldest first without p_desc; keyset on p_key, id), filtered by
-- p_filter_col and p_cond; audited as a list of p_type about the care leaver; 404 outside the
-- caller's reach.
CREATE FUNCTION care_leaver_record_list(p_row anyelement, p_type text, p_cl uuid, p_key text,
                                        p_k1 text, p_k2 text, p_limit integer,
                                        p_filter_col text DEFAULT NULL, p_filter text DEFAULT NULL,
                                        p_cond text DEFAULT NULL, p_cond_arg text DEFAULT NULL,
                                        p_json text DEFAULT NULL, p_desc boolean DEFAULT true)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    RETURN QUERY SELECT * FROM cl_page(p_row, p_type, p_key, p_desc, p_k1, p_k2, p_limit,
                                       'care_leaver_id', c.id, p_filter_col, p_filter, p_cond,
                                       p_cond_arg, true, p_json);
END
$$;

-- A care leaver's episodes, newest first; p_on keeps only the episode covering that date.
-- Keyset on (started_on, id).
CREATE FUNCTION episode_list(p_row anyelement, p_type text, p_json text, p_cl uuid, p_on date,
                             p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_list(p_row, p_type, p_cl, 'started_on', p_k1,
        p_k2, p_limit, p_cond => CASE WHEN p_on IS NOT NULL THEN
                                    'daterange(x.started_on, x.ended_on) @> %s::date' END,
        p_cond_arg => p_on::text, p_json => p_json);
END
$$;

CREATE FUNCTION accommodation_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::accommodation_episodes,
        'accommodation_episode', p_cl, p_id, p_json => 'accommodation_json');
END
$$;

CREATE FUNCTION accommodation_list(p_cl uuid, p_on date, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM episode_list(NULL::accommodation_episodes, 'accommodation_episode',
        'accommodation_json', p_cl, p_on, p_k1, p_k2, p_limit);
END
$$;

CREATE FUNCTION eet_activity_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::eet_activities, 'eet_activity', p_cl,
        p_id, p_what => 'EET activity');
END
$$;

CREATE FUNCTION eet_activity_list(p_cl uuid, p_on date, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM episode_list(NULL::eet_activities, 'eet_activity',
        'eet_activity_json', p_cl, p_on, p_k1, p_k2, p_limit);
END
$$;

-- The episode covering today (NULL when none), as the API represents it.
CREATE FUNCTION care_leaver_current_accommodation(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT accommodation_json(a)::jsonb FROM accommodation_episodes_on(current_date) a
    WHERE a.care_leaver_id = p_id
$$;

-- The SSDA903 ACCOM value on date p_on: type letter + 1 (suitable) or 2 (not suitable), or
-- '0' when no episode covers the date.
CREATE FUNCTION ssda903_accom_on(p_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT ssda903_accom(a.code, a.suitable)
                     FROM accommodation_episodes_on(p_on) a WHERE a.care_leaver_id = p_id), '0')
$$;

-- Suitable accommodation on date p_on for the indicator: true/false, or NULL when no episode
-- covers the date or the type is outside DfE's suitability figures (G, H, R).
CREATE FUNCTION accommodation_suitable_on(p_id uuid, p_on date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT a.suitable FROM accommodation_episodes_on(p_on) a
    JOIN ssda903_accommodation_types t ON t.letter = a.code
    WHERE a.care_leaver_id = p_id AND t.in_suitability_figures
$$;

-- The activity episode covering date p_on of every care leaver who has one (episodes never
-- overlap); filtered by care_leaver_id, one probe of eet_activities_list.
CREATE FUNCTION eet_activities_on(p_on date) RETURNS SETOF eet_activities
LANGUAGE sql STABLE AS $$
    SELECT * FROM eet_activities a WHERE cl_in_force(a.started_on, a.ended_on, p_on)
$$;

-- PL/pgSQL, so its look-up of the activity's eet flag is planned once per session (an SQL
-- function with a sub-select is not inlined, and was planned again on every read).
CREATE FUNCTION eet_activity_json(e eet_activities) RETURNS text LANGUAGE plpgsql STABLE AS $$
BEGIN
    RETURN json_build_object(
        'id', e.id, 'care_leaver_id', e.care_leaver_id, 'code', e.code,
        'eet', (SELECT s.eet FROM ssda903_activities s WHERE s.code = e.code),
        'hours_per_week', e.hours_per_week, 'provider_id', e.provider_id,
        'started_on', e.started_on, 'ended_on', e.ended_on, 'referral_id', e.referral_id,
        'current', daterange(e.started_on, e.ended_on) @> current_date,
        'version', e.version, 'created_at', cl_ts(e.created_at),
        'updated_at', cl_ts(e.updated_at))::text;
END
$$;

CREATE FUNCTION eet_activity_check(e eet_activities, c care_leavers) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ssda903_activities s WHERE s.code = e.code) THEN
        PERFORM cl_fail_field('code', 'must be a DfE activity code: '
                      || (SELECT string_agg(code, ', ' ORDER BY code) FROM ssda903_activities));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail_field('ended_on', 'must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail_field('started_on', 'must not be before the date of birth');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
END
$$;

-- The writable fields of an activity (cl_write).
CREATE FUNCTION eet_activity_fields() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{code,hours_per_week,provider_id,started_on,ended_on}'::text[] $$;

-- A new or merge-patched activity as stored (cl_write): checked (eet_activity_check).
CREATE FUNCTION eet_activity_clean(e eet_activities, p jsonb) RETURNS eet_activities
LANGUAGE plpgsql STABLE AS $$
BEGIN
    PERFORM eet_activity_check(e, c) FROM care_leavers c WHERE c.id = e.care_leaver_id;
    RETURN e;
END
$$;

CREATE FUNCTION eet_activity_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM episode_write(NULL::eet_activities, 'eet_activity', 'EET activity',
                                'eet_activity_json', p_cl, p)
$$;

CREATE FUNCTION eet_activity_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM episode_write(NULL::eet_activities, 'eet_activity', 'EET activity',
                                'eet_activity_json', p_cl, p, p_id, p_version)
$$;

-- The activity episode covering today (NULL when none), as the API represents it.
CREATE FUNCTION care_leaver_current_activity(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT eet_activity_json(a)::jsonb FROM eet_activities_on(current_date) a
    WHERE a.care_leaver_id = p_id
$$;

-- The SSDA903 ACTIV value on date p_on: the activity code, or '0' when no episode covers it.
CREATE FUNCTION ssda903_activ_on(p_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT a.code FROM eet_activities_on(p_on) a
                     WHERE a.care_leaver_id = p_id), '0')
$$;

-- In education, employment or training on date p_on: true/false, NULL when not known.
CREATE FUNCTION eet_on(p_id uuid, p_on date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.eet FROM eet_activities_on(p_on) a JOIN ssda903_activities s ON s.code = a.code
    WHERE a.care_leaver_id = p_id
$$;

-- The activity a start opens when the opportunity does not say (NULL: none).
CREATE FUNCTION eet_default_activity(p_kind text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE p_kind
        WHEN 'apprenticeship' THEN 'F4'
        WHEN 'traineeship' THEN 'F5'
        WHEN 'peer_mentor_traineeship' THEN 'F5'
        WHEN 'job' THEN 'F5'
        WHEN 'course' THEN 'F2'
        WHEN 'work_experience' THEN 'P5'
    END
$$;

-- Places held by referrals (offered, started, completed). SECURITY DEFINER: the count must
-- include referrals the caller cannot see (an adviser sees only its own caseload's).
CREATE FUNCTION eet_places_taken(p_opportunity uuid) RETURNS integer
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT count(*)::integer FROM eet_referrals r
    WHERE r.opportunity_id = p_opportunity AND r.status IN ('offered', 'started', 'completed')
$$;

CREATE FUNCTION eet_opportunity_visible(p_provider uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT cl_role() IN ('adviser', 'manager', 'admin', 'service')
        OR (cl_role() = 'partner' AND p_provider = cl_org_id())
$$;

CREATE FUNCTION eet_opportunity_json(o eet_opportunities) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'kind', o.kind, 'title', o.title, 'description', o.description,
        'provider_id', o.provider_id,
        'provider_name', (SELECT p.name FROM partners p WHERE p.id = o.provider_id),
        'ring_fenced_for_care_leavers', o.ring_fenced_for_care_leavers, 'places', o.places,
        'places_taken', t.n, 'places_left', greatest(o.places - t.n, 0),
        'closes_on', o.closes_on, 'district', o.district, 'status', o.status,
        'source', o.source, 'activity_code', o.activity_code,
        'hours_per_week', o.hours_per_week,
        'accepting_referrals', o.status = 'open' AND t.n < o.places
                               AND (o.closes_on IS NULL OR o.closes_on >= current_date),
        'version', o.version, 'created_at', cl_ts(o.created_at),
        'updated_at', cl_ts(o.updated_at))::text
    FROM (SELECT eet_places_taken(o.id) AS n) t
$$;

-- The partner kind of the calling partner when it may manage opportunities, else a 403.
CREATE FUNCTION eet_partner_manager_kind() RETURNS text LANGUAGE plpgsql STABLE AS $$
DECLARE
    k text;
BEGIN
    SELECT p.kind INTO k FROM partners p WHERE p.id = cl_org_id() AND p.active;
    IF k IS NULL OR k NOT IN ('employer', 'college') THEN
        PERFORM cl_fail('CL403', 'only employer and college partners manage opportunities');
    END IF;
    RETURN k;
END
$$;

CREATE FUNCTION eet_opportunity_check(o eet_opportunities) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF o.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = o.provider_id) THEN
        PERFORM cl_fail_field('provider_id', 'is not a partner');
    END IF;
    IF cl_role() = 'partner' AND o.provider_id IS DISTINCT FROM cl_org_id() THEN
        PERFORM cl_fail_field('provider_id', 'must be your organisation: a partner offers only its own '
                      || 'opportunities');
    END IF;
    IF o.activity_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ssda903_activities s
                                                   WHERE s.code = o.activity_code AND s.eet) THEN
        PERFORM cl_fail_field('activity_code', 'must be a DfE EET activity code: '
                      || (SELECT string_agg(code, ', ' ORDER BY code) FROM ssda903_activities
                          WHERE eet));
    END IF;
END
$$;

CREATE FUNCTION eet_opportunity_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o eet_opportunities;
    k text;
BEGIN
    IF cl_role() = 'partner' THEN
        k := eet_partner_manager_kind();
    END IF;
    o.id := gen_random_uuid();
    o.kind := p->>'kind';
    o.title := btrim(p->>'title');
    o.description := coalesce(p->>'description', '');
    o.provider_id := CASE WHEN p ? 'provider_id' THEN (p->>'provider_id')::uuid
                          WHEN k IS NOT NULL THEN cl_org_id() END;
    o.ring_fenced_for_care_leavers := coalesce((p->>'ring_fenced_for_care_leavers')::boolean,
                                               false);
    o.places := (p->>'places')::integer;
    o.closes_on := (p->>'closes_on')::date;
    o.district := p->>'district';
    o.status := coalesce(p->>'status', 'open');
    o.source := coalesce(p->>'source', k, 'council_department');
    o.activity_code := CASE WHEN p ? 'activity_code' THEN p->>'activity_code'
                            ELSE eet_default_activity(o.kind) END;
    o.hours_per_week := (p->>'hours_per_week')::numeric;
    o.version := 1;
    o.created_at := now();
    o.updated_at := o.created_at;
    PERFORM eet_opportunity_check(o);
    INSERT INTO eet_opportunities VALUES (o.*);
    PERFORM cl_audit('create', 'eet_opportunity', o.id);
    RETURN QUERY SELECT eet_opportunity_json(o), o.version, o.id;
END
$$;

CREATE FUNCTION eet_opportunity_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o eet_opportunities;
BEGIN
    SELECT * INTO o FROM eet_opportunities x
    WHERE x.id = p_id AND eet_opportunity_visible(x.provider_id) FOR UPDATE;
    PERFORM cl_found(FOUND, 'opportunity');
    IF cl_role() = 'partner' THEN
        PERFORM eet_partner_manager_kind();
    END IF;
    PERFORM cl_if_match(p_version, o.version, 'opportunity');
    IF p ? 'kind' THEN o.kind := p->>'kind'; END IF;
    IF p ? 'title' THEN o.title := btrim(p->>'title'); END IF;
    IF p ? 'description' THEN o.description := coalesce(p->>'description', ''); END IF;
    IF p ? 'provider_id' THEN o.provider_id := (p->>'provider_id')::uuid; END IF;
    IF p ? 'ring_fenced_for_care_leavers' THEN
        o.ring_fenced_for_care_leavers := (p->>'ring_fenced_for_care_leavers')::boolean;
    END IF;
    IF p ? 'places' THEN o.places := (p->>'places')::integer; END IF;
    IF p ? 'closes_on' THEN o.closes_on := (p->>'closes_on')::date; END IF;
    IF p ? 'district' THEN o.district := p->>'district'; END IF;
    IF p ? 'status' THEN o.status := p->>'status'; END IF;
    IF p ? 'source' THEN o.source := p->>'source'; END IF;
    IF p ? 'activity_code' THEN o.activity_code := p->>'activity_code'; END IF;
    IF p ? 'hours_per_week' THEN o.hours_per_week := (p->>'hours_per_week')::numeric; END IF;
    PERFORM eet_opportunity_check(o);
    IF o.places < eet_places_taken(o.id) THEN
        PERFORM cl_fail('CL409', 'places cannot go below the places already taken');
    END IF;
    UPDATE eet_opportunities x SET
        kind = o.kind, title = o.title, description = o.description,
        provider_id = o.provider_id,
        ring_fenced_for_care_leavers = o.ring_fenced_for_care_leavers, places = o.places,
        closes_on = o.closes_on, district = o.district, status = o.status, source = o.source,
        activity_code = o.activity_code, hours_per_week = o.hours_per_week,
        version = x.version + 1, updated_at = now()
    WHERE x.id = o.id
    RETURNING x.* INTO o;
    PERFORM cl_audit_patch('eet_opportunity', o.id, p);
    RETURN QUERY SELECT eet_opportunity_json(o), o.version, o.id;
END
$$;

-- The name on an EET referral: a partner's through cl_partner_person.
CREATE FUNCTION eet_referral_person(p_care_leaver uuid) RETURNS json
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

-- An EET referral as its reader may see it. For the employer or college it is addressed to
-- (a partner): notes is empty, and a step taken by the council keeps its status, date and role but not its note
-- or who took it; the partner's own steps are shown whole. Everyone else sees what they saw.
-- The young person is named through cl_partner_person (scope.sql), only while the referral, or
-- another one to the same partner, is live.
CREATE FUNCTION eet_referral_json(r eet_referrals) RETURNS text
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

-- Query-level scope of a referral (row-level security repeats it).
CREATE FUNCTION eet_referral_visible(p_care_leaver uuid, p_opportunity uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT CASE cl_role()
        WHEN 'partner' THEN EXISTS (SELECT 1 FROM eet_opportunities o
                                    WHERE o.id = p_opportunity AND o.provider_id = cl_org_id())
        WHEN 'board' THEN false
        ELSE EXISTS (SELECT 1 FROM care_leavers c
                     WHERE c.id = p_care_leaver AND cl_can_see_care_leaver(c.adviser_id, c.id))
    END
$$;

-- Refers a care leaver to an opportunity (the caller has checked both are theirs to refer):
-- 409 when the opportunity is closed to referrals or full; the referral, its first step and
-- the audit row. Also the young person's self-referral (me_referral_create).
CREATE FUNCTION eet_referral_insert(o eet_opportunities, p_care_leaver uuid, p_on date,
                                    p_notes text)
RETURNS eet_referrals LANGUAGE plpgsql AS $$
DECLARE
    r eet_referrals;
BEGIN
    r.id := gen_random_uuid();
    r.opportunity_id := o.id;
    r.care_leaver_id := p_care_leaver;
    r.status := 'referred';
    r.referred_on := p_on;
    r.status_on := r.referred_on;
    r.notes := p_notes;
    r.created_by := cl_sub();
    r.version := 1;
    r.created_at := now();
    r.updated_at := r.created_at;
    IF o.status <> 'open' OR (o.closes_on IS NOT NULL AND o.closes_on < r.referred_on) THEN
        PERFORM cl_fail('CL409', 'the opportunity is closed to referrals');
    END IF;
    IF eet_places_taken(o.id) >= o.places THEN
        PERFORM cl_fail('CL409', 'the opportunity has no places left');
    END IF;
    INSERT INTO eet_referrals VALUES (r.*);
    INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, note,
                                     actor_sub, actor_role)
    VALUES (r.id, NULL, 'referred', r.referred_on, '', cl_sub(), cl_role());
    PERFORM cl_audit('create', 'eet_referral', r.id);
    RETURN r;
END
$$;

CREATE FUNCTION eet_referral_create(p_opportunity uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o eet_opportunities;
    r eet_referrals;
BEGIN
    SELECT * INTO o FROM eet_opportunities x
    WHERE x.id = p_opportunity AND eet_opportunity_visible(x.provider_id);
    PERFORM cl_found(FOUND, 'opportunity');
    IF cl_role() NOT IN ('adviser', 'manager', 'admin') OR NOT EXISTS (
            SELECT 1 FROM care_leavers c
            WHERE c.id = (p->>'care_leaver_id')::uuid
              AND cl_can_see_care_leaver(c.adviser_id, c.id)) THEN
        PERFORM cl_fail_field('care_leaver_id', 'is not a care leaver you may refer');
    END IF;
    r := eet_referral_insert(o, (p->>'care_leaver_id')::uuid,
                             coalesce((p->>'referred_on')::date, current_date),
                             coalesce(p->>'notes', ''));
    RETURN QUERY SELECT eet_referral_json(r), r.version, r.id;
END
$$;

-- One step of the referral route (p: {"to", "on", "note"}). See the head of this file for the
-- places lock and the activity episodes a step opens or ends.
CREATE FUNCTION eet_referral_transition(p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r eet_referrals;
    o eet_opportunities;
    v_to text := p->>'to';
    v_on date := coalesce((p->>'on')::date, current_date);
    v_from text;
    a eet_activities;
BEGIN
    SELECT * INTO r FROM eet_referrals x
    WHERE x.id = p_id AND eet_referral_visible(x.care_leaver_id, x.opportunity_id)
    FOR UPDATE;
    IF NOT FOUND OR cl_role() NOT IN ('adviser', 'manager', 'admin', 'partner') THEN
        PERFORM cl_fail('CL404', 'no such referral');
    END IF;
    v_from := r.status;
    IF NOT EXISTS (SELECT 1 FROM eet_referral_steps s
                   WHERE s.from_status = v_from AND s.to_status = v_to) THEN
        PERFORM cl_fail('CL409', format('a referral cannot move from %s to %s', r.status, v_to));
    END IF;
    IF v_on < r.status_on THEN
        PERFORM cl_fail_field('on', 'must not be before the date of the previous step');
    END IF;
    IF v_to = 'offered' THEN
        -- The places lock: offers to one opportunity queue here.
        SELECT * INTO o FROM eet_opportunities x WHERE x.id = r.opportunity_id FOR UPDATE;
        IF eet_places_taken(o.id) >= o.places THEN
            PERFORM cl_fail('CL409', 'the opportunity has no places left');
        END IF;
    ELSE
        SELECT * INTO o FROM eet_opportunities x WHERE x.id = r.opportunity_id;
    END IF;

    IF v_to = 'started' AND o.activity_code IS NOT NULL THEN
        UPDATE eet_activities x SET ended_on = v_on, version = x.version + 1, updated_at = now()
        WHERE x.care_leaver_id = r.care_leaver_id
          AND x.code IN (SELECT s.code FROM ssda903_activities s WHERE NOT s.eet)
          AND x.started_on < v_on AND (x.ended_on IS NULL OR x.ended_on > v_on);
        a.id := gen_random_uuid();
        a.care_leaver_id := r.care_leaver_id;
        a.code := o.activity_code;
        a.hours_per_week := o.hours_per_week;
        a.provider_id := o.provider_id;
        a.started_on := v_on;
        a.referral_id := r.id;
        a.version := 1;
        a.created_at := now();
        a.updated_at := a.created_at;
        INSERT INTO eet_activities VALUES (a.*);
        PERFORM cl_audit('create', 'eet_activity', a.id);
    ELSIF v_from = 'started' THEN
        UPDATE eet_activities x
        SET ended_on = greatest(v_on, x.started_on + 1), version = x.version + 1,
            updated_at = now()
        WHERE x.referral_id = r.id AND (x.ended_on IS NULL OR x.ended_on > v_on);
    END IF;

    UPDATE eet_referrals x SET status = v_to, status_on = v_on, version = x.version + 1,
                               updated_at = now()
    WHERE x.id = r.id
    RETURNING x.* INTO r;
    INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, note,
                                     actor_sub, actor_role)
    VALUES (r.id, v_from, v_to, v_on, coalesce(p->>'note', ''), cl_sub(), cl_role());
    PERFORM cl_audit('transition', 'eet_referral', r.id, jsonb_build_object('to', v_to));
    RETURN QUERY SELECT eet_referral_json(r), r.version, r.id;
END
$$;

CREATE FUNCTION eet_referral_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r eet_referrals;
BEGIN
    SELECT * INTO r FROM eet_referrals x
    WHERE x.id = p_id AND eet_referral_visible(x.care_leaver_id, x.opportunity_id);
    PERFORM cl_found(FOUND, 'referral');
    PERFORM cl_audit('read', 'eet_referral', r.id);
    RETURN QUERY SELECT eet_referral_json(r), r.version, r.id;
END
$$;

-- Referrals to one opportunity, newest first (keyset on referred_on, id). An adviser sees only
-- its own caseload's; a partner only its own opportunity's.
CREATE FUNCTION eet_opportunity_referral_list(p_opportunity uuid, p_status text, p_k1 text,
                                              p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM eet_opportunities x
                   WHERE x.id = p_opportunity AND eet_opportunity_visible(x.provider_id)) THEN
        PERFORM cl_fail('CL404', 'no such opportunity');
    END IF;
    PERFORM cl_audit('list', 'eet_referral', p_opportunity);
    RETURN QUERY
        SELECT eet_referral_json(r), r.referred_on::text, r.id::text
        FROM eet_referrals r
        WHERE r.opportunity_id = p_opportunity
          AND eet_referral_visible(r.care_leaver_id, r.opportunity_id)
          AND (p_status IS NULL OR r.status = p_status)
          AND (p_k1 IS NULL OR (r.referred_on, r.id) < (p_k1::date, p_k2::uuid))
        ORDER BY r.referred_on DESC, r.id DESC
        LIMIT p_limit;
END
$$;

CREATE FUNCTION eet_care_leaver_referral_list(p_cl uuid, p_status text, p_k1 text, p_k2 text,
                                              p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_list(NULL::eet_referrals, 'eet_referral', p_cl,
        'referred_on', p_k1, p_k2, p_limit, 'status', p_status,
        'eet_referral_visible(x.care_leaver_id, x.opportunity_id)');
END
$$;
