-- The SECURITY DEFINER functions added after 0100 (the retention purge, the principal check, the
-- Board's outreach summary) were created by the migrating role; 0100's rule is that every such
-- function belongs to cl_definer, which the owner is not: the owner has no policy of its own,
-- so row-level security would show it no rows. Here they are given to cl_definer, with what
-- each one needs and nothing to spare:
--   cl_principal_check          reads advisers (partners it could already read);
--   cl_purge_expired            deletes expired idempotency keys and artifacts and writes one
--                               audit row per deleted artifact (neither table has row-level
--                               security; audit_log stays append-only: no UPDATE or DELETE).
-- Any SECURITY DEFINER function not yet owned by cl_definer is handed over the same way, with
-- EXECUTE kept from PUBLIC.

GRANT SELECT ON advisers TO cl_definer;
GRANT SELECT, DELETE ON idempotency_keys, artifacts TO cl_definer;
GRANT INSERT ON audit_log TO cl_definer;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO cl_definer;

GRANT CREATE ON SCHEMA public TO cl_definer; -- ALTER ... OWNER needs it; revoked below
DO $$
DECLARE
    f record;
BEGIN
    FOR f IN SELECT p.oid::regprocedure AS sig FROM pg_proc p
             WHERE p.pronamespace = 'public'::regnamespace AND p.prosecdef
               AND p.proowner <> 'cl_definer'::regrole LOOP
        EXECUTE format('ALTER FUNCTION %s OWNER TO cl_definer', f.sig);
        EXECUTE format('REVOKE ALL ON FUNCTION %s FROM PUBLIC', f.sig);
    END LOOP;
END
$$;
REVOKE CREATE ON SCHEMA public FROM cl_definer;
