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

-- The writable fields (cl_write).
CREATE FUNCTION partner_fields() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{name,kind,districts,contact_name,contact_email,contact_phone,active}'::text[] $$;

-- A new or patched partner as stored: the name trimmed, the districts clean, a null contact
-- field empty, the e-mail address in lower case.
CREATE FUNCTION partner_clean(r partners, p jsonb) RETURNS partners LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    r.name := btrim(r.name);
    r.districts := partner_districts(to_jsonb(r.districts));
    r.contact_name := coalesce(r.contact_name, '');
    r.contact_email := lower(coalesce(r.contact_email, ''));
    r.contact_phone := coalesce(r.contact_phone, '');
    RETURN r;
END
$$;

CREATE FUNCTION partner_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM cl_write(jsonb_populate_record(NULL::partners, '{"active": true}'), 'partner',
                           p)
$$;

-- JSON Merge Patch of the writable fields, guarded by If-Match (p_version: NULL, '*' or N).
CREATE FUNCTION partner_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM cl_write(NULL::partners, 'partner', p, p_id, p_version)
$$;
