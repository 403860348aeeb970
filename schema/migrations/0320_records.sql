-- Records a council can stand behind (issue 25): what is personal data about a care leaver and
-- how each piece is exported and disposed of, the retention schedule, legal holds, the
-- disposals a manager approves, and the subject access job kind.
--
-- * personal_data_tables: one row per table that holds rows about one person. A subject access
--   export and a disposal both walk this table (schema/functions/records.sql), so a table
--   absent from it is neither exported nor disposed of. records_uncovered_tables() lists every
--   table that holds a care_leaver_id, or a foreign key to care_leavers or to a listed table,
--   without a row here; tests/integration/test_records.c fails naming each one. A new table
--   about a person comes with its row here (and cl_definer's SELECT and DELETE on it).
--     key_column    the column that finds the person's rows: the care leaver's id when
--                   parent_table is NULL, else the id of a row of parent_table already found;
--     export        rows (every column, as stored) or audit_trail (audit_log: the rows whose
--                   resource is any row found, or which name the care leaver);
--     disposal      delete, or keep: the table then holds no personal data once the rest is
--                   gone (why says why);
--     free_text     the columns a person typed into freely, listed in the export for a human
--                   to review for third parties' personal data before it is released;
--     position      the order of export (parents first); disposal deletes in reverse.
-- * retention_rules: the schedule as data, per record kind (a care leaver's category): keep
--   until the birthday at retain_until_age, or until the case closed retain_years_after_close
--   years ago, whichever is later (NULL: that limb does not apply).
-- * legal_holds: an open hold (released_at NULL) stops every disposal of that person.
-- * disposal_candidates: what the nightly disposal_review job found due; a manager or admin
--   approves one, and the disposal deletes the person in that transaction with a tombstone
--   audit row that keeps no personal data. The candidate row stays as the register of
--   disposals (ids, dates and counts only; no foreign key, the person is gone).

CREATE TABLE personal_data_tables (
    table_name   text PRIMARY KEY,
    key_column   text NOT NULL,
    parent_table text REFERENCES personal_data_tables (table_name),
    position     integer NOT NULL UNIQUE,
    export       text NOT NULL CHECK (export IN ('rows', 'audit_trail')),
    disposal     text NOT NULL CHECK (disposal IN ('delete', 'keep')),
    free_text    text[] NOT NULL DEFAULT '{}',
    why          text NOT NULL DEFAULT '',
    CHECK (disposal = 'delete' OR why <> '')
);
COMMENT ON TABLE personal_data_tables IS
    'Every table holding rows about one person: how a subject access export finds and writes '
    'them and how a disposal removes them (issue 25).';

CREATE TABLE retention_rules (
    record_kind              text PRIMARY KEY,
    retain_until_age         integer CHECK (retain_until_age BETWEEN 18 AND 120),
    retain_years_after_close integer CHECK (retain_years_after_close BETWEEN 0 AND 100),
    basis                    text NOT NULL CHECK (length(basis) BETWEEN 1 AND 500),
    CHECK (retain_until_age IS NOT NULL OR retain_years_after_close IS NOT NULL)
);
-- Care leaver records are commonly kept until the 75th birthday (the Children's Homes and
-- looked-after children's case record guidance); a closed qualifying case, which never was
-- looked after by this council as a relevant child, the council's own choice of 6 years.
INSERT INTO retention_rules VALUES
    ('eligible', 75, NULL, 'Care record: until the 75th birthday.'),
    ('relevant', 75, NULL, 'Care record: until the 75th birthday.'),
    ('former_relevant', 75, NULL, 'Care record: until the 75th birthday.'),
    ('qualifying', NULL, 6, 'Advice and assistance case: 6 years after the case closed.');

CREATE TABLE legal_holds (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id uuid NOT NULL REFERENCES care_leavers (id),
    reason         text NOT NULL CHECK (length(reason) BETWEEN 1 AND 500),
    placed_by      text NOT NULL,
    placed_at      timestamptz NOT NULL DEFAULT now(),
    released_by    text,
    released_at    timestamptz
);
CREATE UNIQUE INDEX legal_holds_one_open ON legal_holds (care_leaver_id) WHERE released_at IS NULL;

CREATE TABLE disposal_candidates (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id uuid NOT NULL,
    record_kind    text NOT NULL,
    due_on         date NOT NULL,
    listed_on      date NOT NULL,
    status         text NOT NULL DEFAULT 'listed' CHECK (status IN ('listed', 'disposed')),
    decided_by     text,
    decided_at     timestamptz,
    rows_deleted   jsonb,
    version        integer NOT NULL DEFAULT 1
);
CREATE UNIQUE INDEX disposal_candidates_one_open ON disposal_candidates (care_leaver_id)
    WHERE status = 'listed';
CREATE INDEX disposal_candidates_list ON disposal_candidates (listed_on DESC, id DESC);

INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('care_leavers', 'id', NULL, 10, 'rows', 'delete', '{address, closed_reason}', ''),
    ('pathway_plans', 'care_leaver_id', NULL, 20, 'rows', 'delete',
     '{health_and_wellbeing, eet, accommodation, finance, practical_and_life_skills, '
     'relationships_and_identity}', ''),
    ('contacts', 'care_leaver_id', NULL, 30, 'rows', 'delete', '{notes}', ''),
    ('contact_status_events', 'care_leaver_id', NULL, 40, 'rows', 'delete', '{notes}', ''),
    ('outreach_contacts', 'care_leaver_id', NULL, 50, 'rows', 'delete', '{notes}', ''),
    ('accommodation_episodes', 'care_leaver_id', NULL, 60, 'rows', 'delete',
     '{reason, unsuitable_reason}', ''),
    ('eet_referrals', 'care_leaver_id', NULL, 70, 'rows', 'delete', '{notes}', ''),
    ('eet_referral_events', 'referral_id', 'eet_referrals', 75, 'rows', 'delete', '{note}', ''),
    ('eet_activities', 'care_leaver_id', NULL, 80, 'rows', 'delete', '{}', ''),
    ('grant_payments', 'care_leaver_id', NULL, 90, 'rows', 'delete', '{reference}', ''),
    ('grant_balances', 'care_leaver_id', NULL, 100, 'rows', 'delete', '{}', ''),
    ('housing_referrals', 'care_leaver_id', NULL, 110, 'rows', 'delete', '{}', ''),
    ('housing_protocol_breaches', 'care_leaver_id', NULL, 120, 'rows', 'delete', '{details}', ''),
    ('legal_holds', 'care_leaver_id', NULL, 130, 'rows', 'delete', '{reason}', ''),
    ('disposal_candidates', 'care_leaver_id', NULL, 140, 'rows', 'keep', '{}',
     'The register of disposals: ids, the record kind, dates and row counts, nothing that '
     'names or describes the person.'),
    ('audit_log', 'resource_id', NULL, 1000, 'audit_trail', 'keep', '{}',
     'Append-only: who did what to which row, by id; its detail holds ids and field names, '
     'never values. Once the rows are gone the ids point at nothing.');

-- The subject access kind (common/cl_jobspec_subject_access.c) and the nightly disposal review
-- (common/cl_jobspec_disposal_review.c): managers and admins; the review also the schedule's
-- service principal.
INSERT INTO job_kind_roles (kind, role, own_role_only) VALUES
    ('subject_access', 'manager', false), ('subject_access', 'admin', false),
    ('disposal_review', 'manager', false), ('disposal_review', 'admin', false),
    ('disposal_review', 'service', false);

-- The api reads the schedule, the holds and the candidates (managers and admins only, checked
-- in the route table); it writes holds and disposals only through records.sql's functions.
GRANT SELECT ON personal_data_tables, retention_rules, legal_holds, disposal_candidates
    TO cl_app, cl_worker;
GRANT INSERT, UPDATE (released_by, released_at) ON legal_holds TO cl_app;

-- cl_definer (records.sql's SECURITY DEFINER functions): reads and deletes every listed table
-- (the export, the disposal), lists candidates, records the review of a subject access export
-- on its job, and deletes subject access artifacts when they expire.
DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT table_name FROM personal_data_tables WHERE table_name <> 'audit_log' LOOP
        EXECUTE format('GRANT SELECT, DELETE ON %I TO cl_definer', t.table_name);
        IF (SELECT relrowsecurity FROM pg_class WHERE oid = t.table_name::regclass) THEN
            EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO cl_definer '
                           'USING (current_user = ''cl_definer'')',
                           t.table_name || '_dispose', t.table_name);
        END IF;
    END LOOP;
END
$$;
GRANT SELECT ON audit_log, personal_data_tables, retention_rules TO cl_definer;
GRANT INSERT, UPDATE ON disposal_candidates TO cl_definer;
GRANT UPDATE (result, version) ON jobs TO cl_definer;
CREATE POLICY jobs_definer_review ON jobs FOR UPDATE TO cl_definer
    USING (current_user = 'cl_definer' AND kind = 'subject_access');
GRANT UPDATE (bytes, sha256, size) ON artifacts TO cl_definer;
CREATE POLICY artifacts_definer_redact ON artifacts FOR UPDATE TO cl_definer
    USING (current_user = 'cl_definer');
