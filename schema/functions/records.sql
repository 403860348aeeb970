-- Records (issue 25): the subject access export, the retention schedule applied (the nightly
-- list of records due for disposal, the approved disposal with its tombstone, legal holds), the
-- redaction of a disposed person's rows inside stored return artifacts, the expiry of subject
-- access artifacts, and the check that every table about a person is covered.
--
-- Coverage is data: personal_data_tables (schema/migrations/0320_records.sql) says, per table,
-- how a person's rows are found, exported and disposed of; both the export and the disposal
-- walk it, so neither names a table here.

-- The tables that hold rows about one person and have no row in personal_data_tables: a
-- care_leaver_id column, or a foreign key to care_leavers or to a listed table.
CREATE FUNCTION records_uncovered_tables() RETURNS SETOF text LANGUAGE sql STABLE AS $$
    SELECT DISTINCT c.relname::text
    FROM pg_class c
    WHERE c.relnamespace = 'public'::regnamespace AND c.relkind IN ('r', 'p')
      AND (EXISTS (SELECT 1 FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attname = 'care_leaver_id' AND NOT a.attisdropped)
           OR EXISTS (SELECT 1 FROM pg_constraint k
                      WHERE k.conrelid = c.oid AND k.contype = 'f'
                        AND k.confrelid::regclass::text IN
                            (SELECT 'care_leavers' UNION SELECT table_name FROM personal_data_tables)))
      AND c.relname NOT IN (SELECT table_name FROM personal_data_tables)
    ORDER BY 1
$$;

-- How one person's rows are found, table by table (personal_data_tables, position order):
-- keys, the values of key_column that are theirs (their id, or for a child table the ids of
-- their rows in parent_table), and ids, the id column of those rows where the table has one.
-- The export and the disposal both read it; the audit trail is not here (it is found by ids).
CREATE FUNCTION records_keys(p_care_leaver_id uuid)
RETURNS TABLE (table_name text, keys uuid[], ids uuid[]) LANGUAGE plpgsql STABLE AS $$
DECLARE
    t record;
    v_ids jsonb := '{}';
BEGIN
    FOR t IN SELECT * FROM personal_data_tables p WHERE p.export = 'rows' ORDER BY p.position LOOP
        table_name := t.table_name;
        keys := CASE WHEN t.parent_table IS NULL THEN ARRAY[p_care_leaver_id]
                     ELSE ARRAY(SELECT jsonb_array_elements_text(
                                    coalesce(v_ids -> t.parent_table, '[]'))::uuid) END;
        EXECUTE format('SELECT coalesce(array_agg((to_jsonb(x) ->> ''id'')::uuid) FILTER '
                       '(WHERE to_jsonb(x) ->> ''id'' ~ ''^[0-9a-f-]{36}$''), ''{}'') '
                       'FROM %I x WHERE x.%I = ANY ($1)', t.table_name, t.key_column)
            INTO ids USING keys;
        v_ids := v_ids || jsonb_build_object(t.table_name, to_jsonb(ids));
        RETURN NEXT;
    END LOOP;
END
$$;

-- Everything held about one person, as one JSON document: per listed table (in position
-- order) its rows as stored, the audit trail of every row found, and every non-empty
-- free-text value for a human to review before release. Audited as a read of the care leaver
-- by the job's requester (the worker itself may write no audit row). Reads every table whole,
-- as cl_definer; executable by the worker only.
CREATE FUNCTION records_subject_access(p_care_leaver_id uuid, p_job_id uuid)
RETURNS jsonb LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    t record;
    j jobs;
    v_rows jsonb;
    v_found jsonb;
    v_all uuid[];
    v_tables jsonb := '[]';
    v_free jsonb := '[]';
BEGIN
    SELECT * INTO j FROM jobs WHERE id = p_job_id AND kind = 'subject_access';
    IF NOT FOUND OR NOT EXISTS (SELECT 1 FROM care_leavers WHERE id = p_care_leaver_id) THEN
        RETURN NULL;
    END IF;
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id, detail)
    VALUES (j.created_by, j.created_role, 'read', 'care_leaver', p_care_leaver_id, '',
            jsonb_build_object('kind', 'subject_access', 'job_id', j.id));
    SELECT jsonb_object_agg(k.table_name, jsonb_build_object('keys', k.keys, 'ids', k.ids))
    INTO v_found FROM records_keys(p_care_leaver_id) k;
    v_all := ARRAY[p_care_leaver_id] || ARRAY(SELECT jsonb_array_elements_text(e -> 'ids')::uuid
                                              FROM jsonb_each(v_found) x(n, e));
    FOR t IN SELECT p.*, ARRAY(SELECT jsonb_array_elements_text(v_found -> p.table_name -> 'keys'))::uuid[] AS keys
             FROM personal_data_tables p ORDER BY p.position LOOP
        IF t.export = 'audit_trail' THEN
            EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x.id), ''[]'') FROM %I x '
                           'WHERE x.%I = ANY ($1) OR x.detail ->> ''care_leaver_id'' = $2',
                           t.table_name, t.key_column)
                INTO v_rows USING v_all, p_care_leaver_id::text;
        ELSE
            EXECUTE format('SELECT coalesce(jsonb_agg(to_jsonb(x) ORDER BY x::text), ''[]'') '
                           'FROM %I x WHERE x.%I = ANY ($1)', t.table_name, t.key_column)
                INTO v_rows USING t.keys;
            v_free := v_free || coalesce((
                SELECT jsonb_agg(jsonb_build_object('table', t.table_name,
                                                    'row', coalesce(r -> 'id', r -> t.key_column),
                                                    'column', f, 'text', r ->> f)
                                 ORDER BY n, f)
                FROM jsonb_array_elements(v_rows) WITH ORDINALITY e(r, n), unnest(t.free_text) f
                WHERE coalesce(r ->> f, '') <> ''), '[]');
        END IF;
        v_tables := v_tables || jsonb_build_array(jsonb_build_object(
            'table', t.table_name, 'rows', v_rows));
    END LOOP;
    RETURN jsonb_build_object(
        'care_leaver_id', p_care_leaver_id, 'job_id', j.id, 'generated_at', cl_ts(now()),
        'request_reference', j.params ->> 'request_reference', 'reason', j.params ->> 'reason',
        'tables', v_tables, 'free_text_for_review', v_free);
END
$$;

-- A subject access request: the care leaver must exist for the caller (404 otherwise; the
-- roles that may ask see every record), and the request is audited on the care leaver with
-- its reason and reference, in the transaction that queues the job (job_enqueue).
CREATE FUNCTION subject_access_requested() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_id uuid := (NEW.params ->> 'care_leaver_id')::uuid;
BEGIN
    PERFORM cl_found(EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = v_id), 'care leaver');
    PERFORM cl_audit('request', 'care_leaver', v_id, jsonb_build_object(
        'kind', 'subject_access', 'job_id', NEW.id, 'reason', NEW.params ->> 'reason',
        'request_reference', NEW.params ->> 'request_reference'));
    RETURN NULL;
END
$$;
CREATE TRIGGER subject_access_requested AFTER INSERT ON jobs
    FOR EACH ROW WHEN (NEW.kind = 'subject_access') EXECUTE FUNCTION subject_access_requested();

-- A manager or admin marks a finished export reviewed (its result's review goes from
-- for_review to reviewed, with who and when): 404 for any other job, 409 unless it is for
-- review.
CREATE FUNCTION subject_access_review(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    j jobs;
BEGIN
    SELECT * INTO j FROM public.jobs
    WHERE jobs.id = p_id AND jobs.kind = 'subject_access' AND cl_role() IN ('manager', 'admin')
    FOR UPDATE;
    PERFORM cl_found(FOUND, 'job');
    IF j.status <> 'succeeded' OR j.result ->> 'review' IS DISTINCT FROM 'for_review' THEN
        PERFORM cl_fail('CL409', 'only a finished export that is for review can be marked reviewed');
    END IF;
    UPDATE public.jobs SET result = j.result || jsonb_build_object(
                               'review', 'reviewed', 'reviewed_by', cl_sub(),
                               'reviewed_at', cl_ts(now())),
                           version = jobs.version + 1
    WHERE jobs.id = p_id RETURNING * INTO j;
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id, detail)
    VALUES (cl_sub(), cl_role(), 'transition', 'job', p_id, cl_request_id(),
            jsonb_build_object('to', 'reviewed'));
    RETURN QUERY SELECT job_json(j), j.version, j.id;
END
$$;

-- Subject access exports: downloadable only by whoever asked for them and by administrators
-- (the restrictive policy artifacts_subject_access, security.sql, on top of every kind's).
CREATE FUNCTION records_artifact_downloadable(p_job_id uuid) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT NOT EXISTS (SELECT 1 FROM jobs j WHERE j.id = p_job_id AND j.kind = 'subject_access'
                       AND j.created_by <> cl_sub() AND cl_role() <> 'admin')
$$;

-- Subject access artifacts expire after p_days (SUBJECT_ACCESS_RETENTION_DAYS), each deletion
-- audited as the general purge's are (cl_purge_expired).
CREATE FUNCTION records_purge_subject_access(p_days integer) RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    n bigint;
BEGIN
    IF p_days IS NULL OR p_days < 1 THEN
        RAISE EXCEPTION 'subject access retention must be at least one day';
    END IF;
    WITH gone AS (
        DELETE FROM public.artifacts a USING public.jobs j
        WHERE j.id = a.job_id AND j.kind = 'subject_access'
          AND a.created_at < now() - make_interval(days => p_days)
        RETURNING a.id, a.job_id, a.name
    )
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id, detail)
    SELECT 'retention', 'service', 'delete', 'artifact', g.id, '',
           jsonb_build_object('job_id', g.job_id, 'name', g.name, 'retention_days', p_days)
    FROM gone g;
    GET DIAGNOSTICS n = ROW_COUNT;
    RETURN n;
END
$$;

-- The day a care leaver's record may be disposed of under retention_rules (the later of its
-- limbs that apply; NULL while a limb cannot be reached yet, e.g. an open case).
CREATE FUNCTION records_due_on(c care_leavers) RETURNS date LANGUAGE sql STABLE AS $$
    SELECT CASE WHEN r.retain_years_after_close IS NOT NULL AND c.closed_on IS NULL THEN NULL
                ELSE greatest((c.date_of_birth + make_interval(years => r.retain_until_age))::date,
                              (c.closed_on + make_interval(years => r.retain_years_after_close))::date)
           END
    FROM retention_rules r WHERE r.record_kind = c.category
$$;

-- The nightly disposal review (worker/disposal_review.c): every record due on p_today and not
-- under a legal hold becomes a candidate (once); answers how many are listed now in all.
CREATE FUNCTION records_list_due(p_today date, OUT listed bigint, OUT added bigint)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
BEGIN
    INSERT INTO disposal_candidates (care_leaver_id, record_kind, due_on, listed_on)
    SELECT c.id, c.category, records_due_on(c), p_today
    FROM care_leavers c
    WHERE records_due_on(c) <= p_today
      AND NOT EXISTS (SELECT 1 FROM legal_holds h
                      WHERE h.care_leaver_id = c.id AND h.released_at IS NULL)
    ON CONFLICT (care_leaver_id) WHERE status = 'listed' DO NOTHING;
    GET DIAGNOSTICS added = ROW_COUNT;
    SELECT count(*) INTO listed FROM disposal_candidates d WHERE d.status = 'listed';
END
$$;

-- A disposed person's rows inside stored SSDA903 artifacts: the CSV lines, the XML <CHILD>
-- element and the validation issues naming their CHILD id are removed, the checksum and size
-- recomputed; aggregates (summary.json, counts, Board reports) stay as they are. Their own
-- subject access exports are deleted. Each change audited; answers the artifacts touched. A
-- final return's artifacts (history.sql: artifacts_final_guard) are redacted too: this is the
-- one change the guard lets through, while cl.redacting_disposal is on in this transaction.
CREATE FUNCTION records_redact_artifacts(p_care_leaver_id uuid, p_child text) RETURNS integer
LANGUAGE plpgsql AS $$
DECLARE
    a record;
    v_text text;
    v_new text;
    n integer := 0;
BEGIN
    PERFORM set_config('cl.redacting_disposal', 'on', true);
    FOR a IN SELECT x.id, x.media_type, x.bytes, x.job_id, x.name FROM artifacts x
             JOIN jobs j ON j.id = x.job_id
             WHERE j.kind = 'ssda903' AND position(convert_to(p_child, 'UTF8') IN x.bytes) > 0
    LOOP
        v_text := convert_from(a.bytes, 'UTF8');
        v_new := CASE
            WHEN a.media_type LIKE 'text/csv%' THEN
                array_to_string(ARRAY(SELECT l FROM unnest(string_to_array(v_text, E'\n'))
                                      WITH ORDINALITY u(l, k)
                                      WHERE NOT (',' || l || ',') LIKE '%,' || p_child || ',%'
                                      ORDER BY k), E'\n')
            WHEN a.media_type LIKE '%xml%' THEN
                array_to_string(ARRAY(SELECT c FROM unnest(string_to_array(v_text, '</CHILD>'))
                                      WITH ORDINALITY u(c, k)
                                      WHERE c NOT LIKE '%<CHILDID>' || p_child || '</CHILDID>%'
                                      ORDER BY k), '</CHILD>')
            WHEN a.media_type LIKE 'application/json%' AND v_text::jsonb ? 'issues' THEN
                jsonb_set(v_text::jsonb, '{issues}', coalesce((
                    SELECT jsonb_agg(i ORDER BY k) FROM jsonb_array_elements(v_text::jsonb -> 'issues')
                        WITH ORDINALITY e(i, k)
                    WHERE NOT EXISTS (SELECT 1 FROM jsonb_each_text(i) f WHERE f.value = p_child)),
                    '[]'))::text
            ELSE v_text END;
        IF v_new <> v_text THEN
            UPDATE artifacts SET bytes = convert_to(v_new, 'UTF8'),
                                 sha256 = encode(sha256(convert_to(v_new, 'UTF8')), 'hex'),
                                 size = octet_length(convert_to(v_new, 'UTF8'))
            WHERE id = a.id;
            INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id,
                                   detail)
            VALUES (cl_sub(), cl_role(), 'update', 'artifact', a.id, cl_request_id(),
                    jsonb_build_object('job_id', a.job_id, 'name', a.name,
                                       'redacted', 'disposed record'));
            n := n + 1;
        END IF;
    END LOOP;
    WITH gone AS (
        DELETE FROM artifacts x USING jobs j
        WHERE j.id = x.job_id AND j.kind = 'subject_access'
          AND j.params ->> 'care_leaver_id' = p_care_leaver_id::text
        RETURNING x.id, x.job_id, x.name
    )
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id, detail)
    SELECT cl_sub(), cl_role(), 'delete', 'artifact', g.id, cl_request_id(),
           jsonb_build_object('job_id', g.job_id, 'name', g.name, 'redacted', 'disposed record')
    FROM gone g;
    PERFORM set_config('cl.redacting_disposal', 'off', true);
    RETURN n;
END
$$;

CREATE FUNCTION disposal_json(d disposal_candidates) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'care_leaver_id', d.care_leaver_id, 'record_kind', d.record_kind,
        'due_on', d.due_on, 'listed_on', d.listed_on, 'status', d.status,
        'decided_by', d.decided_by, 'decided_at', cl_ts(d.decided_at),
        'rows_deleted', d.rows_deleted, 'version', d.version)::text
$$;

-- An approved disposal (manager or admin): in one transaction, every listed table's rows of
-- the person deleted (children first), their rows in stored return artifacts redacted, and
-- one tombstone audit row (delete, care_leaver, the id, the rule and the row counts: no name,
-- date of birth or anything else about them). 404: no such candidate; 409: already disposed,
-- under a legal hold, or not due today (the record changed since it was listed).
CREATE FUNCTION records_dispose(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    d disposal_candidates;
    c care_leavers;
    t record;
    v_counts jsonb := '{}';
    n bigint;
BEGIN
    SELECT * INTO d FROM disposal_candidates x
    WHERE x.id = p_id AND cl_role() IN ('manager', 'admin') FOR UPDATE;
    PERFORM cl_found(FOUND, 'disposal');
    IF d.status <> 'listed' THEN
        PERFORM cl_fail('CL409', 'this record has already been disposed of');
    END IF;
    -- a legal hold placed at the same moment waits for this, or this for it
    PERFORM pg_advisory_xact_lock(hashtext('records:' || d.care_leaver_id));
    SELECT * INTO c FROM care_leavers x WHERE x.id = d.care_leaver_id;
    PERFORM cl_found(FOUND, 'care leaver');
    IF EXISTS (SELECT 1 FROM legal_holds h WHERE h.care_leaver_id = c.id AND h.released_at IS NULL) THEN
        PERFORM cl_fail('CL409', 'the record is under a legal hold and cannot be disposed of');
    END IF;
    IF records_due_on(c) IS NULL OR records_due_on(c) > current_date THEN
        PERFORM cl_fail('CL409', 'the record is not yet due for disposal');
    END IF;
    -- every table's keys first (records_keys reads them all before anything is deleted),
    -- then children first
    PERFORM records_redact_artifacts(c.id, c.la_child_id);
    FOR t IN SELECT p.table_name, p.key_column, k.keys
             FROM records_keys(c.id) k JOIN personal_data_tables p ON p.table_name = k.table_name
             WHERE p.disposal = 'delete' ORDER BY p.position DESC LOOP
        EXECUTE format('DELETE FROM %I x WHERE x.%I = ANY ($1)', t.table_name, t.key_column)
            USING t.keys;
        GET DIAGNOSTICS n = ROW_COUNT;
        v_counts := v_counts || jsonb_build_object(t.table_name, n);
    END LOOP;
    UPDATE disposal_candidates x SET status = 'disposed', decided_by = cl_sub(),
                                     decided_at = now(), rows_deleted = v_counts,
                                     version = x.version + 1
    WHERE x.id = p_id RETURNING * INTO d;
    INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id, request_id, detail)
    VALUES (cl_sub(), cl_role(), 'delete', 'care_leaver', d.care_leaver_id, cl_request_id(),
            jsonb_build_object('disposal_id', d.id, 'record_kind', d.record_kind,
                               'due_on', d.due_on, 'rows_deleted', v_counts));
    RETURN QUERY SELECT disposal_json(d), d.version, d.id;
END
$$;

-- Legal holds (manager or admin, api/records.c): one open hold per person (409 for a second),
-- released once; the body's reason is checked by the api (1-500 characters).
CREATE FUNCTION legal_hold_json(h legal_holds) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', h.id, 'care_leaver_id', h.care_leaver_id, 'reason', h.reason,
        'placed_by', h.placed_by, 'placed_at', cl_ts(h.placed_at),
        'released_by', h.released_by, 'released_at', cl_ts(h.released_at))::text
$$;

CREATE FUNCTION legal_hold_place(p_care_leaver_id uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h legal_holds;
BEGIN
    PERFORM cl_found(EXISTS (SELECT 1 FROM care_leavers c WHERE c.id = p_care_leaver_id),
                     'care leaver');
    PERFORM pg_advisory_xact_lock(hashtext('records:' || p_care_leaver_id));
    IF EXISTS (SELECT 1 FROM legal_holds x
               WHERE x.care_leaver_id = p_care_leaver_id AND x.released_at IS NULL) THEN
        PERFORM cl_fail('CL409', 'the record is already under a legal hold');
    END IF;
    INSERT INTO legal_holds (care_leaver_id, reason, placed_by)
    VALUES (p_care_leaver_id, p ->> 'reason', cl_sub()) RETURNING * INTO h;
    PERFORM cl_audit('create', 'legal_hold', h.id, jsonb_build_object('care_leaver_id', p_care_leaver_id));
    RETURN QUERY SELECT legal_hold_json(h), 1, h.id;
END
$$;

CREATE FUNCTION legal_hold_release(p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    h legal_holds := cl_patch_open(NULL::legal_holds, p_id, NULL, 'legal hold');
BEGIN
    IF h.released_at IS NOT NULL THEN
        PERFORM cl_fail('CL409', 'the legal hold has already been released');
    END IF;
    UPDATE legal_holds x SET released_by = cl_sub(), released_at = now()
    WHERE x.id = p_id RETURNING * INTO h;
    PERFORM cl_audit('transition', 'legal_hold', h.id, jsonb_build_object('to', 'released'));
    RETURN QUERY SELECT legal_hold_json(h), 2, h.id;
END
$$;
