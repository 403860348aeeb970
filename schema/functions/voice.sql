-- The young person's voice (issue 21; tables in migrations/0240_voice.sql): surveys
-- (api/surveys.c), statements (api/statements.c), Outcome Star readings (api/star.c),
-- participation bodies (api/participation.c), and the Board's "Voice and participation"
-- figures (board_voice_figures, one line of board_report_figures in board.sql).
--
-- Who: an adviser reads and writes for its caseload, managers and administrators everything;
-- the board reads survey results only (aggregates, suppressed); the service role may post a
-- statement (a MoMo-like app) and read it back. Free text (answers, statements) is audited on
-- every read, row by row.
--
-- Anonymous survey responses: nothing written for one names a person. Its audit row names the
-- staff member or system that entered it and the survey, not the response (resource_id NULL),
-- so not even the audit log joins a response to whoever handed it in.

-- ---- small helpers -------------------------------------------------------------------------

-- Which of counts to hide: those from 1 to p_below - 1, and when exactly one is hidden among
-- parts whose total is shown, the smallest other non-zero one too (as the Board report does).
CREATE FUNCTION voice_hidden(p_counts bigint[], p_below integer) RETURNS boolean[]
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    h boolean[] := '{}';
    pick integer;
BEGIN
    FOR i IN 1..coalesce(cardinality(p_counts), 0) LOOP
        h := h || (p_below > 1 AND p_counts[i] BETWEEN 1 AND p_below - 1);
    END LOOP;
    IF (SELECT count(*) FROM unnest(h) x WHERE x) = 1 THEN
        SELECT i INTO pick FROM generate_subscripts(p_counts, 1) i
        WHERE NOT h[i] AND p_counts[i] > 0 ORDER BY p_counts[i], i LIMIT 1;
        IF pick IS NOT NULL THEN
            h[pick] := true;
        END IF;
    END IF;
    RETURN h;
END
$$;

-- A count as shown: NULL when small (1 to p_below - 1).
CREATE FUNCTION voice_count(p_n bigint, p_below integer) RETURNS bigint
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_below > 1 AND p_n BETWEEN 1 AND p_below - 1 THEN NULL ELSE p_n END
$$;

-- The care leaver a voice record is written for: within the caller's scope (404 otherwise,
-- care_leaver_for_nested) and one the caller writes for (404 too: an adviser's own caseload,
-- managers and administrators everyone). p_lock as care_leaver_for_nested.
CREATE FUNCTION voice_care_leaver_to_write(p_cl uuid, p_lock boolean) RETURNS care_leavers
    LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, p_lock);
BEGIN
    IF NOT cl_can_write_care_leaver(c.adviser_id) THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    RETURN c;
END
$$;

-- ---- survey themes -------------------------------------------------------------------------

CREATE FUNCTION survey_theme_json(t survey_themes) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object('code', t.code, 'label', t.label, 'active', t.active)::text
$$;

CREATE FUNCTION survey_theme_create(p jsonb)
RETURNS TABLE (body text, version integer, id text) LANGUAGE plpgsql AS $$
DECLARE
    t survey_themes;
BEGIN
    IF p->>'code' !~ '^[a-z0-9_]{1,60}$' THEN
        PERFORM cl_fail_field('code', 'must be 1 to 60 of a-z, 0-9 and _');
    END IF;
    INSERT INTO survey_themes (code, label, active)
    VALUES (p->>'code', p->>'label', coalesce((p->>'active')::boolean, true))
    RETURNING * INTO t;
    PERFORM cl_audit('create', 'survey_theme', NULL, jsonb_build_object('code', t.code));
    RETURN QUERY SELECT survey_theme_json(t), NULL::integer, t.code;
END
$$;

CREATE FUNCTION survey_theme_list(p_k1 text, p_limit integer)
RETURNS TABLE (body text, k1 text) LANGUAGE sql STABLE AS $$
    SELECT survey_theme_json(t), t.code FROM survey_themes t
    WHERE p_k1 IS NULL OR t.code > p_k1
    ORDER BY t.code LIMIT p_limit
$$;

-- ---- surveys -------------------------------------------------------------------------------

CREATE FUNCTION survey_json(s surveys) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'title', s.title, 'anonymous', s.anonymous, 'opens_on', s.opens_on,
        'closes_on', s.closes_on, 'template', s.template,
        'questions', (SELECT coalesce(json_agg(json_build_object(
                                 'position', q.position, 'text', q.text, 'type', q.type,
                                 'choices', q.choices) ORDER BY q.position), '[]')
                      FROM survey_questions q WHERE q.survey_id = s.id),
        'created_by', s.created_by, 'version', s.version, 'created_at', cl_ts(s.created_at),
        'updated_at', cl_ts(s.updated_at))::text
$$;

-- The problems of one question given as {"text", "type", "choices"} at position i.
CREATE FUNCTION survey_question_problems(q jsonb, i integer) RETURNS text[]
    LANGUAGE plpgsql IMMUTABLE AS $$
DECLARE
    e text[] := '{}';
    at text := 'question ' || i || ': ';
BEGIN
    IF jsonb_typeof(q) <> 'object'
       OR EXISTS (SELECT 1 FROM jsonb_object_keys(q) k WHERE k NOT IN ('text', 'type', 'choices'))
    THEN
        RETURN ARRAY['questions: ' || at || 'must be an object with text, type and choices'];
    END IF;
    IF jsonb_typeof(q->'text') IS DISTINCT FROM 'string'
       OR length(q->>'text') NOT BETWEEN 1 AND 1000 THEN
        e := e || ('questions: ' || at || 'text must be 1 to 1000 characters');
    END IF;
    IF coalesce(q->>'type', '') NOT IN ('free_text', 'single_choice', 'scale') THEN
        e := e || ('questions: ' || at || 'type must be free_text, single_choice or scale');
    ELSIF (q->>'type' = 'single_choice') <> (q ? 'choices') THEN
        e := e || ('questions: ' || at || 'choices are given for single_choice questions only');
    ELSIF q ? 'choices' AND (jsonb_typeof(q->'choices') <> 'array'
                             OR jsonb_array_length(q->'choices') NOT BETWEEN 2 AND 20
                             OR EXISTS (SELECT 1 FROM jsonb_array_elements(q->'choices') c
                                        WHERE jsonb_typeof(c) <> 'string'
                                           OR length(c #>> '{}') NOT BETWEEN 1 AND 200)
                             OR (SELECT count(DISTINCT c) <> count(*)
                                 FROM jsonb_array_elements_text(q->'choices') c)) THEN
        e := e || ('questions: ' || at || 'choices must be 2 to 20 different texts of 1 to 200 '
                   || 'characters');
    END IF;
    RETURN e;
END
$$;

-- A survey from its own questions or from a template (exactly one of the two).
CREATE FUNCTION survey_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s surveys;
    e text[] := '{}';
BEGIN
    IF (p ? 'template') = (p ? 'questions') THEN
        e := e || 'questions: give either questions or a template'::text;
    ELSIF p ? 'template' AND NOT EXISTS (SELECT 1 FROM survey_templates t
                                         WHERE t.code = p->>'template') THEN
        e := e || 'template: no such template'::text;
    ELSIF p ? 'questions' THEN
        IF jsonb_array_length(p->'questions') NOT BETWEEN 1 AND 50 THEN
            e := e || 'questions: give 1 to 50 questions'::text;
        ELSE
            SELECT e || coalesce(array_agg(x), '{}') INTO e
            FROM jsonb_array_elements(p->'questions') WITH ORDINALITY AS q (v, i)
            CROSS JOIN LATERAL unnest(survey_question_problems(q.v, q.i::integer)) x;
        END IF;
    END IF;
    IF (p->>'closes_on')::date < (p->>'opens_on')::date THEN
        e := e || 'closes_on: must not be before opens_on'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    INSERT INTO surveys (title, anonymous, opens_on, closes_on, template, created_by)
    VALUES (p->>'title', (p->>'anonymous')::boolean, (p->>'opens_on')::date,
            (p->>'closes_on')::date, p->>'template', cl_sub())
    RETURNING * INTO s;
    IF s.template IS NOT NULL THEN
        INSERT INTO survey_questions (survey_id, position, text, type, choices)
        SELECT s.id, t.position, t.text, t.type, t.choices
        FROM survey_template_questions t WHERE t.template = s.template;
    ELSE
        INSERT INTO survey_questions (survey_id, position, text, type, choices)
        SELECT s.id, q.i, q.v->>'text', q.v->>'type',
               CASE WHEN q.v ? 'choices'
                    THEN ARRAY(SELECT jsonb_array_elements_text(q.v->'choices')) END
        FROM jsonb_array_elements(p->'questions') WITH ORDINALITY AS q (v, i);
    END IF;
    PERFORM cl_audit('create', 'survey', s.id);
    RETURN QUERY SELECT survey_json(s), s.version, s.id;
END
$$;

-- Newest first (keyset on opens_on, id).
CREATE FUNCTION survey_list(p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_page(NULL::surveys, 'survey', 'opens_on', true, p_k1, p_k2,
                                       p_limit);
END
$$;

CREATE FUNCTION survey_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM cl_get(NULL::surveys, 'survey', p_id);
END
$$;

-- ---- survey responses ----------------------------------------------------------------------

-- One response with its answers and their themes, as the caller may see it.
CREATE FUNCTION survey_response_json(r survey_responses) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'survey_id', r.survey_id, 'anonymous', r.anonymous,
        'care_leaver_id', r.care_leaver_id, 'responded_on', r.responded_on,
        'answers', (SELECT coalesce(json_agg(json_build_object(
                               'question', a.position, 'text', a.text_value, 'choice', a.choice,
                               'scale', a.scale,
                               'themes', (SELECT coalesce(json_agg(t.theme ORDER BY t.theme), '[]')
                                          FROM survey_answer_themes t
                                          WHERE t.response_id = a.response_id
                                            AND t.position = a.position))
                           ORDER BY a.position), '[]')
                    FROM survey_answers a WHERE a.response_id = r.id))::text
$$;

-- The problems of the answers object {"<position>": value} against the survey's questions.
CREATE FUNCTION survey_answer_problems(p_survey uuid, p_answers jsonb) RETURNS text[]
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN jsonb_typeof(p_answers) IS DISTINCT FROM 'object' OR p_answers = '{}'
            THEN ARRAY['answers: must be an object of at least one answer, keyed by question']
        ELSE coalesce((
            SELECT array_agg('answers: question ' || a.key || ': ' || m ORDER BY a.key)
            FROM jsonb_each(p_answers) a
            LEFT JOIN survey_questions q
                ON q.survey_id = p_survey AND a.key ~ '^[1-9][0-9]?$' AND q.position = a.key::int
            CROSS JOIN LATERAL (SELECT CASE
                WHEN q.position IS NULL THEN 'no such question in this survey'
                WHEN q.type = 'free_text' AND (jsonb_typeof(a.value) <> 'string'
                                               OR length(a.value #>> '{}') NOT BETWEEN 1 AND 5000)
                    THEN 'must be a text of 1 to 5000 characters'
                WHEN q.type = 'single_choice' AND (jsonb_typeof(a.value) <> 'string'
                                                   OR NOT (a.value #>> '{}') = ANY (q.choices))
                    THEN 'must be one of the question''s choices'
                WHEN q.type = 'scale' AND (jsonb_typeof(a.value) <> 'number'
                                           OR (a.value #>> '{}') !~ '^[1-5]$')
                    THEN 'must be a whole number from 1 to 5'
                END AS m) x
            WHERE x.m IS NOT NULL), '{}') END
$$;

-- A response: named (care_leaver_id, within the caller's caseload) or anonymous (no link at
-- all; an anonymous survey takes no other), on a day the survey was open (409 otherwise).
CREATE FUNCTION survey_response_create(p_survey uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s surveys;
    c care_leavers;
    r survey_responses;
    e text[];
BEGIN
    SELECT * INTO s FROM surveys x WHERE x.id = p_survey;
    PERFORM cl_found(FOUND, 'survey');
    e := survey_answer_problems(s.id, p->'answers');
    r.anonymous := coalesce((p->>'anonymous')::boolean, s.anonymous);
    IF s.anonymous AND NOT r.anonymous THEN
        e := e || 'anonymous: this survey takes anonymous responses only'::text;
    ELSIF r.anonymous AND p ? 'care_leaver_id' THEN
        e := e || 'care_leaver_id: an anonymous response carries no care leaver'::text;
    ELSIF NOT r.anonymous AND NOT p ? 'care_leaver_id' THEN
        e := e || 'care_leaver_id: is required for a named response'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    r.id := gen_random_uuid();
    r.survey_id := s.id;
    r.responded_on := coalesce((p->>'responded_on')::date, current_date);
    IF r.responded_on NOT BETWEEN s.opens_on AND s.closes_on THEN
        PERFORM cl_fail('CL409', 'responded_on: the survey is open from ' || s.opens_on
                        || ' to ' || s.closes_on);
    END IF;
    IF NOT r.anonymous THEN
        c := voice_care_leaver_to_write((p->>'care_leaver_id')::uuid, false);
        r.care_leaver_id := c.id;
    END IF;
    -- no RETURNING: an adviser enters anonymous responses it may not read back
    INSERT INTO survey_responses (id, survey_id, anonymous, care_leaver_id, responded_on)
    VALUES (r.id, r.survey_id, r.anonymous, r.care_leaver_id, r.responded_on);
    INSERT INTO survey_answers (response_id, survey_id, position, text_value, choice, scale)
    SELECT r.id, s.id, a.key::smallint,
           CASE q.type WHEN 'free_text' THEN a.value #>> '{}' END,
           CASE q.type WHEN 'single_choice' THEN a.value #>> '{}' END,
           CASE q.type WHEN 'scale' THEN (a.value #>> '{}')::smallint END
    FROM jsonb_each(p->'answers') a
    JOIN survey_questions q ON q.survey_id = s.id AND q.position = a.key::int;
    IF r.anonymous THEN
        PERFORM cl_audit('create', 'survey_response', NULL,
                         jsonb_build_object('survey_id', s.id));
    ELSE
        PERFORM cl_audit('create', 'survey_response', r.id,
                         jsonb_build_object('survey_id', s.id, 'care_leaver_id', c.id));
    END IF;
    -- The answers as given (the caller may not read an anonymous response back).
    RETURN QUERY SELECT json_build_object(
        'id', r.id, 'survey_id', r.survey_id, 'anonymous', r.anonymous,
        'care_leaver_id', r.care_leaver_id, 'responded_on', r.responded_on,
        'answers', (SELECT json_agg(json_build_object(
                        'question', a.key::int,
                        'text', CASE q.type WHEN 'free_text' THEN a.value #>> '{}' END,
                        'choice', CASE q.type WHEN 'single_choice' THEN a.value #>> '{}' END,
                        'scale', CASE q.type WHEN 'scale' THEN (a.value #>> '{}')::int END,
                        'themes', '[]'::json) ORDER BY a.key::int)
                    FROM jsonb_each(p->'answers') a
                    JOIN survey_questions q ON q.survey_id = s.id
                                           AND q.position = a.key::int))::text,
        NULL::integer, r.id;
END
$$;

-- Whether the caller may read a response's answers: a named one when its care leaver is in
-- scope, an anonymous one for managers and administrators.
CREATE FUNCTION survey_response_visible(r survey_responses) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r.anonymous THEN cl_role() IN ('manager', 'admin')
                ELSE cl_role() IN ('adviser', 'manager', 'admin')
                     AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = r.care_leaver_id
                                 AND cl_can_see_care_leaver(c.adviser_id, c.id)) END
$$;

CREATE FUNCTION survey_response_read(p_survey uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r survey_responses;
BEGIN
    SELECT * INTO r FROM survey_responses x
    WHERE x.id = p_id AND x.survey_id = p_survey AND survey_response_visible(x);
    PERFORM cl_found(FOUND, 'survey response');
    PERFORM cl_audit('read', 'survey_response', r.id);
    RETURN QUERY SELECT survey_response_json(r), NULL::integer, r.id;
END
$$;

-- Tags a free-text answer with a theme of the controlled list (again: no change).
CREATE FUNCTION survey_response_theme_add(p_survey uuid, p_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    r survey_responses;
    q survey_questions;
BEGIN
    SELECT * INTO r FROM survey_responses x
    WHERE x.id = p_id AND x.survey_id = p_survey AND survey_response_visible(x);
    PERFORM cl_found(FOUND, 'survey response');
    SELECT * INTO q FROM survey_questions x
    WHERE x.survey_id = r.survey_id AND x.position = (p->>'question')::int;
    IF NOT FOUND OR q.type <> 'free_text' THEN
        PERFORM cl_fail_field('question', 'must be a free-text question of the survey');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM survey_answers a
                   WHERE a.response_id = r.id AND a.position = q.position) THEN
        PERFORM cl_fail_field('question', 'the response did not answer this question');
    END IF;
    IF NOT EXISTS (SELECT 1 FROM survey_themes t WHERE t.code = p->>'theme' AND t.active) THEN
        PERFORM cl_fail_field('theme', 'must be an active theme of the list');
    END IF;
    INSERT INTO survey_answer_themes (response_id, position, theme)
    VALUES (r.id, q.position, p->>'theme') ON CONFLICT DO NOTHING;
    PERFORM cl_audit('update', 'survey_response', r.id,
                     jsonb_build_object('question', q.position, 'theme', p->>'theme'));
    RETURN QUERY SELECT survey_response_json(r), NULL::integer, r.id;
END
$$;

-- The counts of a survey over every response, whoever asks: responses, and per question the
-- answers, the count of each choice, the scale mean, and the themes tagged. SECURITY DEFINER:
-- the caller may not read every response. Suppressed as p_below says (survey_results).
CREATE FUNCTION survey_result_counts(p_survey uuid)
RETURNS TABLE (responses bigint, question integer, answered bigint, choice text,
               choice_n bigint, scale_sum bigint, theme text, theme_n bigint)
LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT (SELECT count(*) FROM survey_responses r WHERE r.survey_id = p_survey),
           q.position::integer, (SELECT count(*) FROM survey_answers a
                                 WHERE a.survey_id = p_survey AND a.position = q.position),
           NULL::text, NULL::bigint,
           (SELECT sum(a.scale) FROM survey_answers a
            WHERE a.survey_id = p_survey AND a.position = q.position)::bigint,
           NULL::text, NULL::bigint
    FROM survey_questions q WHERE q.survey_id = p_survey
    UNION ALL
    SELECT NULL, q.position::integer, NULL, c.choice,
           (SELECT count(*) FROM survey_answers a WHERE a.survey_id = p_survey
              AND a.position = q.position AND a.choice = c.choice), NULL, NULL, NULL
    FROM survey_questions q CROSS JOIN LATERAL unnest(q.choices) AS c (choice)
    WHERE q.survey_id = p_survey
    UNION ALL
    SELECT NULL, t.position::integer, NULL, NULL, NULL, NULL, t.theme, count(*)
    FROM survey_answer_themes t JOIN survey_answers a
        ON a.response_id = t.response_id AND a.position = t.position
    WHERE a.survey_id = p_survey
    GROUP BY t.position, t.theme
$$;

-- GET /v1/surveys/{id}/results: the counts (survey_result_counts), counts from 1 to
-- p_below - 1 shown as null ("suppressed": true beside them) with the next smallest choice
-- when one alone would be, a scale's mean only over a count that is shown; and, for staff,
-- the free text of the responses they may read (row-level security and
-- survey_response_visible), each response read audited.
CREATE FUNCTION survey_results(p_survey uuid, p_below integer)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    s surveys;
    staff boolean := cl_role() IN ('adviser', 'manager', 'admin');
BEGIN
    SELECT * INTO s FROM surveys x WHERE x.id = p_survey;
    PERFORM cl_found(FOUND, 'survey');
    IF staff THEN
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'read', 'survey_response', r.id, cl_request_id(),
               jsonb_build_object('survey_id', s.id, 'via', 'results')
        FROM survey_responses r
        WHERE r.survey_id = s.id AND survey_response_visible(r)
          AND EXISTS (SELECT 1 FROM survey_answers a WHERE a.response_id = r.id
                      AND a.text_value IS NOT NULL);
    END IF;
    RETURN QUERY
    WITH vc AS (
        SELECT * FROM survey_result_counts(s.id)
    )
    SELECT json_build_object(
        'survey_id', s.id, 'title', s.title, 'anonymous', s.anonymous, 'opens_on', s.opens_on,
        'closes_on', s.closes_on, 'suppress_below', p_below,
        'responses', voice_count((SELECT max(v.responses) FROM vc v), p_below),
        'questions', (SELECT coalesce(json_agg(json_build_object(
            'position', q.position, 'text', q.text, 'type', q.type,
            'answered', voice_count(qc.answered, p_below),
            'suppressed', voice_count(qc.answered, p_below) IS NULL,
            'scale_mean', CASE WHEN q.type = 'scale' AND voice_count(qc.answered, p_below) > 0
                               THEN round(qc.scale_sum::numeric / qc.answered, 1) END,
            'choices', CASE WHEN q.type = 'single_choice' THEN (
                SELECT json_agg(json_build_object(
                           'choice', q.choices[k.i], 'count', CASE WHEN NOT k.hide THEN k.n END,
                           'suppressed', k.hide) ORDER BY k.i)
                FROM (SELECT u.i, u.n, (voice_hidden(z.arr, p_below))[u.i] AS hide
                      FROM (SELECT array_agg(v.choice_n ORDER BY array_position(q.choices,
                                                                                v.choice)) AS arr
                            FROM vc v
                            WHERE v.question = q.position AND v.choice IS NOT NULL) z
                      CROSS JOIN LATERAL unnest(z.arr) WITH ORDINALITY AS u (n, i)) k) END,
            'themes', (SELECT coalesce(json_agg(json_build_object(
                                  'theme', v.theme, 'label', t.label,
                                  'count', voice_count(v.theme_n, p_below),
                                  'suppressed', voice_count(v.theme_n, p_below) IS NULL)
                              ORDER BY v.theme_n DESC, v.theme), '[]')
                       FROM vc v JOIN survey_themes t ON t.code = v.theme
                       WHERE v.question = q.position AND v.theme IS NOT NULL),
            'free_text', CASE WHEN staff AND q.type = 'free_text' THEN (
                SELECT coalesce(json_agg(json_build_object(
                                    'response_id', r.id, 'text', a.text_value,
                                    'themes', (SELECT coalesce(json_agg(t.theme ORDER BY t.theme),
                                                               '[]')
                                               FROM survey_answer_themes t
                                               WHERE t.response_id = a.response_id
                                                 AND t.position = a.position))
                                ORDER BY r.responded_on, r.id), '[]')
                FROM survey_responses r JOIN survey_answers a ON a.response_id = r.id
                WHERE r.survey_id = s.id AND a.position = q.position
                  AND survey_response_visible(r)) END)
            ORDER BY q.position), '[]')
            FROM survey_questions q
            JOIN vc qc ON qc.question = q.position AND qc.responses IS NOT NULL
            WHERE q.survey_id = s.id))::text,
        NULL::integer, s.id;
END
$$;

-- ---- statements ----------------------------------------------------------------------------

CREATE FUNCTION statement_json(s statements) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'care_leaver_id', s.care_leaver_id, 'received_on', s.received_on,
        'about', s.about, 'source', s.source, 'text', s.text, 'response', s.response,
        'responded_on', s.responded_on,
        'responded_in_time', CASE WHEN s.responded_on IS NOT NULL
                                  THEN cl_working_days(s.received_on, s.responded_on) <= 10 END,
        'created_by', s.created_by, 'version', s.version, 'created_at', cl_ts(s.created_at),
        'updated_at', cl_ts(s.updated_at))::text
$$;

CREATE FUNCTION statement_problems(s statements) RETURNS text[]
    LANGUAGE plpgsql STABLE AS $$
DECLARE
    e text[] := '{}';
BEGIN
    IF (s.response IS NULL) <> (s.responded_on IS NULL) THEN
        e := e || 'responded_on: a response and its date go together'::text;
    ELSIF s.responded_on < s.received_on THEN
        e := e || 'responded_on: must not be before received_on'::text;
    END IF;
    RETURN e;
END
$$;

-- The one way a statement is recorded: for the care leaver p_cl, from the body p (received_on,
-- about, source, text). Staff post for the care leavers they write for, the service role (an
-- app such as MoMo) for anyone; a route that takes the care leaver from the caller's own token
-- calls this with that id.
CREATE FUNCTION statement_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
    s statements;
BEGIN
    IF NOT (cl_can_write_care_leaver(c.adviser_id) OR cl_role() = 'service') THEN
        PERFORM cl_fail('CL404', 'no such care leaver');
    END IF;
    s := statement_insert(c.id, p);
    RETURN QUERY SELECT statement_json(s), s.version, s.id;
END
$$;

-- The one way a statement is stored, whoever records it (statement_create for staff and
-- services, me_statement_create for the young person): received today unless p says when,
-- audited with the care leaver it is about.
CREATE FUNCTION statement_insert(p_cl uuid, p jsonb) RETURNS statements LANGUAGE plpgsql AS $$
DECLARE
    s statements;
BEGIN
    INSERT INTO statements (care_leaver_id, received_on, about, source, text, created_by)
    VALUES (p_cl, coalesce((p->>'received_on')::date, current_date), p->>'about', p->>'source',
            p->>'text', cl_sub())
    RETURNING * INTO s;
    PERFORM cl_audit('create', 'statement', s.id, jsonb_build_object('care_leaver_id', p_cl));
    RETURN s;
END
$$;

-- The adviser's response (response, responded_on), guarded by If-Match.
CREATE FUNCTION statement_patch(p_cl uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := voice_care_leaver_to_write(p_cl, true);
    s statements := cl_patch_open(NULL::statements, p_id, p_version, 'statement',
                                  'care_leaver_id', c.id);
BEGIN
    IF p ? 'response' THEN s.response := p->>'response'; END IF;
    IF p ? 'responded_on' THEN s.responded_on := (p->>'responded_on')::date; END IF;
    PERFORM cl_fail_fields(statement_problems(s));
    UPDATE statements x SET response = s.response, responded_on = s.responded_on,
        version = x.version + 1, updated_at = now()
    WHERE x.id = s.id RETURNING * INTO s;
    PERFORM cl_audit_patch('statement', s.id, p, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT statement_json(s), s.version, s.id;
END
$$;

-- Newest first (keyset on received_on, id); each statement shown is audited.
CREATE FUNCTION statement_list(p_cl uuid, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    RETURN QUERY
    WITH page AS (
        SELECT x AS s, row_number() OVER (ORDER BY x.received_on DESC, x.id DESC) AS n
        FROM statements x
        WHERE x.care_leaver_id = c.id
          AND (p_k1 IS NULL OR (x.received_on, x.id) < (p_k1::date, p_k2::uuid))
        ORDER BY x.received_on DESC, x.id DESC LIMIT p_limit
    ), audited AS (
        INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                               detail)
        SELECT cl_sub(), cl_role(), 'list', 'statement', (page.s).id, cl_request_id(),
               jsonb_build_object('care_leaver_id', c.id)
        FROM page WHERE page.n < p_limit
    )
    SELECT statement_json(page.s), (page.s).received_on::text, (page.s).id::text
    FROM page ORDER BY page.n;
END
$$;

CREATE FUNCTION statement_read(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::statements, 'statement', p_cl, p_id,
        true);
END
$$;

-- ---- Outcome Star --------------------------------------------------------------------------

CREATE FUNCTION star_edition_json(e star_editions) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'code', e.code, 'name', e.name, 'scale_max', e.scale_max,
        'areas', (SELECT coalesce(json_agg(json_build_object('code', a.code, 'label', a.label)
                                           ORDER BY a.position), '[]')
                  FROM star_areas a WHERE a.edition = e.code))::text
$$;

CREATE FUNCTION star_edition_list(p_k1 text, p_limit integer)
RETURNS TABLE (body text, k1 text) LANGUAGE sql STABLE AS $$
    SELECT star_edition_json(e), e.code FROM star_editions e
    WHERE p_k1 IS NULL OR e.code > p_k1 ORDER BY e.code LIMIT p_limit
$$;

CREATE FUNCTION star_reading_json(r star_readings) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', r.id, 'care_leaver_id', r.care_leaver_id, 'edition', r.edition,
        'read_on', r.read_on, 'participants', r.participants,
        'scores', (SELECT coalesce(json_object_agg(s.area, s.score ORDER BY a.position), '{}')
                   FROM star_scores s JOIN star_areas a ON a.edition = s.edition
                                                       AND a.code = s.area
                   WHERE s.reading_id = r.id),
        'created_by', r.created_by, 'created_at', cl_ts(r.created_at))::text
$$;

-- A reading: the edition, the date, who took part and a score from 1 to 10 for one or more of
-- the edition's areas ({"area": score}). One reading per young person, edition and day (409).
CREATE FUNCTION star_reading_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := voice_care_leaver_to_write(p_cl, false);
    r star_readings;
    e text[] := '{}';
BEGIN
    IF NOT EXISTS (SELECT 1 FROM star_editions x WHERE x.code = p->>'edition') THEN
        e := e || 'edition: no such edition'::text;
    ELSIF jsonb_typeof(p->'scores') <> 'object' OR p->'scores' = '{}' THEN
        e := e || 'scores: must give at least one area''s score'::text;
    ELSE
        SELECT e || coalesce(array_agg('scores: ' || s.key || ': ' || CASE
                   WHEN a.code IS NULL THEN 'not an area of this edition'
                   ELSE 'must be a whole number from 1 to 10' END ORDER BY s.key), '{}')
        INTO e
        FROM jsonb_each(p->'scores') s
        LEFT JOIN star_areas a ON a.edition = p->>'edition' AND a.code = s.key
        WHERE a.code IS NULL OR jsonb_typeof(s.value) <> 'number'
           OR (s.value #>> '{}') !~ '^([1-9]|10)$';
    END IF;
    PERFORM cl_fail_fields(e);
    INSERT INTO star_readings (care_leaver_id, edition, read_on, participants, created_by)
    VALUES (c.id, p->>'edition', (p->>'read_on')::date, p->>'participants', cl_sub())
    RETURNING * INTO r;
    INSERT INTO star_scores (reading_id, edition, area, score)
    SELECT r.id, r.edition, s.key, (s.value #>> '{}')::smallint FROM jsonb_each(p->'scores') s;
    PERFORM cl_audit('create', 'star_reading', r.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT star_reading_json(r), NULL::integer, r.id;
END
$$;

CREATE FUNCTION star_reading_read(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
    r star_readings;
BEGIN
    SELECT * INTO r FROM star_readings x WHERE x.id = p_id AND x.care_leaver_id = c.id;
    PERFORM cl_found(FOUND, 'Star reading');
    PERFORM cl_audit('read', 'star_reading', r.id, jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT star_reading_json(r), NULL::integer, r.id;
END
$$;

CREATE FUNCTION star_reading_list(p_cl uuid, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'star_reading', c.id);
    RETURN QUERY
        SELECT star_reading_json(r), r.read_on::text, r.id::text FROM star_readings r
        WHERE r.care_leaver_id = c.id
          AND (p_k1 IS NULL OR (r.read_on, r.id) < (p_k1::date, p_k2::uuid))
        ORDER BY r.read_on DESC, r.id DESC LIMIT p_limit;
END
$$;

-- Per young person, edition and area scored, the first and latest scores (by read_on, up to
-- p_to) and how many readings: the progress endpoint and the Board report both read it.
CREATE FUNCTION star_area_progress(p_to date)
RETURNS TABLE (care_leaver_id uuid, edition text, area text, label text, area_position smallint,
               first_on date, first_score smallint, latest_on date, latest_score smallint,
               readings bigint)
LANGUAGE sql STABLE AS $$
    SELECT r.care_leaver_id, a.edition, a.code, a.label, a.position,
           (array_agg(r.read_on ORDER BY r.read_on))[1],
           (array_agg(s.score ORDER BY r.read_on))[1],
           (array_agg(r.read_on ORDER BY r.read_on DESC))[1],
           (array_agg(s.score ORDER BY r.read_on DESC))[1], count(*)
    FROM star_readings r
    JOIN star_scores s ON s.reading_id = r.id
    JOIN star_areas a ON a.edition = s.edition AND a.code = s.area
    WHERE r.read_on <= p_to
    GROUP BY r.care_leaver_id, a.edition, a.code, a.label, a.position
$$;

CREATE FUNCTION star_progress(p_cl uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    PERFORM cl_audit('read', 'star_progress', c.id);
    RETURN QUERY SELECT json_build_object(
        'care_leaver_id', c.id,
        'areas', (SELECT coalesce(json_agg(json_build_object(
                             'edition', g.edition, 'area', g.area, 'label', g.label,
                             'readings', g.readings, 'first_on', g.first_on,
                             'first_score', g.first_score, 'latest_on', g.latest_on,
                             'latest_score', g.latest_score,
                             'distance_travelled', g.latest_score - g.first_score)
                         ORDER BY g.edition, g.area_position), '[]')
                  FROM star_area_progress(current_date) g
                  WHERE g.care_leaver_id = c.id))::text,
        NULL::integer, c.id;
END
$$;

-- ---- participation bodies ------------------------------------------------------------------

-- A body and its membership on p_on, counted over everyone (no name).
CREATE FUNCTION participation_body_json(b participation_bodies) RETURNS text
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT json_build_object(
        'id', b.id, 'kind', b.kind, 'name', b.name,
        'members_now', (SELECT count(*) FROM participation_memberships m
                        WHERE m.body_id = b.id AND m.joined_on <= current_date
                          AND (m.left_on IS NULL OR m.left_on > current_date)),
        'created_at', cl_ts(b.created_at))::text
$$;

CREATE FUNCTION participation_body_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    b participation_bodies;
BEGIN
    INSERT INTO participation_bodies (kind, name) VALUES (p->>'kind', p->>'name')
    RETURNING * INTO b;
    PERFORM cl_audit('create', 'participation_body', b.id);
    RETURN QUERY SELECT participation_body_json(b), NULL::integer, b.id;
END
$$;

CREATE FUNCTION participation_body_read(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql STABLE AS $$
DECLARE
    b participation_bodies;
BEGIN
    SELECT * INTO b FROM participation_bodies x WHERE x.id = p_id;
    PERFORM cl_found(FOUND, 'participation body');
    RETURN QUERY SELECT participation_body_json(b), NULL::integer, b.id;
END
$$;

CREATE FUNCTION participation_body_list(p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE sql STABLE AS $$
    SELECT participation_body_json(b), b.name, b.id::text FROM participation_bodies b
    WHERE p_k1 IS NULL OR (b.name, b.id) > (p_k1, p_k2::uuid)
    ORDER BY b.name, b.id LIMIT p_limit
$$;

CREATE FUNCTION participation_membership_json(m participation_memberships) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', m.id, 'body_id', m.body_id, 'care_leaver_id', m.care_leaver_id,
        'joined_on', m.joined_on, 'left_on', m.left_on, 'version', m.version,
        'created_at', cl_ts(m.created_at))::text
$$;

CREATE FUNCTION participation_membership_problems(m participation_memberships) RETURNS text[]
    LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN m.left_on < m.joined_on
                THEN ARRAY['left_on: must not be before joined_on'] ELSE '{}' END
$$;

CREATE FUNCTION participation_membership_create(p_body uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m participation_memberships;
    c care_leavers;
BEGIN
    PERFORM 1 FROM participation_bodies b WHERE b.id = p_body;
    PERFORM cl_found(FOUND, 'participation body');
    m.joined_on := (p->>'joined_on')::date;
    m.left_on := (p->>'left_on')::date;
    PERFORM cl_fail_fields(participation_membership_problems(m));
    c := voice_care_leaver_to_write((p->>'care_leaver_id')::uuid, false);
    INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on, left_on)
    VALUES (p_body, c.id, m.joined_on, m.left_on) RETURNING * INTO m;
    PERFORM cl_audit('create', 'participation_membership', m.id,
                     jsonb_build_object('care_leaver_id', c.id, 'body_id', p_body));
    RETURN QUERY SELECT participation_membership_json(m), m.version, m.id;
END
$$;

-- A membership the caller may see: its care leaver is in scope.
CREATE FUNCTION participation_membership_find(p_body uuid, p_id uuid, p_lock boolean)
RETURNS participation_memberships LANGUAGE plpgsql AS $$
DECLARE
    m participation_memberships;
BEGIN
    SELECT * INTO m FROM participation_memberships x
    WHERE x.id = p_id AND x.body_id = p_body
      AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = x.care_leaver_id
                  AND cl_can_see_care_leaver(c.adviser_id, c.id));
    PERFORM cl_found(FOUND, 'membership');
    IF p_lock THEN
        PERFORM 1 FROM participation_memberships x WHERE x.id = m.id FOR UPDATE;
    END IF;
    RETURN m;
END
$$;

CREATE FUNCTION participation_membership_read(p_body uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m participation_memberships := participation_membership_find(p_body, p_id, false);
BEGIN
    PERFORM cl_audit('read', 'participation_membership', m.id,
                     jsonb_build_object('care_leaver_id', m.care_leaver_id));
    RETURN QUERY SELECT participation_membership_json(m), m.version, m.id;
END
$$;

-- Records the dates (joined_on, left_on), guarded by If-Match.
CREATE FUNCTION participation_membership_patch(p_body uuid, p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    m participation_memberships := participation_membership_find(p_body, p_id, true);
BEGIN
    PERFORM voice_care_leaver_to_write(m.care_leaver_id, false);
    PERFORM cl_if_match(p_version, m.version, 'membership');
    IF p ? 'joined_on' THEN m.joined_on := (p->>'joined_on')::date; END IF;
    IF p ? 'left_on' THEN m.left_on := (p->>'left_on')::date; END IF;
    PERFORM cl_fail_fields(participation_membership_problems(m));
    UPDATE participation_memberships x SET joined_on = m.joined_on, left_on = m.left_on,
        version = x.version + 1
    WHERE x.id = m.id RETURNING * INTO m;
    PERFORM cl_audit_patch('participation_membership', m.id, p,
                           jsonb_build_object('care_leaver_id', m.care_leaver_id));
    RETURN QUERY SELECT participation_membership_json(m), m.version, m.id;
END
$$;

-- The members the caller may see, by joined_on then id.
CREATE FUNCTION participation_membership_list(p_body uuid, p_k1 text, p_k2 text,
                                              p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM participation_bodies b WHERE b.id = p_body;
    PERFORM cl_found(FOUND, 'participation body');
    PERFORM cl_audit('list', 'participation_membership', p_body);
    RETURN QUERY
        SELECT participation_membership_json(m), m.joined_on::text, m.id::text
        FROM participation_memberships m
        WHERE m.body_id = p_body
          AND EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = m.care_leaver_id
                      AND cl_can_see_care_leaver(c.adviser_id, c.id))
          AND (p_k1 IS NULL OR (m.joined_on, m.id) > (p_k1::date, p_k2::uuid))
        ORDER BY m.joined_on, m.id LIMIT p_limit;
END
$$;

-- An event with its attendance: everyone counted, only the attendees the caller may see
-- named.
CREATE FUNCTION participation_event_json(v participation_events) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', v.id, 'body_id', v.body_id, 'kind', v.kind, 'held_on', v.held_on,
        'title', v.title,
        'attendance', (SELECT count(*) FROM participation_attendance_count(v.id)),
        'attendees', (SELECT coalesce(json_agg(a.care_leaver_id ORDER BY a.care_leaver_id),
                                      '[]')
                      FROM participation_attendance a WHERE a.event_id = v.id),
        'created_by', v.created_by, 'created_at', cl_ts(v.created_at))::text
$$;

-- Every attendee of an event (rows with nothing in them), whoever asks.
CREATE FUNCTION participation_attendance_count(p_event uuid) RETURNS SETOF integer
    LANGUAGE sql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
    SELECT 1 FROM participation_attendance a WHERE a.event_id = p_event
$$;

CREATE FUNCTION participation_event_create(p_body uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    v participation_events;
    e text[] := '{}';
BEGIN
    PERFORM 1 FROM participation_bodies b WHERE b.id = p_body;
    PERFORM cl_found(FOUND, 'participation body');
    IF EXISTS (SELECT 1 FROM jsonb_array_elements_text(coalesce(p->'attendees', '[]')) a
               WHERE a !~ '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$') THEN
        e := e || 'attendees: must be care leaver ids'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    PERFORM voice_care_leaver_to_write(a::uuid, false)
    FROM jsonb_array_elements_text(coalesce(p->'attendees', '[]')) a;
    INSERT INTO participation_events (body_id, kind, held_on, title, created_by)
    VALUES (p_body, p->>'kind', (p->>'held_on')::date, p->>'title', cl_sub())
    RETURNING * INTO v;
    INSERT INTO participation_attendance (event_id, care_leaver_id)
    SELECT DISTINCT v.id, a::uuid FROM jsonb_array_elements_text(coalesce(p->'attendees', '[]')) a;
    PERFORM cl_audit('create', 'participation_event', v.id,
                     jsonb_build_object('body_id', p_body));
    RETURN QUERY SELECT participation_event_json(v), NULL::integer, v.id;
END
$$;

CREATE FUNCTION participation_event_read(p_body uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    v participation_events;
BEGIN
    SELECT * INTO v FROM participation_events x WHERE x.id = p_id AND x.body_id = p_body;
    PERFORM cl_found(FOUND, 'participation event');
    PERFORM cl_audit('read', 'participation_event', v.id);
    RETURN QUERY SELECT participation_event_json(v), NULL::integer, v.id;
END
$$;

CREATE FUNCTION participation_event_list(p_body uuid, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM participation_bodies b WHERE b.id = p_body;
    PERFORM cl_found(FOUND, 'participation body');
    PERFORM cl_audit('list', 'participation_event', p_body);
    RETURN QUERY
        SELECT participation_event_json(v), v.held_on::text, v.id::text
        FROM participation_events v
        WHERE v.body_id = p_body
          AND (p_k1 IS NULL OR (v.held_on, v.id) < (p_k1::date, p_k2::uuid))
        ORDER BY v.held_on DESC, v.id DESC LIMIT p_limit;
END
$$;

-- ---- the Board's "Voice and participation" figures -----------------------------------------

-- Rows as board_report_figures gives them (code, category, cat_sort, district, num, den):
-- membership of the Care Leavers Forum and the Children in Care Council on p_to; responses to
-- the surveys that closed in (p_from, p_to] and their five most tagged themes; statements
-- received in the period and answered within ten working days (cl_working_days: England and
-- Wales bank holidays excluded); the Outcome Star's median distance travelled by area (num
-- the lower median, den the young people). Run by the worker, which reads every row.
CREATE FUNCTION board_voice_figures(p_from date, p_to date, p_districts text[])
RETURNS TABLE (code text, category text, cat_sort integer, district text, num bigint,
               den bigint)
LANGUAGE sql STABLE AS $$
    WITH members AS (
        SELECT DISTINCT b.kind, m.care_leaver_id, c.district
        FROM participation_memberships m
        JOIN participation_bodies b ON b.id = m.body_id
        JOIN care_leavers c ON c.id = m.care_leaver_id
        WHERE b.kind IN ('care_leavers_forum', 'children_in_care_council')
          AND m.joined_on <= p_to AND (m.left_on IS NULL OR m.left_on > p_to)
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), closed AS (
        SELECT s.id, s.title, s.closes_on FROM surveys s
        WHERE s.closes_on > p_from AND s.closes_on <= p_to
    ), themes AS (
        SELECT t.theme, count(*) AS n
        FROM survey_answer_themes t JOIN survey_answers a
            ON a.response_id = t.response_id AND a.position = t.position
        WHERE a.survey_id IN (SELECT closed.id FROM closed)
        GROUP BY t.theme
    ), stmts AS (
        SELECT c.district, s.responded_on IS NOT NULL AND s.responded_on <= p_to
                   AND cl_working_days(s.received_on, s.responded_on) <= 10 AS in_time,
               (s.responded_on IS NOT NULL AND s.responded_on <= p_to)
                   OR cl_working_days(s.received_on, p_to) > 10 AS due
        FROM statements s JOIN care_leavers c ON c.id = s.care_leaver_id
        WHERE s.received_on > p_from AND s.received_on <= p_to
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    ), star AS (
        SELECT g.label, g.area_position AS position, g.latest_score - g.first_score AS distance,
               g.care_leaver_id AS id
        FROM star_area_progress(p_to) g JOIN care_leavers c ON c.id = g.care_leaver_id
        WHERE g.readings >= 2 AND g.latest_on > p_from
          AND (p_districts IS NULL OR c.district = ANY (p_districts))
    )
    SELECT k.code, NULL::text, 0, NULL::text, count(DISTINCT m.care_leaver_id), NULL::bigint
    FROM (VALUES ('care_leavers_forum', 'voice_forum_members'),
                 ('children_in_care_council', 'voice_cicc_members')) AS k (kind, code)
    LEFT JOIN members m ON m.kind = k.kind
    GROUP BY k.code
    UNION ALL
    SELECT 'voice_survey_responses', CASE WHEN GROUPING(s.title) = 0 THEN s.title END, 0, NULL,
           count(r.id), NULL
    FROM closed s LEFT JOIN survey_responses r ON r.survey_id = s.id
    GROUP BY GROUPING SETS ((), (s.title))
    UNION ALL
    SELECT 'voice_survey_themes', NULL, 0, NULL,
           (SELECT count(DISTINCT (t.response_id, t.position))
            FROM survey_answer_themes t JOIN survey_answers a
                ON a.response_id = t.response_id AND a.position = t.position
            WHERE a.survey_id IN (SELECT closed.id FROM closed)), NULL
    UNION ALL
    SELECT 'voice_survey_themes', x.label, x.rank::integer, NULL, x.n, NULL
    FROM (SELECT l.label, t.n, row_number() OVER (ORDER BY t.n DESC, l.label) AS rank
          FROM themes t JOIN survey_themes l ON l.code = t.theme) x
    WHERE x.rank <= 5
    UNION ALL
    SELECT 'voice_statements_received', NULL, 0, s.district, count(*), NULL
    FROM stmts s GROUP BY GROUPING SETS ((), (s.district))
    UNION ALL
    SELECT 'voice_statements_in_time', NULL, 0, NULL, count(*) FILTER (WHERE s.in_time),
           count(*) FILTER (WHERE s.due)
    FROM stmts s
    UNION ALL
    SELECT 'voice_star_distance', CASE WHEN GROUPING(x.label) = 0 THEN x.label END,
           min(x.position), NULL,
           percentile_disc(0.5) WITHIN GROUP (ORDER BY x.distance)::bigint,
           count(DISTINCT x.id)
    FROM star x GROUP BY GROUPING SETS ((), (x.label))
$$;
