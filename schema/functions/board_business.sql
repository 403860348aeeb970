-- The Board's own business (issue 22; api/board_business.c, api/indicators.c, worker
-- board_report.c and indicator_snapshot.c): meetings and their actions with the history of
-- each, narrative sections, baselines and targets per indicator, the actions, sections and
-- standards a report shows, and the daily snapshot of every Board figure with the reading of
-- a date's figures from it (or from board_report when no snapshot of the date exists).

-- ---- meetings -----------------------------------------------------------------------------------

CREATE FUNCTION board_meeting_json(m board_meetings) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'held_on', m.held_on, 'title', m.title, 'report_job_id', m.report_job_id,
        'created_by', m.created_by, 'version', m.version, 'created_at', cl_ts(m.created_at),
        'updated_at', cl_ts(m.updated_at))::text
$$;

-- A meeting on a date (one a day); the report job, when named, must be a Board report the
-- caller can see.
CREATE FUNCTION board_meeting_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m board_meetings;
BEGIN
    IF p->>'report_job_id' IS NOT NULL
       AND NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = (p->>'report_job_id')::uuid
                       AND j.kind = 'board_report') THEN
        PERFORM cl_fail_field('report_job_id', 'is not a Board report job');
    END IF;
    IF EXISTS (SELECT 1 FROM board_meetings x WHERE x.held_on = (p->>'held_on')::date) THEN
        PERFORM cl_fail_field('held_on', 'there is already a meeting on this date');
    END IF;
    INSERT INTO board_meetings (held_on, title, report_job_id, created_by)
    VALUES ((p->>'held_on')::date, p->>'title', (p->>'report_job_id')::uuid, cl_sub())
    RETURNING * INTO m;
    PERFORM cl_audit('create', 'board_meeting', m.id);
    RETURN QUERY SELECT board_meeting_json(m), m.version, m.id;
END
$$;

CREATE FUNCTION board_meeting_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::board_meetings, 'board_meeting', p_id);
END
$$;

-- Newest first (keyset on held_on, id).
CREATE FUNCTION board_meeting_list(p_k1 date, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, held_on text, id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_page(NULL::board_meetings, 'board_meeting', 'held_on', true,
                                       p_k1::text, p_k2::text, p_limit);
END
$$;

-- The meeting of a nested path, or 404.
CREATE FUNCTION board_meeting_for(p_id uuid) RETURNS board_meetings LANGUAGE sql AS $$
    SELECT * FROM cl_row(NULL::board_meetings, p_id, 'board meeting')
$$;

-- The items (p_row's table: actions, sections) of meeting p_meeting, ordered by p_key: 404
-- for no such meeting.
CREATE FUNCTION board_item_list(p_row anyelement, p_type text, p_key text, p_meeting uuid,
                                p_k1 text, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM board_meeting_for(p_meeting);
    RETURN QUERY SELECT * FROM cl_page(p_row, p_type, p_key, false, p_k1, p_k2::text, p_limit,
                                       'meeting_id', p_meeting);
END
$$;

-- ---- actions ------------------------------------------------------------------------------------

-- An action's status on a date: that of its latest update on or before the date, else open.
-- closed_on: the date of the update that closed it, when it is closed on p_on.
CREATE FUNCTION board_action_status_on(p_action uuid, p_on date)
RETURNS TABLE (status text, closed_on date) LANGUAGE sql STABLE AS $$
    SELECT coalesce(u.status, 'open'), CASE WHEN u.status <> 'open' THEN u.on_date END
    FROM (SELECT 1) one
    LEFT JOIN LATERAL (SELECT x.status, x.on_date FROM board_action_updates x
                       WHERE x.action_id = p_action AND x.on_date <= p_on
                       ORDER BY x.on_date DESC, x.created_at DESC LIMIT 1) u ON true
$$;

CREATE FUNCTION board_action_json(a board_actions) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'meeting_id', a.meeting_id,
        'raised_on', (SELECT m.held_on FROM board_meetings m WHERE m.id = a.meeting_id),
        'number', a.number, 'text', a.text,
        'owner_name', a.owner_name, 'owner_role', a.owner_role,
        'due_on', a.due_on, 'status', a.status, 'requests_section', a.requests_section,
        'updates', coalesce((SELECT json_agg(json_build_object(
                                 'on', u.on_date, 'status', u.status, 'note', u.note,
                                 'created_by', u.created_by)
                             ORDER BY u.on_date, u.created_at)
                             FROM board_action_updates u WHERE u.action_id = a.id), '[]'),
        'created_by', a.created_by, 'version', a.version, 'created_at', cl_ts(a.created_at),
        'updated_at', cl_ts(a.updated_at))::text
$$;

-- The actions raised at a meeting, by number (keyset on number, id).
CREATE FUNCTION board_action_list(p_meeting uuid, p_k1 text, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, number text, id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM board_item_list(NULL::board_actions, 'board_action', 'number',
                                               p_meeting, p_k1, p_k2, p_limit);
END
$$;

CREATE FUNCTION board_action_read(p_meeting uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::board_actions, 'board_action', p_id,
                                      p_parent_col => 'meeting_id', p_parent => p_meeting);
END
$$;

-- An action of a meeting: due on or after the meeting, its number once per meeting.
CREATE FUNCTION board_action_create(p_meeting uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m board_meetings := board_meeting_for(p_meeting);
    a board_actions;
    e text[] := '{}';
BEGIN
    IF (p->>'due_on')::date < m.held_on THEN
        e := e || 'due_on: must not be before the meeting'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM board_actions x WHERE x.meeting_id = m.id
               AND x.number = p->>'number') THEN
        e := e || 'number: the meeting already has an action with this number'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    INSERT INTO board_actions (meeting_id, number, text, owner_name, owner_role, due_on,
                               requests_section, created_by)
    VALUES (m.id, p->>'number', p->>'text', p->>'owner_name', p->>'owner_role',
            (p->>'due_on')::date, p->>'requests_section', cl_sub())
    RETURNING * INTO a;
    PERFORM cl_audit('create', 'board_action', a.id, jsonb_build_object('meeting_id', m.id));
    RETURN QUERY SELECT board_action_json(a), a.version, a.id;
END
$$;

-- An update of an action: a dated note and the status it leaves (open, done, dropped). Closing
-- (done, dropped) needs a note; an update is not dated before the meeting that raised the
-- action nor after today, and a closed action takes no further update.
CREATE FUNCTION board_action_update(p_meeting uuid, p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m board_meetings := board_meeting_for(p_meeting);
    a board_actions;
    v_on date := (p->>'on')::date;
    v_status text := coalesce(p->>'status', 'open');
    e text[] := '{}';
BEGIN
    SELECT * INTO a FROM board_actions x WHERE x.id = p_id AND x.meeting_id = m.id
    FOR UPDATE;
    PERFORM cl_found(FOUND, 'board action');
    IF a.status <> 'open' THEN
        PERFORM cl_fail('CL409', 'the action is closed');
    END IF;
    IF btrim(coalesce(p->>'note', '')) = '' THEN
        e := e || CASE WHEN v_status = 'open' THEN 'note: is required'
                       ELSE 'note: closing an action needs a note' END;
    END IF;
    IF v_on < m.held_on THEN
        e := e || 'on: must not be before the meeting that raised the action'::text;
    END IF;
    IF EXISTS (SELECT 1 FROM board_action_updates u WHERE u.action_id = a.id
               AND u.on_date > v_on) THEN
        e := e || 'on: must not be before the action''s latest update'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    INSERT INTO board_action_updates (action_id, on_date, status, note, created_by)
    VALUES (a.id, v_on, v_status, p->>'note', cl_sub());
    UPDATE board_actions x SET status = v_status, version = x.version + 1, updated_at = now()
    WHERE x.id = a.id
    RETURNING * INTO a;
    PERFORM cl_audit('update', 'board_action', a.id,
                     jsonb_build_object('meeting_id', m.id, 'status', v_status));
    RETURN QUERY SELECT board_action_json(a), a.version, a.id;
END
$$;

-- ---- narrative sections -------------------------------------------------------------------------

CREATE FUNCTION board_section_json(s board_sections) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'meeting_id', s.meeting_id, 'title', s.title, 'body', s.body,
        'author_name', s.author_name, 'author_role', s.author_role,
        'approved_by', s.approved_by, 'approved_on', s.approved_on,
        'sort', s.sort, 'created_by', s.created_by, 'version', s.version,
        'created_at', cl_ts(s.created_at), 'updated_at', cl_ts(s.updated_at))::text
$$;

-- A section of a meeting's report; one title once per meeting.
CREATE FUNCTION board_section_create(p_meeting uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m board_meetings := board_meeting_for(p_meeting);
    s board_sections;
BEGIN
    IF EXISTS (SELECT 1 FROM board_sections x WHERE x.meeting_id = m.id
               AND lower(x.title) = lower(p->>'title')) THEN
        PERFORM cl_fail_field('title', 'the meeting already has a section with this title');
    END IF;
    IF (p->>'approved_by' IS NULL) <> (p->>'approved_on' IS NULL) THEN
        PERFORM cl_fail_field('approved_on', 'is given with approved_by, and only with it');
    END IF;
    INSERT INTO board_sections (meeting_id, title, body, author_name, author_role,
                                approved_by, approved_on, sort, created_by)
    VALUES (m.id, p->>'title', p->>'body', p->>'author_name', p->>'author_role',
            p->>'approved_by', (p->>'approved_on')::date,
            coalesce((p->>'sort')::integer, 0), cl_sub())
    RETURNING * INTO s;
    PERFORM cl_audit('create', 'board_section', s.id, jsonb_build_object('meeting_id', m.id));
    RETURN QUERY SELECT board_section_json(s), s.version, s.id;
END
$$;

CREATE FUNCTION board_section_read(p_meeting uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::board_sections, 'board_section', p_id,
                                      p_parent_col => 'meeting_id', p_parent => p_meeting);
END
$$;

CREATE FUNCTION board_section_list(p_meeting uuid, p_k1 text, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, title text, id text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM board_item_list(NULL::board_sections, 'board_section', 'title',
                                               p_meeting, p_k1, p_k2, p_limit);
END
$$;

-- ---- targets and baselines ----------------------------------------------------------------------

CREATE FUNCTION board_target_json(t board_targets) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('indicator', t.code, 'value', t.value, 'direction', t.direction,
                             'tolerance', t.tolerance, 'set_by', t.set_by,
                             'version', t.version, 'updated_at', cl_ts(t.updated_at))::text
$$;

-- Sets (or replaces) the target of an indicator of the Board report.
CREATE FUNCTION board_target_set(p jsonb)
RETURNS TABLE (body text, version integer, id text) LANGUAGE plpgsql AS $$
DECLARE
    t board_targets;
    v_kind text;
BEGIN
    SELECT d.kind INTO v_kind FROM board_indicators d WHERE d.code = p->>'indicator';
    IF NOT FOUND THEN
        PERFORM cl_fail_field('indicator', 'is not an indicator of the Board report');
    END IF;
    IF v_kind = 'pct' AND (p->>'value')::numeric > 100 THEN
        PERFORM cl_fail_field('value', 'a percentage target is at most 100');
    END IF;
    INSERT INTO board_targets (code, value, direction, tolerance, set_by)
    VALUES (p->>'indicator', (p->>'value')::numeric, p->>'direction',
            coalesce((p->>'tolerance')::numeric, 0), cl_sub())
    ON CONFLICT (code) DO UPDATE SET value = excluded.value, direction = excluded.direction,
        tolerance = excluded.tolerance, set_by = excluded.set_by,
        version = board_targets.version + 1, updated_at = now()
    RETURNING * INTO t;
    PERFORM cl_audit('update', 'board_target', NULL, jsonb_build_object('indicator', t.code));
    RETURN QUERY SELECT board_target_json(t), t.version, t.code;
END
$$;

CREATE FUNCTION board_target_read(p_code text)
RETURNS TABLE (body text, version integer, id text) LANGUAGE plpgsql AS $$
DECLARE
    t board_targets;
BEGIN
    SELECT * INTO t FROM board_targets x WHERE x.code = p_code;
    PERFORM cl_found(FOUND, 'target');
    RETURN QUERY SELECT board_target_json(t), t.version, t.code;
END
$$;

CREATE FUNCTION board_target_list(p_k1 text, p_limit integer)
RETURNS TABLE (body text, code text) LANGUAGE sql STABLE AS $$
    SELECT board_target_json(t), t.code FROM board_targets t
    WHERE p_k1 IS NULL OR t.code > p_k1 ORDER BY t.code LIMIT p_limit
$$;

CREATE FUNCTION board_baseline_json(b board_baselines) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', b.id, 'name', b.name, 'on_date', b.on_date,
        'figures', coalesce((SELECT json_agg(json_build_object(
                                 'indicator', f.code, 'value', f.value, 'numerator', f.num,
                                 'denominator', f.den,
                                 'source', CASE WHEN f.entered THEN 'entered' ELSE 'computed' END)
                             ORDER BY d.sort)
                             FROM board_baseline_figures f
                             JOIN board_indicators d ON d.code = f.code
                             WHERE f.baseline_id = b.id), '[]'),
        'created_by', b.created_by, 'created_at', cl_ts(b.created_at))::text
$$;

-- A baseline on a past date: the figures given are entered by hand (marked so); without
-- figures every indicator's total is computed as at the date by board_indicator_figures (the
-- Board report's own functions, or that day's snapshot).
CREATE FUNCTION board_baseline_create(p jsonb, p_before integer, p_after integer,
                                      p_recorded_days integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b board_baselines;
    v_on date := (p->>'on_date')::date;
    v_bad text;
BEGIN
    IF v_on > current_date THEN
        PERFORM cl_fail_field('on_date', 'must not be in the future');
    END IF;
    SELECT f->>'indicator' INTO v_bad FROM jsonb_array_elements(p->'figures') f
    WHERE NOT EXISTS (SELECT 1 FROM board_indicators d WHERE d.code = f->>'indicator')
    LIMIT 1;
    IF v_bad IS NOT NULL THEN
        PERFORM cl_fail_field('figures', 'names an indicator the Board report does not have');
    END IF;
    IF (SELECT count(DISTINCT f->>'indicator') <> count(*)
        FROM jsonb_array_elements(p->'figures') f) THEN
        PERFORM cl_fail_field('figures', 'names an indicator twice');
    END IF;
    IF EXISTS (SELECT 1 FROM board_baselines x WHERE x.name = p->>'name' AND x.on_date = v_on)
    THEN
        PERFORM cl_fail_field('name', 'there is already a baseline of this name on this date');
    END IF;
    INSERT INTO board_baselines (name, on_date, created_by)
    VALUES (p->>'name', v_on, cl_sub())
    RETURNING * INTO b;
    IF p ? 'figures' THEN
        INSERT INTO board_baseline_figures (baseline_id, code, value, num, den, entered)
        SELECT b.id, f->>'indicator', (f->>'value')::numeric, (f->>'numerator')::bigint,
               (f->>'denominator')::bigint, true
        FROM jsonb_array_elements(p->'figures') f;
    ELSE
        INSERT INTO board_baseline_figures (baseline_id, code, value, num, den, entered)
        SELECT b.id, x.code, x.value, x.num, x.den, false
        FROM board_indicator_figures(v_on, p_before, p_after, p_recorded_days) x
        WHERE x.category IS NULL AND x.district IS NULL AND x.value IS NOT NULL;
    END IF;
    PERFORM cl_audit('create', 'board_baseline', b.id);
    RETURN QUERY SELECT board_baseline_json(b), 1, b.id;
END
$$;

CREATE FUNCTION board_baseline_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b board_baselines;
BEGIN
    SELECT * INTO b FROM board_baselines x WHERE x.id = p_id;
    PERFORM cl_found(FOUND, 'baseline');
    RETURN QUERY SELECT board_baseline_json(b), 1, b.id;
END
$$;

CREATE FUNCTION board_baseline_list(p_k1 date, p_k2 uuid, p_limit integer)
RETURNS TABLE (body text, on_date text, id text) LANGUAGE sql STABLE AS $$
    SELECT board_baseline_json(b), b.on_date::text, b.id::text FROM board_baselines b
    WHERE p_k1 IS NULL OR (b.on_date, b.id) < (p_k1, p_k2)
    ORDER BY b.on_date DESC, b.id DESC LIMIT p_limit
$$;

-- ---- what a report shows ------------------------------------------------------------------------

-- "Actions from previous meetings" in the report for a meeting on p_board_date: every action
-- raised at an earlier meeting that is open on that date, or was closed since the meeting
-- before it (so a closure is reported once), with its status on the date. One row per action
-- and update (update columns NULL for an action without updates), in order of meeting and
-- number.
CREATE FUNCTION board_report_actions(p_board_date date)
RETURNS TABLE (action_id uuid, raised_on date, number text, text text, owner_name text,
               owner_role text, due_on date, status text, closed_on date,
               requests_section text, update_on date, update_status text, update_note text)
LANGUAGE sql STABLE AS $$
    WITH last_meeting AS (
        SELECT max(m.held_on) AS held_on FROM board_meetings m WHERE m.held_on < p_board_date
    ), a AS (
        SELECT a.*, m.held_on AS raised_on, s.status AS status_on, s.closed_on
        FROM board_actions a JOIN board_meetings m ON m.id = a.meeting_id
        CROSS JOIN LATERAL board_action_status_on(a.id, p_board_date) s
        WHERE m.held_on < p_board_date
          AND (s.status = 'open' OR s.closed_on >= (SELECT l.held_on FROM last_meeting l))
    )
    SELECT a.id, a.raised_on, a.number, a.text, a.owner_name, a.owner_role, a.due_on,
           a.status_on, a.closed_on, a.requests_section, u.on_date, u.status, u.note
    FROM a LEFT JOIN board_action_updates u ON u.action_id = a.id AND u.on_date <= p_board_date
    ORDER BY a.raised_on, a.number, a.id, u.on_date, u.created_at
$$;

-- The narrative sections of the meeting on p_board_date, then a placeholder (placeholder
-- true, body NULL) for each section an action open on that date asked for that the meeting
-- does not have, naming the action.
CREATE FUNCTION board_report_sections(p_board_date date)
RETURNS TABLE (title text, body text, author_name text, author_role text, approved_by text,
               approved_on date, placeholder boolean, action_number text,
               action_raised_on date, action_text text)
LANGUAGE sql STABLE AS $$
    WITH sec AS (
        SELECT s.* FROM board_sections s JOIN board_meetings m ON m.id = s.meeting_id
        WHERE m.held_on = p_board_date
    )
    SELECT x.title, x.body, x.author_name, x.author_role, x.approved_by, x.approved_on,
           x.placeholder, x.action_number, x.action_raised_on, x.action_text
    FROM (
        SELECT s.title, s.body, s.author_name, s.author_role, s.approved_by, s.approved_on,
               false AS placeholder, NULL::text AS action_number, NULL::date AS action_raised_on,
               NULL::text AS action_text, s.sort, 0 AS part
        FROM sec s
        UNION ALL
        SELECT a.requests_section, NULL, NULL, NULL, NULL, NULL, true, a.number, m.held_on,
               a.text, 0, 1
        FROM board_actions a JOIN board_meetings m ON m.id = a.meeting_id
        CROSS JOIN LATERAL board_action_status_on(a.id, p_board_date) st
        WHERE m.held_on < p_board_date AND st.status = 'open' AND a.requests_section IS NOT NULL
          AND NOT EXISTS (SELECT 1 FROM sec s WHERE lower(s.title) = lower(a.requests_section))
    ) x
    ORDER BY x.part, x.sort, x.title, x.action_raised_on, x.action_number
$$;

-- Baseline and target of each indicator for a report as at p_as_at: the latest baseline dated
-- on or before p_as_at (one for the whole report, so its column has one heading) and the
-- targets.
CREATE FUNCTION board_report_standards(p_as_at date)
RETURNS TABLE (code text, baseline_name text, baseline_on date, baseline_value numeric,
               baseline_entered boolean, target_value numeric, target_direction text,
               target_tolerance numeric)
LANGUAGE sql STABLE AS $$
    WITH b AS (
        SELECT x.* FROM board_baselines x WHERE x.on_date <= p_as_at
        ORDER BY x.on_date DESC, x.created_at DESC LIMIT 1
    )
    SELECT d.code, b.name, b.on_date, f.value, f.entered, t.value, t.direction, t.tolerance
    FROM board_indicators d
    LEFT JOIN b ON true
    LEFT JOIN board_baseline_figures f ON f.baseline_id = b.id AND f.code = d.code
    LEFT JOIN board_targets t ON t.code = d.code
    WHERE f.code IS NOT NULL OR t.code IS NOT NULL
    ORDER BY d.sort
$$;

-- ---- indicators any day -------------------------------------------------------------------------

-- Every figure of the Board report as at p_on (the report's own figure rows, compared with a
-- year earlier as the board role's reports are, every district), from that day's snapshot
-- when there is one, else computed by board_report. source: 'snapshot' or 'computed'.
-- The query is EXECUTEd so that it is planned for the actual date (a SQL function's body would
-- be planned with the date unknown, ten times slower), without JIT (compiling the report's many
-- expressions costs more than it saves) and with memory for its sorts, as the worker runs the
-- report.
CREATE FUNCTION board_indicator_figures(p_on date, p_before integer, p_after integer,
                                        p_recorded_days integer)
RETURNS TABLE (code text, label text, kind text, suppress boolean, category text,
               district text, sort integer, num bigint, den bigint, value numeric,
               source text)
LANGUAGE plpgsql STABLE SET jit = off SET work_mem = '128MB' AS $$
BEGIN
    IF EXISTS (SELECT 1 FROM board_snapshot_days d WHERE d.on_date = p_on) THEN
        RETURN QUERY
        SELECT s.code, d.label, d.kind, d.suppress, nullif(s.category, ''),
               nullif(s.district, ''), d.sort, s.num, s.den, s.value, 'snapshot'::text
        FROM board_snapshots s JOIN board_indicators d ON d.code = s.code
        WHERE s.on_date = p_on
        ORDER BY s.ord;
        RETURN;
    END IF;
    RETURN QUERY EXECUTE $q$
        SELECT r.code, d.label, d.kind, d.suppress, r.category, r.district, d.sort, r.num,
               r.den, r.value, 'computed'::text
        FROM (SELECT x.*, row_number() OVER () AS ord
              FROM board_report($1, ($1 - interval '1 year')::date, NULL, $2, $3, $4) x
              WHERE x.month_end IS NULL) r
        JOIN board_indicators d ON d.code = r.code
        ORDER BY r.ord
    $q$ USING p_on, p_before, p_after, p_recorded_days;
END
$$;

-- Stores the snapshot of p_on (every figure board_indicator_figures computes) unless that
-- day is stored already; true when stored now. The day's row is inserted first, so two
-- workers storing the same day at once wait for each other and only one stores it.
CREATE FUNCTION board_snapshot_take(p_on date, p_before integer, p_after integer,
                                    p_recorded_days integer, p_job uuid)
RETURNS boolean LANGUAGE plpgsql AS $$
BEGIN
    INSERT INTO board_snapshot_days (on_date, job_id) VALUES (p_on, p_job)
    ON CONFLICT (on_date) DO NOTHING;
    IF NOT FOUND THEN
        RETURN false;
    END IF;
    INSERT INTO board_snapshots (on_date, code, category, district, ord, num, den, value)
    SELECT p_on, r.code, coalesce(r.category, ''), coalesce(r.district, ''),
           row_number() OVER (), r.num, r.den, r.value
    FROM board_report(p_on, (p_on - interval '1 year')::date, NULL, p_before, p_after,
                      p_recorded_days) r
    WHERE r.month_end IS NULL;
    RETURN true;
END
$$;

-- Every stored figure of one indicator (total, districts, categories: a whole breakdown, so
-- the api can suppress a day as the report would) on each stored day from p_from to p_to, by
-- day in the report's order: a dashboard's line is one district's or category's rows.
CREATE FUNCTION board_indicator_series(p_code text, p_from date, p_to date)
RETURNS TABLE (on_date text, code text, label text, kind text, suppress boolean,
               category text, district text, num bigint, den bigint, value numeric)
LANGUAGE plpgsql STABLE AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM board_indicators d WHERE d.code = p_code) THEN
        PERFORM cl_fail('CL404', 'no such indicator');
    END IF;
    RETURN QUERY
    SELECT s.on_date::text, s.code, d.label, d.kind, d.suppress, nullif(s.category, ''),
           nullif(s.district, ''), s.num, s.den, s.value
    FROM board_snapshots s JOIN board_indicators d ON d.code = s.code
    WHERE s.code = p_code AND s.on_date BETWEEN p_from AND p_to
    ORDER BY s.on_date, s.ord;
END
$$;
