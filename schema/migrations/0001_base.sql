-- Base: the application role, the caller's identity per transaction, timestamps, and the
-- append-only audit log.
--
-- The api connects as the owner and immediately does SET ROLE cl_app, a role that owns
-- nothing: row-level security applies to it, and it cannot change the audit log.

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'cl_app') THEN
        CREATE ROLE cl_app NOLOGIN;
    END IF;
END
$$;
GRANT cl_app TO CURRENT_USER;
GRANT USAGE ON SCHEMA public TO cl_app;
GRANT SELECT ON schema_migrations TO cl_app;

-- The principal set by the api with set_config(..., true) at the start of each transaction.
CREATE FUNCTION cl_role() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.role', true), '') $$;
CREATE FUNCTION cl_sub() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.sub', true), '') $$;
CREATE FUNCTION cl_adviser_id() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.adviser_id', true), '')::uuid $$;
CREATE FUNCTION cl_org_id() RETURNS uuid LANGUAGE sql STABLE
    AS $$ SELECT nullif(current_setting('app.org_id', true), '')::uuid $$;
CREATE FUNCTION cl_request_id() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(current_setting('app.request_id', true), '') $$;
-- True for the roles that see every care leaver (DESIGN §4).
CREATE FUNCTION cl_sees_all() RETURNS boolean LANGUAGE sql STABLE
    AS $$ SELECT cl_role() IN ('manager', 'admin', 'service') $$;

-- RFC 3339 UTC text for a timestamp, as the API writes them.
CREATE FUNCTION cl_ts(t timestamptz) RETURNS text LANGUAGE sql IMMUTABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Raise one of our own errors; the api maps CL404/CL409/CL412/CL422 to HTTP statuses and
-- passes the message to the client, so it must never hold personal data.
CREATE FUNCTION cl_fail(code text, message text) RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message; END $$;

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

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

REVOKE ALL ON audit_log FROM PUBLIC;
GRANT INSERT, SELECT ON audit_log TO cl_app;
GRANT USAGE ON SEQUENCE audit_log_id_seq TO cl_app;

-- Appends one audit row for the current principal, in the caller's transaction.
CREATE FUNCTION cl_audit(p_action text, p_type text, p_id uuid, p_detail jsonb DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                           detail)
    VALUES (cl_sub(), cl_role(), p_action, p_type, p_id, cl_request_id(), p_detail)
$$;
