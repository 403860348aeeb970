-- Issue 24: what a care leaver is entitled to, as effective-dated policy; council tax exemption
-- by district; the Local Offer as published, versioned content; and what the young_person role
-- may read (through the SECURITY DEFINER functions of schema/functions/me.sql only).
--
-- Entitlements. The grant types become entitlements (one table, not a twin beside them): an
-- entitlement is a cash grant or a non-cash offer (leisure pass, council tax exemption, bus
-- pass, driving lessons, other), and its policy lives in versions, each in force over
-- [effective_from, effective_to), never overlapping another version of the same entitlement
-- (an exclusion constraint). A version holds the eligibility rules as data (age range, legal
-- categories, districts, in EET or not; NULL: anyone) and, for a grant, the per-person cap.
-- Raising a cap is a new version. A payment belongs to the version in force on the day it was
-- paid and stays attached to it; the cap is a lifetime total per person over every version, so
-- whoever had used an earlier, lower cap has the difference of a raised one due as a top-up.
-- grant_balances stays the per-person lock row (the total paid of one entitlement).
--
-- The grant types had no dates: each becomes an entitlement with one version in force from
-- 1 January 2000 (before any payment the service holds), carrying its cap.

ALTER TABLE grant_types RENAME TO entitlements;
ALTER INDEX grant_types_name RENAME TO entitlements_name;
ALTER TABLE entitlements RENAME CONSTRAINT grant_types_pkey TO entitlements_pkey;
ALTER TABLE entitlements RENAME CONSTRAINT grant_types_name_key TO entitlements_name_key;
ALTER TABLE entitlements RENAME CONSTRAINT grant_types_name_check TO entitlements_name_check;
ALTER TABLE entitlements RENAME CONSTRAINT grant_types_policy_reference_check
    TO entitlements_policy_reference_check;
ALTER TABLE entitlements
    ADD COLUMN kind text NOT NULL DEFAULT 'grant' CHECK (kind IN (
        'grant', 'leisure_pass', 'council_tax_exemption', 'bus_pass', 'driving_lessons',
        'other')),
    ADD COLUMN description text NOT NULL DEFAULT '' CHECK (length(description) <= 2000);
ALTER TABLE entitlements ALTER COLUMN kind DROP DEFAULT;

CREATE TABLE entitlement_versions (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    entitlement_id  uuid NOT NULL REFERENCES entitlements (id),
    effective_from  date NOT NULL,
    effective_to    date,
    cap_pence       integer CHECK (cap_pence BETWEEN 1 AND 100000000),
    min_age         integer CHECK (min_age BETWEEN 0 AND 30),
    max_age         integer CHECK (max_age BETWEEN 0 AND 30),
    categories      text[] CHECK (categories <@ ARRAY['eligible', 'relevant', 'former_relevant',
                                                      'qualifying']),
    districts       text[],
    in_eet          boolean,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT entitlement_versions_period CHECK (effective_to IS NULL
                                                  OR effective_to > effective_from),
    CONSTRAINT entitlement_versions_ages CHECK (min_age IS NULL OR max_age IS NULL
                                                OR min_age <= max_age),
    CONSTRAINT entitlement_versions_overlap EXCLUDE USING gist (
        entitlement_id WITH =, daterange(effective_from, effective_to) WITH &&),
    UNIQUE (entitlement_id, id)
);
GRANT SELECT, INSERT, UPDATE ON entitlement_versions TO cl_app;

INSERT INTO entitlement_versions (entitlement_id, effective_from, cap_pence)
SELECT e.id, date '2000-01-01', e.cap_pence FROM entitlements e;
ALTER TABLE entitlements DROP COLUMN cap_pence;

ALTER TABLE grant_payments RENAME COLUMN grant_type_id TO entitlement_id;
ALTER TABLE grant_payments ADD COLUMN entitlement_version_id uuid;
UPDATE grant_payments g SET entitlement_version_id = v.id
FROM entitlement_versions v WHERE v.entitlement_id = g.entitlement_id;
ALTER TABLE grant_payments ALTER COLUMN entitlement_version_id SET NOT NULL,
    ADD CONSTRAINT grant_payments_version_fk FOREIGN KEY (entitlement_id, entitlement_version_id)
        REFERENCES entitlement_versions (entitlement_id, id);
CREATE INDEX grant_payments_version ON grant_payments (entitlement_version_id);
ALTER TABLE grant_balances RENAME COLUMN grant_type_id TO entitlement_id;

-- Council tax exemption: each district council's scheme (exempt up to which birthday, in
-- force from when, whether the young person must apply) as periods that never overlap within
-- a district, and per young person their status under a scheme with its dates.
CREATE TABLE council_tax_schemes (
    id                 uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    district           text NOT NULL CHECK (length(district) BETWEEN 1 AND 100),
    exempt_until_age   integer NOT NULL CHECK (exempt_until_age BETWEEN 18 AND 26),
    effective_from     date NOT NULL,
    effective_to       date,
    needs_application  boolean NOT NULL,
    notes              text NOT NULL DEFAULT '' CHECK (length(notes) <= 2000),
    version            integer NOT NULL DEFAULT 1,
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT council_tax_schemes_period CHECK (effective_to IS NULL
                                                 OR effective_to > effective_from),
    CONSTRAINT council_tax_schemes_overlap EXCLUDE USING gist (
        district WITH =, daterange(effective_from, effective_to) WITH &&)
);
GRANT SELECT, INSERT ON council_tax_schemes TO cl_app;

CREATE TABLE council_tax_statuses (
    id              uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    care_leaver_id  uuid NOT NULL REFERENCES care_leavers (id),
    scheme_id       uuid NOT NULL REFERENCES council_tax_schemes (id),
    status          text NOT NULL CHECK (status IN ('eligible', 'applied', 'granted',
                                                    'refused')),
    applied_on      date,
    decided_on      date,
    created_by      text NOT NULL,
    version         integer NOT NULL DEFAULT 1,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    UNIQUE (care_leaver_id, scheme_id),
    CONSTRAINT council_tax_statuses_decided CHECK (
        (status IN ('granted', 'refused')) = (decided_on IS NOT NULL)),
    CONSTRAINT council_tax_statuses_dates CHECK (
        applied_on IS NULL OR decided_on IS NULL OR decided_on >= applied_on)
);
CREATE INDEX council_tax_statuses_care_leaver ON council_tax_statuses (care_leaver_id, id);
ALTER TABLE council_tax_statuses ENABLE ROW LEVEL SECURITY;
ALTER TABLE council_tax_statuses FORCE ROW LEVEL SECURITY;
CREATE POLICY council_tax_statuses_worker ON council_tax_statuses FOR SELECT TO cl_worker
    USING (true);
CREATE POLICY council_tax_statuses_definer ON council_tax_statuses FOR SELECT TO cl_definer
    USING (current_user = 'cl_definer');
GRANT SELECT, INSERT, UPDATE ON council_tax_statuses TO cl_app;

-- The Local Offer: each version is published whole on published_on (sections in order, each
-- linking the entitlements it describes) and never changed; the one in force on a date is the
-- latest published on or before it.
CREATE TABLE local_offer_versions (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    title         text NOT NULL CHECK (length(title) BETWEEN 1 AND 200),
    introduction  text NOT NULL DEFAULT '' CHECK (length(introduction) <= 5000),
    published_on  date NOT NULL UNIQUE,
    created_by    text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE local_offer_sections (
    version_id       uuid NOT NULL REFERENCES local_offer_versions (id),
    position         integer NOT NULL CHECK (position BETWEEN 1 AND 100),
    heading          text NOT NULL CHECK (length(heading) BETWEEN 1 AND 200),
    body             text NOT NULL CHECK (length(body) BETWEEN 1 AND 10000),
    entitlement_ids  uuid[] NOT NULL DEFAULT '{}',
    PRIMARY KEY (version_id, position)
);
GRANT SELECT, INSERT ON local_offer_versions, local_offer_sections TO cl_app;

-- The Board's council tax figure, per district (board_council_tax_figures).
INSERT INTO board_indicators (code, section, sort, label, definition, kind, suppress,
                              in_breakdown) VALUES
    ('council_tax_exempt', 'Council tax', 950,
     'Eligible care leavers exempt from council tax',
     'Open cases whose district''s council tax scheme in force on the date covers their age, '
     || 'and the share of them whose exemption had been granted by then, by district.', 'pct',
     true, false);

-- Advisers: a work phone the young person may call (GET /v1/me/adviser).
ALTER TABLE advisers ADD COLUMN work_phone text CHECK (length(work_phone) <= 32);

-- The worker reads the new tables (SSDA903 and Board reports read every table but the audit
-- log, the idempotency records and the migration ledger).
GRANT SELECT ON entitlement_versions, council_tax_schemes, council_tax_statuses,
    local_offer_versions, local_offer_sections TO cl_worker;

-- cl_definer: what the young person's own views read (schema/functions/me.sql), and the one
-- write they make, a self-referral to an EET opportunity (a referral and its first step).
GRANT SELECT ON pathway_plans, eet_activities, grant_payments, grant_balances, entitlements,
    entitlement_versions, council_tax_schemes, local_offer_versions, local_offer_sections,
    ssda903_activities TO cl_definer;
GRANT INSERT ON eet_referrals, eet_referral_events TO cl_definer;
GRANT USAGE ON SEQUENCE eet_referral_events_id_seq TO cl_definer;
CREATE POLICY eet_referrals_self_referral ON eet_referrals FOR INSERT TO cl_definer
    WITH CHECK (current_user = 'cl_definer');
CREATE POLICY eet_referral_events_self_referral ON eet_referral_events FOR INSERT TO cl_definer
    WITH CHECK (current_user = 'cl_definer');
