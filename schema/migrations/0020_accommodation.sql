-- Accommodation episodes of a care leaver: where they live, from when to when, and whether the
-- authority considers it suitable (the SSDA903 ACCOM letter and suitability digit follow from
-- `code` and `suitable`). Episodes of one care leaver never overlap: an exclusion constraint on
-- the [started_on, ended_on) range, answered as 409. Current accommodation (and accommodation
-- on any date) is a SQL function, so the API, the SSDA903 return and the Board report agree.
--
-- Scope: every read and write goes through episode_care_leaver(), which answers 404 unless
-- the caller may reach the care leaver (cl_can_see_care_leaver); writes need the adviser (own
-- caseload), manager or admin role. Row-level security on the table is the second wall.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The DfE accommodation type letters (SSDA903 ACCOM without the suitability digit). `0` (not
-- known) is what a return says when there is no episode, so it is not a type here.
CREATE TABLE ssda903_accommodation_types (
    letter                  text PRIMARY KEY CHECK (letter ~ '^[A-Z]$'),
    description             text NOT NULL,
    may_be_suitable         boolean NOT NULL, -- false: only the `2` (not suitable) code exists
    in_suitability_figures  boolean NOT NULL, -- false: DfE leaves it out of the suitability %
    needs_reason            boolean NOT NULL  -- bed and breakfast, emergency accommodation
);
INSERT INTO ssda903_accommodation_types VALUES
    ('B', 'With parents or relatives', true, true, false),
    ('C', 'Community home or other residential care', true, true, false),
    ('D', 'Semi-independent, transitional accommodation', true, true, false),
    ('E', 'Supported lodgings', true, true, false),
    ('G', 'Gone abroad', true, false, false),
    ('H', 'Deported', true, false, false),
    ('K', 'Ordinary lodgings, without formal support', true, true, false),
    ('R', 'Residence not known', true, false, false),
    ('S', 'No fixed abode or homeless', false, true, false),
    ('T', 'Foyer or similar', true, true, false),
    ('U', 'Independent living', true, true, false),
    ('V', 'Emergency accommodation', true, true, true),
    ('W', 'Bed and breakfast', true, true, true),
    ('X', 'In custody', false, true, false),
    ('Y', 'Other accommodation', true, true, false),
    ('Z', 'With former foster carers (staying put)', true, true, false);
GRANT SELECT ON ssda903_accommodation_types TO cl_app;

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

CREATE TABLE accommodation_episodes (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id     uuid NOT NULL REFERENCES care_leavers (id),
    code               text NOT NULL REFERENCES ssda903_accommodation_types (letter),
    suitable           boolean NOT NULL,
    unsuitable_reason  text CHECK (length(unsuitable_reason) BETWEEN 1 AND 500),
    staying_put        boolean NOT NULL DEFAULT false,
    provider_id        uuid REFERENCES partners (id),
    district           text CHECK (length(district) BETWEEN 1 AND 100),
    started_on         date NOT NULL,
    ended_on           date,
    reason             text CHECK (length(reason) BETWEEN 1 AND 500),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- The same rules accommodation_check() explains to clients, held here for every writer.
    CONSTRAINT accommodation_dates CHECK (ended_on IS NULL OR ended_on > started_on),
    CONSTRAINT accommodation_unsuitable_reason
        CHECK ((NOT suitable) = (unsuitable_reason IS NOT NULL)),
    CONSTRAINT accommodation_never_suitable CHECK (NOT (suitable AND code IN ('S', 'X'))),
    CONSTRAINT accommodation_reason CHECK (code NOT IN ('V', 'W') OR reason IS NOT NULL),
    CONSTRAINT accommodation_staying_put CHECK (staying_put = (code = 'Z')),
    CONSTRAINT accommodation_no_overlap EXCLUDE USING gist (
        care_leaver_id WITH =, daterange(started_on, ended_on) WITH &&)
);
CREATE INDEX accommodation_episodes_list
    ON accommodation_episodes (care_leaver_id, started_on DESC, id DESC);
CREATE INDEX accommodation_episodes_bb ON accommodation_episodes (started_on)
    WHERE code IN ('V', 'W');

ALTER TABLE accommodation_episodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE accommodation_episodes FORCE ROW LEVEL SECURITY;
-- Visible when the care leaver is (care_leavers has its own policy); written only by the roles
-- that keep a care leaver's records.
CREATE POLICY accommodation_scope ON accommodation_episodes TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id))
    WITH CHECK (cl_role() IN ('adviser', 'manager', 'admin')
                AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = care_leaver_id));
CREATE POLICY accommodation_owner ON accommodation_episodes TO CURRENT_USER
    USING (true) WITH CHECK (true);
GRANT SELECT, INSERT, UPDATE ON accommodation_episodes TO cl_app;

CREATE FUNCTION accommodation_json(e accommodation_episodes) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'care_leaver_id', e.care_leaver_id, 'code', e.code,
        'suitable', e.suitable,
        'ssda903_accom', e.code || CASE WHEN e.suitable THEN '1' ELSE '2' END,
        'unsuitable_reason', e.unsuitable_reason, 'staying_put', e.staying_put,
        'provider_id', e.provider_id, 'district', e.district, 'started_on', e.started_on,
        'ended_on', e.ended_on, 'reason', e.reason,
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
        PERFORM cl_fail('CL422', 'code must be a DfE accommodation type letter: '
                        || (SELECT string_agg(letter, ', ' ORDER BY letter)
                            FROM ssda903_accommodation_types));
    END IF;
    IF e.ended_on IS NOT NULL AND e.ended_on <= e.started_on THEN
        PERFORM cl_fail('CL422', 'ended_on must be after started_on');
    END IF;
    IF e.started_on < c.date_of_birth THEN
        PERFORM cl_fail('CL422', 'started_on must not be before the date of birth');
    END IF;
    IF e.suitable AND NOT t.may_be_suitable THEN
        PERFORM cl_fail('CL422', 'accommodation of type ' || e.code || ' is never suitable');
    END IF;
    IF NOT e.suitable AND e.unsuitable_reason IS NULL THEN
        PERFORM cl_fail('CL422', 'unsuitable_reason is required when suitable is false');
    END IF;
    IF e.suitable AND e.unsuitable_reason IS NOT NULL THEN
        PERFORM cl_fail('CL422', 'unsuitable_reason is only for unsuitable accommodation');
    END IF;
    IF t.needs_reason AND e.reason IS NULL THEN
        PERFORM cl_fail('CL422', 'reason is required for bed and breakfast (W) and emergency '
                        || 'accommodation (V)');
    END IF;
    IF e.staying_put <> (e.code = 'Z') THEN
        PERFORM cl_fail('CL422', 'staying_put is true exactly when the code is Z (with former '
                        || 'foster carers)');
    END IF;
    IF e.code = 'Z' AND e.started_on < (c.date_of_birth + interval '18 years')::date THEN
        PERFORM cl_fail('CL422', 'staying put (Z) starts at 18 at the earliest');
    END IF;
    IF e.provider_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM partners p
                                                 WHERE p.id = e.provider_id) THEN
        PERFORM cl_fail('CL422', 'provider_id is not a partner');
    END IF;
END
$$;

CREATE FUNCTION accommodation_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    e accommodation_episodes;
BEGIN
    e.id := gen_random_uuid();
    e.care_leaver_id := c.id;
    e.code := p->>'code';
    e.suitable := (p->>'suitable')::boolean;
    e.unsuitable_reason := p->>'unsuitable_reason';
    e.staying_put := coalesce((p->>'staying_put')::boolean, e.code = 'Z');
    e.provider_id := (p->>'provider_id')::uuid;
    e.district := p->>'district';
    e.started_on := (p->>'started_on')::date;
    e.ended_on := (p->>'ended_on')::date;
    e.reason := p->>'reason';
    e.version := 1;
    e.created_at := now();
    e.updated_at := e.created_at;
    PERFORM accommodation_check(e, c);
    INSERT INTO accommodation_episodes VALUES (e.*);
    PERFORM cl_audit('create', 'accommodation_episode', e.id);
    RETURN QUERY SELECT accommodation_json(e), e.version, e.id;
END
$$;

-- JSON Merge Patch guarded by If-Match (p_version: NULL, '*' or N). Changing the code
-- re-derives staying_put unless the patch sets it; making an episode suitable clears its
-- unsuitable_reason unless the patch sets one.
CREATE FUNCTION accommodation_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    e accommodation_episodes;
BEGIN
    SELECT * INTO e FROM accommodation_episodes a
    WHERE a.id = p_id AND a.care_leaver_id = c.id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such accommodation episode');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> e.version::text THEN
        PERFORM cl_fail('CL412', 'the accommodation episode has changed since it was read');
    END IF;
    IF p ? 'code' THEN
        e.code := p->>'code';
        e.staying_put := e.code = 'Z';
    END IF;
    IF p ? 'staying_put' THEN e.staying_put := (p->>'staying_put')::boolean; END IF;
    IF p ? 'suitable' THEN
        e.suitable := (p->>'suitable')::boolean;
        IF e.suitable THEN e.unsuitable_reason := NULL; END IF;
    END IF;
    IF p ? 'unsuitable_reason' THEN e.unsuitable_reason := p->>'unsuitable_reason'; END IF;
    IF p ? 'provider_id' THEN e.provider_id := (p->>'provider_id')::uuid; END IF;
    IF p ? 'district' THEN e.district := p->>'district'; END IF;
    IF p ? 'started_on' THEN e.started_on := (p->>'started_on')::date; END IF;
    IF p ? 'ended_on' THEN e.ended_on := (p->>'ended_on')::date; END IF;
    IF p ? 'reason' THEN e.reason := p->>'reason'; END IF;
    PERFORM accommodation_check(e, c);
    UPDATE accommodation_episodes a SET
        code = e.code, suitable = e.suitable, unsuitable_reason = e.unsuitable_reason,
        staying_put = e.staying_put, provider_id = e.provider_id, district = e.district,
        started_on = e.started_on, ended_on = e.ended_on, reason = e.reason,
        version = a.version + 1, updated_at = now()
    WHERE a.id = e.id
    RETURNING a.* INTO e;
    PERFORM cl_audit('update', 'accommodation_episode', e.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT accommodation_json(e), e.version, e.id;
END
$$;

CREATE FUNCTION accommodation_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
    e accommodation_episodes;
BEGIN
    SELECT * INTO e FROM accommodation_episodes a WHERE a.id = p_id AND a.care_leaver_id = c.id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such accommodation episode');
    END IF;
    PERFORM cl_audit('read', 'accommodation_episode', e.id);
    RETURN QUERY SELECT accommodation_json(e), e.version, e.id;
END
$$;

-- Newest first; p_on keeps only the episode covering that date. Keyset on (started_on, id).
CREATE FUNCTION accommodation_list(p_cl uuid, p_on date, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'accommodation_episode', c.id);
    RETURN QUERY
        SELECT accommodation_json(a), a.started_on::text, a.id::text
        FROM accommodation_episodes a
        WHERE a.care_leaver_id = c.id
          AND (p_on IS NULL OR daterange(a.started_on, a.ended_on) @> p_on)
          AND (p_k1 IS NULL OR (a.started_on, a.id) < (p_k1::date, p_k2::uuid))
        ORDER BY a.started_on DESC, a.id DESC
        LIMIT p_limit;
END
$$;

-- The episode covering date p_on (NULL when none), as the API represents it. Used by the care
-- leaver representation (current_accommodation) and by reports.
CREATE FUNCTION care_leaver_accommodation_on(p_id uuid, p_on date) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT accommodation_json(a)::jsonb FROM accommodation_episodes a
    WHERE a.care_leaver_id = p_id AND daterange(a.started_on, a.ended_on) @> p_on
$$;

CREATE FUNCTION care_leaver_current_accommodation(p_id uuid) RETURNS jsonb
LANGUAGE sql STABLE AS $$
    SELECT care_leaver_accommodation_on(p_id, current_date)
$$;

-- The SSDA903 ACCOM value on date p_on: type letter + 1 (suitable) or 2 (not suitable), or
-- '0' when no episode covers the date.
CREATE FUNCTION ssda903_accom_on(p_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT coalesce((SELECT a.code || CASE WHEN a.suitable THEN '1' ELSE '2' END
                     FROM accommodation_episodes a
                     WHERE a.care_leaver_id = p_id
                       AND daterange(a.started_on, a.ended_on) @> p_on), '0')
$$;

-- Suitable accommodation on date p_on for the indicator: true/false, or NULL when no episode
-- covers the date or the type is outside DfE's suitability figures (G, H, R).
CREATE FUNCTION accommodation_suitable_on(p_id uuid, p_on date) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT a.suitable FROM accommodation_episodes a
    JOIN ssda903_accommodation_types t ON t.letter = a.code
    WHERE a.care_leaver_id = p_id AND daterange(a.started_on, a.ended_on) @> p_on
      AND t.in_suitability_figures
$$;
