-- Partners tell us first (issue 23): notifications from partners, who placed a move and when
-- the council heard, the protocol's commitments as rows, a change log partner systems read in
-- commit order, and signed webhooks delivered by the worker. The functions are in
-- schema/functions/partner_notices.sql, the api's policies in security.sql.

-- ---- who placed a move and when the council heard ---------------------------------------------

-- placed_by: who arranged the move (NULL: not recorded). council_notified_on: the day the
-- council heard by other means (a call); a partner notification about the move is counted
-- from the day the server received it, never from a typed date.
ALTER TABLE accommodation_episodes
    ADD COLUMN placed_by text CHECK (placed_by IN ('council', 'partner', 'young_person')),
    ADD COLUMN council_notified_on date,
    ADD CONSTRAINT accommodation_placed_by_partner
        CHECK (placed_by IS DISTINCT FROM 'partner' OR provider_id IS NOT NULL);

-- ---- partner notifications ---------------------------------------------------------------------

-- What a partner tells the service. The partner names the young person by what it legitimately
-- holds: a referral addressed to it, or la_child_id with date of birth. care_leaver_id is the
-- match the server made (NULL while in the managers' triage queue: no match, or a young person
-- the partner has never been sent); the partner never learns which.
CREATE TABLE partner_notifications (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partner_id       uuid NOT NULL REFERENCES partners (id),
    kind             text NOT NULL CHECK (kind IN ('move_planned', 'emergency_move',
                                                   'b_and_b_placement', 'eviction_notice',
                                                   'rent_arrears', 'presented_homeless',
                                                   'left_course', 'at_risk_of_dropping_out')),
    referral_id      uuid,
    la_child_id      text CHECK (length(la_child_id) <= 10),
    date_of_birth    date,
    care_leaver_id   uuid REFERENCES care_leavers (id),
    occurred_on      date NOT NULL,
    details          text NOT NULL DEFAULT '' CHECK (length(details) <= 2000),
    received_at      timestamptz NOT NULL DEFAULT now(),
    acknowledged_at  timestamptz,
    acknowledged_by  text,
    matched_by       text,
    created_by       text NOT NULL DEFAULT '',
    version          integer NOT NULL DEFAULT 1,
    updated_at       timestamptz NOT NULL DEFAULT now(),
    CHECK (referral_id IS NOT NULL OR (la_child_id IS NOT NULL AND date_of_birth IS NOT NULL)),
    CHECK ((acknowledged_at IS NULL) = (acknowledged_by IS NULL))
);
CREATE INDEX partner_notifications_care_leaver
    ON partner_notifications (care_leaver_id, received_at DESC, id DESC);
CREATE INDEX partner_notifications_partner
    ON partner_notifications (partner_id, received_at DESC, id DESC);
CREATE INDEX partner_notifications_triage ON partner_notifications (received_at DESC, id DESC)
    WHERE care_leaver_id IS NULL;

-- Work for the team manager: raised by an emergency move or a bed-and-breakfast placement.
CREATE TABLE manager_tasks (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    kind             text NOT NULL CHECK (kind IN ('emergency_move', 'b_and_b_placement')),
    notification_id  uuid NOT NULL REFERENCES partner_notifications (id),
    status           text NOT NULL DEFAULT 'open' CHECK (status IN ('open', 'done')),
    created_at       timestamptz NOT NULL DEFAULT now(),
    UNIQUE (notification_id)
);
CREATE INDEX manager_tasks_open ON manager_tasks (created_at DESC, id DESC);

-- ---- the protocol's commitments as rows --------------------------------------------------------

-- One measurable commitment of a protocol version. kind decides what is measured and target
-- its number: response_working_days (a referral answered within target working days),
-- referral_lead_days (referred at least target days before the 18th birthday),
-- move_notice_days (a partner-placed move notified at least target days ahead), bnb_max_nights
-- (no bed-and-breakfast stay longer than target nights), bnb_under_18 (no bed and breakfast
-- before the 18th birthday; target 0). district NULL: every district; partner_id or
-- partner_kind NULL: every partner. Each row is measured on its own.
CREATE TABLE housing_protocol_commitments (
    id            uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    protocol_id   uuid NOT NULL REFERENCES housing_protocols (id),
    kind          text NOT NULL CHECK (kind IN ('response_working_days', 'referral_lead_days',
                                                'move_notice_days', 'bnb_max_nights',
                                                'bnb_under_18')),
    target        integer NOT NULL CHECK (target BETWEEN 0 AND 730),
    district      text CHECK (length(district) BETWEEN 1 AND 100),
    partner_kind  text CHECK (partner_kind IN ('district_council', 'housing_provider',
                                               'employer', 'college', 'health', 'other')),
    partner_id    uuid REFERENCES partners (id),
    description   text NOT NULL DEFAULT '' CHECK (length(description) <= 500),
    created_at    timestamptz NOT NULL DEFAULT now(),
    CHECK (kind <> 'bnb_under_18' OR target = 0),
    CHECK (partner_id IS NULL OR partner_kind IS NULL)
);
CREATE INDEX housing_protocol_commitments_protocol
    ON housing_protocol_commitments (protocol_id, kind, id);

-- Every existing version's fixed numbers become its rows (every district, every partner).
INSERT INTO housing_protocol_commitments (protocol_id, kind, target, description)
SELECT h.id, c.kind, c.target, c.description
FROM housing_protocols h, LATERAL (VALUES
    ('response_working_days', least(h.response_days, 730), 'referrals answered in time'),
    ('referral_lead_days', h.referral_lead_days_before_18, 'referred before the 18th birthday'),
    ('move_notice_days', h.move_notice_days, 'notice of a move'),
    ('bnb_max_nights', h.max_bnb_nights, 'longest bed-and-breakfast stay'),
    ('bnb_under_18', 0, 'no bed and breakfast under 18')) c (kind, target, description);

-- ---- the change log: what partner systems read in commit order ---------------------------------

-- One row per change to a row a partner or adviser lists. tx is the writing transaction's id:
-- rows are read only below the oldest transaction still running (pg_snapshot_xmin), so a row
-- whose transaction commits late is never skipped by a reader who has moved on, and the order
-- (tx, seq) never changes once read. partner_id and care_leaver_id keep the scope a deleted
-- row had, for its tombstone.
CREATE TABLE change_log (
    seq             bigserial PRIMARY KEY,
    tx              xid8 NOT NULL DEFAULT pg_current_xact_id(),
    resource        text NOT NULL CHECK (resource IN ('housing_referral', 'partner_notification',
                                                      'webhook_subscription')),
    resource_id     uuid NOT NULL,
    op              text NOT NULL CHECK (op IN ('insert', 'update', 'delete')),
    partner_id      uuid,
    care_leaver_id  uuid,
    at              timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX change_log_order ON change_log (resource, tx, seq);

-- ---- webhooks ----------------------------------------------------------------------------------

-- A partner's endpoint and the event kinds it wants. secret: the signing key (whsec_ and base64,
-- shown once when made). queue: the worker queue its deliveries go to (a deployment may give
-- webhooks their own workers; not part of the api).
CREATE TABLE webhook_subscriptions (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    partner_id  uuid NOT NULL REFERENCES partners (id),
    url         text NOT NULL CHECK (length(url) BETWEEN 8 AND 2000),
    events      text[] NOT NULL CHECK (cardinality(events) BETWEEN 1 AND 10),
    secret      text NOT NULL,
    active      boolean NOT NULL DEFAULT true,
    queue       text NOT NULL DEFAULT 'default' CHECK (queue ~ '^[a-z0-9_-]{1,64}$'),
    created_by  text NOT NULL DEFAULT '',
    version     integer NOT NULL DEFAULT 1,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX webhook_subscriptions_partner ON webhook_subscriptions (partner_id, created_at, id);

-- One message to one subscription: message_id is the webhook-id (a replay sends the same id
-- again, as a new delivery after everything already queued). Sent in (tx, seq) order, one
-- subscription at a time, only below the oldest running transaction (as the change log).
CREATE TABLE webhook_deliveries (
    id               uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    subscription_id  uuid NOT NULL REFERENCES webhook_subscriptions (id) ON DELETE CASCADE,
    seq              bigserial NOT NULL,
    tx               xid8 NOT NULL DEFAULT pg_current_xact_id(),
    message_id       uuid NOT NULL,
    event            text NOT NULL,
    payload          jsonb NOT NULL,
    status           text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered')),
    attempts         integer NOT NULL DEFAULT 0,
    replay_of        uuid REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    created_at       timestamptz NOT NULL DEFAULT now(),
    delivered_at     timestamptz
);
CREATE INDEX webhook_deliveries_pending ON webhook_deliveries (subscription_id, tx, seq)
    WHERE status = 'pending';
CREATE INDEX webhook_deliveries_log ON webhook_deliveries (subscription_id, seq DESC);

-- Each try: when, the answer's status (NULL: none), and why it failed, for the partner's log.
CREATE TABLE webhook_delivery_attempts (
    delivery_id   uuid NOT NULL REFERENCES webhook_deliveries (id) ON DELETE CASCADE,
    attempt       integer NOT NULL,
    at            timestamptz NOT NULL DEFAULT now(),
    status_code   integer,
    error         text CHECK (length(error) <= 300),
    duration_ms   integer NOT NULL DEFAULT 0,
    PRIMARY KEY (delivery_id, attempt)
);

-- ---- grants and row-level security -------------------------------------------------------------
-- cl_app reaches these tables through the policies in security.sql; cl_worker reads and
-- delivers; cl_definer (the SECURITY DEFINER functions: the change-log and webhook triggers,
-- the notification matcher) only while one of its functions runs.

GRANT SELECT, INSERT, UPDATE ON partner_notifications, manager_tasks TO cl_app;
GRANT SELECT, INSERT, DELETE ON housing_protocol_commitments TO cl_app;
GRANT SELECT ON change_log, webhook_deliveries, webhook_delivery_attempts TO cl_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON webhook_subscriptions TO cl_app;
GRANT SELECT ON partner_notifications, manager_tasks, housing_protocol_commitments, change_log,
    webhook_subscriptions, webhook_deliveries, webhook_delivery_attempts TO cl_worker;
GRANT UPDATE (status, attempts, delivered_at) ON webhook_deliveries TO cl_worker;
GRANT INSERT ON webhook_delivery_attempts TO cl_worker;
GRANT SELECT, INSERT ON change_log, webhook_deliveries TO cl_definer;
GRANT SELECT ON webhook_subscriptions, partner_notifications, housing_protocol_commitments,
    bank_holidays, housing_referrals,
    housing_protocols, accommodation_episodes TO cl_definer;
GRANT USAGE ON SEQUENCE change_log_seq_seq, webhook_deliveries_seq_seq TO cl_definer;
GRANT INSERT ON jobs TO cl_definer;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['partner_notifications', 'manager_tasks',
                             'housing_protocol_commitments', 'change_log',
                             'webhook_subscriptions', 'webhook_deliveries',
                             'webhook_delivery_attempts'] LOOP
        EXECUTE format('ALTER TABLE %I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('ALTER TABLE %I FORCE ROW LEVEL SECURITY', t);
        EXECUTE format('CREATE POLICY %I ON %I TO cl_worker USING (true) WITH CHECK (true)',
                       t || '_worker', t);
        EXECUTE format('CREATE POLICY %I ON %I TO cl_definer '
                       'USING (current_user = ''cl_definer'') '
                       'WITH CHECK (current_user = ''cl_definer'')', t || '_definer', t);
    END LOOP;
END
$$;
-- cl_definer enqueues webhook deliveries (webhook_enqueue), nothing else.
CREATE POLICY jobs_definer_webhooks ON jobs FOR INSERT TO cl_definer
    WITH CHECK (current_user = 'cl_definer' AND kind = 'webhook_delivery');
