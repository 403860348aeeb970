-- The EET opportunity catalogue the council builds (apprenticeships, traineeships, work
-- experience, jobs, courses, mentoring, peer-mentor traineeships) and the referral route of a
-- care leaver to an opportunity:
--
--   referred -> applied -> interview -> offered -> started -> completed
--   withdrawn or unsuccessful from any open state (referred .. started)
--
-- Every step is a row in eet_referral_events (date, actor). Legal steps are the rows of
-- eet_referral_steps; anything else is 409.
--
-- Places: a referral holds one of its opportunity's places while it is offered, started or
-- completed (a completed placement used its place; withdrawn or unsuccessful gives it back).
-- The only way into those states is the step to `offered`, which locks the opportunity row
-- (FOR UPDATE) and counts the places taken before allowing it, so simultaneous offers queue on
-- that lock and an opportunity is never over-filled. Reducing `places` below the places taken
-- takes the same lock and is 409. New referrals are refused (409) while an opportunity is
-- closed, past closes_on or full (an advisory check: the lock at `offered` is the guarantee).
--
-- Moving to `started` opens the opportunity's EET activity episode (activity_code; none when
-- it is NULL, e.g. mentoring) from the step's date and ends the care leaver's open NEET episode
-- on that date, in the same transaction; any other overlap is 409 and nothing is written.
-- Leaving `started` (completed, withdrawn, unsuccessful) ends that episode on the step's date.
--
-- Who: managers and admins manage the catalogue; a partner of kind employer or college
-- manages only its own opportunities (provider_id = its org_id; anyone else's is 404);
-- advisers and services read the catalogue. Referrals are made by advisers (own caseload),
-- managers and admins; a partner sees and moves the referrals to its own opportunities, and
-- sees those care leavers (minimum fields) through cl_partner_sees_via_eet().

CREATE TABLE eet_opportunities (
    id                            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                          text NOT NULL CHECK (kind IN (
                                      'apprenticeship', 'traineeship', 'work_experience', 'job',
                                      'course', 'mentoring', 'peer_mentor_traineeship')),
    title                         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description                   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    provider_id                   uuid REFERENCES partners (id),
    ring_fenced_for_care_leavers  boolean NOT NULL DEFAULT false,
    places                        integer NOT NULL CHECK (places BETWEEN 1 AND 10000),
    closes_on                     date,
    district                      text CHECK (length(district) BETWEEN 1 AND 100),
    status                        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    source                        text NOT NULL CHECK (source IN (
                                      'council_department', 'contractor_social_value', 'employer',
                                      'college')),
    activity_code                 text REFERENCES ssda903_activities (code),
    hours_per_week                numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 80),
    version                       integer NOT NULL DEFAULT 1,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eet_opportunities_title ON eet_opportunities (title, id);
CREATE INDEX eet_opportunities_provider ON eet_opportunities (provider_id, title, id);
GRANT SELECT, INSERT, UPDATE ON eet_opportunities TO cl_app;

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

CREATE TABLE eet_referrals (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    opportunity_id  uuid NOT NULL REFERENCES eet_opportunities (id),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    status          text NOT NULL DEFAULT 'referred' CHECK (status IN (
                        'referred', 'applied', 'interview', 'offered', 'started', 'completed',
                        'withdrawn', 'unsuccessful')),
    status_on       date NOT NULL, -- date of the latest step
    referred_on     date NOT NULL,
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (status_on >= referred_on)
);
-- One open referral per care leaver and opportunity.
CREATE UNIQUE INDEX eet_referrals_one_open ON eet_referrals (opportunity_id, care_leaver_id)
    WHERE status IN ('referred', 'applied', 'interview', 'offered', 'started');
CREATE INDEX eet_referrals_opportunity ON eet_referrals (opportunity_id, referred_on DESC, id DESC);
CREATE INDEX eet_referrals_places ON eet_referrals (opportunity_id)
    WHERE status IN ('offered', 'started', 'completed');
CREATE INDEX eet_referrals_care_leaver ON eet_referrals (care_leaver_id, referred_on DESC, id DESC);

ALTER TABLE eet_activities ADD CONSTRAINT eet_activities_referral_fk
    FOREIGN KEY (referral_id) REFERENCES eet_referrals (id);

-- The legal steps of the referral route.
CREATE TABLE eet_referral_steps (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO eet_referral_steps VALUES
    ('referred', 'applied'), ('applied', 'interview'), ('interview', 'offered'),
    ('offered', 'started'), ('started', 'completed');
INSERT INTO eet_referral_steps
    SELECT f, t FROM unnest(ARRAY['referred', 'applied', 'interview', 'offered', 'started']) f,
                     unnest(ARRAY['withdrawn', 'unsuccessful']) t;
GRANT SELECT ON eet_referral_steps TO cl_app;

CREATE TABLE eet_referral_events (
    id           bigserial PRIMARY KEY,
    referral_id  uuid NOT NULL REFERENCES eet_referrals (id),
    from_status  text,
    to_status    text NOT NULL,
    on_date      date NOT NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    actor_sub    text NOT NULL,
    actor_role   text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eet_referral_events_referral ON eet_referral_events (referral_id, id);

-- Referrals and their history are person records: visible to a partner when they are to its
-- own opportunity, to everyone else when the care leaver is.
ALTER TABLE eet_referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_referrals FORCE ROW LEVEL SECURITY;
CREATE POLICY eet_referrals_scope ON eet_referrals TO cl_app
    USING (CASE WHEN cl_role() = 'partner'
                THEN EXISTS (SELECT 1 FROM eet_opportunities o
                             WHERE o.id = opportunity_id AND o.provider_id = cl_org_id())
                ELSE EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id) END)
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin', 'partner')
                AND CASE WHEN cl_role() = 'partner'
                         THEN EXISTS (SELECT 1 FROM eet_opportunities o
                                      WHERE o.id = opportunity_id AND o.provider_id = cl_org_id())
                         ELSE EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id)
                    END);
CREATE POLICY eet_referrals_owner ON eet_referrals TO CURRENT_USER USING (true) WITH CHECK (true);
ALTER TABLE eet_referral_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_referral_events FORCE ROW LEVEL SECURITY;
CREATE POLICY eet_referral_events_scope ON eet_referral_events TO cl_app
    USING (EXISTS (SELECT 1 FROM eet_referrals r WHERE r.id = referral_id))
    WITH CHECK (EXISTS (SELECT 1 FROM eet_referrals r WHERE r.id = referral_id));
CREATE POLICY eet_referral_events_owner ON eet_referral_events TO CURRENT_USER
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON eet_referrals TO cl_app;
GRANT SELECT, INSERT ON eet_referral_events TO cl_app;
GRANT USAGE ON SEQUENCE eet_referral_events_id_seq TO cl_app;

-- A partner sees a care leaver referred to one of its opportunities. SECURITY DEFINER: it runs
-- inside the care_leavers policy and must read referrals whatever the caller may see.
CREATE FUNCTION cl_partner_sees_via_eet(p_care_leaver uuid) RETURNS boolean
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT cl_role() = 'partner' AND cl_org_id() IS NOT NULL AND EXISTS (
        SELECT 1 FROM eet_referrals r JOIN eet_opportunities o ON o.id = r.opportunity_id
        WHERE r.care_leaver_id = p_care_leaver AND o.provider_id = cl_org_id())
$$;

-- What a partner may see of care leavers: through EET referrals (here) and, once the housing
-- referrals migration has defined it, through housing referrals. Both migrations apply the
-- same rule, so whichever runs last keeps both.
DO $$
BEGIN
    IF to_regprocedure('cl_partner_sees_via_housing(uuid)') IS NOT NULL THEN
        EXECUTE $f$
            CREATE OR REPLACE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid)
            RETURNS boolean LANGUAGE sql STABLE AS $b$
                SELECT cl_partner_sees_via_eet(p_care_leaver)
                    OR coalesce(cl_partner_sees_via_housing(p_care_leaver), false)
            $b$ $f$;
    ELSE
        EXECUTE $f$
            CREATE OR REPLACE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid)
            RETURNS boolean LANGUAGE sql STABLE AS $b$
                SELECT cl_partner_sees_via_eet(p_care_leaver)
            $b$ $f$;
    END IF;
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
        PERFORM cl_fail('CL422', 'provider_id is not a partner');
    END IF;
    IF cl_role() = 'partner' AND o.provider_id IS DISTINCT FROM cl_org_id() THEN
        PERFORM cl_fail('CL422', 'a partner offers only its own opportunities: provider_id must '
                        || 'be your organisation');
    END IF;
    IF o.activity_code IS NOT NULL AND NOT EXISTS (SELECT 1 FROM ssda903_activities s
                                                   WHERE s.code = o.activity_code AND s.eet) THEN
        PERFORM cl_fail('CL422', 'activity_code must be a DfE EET activity code: '
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such opportunity');
    END IF;
    IF cl_role() = 'partner' THEN
        PERFORM eet_partner_manager_kind();
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> o.version::text THEN
        PERFORM cl_fail('CL412', 'the opportunity has changed since it was read');
    END IF;
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
    PERFORM cl_audit('update', 'eet_opportunity', o.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT eet_opportunity_json(o), o.version, o.id;
END
$$;

-- The care leaver's name as a partner needs it, and nothing more.
CREATE FUNCTION eet_referral_person(p_care_leaver uuid) RETURNS json LANGUAGE sql STABLE AS $$
    SELECT json_build_object('id', c.id,
                             'name', coalesce(c.preferred_name, c.given_name) || ' '
                                     || c.family_name)
    FROM care_leavers c WHERE c.id = p_care_leaver
$$;

CREATE FUNCTION eet_referral_json(r eet_referrals) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'opportunity_id', r.opportunity_id,
        'opportunity_title', (SELECT o.title FROM eet_opportunities o
                              WHERE o.id = r.opportunity_id),
        'care_leaver_id', r.care_leaver_id, 'care_leaver', eet_referral_person(r.care_leaver_id),
        'status', r.status, 'status_on', r.status_on, 'referred_on', r.referred_on,
        'notes', r.notes,
        'activity_id', (SELECT a.id FROM eet_activities a WHERE a.referral_id = r.id),
        'history', (SELECT coalesce(json_agg(json_build_object(
                               'from', e.from_status, 'to', e.to_status, 'on', e.on_date,
                               'note', e.note, 'actor', e.actor_sub, 'actor_role', e.actor_role,
                               'at', cl_ts(e.at)) ORDER BY e.id), '[]'::json)
                    FROM eet_referral_events e WHERE e.referral_id = r.id),
        'version', r.version, 'created_at', cl_ts(r.created_at),
        'updated_at', cl_ts(r.updated_at))::text
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

CREATE FUNCTION eet_referral_create(p_opportunity uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o eet_opportunities;
    r eet_referrals;
BEGIN
    SELECT * INTO o FROM eet_opportunities x
    WHERE x.id = p_opportunity AND eet_opportunity_visible(x.provider_id);
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such opportunity');
    END IF;
    IF cl_role() NOT IN ('adviser', 'manager', 'admin') OR NOT EXISTS (
            SELECT 1 FROM care_leavers c
            WHERE c.id = (p->>'care_leaver_id')::uuid
              AND cl_can_see_care_leaver(c.adviser_id, c.id)) THEN
        PERFORM cl_fail('CL422', 'care_leaver_id is not a care leaver you may refer');
    END IF;
    r.id := gen_random_uuid();
    r.opportunity_id := o.id;
    r.care_leaver_id := (p->>'care_leaver_id')::uuid;
    r.status := 'referred';
    r.referred_on := coalesce((p->>'referred_on')::date, current_date);
    r.status_on := r.referred_on;
    r.notes := coalesce(p->>'notes', '');
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
        PERFORM cl_fail('CL422', 'on must not be before the date of the previous step');
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
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such referral');
    END IF;
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
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'eet_referral', c.id);
    RETURN QUERY
        SELECT eet_referral_json(r), r.referred_on::text, r.id::text
        FROM eet_referrals r
        WHERE r.care_leaver_id = c.id
          AND eet_referral_visible(r.care_leaver_id, r.opportunity_id)
          AND (p_status IS NULL OR r.status = p_status)
          AND (p_k1 IS NULL OR (r.referred_on, r.id) < (p_k1::date, p_k2::uuid))
        ORDER BY r.referred_on DESC, r.id DESC
        LIMIT p_limit;
END
$$;
