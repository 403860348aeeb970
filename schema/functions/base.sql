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

-- The council's time zone: the api and the worker set app.la_timezone to LA_TIMEZONE on every
-- connection (common/cl_db.c); any other session (psql, a report) gets LA_TIMEZONE's default.
-- cl_la_date: the council's date of a moment, whatever the session's TimeZone, so a notice
-- received at 00:30 London time in summer (23:30 UTC) counts on the London date.
CREATE FUNCTION cl_la_zone() RETURNS text LANGUAGE sql STABLE
    AS $$ SELECT coalesce(nullif(current_setting('app.la_timezone', true), ''), 'Europe/London') $$;
CREATE FUNCTION cl_la_date(t timestamptz) RETURNS date LANGUAGE sql STABLE
    AS $$ SELECT (t AT TIME ZONE cl_la_zone())::date $$;

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

-- Create and JSON Merge Patch on a row of any table with id, version and updated_at columns,
-- in steps so a resource can check and normalise between them:
--   r := cl_patch_open(NULL::t, p_id, p_version, 'what')   the row, locked: 404, 412 as above
--                                                          (p_version NULL: not asked; with
--                                                          p_parent_col, only a row of that
--                                                          parent p_parent);
--   r := cl_merge(r, p, '{field,...}')                     the members of p named writable, each
--                                                          read by its column's type (null clears);
--   r := cl_patch_save(r, '{field,...}')                   those columns written, version + 1;
--   r := cl_insert(r, '{field,...}')                       a new row of those columns, the table's
--                                                          defaults for the rest (id, version, ...).
CREATE FUNCTION cl_patch_open(p_row anyelement, p_id uuid, p_version text, p_what text,
                              p_parent_col text DEFAULT NULL, p_parent uuid DEFAULT NULL)
RETURNS anyelement LANGUAGE plpgsql AS $$
BEGIN
    p_row := cl_row(p_row, p_id, p_what, p_parent_col, p_parent, true);
    IF p_version IS NOT NULL THEN
        -- only then: a row without a version (legal_holds) is opened with NULL
        PERFORM cl_if_match(p_version, p_row.version, p_what);
    END IF;
    RETURN p_row;
END
$$;

CREATE FUNCTION cl_merge(p_row anyelement, p jsonb, p_fields text[]) RETURNS anyelement
LANGUAGE sql STABLE AS $$
    SELECT jsonb_populate_record(p_row, coalesce(
        (SELECT jsonb_object_agg(e.key, e.value) FROM jsonb_each(p) e
         WHERE e.key = ANY (p_fields)), '{}'))
$$;

CREATE FUNCTION cl_patch_save(p_row anyelement, p_fields text[]) RETURNS anyelement
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('UPDATE %s t SET %s, version = t.version + 1, updated_at = now() '
                   'WHERE t.id = ($1).id RETURNING t.*', pg_typeof(p_row),
                   (SELECT string_agg(format('%I = ($1).%I', f, f), ', ') FROM unnest(p_fields) f))
        INTO p_row USING p_row;
    RETURN p_row;
END
$$;

CREATE FUNCTION cl_insert(p_row anyelement, p_fields text[]) RETURNS anyelement
LANGUAGE plpgsql AS $$
BEGIN
    EXECUTE format('INSERT INTO %s (%s) SELECT %s RETURNING *', pg_typeof(p_row),
                   (SELECT string_agg(format('%I', f), ', ') FROM unnest(p_fields) f),
                   (SELECT string_agg(format('($1).%I', f), ', ') FROM unnest(p_fields) f))
        INTO p_row USING p_row;
    RETURN p_row;
END
$$;

-- The name of this session's prepared statement of p_sql, PREPAREd on first use (its
-- parameters' types inferred). The generic reads below build their SQL from table and column
-- names; run as a plain EXECUTE it would be parsed and planned again on every call, row-level
-- security and the inlined representation included, where a prepared statement is planned as
-- seldom as static SQL in PL/pgSQL. The session setting cl.prepared_<name> remembers it (a
-- PREPARE outlives a rolled-back transaction, so a miss asks pg_prepared_statements).
CREATE FUNCTION cl_prepared(p_sql text) RETURNS text LANGUAGE plpgsql AS $$
DECLARE
    n text := 'cl_' || md5(p_sql);
BEGIN
    IF coalesce(current_setting('cl.prepared_' || n, true), '') = '' THEN
        IF NOT EXISTS (SELECT 1 FROM pg_prepared_statements s WHERE s.name = n) THEN
            EXECUTE format('PREPARE %I AS %s', n, p_sql);
        END IF;
        PERFORM set_config('cl.prepared_' || n, 'y', false);
    END IF;
    RETURN n;
END
$$;

-- The parent test of cl_row and cl_get as SQL (parameter $2) and its argument, or nothing.
CREATE FUNCTION cl_parent_cond(p_parent_col text) RETURNS text LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_parent_col IS NOT NULL THEN format(' AND x.%I = $2', p_parent_col) END
$$;

CREATE FUNCTION cl_parent_arg(p_parent_col text, p_parent uuid) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT CASE WHEN p_parent_col IS NOT NULL THEN ', ' || quote_nullable(p_parent) END
$$;

-- The row p_id of p_row's table (with p_parent_col, only when its parent is p_parent), locked
-- with p_lock; 404 "no such <p_what>" when there is none the caller may see. SECURITY INVOKER,
-- as every function here: row-level security is the caller's.
CREATE FUNCTION cl_row(p_row anyelement, p_id uuid, p_what text, p_parent_col text DEFAULT NULL,
                       p_parent uuid DEFAULT NULL, p_lock boolean DEFAULT false)
RETURNS anyelement LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    EXECUTE format('EXECUTE %I(%L%s)',
                   cl_prepared(format('SELECT * FROM %s x WHERE x.id = $1%s%s', pg_typeof(p_row),
                                      cl_parent_cond(p_parent_col),
                                      CASE WHEN p_lock THEN ' FOR UPDATE' END)),
                   p_id, cl_parent_arg(p_parent_col, p_parent))
        INTO p_row;
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM cl_found(n = 1, p_what);
    RETURN p_row;
END
$$;

-- A read of one row of a resource <t> (p_type) as the API answers it (GET by id): the row p_id
-- (with p_parent_col, only a child of p_parent) as <t>_json(row) (p_json names another), its
-- version and id; 404 "no such <p_what>" (<t> with spaces when NULL) when there is none the
-- caller may see; with p_audited, a read audited as <t> with p_detail.
CREATE FUNCTION cl_get(p_row anyelement, p_type text, p_id uuid, p_audited boolean DEFAULT false,
                       p_detail jsonb DEFAULT NULL, p_parent_col text DEFAULT NULL,
                       p_parent uuid DEFAULT NULL, p_what text DEFAULT NULL,
                       p_json text DEFAULT NULL)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    n integer;
BEGIN
    RETURN QUERY EXECUTE format('EXECUTE %I(%L%s)',
        cl_prepared(format('SELECT %I(x), x.version, x.id FROM %s x WHERE x.id = $1%s',
                           coalesce(p_json, p_type || '_json'), pg_typeof(p_row),
                           cl_parent_cond(p_parent_col))),
        p_id, cl_parent_arg(p_parent_col, p_parent));
    GET DIAGNOSTICS n = ROW_COUNT;
    PERFORM cl_found(n = 1, coalesce(p_what, replace(p_type, '_', ' ')));
    IF p_audited THEN
        PERFORM cl_audit('read', p_type, p_id, p_detail);
    END IF;
END
$$;

-- A page of a list of a resource <t> (p_type) as the API answers it: the rows of p_row's table
-- (with p_parent_col, the children of p_parent; with p_filter_col, those whose column equals
-- p_filter unless it is NULL; with p_cond, an SQL condition on the row x, those that meet it,
-- where %s stands for the value p_cond_arg) ordered by (p_key, id), descending with p_desc,
-- after the keyset (p_k1, p_k2) when p_k1 is given; p_limit rows as (<t>_json(row) or
-- p_json(row), p_key as text, id as text). With p_audited, the page is audited as a list of
-- <t> about p_parent. Every value is a parameter of the prepared statement (cl_prepared),
-- compared as its column's type; one statement serves a list whatever its values.
CREATE FUNCTION cl_page(p_row anyelement, p_type text, p_key text, p_desc boolean, p_k1 text,
                        p_k2 text, p_limit integer, p_parent_col text DEFAULT NULL,
                        p_parent uuid DEFAULT NULL, p_filter_col text DEFAULT NULL,
                        p_filter text DEFAULT NULL, p_cond text DEFAULT NULL,
                        p_cond_arg text DEFAULT NULL, p_audited boolean DEFAULT false,
                        p_json text DEFAULT NULL)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    IF p_audited THEN
        PERFORM cl_audit('list', p_type, p_parent);
    END IF;
    RETURN QUERY EXECUTE format('EXECUTE %I(%L, %L, %L, %L, %L, %L)', cl_prepared(format(
        'SELECT %1$I(x), x.%2$I::text, x.id::text FROM %3$s x WHERE %4$s AND %5$s AND %6$s'
        ' AND ((x.%2$I, x.id) %7$s ($4, $5) OR $4 IS NULL)'
        ' ORDER BY x.%2$I %8$s, x.id %8$s LIMIT $6',
        coalesce(p_json, p_type || '_json'), p_key, pg_typeof(p_row),
        CASE WHEN p_parent_col IS NULL THEN '$1::uuid IS NULL'
             ELSE format('x.%I = $1', p_parent_col) END,
        CASE WHEN p_filter_col IS NULL THEN '$2::text IS NULL'
             ELSE format('(x.%I = $2 OR $2 IS NULL)', p_filter_col) END,
        format(coalesce(p_cond || ' AND ', '') || '(%s::text IS NULL OR true)', '$3', '$3'),
        CASE WHEN p_desc THEN '<' ELSE '>' END, CASE WHEN p_desc THEN 'DESC' ELSE 'ASC' END)),
        p_parent, p_filter, p_cond_arg, p_k1, p_k2, p_limit);
END
$$;

-- Create (p_id NULL; p_row holds the defaults) or JSON Merge Patch (p_id, If-Match p_version)
-- of one row of a resource <t> that defines <t>_fields() (its writable fields),
-- <t>_clean(row, p) (the merged row as stored: trimmed, lower-cased, derived, checked; p is the
-- request, and the row's id is NULL on create) and <t>_json(row) (its representation; p_json
-- names another). With p_parent_col, the row belongs to the parent p_parent: a patch finds only
-- its rows, a create is made under it. The write is audited as <t>; 404s and 412s name p_what
-- (<t> with spaces when NULL); the answer is the representation, the version and the id.
CREATE FUNCTION cl_write(p_row anyelement, p_type text, p jsonb, p_id uuid DEFAULT NULL,
                         p_version text DEFAULT NULL, p_parent_col text DEFAULT NULL,
                         p_parent uuid DEFAULT NULL, p_what text DEFAULT NULL,
                         p_json text DEFAULT NULL)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    f text[];
BEGIN
    -- p_row is the working row: PostgreSQL 15 has no %TYPE of a polymorphic argument
    EXECUTE format('SELECT %I()', p_type || '_fields') INTO f;
    IF p_id IS NOT NULL THEN
        p_row := cl_patch_open(p_row, p_id, p_version,
                               coalesce(p_what, replace(p_type, '_', ' ')), p_parent_col,
                               p_parent);
    ELSIF p_parent_col IS NOT NULL THEN
        p_row := jsonb_populate_record(p_row, jsonb_build_object(p_parent_col, p_parent));
    END IF;
    EXECUTE format('SELECT * FROM %I($1, $2)', p_type || '_clean') INTO p_row
        USING cl_merge(p_row, p, f), p;
    IF p_id IS NULL THEN
        -- the parent is written on create, never taken from the request
        p_row := cl_insert(p_row, f || array_remove(ARRAY[p_parent_col], NULL));
        PERFORM cl_audit('create', p_type, p_row.id);
    ELSE
        p_row := cl_patch_save(p_row, f);
        PERFORM cl_audit_patch(p_type, p_row.id, p);
    END IF;
    RETURN QUERY EXECUTE format('SELECT %I($1), ($1).version, ($1).id',
                                coalesce(p_json, p_type || '_json'))
        USING p_row;
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
