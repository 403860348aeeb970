-- History (issue 18): a young person's legal status, personal adviser and district as periods,
-- so that everything asked "as at a date" reads the value in force on that date; final SSDA903
-- returns; contacts stamped by the server when recorded.
--
-- care_leavers.category, uasc, adviser_id and district stay the CURRENT values. The periods are
-- kept in step by the trigger care_leavers_periods (schema/functions/history.sql) in the same
-- transaction as every write of the row, and written directly by the back-dated changes
-- (POST /v1/care-leavers/{id}/status-periods). Each table: [valid_from, valid_to) as one
-- daterange; no two periods of one young person overlap (exclusion constraint) and none ends
-- without the next starting that day (history_periods_contiguous, deferred to commit), so the
-- latest is always open-ended.

CREATE TABLE care_leaver_status_periods (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    category        text NOT NULL CHECK (category IN ('eligible', 'relevant', 'former_relevant',
                                                      'qualifying')),
    uasc            boolean NOT NULL DEFAULT false,
    uasc_ceased_on  date,
    valid           daterange NOT NULL CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_by     text NOT NULL DEFAULT '',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    CHECK (uasc OR uasc_ceased_on IS NULL),
    EXCLUDE USING gist ((care_leaver_id::text) WITH =, valid WITH &&)
);

-- adviser_id NULL: not allocated over the period (so allocation history has no gaps either).
CREATE TABLE care_leaver_allocation_periods (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    adviser_id      uuid REFERENCES advisers (id),
    valid           daterange NOT NULL CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_by     text NOT NULL DEFAULT '',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist ((care_leaver_id::text) WITH =, valid WITH &&)
);
CREATE INDEX care_leaver_allocation_periods_adviser
    ON care_leaver_allocation_periods USING gist (adviser_id, valid);

CREATE TABLE care_leaver_district_periods (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    district        text NOT NULL CHECK (length(district) BETWEEN 1 AND 100),
    valid           daterange NOT NULL CHECK (NOT isempty(valid) AND NOT lower_inf(valid)),
    reason          text NOT NULL DEFAULT '' CHECK (length(reason) <= 500),
    recorded_by     text NOT NULL DEFAULT '',
    recorded_at     timestamptz NOT NULL DEFAULT now(),
    EXCLUDE USING gist ((care_leaver_id::text) WITH =, valid WITH &&)
);

-- The period in force on a date, looked up by the latest start on or before it (a history has
-- no gaps): one backward step of these per row (cl_status_on and the like, history.sql). The
-- exclusion constraints' GiST indexes are keyed on the id's text so that the planner cannot
-- take them for these look-ups instead: with one or two periods per young person it costs
-- both alike, but a GiST probe and sort took 40 times a backward btree step (600 look-ups on
-- the demo data: 25 ms against 1.3 ms).
CREATE INDEX care_leaver_status_periods_start
    ON care_leaver_status_periods (care_leaver_id, lower(valid));
CREATE INDEX care_leaver_allocation_periods_start
    ON care_leaver_allocation_periods (care_leaver_id, lower(valid));
CREATE INDEX care_leaver_district_periods_start
    ON care_leaver_district_periods (care_leaver_id, lower(valid));

-- What is known of the rows already held: the status and district as recorded now, from the
-- date of birth (the first recorded value is all that is known of the time before it); the
-- adviser from the day the case opened (before it nobody was allocated).
INSERT INTO care_leaver_status_periods (care_leaver_id, category, uasc, valid, reason,
                                        recorded_by)
SELECT c.id, c.category, c.uasc, daterange(c.date_of_birth, NULL), 'recorded before history',
       'migration'
FROM care_leavers c;
INSERT INTO care_leaver_district_periods (care_leaver_id, district, valid, reason, recorded_by)
SELECT c.id, c.district, daterange(c.date_of_birth, NULL), 'recorded before history',
       'migration'
FROM care_leavers c;
INSERT INTO care_leaver_allocation_periods (care_leaver_id, adviser_id, valid, reason,
                                            recorded_by)
SELECT c.id, c.adviser_id, daterange(c.opened_on, NULL), 'recorded before history', 'migration'
FROM care_leavers c;

ALTER TABLE care_leaver_status_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_status_periods FORCE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_allocation_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_allocation_periods FORCE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_district_periods ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leaver_district_periods FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON care_leaver_status_periods, care_leaver_allocation_periods,
    care_leaver_district_periods TO cl_app;
GRANT SELECT ON care_leaver_status_periods, care_leaver_allocation_periods,
    care_leaver_district_periods TO cl_worker;
CREATE POLICY care_leaver_status_periods_worker ON care_leaver_status_periods FOR SELECT
    TO cl_worker USING (true);
CREATE POLICY care_leaver_allocation_periods_worker ON care_leaver_allocation_periods
    FOR SELECT TO cl_worker USING (true);
CREATE POLICY care_leaver_district_periods_worker ON care_leaver_district_periods FOR SELECT
    TO cl_worker USING (true);

-- ---- contacts: recorded when the server says so ------------------------------------------------

-- recorded_at: the server's time of the POST (recorded_on is its date); imported: a historic
-- contact loaded by the service role from a legacy system, whose recorded_on is the legacy
-- system's word and never counts as recorded in time. Rows already held were typed in before
-- the server kept the time: their recorded_at is the start of the day they give.
ALTER TABLE contacts ADD COLUMN recorded_at timestamptz;
UPDATE contacts SET recorded_at = recorded_on::timestamp AT TIME ZONE 'UTC';
ALTER TABLE contacts ALTER COLUMN recorded_at SET NOT NULL,
    ALTER COLUMN recorded_at SET DEFAULT now();
ALTER TABLE contacts ADD COLUMN imported boolean NOT NULL DEFAULT false;
-- The Board still reads the statutory visits from the index alone, now with imported.
DROP INDEX contacts_visits_cover;
CREATE INDEX contacts_visits_cover ON contacts (care_leaver_id, occurred_on DESC)
    INCLUDE (recorded_on, imported) WHERE successful AND statutory_visit;

-- ---- final SSDA903 returns ----------------------------------------------------------------------

-- The succeeded ssda903 job a manager declared the final return of a collection year. One in
-- force per year; a later one must supersede it (reason required). A finalised job's artifacts
-- never change again, and the retention purge leaves them (schema/functions/history.sql).
CREATE TABLE ssda903_finals (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    collection_year    integer NOT NULL CHECK (collection_year BETWEEN 2000 AND 2100),
    job_id             uuid NOT NULL UNIQUE REFERENCES jobs (id),
    finalised_by       text NOT NULL,
    finalised_at       timestamptz NOT NULL DEFAULT now(),
    supersedes         uuid UNIQUE REFERENCES ssda903_finals (id),
    superseded_at      timestamptz,
    superseded_reason  text CHECK (length(superseded_reason) BETWEEN 1 AND 2000),
    CHECK ((superseded_at IS NULL) = (superseded_reason IS NULL))
);
CREATE UNIQUE INDEX ssda903_finals_in_force ON ssda903_finals (collection_year)
    WHERE superseded_at IS NULL;
GRANT SELECT, INSERT, UPDATE ON ssda903_finals TO cl_app;
GRANT SELECT ON ssda903_finals TO cl_worker, cl_definer;

-- ---- the Board indicator ----------------------------------------------------------------------

INSERT INTO board_indicators (code, section, sort, label, definition, kind, suppress,
                              in_breakdown) VALUES
    ('pa_allocated_by_17_half', 'Personal advisers', 455,
     'Allocated a personal adviser by 17½',
     'Young people open to the service who reached 17 years and 6 months in the period and '
     || 'had a personal adviser allocated on that day (allocation history), of all who '
     || 'reached it while open; district as on that day.', 'pct', true, false);

-- The definitions that admitted reading today's values now read the history.
UPDATE board_indicators SET definition =
    'Open cases by their legal category in law on the date (eligible, relevant, former '
    || 'relevant, qualifying): the status history, eligible and relevant young people counted '
    || 'as former relevant from their 18th birthday.'
WHERE code = 'cohort_category';
UPDATE board_indicators SET definition =
    'Open cases per personal adviser holding cases, counting each adviser''s whole caseload, '
    || 'as allocated on the date (allocation history).'
WHERE code = 'pa_caseload_mean';
