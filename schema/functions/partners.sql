-- /v1/partners (api/partners.c): partner organisations (district councils, housing
-- providers, employers, colleges, health and others): representation, create, patch. A
-- partner's id is the org_id its tokens carry.
--
-- Admin writes. Advisers, managers, admins and services read every partner (advisers pick the
-- partner a referral goes to); a partner reads only itself; anyone else is 404 (the board has
-- no route at all). Partners are organisations, not people, so reads are not audited; every
-- write is.

CREATE FUNCTION partner_json(p partners) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'name', p.name, 'kind', p.kind, 'districts', to_json(p.districts),
        'contact_name', p.contact_name, 'contact_email', p.contact_email,
        'contact_phone', p.contact_phone, 'active', p.active, 'version', p.version,
        'created_at', cl_ts(p.created_at), 'updated_at', cl_ts(p.updated_at))::text
$$;

CREATE FUNCTION partner_visible(p_id uuid) RETURNS boolean LANGUAGE sql STABLE AS $$
    SELECT cl_role() IN ('adviser', 'manager', 'admin', 'service')
        OR (cl_role() = 'partner' AND p_id = cl_org_id())
$$;

-- The districts of a request body as a clean array: trimmed, no empties, no duplicates, sorted.
CREATE FUNCTION partner_districts(p jsonb) RETURNS text[] LANGUAGE sql IMMUTABLE AS $$
    SELECT coalesce(array_agg(DISTINCT btrim(d) ORDER BY btrim(d)), '{}')
    FROM jsonb_array_elements_text(p) d
    WHERE btrim(d) <> ''
$$;

CREATE FUNCTION partner_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r partners;
BEGIN
    INSERT INTO partners (name, kind, districts, contact_name, contact_email, contact_phone,
                          active)
    VALUES (btrim(p->>'name'), p->>'kind',
            CASE WHEN p ? 'districts' THEN partner_districts(p->'districts') ELSE '{}' END,
            coalesce(p->>'contact_name', ''), lower(coalesce(p->>'contact_email', '')),
            coalesce(p->>'contact_phone', ''), coalesce((p->>'active')::boolean, true))
    RETURNING * INTO r;
    PERFORM cl_audit('create', 'partner', r.id);
    RETURN QUERY SELECT partner_json(r), r.version, r.id;
END
$$;

-- JSON Merge Patch of the writable fields, guarded by If-Match (p_version: NULL, '*' or N).
-- A null contact field clears it.
CREATE FUNCTION partner_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r partners;
BEGIN
    SELECT * INTO r FROM partners WHERE partners.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'partner');
    PERFORM cl_if_match(p_version, r.version, 'partner');
    UPDATE partners SET
        name = CASE WHEN p ? 'name' THEN btrim(p->>'name') ELSE partners.name END,
        kind = CASE WHEN p ? 'kind' THEN p->>'kind' ELSE partners.kind END,
        districts = CASE WHEN p ? 'districts' THEN partner_districts(p->'districts')
                         ELSE partners.districts END,
        contact_name = CASE WHEN p ? 'contact_name' THEN coalesce(p->>'contact_name', '')
                            ELSE partners.contact_name END,
        contact_email = CASE WHEN p ? 'contact_email'
                             THEN lower(coalesce(p->>'contact_email', ''))
                             ELSE partners.contact_email END,
        contact_phone = CASE WHEN p ? 'contact_phone' THEN coalesce(p->>'contact_phone', '')
                             ELSE partners.contact_phone END,
        active = CASE WHEN p ? 'active' THEN (p->>'active')::boolean ELSE partners.active END,
        version = partners.version + 1,
        updated_at = now()
    WHERE partners.id = p_id
    RETURNING * INTO r;
    PERFORM cl_audit_patch('partner', r.id, p);
    RETURN QUERY SELECT partner_json(r), r.version, r.id;
END
$$;
