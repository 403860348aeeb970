-- Demo voice and participation (issue 21): survey themes, an example Outcome Star edition,
-- the Care Leavers Forum growing from five members a year ago to ten now (one leaving, six
-- joining), the Children in Care Council from six to nine, their meetings and events with
-- attendance, a New Belongings survey with about 60 responses (two in three anonymous), a
-- Care Leavers Week survey with choice and scale questions, statements with responses, and
-- Star readings. Everything is drawn from :seed with hashes of (seed, row, purpose) and dates
-- are relative to :today, as in 10_casework.sql; the care leavers are those of the earlier
-- files, picked by a hash. Replaces its own rows (the loader empties the care leavers, and
-- with them everything hanging off them; the rest is emptied here).

TRUNCATE survey_themes, surveys, star_editions, participation_bodies CASCADE;

CREATE FUNCTION pg_temp.h(p_seed bigint, p_row text, p_what text) RETURNS double precision
    LANGUAGE sql IMMUTABLE AS $$
    SELECT (hashtextextended(p_what || ':' || p_row, p_seed) & 281474976710655)::double precision
           / 281474976710656.0
$$;

INSERT INTO survey_themes (code, label) VALUES
    ('money', 'Money and budgeting'), ('housing', 'Housing and where to live'),
    ('adviser', 'Personal adviser'), ('loneliness', 'Loneliness and support networks'),
    ('mental_health', 'Mental health'), ('education_work', 'Education and work'),
    ('independence', 'Preparation for independence'), ('being_heard', 'Being listened to');

-- An example edition (the council loads the edition it licenses; these areas are made up).
INSERT INTO star_editions (code, name) VALUES
    ('demo_leaving_care', 'Example leaving care Star (demo edition)');
INSERT INTO star_areas (edition, code, position, label) VALUES
    ('demo_leaving_care', 'accommodation', 1, 'Accommodation'),
    ('demo_leaving_care', 'money', 2, 'Money'),
    ('demo_leaving_care', 'work_and_learning', 3, 'Work and learning'),
    ('demo_leaving_care', 'health', 4, 'Physical health'),
    ('demo_leaving_care', 'wellbeing', 5, 'Emotional wellbeing'),
    ('demo_leaving_care', 'relationships', 6, 'Relationships'),
    ('demo_leaving_care', 'living_skills', 7, 'Living skills');

INSERT INTO participation_bodies (id, kind, name) VALUES
    ('d0000000-0000-4000-8000-00000000b001', 'care_leavers_forum', 'Care Leavers Forum'),
    ('d0000000-0000-4000-8000-00000000b002', 'children_in_care_council',
     'Children in Care Council'),
    ('d0000000-0000-4000-8000-00000000b003', 'peer_mentors', 'Peer mentors');

-- Open cases by a hash, numbered: 18-21s for the forum, 16-17s for the council.
CREATE TEMP TABLE voice_people ON COMMIT DROP AS
SELECT c.id, c.date_of_birth, cl_age_on(c.date_of_birth, :'today'::date) AS age,
       row_number() OVER (PARTITION BY cl_age_on(c.date_of_birth, :'today'::date) BETWEEN 16 AND 17
                          ORDER BY pg_temp.h(:seed, c.id::text, 'voice')) AS k
FROM care_leavers c
WHERE c.status = 'open' AND cl_age_on(c.date_of_birth, :'today'::date) BETWEEN 16 AND 21;

-- The forum: five founding members (one leaves 250 days ago), six joining over the year.
INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on, left_on)
SELECT 'd0000000-0000-4000-8000-00000000b001', p.id,
       :'today'::date - (ARRAY[500, 480, 470, 460, 450, 330, 280, 200, 150, 90, 40])[p.k],
       CASE WHEN p.k = 2 THEN :'today'::date - 250 END
FROM voice_people p WHERE p.age >= 18 AND p.k <= 11;
-- The council: six a year ago, nine now.
INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on, left_on)
SELECT 'd0000000-0000-4000-8000-00000000b002', p.id,
       :'today'::date - (ARRAY[420, 410, 400, 395, 390, 385, 220, 120, 60])[p.k], NULL
FROM voice_people p WHERE p.age BETWEEN 16 AND 17 AND p.k <= 9;
-- Peer mentors: two of the forum's longest-standing members.
INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on)
SELECT 'd0000000-0000-4000-8000-00000000b003', p.id, :'today'::date - 300
FROM voice_people p WHERE p.age >= 18 AND p.k IN (1, 3);

-- A forum meeting every month, a presentation to managers, Take Over Day and Care Leavers
-- Week; the members of the day attend with a fixed chance.
INSERT INTO participation_events (id, body_id, kind, held_on, title, created_by)
SELECT md5(:'seed' || ':event:' || e.n)::uuid, e.body, e.kind, e.held_on, e.title, 'demo'
FROM (SELECT m AS n, 'd0000000-0000-4000-8000-00000000b001'::uuid AS body, 'meeting' AS kind,
             :'today'::date - 30 * m AS held_on, 'Forum meeting' AS title
      FROM generate_series(1, 12) m
      UNION ALL SELECT 13, 'd0000000-0000-4000-8000-00000000b001', 'presentation_to_managers',
                       :'today'::date - 120, 'Forum presentation to the leaving care managers'
      UNION ALL SELECT 14, 'd0000000-0000-4000-8000-00000000b002', 'take_over_day',
                       :'today'::date - 150, 'Take Over Day at County Hall'
      UNION ALL SELECT 15, 'd0000000-0000-4000-8000-00000000b001', 'care_leavers_week',
                       :'today'::date - 160, 'Care Leavers Week celebration') e;
INSERT INTO participation_attendance (event_id, care_leaver_id)
SELECT v.id, m.care_leaver_id
FROM participation_events v
JOIN participation_memberships m ON m.body_id = v.body_id AND m.joined_on <= v.held_on
                                AND (m.left_on IS NULL OR m.left_on > v.held_on)
WHERE pg_temp.h(:seed, v.id::text || m.care_leaver_id::text, 'attend') < 0.75;

-- The New Belongings survey: named, about 60 responses, two in three anonymous.
INSERT INTO surveys (id, title, anonymous, opens_on, closes_on, template, created_by,
                     created_at, updated_at)
VALUES ('d0000000-0000-4000-8000-00000000c001', 'New Belongings: your experience of leaving care',
        false, :'today'::date - 200, :'today'::date - 170, 'new_belongings', 'demo',
        :'today'::date - 210, :'today'::date - 210);
INSERT INTO survey_questions (survey_id, position, text, type, choices)
SELECT 'd0000000-0000-4000-8000-00000000c001', t.position, t.text, t.type, t.choices
FROM survey_template_questions t WHERE t.template = 'new_belongings';

-- Care Leavers Week survey: anonymous, a scale and a choice.
INSERT INTO surveys (id, title, anonymous, opens_on, closes_on, created_by, created_at,
                     updated_at)
VALUES ('d0000000-0000-4000-8000-00000000c002', 'Care Leavers Week survey', true,
        :'today'::date - 165, :'today'::date - 155, 'demo', :'today'::date - 170,
        :'today'::date - 170);
INSERT INTO survey_questions (survey_id, position, text, type, choices) VALUES
    ('d0000000-0000-4000-8000-00000000c002', 1,
     'How well does your personal adviser listen to you? (1 not at all, 5 very well)', 'scale',
     NULL),
    ('d0000000-0000-4000-8000-00000000c002', 2, 'Do you know what is in the Local Offer?',
     'single_choice', ARRAY['Yes', 'A little', 'No']),
    ('d0000000-0000-4000-8000-00000000c002', 3, 'What one thing should the service change?',
     'free_text', NULL);

CREATE TEMP TABLE voice_responses ON COMMIT DROP AS
SELECT md5(:'seed' || ':response:' || n)::uuid AS id, 'd0000000-0000-4000-8000-00000000c001'::uuid
           AS survey_id, n,
       CASE WHEN n > 40 THEN (SELECT p.id FROM voice_people p WHERE p.age >= 18
                              ORDER BY pg_temp.h(:seed, p.id::text, 'named') LIMIT 1 OFFSET n - 41)
            END AS care_leaver_id,
       :'today'::date - 200 + (pg_temp.h(:seed, n::text, 'day') * 30)::int AS responded_on
FROM generate_series(1, 60) n
UNION ALL
SELECT md5(:'seed' || ':cles:' || n)::uuid, 'd0000000-0000-4000-8000-00000000c002', n, NULL,
       :'today'::date - 165 + (pg_temp.h(:seed, n::text, 'cday') * 10)::int
FROM generate_series(1, 30) n;
INSERT INTO survey_responses (id, survey_id, anonymous, care_leaver_id, responded_on)
SELECT r.id, r.survey_id, r.care_leaver_id IS NULL, r.care_leaver_id, r.responded_on
FROM voice_responses r WHERE r.survey_id <> 'd0000000-0000-4000-8000-00000000c001'
                          OR r.care_leaver_id IS NOT NULL OR r.n <= 40;

-- Answers: each New Belongings question answered with one of a few short texts (most
-- answer every question); the Care Leavers Week survey's scale, choice and text.
INSERT INTO survey_answers (response_id, survey_id, position, text_value)
SELECT r.id, r.survey_id, q.position,
       (ARRAY[ARRAY['Having my own place', 'My PA was always there', 'Freedom to choose',
                    'Help with college costs'],
              ARRAY['Feeling lonely at first', 'Not knowing how to budget',
                    'Moving too quickly', 'Changing PA too often'],
              ARRAY['Learning to cook and shop', 'Practice managing bills',
                    'Knowing my rights earlier', 'Visiting my flat before moving'],
              ARRAY['Ask for help early', 'Keep in touch with your PA',
                    'Find out what the Local Offer gives you', 'Save a little every week'],
              ARRAY['A job I like', 'Somewhere nearer my friends', 'Counselling',
                    'Learning to drive'],
              ARRAY['Listen to care leavers', 'Council tax exemption everywhere',
                    'Support after 21 for everyone', 'No bed and breakfast ever'],
              ARRAY['Thank you to my PA', 'More events like Care Leavers Week',
                    'Nothing else', 'Make the forum bigger']])
           [q.position][1 + (pg_temp.h(:seed, r.id::text || q.position, 'text') * 4)::int % 4]
FROM survey_responses r
JOIN survey_questions q ON q.survey_id = r.survey_id
WHERE r.survey_id = 'd0000000-0000-4000-8000-00000000c001'
  AND pg_temp.h(:seed, r.id::text || q.position, 'skip') < 0.85;
INSERT INTO survey_answers (response_id, survey_id, position, text_value, choice, scale)
SELECT r.id, r.survey_id, q.position,
       CASE q.position WHEN 3 THEN (ARRAY['More time with my PA', 'Help with money',
                                          'Better housing', 'Nothing'])
                                   [1 + (pg_temp.h(:seed, r.id::text, 'cl3') * 4)::int % 4] END,
       CASE q.position WHEN 2 THEN (ARRAY['Yes', 'A little', 'No'])
                                   [1 + (pg_temp.h(:seed, r.id::text, 'cl2') * 3)::int % 3] END,
       CASE q.position WHEN 1 THEN 2 + (pg_temp.h(:seed, r.id::text, 'cl1') * 4)::int % 4 END
FROM survey_responses r
JOIN survey_questions q ON q.survey_id = r.survey_id
WHERE r.survey_id = 'd0000000-0000-4000-8000-00000000c002';

-- Themes staff tagged on about half the free-text answers.
INSERT INTO survey_answer_themes (response_id, position, theme)
SELECT a.response_id, a.position,
       (ARRAY['money', 'housing', 'adviser', 'loneliness', 'mental_health', 'education_work',
              'independence', 'being_heard'])
           [1 + (pg_temp.h(:seed, a.response_id::text || a.position, 'theme') * 8)::int % 8]
FROM survey_answers a
WHERE a.text_value IS NOT NULL AND pg_temp.h(:seed, a.response_id::text || a.position, 'tag') < 0.5;

-- Statements over the last year: about one open case in six says something, once or twice;
-- most are answered within a few days, some late, some not yet.
INSERT INTO statements (id, care_leaver_id, received_on, about, source, text, response,
                        responded_on, created_by, created_at, updated_at)
SELECT md5(:'seed' || ':statement:' || s.id || ':' || s.k)::uuid, s.id, s.received_on,
       (ARRAY['meeting', 'plan', 'need', 'other'])[1 + (s.x * 40)::int % 4],
       (ARRAY['momo', 'app', 'paper', 'meeting'])[1 + (s.x * 70)::int % 4],
       (ARRAY['I want my PA to come to my review', 'My plan does not say what I asked for',
              'I need help with my gas bill', 'I would like to join the forum',
              'The meeting was too early in the day for me'])[1 + (s.x * 50)::int % 5],
       CASE WHEN s.reply_in <= :'today'::date - s.received_on
            THEN 'Discussed with the young person and the plan updated' END,
       CASE WHEN s.reply_in <= :'today'::date - s.received_on
            THEN s.received_on + s.reply_in END,
       'demo', s.received_on, s.received_on
FROM (SELECT c.id, k.k, pg_temp.h(:seed, c.id::text || k.k, 'stmt') AS x,
             :'today'::date - 5 - (pg_temp.h(:seed, c.id::text || k.k, 'sday') * 360)::int
                 AS received_on,
             1 + (pg_temp.h(:seed, c.id::text || k.k, 'reply') ^ 2 * 24)::int AS reply_in
      FROM care_leavers c CROSS JOIN generate_series(1, 2) k (k)
      WHERE c.status = 'open' AND pg_temp.h(:seed, c.id::text, 'says') < 0.17
        AND (k.k = 1 OR pg_temp.h(:seed, c.id::text, 'twice') < 0.4)) s;

-- Star readings: about one open 18-21 in four, a reading every three months (two to four),
-- each area moving up or down a little each time, mostly up.
INSERT INTO star_readings (id, care_leaver_id, edition, read_on, participants, created_by,
                           created_at)
SELECT md5(:'seed' || ':star:' || p.id || ':' || g.i)::uuid, p.id, 'demo_leaving_care',
       :'today'::date - 20 - 91 * g.i, 'Young person and personal adviser', 'demo',
       :'today'::date - 20 - 91 * g.i
FROM voice_people p CROSS JOIN generate_series(0, 3) g (i)
WHERE p.age >= 18 AND pg_temp.h(:seed, p.id::text, 'star') < 0.25
  AND g.i < 2 + (pg_temp.h(:seed, p.id::text, 'nread') * 3)::int;
INSERT INTO star_scores (reading_id, edition, area, score)
SELECT r.id, r.edition, a.code,
       least(10, greatest(1, 3 + (pg_temp.h(:seed, r.care_leaver_id::text || a.code, 'base') * 4)::int
                             + (3 - (:'today'::date - 20 - r.read_on) / 91)
                               * (pg_temp.h(:seed, r.care_leaver_id::text || a.code, 'pace') * 2.2
                                  - 0.4)::int))
FROM star_readings r JOIN star_areas a ON a.edition = r.edition;
