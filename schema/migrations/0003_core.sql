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
    sex              text NOT NULL CHECK (sex IN ('1', '2')),
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

-- A partner sees a care leaver only while something is addressed to it; later migrations
-- (housing referrals, EET referrals) replace this function to say what.
CREATE FUNCTION cl_partner_sees_care_leaver(p_care_leaver uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$ SELECT false $$;

-- Whether the current principal may reach this care leaver's record at all.
CREATE FUNCTION cl_can_see_care_leaver(p_adviser uuid, p_id uuid) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_sees_all()
        OR (cl_role() = 'adviser' AND p_adviser IS NOT DISTINCT FROM cl_adviser_id()
            AND cl_adviser_id() IS NOT NULL)
        OR (cl_role() = 'partner' AND cl_partner_sees_care_leaver(p_id))
$$;

ALTER TABLE care_leavers ENABLE ROW LEVEL SECURITY;
ALTER TABLE care_leavers FORCE ROW LEVEL SECURITY;
CREATE POLICY care_leavers_scope ON care_leavers TO cl_app
    USING (cl_can_see_care_leaver(adviser_id, id))
    WITH CHECK (cl_sees_all() OR (cl_role() = 'adviser' AND adviser_id = cl_adviser_id()));

-- The owner (migrations, demo data) is not subject to the policy.
CREATE POLICY care_leavers_owner ON care_leavers TO CURRENT_USER USING (true) WITH CHECK (true);

GRANT SELECT, INSERT, UPDATE ON advisers, partners, care_leavers TO cl_app;

-- POST responses remembered for 24 h under the client's Idempotency-Key.
CREATE TABLE idempotency_keys (
    actor_sub     text NOT NULL,
    key           text NOT NULL,
    request_hash  text NOT NULL,
    status        integer NOT NULL,
    body          text NOT NULL,
    location      text,
    etag          text,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (actor_sub, key)
);
GRANT SELECT, INSERT, UPDATE, DELETE ON idempotency_keys TO cl_app;
