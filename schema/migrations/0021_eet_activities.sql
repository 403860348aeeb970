-- EET activity episodes of a care leaver: the SSDA903 main activity (ACTIV) over time, with
-- hours per week and the provider. Episodes of one care leaver never overlap (exclusion
-- constraint on [started_on, ended_on), 409). The activity on a date is a SQL function shared
-- by the API (current_activity on the care leaver), the SSDA903 return and the Board report.
-- An episode opened by an EET referral reaching `started` carries that referral's id (the
-- foreign key is added with the referrals table in 0022).
--
-- Scope as for accommodation: episode_care_leaver() (0020) answers 404 outside the caller's
-- reach; row-level security is the second wall.

-- The DfE main activity codes (SSDA903 ACTIV). `0` (not known) is what a return says when there
-- is no episode, so it is not an activity here; F3/P3 were withdrawn in 2021/22.
CREATE TABLE ssda903_activities (
    code         text PRIMARY KEY CHECK (code ~ '^[FPG][0-9]$'),
    description  text NOT NULL,
    eet          boolean NOT NULL, -- true: in education, employment or training
    full_time    boolean           -- NULL for the NEET codes
);
INSERT INTO ssda903_activities VALUES
    ('F1', 'Full-time higher education', true, true),
    ('P1', 'Part-time higher education', true, false),
    ('F2', 'Full-time education other than higher education', true, true),
    ('P2', 'Part-time education other than higher education', true, false),
    ('F4', 'Full-time apprenticeship', true, true),
    ('P4', 'Part-time apprenticeship', true, false),
    ('F5', 'Full-time training or employment, not an apprenticeship', true, true),
    ('P5', 'Part-time training or employment, not an apprenticeship', true, false),
    ('G4', 'Not in EET because of illness or disability', false, NULL),
    ('G5', 'Not in EET for other reasons', false, NULL),
    ('G6', 'Not in EET because of pregnancy or parenting', false, NULL);
GRANT SELECT ON ssda903_activities TO cl_app;

CREATE TABLE eet_activities (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    code            text NOT NULL REFERENCES ssda903_activities (code),
    hours_per_week  numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 80),
    provider_id     uuid REFERENCES partners (id),
    started_on      date NOT NULL,
    ended_on        date,
    referral_id     uuid,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT eet_activity_dates CHECK (ended_on IS NULL OR ended_on > started_on),
    CONSTRAINT eet_activity_no_overlap EXCLUDE USING gist (
        care_leaver_id WITH =, daterange(started_on, ended_on) WITH &&)
);
CREATE INDEX eet_activities_list ON eet_activities (care_leaver_id, started_on DESC, id DESC);
CREATE UNIQUE INDEX eet_activities_referral ON eet_activities (referral_id)
    WHERE referral_id IS NOT NULL;

ALTER TABLE eet_activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_activities FORCE ROW LEVEL SECURITY;
-- Partners may write too: a referral to their opportunity reaching `started` opens an episode
-- and ends a NEET one (0022); the care leaver is then visible to them through that referral.
CREATE POLICY eet_activities_scope ON eet_activities TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin', 'partner')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY eet_activities_owner ON eet_activities TO CURRENT_USER
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON eet_activities TO cl_app;

CREATE FUNCTION eet_activity_json(e eet_activities) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'care_leaver_id', e.care_leaver_id, 'code', e.code,
        'eet', (SELECT s.eet FROM ssda903_activities s WHERE s.code = e.code),
        'hours_per_week', e.hours_per_week, 'provider_id', e.provider_id,
        'started_on', e.started_on, 'ended_on', e.ended_on, 'referral_id', e.referral_id,
        'current', daterange(e.started_on, e.ended_on) @> current_date,
        'version', e.version, 'created_at', cl_ts(e.created_at),
        'updated_at', cl_ts(e.updated_at))::text
$$;

CREATE FUNCTION eet_activity_check(e eet_activities, c care_leavers) RETURNS void
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM ssda903_activities s WHERE s.code = e.code) THEN
        PERFORM cl_fail('CL422', 'code must be a DfE activity code: '
                        || (SELECT string_agg(code, ', ' ORDER BY code) FROM ssda903_activities));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail('CL422', 'ended_on must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail('CL422', 'started_on must not be before the date of birth');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail('CL422', 'provider_id is not a partner');
    END IF;
END
$$;

CREATE FUNCTION eet_activity_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    e eet_activities;
BEGIN
    e.id := gen_random_uuid();
    e.care_leaver_id := c.id;
    e.code := p->>'code';
    e.hours_per_week := (p->>'hours_per_week')::numeric;
    e.provider_id := (p->>'provider_id')::uuid;
    e.started_on := (p->>'started_on')::date;
    e.ended_on := (p->>'ended_on')::date;
    e.version := 1;
    e.created_at := now();
    e.updated_at := e.created_at;
    PERFORM eet_activity_check(e, c);
    INSERT INTO eet_activities VALUES (e.*);
    PERFORM cl_audit('create', 'eet_activity', e.id);
    RETURN QUERY SELECT eet_activity_json(e), e.version, e.id;
END
$$;

CREATE FUNCTION eet_activity_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    e eet_activities;
BEGIN
    SELECT * INTO e FROM eet_activities a WHERE a.id = p_id AND a.care_leaver_id = c.id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such EET activity');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> e.version::text THEN
        PERFORM cl_fail('CL412', 'the EET activity has changed since it was read');
    END IF;
    IF p ? 'code' THEN e.code := p->>'code'; END IF;
    IF p ? 'hours_per_week' THEN e.hours_per_week := (p->>'hours_per_week')::numeric; END IF;
    IF p ? 'provider_id' THEN e.provider_id := (p->>'provider_id')::uuid; END IF;
    IF p ? 'started_on' THEN e.started_on := (p->>'started_on')::date; END IF;
    IF p ? 'ended_on' THEN e.ended_on := (p->>'ended_on')::date; END IF;
    PERFORM eet_activity_check(e, c);
    UPDATE eet_activities a SET
        code = e.code, hours_per_week = e.hours_per_week, provider_id = e.provider_id,
        started_on = e.started_on, ended_on = e.ended_on,
        version = a.version + 1, updated_at = now()
    WHERE a.id = e.id
    RETURNING a.* INTO e;
    PERFORM cl_audit('update', 'eet_activity', e.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT eet_activity_json(e), e.version, e.id;
END
$$;

CREATE FUNCTION eet_activity_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
    e eet_activities;
BEGIN
    SELECT * INTO e FROM eet_activities a WHERE a.id = p_id AND a.care_leaver_id = c.id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such EET activity');
    END IF;
    PERFORM cl_audit('read', 'eet_activity', e.id);
    RETURN QUERY SELECT eet_activity_json(e), e.version, e.id;
END
$$;

-- Newest first; p_on keeps only the episode covering that date. Keyset on (started_on, id).
CREATE FUNCTION eet_activity_list(p_cl uuid, p_on date, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'eet_activity', c.id);
    RETURN QUERY
        SELECT eet_activity_json(a), a.started_on::text, a.id::text
        FROM eet_activities a
        WHERE a.care_leaver_id = c.id
          AND (p_on IS NULL OR daterange(a.started_on, a.ended_on) @> p_on)
          AND (p_k1 IS NULL OR (a.started_on, a.id) < (p_k1::date, p_k2::uuid))
        ORDER BY a.started_on DESC, a.id DESC
        LIMIT p_limit;
END
$$;

-- The activity episode covering date p_on (NULL when none), as the API represents it.
CREATE FUNCTION care_leaver_activity_on(p_id uuid, p_on date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT eet_activity_json(a)::jsonb FROM eet_activities a
    WHERE a.care_leaver_id = p_id AND daterange(a.started_on, a.ended_on) @> p_on
$$;

CREATE FUNCTION care_leaver_current_activity(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT care_leaver_activity_on(p_id, current_date)
$$;

-- The SSDA903 ACTIV value on date p_on: the activity code, or '0' when no episode covers it.
CREATE FUNCTION ssda903_activ_on(p_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT a.code FROM eet_activities a
                     WHERE a.care_leaver_id = p_id
                       AND daterange(a.started_on, a.ended_on) @> p_on), '0')
$$;

-- In education, employment or training on date p_on: true/false, NULL when not known.
CREATE FUNCTION eet_on(p_id uuid, p_on date) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT s.eet FROM eet_activities a JOIN ssda903_activities s ON s.code = a.code
    WHERE a.care_leaver_id = p_id AND daterange(a.started_on, a.ended_on) @> p_on
$$;
