-- The building blocks every other file uses: timestamps as the API writes them, our own errors
-- (CL404/CL409/CL412/CL422, which the api maps to HTTP statuses), and the append-only audit
-- log (its refusing trigger and the one function that appends to it).
--
-- A CL422's message is "field: message" pairs separated by "; ", each field a request member
-- (or query parameter) name; the api (api/http.c) turns each pair into an entry of the
-- problem's errors. cl_fail_field raises one pair, cl_fail_fields several; nothing else raises
-- CL422 (tests/integration/test_sql_fields.c scans the definitions and drives each raise).

-- RFC 3339 UTC text for a timestamp, as the API writes them.
CREATE FUNCTION cl_ts(t timestamptz) RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') $$;

-- Raise one of our own errors; the api maps CL404/CL409/CL412/CL422 to HTTP statuses and
-- passes the message to the client, so it must never hold personal data.
CREATE FUNCTION cl_fail(code text, message text) RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN RAISE EXCEPTION USING ERRCODE = code, MESSAGE = message; END $$;

-- The opening of a read or write of one row. cl_found: 404 "no such <what>" unless the row was
-- found (pass FOUND after the SELECT). cl_if_match: for a write guarded by If-Match (p_version:
-- NULL, '*' or N), 412 "the <what> has changed since it was read" unless N is its version.
CREATE FUNCTION cl_found(p_found boolean, p_what text) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF NOT p_found THEN
        PERFORM cl_fail('CL404', 'no such ' || p_what);
    END IF;
END
$$;

CREATE FUNCTION cl_if_match(p_version text, p_current integer, p_what text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF p_version IS NOT NULL AND p_version <> '*' AND p_version <> p_current::text THEN
        PERFORM cl_fail('CL412', 'the ' || p_what || ' has changed since it was read');
    END IF;
END
$$;

CREATE FUNCTION audit_log_refuse() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'audit_log is append-only' USING ERRCODE = '42501';
END
$$;
CREATE TRIGGER audit_log_append_only BEFORE UPDATE OR DELETE ON audit_log
    FOR EACH ROW EXECUTE FUNCTION audit_log_refuse();
CREATE TRIGGER audit_log_no_truncate BEFORE TRUNCATE ON audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION audit_log_refuse();

-- Appends one audit row for the current principal, in the caller's transaction.
CREATE FUNCTION cl_audit(p_action text, p_type text, p_id uuid, p_detail jsonb DEFAULT NULL)
RETURNS void LANGUAGE sql AS $$
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                           detail)
    VALUES (cl_sub(), cl_role(), p_action, p_type, p_id, cl_request_id(), p_detail)
$$;

-- Audits a JSON Merge Patch: the fields it named, with p_detail's members.
CREATE FUNCTION cl_audit_patch(p_type text, p_id uuid, p jsonb, p_detail jsonb DEFAULT '{}')
RETURNS void LANGUAGE sql AS $$
    SELECT cl_audit('update', p_type, p_id, p_detail || jsonb_build_object(
                        'fields', (SELECT jsonb_agg(k) FROM jsonb_object_keys(p) k)))
$$;

-- /v1/care-leavers and /v1/advisers/{id}/caseload: representation, create, read (audited),
-- merge patch with allocation and closing, list with filters, and the caseload summary.
--
-- Validation that needs the stored row or several fields at once is raised by cl_fail_fields
-- as one CL422 whose message lists "field: message" pairs separated by "; "; the api turns it
-- into the problem's errors list.
--
-- Service window: a record may be created (or its date of birth changed) only for a young
-- person aged 15 to 25 on that day: 16-25 is the leaving care age span, and a case may open a
-- few months before the 16th birthday so the needs assessment can start on time.
CREATE FUNCTION cl_fail_fields(p_problems text[]) RETURNS void LANGUAGE plpgsql AS $$
BEGIN
    IF cardinality(p_problems) > 0 THEN
        PERFORM cl_fail('CL422', array_to_string(p_problems, '; '));
    END IF;
END
$$;

-- One "field: message" pair as a CL422 (see the top of this file).
CREATE FUNCTION cl_fail_field(p_field text, p_message text) RETURNS void LANGUAGE plpgsql
    AS $$ BEGIN PERFORM cl_fail_fields(ARRAY[p_field || ': ' || p_message]); END $$;
