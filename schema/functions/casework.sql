-- /v1/care-leavers/{id}/pathway-plans, /contacts and /contact-status-events
-- (api/casework.c): everything hangs off a care leaver the caller can reach (row-level
-- security on care_leavers), so another adviser's care leaver answers 404 on every nested
-- path. Reads and lists are audited.

-- The care leaver a nested request is about, or 404 when it does not exist or the caller may
-- not reach it. p_lock: take a row lock so version numbers and the single current plan are
-- assigned one request at a time.
CREATE FUNCTION care_leaver_for_nested(p_id uuid, p_lock boolean) RETURNS care_leavers
    LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers;
BEGIN
    IF p_lock THEN
        SELECT * INTO c FROM care_leavers x
        WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id)
        FOR UPDATE;
    ELSE
        SELECT * INTO c FROM care_leavers x
        WHERE x.id = p_id AND cl_can_see_care_leaver(x.adviser_id, x.id);
    END IF;
    PERFORM cl_found(FOUND, 'care leaver');
    RETURN c;
END
$$;

-- The date the young person died, if recorded.
CREATE FUNCTION cl_died_on(p_care_leaver uuid) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT e.occurred_on FROM contact_status_events e
    WHERE e.care_leaver_id = p_care_leaver AND e.status = 'died'
$$;

CREATE FUNCTION pathway_plan_json(p pathway_plans) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', p.id, 'care_leaver_id', p.care_leaver_id, 'version_no', p.version_no,
        'status', p.status, 'started_on', p.started_on, 'reviewed_on', p.reviewed_on,
        'next_review_due', cl_plan_review_due(p, current_date),
        'review_overdue', p.status = 'current' AND cl_plan_review_due(p, current_date) < current_date,
        'superseded_on', p.superseded_on,
        'accommodation', p.accommodation, 'eet', p.eet,
        'health_and_wellbeing', p.health_and_wellbeing, 'finance', p.finance,
        'relationships_and_identity', p.relationships_and_identity,
        'practical_and_life_skills', p.practical_and_life_skills,
        'created_by', p.created_by, 'version', p.version, 'created_at', cl_ts(p.created_at),
        'updated_at', cl_ts(p.updated_at))::text
$$;

CREATE FUNCTION pathway_plan_problems(n pathway_plans, c care_leavers) RETURNS text[]
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e text[] := '{}';
BEGIN
    IF n.started_on < c.date_of_birth THEN
        e := e || 'started_on: must not be before the date of birth'::text;
    END IF;
    IF n.reviewed_on < n.started_on THEN
        e := e || 'reviewed_on: must not be before started_on'::text;
    END IF;
    RETURN e;
END
$$;

-- Makes plan version n current: the current one (if any) is superseded from n's start. A
-- version cannot become current before the one it replaces began.
CREATE FUNCTION pathway_plan_supersede(n pathway_plans) RETURNS void LANGUAGE plpgsql AS $$
DECLARE
    cur pathway_plans;
BEGIN
    SELECT * INTO cur FROM pathway_plans x
    WHERE x.care_leaver_id = n.care_leaver_id AND x.status = 'current' AND x.id <> n.id
    FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF cur.started_on > n.started_on THEN
        PERFORM cl_fail('CL409', 'the current plan version started after this one');
    END IF;
    UPDATE pathway_plans x SET status = 'superseded', superseded_on = n.started_on,
        version = x.version + 1, updated_at = now()
    WHERE x.id = cur.id;
    PERFORM cl_audit('transition', 'pathway_plan', cur.id,
                     jsonb_build_object('care_leaver_id', cur.care_leaver_id,
                                        'from', 'current', 'to', 'superseded'));
END
$$;

CREATE FUNCTION pathway_plan_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, true);
    n pathway_plans;
BEGIN
    IF c.status = 'closed' THEN
        PERFORM cl_fail('CL409', 'the case is closed');
    END IF;
    n.id := gen_random_uuid();
    n.care_leaver_id := c.id;
    n.status := coalesce(p->>'status', 'draft');
    n.started_on := (p->>'started_on')::date;
    n.reviewed_on := (p->>'reviewed_on')::date;
    PERFORM cl_fail_fields(pathway_plan_problems(n, c) ||
        CASE WHEN n.status = 'superseded'
             THEN ARRAY['status: a new version is draft or current'] ELSE '{}'::text[] END);
    IF n.status = 'current' THEN
        PERFORM pathway_plan_supersede(n);
    END IF;
    INSERT INTO pathway_plans (id, care_leaver_id, version_no, status, started_on, reviewed_on,
                               accommodation, eet, health_and_wellbeing, finance,
                               relationships_and_identity, practical_and_life_skills,
                               created_by)
    VALUES (n.id, c.id,
            coalesce((SELECT max(x.version_no) FROM pathway_plans x
                      WHERE x.care_leaver_id = c.id), 0) + 1,
            n.status, n.started_on, n.reviewed_on,
            coalesce(p->>'accommodation', ''), coalesce(p->>'eet', ''),
            coalesce(p->>'health_and_wellbeing', ''), coalesce(p->>'finance', ''),
            coalesce(p->>'relationships_and_identity', ''),
            coalesce(p->>'practical_and_life_skills', ''), cl_sub())
    RETURNING * INTO n;
    PERFORM cl_audit('create', 'pathway_plan', n.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT pathway_plan_json(n), n.version, n.id;
END
$$;

CREATE FUNCTION pathway_plan_read(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::pathway_plans, 'pathway_plan', p_cl,
        p_id, true);
END
$$;

-- Merge patch. Drafts change freely and may become current; a current version takes its
-- review date and needs sections; superseded versions are history and never change.
CREATE FUNCTION pathway_plan_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, true);
    o pathway_plans := cl_patch_open(NULL::pathway_plans, p_id, p_version,
                                     'pathway plan', 'care_leaver_id', c.id);
    n pathway_plans;
BEGIN
    IF o.status = 'superseded' THEN
        PERFORM cl_fail('CL409', 'a superseded plan version cannot change');
    END IF;
    IF p->>'status' = 'superseded' THEN
        PERFORM cl_fail('CL409', 'a version is superseded by making another version current');
    END IF;
    IF o.status = 'current' AND p->>'status' = 'draft' THEN
        PERFORM cl_fail('CL409', 'a current plan version cannot go back to draft');
    END IF;
    IF o.status = 'current' AND p ? 'started_on' AND (p->>'started_on')::date <> o.started_on THEN
        PERFORM cl_fail('CL409', 'started_on can change only while the version is a draft');
    END IF;
    n := o;
    IF p ? 'status' THEN n.status := p->>'status'; END IF;
    IF p ? 'started_on' THEN n.started_on := (p->>'started_on')::date; END IF;
    IF p ? 'reviewed_on' THEN n.reviewed_on := (p->>'reviewed_on')::date; END IF;
    PERFORM cl_fail_fields(pathway_plan_problems(n, c));
    IF n.status = 'current' AND o.status = 'draft' THEN
        IF c.status = 'closed' THEN
            PERFORM cl_fail('CL409', 'the case is closed');
        END IF;
        PERFORM pathway_plan_supersede(n);
    END IF;
    UPDATE pathway_plans x SET
        status = n.status, started_on = n.started_on, reviewed_on = n.reviewed_on,
        accommodation = coalesce(p->>'accommodation', x.accommodation),
        eet = coalesce(p->>'eet', x.eet),
        health_and_wellbeing = coalesce(p->>'health_and_wellbeing', x.health_and_wellbeing),
        finance = coalesce(p->>'finance', x.finance),
        relationships_and_identity =
            coalesce(p->>'relationships_and_identity', x.relationships_and_identity),
        practical_and_life_skills =
            coalesce(p->>'practical_and_life_skills', x.practical_and_life_skills),
        version = x.version + 1, updated_at = now()
    WHERE x.id = o.id
    RETURNING * INTO n;
    PERFORM cl_audit_patch('pathway_plan', n.id, p, jsonb_build_object('care_leaver_id', c.id));
    IF n.status <> o.status THEN
        PERFORM cl_audit('transition', 'pathway_plan', n.id,
                         jsonb_build_object('care_leaver_id', c.id, 'from', o.status,
                                            'to', n.status));
    END IF;
    RETURN QUERY SELECT pathway_plan_json(n), n.version, n.id;
END
$$;

-- Versions newest first (keyset on version_no).
CREATE FUNCTION pathway_plan_list(p_cl uuid, p_status text, p_k1 integer, p_limit integer)
RETURNS TABLE (body text, version_no text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    RETURN QUERY
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT x AS r FROM pathway_plans x
              WHERE x.care_leaver_id = c.id
                AND (p_status IS NULL OR x.status = p_status)
                AND (p_k1 IS NULL OR x.version_no < p_k1)
              ORDER BY x.version_no DESC LIMIT p_limit) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'pathway_plan', (page.r).id, cl_request_id(),
               jsonb_build_object('care_leaver_id', c.id)
        FROM page WHERE page.n < p_limit
    )
    SELECT pathway_plan_json(page.r), (page.r).version_no::text
    FROM page ORDER BY (page.r).version_no DESC;
END
$$;

CREATE FUNCTION contact_json(k contacts, p_recorded_days integer) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', k.id, 'care_leaver_id', k.care_leaver_id, 'occurred_on', k.occurred_on,
        'method', k.method, 'adviser_id', k.adviser_id, 'successful', k.successful,
        'statutory_visit', k.statutory_visit, 'recorded_on', k.recorded_on,
        'recorded_at', cl_ts(k.recorded_at), 'imported', k.imported,
        'working_days_to_record', cl_working_days(k.occurred_on, k.recorded_on),
        'recorded_in_time', cl_recorded_in_time(k.occurred_on, k.recorded_on, k.imported,
                                                p_recorded_days),
        'notes', k.notes, 'created_by', k.created_by, 'version', k.version,
        'created_at', cl_ts(k.created_at))::text
$$;

CREATE FUNCTION contact_create(p_cl uuid, p jsonb, p_recorded_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
    k contacts;
    e text[] := '{}';
    v_died date := cl_died_on(p_cl);
BEGIN
    k.id := gen_random_uuid();
    k.occurred_on := (p->>'occurred_on')::date;
    k.method := p->>'method';
    k.adviser_id := CASE WHEN p ? 'adviser_id' THEN (p->>'adviser_id')::uuid
                         WHEN cl_role() = 'adviser' THEN cl_adviser_id()
                         ELSE c.adviser_id END;
    k.successful := (p->>'successful')::boolean;
    k.statutory_visit := coalesce((p->>'statutory_visit')::boolean, false);
    -- recorded when the server says so; only the service role's import of historic contacts
    -- gives its own day, and an imported contact never counts as recorded in time
    k.imported := coalesce((p->>'imported')::boolean, false);
    IF k.imported AND cl_role() <> 'service' THEN
        PERFORM cl_fail('CL403', 'only the service role imports historic contacts');
    END IF;
    k.recorded_at := now();
    k.recorded_on := CASE WHEN k.imported THEN (p->>'recorded_on')::date ELSE current_date END;
    IF p ? 'recorded_on' AND NOT k.imported THEN
        e := e || 'recorded_on: is the server''s day of recording (only the service role''s import of historic contacts gives it)'::text;
    ELSIF k.imported AND k.recorded_on IS NULL THEN
        e := e || 'recorded_on: an imported contact gives the day it was recorded'::text;
    END IF;
    IF k.occurred_on < c.date_of_birth THEN
        e := e || 'occurred_on: must not be before the date of birth'::text;
    END IF;
    IF k.recorded_on < k.occurred_on THEN
        e := e || 'recorded_on: must not be before occurred_on'::text;
    END IF;
    IF k.statutory_visit AND k.method NOT IN ('home_visit', 'other_visit') THEN
        e := e || 'statutory_visit: only a home_visit or other_visit can be a statutory visit'::text;
    END IF;
    IF k.adviser_id IS NOT NULL AND NOT EXISTS (SELECT 1 FROM advisers a WHERE a.id = k.adviser_id)
    THEN
        e := e || 'adviser_id: no such adviser'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    IF v_died IS NOT NULL AND k.occurred_on > v_died AND k.successful THEN
        PERFORM cl_fail('CL409', 'a death is recorded before this date');
    END IF;
    INSERT INTO contacts (id, care_leaver_id, occurred_on, method, adviser_id, successful,
                          statutory_visit, recorded_on, recorded_at, imported, notes,
                          created_by)
    VALUES (k.id, c.id, k.occurred_on, k.method, k.adviser_id, k.successful,
            k.statutory_visit, k.recorded_on, k.recorded_at, k.imported,
            coalesce(p->>'notes', ''), cl_sub())
    RETURNING * INTO k;
    PERFORM cl_audit('create', 'contact', k.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT contact_json(k, p_recorded_days), k.version, k.id;
END
$$;

CREATE FUNCTION contact_read(p_cl uuid, p_id uuid, p_recorded_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
    k contacts;
BEGIN
    SELECT * INTO k FROM contacts x WHERE x.id = p_id AND x.care_leaver_id = c.id;
    PERFORM cl_found(FOUND, 'contact');
    PERFORM cl_audit('read', 'contact', k.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT contact_json(k, p_recorded_days), k.version, k.id;
END
$$;

-- Newest first (keyset on occurred_on, id), optionally only statutory visits or successful
-- contacts, within [p_from, p_to].
CREATE FUNCTION contact_list(p_cl uuid, p_statutory boolean, p_successful boolean,
                             p_from date, p_to date, p_k1 date, p_k2 uuid, p_limit integer,
                             p_recorded_days integer)
RETURNS TABLE (body text, occurred_on text, id text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    RETURN QUERY
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT x AS r FROM contacts x
              WHERE x.care_leaver_id = c.id
                AND (p_statutory IS NULL OR x.statutory_visit = p_statutory)
                AND (p_successful IS NULL OR x.successful = p_successful)
                AND (p_from IS NULL OR x.occurred_on >= p_from)
                AND (p_to IS NULL OR x.occurred_on <= p_to)
                AND (p_k1 IS NULL OR (x.occurred_on, x.id) < (p_k1, p_k2))
              ORDER BY x.occurred_on DESC, x.id DESC LIMIT p_limit) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'contact', (page.r).id, cl_request_id(),
               jsonb_build_object('care_leaver_id', c.id)
        FROM page WHERE page.n < p_limit
    )
    SELECT contact_json(page.r, p_recorded_days), (page.r).occurred_on::text, (page.r).id::text
    FROM page ORDER BY (page.r).occurred_on DESC, (page.r).id DESC;
END
$$;

CREATE FUNCTION contact_status_event_json(e contact_status_events) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', e.id, 'care_leaver_id', e.care_leaver_id, 'status', e.status,
        'occurred_on', e.occurred_on, 'notes', e.notes, 'created_by', e.created_by,
        'version', e.version, 'created_at', cl_ts(e.created_at))::text
$$;

CREATE FUNCTION contact_status_event_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, true);
    n contact_status_events;
    e text[] := '{}';
BEGIN
    n.status := p->>'status';
    n.occurred_on := (p->>'occurred_on')::date;
    IF n.occurred_on < c.date_of_birth THEN
        e := e || 'occurred_on: must not be before the date of birth'::text;
    END IF;
    IF n.status = 'died' AND EXISTS (SELECT 1 FROM contacts k WHERE k.care_leaver_id = c.id
                                      AND k.successful AND k.occurred_on > n.occurred_on) THEN
        e := e || 'occurred_on: a successful contact is recorded after this date'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    IF cl_died_on(c.id) IS NOT NULL THEN
        PERFORM cl_fail('CL409', 'a death is recorded; it is final');
    END IF;
    INSERT INTO contact_status_events (care_leaver_id, status, occurred_on, notes, created_by)
    VALUES (c.id, n.status, n.occurred_on, coalesce(p->>'notes', ''), cl_sub())
    RETURNING * INTO n;
    PERFORM cl_audit('create', 'contact_status_event', n.id,
                     jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT contact_status_event_json(n), n.version, n.id;
END
$$;

CREATE FUNCTION contact_status_event_list(p_cl uuid, p_k1 date, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, occurred_on text, id text) LANGUAGE plpgsql AS $$
#variable_conflict use_column
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    RETURN QUERY
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT x AS r FROM contact_status_events x
              WHERE x.care_leaver_id = c.id
                AND (p_k1 IS NULL OR (x.occurred_on, x.id) < (p_k1, p_k2))
              ORDER BY x.occurred_on DESC, x.id DESC LIMIT p_limit) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'contact_status_event', (page.r).id,
               cl_request_id(), jsonb_build_object('care_leaver_id', c.id)
        FROM page WHERE page.n < p_limit
    )
    SELECT contact_status_event_json(page.r), (page.r).occurred_on::text, (page.r).id::text
    FROM page ORDER BY (page.r).occurred_on DESC, (page.r).id DESC;
END
$$;

CREATE FUNCTION contact_status_event_read(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
    n contact_status_events;
BEGIN
    SELECT * INTO n FROM contact_status_events x WHERE x.id = p_id AND x.care_leaver_id = c.id;
    PERFORM cl_found(FOUND, 'contact-status event');
    PERFORM cl_audit('read', 'contact_status_event', n.id,
                     jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT contact_status_event_json(n), n.version, n.id;
END
$$;
