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
ALTER TABLE care_leavers DROP CONSTRAINT care_leavers_sex_check;
CREATE FUNCTION care_leavers_sex_code() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    NEW.sex := CASE NEW.sex WHEN '1' THEN 'M' WHEN '2' THEN 'F' ELSE NEW.sex END;
    RETURN NEW;
END
$$;
CREATE TRIGGER care_leavers_sex_code BEFORE INSERT OR UPDATE OF sex ON care_leavers
    FOR EACH ROW EXECUTE FUNCTION care_leavers_sex_code();
UPDATE care_leavers SET sex = sex WHERE sex IN ('1', '2');
ALTER TABLE care_leavers ADD CONSTRAINT care_leavers_sex_check CHECK (sex IN ('M', 'F', 'U'));

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

-- Whether the current principal may write to this care leaver and what hangs off it.
CREATE FUNCTION cl_can_write_care_leaver(p_adviser uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_role() IN ('manager', 'admin')
        OR (cl_role() = 'adviser' AND cl_adviser_id() IS NOT NULL
            AND p_adviser IS NOT DISTINCT FROM cl_adviser_id())
$$;

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
CREATE INDEX contacts_visits ON contacts (care_leaver_id, occurred_on DESC)
    WHERE successful AND statutory_visit;

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
CREATE POLICY pathway_plans_scope ON pathway_plans TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = pathway_plans.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = pathway_plans.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY pathway_plans_owner ON pathway_plans TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY contacts_scope ON contacts TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contacts.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contacts.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY contacts_owner ON contacts TO CURRENT_USER USING (true) WITH CHECK (true);

ALTER TABLE contact_status_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE contact_status_events FORCE ROW LEVEL SECURITY;
CREATE POLICY contact_status_events_scope ON contact_status_events TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contact_status_events.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = contact_status_events.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY contact_status_events_owner ON contact_status_events TO CURRENT_USER
    USING (true) WITH CHECK (true);

ALTER TABLE outreach_contacts ENABLE ROW LEVEL SECURITY;
ALTER TABLE outreach_contacts FORCE ROW LEVEL SECURITY;
CREATE POLICY outreach_contacts_scope ON outreach_contacts TO cl_app
    USING (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = outreach_contacts.care_leaver_id))
    WITH CHECK (EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = outreach_contacts.care_leaver_id
                        AND cl_can_write_care_leaver(c.adviser_id)));
CREATE POLICY outreach_contacts_owner ON outreach_contacts TO CURRENT_USER
    USING (true) WITH CHECK (true);

-- Contacts and status events are a record of what happened: no UPDATE for the api.
GRANT SELECT, INSERT, UPDATE ON pathway_plans, outreach_contacts TO cl_app;
GRANT SELECT, INSERT ON contacts, contact_status_events TO cl_app;
