-- Personal advisers: representation, create, patch, read and list, each one SQL function the
-- api calls. Admin writes; manager, admin and service read all; an adviser reads itself.

CREATE FUNCTION adviser_json(a advisers) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'name', a.name, 'email', a.email, 'team', a.team, 'fte', a.fte,
        'caseload_limit', a.caseload_limit, 'eet_lead', a.eet_lead, 'active', a.active,
        'version', a.version, 'created_at', cl_ts(a.created_at),
        'updated_at', cl_ts(a.updated_at))::text
$$;

CREATE FUNCTION adviser_visible(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT cl_sees_all() OR (cl_role() = 'adviser' AND p_id = cl_adviser_id())
$$;

CREATE FUNCTION adviser_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    a advisers;
BEGIN
    INSERT INTO advisers (name, email, team, fte, caseload_limit, eet_lead, active)
    VALUES (p->>'name', lower(p->>'email'), coalesce(p->>'team', ''),
            coalesce((p->>'fte')::numeric, 1.0), coalesce((p->>'caseload_limit')::int, 24),
            coalesce((p->>'eet_lead')::boolean, false), coalesce((p->>'active')::boolean, true))
    RETURNING * INTO a;
    PERFORM cl_audit('create', 'adviser', a.id);
    RETURN QUERY SELECT adviser_json(a), a.version, a.id;
END
$$;

-- JSON Merge Patch of the writable fields, guarded by If-Match (p_version: NULL, '*' or N).
CREATE FUNCTION adviser_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    a advisers;
BEGIN
    SELECT * INTO a FROM advisers WHERE advisers.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such adviser');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> a.version::text THEN
        PERFORM cl_fail('CL412', 'the adviser has changed since it was read');
    END IF;
    UPDATE advisers SET
        name = CASE WHEN p ? 'name' THEN p->>'name' ELSE advisers.name END,
        email = CASE WHEN p ? 'email' THEN lower(p->>'email') ELSE advisers.email END,
        team = CASE WHEN p ? 'team' THEN p->>'team' ELSE advisers.team END,
        fte = CASE WHEN p ? 'fte' THEN (p->>'fte')::numeric ELSE advisers.fte END,
        caseload_limit = CASE WHEN p ? 'caseload_limit' THEN (p->>'caseload_limit')::int
                              ELSE advisers.caseload_limit END,
        eet_lead = CASE WHEN p ? 'eet_lead' THEN (p->>'eet_lead')::boolean
                        ELSE advisers.eet_lead END,
        active = CASE WHEN p ? 'active' THEN (p->>'active')::boolean ELSE advisers.active END,
        version = advisers.version + 1,
        updated_at = now()
    WHERE advisers.id = p_id
    RETURNING * INTO a;
    PERFORM cl_audit('update', 'adviser', a.id,
                     jsonb_build_object('fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT adviser_json(a), a.version, a.id;
END
$$;
