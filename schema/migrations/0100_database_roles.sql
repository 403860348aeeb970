-- Three database credentials, none able to undo the walls (issue 15, item 2; SECURITY.md).
--
-- Until now the api and the worker logged in as the owner of every table and the api only did
-- SET ROLE cl_app, which RESET ROLE undoes; each table with row-level security also had an
-- owner policy (TO CURRENT_USER USING (true)), and the worker ran as the owner with no role at
-- all. From here on:
--
--   the owner (MIGRATION_DATABASE_URL)  owns the schema; used only by api --migrate;
--   cl_app (the api's DATABASE_URL)     owns nothing; row-level security as the principal set
--                                       per transaction; INSERT and SELECT on audit_log only;
--   cl_worker (the worker's)            owns nothing; reads the person tables whole (returns
--                                       and reports are about everyone), writes only the job
--                                       queue and artifacts; no audit_log, no idempotency keys;
--   cl_definer (no login)               owns the SECURITY DEFINER functions, reads only.
--
-- The login roles and their passwords are made outside migrations (scripts/db-roles.sh, run
-- once per cluster by a superuser); for a database migrated before this, the roles it lacks are
-- created here without a login when the migrating role may, and an administrator gives cl_app
-- and cl_worker LOGIN and a password.
--
-- A SECURITY DEFINER function added by a later migration must be given to cl_definer
-- (ALTER FUNCTION ... OWNER TO cl_definer), with EXECUTE revoked from PUBLIC and granted to the
-- roles that call it: the owner has no policy of its own, so as the owner it would read no row
-- of a table with row-level security.

DO $$
DECLARE
    r text;
BEGIN
    FOREACH r IN ARRAY ARRAY['cl_worker', 'cl_definer'] LOOP
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

-- ---- no policy for the owner, every policy forced ------------------------------------------------

DO $$
DECLARE
    p record;
BEGIN
    FOR p IN SELECT policyname, tablename FROM pg_policies
             WHERE schemaname = 'public' AND NOT roles <@ ARRAY['cl_app']::name[] LOOP
        EXECUTE format('DROP POLICY %I ON %I', p.policyname, p.tablename);
    END LOOP;
END
$$;

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

-- Every SECURITY DEFINER function: owned by cl_definer, callable by cl_app only (and by the
-- worker where its reports call one: the housing protocol figures of the Board report).
GRANT CREATE ON SCHEMA public TO cl_definer; -- ALTER ... OWNER needs it; revoked below
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO cl_definer', f.sig);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
        EXECUTE format('GRANT EXECUTE ON FUNCTION %s TO cl_app', f.sig);
    END LOOP;
END
$$;
REVOKE CREATE ON SCHEMA public FROM cl_definer;
GRANT EXECUTE ON FUNCTION housing_protocol_figures(uuid, date, date),
    housing_protocol_breaches_in(uuid, date, date) TO cl_worker;
