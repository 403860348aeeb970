-- The young person's voice (issue 21): surveys and their answers, statements in a young
-- person's own words, Outcome Star readings, participation bodies (the Children in Care
-- Council, the Care Leavers Forum, ...), and the Board's "Voice and participation" indicators.
-- The functions are in schema/functions/voice.sql, the api's policies in security.sql.
--
-- Anonymous survey responses are unlinkable by construction: a response carries a care leaver
-- exactly when it is named (anonymous = (care_leaver_id IS NULL)); no table of a response, its
-- answers or their themes holds a person, a principal, an address or a time finer than the
-- day; ids are random (v4). An anonymous survey takes anonymous responses only; a named one
-- both (survey_response_create).

-- ---- surveys -------------------------------------------------------------------------------

-- The controlled list of themes staff tag free-text answers with.
CREATE TABLE survey_themes (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    active      boolean NOT NULL DEFAULT true
);

-- Ready-made question sets a survey may be created from.
CREATE TABLE survey_templates (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    source      text NOT NULL CHECK (length(source) BETWEEN 1 AND 500)
);
CREATE TABLE survey_template_questions (
    template    text NOT NULL REFERENCES survey_templates (code),
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 50),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    type        text NOT NULL CHECK (type IN ('free_text', 'single_choice', 'scale')),
    choices     text[] CHECK ((type = 'single_choice') = (choices IS NOT NULL)),
    PRIMARY KEY (template, position)
);

CREATE TABLE surveys (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    anonymous   boolean NOT NULL,
    opens_on    date NOT NULL,
    closes_on   date NOT NULL,
    template    text REFERENCES survey_templates (code),
    created_by  text NOT NULL DEFAULT '',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT surveys_dates CHECK (closes_on >= opens_on)
);

CREATE TABLE survey_questions (
    survey_id   uuid NOT NULL REFERENCES surveys (id),
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 50),
    text        text NOT NULL CHECK (length(text) BETWEEN 1 AND 1000),
    type        text NOT NULL CHECK (type IN ('free_text', 'single_choice', 'scale')),
    choices     text[] CHECK ((type = 'single_choice') = (choices IS NOT NULL)
                              AND (choices IS NULL OR cardinality(choices) BETWEEN 2 AND 20)),
    PRIMARY KEY (survey_id, position)
);

CREATE TABLE survey_responses (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    survey_id       uuid NOT NULL REFERENCES surveys (id),
    anonymous       boolean NOT NULL,
    care_leaver_id  uuid REFERENCES care_leavers (id),
    responded_on    date NOT NULL,
    CONSTRAINT survey_responses_link CHECK (anonymous = (care_leaver_id IS NULL)),
    UNIQUE (survey_id, care_leaver_id)
);
CREATE INDEX survey_responses_survey ON survey_responses (survey_id);
CREATE INDEX survey_responses_care_leaver ON survey_responses (care_leaver_id)
    WHERE care_leaver_id IS NOT NULL;

CREATE TABLE survey_answers (
    response_id uuid NOT NULL REFERENCES survey_responses (id),
    survey_id   uuid NOT NULL,
    position    smallint NOT NULL,
    text_value  text CHECK (length(text_value) BETWEEN 1 AND 5000),
    choice      text,
    scale       smallint CHECK (scale BETWEEN 1 AND 5),
    PRIMARY KEY (response_id, position),
    FOREIGN KEY (survey_id, position) REFERENCES survey_questions (survey_id, position),
    CONSTRAINT survey_answers_one_value
        CHECK (num_nonnulls(text_value, choice, scale) = 1)
);

CREATE TABLE survey_answer_themes (
    response_id uuid NOT NULL,
    position    smallint NOT NULL,
    theme       text NOT NULL REFERENCES survey_themes (code),
    PRIMARY KEY (response_id, position, theme),
    FOREIGN KEY (response_id, position) REFERENCES survey_answers (response_id, position)
);

INSERT INTO survey_templates (code, title, source) VALUES
    ('new_belongings', 'New Belongings local survey',
     'The seven questions the New Belongings pilot authorities asked their care leavers '
     || '(Care Leavers'' Foundation, 2014).');
INSERT INTO survey_template_questions (template, position, text, type) VALUES
    ('new_belongings', 1, 'What were the three best things about leaving care?', 'free_text'),
    ('new_belongings', 2, 'The three worst things about leaving care?', 'free_text'),
    ('new_belongings', 3, 'Three ways in which you could have been better prepared for '
     || 'independence?', 'free_text'),
    ('new_belongings', 4, 'What advice would you give to a fellow care leaver?', 'free_text'),
    ('new_belongings', 5, 'Three things you would like to change right now for yourself on '
     || 'leaving care/having left care?', 'free_text'),
    ('new_belongings', 6, 'Three things all local authorities should change?', 'free_text'),
    ('new_belongings', 7, 'Is there anything else you would like to say?', 'free_text');

-- ---- statements ----------------------------------------------------------------------------

-- What a young person said, in their own words, where it came from, and what the adviser did.
CREATE TABLE statements (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    received_on     date NOT NULL,
    about           text NOT NULL CHECK (about IN ('meeting', 'plan', 'need', 'other')),
    source          text NOT NULL CHECK (source IN ('momo', 'app', 'paper', 'meeting')),
    text            text NOT NULL CHECK (length(text) BETWEEN 1 AND 20000),
    response        text CHECK (length(response) BETWEEN 1 AND 20000),
    responded_on    date,
    created_by      text NOT NULL DEFAULT '',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT statements_response
        CHECK ((response IS NULL) = (responded_on IS NULL) AND responded_on >= received_on)
);
CREATE INDEX statements_care_leaver ON statements (care_leaver_id, received_on DESC, id DESC);
CREATE INDEX statements_received ON statements (received_on);

-- ---- Outcome Star --------------------------------------------------------------------------

-- The editions the council licenses and their areas: data the council maintains.
CREATE TABLE star_editions (
    code        text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    scale_max   smallint NOT NULL DEFAULT 10 CHECK (scale_max = 10)
);
CREATE TABLE star_areas (
    edition     text NOT NULL REFERENCES star_editions (code),
    code        text NOT NULL CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    position    smallint NOT NULL CHECK (position BETWEEN 1 AND 30),
    label       text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    PRIMARY KEY (edition, code),
    UNIQUE (edition, position)
);

CREATE TABLE star_readings (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    edition         text NOT NULL REFERENCES star_editions (code),
    read_on         date NOT NULL,
    participants    text NOT NULL CHECK (length(participants) BETWEEN 1 AND 500),
    created_by      text NOT NULL DEFAULT '',
    created_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (care_leaver_id, edition, read_on)
);
CREATE TABLE star_scores (
    reading_id  uuid NOT NULL REFERENCES star_readings (id),
    edition     text NOT NULL,
    area        text NOT NULL,
    score       smallint NOT NULL CHECK (score BETWEEN 1 AND 10),
    PRIMARY KEY (reading_id, area),
    FOREIGN KEY (edition, area) REFERENCES star_areas (edition, code)
);

-- ---- participation bodies ------------------------------------------------------------------

CREATE TABLE participation_bodies (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind        text NOT NULL CHECK (kind IN ('children_in_care_council', 'care_leavers_forum',
                                              'peer_mentors', 'champions')),
    name        text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE participation_memberships (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    body_id         uuid NOT NULL REFERENCES participation_bodies (id),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    joined_on       date NOT NULL,
    left_on         date,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT participation_memberships_dates CHECK (left_on >= joined_on),
    CONSTRAINT participation_memberships_no_overlap EXCLUDE USING gist (
        body_id WITH =, care_leaver_id WITH =,
        daterange(joined_on, left_on, '[)') WITH &&)
);
CREATE INDEX participation_memberships_care_leaver ON participation_memberships (care_leaver_id);

CREATE TABLE participation_events (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    body_id     uuid NOT NULL REFERENCES participation_bodies (id),
    kind        text NOT NULL CHECK (kind IN ('meeting', 'presentation_to_managers',
                                              'take_over_day', 'care_leavers_week', 'other')),
    held_on     date NOT NULL,
    title       text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    created_by  text NOT NULL DEFAULT '',
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX participation_events_body ON participation_events (body_id, held_on DESC, id DESC);

CREATE TABLE participation_attendance (
    event_id        uuid NOT NULL REFERENCES participation_events (id),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    PRIMARY KEY (event_id, care_leaver_id)
);
CREATE INDEX participation_attendance_care_leaver ON participation_attendance (care_leaver_id);

-- ---- grants and row-level security ---------------------------------------------------------

-- Definitions, lookups and bodies name nobody: read by the api, written by the functions'
-- role checks. Rows about a person (or an answer that may name one) have forced row-level
-- security: the api's policies are in functions/security.sql; the worker reads them whole for
-- the Board report; cl_definer reads them only while its functions run (survey_results).
GRANT SELECT, INSERT ON survey_themes, survey_templates, survey_template_questions, surveys,
    survey_questions, star_editions, star_areas, participation_bodies, participation_events
    TO cl_app;
GRANT UPDATE ON survey_themes, surveys TO cl_app;
GRANT SELECT, INSERT ON survey_responses, survey_answers, survey_answer_themes, statements,
    star_readings, star_scores, participation_memberships, participation_attendance TO cl_app;
GRANT UPDATE ON statements, participation_memberships TO cl_app;
GRANT SELECT ON survey_themes, survey_templates, survey_template_questions, surveys,
    survey_questions, survey_responses, survey_answers, survey_answer_themes, statements,
    star_editions, star_areas, star_readings, star_scores, participation_bodies,
    participation_memberships, participation_events, participation_attendance TO cl_worker;
GRANT SELECT ON surveys, survey_questions, survey_responses, survey_answers,
    survey_answer_themes, survey_themes, participation_memberships, participation_attendance
    TO cl_definer;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['survey_responses', 'survey_answers', 'survey_answer_themes',
                             'statements', 'star_readings', 'star_scores',
                             'participation_memberships', 'participation_attendance'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO cl_worker USING (true)',
                       t || '_worker', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO cl_definer '
                       'USING (current_user = ''cl_definer'')', t || '_definer', t);
    END LOOP;
END
$$;

-- ---- the Board's "Voice and participation" section ------------------------------------------

INSERT INTO board_indicators (code, section, sort, label, definition, kind, suppress,
                              in_breakdown) VALUES
    ('voice_forum_members', 'Voice and participation', 1500, 'Care Leavers Forum members',
     'Young people who were members of a Care Leavers Forum on the date (joined on or before '
     || 'it, not yet left).', 'count', true, false),
    ('voice_cicc_members', 'Voice and participation', 1510,
     'Children in Care Council members',
     'Young people who were members of a Children in Care Council on the date.', 'count', true,
     false),
    ('voice_survey_responses', 'Voice and participation', 1520,
     'Survey responses (surveys closed in the period)',
     'Responses, named and anonymous, to surveys whose closing date fell in the period, by '
     || 'survey.', 'count', true, false),
    ('voice_survey_themes', 'Voice and participation', 1530, 'Top themes in survey answers',
     'Answers to surveys closed in the period tagged with each theme, for the five themes '
     || 'tagged most often (ties by name); the total counts answers with any theme.', 'count',
     true, false),
    ('voice_statements_received', 'Voice and participation', 1540,
     'Statements received',
     'Statements by young people in their own words (MoMo, app, paper, meetings) received in '
     || 'the period.', 'count', true, false),
    ('voice_statements_in_time', 'Voice and participation', 1550,
     'Statements responded to within 10 working days',
     'Of statements received in the period that were answered by the date or whose ten '
     || 'working days (England and Wales bank holidays excluded) had passed by then, the share '
     || 'answered within ten working days.', 'pct', true, false),
    ('voice_star_distance', 'Voice and participation', 1560,
     'Outcome Star: median distance travelled',
     'For each area, over young people with two or more readings in it by the date, the latest '
     || 'of them in the period: the median (the lower middle value for an even number) of the '
     || 'latest score less the first. The denominator is the number of young people; it is not '
     || 'shown when that is small. The total is over every area''s distances.', 'max', true,
     false);
