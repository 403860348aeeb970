-- The baseline: every table, constraint, index, grant, row-level security switch, the
-- database roles' set-up and the reference data, as they stood when the schema was first
-- reorganised (issue 17). Nothing had been released, so the migrations 0001-0150 were squashed
-- into this one (README, changelog); later changes to tables come as new numbered migrations.
--
-- Functions, trigger functions, triggers and the row-level security policies that call a
-- function are not here: each has one current definition in schema/functions/ (listed in the
-- Makefile's FUNCTIONS, applied after the migrations whenever any of them changed).
--
-- Roles (SECURITY.md; the login roles and their passwords are made outside migrations, by
-- scripts/db-roles.sh, run once per cluster by a superuser):
--   the owner (MIGRATION_DATABASE_URL)  owns the schema; used only by api --migrate;
--   cl_app (the api's DATABASE_URL)     owns nothing; row-level security as the principal set
--                                       per transaction; INSERT and SELECT on audit_log only;
--   cl_worker (the worker's)            owns nothing; reads the person tables whole (returns
--                                       and reports are about everyone), writes only the job
--                                       queue and artifacts; no audit_log, no idempotency keys;
--   cl_definer (no login)               owns the SECURITY DEFINER functions, reads only
--                                       (functions/security.sql hands them over).
-- A role missing here is created without a login when the migrating role may; an
-- administrator then gives cl_app and cl_worker LOGIN and a password.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cl_app', 'cl_worker', 'cl_definer'] LOOP
        IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) THEN
            BEGIN
                EXECUTE format('CREATE ROLE %I NOLOGIN', r);
            EXCEPTION WHEN insufficient_privilege THEN
                RAISE EXCEPTION 'role % does not exist: run scripts/db-roles.sh as a superuser '
                                'first (SECURITY.md)', r;
            END;
        END IF;
    END LOOP;
    IF NOT pg_has_role(current_user, 'cl_definer', 'MEMBER') THEN
        GRANT cl_definer TO CURRENT_USER;
    END IF;
END
$$;
GRANT cl_app TO CURRENT_USER;

-- ---- the audit log ---------------------------------------------------------------------------

-- Append-only (audit_log_refuse in functions/base.sql stops UPDATE, DELETE and TRUNCATE).

GRANT USAGE ON SCHEMA public TO cl_app;
GRANT SELECT ON schema_migrations TO cl_app;

CREATE TABLE audit_log (
    id            bigserial PRIMARY KEY,
    at            timestamptz NOT NULL DEFAULT now(),
    actor_sub     text NOT NULL,
    role          text NOT NULL,
    action        text NOT NULL CHECK (action IN ('read', 'list', 'create', 'update', 'close',
                                                  'delete', 'allocate', 'override', 'request',
                                                  'download', 'transition', 'sign')),
    resource_type text NOT NULL,
    resource_id   uuid,
    request_id    text NOT NULL DEFAULT '',
    detail        jsonb
);
CREATE INDEX audit_log_resource ON audit_log (resource_id, id);
CREATE INDEX audit_log_actor ON audit_log (actor_sub, id);

REVOKE ALL ON audit_log FROM PUBLIC;
GRANT INSERT, SELECT ON audit_log TO cl_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO cl_app;

-- ---- the job queue ------------------------------------------------------------------------

-- The job queue the worker takes requests from, and the files (artifacts) jobs produce.
-- Claimed with FOR UPDATE SKIP LOCKED; a lease (locked_by, locked_until) renewed by a
-- heartbeat; NOTIFY job_queued wakes idle workers.

CREATE TABLE jobs (
    id              uuid PRIMARY KEY,
    kind            text NOT NULL,
    params          jsonb NOT NULL DEFAULT '{}',
    status          text NOT NULL DEFAULT 'queued'
                    CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled')),
    progress        integer NOT NULL DEFAULT 0 CHECK (progress BETWEEN 0 AND 100),
    stage           text NOT NULL DEFAULT '',
    attempts        integer NOT NULL DEFAULT 0,
    max_attempts    integer NOT NULL DEFAULT 5 CHECK (max_attempts BETWEEN 1 AND 25),
    run_after       timestamptz NOT NULL DEFAULT now(),
    locked_by       text,
    locked_until    timestamptz,
    lease_token     uuid,
    created_by      text NOT NULL,
    created_role    text NOT NULL,
    idempotency_key text,
    request_hash    text,
    result          jsonb,
    error           text,
    created_at      timestamptz NOT NULL DEFAULT now(),
    started_at      timestamptz,
    finished_at     timestamptz,
    version         integer NOT NULL DEFAULT 1
);
CREATE INDEX jobs_running_lease ON jobs (locked_until) WHERE status = 'running';
CREATE UNIQUE INDEX jobs_idempotency ON jobs (created_by, idempotency_key)
    WHERE idempotency_key IS NOT NULL;

CREATE TABLE artifacts (
    id          uuid PRIMARY KEY,
    job_id      uuid NOT NULL REFERENCES jobs (id),
    name        text NOT NULL,
    media_type  text NOT NULL,
    bytes       bytea NOT NULL,
    sha256      text NOT NULL,
    size        bigint NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (job_id, name)
);

GRANT SELECT, INSERT, UPDATE ON jobs TO cl_app;
GRANT SELECT ON artifacts TO cl_app;

-- Core tables every other part hangs off: personal advisers, care leavers, partner
-- organisations, and the idempotency records of POST requests. Row-level security on the
-- person tables is the second wall behind the scoped queries (DESIGN §4).

CREATE TABLE advisers (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    email           text NOT NULL UNIQUE CHECK (length(email) BETWEEN 3 AND 254),
    team            text NOT NULL DEFAULT '' CHECK (length(team) <= 200),
    fte             numeric(3, 2) NOT NULL DEFAULT 1.0 CHECK (fte > 0 AND fte <= 1),
    caseload_limit  integer NOT NULL DEFAULT 24 CHECK (caseload_limit BETWEEN 0 AND 200),
    eet_lead        boolean NOT NULL DEFAULT false,
    active          boolean NOT NULL DEFAULT true,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE partners (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    kind            text NOT NULL CHECK (kind IN ('district_council', 'housing_provider',
                                                  'employer', 'college', 'health', 'other')),
    districts       text[] NOT NULL DEFAULT '{}',
    contact_name    text NOT NULL DEFAULT '' CHECK (length(contact_name) <= 200),
    contact_email   text NOT NULL DEFAULT '' CHECK (length(contact_email) <= 254),
    contact_phone   text NOT NULL DEFAULT '' CHECK (length(contact_phone) <= 32),
    active          boolean NOT NULL DEFAULT true,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE care_leavers (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    la_child_id      text NOT NULL UNIQUE CHECK (la_child_id ~ '^[A-Za-z0-9]{1,10}$'),
    given_name       text NOT NULL CHECK (length(given_name) BETWEEN 1 AND 100),
    family_name      text NOT NULL CHECK (length(family_name) BETWEEN 1 AND 100),
    preferred_name   text CHECK (length(preferred_name) <= 100),
    date_of_birth    date NOT NULL,
    sex              text NOT NULL CHECK (sex IN ('M', 'F', 'U')),
    ethnicity        text NOT NULL CHECK (ethnicity IN (
                         'WBRI', 'WIRI', 'WIRT', 'WOTH', 'WROM', 'MWBC', 'MWBA', 'MWAS', 'MOTH',
                         'AIND', 'APKN', 'ABAN', 'AOTH', 'BCRB', 'BAFR', 'BOTH', 'CHNE', 'OOTH',
                         'REFU', 'NOBT')),
    uasc             boolean NOT NULL DEFAULT false,
    category         text NOT NULL CHECK (category IN ('eligible', 'relevant', 'former_relevant',
                                                      'qualifying')),
    care_ceased_on   date,
    district         text NOT NULL CHECK (length(district) BETWEEN 1 AND 100),
    adviser_id       uuid REFERENCES advisers (id),
    phone            text CHECK (length(phone) <= 32),
    email            text CHECK (length(email) <= 254),
    address          text CHECK (length(address) <= 500),
    postcode         text CHECK (length(postcode) <= 8),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    closed_on        date,
    closed_reason    text CHECK (length(closed_reason) <= 500),
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'closed') = (closed_on IS NOT NULL)),
    CHECK (care_ceased_on IS NULL OR care_ceased_on >= date_of_birth)
);
CREATE INDEX care_leavers_adviser ON care_leavers (adviser_id);
CREATE INDEX care_leavers_name ON care_leavers (family_name, given_name, id);
CREATE INDEX care_leavers_district ON care_leavers (district);

ALTER TABLE care_leavers ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leavers FORCE ROW LEVEL SECURITY;

GRANT SELECT, INSERT, UPDATE ON advisers, partners, care_leavers TO cl_app;

-- POST responses remembered for 24 h under the client's Idempotency-Key.
CREATE TABLE idempotency_keys (
    actor_sub     text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer NOT NULL,
    location      text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_sub, key)
);
GRANT SELECT, INSERT, UPDATE ON idempotency_keys TO cl_app;

-- Casework tables: pathway plan versions, keeping-in-touch contacts and statutory visits,
-- contact-status events (the DfE IN_TOUCH meanings that are recorded rather than derived),
-- and 21-25 outreach contacts; the policy tables the due-date rules read (visit intervals by
-- category and age, bank holidays for working days); and the care_leavers changes they need.
--
-- Every person table here has row-level security: a row is reachable exactly when its care
-- leaver is (cl_can_see_care_leaver through care_leavers' own policy), and written only by
-- managers, administrators and the care leaver's own adviser. Nothing is ever deleted.

-- ---- care_leavers ---------------------------------------------------------------------------

-- SSDA903 SEX is M, F or U from the 2024/25 collection (rule 101). Direct loads that still
-- send the old 1/2 are stored as M/F, so the table only ever holds current codes.

-- The day the leaving care service opened the case: the first statutory visit is due a week
-- later, and a missing pathway plan three months later at the earliest.
ALTER TABLE care_leavers ADD COLUMN opened_on date NOT NULL DEFAULT current_date;
ALTER TABLE care_leavers ADD CONSTRAINT care_leavers_opened_on_check
    CHECK (opened_on >= date_of_birth);
ALTER TABLE care_leavers ADD CONSTRAINT care_leavers_closed_on_check
    CHECK (closed_on IS NULL OR closed_on >= opened_on);
ALTER TABLE care_leavers ADD CONSTRAINT care_leavers_closed_reason_required
    CHECK ((status = 'closed') = (closed_reason IS NOT NULL));
CREATE INDEX care_leavers_open_adviser ON care_leavers (adviser_id) WHERE status = 'open';
CREATE INDEX care_leavers_dob ON care_leavers (date_of_birth);

-- ---- policy tables ---------------------------------------------------------------------------

-- Longest gap between statutory visits, by category and age (policy, not law: change rows,
-- not code). No row means no statutory visit duty (qualifying young people).
CREATE TABLE visit_standards (
    category       text NOT NULL CHECK (category IN ('eligible', 'relevant', 'former_relevant',
                                                     'qualifying')),
    min_age        integer NOT NULL CHECK (min_age BETWEEN 0 AND 30),
    max_age        integer NOT NULL CHECK (max_age BETWEEN 0 AND 30),
    interval_days  integer NOT NULL CHECK (interval_days BETWEEN 1 AND 366),
    basis          text NOT NULL DEFAULT '',
    PRIMARY KEY (category, min_age),
    CHECK (max_age >= min_age)
);
INSERT INTO visit_standards (category, min_age, max_age, interval_days, basis) VALUES
    ('eligible', 0, 17, 42,
     'CPPCR 2010 reg 28: a looked-after child is visited at least every six weeks'),
    ('relevant', 0, 17, 56,
     'CLR 2010 reg 8(2): at most two months; local eight-week face-to-face standard'),
    ('former_relevant', 0, 20, 56,
     'CLR 2010 reg 8(2): at most two months; local eight-week face-to-face standard'),
    ('former_relevant', 21, 25, 91,
     'After 21 contact is set by need; default quarterly');

-- England and Wales bank holidays, for counting working days. Extend as years are announced.
CREATE TABLE bank_holidays (
    day   date PRIMARY KEY,
    name  text NOT NULL
);
INSERT INTO bank_holidays (day, name) VALUES
    ('2023-01-02', 'New Year''s Day (substitute)'), ('2023-04-07', 'Good Friday'),
    ('2023-04-10', 'Easter Monday'), ('2023-05-01', 'Early May bank holiday'),
    ('2023-05-08', 'Coronation bank holiday'), ('2023-05-29', 'Spring bank holiday'),
    ('2023-08-28', 'Summer bank holiday'), ('2023-12-25', 'Christmas Day'),
    ('2023-12-26', 'Boxing Day'),
    ('2024-01-01', 'New Year''s Day'), ('2024-03-29', 'Good Friday'),
    ('2024-04-01', 'Easter Monday'), ('2024-05-06', 'Early May bank holiday'),
    ('2024-05-27', 'Spring bank holiday'), ('2024-08-26', 'Summer bank holiday'),
    ('2024-12-25', 'Christmas Day'), ('2024-12-26', 'Boxing Day'),
    ('2025-01-01', 'New Year''s Day'), ('2025-04-18', 'Good Friday'),
    ('2025-04-21', 'Easter Monday'), ('2025-05-05', 'Early May bank holiday'),
    ('2025-05-26', 'Spring bank holiday'), ('2025-08-25', 'Summer bank holiday'),
    ('2025-12-25', 'Christmas Day'), ('2025-12-26', 'Boxing Day'),
    ('2026-01-01', 'New Year''s Day'), ('2026-04-03', 'Good Friday'),
    ('2026-04-06', 'Easter Monday'), ('2026-05-04', 'Early May bank holiday'),
    ('2026-05-25', 'Spring bank holiday'), ('2026-08-31', 'Summer bank holiday'),
    ('2026-12-25', 'Christmas Day'), ('2026-12-28', 'Boxing Day (substitute)'),
    ('2027-01-01', 'New Year''s Day'), ('2027-03-26', 'Good Friday'),
    ('2027-03-29', 'Easter Monday'), ('2027-05-03', 'Early May bank holiday'),
    ('2027-05-31', 'Spring bank holiday'), ('2027-08-30', 'Summer bank holiday'),
    ('2027-12-27', 'Christmas Day (substitute)'), ('2027-12-28', 'Boxing Day (substitute)');

GRANT SELECT ON visit_standards, bank_holidays TO cl_app;

-- ---- pathway plans ---------------------------------------------------------------------------

-- One row per version of a care leaver's pathway plan. At most one is current; making a
-- version current supersedes the one before (superseded_on = the new version's start).
CREATE TABLE pathway_plans (
    id                        uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id            uuid NOT NULL REFERENCES care_leavers (id),
    version_no                integer NOT NULL CHECK (version_no >= 1),
    status                    text NOT NULL DEFAULT 'draft'
                              CHECK (status IN ('draft', 'current', 'superseded')),
    started_on                date NOT NULL,
    reviewed_on               date,
    superseded_on             date,
    accommodation             text NOT NULL DEFAULT '' CHECK (length(accommodation) <= 20000),
    eet                       text NOT NULL DEFAULT '' CHECK (length(eet) <= 20000),
    health_and_wellbeing      text NOT NULL DEFAULT ''
                              CHECK (length(health_and_wellbeing) <= 20000),
    finance                   text NOT NULL DEFAULT '' CHECK (length(finance) <= 20000),
    relationships_and_identity text NOT NULL DEFAULT ''
                              CHECK (length(relationships_and_identity) <= 20000),
    practical_and_life_skills text NOT NULL DEFAULT ''
                              CHECK (length(practical_and_life_skills) <= 20000),
    created_by                text NOT NULL DEFAULT '',
    version                   integer NOT NULL DEFAULT 1,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    UNIQUE (care_leaver_id, version_no),
    CONSTRAINT pathway_plans_reviewed_on_check CHECK (reviewed_on IS NULL OR reviewed_on >= started_on),
    CHECK ((status = 'superseded') = (superseded_on IS NOT NULL))
);
CREATE UNIQUE INDEX pathway_plans_one_current ON pathway_plans (care_leaver_id)
    WHERE status = 'current';
CREATE INDEX pathway_plans_in_force ON pathway_plans (care_leaver_id, started_on DESC, version_no DESC)
    WHERE status <> 'draft';

-- ---- contacts --------------------------------------------------------------------------------

-- Keeping-in-touch contacts and statutory visits, as the PA's written record (CLR reg 8(1)).
CREATE TABLE contacts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id   uuid NOT NULL REFERENCES care_leavers (id),
    occurred_on      date NOT NULL,
    method           text NOT NULL CHECK (method IN ('home_visit', 'other_visit', 'phone', 'video',
                                                     'text', 'social_media', 'letter',
                                                     'drop_in')),
    adviser_id       uuid REFERENCES advisers (id),
    successful       boolean NOT NULL,
    statutory_visit  boolean NOT NULL DEFAULT false,
    recorded_on      date NOT NULL DEFAULT current_date,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    created_by       text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT contacts_recorded_on_check CHECK (recorded_on >= occurred_on),
    CONSTRAINT contacts_statutory_visit_check
        CHECK (NOT statutory_visit OR method IN ('home_visit', 'other_visit'))
);
CREATE INDEX contacts_care_leaver ON contacts (care_leaver_id, occurred_on DESC, id DESC);
CREATE INDEX contacts_successful ON contacts (care_leaver_id, occurred_on DESC) WHERE successful;
-- The statutory visits, with the day each was recorded, so the Board report reads them from
-- the index alone (the date fits in the entries' alignment padding: no bigger an index).
CREATE INDEX contacts_visits_cover ON contacts (care_leaver_id, occurred_on DESC)
    INCLUDE (recorded_on) WHERE successful AND statutory_visit;

-- The four IN_TOUCH meanings that are recorded, with the day they applied from. A later
-- successful contact ends refuses_contact, no_longer_requires_services and returned_home;
-- died is final.
CREATE TABLE contact_status_events (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id   uuid NOT NULL REFERENCES care_leavers (id),
    status           text NOT NULL CHECK (status IN ('refuses_contact',
                                                     'no_longer_requires_services', 'died',
                                                     'returned_home')),
    occurred_on      date NOT NULL,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    created_by       text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX contact_status_events_care_leaver
    ON contact_status_events (care_leaver_id, occurred_on DESC, created_at DESC);
CREATE UNIQUE INDEX contact_status_events_one_death ON contact_status_events (care_leaver_id)
    WHERE status = 'died';

-- ---- 21-25 outreach --------------------------------------------------------------------------

-- Attempts to reach care leavers aged 21-25 who are not receiving a service (CSWA 2017 s 3).
CREATE TABLE outreach_contacts (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id   uuid NOT NULL REFERENCES care_leavers (id),
    sent_on          date NOT NULL,
    channel          text NOT NULL CHECK (channel IN ('letter', 'text', 'email', 'phone')),
    response         text NOT NULL DEFAULT 'none'
                     CHECK (response IN ('none', 'wants_service', 'declined', 'not_at_address')),
    responded_on     date,
    notes            text NOT NULL DEFAULT '' CHECK (length(notes) <= 20000),
    created_by       text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    created_at       timestamptz NOT NULL DEFAULT now(),
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT outreach_contacts_responded_on_check
        CHECK ((response = 'none') = (responded_on IS NULL) AND responded_on >= sent_on)
);
CREATE INDEX outreach_contacts_sent ON outreach_contacts (sent_on DESC, id DESC);
CREATE INDEX outreach_contacts_care_leaver ON outreach_contacts (care_leaver_id, sent_on DESC);

-- ---- row-level security ----------------------------------------------------------------------
-- The sub-selects read care_leavers under its own policy (cl_can_see_care_leaver), so a row
-- here is visible exactly when its care leaver is. Written inline rather than through a
-- function so the planner keeps them in the query (a SQL function holding a sub-select would
-- be planned again on every call).

ALTER TABLE pathway_plans ENABLE ROW LEVEL SECURITY;
ALTER TABLE pathway_plans FORCE ROW LEVEL SECURITY;

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;

ALTER TABLE contact_status_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_status_events FORCE ROW LEVEL SECURITY;

ALTER TABLE outreach_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_contacts FORCE ROW LEVEL SECURITY;

-- Contacts and status events are a record of what happened: no UPDATE for the api.
GRANT SELECT, INSERT, UPDATE ON pathway_plans, outreach_contacts TO cl_app;
GRANT SELECT, INSERT ON contacts, contact_status_events TO cl_app;

-- Accommodation episodes of a care leaver: where they live, from when to when, and whether the
-- authority considers it suitable (the SSDA903 ACCOM letter and suitability digit follow from
-- `code` and `suitable`). Episodes of one care leaver never overlap: an exclusion constraint on
-- the [started_on, ended_on) range, answered as 409. Current accommodation (and accommodation
-- on any date) is a SQL function, so the API, the SSDA903 return and the Board report agree.
--
-- Scope: every read and write goes through episode_care_leaver(), which answers 404 unless
-- the caller may reach the care leaver (cl_can_see_care_leaver); writes need the adviser (own
-- caseload), manager or admin role. Row-level security on the table is the second wall.

CREATE EXTENSION IF NOT EXISTS btree_gist;

-- The DfE accommodation type letters (SSDA903 ACCOM without the suitability digit). `0` (not
-- known) is what a return says when there is no episode, so it is not a type here.
CREATE TABLE ssda903_accommodation_types (
    letter                  text PRIMARY KEY CHECK (letter ~ '^[A-Z]$'),
    description             text NOT NULL,
    may_be_suitable         boolean NOT NULL, -- false: only the `2` (not suitable) code exists
    in_suitability_figures  boolean NOT NULL, -- false: DfE leaves it out of the suitability %
    needs_reason            boolean NOT NULL  -- bed and breakfast, emergency accommodation
);
INSERT INTO ssda903_accommodation_types VALUES
    ('B', 'With parents or relatives', true, true, false),
    ('C', 'Community home or other residential care', true, true, false),
    ('D', 'Semi-independent, transitional accommodation', true, true, false),
    ('E', 'Supported lodgings', true, true, false),
    ('G', 'Gone abroad', true, false, false),
    ('H', 'Deported', true, false, false),
    ('K', 'Ordinary lodgings, without formal support', true, true, false),
    ('R', 'Residence not known', true, false, false),
    ('S', 'No fixed abode or homeless', false, true, false),
    ('T', 'Foyer or similar', true, true, false),
    ('U', 'Independent living', true, true, false),
    ('V', 'Emergency accommodation', true, true, true),
    ('W', 'Bed and breakfast', true, true, true),
    ('X', 'In custody', false, true, false),
    ('Y', 'Other accommodation', true, true, false),
    ('Z', 'With former foster carers (staying put)', true, true, false);
GRANT SELECT ON ssda903_accommodation_types TO cl_app;

CREATE TABLE accommodation_episodes (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id     uuid NOT NULL REFERENCES care_leavers (id),
    code               text NOT NULL REFERENCES ssda903_accommodation_types (letter),
    suitable           boolean NOT NULL,
    unsuitable_reason  text CHECK (length(unsuitable_reason) BETWEEN 1 AND 500),
    staying_put        boolean NOT NULL DEFAULT false,
    provider_id        uuid REFERENCES partners (id),
    district           text CHECK (length(district) BETWEEN 1 AND 100),
    started_on         date NOT NULL,
    ended_on           date,
    reason             text CHECK (length(reason) BETWEEN 1 AND 500),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    -- The same rules accommodation_check() explains to clients, held here for every writer.
    CONSTRAINT accommodation_dates CHECK (ended_on IS NULL OR ended_on > started_on),
    CONSTRAINT accommodation_unsuitable_reason
        CHECK ((NOT suitable) = (unsuitable_reason IS NOT NULL)),
    CONSTRAINT accommodation_never_suitable CHECK (NOT (suitable AND code IN ('S', 'X'))),
    CONSTRAINT accommodation_reason CHECK (code NOT IN ('V', 'W') OR reason IS NOT NULL),
    CONSTRAINT accommodation_staying_put CHECK (staying_put = (code = 'Z')),
    CONSTRAINT accommodation_no_overlap EXCLUDE USING gist (
        care_leaver_id WITH =, daterange(started_on, ended_on) WITH &&)
);
CREATE INDEX accommodation_episodes_list
    ON accommodation_episodes (care_leaver_id, started_on DESC, id DESC);
CREATE INDEX accommodation_episodes_bb ON accommodation_episodes (started_on)
    WHERE code IN ('V', 'W');

ALTER TABLE accommodation_episodes ENABLE ROW LEVEL SECURITY;
ALTER TABLE accommodation_episodes FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON accommodation_episodes TO cl_app;

-- EET activity episodes of a care leaver: the SSDA903 main activity (ACTIV) over time, with
-- hours per week and the provider. Episodes of one care leaver never overlap (exclusion
-- constraint on [started_on, ended_on), 409). The activity on a date is a SQL function shared
-- by the API (current_activity on the care leaver), the SSDA903 return and the Board report.
-- An episode opened by an EET referral reaching `started` carries that referral's id (the
-- foreign key is added with the referrals table below).
--
-- Scope as for accommodation: episode_care_leaver() (functions/accommodation_eet.sql) answers
-- 404 outside the caller's reach; row-level security is the second wall.

-- The DfE main activity codes (SSDA903 ACTIV). `0` (not known) is what a return says when there
-- is no episode, so it is not an activity here; F3/P3 were withdrawn in 2021/22.
CREATE TABLE ssda903_activities (
    code         text PRIMARY KEY CHECK (code ~ '^[FPG][0-9]$'),
    description  text NOT NULL,
    eet          boolean NOT NULL, -- true: in education, employment or training
    full_time    boolean           -- NULL for the NEET codes
);
INSERT INTO ssda903_activities VALUES
    ('F1', 'Full-time higher education', true, true),
    ('P1', 'Part-time higher education', true, false),
    ('F2', 'Full-time education other than higher education', true, true),
    ('P2', 'Part-time education other than higher education', true, false),
    ('F4', 'Full-time apprenticeship', true, true),
    ('P4', 'Part-time apprenticeship', true, false),
    ('F5', 'Full-time training or employment, not an apprenticeship', true, true),
    ('P5', 'Part-time training or employment, not an apprenticeship', true, false),
    ('G4', 'Not in EET because of illness or disability', false, NULL),
    ('G5', 'Not in EET for other reasons', false, NULL),
    ('G6', 'Not in EET because of pregnancy or parenting', false, NULL);
GRANT SELECT ON ssda903_activities TO cl_app;

CREATE TABLE eet_activities (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    code            text NOT NULL REFERENCES ssda903_activities (code),
    hours_per_week  numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 80),
    provider_id     uuid REFERENCES partners (id),
    started_on      date NOT NULL,
    ended_on        date,
    referral_id     uuid,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT eet_activity_dates CHECK (ended_on IS NULL OR ended_on > started_on),
    CONSTRAINT eet_activity_no_overlap EXCLUDE USING gist (
        care_leaver_id WITH =, daterange(started_on, ended_on) WITH &&)
);
CREATE INDEX eet_activities_list ON eet_activities (care_leaver_id, started_on DESC, id DESC);
CREATE UNIQUE INDEX eet_activities_referral ON eet_activities (referral_id)
    WHERE referral_id IS NOT NULL;

ALTER TABLE eet_activities ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_activities FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON eet_activities TO cl_app;

-- The EET opportunity catalogue the council builds (apprenticeships, traineeships, work
-- experience, jobs, courses, mentoring, peer-mentor traineeships) and the referral route of a
-- care leaver to an opportunity:
--
--   referred -> applied -> interview -> offered -> started -> completed
--   withdrawn or unsuccessful from any open state (referred .. started)
--
-- Every step is a row in eet_referral_events (date, actor). Legal steps are the rows of
-- eet_referral_steps; anything else is 409.
--
-- Places: a referral holds one of its opportunity's places while it is offered, started or
-- completed (a completed placement used its place; withdrawn or unsuccessful gives it back).
-- The only way into those states is the step to `offered`, which locks the opportunity row
-- (FOR UPDATE) and counts the places taken before allowing it, so simultaneous offers queue on
-- that lock and an opportunity is never over-filled. Reducing `places` below the places taken
-- takes the same lock and is 409. New referrals are refused (409) while an opportunity is
-- closed, past closes_on or full (an advisory check: the lock at `offered` is the guarantee).
--
-- Moving to `started` opens the opportunity's EET activity episode (activity_code; none when
-- it is NULL, e.g. mentoring) from the step's date and ends the care leaver's open NEET episode
-- on that date, in the same transaction; any other overlap is 409 and nothing is written.
-- Leaving `started` (completed, withdrawn, unsuccessful) ends that episode on the step's date.
--
-- Who: managers and admins manage the catalogue; a partner of kind employer or college
-- manages only its own opportunities (provider_id = its org_id; anyone else's is 404);
-- advisers and services read the catalogue. Referrals are made by advisers (own caseload),
-- managers and admins; a partner sees and moves the referrals to its own opportunities, and
-- sees those care leavers (minimum fields) through cl_partner_sees_via_eet().

CREATE TABLE eet_opportunities (
    id                            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind                          text NOT NULL CHECK (kind IN (
                                      'apprenticeship', 'traineeship', 'work_experience', 'job',
                                      'course', 'mentoring', 'peer_mentor_traineeship')),
    title                         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    description                   text NOT NULL DEFAULT '' CHECK (length(description) <= 2000),
    provider_id                   uuid REFERENCES partners (id),
    ring_fenced_for_care_leavers  boolean NOT NULL DEFAULT false,
    places                        integer NOT NULL CHECK (places BETWEEN 1 AND 10000),
    closes_on                     date,
    district                      text CHECK (length(district) BETWEEN 1 AND 100),
    status                        text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'closed')),
    source                        text NOT NULL CHECK (source IN (
                                      'council_department', 'contractor_social_value', 'employer',
                                      'college')),
    activity_code                 text REFERENCES ssda903_activities (code),
    hours_per_week                numeric(4, 1) CHECK (hours_per_week > 0 AND hours_per_week <= 80),
    version                       integer NOT NULL DEFAULT 1,
    created_at                    timestamptz NOT NULL DEFAULT now(),
    updated_at                    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eet_opportunities_title ON eet_opportunities (title, id);
CREATE INDEX eet_opportunities_provider ON eet_opportunities (provider_id, title, id);
GRANT SELECT, INSERT, UPDATE ON eet_opportunities TO cl_app;

CREATE TABLE eet_referrals (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    opportunity_id  uuid NOT NULL REFERENCES eet_opportunities (id),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    status          text NOT NULL DEFAULT 'referred' CHECK (status IN (
                        'referred', 'applied', 'interview', 'offered', 'started', 'completed',
                        'withdrawn', 'unsuccessful')),
    status_on       date NOT NULL, -- date of the latest step
    referred_on     date NOT NULL,
    notes           text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (status_on >= referred_on)
);
-- One open referral per care leaver and opportunity.
CREATE UNIQUE INDEX eet_referrals_one_open ON eet_referrals (opportunity_id, care_leaver_id)
    WHERE status IN ('referred', 'applied', 'interview', 'offered', 'started');
CREATE INDEX eet_referrals_opportunity ON eet_referrals (opportunity_id, referred_on DESC, id DESC);
CREATE INDEX eet_referrals_places ON eet_referrals (opportunity_id)
    WHERE status IN ('offered', 'started', 'completed');
CREATE INDEX eet_referrals_care_leaver ON eet_referrals (care_leaver_id, referred_on DESC, id DESC);

ALTER TABLE eet_activities ADD CONSTRAINT eet_activities_referral_fk
    FOREIGN KEY (referral_id) REFERENCES eet_referrals (id);

-- The legal steps of the referral route.
CREATE TABLE eet_referral_steps (
    from_status  text NOT NULL,
    to_status    text NOT NULL,
    PRIMARY KEY (from_status, to_status)
);
INSERT INTO eet_referral_steps VALUES
    ('referred', 'applied'), ('applied', 'interview'), ('interview', 'offered'),
    ('offered', 'started'), ('started', 'completed');
INSERT INTO eet_referral_steps
    SELECT f, t FROM unnest(ARRAY['referred', 'applied', 'interview', 'offered', 'started']) f,
                     unnest(ARRAY['withdrawn', 'unsuccessful']) t;
GRANT SELECT ON eet_referral_steps TO cl_app;

CREATE TABLE eet_referral_events (
    id           bigserial PRIMARY KEY,
    referral_id  uuid NOT NULL REFERENCES eet_referrals (id),
    from_status  text,
    to_status    text NOT NULL,
    on_date      date NOT NULL,
    note         text NOT NULL DEFAULT '' CHECK (length(note) <= 1000),
    actor_sub    text NOT NULL,
    actor_role   text NOT NULL,
    at           timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX eet_referral_events_referral ON eet_referral_events (referral_id, id);

-- Referrals and their history are person records: visible to a partner when they are to its
-- own opportunity, to everyone else when the care leaver is.
ALTER TABLE eet_referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_referrals FORCE ROW LEVEL SECURITY;
ALTER TABLE eet_referral_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE eet_referral_events FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON eet_referrals TO cl_app;
GRANT SELECT, INSERT ON eet_referral_events TO cl_app;
GRANT USAGE ON SEQUENCE eet_referral_events_id_seq TO cl_app;

-- Grants: grant types with a per-person cap in pence (configurable by admins), payments to a
-- care leaver, and the remaining balance per grant type.
--
-- The cap holds under concurrency: a payment locks the care leaver's balance row for that
-- grant type (grant_balances, created on first use, SELECT ... FOR UPDATE) and reads the cap
-- under a share lock on the grant type row, so simultaneous payments for one person and type
-- queue, each sees the total the previous one committed, and the one that would pass the cap
-- is 409. grant_balances.paid_pence is kept equal to the sum of that person's payments of
-- that type by the same function, in the same transaction.
--
-- Who: admins create and change grant types; advisers (own caseload), managers and admins
-- record payments; services read. Payments are never changed or deleted through the API.

CREATE TABLE grant_types (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    name              text NOT NULL UNIQUE CHECK (length(name) BETWEEN 1 AND 200),
    -- Default: the national Setting Up Home Allowance minimum from 1 April 2023, £3,000
    -- (statutory guidance vol 3, Appendix E).
    cap_pence         integer NOT NULL DEFAULT 300000
                      CHECK (cap_pence BETWEEN 1 AND 100000000),
    policy_reference  text NOT NULL DEFAULT '' CHECK (length(policy_reference) <= 500),
    active            boolean NOT NULL DEFAULT true,
    version           integer NOT NULL DEFAULT 1,
    created_at        timestamptz NOT NULL DEFAULT now(),
    updated_at        timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grant_types_name ON grant_types (name, id);
GRANT SELECT, INSERT, UPDATE ON grant_types TO cl_app;

INSERT INTO grant_types (name, cap_pence, policy_reference) VALUES
    ('Setting up home allowance', 300000,
     'Statutory guidance vol 3 Appendix E: national minimum £3,000 from 1 April 2023'),
    ('Higher education bursary', 200000,
     'Children Act 1989 s 23C(5A); SI 2009/2274: £2,000 for a former relevant young person '
     || 'starting higher education');

CREATE TABLE grant_payments (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    grant_type_id   uuid NOT NULL REFERENCES grant_types (id),
    amount_pence    integer NOT NULL CHECK (amount_pence > 0),
    paid_on         date NOT NULL,
    method          text NOT NULL CHECK (method IN ('card', 'bank', 'voucher', 'direct_supplier')),
    reference       text NOT NULL DEFAULT '' CHECK (length(reference) <= 100),
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX grant_payments_list ON grant_payments (care_leaver_id, paid_on DESC, id DESC);

CREATE TABLE grant_balances (
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    grant_type_id   uuid NOT NULL REFERENCES grant_types (id),
    paid_pence      bigint NOT NULL DEFAULT 0 CHECK (paid_pence >= 0),
    PRIMARY KEY (care_leaver_id, grant_type_id)
);

ALTER TABLE grant_payments ENABLE ROW LEVEL SECURITY;
ALTER TABLE grant_payments FORCE ROW LEVEL SECURITY;
ALTER TABLE grant_balances ENABLE ROW LEVEL SECURITY;
ALTER TABLE grant_balances FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT ON grant_payments TO cl_app;
GRANT SELECT, INSERT, UPDATE ON grant_balances TO cl_app;

-- Partner organisations (district councils, housing providers, employers, colleges, health and
-- others): representation, create, patch, read and list, each one SQL function or statement the
-- api calls. A partner's id is the org_id its tokens carry.
--
-- Admin writes. Advisers, managers, admins and services read every partner (advisers pick the
-- partner a referral goes to); a partner reads only itself; anyone else is 404 (the board has
-- no route at all). Partners are organisations, not people, so reads are not audited; every
-- write is.

CREATE INDEX partners_name_id ON partners (name, id);
CREATE INDEX partners_districts ON partners USING gin (districts);

-- The joint housing protocol as versions with structured, measurable commitments, the partners
-- party to each version and their signatures.
--
-- Lifecycle: draft -> consultation -> approved -> signed_off -> superseded; consultation may go
-- back to draft. signed_off needs every party's signature; signing off a version supersedes the
-- one in force in the same transaction, and a partial unique index keeps exactly one version
-- signed off. A version is superseded only by signing off its successor.
--
-- Admin writes; a partner signs for itself, an admin records a signature on a party's behalf.
-- Protocols are not personal data: the board, advisers, managers, admins and services read
-- every version; a partner reads the versions it is party to (others are 404).

CREATE TABLE housing_protocols (
    id                           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title                        text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    edition                      integer NOT NULL UNIQUE CHECK (edition BETWEEN 1 AND 9999),
    status                       text NOT NULL DEFAULT 'draft'
                                 CHECK (status IN ('draft', 'consultation', 'approved',
                                                   'signed_off', 'superseded')),
    approving_body               text NOT NULL DEFAULT ''
                                 CHECK (length(approving_body) <= 200),
    review_due_on                date,
    -- The commitments, each a measurable rule.
    referral_lead_days_before_18 integer NOT NULL DEFAULT 180
                                 CHECK (referral_lead_days_before_18 BETWEEN 0 AND 730),
    response_days                integer NOT NULL DEFAULT 10
                                 CHECK (response_days BETWEEN 1 AND 365),
    move_notice_days             integer NOT NULL DEFAULT 28
                                 CHECK (move_notice_days BETWEEN 0 AND 365),
    max_bnb_nights               integer NOT NULL DEFAULT 0
                                 CHECK (max_bnb_nights BETWEEN 0 AND 365),
    clauses                      text[] NOT NULL DEFAULT '{}'
                                 CHECK (cardinality(clauses) <= 100),
    signed_off_at                timestamptz,
    superseded_at                timestamptz,
    superseded_by                uuid REFERENCES housing_protocols (id),
    version                      integer NOT NULL DEFAULT 1,
    created_at                   timestamptz NOT NULL DEFAULT now(),
    updated_at                   timestamptz NOT NULL DEFAULT now(),
    CHECK ((status IN ('signed_off', 'superseded')) = (signed_off_at IS NOT NULL)),
    CHECK ((status = 'superseded') = (superseded_at IS NOT NULL))
);
-- Exactly one version in force.
CREATE UNIQUE INDEX housing_protocols_in_force ON housing_protocols ((true))
    WHERE status = 'signed_off';
CREATE INDEX housing_protocols_list ON housing_protocols (edition DESC, id);

CREATE TABLE housing_protocol_parties (
    protocol_id      uuid NOT NULL REFERENCES housing_protocols (id),
    partner_id       uuid NOT NULL REFERENCES partners (id),
    signed_at        timestamptz,
    signatory_name   text CHECK (length(signatory_name) BETWEEN 1 AND 200),
    signatory_title  text CHECK (length(signatory_title) <= 200),
    recorded_by      text,
    recorded_by_role text CHECK (recorded_by_role IN ('partner', 'admin')),
    PRIMARY KEY (protocol_id, partner_id),
    CHECK ((signed_at IS NULL) = (signatory_name IS NULL)),
    CHECK ((signed_at IS NULL) = (recorded_by_role IS NULL))
);
CREATE INDEX housing_protocol_parties_partner ON housing_protocol_parties (partner_id);

GRANT SELECT, INSERT, UPDATE ON housing_protocols TO cl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON housing_protocol_parties TO cl_app;

-- Housing referrals: a care leaver referred to a partner under a version of the joint housing
-- protocol, the date the partner must answer by (derived from the protocol's response_days),
-- the answer and the tenancy that follows.
--
-- Advisers create and update referrals for their own caseload, managers and admins for anyone;
-- services read. A partner sees and answers only the referrals addressed to it, and sees about
-- the young person only id, names, date of birth and district (housing_referral_json). Through
-- cl_partner_sees_via_housing a partner reaches exactly the care leavers referred to it.

CREATE TABLE housing_referrals (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id     uuid NOT NULL REFERENCES care_leavers (id),
    partner_id         uuid NOT NULL REFERENCES partners (id),
    protocol_id        uuid NOT NULL REFERENCES housing_protocols (id),
    referral_type      text NOT NULL DEFAULT 'register'
                       CHECK (referral_type IN ('register', 'homeless_application', 'nomination',
                                                'supported_housing')),
    referred_on        date NOT NULL,
    needed_by          date,
    response_due_on    date NOT NULL,
    responded_on       date,
    outcome            text CHECK (outcome IN ('accepted', 'offered', 'declined',
                                               'more_information', 'withdrawn')),
    tenancy_started_on date,
    created_by         text NOT NULL DEFAULT '',
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (needed_by IS NULL OR needed_by >= referred_on),
    CHECK (response_due_on >= referred_on),
    CHECK (responded_on IS NULL OR responded_on >= referred_on),
    -- An answer has an outcome; a partner's outcome has the date it was given.
    CHECK (responded_on IS NULL OR outcome IS NOT NULL),
    CHECK (outcome IS NULL OR outcome = 'withdrawn' OR responded_on IS NOT NULL),
    CHECK (tenancy_started_on IS NULL OR (outcome IN ('accepted', 'offered')
                                          AND tenancy_started_on >= referred_on))
);
CREATE INDEX housing_referrals_care_leaver ON housing_referrals (care_leaver_id);
CREATE INDEX housing_referrals_partner ON housing_referrals (partner_id, referred_on DESC, id);
CREATE INDEX housing_referrals_protocol ON housing_referrals (protocol_id, referred_on);
CREATE INDEX housing_referrals_list ON housing_referrals (referred_on DESC, id);

ALTER TABLE housing_referrals ENABLE ROW LEVEL SECURITY;
ALTER TABLE housing_referrals FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT, UPDATE ON housing_referrals TO cl_app;

-- Compliance with the joint housing protocol, computed from the data: housing referrals (answer
-- dates against response_due_on), accommodation episodes (bed and breakfast, code W, with a
-- provider, against max_bnb_nights) and breach events recorded by hand (moves or evictions
-- without notice and anything else the data cannot show). Never a hand-kept tally.
--
-- Recorded breaches name a person, so only managers and admins write them and managers,
-- admins and services read them. The compliance figures are aggregates: the board and the
-- partners read them too, but their breach list carries no care leaver id, record id or
-- details, and a partner sees only its own figures.

CREATE TABLE housing_protocol_breaches (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    protocol_id     uuid NOT NULL REFERENCES housing_protocols (id),
    kind            text NOT NULL CHECK (kind IN ('late_response', 'no_response',
                                                  'move_without_notice',
                                                  'eviction_without_notice', 'bnb_placement',
                                                  'bnb_over_limit', 'bnb_under_18',
                                                  'intentionality_without_consultation',
                                                  'other')),
    partner_id      uuid NOT NULL REFERENCES partners (id),
    care_leaver_id  uuid REFERENCES care_leavers (id),
    occurred_on     date NOT NULL,
    details         text NOT NULL DEFAULT '' CHECK (length(details) <= 2000),
    recorded_by     text NOT NULL DEFAULT '',
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX housing_protocol_breaches_list
    ON housing_protocol_breaches (protocol_id, occurred_on DESC, id DESC);

ALTER TABLE housing_protocol_breaches ENABLE ROW LEVEL SECURITY;
ALTER TABLE housing_protocol_breaches FORCE ROW LEVEL SECURITY;
GRANT SELECT, INSERT ON housing_protocol_breaches TO cl_app;

-- The queue's bookkeeping.
--
-- * queue: workers take jobs from one named queue (WORKER_QUEUE, default 'default'), so a
--   deployment can dedicate workers to some jobs; the NOTIFY payload names the queue.
-- * job_attempts: one row per time a worker took a job (claim), closed when the attempt
--   ends. It is the per-run log that shows a job never ran twice at once, and why a retried
--   job was retried.

ALTER TABLE jobs ADD COLUMN queue text NOT NULL DEFAULT 'default'
    CHECK (queue ~ '^[a-z0-9_-]{1,64}$');
CREATE INDEX jobs_ready ON jobs (queue, run_after, created_at) WHERE status = 'queued';
CREATE INDEX jobs_list ON jobs (created_at DESC, id DESC);
CREATE INDEX jobs_list_kind ON jobs (kind, created_at DESC, id DESC);

CREATE TABLE job_attempts (
    job_id      uuid NOT NULL REFERENCES jobs (id),
    attempt     integer NOT NULL,
    worker      text NOT NULL,
    lease_token uuid NOT NULL,
    started_at  timestamptz NOT NULL DEFAULT clock_timestamp(),
    finished_at timestamptz,
    outcome     text CHECK (outcome IN ('succeeded', 'failed', 'released', 'lost', 'cancelled')),
    error       text,
    PRIMARY KEY (job_id, attempt, lease_token)
);
CREATE INDEX job_attempts_open ON job_attempts (job_id) WHERE finished_at IS NULL;
GRANT SELECT, UPDATE ON job_attempts TO cl_app;

-- Corporate Parenting Board report: what each indicator is, and the England averages
-- DfE publishes for the national ones. Both are data, not code: a council changes a label or
-- adds a year of national figures with an UPDATE or INSERT, and every format of the report
-- (and anything else reading these tables) follows.
--
-- The figures themselves are computed by board_report_figures (functions/board.sql) from the
-- case records.

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

-- The SSDA903 Header items the care leaver record did not hold yet: the Unique Pupil Number,
-- whether the young person is a mother, and the date of birth of her first child (Header UPN,
-- MOTHER and MC_DOB; the project's SSDA903 domain notes §1-§2). Stored, written through
-- the api's create and merge patch, given in the representation (care_leaver_extra_json), and
-- written into the return's Header (ssda903_return_rows).
--
-- What the columns accept is what no DfE rule could ever allow:
--   upn              13 characters: a letter other than I, O or S, 11 digits, then a digit or
--                    a letter (rule 168; the stored form is upper case), or UN1-UN5 for an
--                    unknown UPN. Whether UN1 suits the young person's age (209) and whether a
--                    UPN is used twice (444) are the return's checks, so an officer sees them
--                    in the validation report with the CHILD to fix.
--   mother           1 is a mother, 0 is not; NULL not recorded.
--   first_child_dob  after the young person's own date of birth (621).
--   neither MOTHER nor MC_DOB for a male (174): both stay NULL when sex is M.
-- MOTHER without a child's date of birth (611), a child's date of birth with MOTHER 0 (612) and
-- a mother under 11 (620) can be recorded while the facts are being established; the return's
-- validation names them.
--
-- In the return's Header (DfE rules that run with the Episodes file, which a leaving care
-- service does not send, but which DfE's own checks apply):
--   * UPN is written for every young person;
--   * MOTHER and MC_DOB only for young people looked after at some point in the collection
--     year, i.e. whose care ended on or after its 1 April (rule 628: no motherhood details for
--     care leavers not looked after during the year; 607: MOTHER completed for a female who
--     ceased to be looked after in the year), and never for males;
--   * as at the end of the year: a first child born after 31 March is not in that year's
--     return (MOTHER 0, MC_DOB blank), so a past year's return does not change when a later
--     birth is recorded.

ALTER TABLE care_leavers
    ADD COLUMN upn text
        CONSTRAINT care_leavers_upn_format
        CHECK (upn ~ '^([A-HJ-NPQRT-Z][0-9]{11}[0-9A-Z]|UN[1-5])$'),
    ADD COLUMN mother smallint CONSTRAINT care_leavers_mother_code CHECK (mother IN (0, 1)),
    ADD COLUMN first_child_dob date,
    ADD CONSTRAINT care_leavers_first_child_after_birth
        CHECK (first_child_dob > date_of_birth),
    ADD CONSTRAINT care_leavers_motherhood_not_male
        CHECK (sex <> 'M' OR (mother IS NULL AND first_child_dob IS NULL));

-- ---- cl_worker ------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO cl_worker;
-- What the SSDA903 return and the Board report read (every table but the audit log, the
-- idempotency records and the migration ledger) and the queue it runs.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p', 'v')
               AND c.relname NOT IN ('audit_log', 'idempotency_keys', 'schema_migrations') LOOP
        EXECUTE format('GRANT SELECT ON %I TO cl_worker', t.relname);
    END LOOP;
END
$$;

GRANT INSERT, UPDATE ON jobs TO cl_worker;
GRANT INSERT, UPDATE ON job_attempts TO cl_worker;
GRANT INSERT ON artifacts TO cl_worker;

-- ---- cl_definer -----------------------------------------------------------------------------------

-- The tables the SECURITY DEFINER functions read, and nothing to write.
GRANT USAGE ON SCHEMA public TO cl_definer;
GRANT SELECT ON care_leavers, partners, housing_referrals, housing_protocols,
    housing_protocol_parties, housing_protocol_breaches, accommodation_episodes, eet_referrals,
    eet_opportunities, outreach_contacts TO cl_definer;

-- Every table with row-level security: forced (the owner too), read whole by the worker, and by
-- cl_definer only while a SECURITY DEFINER function runs (current_user is then cl_definer; the
-- owner, a member of cl_definer so that it may give it functions, is not).
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT c.relname FROM pg_class c
             WHERE c.relnamespace = 'public'::regnamespace AND c.relrowsecurity LOOP
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t.relname);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO cl_worker USING (true)',
                       t.relname || '_worker', t.relname);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO cl_definer '
                       'USING (current_user = ''cl_definer'')', t.relname || '_definer',
                       t.relname);
    END LOOP;
END
$$;

GRANT SELECT ON advisers TO cl_definer;

-- Copies of personal data expire.
--
-- * idempotency_keys keeps what a replay needs to find the resource again (the status and the
--   Location, ids only), never the response body: a replay re-reads the resource as the caller
--   may see it now (api/http.c). Keys count for 24 h; the worker deletes older rows.
-- * artifacts are deleted by the worker once older than ARTIFACT_RETENTION_DAYS, each deletion
--   audited.
-- Both purges are one function (cl_purge_expired, functions/jobs.sql), run by every worker
-- at start and then hourly (worker/retention.c); the api reads, inserts and (for an expired
-- key) overwrites idempotency keys, never deletes them.

COMMENT ON TABLE idempotency_keys IS
    'Idempotency-Key per caller for 24 h: the request hash, the status and the Location '
    '(ids only); never a response body.';
CREATE INDEX idempotency_keys_created_at ON idempotency_keys (created_at);

-- audit_log.request_id is always the server's own request id (a UUID the api makes); a
-- client's X-Request-Id is kept beside it, never in its place. The api sets
-- app.client_request_id with the rest of the principal at the start of each transaction.
-- Every audit insert leaves this column out, so the default fills it in the same statement.
ALTER TABLE audit_log ADD COLUMN client_request_id text
    DEFAULT nullif(current_setting('app.client_request_id', true), '');

-- List cursors are sealed (api/cursor.c) so that they carry no names or values into URLs,
-- proxy logs and browser histories. The api derives its keys from this one
-- secret, read once, so every replica and every restart shares them. Rotating it (UPDATE the
-- row, restart the api) only makes cursors already handed out answer 400.
-- One secret (four random UUIDs: 488 random bits) from which the api derives the cursor keys.
CREATE TABLE cursor_keys (
    id      integer PRIMARY KEY CHECK (id = 1),
    secret  bytea NOT NULL CHECK (length(secret) >= 32)
);
INSERT INTO cursor_keys (id, secret)
SELECT 1, decode(string_agg(replace(gen_random_uuid()::text, '-', ''), ''), 'hex')
FROM generate_series(1, 4);
REVOKE ALL ON cursor_keys FROM PUBLIC;
GRANT SELECT ON cursor_keys TO cl_app;

-- What cl_principal_check and cl_purge_expired need: reading advisers, deleting expired
-- idempotency keys and artifacts, one audit row per deleted artifact.
GRANT SELECT, DELETE ON idempotency_keys, artifacts TO cl_definer;
GRANT INSERT ON audit_log TO cl_definer;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO cl_definer;
