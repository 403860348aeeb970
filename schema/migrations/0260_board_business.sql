-- The Board's own business (issue 22): its meetings and the actions it raises (with their
-- history of updates), the narrative sections officers write for a meeting's report, baselines
-- and targets per indicator, and a daily snapshot of every Board figure.
--
-- None of these tables holds anything about a young person (actions and sections are about the
-- service; snapshots are the report's aggregates), so none has row-level security: the api's
-- route table decides who reads (board, managers, admins, service) and who writes (managers and
-- admins), and the worker reads them for the report and writes the snapshots.

CREATE TABLE board_meetings (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    held_on       date NOT NULL UNIQUE,
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    report_job_id uuid REFERENCES jobs (id) ON DELETE SET NULL,
    created_by    text NOT NULL,
    version       integer NOT NULL DEFAULT 1,
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

-- An action the Board raised at a meeting. Its status on a date is that of its latest update on
-- or before the date (board_action_updates); status here is the current one. requests_section
-- names a narrative section the Board asked to see in future reports ("Health and
-- well-being"): while the action is open, a report without that section shows a placeholder.
CREATE TABLE board_actions (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id       uuid NOT NULL REFERENCES board_meetings (id),
    number           text NOT NULL CHECK (number ~ '^[A-Za-z0-9./-]{1,20}$'),
    text             text NOT NULL CHECK (length(text) BETWEEN 1 AND 2000),
    owner_name       text NOT NULL CHECK (length(owner_name) BETWEEN 1 AND 200),
    owner_role       text NOT NULL CHECK (length(owner_role) BETWEEN 1 AND 200),
    due_on           date NOT NULL,
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done', 'dropped')),
    requests_section text CHECK (length(requests_section) BETWEEN 1 AND 200),
    created_by       text NOT NULL,
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (meeting_id, number)
);

-- The history of an action: each update's date, note and the status it leaves the action in.
-- Closing (done or dropped) always carries a note (the CHECK repeats the api's rule).
CREATE TABLE board_action_updates (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    action_id   uuid NOT NULL REFERENCES board_actions (id),
    on_date     date NOT NULL,
    status      text NOT NULL CHECK (status IN ('open', 'done', 'dropped')),
    note        text NOT NULL CHECK (length(btrim(note)) BETWEEN 1 AND 4000),
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX board_action_updates_action ON board_action_updates (action_id, on_date);

-- A narrative section of a meeting's report, written by an officer and approved (or not yet).
CREATE TABLE board_sections (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    meeting_id   uuid NOT NULL REFERENCES board_meetings (id),
    title        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    body         text NOT NULL CHECK (length(body) BETWEEN 1 AND 20000),
    author_name  text NOT NULL CHECK (length(author_name) BETWEEN 1 AND 200),
    author_role  text NOT NULL CHECK (length(author_role) BETWEEN 1 AND 200),
    approved_by  text CHECK (length(approved_by) BETWEEN 1 AND 200),
    approved_on  date,
    sort         integer NOT NULL DEFAULT 0,
    created_by   text NOT NULL,
    version      integer NOT NULL DEFAULT 1,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK ((approved_by IS NULL) = (approved_on IS NULL))
);
CREATE UNIQUE INDEX board_sections_title ON board_sections (meeting_id, lower(title));

-- A baseline: a named date ("Ofsted inspection") with a figure per indicator, either computed
-- by the Board's functions as at that date or entered by hand (entered: it predates the data).
CREATE TABLE board_baselines (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    on_date     date NOT NULL,
    created_by  text NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (name, on_date)
);
CREATE TABLE board_baseline_figures (
    baseline_id uuid NOT NULL REFERENCES board_baselines (id),
    code        text NOT NULL REFERENCES board_indicators (code),
    value       numeric NOT NULL,
    num         bigint,
    den         bigint,
    entered     boolean NOT NULL,
    PRIMARY KEY (baseline_id, code)
);

-- A target per indicator: the value, which way is better, and how far on the wrong side still
-- counts as amber (board_rag, common/cl_board.c, states the rule).
CREATE TABLE board_targets (
    code        text PRIMARY KEY REFERENCES board_indicators (code),
    value       numeric NOT NULL CHECK (value >= 0),
    direction   text NOT NULL CHECK (direction IN ('higher', 'lower')),
    tolerance   numeric NOT NULL CHECK (tolerance >= 0),
    set_by      text NOT NULL,
    version     integer NOT NULL DEFAULT 1,
    updated_at  timestamptz NOT NULL DEFAULT now()
);

-- Every figure of the Board report (total '' and each district, each category) as at a date,
-- stored by the nightly indicator_snapshot job: one day's rows are written in one transaction
-- together with their board_snapshot_days row, so a day is stored whole, once.
CREATE TABLE board_snapshot_days (
    on_date     date PRIMARY KEY,
    taken_at    timestamptz NOT NULL DEFAULT now(),
    job_id      uuid
);
CREATE TABLE board_snapshots (
    on_date     date NOT NULL REFERENCES board_snapshot_days (on_date),
    code        text NOT NULL REFERENCES board_indicators (code),
    category    text NOT NULL DEFAULT '',
    district    text NOT NULL DEFAULT '',
    ord         integer NOT NULL, -- the row's place in the report's order
    num         bigint,
    den         bigint,
    value       numeric,
    PRIMARY KEY (on_date, code, category, district)
);
CREATE INDEX board_snapshots_series ON board_snapshots (code, district, category, on_date);

GRANT SELECT, INSERT, UPDATE ON board_meetings, board_actions, board_sections TO cl_app;
GRANT SELECT, INSERT ON board_action_updates, board_baselines, board_baseline_figures TO cl_app;
GRANT SELECT, INSERT, UPDATE ON board_targets TO cl_app;
GRANT SELECT ON board_snapshot_days, board_snapshots TO cl_app;
GRANT SELECT ON board_meetings, board_actions, board_action_updates, board_sections,
    board_baselines, board_baseline_figures, board_targets TO cl_worker;
GRANT SELECT, INSERT ON board_snapshot_days, board_snapshots TO cl_worker;

-- The nightly snapshot job: requested by managers, admins and services (its rows are
-- aggregates; the board reads them through /v1/indicators, suppressed).
INSERT INTO job_kind_roles (kind, role, own_role_only) VALUES
    ('indicator_snapshot', 'manager', false), ('indicator_snapshot', 'admin', false),
    ('indicator_snapshot', 'service', false);
