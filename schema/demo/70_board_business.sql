-- The Board's own business for the demo (issue 22): three meetings (two held, one coming up
-- 13 days after :today, the date the demo Board report is for), actions raised at the first
-- two with their updates, narrative sections for the coming meeting (the health and
-- well-being statement an open action asked for is missing, so the report shows its
-- placeholder), an Ofsted baseline entered by hand (it predates the data) and targets.
-- Dates move with :today, so the report made from the demo data looks the same any day.
TRUNCATE board_action_updates, board_actions, board_sections, board_meetings,
    board_baseline_figures, board_baselines, board_targets, board_snapshots,
    board_snapshot_days;

INSERT INTO board_meetings (held_on, title, created_by) VALUES
    (:'today'::date - 175, 'Corporate Parenting Board', 'demo'),
    (:'today'::date - 85, 'Corporate Parenting Board', 'demo'),
    (:'today'::date + 13, 'Corporate Parenting Board', 'demo');

INSERT INTO board_actions (meeting_id, number, text, owner_name, owner_role, due_on, status,
                           requests_section, created_by)
SELECT m.id, a.number, a.text, a.owner_name, a.owner_role, :'today'::date + a.due, a.status,
       a.requests_section, 'demo'
FROM (VALUES
    (-175, '1', 'A statement on health and well-being should be included in future reports.',
     'Sam Okafor', 'Head of Service, Leaving Care', -85, 'open', 'Health and well-being'),
    (-175, '2', 'Compare every figure with the last inspection in the next report.',
     'Priya Shah', 'Performance Manager', -85, 'done', NULL),
    (-85, '1', 'Bring the EET action group''s plan for 19-21 year olds not in education, '
     || 'employment or training.', 'Jo Reilly', 'EET Lead', 13, 'open', NULL))
    AS a (meeting, number, text, owner_name, owner_role, due, status, requests_section)
JOIN board_meetings m ON m.held_on = :'today'::date + a.meeting;

INSERT INTO board_action_updates (action_id, on_date, status, note, created_by)
SELECT a.id, m.held_on + u.after, u.status, u.note, 'demo'
FROM (VALUES
    ('1', -175, 40, 'open', 'The designated nurse for looked after children has been asked '
     || 'for a statement.'),
    ('2', -175, 90, 'done', 'The report now has a baseline column from the Ofsted inspection.'),
    ('1', -85, 30, 'open', 'The action group met; its plan goes to the next meeting.'))
    AS u (number, meeting, after, status, note)
JOIN board_meetings m ON m.held_on = :'today'::date + u.meeting
JOIN board_actions a ON a.meeting_id = m.id AND a.number = u.number;

INSERT INTO board_sections (meeting_id, title, body, author_name, author_role, approved_by,
                            approved_on, sort, created_by)
SELECT m.id, s.title, s.body, s.author_name, s.author_role, s.approved_by,
       CASE WHEN s.approved_by IS NOT NULL THEN :'today'::date END, s.sort, 'demo'
FROM (VALUES
    ('Voice of care leavers',
     'The Children in Care Council met twice this quarter. Care leavers asked for help with '
     || 'council tax and for drop-in sessions in the evening.'
     || E'\n\n' || 'Both are in hand: the council tax exemption runs to age 25 from April, '
     || 'and an evening drop-in opens next month.',
     'Alex Morgan', 'Participation Officer', 'Sam Okafor', 1),
    ('Implications: financial, legal and equalities',
     'Financial: none beyond existing budgets. Legal: the duties are those of the Children '
     || '(Leaving Care) Act 2000 and the Children and Social Work Act 2017. Equalities: the '
     || 'figures are not yet broken down by ethnicity or disability.',
     'Priya Shah', 'Performance Manager', NULL, 2))
    AS s (title, body, author_name, author_role, approved_by, sort)
JOIN board_meetings m ON m.held_on = :'today'::date + 13;

-- The last inspection predates the records, so its figures are entered by hand.
INSERT INTO board_baselines (name, on_date, created_by)
VALUES ('Ofsted inspection', '2016-11-30', 'demo');
INSERT INTO board_baseline_figures (baseline_id, code, value, entered)
SELECT b.id, f.code, f.value, true
FROM board_baselines b
CROSS JOIN (VALUES ('in_touch_19_21', 86), ('eet_19_21', 48), ('staying_put', 21))
    AS f (code, value);

INSERT INTO board_targets (code, value, direction, tolerance, set_by) VALUES
    ('in_touch_19_21', 90, 'higher', 5, 'demo'),
    ('eet_19_21', 55, 'higher', 5, 'demo'),
    ('neet_19_21', 35, 'lower', 5, 'demo'),
    ('plans_up_to_date', 95, 'higher', 5, 'demo'),
    ('staying_put', 30, 'higher', 5, 'demo');
