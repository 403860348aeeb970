-- /v1/outreach-contacts: the 21-25 duty (CSWA 2017 s 3). Attempts to reach care leavers aged
-- 21 to 25 on the day the attempt was sent, their responses, and the summary a council puts
-- in front of its Corporate Parenting Board (sent, replies, response rate, share wanting a
-- service, share no longer at the address).

CREATE FUNCTION outreach_contact_json(o outreach_contacts) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', o.id, 'care_leaver_id', o.care_leaver_id, 'sent_on', o.sent_on,
        'channel', o.channel, 'response', o.response, 'responded_on', o.responded_on,
        'notes', o.notes,
        'age_when_sent', (SELECT cl_age_on(c.date_of_birth, o.sent_on) FROM care_leavers c
                          WHERE c.id = o.care_leaver_id),
        'created_by', o.created_by, 'version', o.version, 'created_at', cl_ts(o.created_at),
        'updated_at', cl_ts(o.updated_at))::text
$$;

CREATE FUNCTION outreach_contact_problems(n outreach_contacts) RETURNS text[]
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e text[] := '{}';
BEGIN
    IF n.response <> 'none' AND n.responded_on IS NULL THEN
        e := e || 'responded_on: is required with a response'::text;
    ELSIF n.response = 'none' AND n.responded_on IS NOT NULL THEN
        e := e || 'responded_on: only a response has one'::text;
    ELSIF n.responded_on < n.sent_on THEN
        e := e || 'responded_on: must not be before sent_on'::text;
    END IF;
    RETURN e;
END
$$;

CREATE FUNCTION outreach_contact_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested((p->>'care_leaver_id')::uuid, false);
    n outreach_contacts;
    e text[];
BEGIN
    n.sent_on := (p->>'sent_on')::date;
    n.channel := p->>'channel';
    n.response := coalesce(p->>'response', 'none');
    n.responded_on := (p->>'responded_on')::date;
    e := outreach_contact_problems(n);
    IF cl_age_on(c.date_of_birth, n.sent_on) NOT BETWEEN 21 AND 25 THEN
        e := e || 'sent_on: the care leaver must be aged 21 to 25 on this date'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, response, responded_on,
                                   notes, created_by)
    VALUES (c.id, n.sent_on, n.channel, n.response, n.responded_on,
            coalesce(p->>'notes', ''), cl_sub())
    RETURNING * INTO n;
    PERFORM cl_audit('create', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

CREATE FUNCTION outreach_contact_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n outreach_contacts;
BEGIN
    SELECT * INTO n FROM outreach_contacts x WHERE x.id = p_id;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such outreach contact');
    END IF;
    PERFORM cl_audit('read', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', n.care_leaver_id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- Merge patch of the response (response, responded_on, notes), guarded by If-Match.
CREATE FUNCTION outreach_contact_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o outreach_contacts;
    n outreach_contacts;
BEGIN
    SELECT * INTO o FROM outreach_contacts x WHERE x.id = p_id FOR UPDATE;
    IF NOT FOUND THEN
        PERFORM cl_fail('CL404', 'no such outreach contact');
    END IF;
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> o.version::text THEN
        PERFORM cl_fail('CL412', 'the outreach contact has changed since it was read');
    END IF;
    n := o;
    IF p ? 'response' THEN n.response := p->>'response'; END IF;
    IF p ? 'responded_on' THEN
        n.responded_on := (p->>'responded_on')::date;
    ELSIF n.response = 'none' THEN
        n.responded_on := NULL;
    END IF;
    IF p ? 'notes' THEN n.notes := p->>'notes'; END IF;
    PERFORM cl_fail_fields(outreach_contact_problems(n));
    UPDATE outreach_contacts x SET response = n.response, responded_on = n.responded_on,
        notes = n.notes, version = x.version + 1, updated_at = now()
    WHERE x.id = o.id
    RETURNING * INTO n;
    PERFORM cl_audit('update', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', n.care_leaver_id, 'fields',
                                        (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- Newest first (keyset on sent_on, id). Filtering by a care leaver the caller cannot reach
-- is 404.
CREATE FUNCTION outreach_contact_list(p_cl uuid, p_response text, p_channel text,
                                      p_from date, p_to date, p_k1 date, p_k2 uuid,
                                      p_limit integer)
RETURNS TABLE (body text, sent_on text, id text) LANGUAGE plpgsql AS $$
BEGIN
    IF p_cl IS NOT NULL THEN
        PERFORM care_leaver_for_nested(p_cl, false);
    END IF;
    -- planned for the values given (see care_leaver_list)
    RETURN QUERY EXECUTE $q$
    WITH page AS (
        SELECT s.r, row_number() OVER () AS n
        FROM (SELECT x AS r FROM outreach_contacts x
              WHERE ($1 IS NULL OR x.care_leaver_id = $1)
                AND ($2 IS NULL OR x.response = $2)
                AND ($3 IS NULL OR x.channel = $3)
                AND ($4 IS NULL OR x.sent_on >= $4)
                AND ($5 IS NULL OR x.sent_on <= $5)
                AND ($6 IS NULL OR (x.sent_on, x.id) < ($6, $7))
              ORDER BY x.sent_on DESC, x.id DESC LIMIT $8) s
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'outreach_contact', (page.r).id, cl_request_id(),
               jsonb_build_object('care_leaver_id', (page.r).care_leaver_id)
        FROM page WHERE page.n < $8
    )
    SELECT outreach_contact_json(page.r), (page.r).sent_on::text, (page.r).id::text
    FROM page ORDER BY (page.r).sent_on DESC, (page.r).id DESC
    $q$ USING p_cl, p_response, p_channel, p_from, p_to, p_k1, p_k2, p_limit;
END
$$;

-- Aggregates only, so the Board may see it: SECURITY DEFINER reads every attempt, then the
-- caller's scope applies (an adviser counts only its own caseload). Percentages to one
-- decimal place; shares are of replies; null when there is nothing to divide by.
CREATE FUNCTION outreach_contact_summary(p_from date, p_to date)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    WITH o AS (
        SELECT x.care_leaver_id, x.response FROM outreach_contacts x
        JOIN care_leavers c ON c.id = x.care_leaver_id
        WHERE (p_from IS NULL OR x.sent_on >= p_from) AND (p_to IS NULL OR x.sent_on <= p_to)
          AND (cl_role() IN ('manager', 'admin', 'service', 'board')
               OR (cl_role() = 'adviser' AND c.adviser_id = cl_adviser_id()))
    ), t AS (
        SELECT count(*) AS sent, count(DISTINCT care_leaver_id) AS people,
               count(*) FILTER (WHERE response <> 'none') AS replies,
               count(*) FILTER (WHERE response = 'wants_service') AS wants_service,
               count(*) FILTER (WHERE response = 'declined') AS declined,
               count(*) FILTER (WHERE response = 'not_at_address') AS not_at_address
        FROM o
    )
    SELECT json_build_object(
        'from', p_from, 'to', p_to, 'sent', t.sent, 'people', t.people, 'replies', t.replies,
        'response_rate_pct', round(100.0 * t.replies / nullif(t.sent, 0), 1),
        'wants_service', t.wants_service,
        'wants_service_pct_of_replies', round(100.0 * t.wants_service / nullif(t.replies, 0), 1),
        'declined', t.declined,
        'not_at_address', t.not_at_address,
        'not_at_address_pct_of_replies',
            round(100.0 * t.not_at_address / nullif(t.replies, 0), 1))::text,
        NULL::integer, NULL::uuid
    FROM t
$$;
REVOKE ALL ON FUNCTION outreach_contact_summary(date, date) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outreach_contact_summary(date, date) TO cl_app;
