-- Corporate Parenting Board report (issue 8): what each indicator is, and the England averages
-- DfE publishes for the national ones. Both are data, not code: a council changes a label or
-- adds a year of national figures with an UPDATE or INSERT, and every format of the report
-- (and anything else reading these tables) follows.
--
-- The figures themselves are computed by board_report_figures (0051) from the case records.

CREATE TABLE board_indicators (
    code          text PRIMARY KEY CHECK (code ~ '^[a-z0-9_]{1,60}$'),
    section       text NOT NULL CHECK (length(section) BETWEEN 1 AND 200),
    sort          integer NOT NULL UNIQUE,
    label         text NOT NULL CHECK (length(label) BETWEEN 1 AND 200),
    definition    text NOT NULL CHECK (length(definition) BETWEEN 1 AND 2000),
    -- pct: num of den as a whole percentage; count; mean: num / den to one decimal;
    -- max: num; money: num pence over den payments.
    kind          text NOT NULL CHECK (kind IN ('pct', 'count', 'mean', 'max', 'money')),
    -- Counts of young people (or of what happened to them) are suppressed when small; counts
    -- of places or advisers are not.
    suppress      boolean NOT NULL DEFAULT true,
    -- A column of the report's district breakdown table, headed by short_label.
    in_breakdown  boolean NOT NULL DEFAULT false,
    short_label   text CHECK (length(short_label) BETWEEN 1 AND 60)
);

-- England averages by indicator and year ending 31 March (as published: whole percentages).
CREATE TABLE board_england_averages (
    code         text NOT NULL REFERENCES board_indicators (code),
    year_ending  integer NOT NULL CHECK (year_ending BETWEEN 2000 AND 2100),
    value        numeric(5, 1) NOT NULL CHECK (value BETWEEN 0 AND 100),
    source       text NOT NULL CHECK (length(source) BETWEEN 1 AND 500),
    PRIMARY KEY (code, year_ending)
);

GRANT SELECT ON board_indicators, board_england_averages TO cl_app;

INSERT INTO board_indicators (code, section, sort, label, definition, kind, suppress,
                              in_breakdown) VALUES
    ('cohort_open', 'Care leavers open to the service', 100,
     'Care leavers open to the service',
     'Young people whose case with the leaving care service was open on the date (opened on '
     || 'or before it and not closed by then).', 'count', true, true),
    ('cohort_category', 'Care leavers open to the service', 110, 'By legal category',
     'Open cases by their legal category (eligible, relevant, former relevant, qualifying) as '
     || 'recorded now.', 'count', true, false),
    ('cohort_age', 'Care leavers open to the service', 120, 'By age',
     'Open cases by age on the date.', 'count', true, false),
    ('cohort_uasc', 'Care leavers open to the service', 130,
     'Former unaccompanied asylum-seeking children',
     'Open cases recorded as unaccompanied asylum-seeking children when in care.', 'count',
     true, false),

    ('in_touch_17_18', 'National indicators', 200, 'In touch, aged 17-18',
     'SSDA903 definition, as in the return: of care leavers (not qualifying young people) '
     || 'whose 17th or 18th birthday fell in the twelve months to the date and who had left '
     || 'care by it, the share in touch around the birthday: a successful contact from '
     || 'SSDA903_WINDOW_MONTHS_BEFORE months before to SSDA903_WINDOW_MONTHS_AFTER months '
     || 'after it. Young people who had died or returned home for six months or more are '
     || 'left out; those who refuse contact or no longer want a service stay in.', 'pct', true,
     true),
    ('in_touch_19_21', 'National indicators', 210, 'In touch, aged 19-21',
     'As for 17-18, for the 19th, 20th and 21st birthdays.', 'pct', true, true),
    ('eet_17_18', 'National indicators', 220,
     'In education, employment or training, aged 17-18',
     'SSDA903 definition: of the same cohort, the share whose main activity at the birthday '
     || '(or, with none recorded then, nearest to it in the same window) was education, '
     || 'employment or training (activity codes F1-P5).', 'pct', true, true),
    ('eet_19_21', 'National indicators', 230,
     'In education, employment or training, aged 19-21',
     'As for 17-18, for the 19th, 20th and 21st birthdays.', 'pct', true, true),
    ('neet_17_18', 'National indicators', 240,
     'Not in education, employment or training, aged 17-18',
     'The share of the same cohort whose activity at the birthday was recorded as not in '
     || 'education, employment or training (codes G4, G5, G6). The rest are not known.', 'pct',
     true, false),
    ('neet_19_21', 'National indicators', 250,
     'Not in education, employment or training, aged 19-21',
     'As for 17-18, for the 19th, 20th and 21st birthdays.', 'pct', true, false),
    ('suitable_17_18', 'National indicators', 260, 'In suitable accommodation, aged 17-18',
     'SSDA903 definition: of the same cohort, leaving out those gone abroad, deported or whose '
     || 'residence is not known (types G, H, R), the share whose accommodation at the birthday '
     || '(or nearest to it in the same window) was considered suitable.', 'pct', true, true),
    ('suitable_19_21', 'National indicators', 270, 'In suitable accommodation, aged 19-21',
     'As for 17-18, for the 19th, 20th and 21st birthdays.', 'pct', true, true),

    ('plans_up_to_date', 'Pathway plans and statutory visits', 300,
     'Pathway plans up to date',
     'Of open cases that need a pathway plan (every category but qualifying), the share with '
     || 'a plan in force on the date that is within its six-monthly review.', 'pct', true,
     true),
    ('visits_on_time', 'Pathway plans and statutory visits', 310,
     'Statutory visits done on time',
     'Of statutory visits made in the period, the share made on or before the date the visit '
     || 'was due (the last statutory visit plus the interval for the young person''s category '
     || 'and age, or a week after the case opened).', 'pct', true, true),
    ('visits_recorded_in_time', 'Pathway plans and statutory visits', 320,
     'Statutory visits recorded in time',
     'Of statutory visits made in the period, the share recorded within VISIT_RECORDED_DAYS '
     || 'working days of the visit.', 'pct', true, false),
    ('visits_up_to_date', 'Pathway plans and statutory visits', 330,
     'Young people whose statutory visit is not overdue',
     'Of open cases with a statutory visit duty on the date, the share whose next statutory '
     || 'visit was not overdue.', 'pct', true, false),

    ('pa_advisers', 'Personal advisers', 400, 'Personal advisers holding cases',
     'Personal advisers with at least one open case on the date (in the districts covered).',
     'count', false, false),
    ('pa_caseload_mean', 'Personal advisers', 410, 'Average caseload',
     'Open cases per personal adviser holding cases, counting each adviser''s whole caseload. '
     || 'Allocations are as they are now (allocation history is not kept).', 'mean', false,
     false),
    ('pa_caseload_max', 'Personal advisers', 420, 'Largest caseload',
     'The largest number of open cases held by one personal adviser.', 'max', false, false),
    ('pa_over_limit', 'Personal advisers', 430, 'Advisers over their caseload limit',
     'Personal advisers holding more open cases than their caseload limit.', 'count', false,
     false),

    ('staying_put', 'Accommodation', 500, 'Staying Put',
     'Open cases living with their former foster carers on the date (accommodation type Z).',
     'count', true, false),
    ('independent_living', 'Accommodation', 510, 'Independent living',
     'Open cases in independent living on the date (own or shared tenancy, student halls: '
     || 'accommodation type U).', 'count', true, false),
    ('university', 'Accommodation', 520, 'At university',
     'Open cases in higher education on the date (activity F1 or P1).', 'count', true, false),
    ('bnb_placements', 'Accommodation', 530, 'Bed and breakfast placements in the period',
     'Placements in bed and breakfast (accommodation type W) that began in the period, by '
     || 'the reason recorded for the placement.', 'count', true, false),

    ('outreach_sent', '21-25 outreach', 600, 'Outreach attempts sent',
     'Letters, texts, emails and calls to care leavers aged 21 to 25 not receiving a service, '
     || 'sent in the period.', 'count', true, false),
    ('outreach_replies', '21-25 outreach', 610, 'Replies',
     'Attempts sent in the period that have had a reply.', 'count', true, false),
    ('outreach_response_rate', '21-25 outreach', 620, 'Response rate',
     'Replies as a share of attempts sent in the period.', 'pct', true, false),
    ('outreach_wants_service', '21-25 outreach', 630, 'Replies wanting a service',
     'Replies asking for a service, as a share of replies.', 'pct', true, false),
    ('outreach_not_at_address', '21-25 outreach', 640, 'No longer at the address',
     'Replies or returns showing the young person no longer lives at the last known address, '
     || 'as a share of replies.', 'pct', true, false),

    ('eet_places', 'Education, employment and training opportunities', 700,
     'Places on offer',
     'Places in opportunities open on the date (created by then, not closed, not past their '
     || 'closing date), in the districts covered.', 'count', false, false),
    ('eet_ringfenced_places', 'Education, employment and training opportunities', 710,
     'Places ring-fenced for care leavers',
     'Of those, places in opportunities ring-fenced for care leavers.', 'count', false, false),
    ('eet_referrals', 'Education, employment and training opportunities', 720,
     'Referrals made in the period',
     'Referrals of care leavers to opportunities made in the period.', 'count', true, false),
    ('eet_starts', 'Education, employment and training opportunities', 730,
     'Starts in the period',
     'Referrals that reached "started" in the period.', 'count', true, false),

    ('housing_in_time', 'Joint housing protocol', 800,
     'Housing referrals answered in time',
     'Of housing referrals made in the period that have been answered or are overdue, the '
     || 'share answered by the date the protocol sets, by partner.', 'pct', true, false),
    ('housing_breaches', 'Joint housing protocol', 810, 'Protocol breaches',
     'Breaches of the joint housing protocol in the period, derived from the records (late or '
     || 'no answers, bed and breakfast over the limit or under 18) and recorded by hand, by '
     || 'partner.', 'count', true, false),

    ('grants_paid', 'Grants', 900, 'Grants paid in the period',
     'Payments to care leavers made in the period, by grant type (amount and number of '
     || 'payments).', 'money', true, false);

UPDATE board_indicators i SET short_label = v.short_label
FROM (VALUES ('cohort_open', 'Open cases'), ('in_touch_17_18', 'In touch 17-18'),
             ('in_touch_19_21', 'In touch 19-21'), ('eet_17_18', 'EET 17-18'),
             ('eet_19_21', 'EET 19-21'), ('suitable_17_18', 'Suitable home 17-18'),
             ('suitable_19_21', 'Suitable home 19-21'), ('plans_up_to_date', 'Plans up to date'),
             ('visits_on_time', 'Visits on time')) AS v (code, short_label)
WHERE i.code = v.code;

INSERT INTO board_england_averages (code, year_ending, value, source)
SELECT v.code, v.year, v.value,
       'DfE, Children looked after in England including adoptions, year ending 31 March '
       || v.year
FROM (VALUES
    ('eet_17_18', 2021, 65), ('eet_17_18', 2022, 66), ('eet_17_18', 2023, 66),
    ('eet_17_18', 2024, 64), ('eet_17_18', 2025, 64),
    ('neet_17_18', 2021, 30), ('neet_17_18', 2022, 28), ('neet_17_18', 2023, 28),
    ('neet_17_18', 2024, 30), ('neet_17_18', 2025, 30),
    ('eet_19_21', 2021, 52), ('eet_19_21', 2022, 55), ('eet_19_21', 2023, 56),
    ('eet_19_21', 2024, 54), ('eet_19_21', 2025, 54),
    ('neet_19_21', 2021, 41), ('neet_19_21', 2022, 38), ('neet_19_21', 2023, 38),
    ('neet_19_21', 2024, 39), ('neet_19_21', 2025, 40),
    ('suitable_17_18', 2021, 91), ('suitable_17_18', 2022, 90), ('suitable_17_18', 2023, 91),
    ('suitable_17_18', 2024, 91), ('suitable_17_18', 2025, 91),
    ('suitable_19_21', 2021, 88), ('suitable_19_21', 2022, 88), ('suitable_19_21', 2023, 88),
    ('suitable_19_21', 2024, 88), ('suitable_19_21', 2025, 89)
) AS v (code, year, value);

INSERT INTO board_england_averages (code, year_ending, value, source) VALUES
    ('in_touch_19_21', 2021, 91,
     'DfE figures for 2020/21 as reported in Children & Young People Now''s Leaving Care '
     || 'Special Report (the latest national in-touch figure available)');

-- The England average for an indicator as at a date: the latest year ending 31 March on or
-- before the date, or the earliest year held when the date is before all of them.
CREATE FUNCTION board_england_average(p_code text, p_on date)
RETURNS TABLE (value numeric, year_ending integer, source text) LANGUAGE sql STABLE AS $$
    SELECT e.value, e.year_ending, e.source FROM board_england_averages e
    WHERE e.code = p_code
    ORDER BY (make_date(e.year_ending, 3, 31) <= p_on) DESC,
             CASE WHEN make_date(e.year_ending, 3, 31) <= p_on THEN -e.year_ending
                  ELSE e.year_ending END
    LIMIT 1
$$;
