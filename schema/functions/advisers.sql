-- /v1/advisers and /v1/advisers/{id}/caseload (api/advisers.c): the representation, create,
-- patch, the scope check and the caseload summary. Admin writes; manager, admin and service
-- read all; an adviser reads itself.

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

-- The writable fields (cl_write).
CREATE FUNCTION adviser_fields() RETURNS text[] LANGUAGE sql IMMUTABLE
    AS $$ SELECT '{name,email,team,fte,caseload_limit,eet_lead,active}'::text[] $$;

-- A new or patched adviser as stored: the e-mail address in lower case.
CREATE FUNCTION adviser_clean(a advisers, p jsonb) RETURNS advisers LANGUAGE plpgsql IMMUTABLE AS $$
BEGIN
    a.email := lower(a.email);
    RETURN a;
END
$$;

CREATE FUNCTION adviser_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM cl_write(jsonb_populate_record(NULL::advisers, '{"team": "", "fte": 1.0,
        "caseload_limit": 24, "eet_lead": false, "active": true}'), 'adviser', p)
$$;

-- JSON Merge Patch of the writable fields, guarded by If-Match (p_version: NULL, '*' or N).
CREATE FUNCTION adviser_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE sql AS $$
    SELECT * FROM cl_write(NULL::advisers, 'adviser', p, p_id, p_version)
$$;

-- The caseload of one adviser on p_on: the cases open that day that were allocated to the
-- adviser that day (allocation periods, history.sql), by their category in law that day
-- (status periods, cl_category_on), the facts (care_leaver_facts) computed set-based.
CREATE FUNCTION adviser_caseload(p_adviser uuid, p_days integer, p_on date)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    a advisers;
BEGIN
    SELECT * INTO a FROM advisers x WHERE x.id = p_adviser AND adviser_visible(x.id);
    PERFORM cl_found(FOUND, 'adviser');
    RETURN QUERY
    WITH cl AS (
        SELECT cl_category_on(s.category, c.date_of_birth, p_on) AS category,
               f.contact_status AS status,
               coalesce(f.pathway_plan_due_on < p_on, false) AS plan_overdue,
               coalesce(f.next_visit_due_on < p_on, false) AS visit_overdue
        FROM care_leaver_allocation_periods ap
        JOIN care_leavers c ON c.id = ap.care_leaver_id
        JOIN care_leaver_status_periods s ON s.care_leaver_id = c.id AND s.valid @> p_on
        CROSS JOIN LATERAL care_leaver_facts(c, p_on, p_days) f
        WHERE ap.adviser_id = p_adviser AND ap.valid @> p_on AND cl_case_open_on(c, p_on)
    )
    SELECT json_build_object(
        'adviser_id', a.id, 'as_at', p_on, 'caseload_limit', a.caseload_limit,
        'fte', a.fte, 'count', count(*), 'over_limit', count(*) > a.caseload_limit,
        'by_category', json_build_object(
            'eligible', count(*) FILTER (WHERE cl.category = 'eligible'),
            'relevant', count(*) FILTER (WHERE cl.category = 'relevant'),
            'former_relevant', count(*) FILTER (WHERE cl.category = 'former_relevant'),
            'qualifying', count(*) FILTER (WHERE cl.category = 'qualifying')),
        'by_contact_status', json_build_object(
            'in_touch', count(*) FILTER (WHERE cl.status = 'in_touch'),
            'not_in_touch', count(*) FILTER (WHERE cl.status = 'not_in_touch'),
            'refuses_contact', count(*) FILTER (WHERE cl.status = 'refuses_contact'),
            'no_longer_requires_services',
                count(*) FILTER (WHERE cl.status = 'no_longer_requires_services'),
            'died', count(*) FILTER (WHERE cl.status = 'died'),
            'returned_home', count(*) FILTER (WHERE cl.status = 'returned_home')),
        'visits_overdue', count(*) FILTER (WHERE cl.visit_overdue),
        'plans_overdue', count(*) FILTER (WHERE cl.plan_overdue),
        'not_in_touch', count(*) FILTER (WHERE cl.status <> 'in_touch'))::text,
        NULL::integer, a.id
    FROM cl;
END
$$;
