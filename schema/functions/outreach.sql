-- /v1/outreach-contacts (api/outreach.c): the 21-25 duty (CSWA 2017 s 3). Attempts to reach
-- care leavers aged 21 to 25 on the day the attempt was sent, who are not receiving a service,
-- their responses, and the summary a council puts in front of its Corporate Parenting Board
-- (sent, replies, response rate, share wanting a service, share no longer at the address),
-- suppressed for the board role as the Board report suppresses a breakdown.

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

-- Create with the whole rule: the field checks and the age on sent_on (CL422, every
-- field at once), then who outreach is for (CL409). The care leaver is found within the
-- caller's scope (care_leaver_for_nested, care_leaver.sql) before anything else.
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
    IF c.category <> 'former_relevant' THEN
        PERFORM cl_fail('CL409', 'outreach is for former relevant care leavers only');
    END IF;
    IF cl_receiving_service_on(c, n.sent_on) THEN
        PERFORM cl_fail('CL409', 'the case was open on sent_on: outreach is for care leavers '
                        'not receiving a service');
    END IF;
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

-- Each query below also asks whether the caller may reach the care leaver the attempt was sent
-- to, written out so the planner keeps it in the query (a SQL function holding a sub-select
-- would be planned again on every call).
CREATE FUNCTION outreach_contact_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n outreach_contacts;
BEGIN
    SELECT * INTO n FROM outreach_contacts x
    WHERE x.id = p_id
      AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                  AND cl_can_see_care_leaver(c.adviser_id, c.id));
    PERFORM cl_found(FOUND, 'outreach contact');
    PERFORM cl_audit('read', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', n.care_leaver_id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- Merge patch of the response (response, responded_on, notes), guarded by If-Match,
-- finding the attempt only within the caller's scope and only for the roles that write a care
-- leaver's records.
CREATE FUNCTION outreach_contact_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    o outreach_contacts;
    n outreach_contacts;
BEGIN
    SELECT * INTO o FROM outreach_contacts x
    WHERE x.id = p_id
      AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                  AND cl_can_see_care_leaver(c.adviser_id, c.id)
                  AND cl_can_write_care_leaver(c.adviser_id))
    FOR UPDATE OF x;
    PERFORM cl_found(FOUND, 'outreach contact');
    PERFORM cl_if_match(p_version, o.version, 'outreach contact');
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
    PERFORM cl_audit_patch('outreach_contact', n.id, p, jsonb_build_object('care_leaver_id', n.care_leaver_id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;

-- The list, newest first (keyset on sent_on, id). Filtering by a care leaver the caller
-- cannot reach is 404 (care_leaver_for_nested); without that filter each attempt's care
-- leaver must be within the caller's scope. For the roles that see every care leaver the
-- first arm of the OR settles it without looking the care leaver up.
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
                AND (cl_sees_all()
                     OR EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                                AND cl_can_see_care_leaver(c.adviser_id, c.id)))
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

-- Whether the young person was receiving a service from the leaving care team on p_on.
CREATE FUNCTION cl_receiving_service_on(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_case_open_on(c, p_on)
$$;

CREATE FUNCTION outreach_contact_summary(p_from date, p_to date, p_suppress_below integer)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_board boolean := cl_role() = 'board';
    sent bigint;
    people bigint;
    replies bigint;
    parts bigint[];  -- wants_service, declined, not_at_address, no reply
    hide boolean[] := ARRAY[false, false, false, false];
    hide_sent boolean := false;
    hide_people boolean := false;
    hide_replies boolean := false;
    pick integer;
BEGIN
    SELECT count(*), count(DISTINCT o.care_leaver_id),
           count(*) FILTER (WHERE o.replied),
           ARRAY[count(*) FILTER (WHERE o.replied AND o.response = 'wants_service'),
                 count(*) FILTER (WHERE o.replied AND o.response = 'declined'),
                 count(*) FILTER (WHERE o.replied AND o.response = 'not_at_address'),
                 count(*) FILTER (WHERE NOT o.replied)]
    INTO sent, people, replies, parts
    FROM (SELECT x.care_leaver_id, x.response,
                 x.response <> 'none' AND (NOT v_board OR x.responded_on <= p_to) AS replied
          FROM outreach_contacts x
          JOIN care_leavers c ON c.id = x.care_leaver_id
          WHERE (p_from IS NULL OR x.sent_on >= p_from) AND (p_to IS NULL OR x.sent_on <= p_to)
            AND (cl_role() IN ('manager', 'admin', 'service', 'board')
                 OR (cl_role() = 'adviser' AND c.adviser_id = cl_adviser_id()))) o;

    IF v_board AND p_suppress_below > 1 THEN
        hide_sent := sent BETWEEN 1 AND p_suppress_below - 1;
        hide_people := people BETWEEN 1 AND p_suppress_below - 1;
        hide_replies := replies BETWEEN 1 AND p_suppress_below - 1;
        FOR i IN 1..4 LOOP
            hide[i] := parts[i] BETWEEN 1 AND p_suppress_below - 1;
        END LOOP;
        -- a small no-reply: sent less replies would give it
        hide_replies := hide_replies OR hide[4];
        -- exactly one part hidden: hide the smallest other non-zero part shown as well
        IF (SELECT count(*) FROM unnest(hide) h WHERE h) = 1 THEN
            SELECT i INTO pick FROM generate_series(1, 3) i
            WHERE NOT hide[i] AND parts[i] > 0 ORDER BY parts[i], i LIMIT 1;
            IF pick IS NOT NULL THEN
                hide[pick] := true;
            END IF;
        END IF;
        -- hidden replies are the sum of their three parts when all three are shown
        IF hide_replies AND NOT (hide[1] OR hide[2] OR hide[3]) THEN
            SELECT i INTO pick FROM generate_series(1, 3) i
            WHERE parts[i] > 0 ORDER BY parts[i], i LIMIT 1;
            IF pick IS NOT NULL THEN
                hide[pick] := true;
            END IF;
        END IF;
    END IF;

    RETURN QUERY SELECT (jsonb_build_object(
        'from', p_from, 'to', p_to,
        'sent', CASE WHEN NOT hide_sent THEN sent END,
        'people', CASE WHEN NOT hide_people THEN people END,
        'replies', CASE WHEN NOT hide_replies THEN replies END,
        'response_rate_pct', CASE WHEN NOT (hide_sent OR hide_replies)
                                  THEN round(100.0 * replies / nullif(sent, 0), 1) END,
        'wants_service', CASE WHEN NOT hide[1] THEN parts[1] END,
        'wants_service_pct_of_replies',
            CASE WHEN NOT (hide[1] OR hide_replies)
                 THEN round(100.0 * parts[1] / nullif(replies, 0), 1) END,
        'declined', CASE WHEN NOT hide[2] THEN parts[2] END,
        'not_at_address', CASE WHEN NOT hide[3] THEN parts[3] END,
        'not_at_address_pct_of_replies',
            CASE WHEN NOT (hide[3] OR hide_replies)
                 THEN round(100.0 * parts[3] / nullif(replies, 0), 1) END)
        || CASE WHEN v_board THEN jsonb_build_object('suppress_below', p_suppress_below)
                ELSE '{}'::jsonb END)::text,
        NULL::integer, NULL::uuid;
END
$$;
