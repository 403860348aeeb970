-- The Local Offer (api/local_offer.c): published, versioned content. An administrator publishes
-- a whole version (title, introduction, sections in order, each linking the entitlements it
-- describes) for a date; a version is never changed afterwards, and the one in force on a date
-- is the latest published on or before it. GET /v1/local-offer renders the one in force
-- today as HTML for anyone (no person in it, so nothing to audit); a young person reads the
-- same content as JSON at /v1/me/local-offer (me.sql, audited).

CREATE FUNCTION local_offer_json(lv local_offer_versions) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', lv.id, 'title', lv.title, 'introduction', lv.introduction,
        'published_on', lv.published_on,
        'sections', (SELECT coalesce(json_agg(json_build_object(
                                'position', s.position, 'heading', s.heading, 'body', s.body,
                                'entitlements', (SELECT coalesce(json_agg(json_build_object(
                                                        'id', e.id, 'name', e.name,
                                                        'kind', e.kind)
                                                        ORDER BY e.name, e.id), '[]'::json)
                                                 FROM entitlements e
                                                 WHERE e.id = ANY (s.entitlement_ids)))
                                ORDER BY s.position), '[]'::json)
                     FROM local_offer_sections s WHERE s.version_id = lv.id),
        'created_at', cl_ts(lv.created_at))::text
$$;

-- The version in force on a date (no row when none has been published by then).
CREATE FUNCTION local_offer_on(p_on date) RETURNS SETOF local_offer_versions
LANGUAGE sql STABLE AS $$
    SELECT * FROM local_offer_versions v WHERE v.published_on <= p_on
    ORDER BY v.published_on DESC LIMIT 1
$$;

-- The version in force today, for the public page: its JSON, an entity tag (the SHA-256 of
-- that JSON, which changes when an entitlement it links is renamed too) and the date as the
-- page prints it.
CREATE FUNCTION local_offer_page()
RETURNS TABLE (body text, etag text, published text) LANGUAGE sql STABLE AS $$
    SELECT j.body, left(encode(sha256(convert_to(j.body, 'UTF8')), 'hex'), 32),
           to_char(v.published_on, 'FMDD FMMonth YYYY')
    FROM local_offer_on(current_date) v CROSS JOIN LATERAL (SELECT local_offer_json(v) AS body) j
$$;

CREATE FUNCTION local_offer_get(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql STABLE AS $$
    SELECT local_offer_json(v), 1, v.id FROM local_offer_versions v
    WHERE v.id = p_id
$$;

-- Publishes a version: p holds title, introduction, published_on (today or later: the past
-- is not rewritten) and sections, each {heading, body, entitlement_ids}. The api has checked
-- the top-level members; the sections are checked here, every problem at once.
CREATE FUNCTION local_offer_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    lv local_offer_versions;
    s jsonb;
    n integer := 0;
BEGIN
    IF jsonb_typeof(p->'sections') <> 'array' OR jsonb_array_length(p->'sections') = 0
       OR jsonb_array_length(p->'sections') > 100 OR EXISTS (
            SELECT 1 FROM jsonb_array_elements(p->'sections') x
            WHERE jsonb_typeof(x) <> 'object'
               OR EXISTS (SELECT 1 FROM jsonb_object_keys(x) k
                          WHERE k NOT IN ('heading', 'body', 'entitlement_ids'))
               OR jsonb_typeof(x->'heading') IS DISTINCT FROM 'string'
               OR length(btrim(x->>'heading')) NOT BETWEEN 1 AND 200
               OR jsonb_typeof(x->'body') IS DISTINCT FROM 'string'
               OR length(btrim(x->>'body')) NOT BETWEEN 1 AND 10000
               OR (x ? 'entitlement_ids' AND (
                       jsonb_typeof(x->'entitlement_ids') <> 'array'
                       OR EXISTS (SELECT 1 FROM jsonb_array_elements(x->'entitlement_ids') i
                                  WHERE jsonb_typeof(i) <> 'string'
                                     OR i->>0 !~* '^[0-9a-f]{8}-([0-9a-f]{4}-){3}[0-9a-f]{12}$')))) THEN
        PERFORM cl_fail_field('sections', 'must be 1 to 100 objects, each with a heading (1-200 '
                              || 'characters), a body (1-10000) and entitlement_ids (ids), '
                              || 'nothing else');
    END IF;
    IF EXISTS (SELECT 1 FROM jsonb_array_elements(p->'sections') x,
                             jsonb_array_elements_text(coalesce(x->'entitlement_ids', '[]')) i
               WHERE NOT EXISTS (SELECT 1 FROM entitlements e WHERE e.id = i::uuid)) THEN
        PERFORM cl_fail_field('sections', 'name an entitlement that does not exist');
    END IF;
    INSERT INTO local_offer_versions (title, introduction, published_on, created_by)
    VALUES (btrim(p->>'title'), coalesce(p->>'introduction', ''), (p->>'published_on')::date,
            cl_sub())
    RETURNING * INTO lv;
    FOR s IN SELECT x FROM jsonb_array_elements(p->'sections') x LOOP
        n := n + 1;
        INSERT INTO local_offer_sections (version_id, position, heading, body, entitlement_ids)
        VALUES (lv.id, n, btrim(s->>'heading'), btrim(s->>'body'),
                ARRAY(SELECT DISTINCT i::uuid
                      FROM jsonb_array_elements_text(coalesce(s->'entitlement_ids', '[]')) i));
    END LOOP;
    PERFORM cl_audit('create', 'local_offer', lv.id);
    RETURN QUERY SELECT local_offer_json(lv), 1, lv.id;
END
$$;
