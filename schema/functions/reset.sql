-- Applied first, whenever any functions file changed (common/cl_migrate.c): clears what the
-- functions files own, so that the files that follow re-create exactly what they say and a
-- function taken out of a file leaves the database too. It owns nothing of its own.
--
-- Dropped, in the one transaction that re-creates them:
--   * every row-level security policy for cl_app (all of them are in security.sql);
--   * every trigger that runs a function of this schema (each is defined next to its
--     function);
--   * every function of this schema but those of extensions (btree_gist).
-- A function is dropped without CASCADE: anything else that uses one (a policy for another
-- role, a constraint, a default) stops the migration with PostgreSQL's own message, because it
-- belongs in a functions file too.
DO $$
DECLARE
    o record;
BEGIN
    FOR o IN SELECT p.polname, p.polrelid::regclass AS rel FROM pg_policy p
             WHERE p.polroles = ARRAY['cl_app'::regrole]::oid[] LOOP
        EXECUTE format('DROP POLICY %I ON %s', o.polname, o.rel);
    END LOOP;
    FOR o IN SELECT t.tgname, t.tgrelid::regclass AS rel FROM pg_trigger t
             JOIN pg_proc f ON f.oid = t.tgfoid
             WHERE NOT t.tgisinternal AND f.pronamespace = 'public'::regnamespace LOOP
        EXECUTE format('DROP TRIGGER %I ON %s', o.tgname, o.rel);
    END LOOP;
    FOR o IN SELECT f.oid::regprocedure AS sig FROM pg_proc f
             WHERE f.pronamespace = 'public'::regnamespace
               AND NOT EXISTS (SELECT 1 FROM pg_depend d
                               WHERE d.classid = 'pg_proc'::regclass AND d.objid = f.oid
                                 AND d.deptype = 'e') LOOP
        EXECUTE format('DROP FUNCTION %s', o.sig);
    END LOOP;
END
$$;
