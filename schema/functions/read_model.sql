-- The read model (issue 19): care_leaver_state (migration 0220), one row per care leaver with
-- the stored facts its representation needs, kept in the same transaction as every write that
-- changes it, and the facts the representation shows computed from it at read time.
--
--   care_leaver_state_source(d)     the rows as the source tables give them, for what was
--                                   recorded by d: 'infinity' for the stored rows (the upkeep
--                                   and the rebuild), a day for a read dated before a row's
--                                   horizon. The one derivation of the stored facts.
--   care_leaver_state_on(id, d)     the row a read on d uses: the stored one, or the source's
--                                   when d is before its horizon (a record dated ahead of d)
--   care_leaver_facts_of(c, s, d, n)
--                                   what the representation shows on d, by the rules of
--                                   facts.sql (cl_contact_status, cl_plan_due,
--                                   cl_plan_review_due_of, cl_next_visit_due,
--                                   cl_visit_interval, cl_age_on) over the stored dates: the
--                                   same answers as care_leaver_facts, which reads the source
--                                   tables (tests/integration/test_read_model.c compares them)
--   cl_caseload()                   the care leavers of the principal's caseload (an adviser's),
--                                   for the row-level security policies of the child tables
--   care_leaver_state_refresh(ids)  the upkeep: locks the ids' rows, then writes them again
--                                   from the source (SECURITY DEFINER: whoever wrote, a
--                                   partner's EET transition included, the row is whole)
--   care_leaver_state_rebuild()     the whole table again from the source, when the functions
--                                   are applied (the derivation may have changed)
--
-- Concurrency: the refresh takes the rows' locks first and computes in a statement after, so
-- under READ COMMITTED a writer that waited for another's lock sees what the other committed.

CREATE FUNCTION care_leaver_state_source(p_on date) RETURNS SETOF care_leaver_state
LANGUAGE sql STABLE AS $$
    SELECT c.id, c.adviser_id, c.district, c.category,
           k.last_contact_on, v.last_on, k.event_status, k.event_on, eu.last_on,
           p.started_on, p.reviewed_on, a.started_on, a.ended_on, a.body, t.started_on,
           t.ended_on, t.body,
           greatest(k.last_contact_on, eu.last_on, p.started_on, a.started_on, t.started_on)
    FROM care_leavers c
    CROSS JOIN LATERAL cl_contact_status_inputs(c.id, p_on) k
    LEFT JOIN LATERAL (
        SELECT x.occurred_on AS last_on FROM contacts x
        WHERE x.care_leaver_id = c.id AND x.successful AND x.statutory_visit
          AND x.occurred_on <= p_on
        ORDER BY x.occurred_on DESC LIMIT 1) v ON true
    LEFT JOIN LATERAL (
        SELECT max(x.occurred_on) AS last_on FROM contact_status_events x
        WHERE x.care_leaver_id = c.id AND x.occurred_on <= p_on) eu ON true
    LEFT JOIN LATERAL (
        SELECT x.started_on, x.reviewed_on FROM cl_plans_in_force(p_on) x
        WHERE x.care_leaver_id = c.id LIMIT 1) p ON true -- LIMIT: one probe, never a merge
    LEFT JOIN LATERAL (
        SELECT x.started_on, x.ended_on, accommodation_json(x)::jsonb - 'current' AS body
        FROM accommodation_episodes x
        WHERE x.care_leaver_id = c.id AND x.started_on <= p_on
        ORDER BY x.started_on DESC LIMIT 1) a ON true
    LEFT JOIN LATERAL (
        SELECT x.started_on, x.ended_on, eet_activity_json(x)::jsonb - 'current' AS body
        FROM eet_activities x
        WHERE x.care_leaver_id = c.id AND x.started_on <= p_on
        ORDER BY x.started_on DESC LIMIT 1) t ON true
$$;

-- PL/pgSQL, so a read plans only the branch it takes (both in one SQL query, every read paid
-- the executor start-up of the source's sub-plans it never ran).
CREATE FUNCTION care_leaver_state_on(p_id uuid, p_on date) RETURNS care_leaver_state
LANGUAGE plpgsql STABLE AS $$
DECLARE
    s care_leaver_state;
BEGIN
    SELECT * INTO s FROM care_leaver_state x WHERE x.care_leaver_id = p_id;
    IF s.horizon > p_on THEN
        SELECT * INTO s FROM care_leaver_state_source(p_on) x WHERE x.care_leaver_id = p_id;
    END IF;
    RETURN s;
END
$$;

-- The columns of care_leaver_facts (facts.sql), from the stored row.
CREATE FUNCTION care_leaver_facts_of(c care_leavers, s care_leaver_state, p_on date,
                                     p_days integer)
RETURNS TABLE (contact_status text, last_contact_on date, pathway_plan_due_on date,
               next_visit_due_on date)
LANGUAGE sql STABLE AS $$
    SELECT st.status, s.last_contact_on,
           cl_plan_due(c, p_on, st.category,
                       CASE WHEN s.plan_started_on IS NOT NULL THEN
                           cl_plan_review_due_of(s.plan_started_on, s.plan_reviewed_on, p_on) END),
           cl_next_visit_due(cl_case_open_on(c, p_on), st.status = 'died', s.last_visit_on,
                             st.days, c.opened_on)
    FROM (SELECT cl_contact_status(s.event_status, s.event_on, s.last_contact_on,
                                   p_on - p_days) AS status,
                 k.category,
                 (SELECT i.interval_days
                  FROM cl_visit_interval(k.category, cl_age_on(c.date_of_birth, p_on)) i) AS days
          -- the category in law once (the plan duty and the visit standard both follow it)
          FROM (SELECT cl_category_of(c, p_on) AS category OFFSET 0) k
          -- a subquery of its own, so each is computed once however often it is used
          OFFSET 0) st
$$;

-- The care leavers allocated to the principal when it is an active adviser (none otherwise),
-- from the read model: the child tables' policies (security.sql) ask it once per statement.
CREATE FUNCTION cl_caseload() RETURNS SETOF uuid LANGUAGE sql STABLE AS $$
    SELECT s.care_leaver_id FROM care_leaver_state s
    WHERE cl_role() = 'adviser' AND s.adviser_id = cl_adviser_id()
$$;

CREATE FUNCTION care_leaver_state_refresh(p_ids uuid[]) RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    PERFORM 1 FROM care_leaver_state s WHERE s.care_leaver_id = ANY (p_ids)
    ORDER BY s.care_leaver_id FOR UPDATE;
    INSERT INTO care_leaver_state AS s
    SELECT x.* FROM care_leaver_state_source('infinity') x WHERE x.care_leaver_id = ANY (p_ids)
    ON CONFLICT (care_leaver_id) DO UPDATE SET
        adviser_id = excluded.adviser_id, district = excluded.district,
        category = excluded.category, last_contact_on = excluded.last_contact_on,
        last_visit_on = excluded.last_visit_on, event_status = excluded.event_status,
        event_on = excluded.event_on, events_until = excluded.events_until,
        plan_started_on = excluded.plan_started_on, plan_reviewed_on = excluded.plan_reviewed_on,
        accommodation_started_on = excluded.accommodation_started_on,
        accommodation_ended_on = excluded.accommodation_ended_on,
        accommodation = excluded.accommodation, activity_started_on = excluded.activity_started_on,
        activity_ended_on = excluded.activity_ended_on, activity = excluded.activity,
        horizon = excluded.horizon
    WHERE (s.*) IS DISTINCT FROM (excluded.*);
END
$$;

-- After each statement on a source table: the care leavers it touched (TG_ARGV[0] names the
-- column that holds their id), old and new rows alike.
CREATE FUNCTION care_leaver_state_upkeep() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_ids uuid[];
BEGIN
    IF TG_OP = 'INSERT' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM new_rows', TG_ARGV[0]) INTO v_ids;
    ELSIF TG_OP = 'DELETE' THEN
        EXECUTE format('SELECT array_agg(DISTINCT %I) FROM old_rows', TG_ARGV[0]) INTO v_ids;
    ELSE
        EXECUTE format('SELECT array_agg(DISTINCT i) FROM (SELECT %1$I AS i FROM new_rows '
                       'UNION SELECT %1$I FROM old_rows) u', TG_ARGV[0]) INTO v_ids;
    END IF;
    IF v_ids IS NOT NULL THEN
        PERFORM care_leaver_state_refresh(v_ids);
    END IF;
    RETURN NULL;
END
$$;

DO $$
DECLARE
    t record;
BEGIN
    FOR t IN SELECT * FROM (VALUES ('care_leavers', 'id'), ('contacts', 'care_leaver_id'),
                                   ('contact_status_events', 'care_leaver_id'),
                                   ('pathway_plans', 'care_leaver_id'),
                                   ('accommodation_episodes', 'care_leaver_id'),
                                   ('eet_activities', 'care_leaver_id'),
                                   -- a partner's move notice is the episode's notice_on
                                   -- (accommodation_notice_on, partner_notices.sql)
                                   ('partner_notifications', 'care_leaver_id')) v (tab, col) LOOP
        EXECUTE format('CREATE TRIGGER %I AFTER INSERT ON %I REFERENCING NEW TABLE AS new_rows '
                       'FOR EACH STATEMENT EXECUTE FUNCTION care_leaver_state_upkeep(%L)',
                       t.tab || '_state_insert', t.tab, t.col);
        EXECUTE format('CREATE TRIGGER %I AFTER UPDATE ON %I REFERENCING OLD TABLE AS old_rows '
                       'NEW TABLE AS new_rows FOR EACH STATEMENT '
                       'EXECUTE FUNCTION care_leaver_state_upkeep(%L)',
                       t.tab || '_state_update', t.tab, t.col);
        IF t.tab <> 'care_leavers' THEN -- a care leaver's own row goes by ON DELETE CASCADE
            EXECUTE format('CREATE TRIGGER %I AFTER DELETE ON %I REFERENCING OLD TABLE AS '
                           'old_rows FOR EACH STATEMENT '
                           'EXECUTE FUNCTION care_leaver_state_upkeep(%L)',
                           t.tab || '_state_delete', t.tab, t.col);
        END IF;
    END LOOP;
END
$$;

CREATE FUNCTION care_leaver_state_rebuild() RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = public, pg_temp AS $$
    DELETE FROM care_leaver_state;
    INSERT INTO care_leaver_state SELECT * FROM care_leaver_state_source('infinity');
$$;
-- Run at the end of security.sql, once it belongs to cl_definer (the table's rows are
-- reachable by no other role that writes).
