-- History (issue 18): the periods of a care leaver's legal status, personal adviser and
-- district (tables in migration 0200), and what reads them that has no other home:
--
--   cl_allocation_on, cl_district_on (cl_status_on, which facts.sql needs first, is there)
--                                   the period in force on a date
--   care_leavers_periods()          trigger: keeps the open period of each history in step
--                                   with care_leavers' current values, in the writing
--                                   transaction (create, PATCH, direct loads)
--   history_periods_contiguous()    deferred constraint trigger: no gap in a history
--   status_period_json / _list / _create
--                                   GET and POST /v1/care-leavers/{id}/status-periods
--   board_history_figures(...)      the Board's "allocated a personal adviser by 17½"
--   ssda903_finals: ssda903_return_finalise, ssda903_return_list, artifacts_final_guard
--                                   POST /v1/ssda903-returns/{year}/finalise,
--                                   GET /v1/ssda903-returns; final artifacts never change
--
-- The relevant (and eligible) to former relevant move at 18 is a rule applied when read
-- (cl_category_on, facts.sql), not a nightly write: it holds on every date, past ones too,
-- with no window between the birthday and a job, and no job that can fail and leave a
-- relevant 18-year-old without a visit duty.
--
-- A period is [lower, upper) of its daterange `valid`: the API's `from` and `to`, `to` being
-- the first day of the next period.

-- The adviser or district period in force on p_on of one care leaver, as cl_status_on
-- (facts.sql) is for the status.
CREATE FUNCTION cl_allocation_on(p_id uuid, p_on date)
    RETURNS SETOF care_leaver_allocation_periods LANGUAGE sql STABLE AS $$
    SELECT * FROM care_leaver_allocation_periods a
    WHERE a.care_leaver_id = p_id AND lower(a.valid) <= p_on
    ORDER BY lower(a.valid) DESC LIMIT 1
$$;

CREATE FUNCTION cl_district_on(p_id uuid, p_on date) RETURNS SETOF care_leaver_district_periods
    LANGUAGE sql STABLE AS $$
    SELECT * FROM care_leaver_district_periods d
    WHERE d.care_leaver_id = p_id AND lower(d.valid) <= p_on
    ORDER BY lower(d.valid) DESC LIMIT 1
$$;

CREATE FUNCTION history_recorded_by() RETURNS text LANGUAGE sql STABLE AS $$
    SELECT coalesce(nullif(cl_sub(), ''), current_user::text)
$$;

-- After a write of care_leavers: each history's open period made to match the row. A period
-- that began today is corrected in place; an older one ends today and a new one starts. On
-- create, status and district run from the date of birth, the adviser from the day the case
-- opened. A date of birth or opening day moved earlier takes the first period with it.
CREATE FUNCTION care_leavers_periods() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    s care_leaver_status_periods;
    a care_leaver_allocation_periods;
    d care_leaver_district_periods;
    v_by text := history_recorded_by();
    v_today date := greatest(current_date, NEW.date_of_birth);
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO care_leaver_status_periods (care_leaver_id, category, uasc, valid, reason,
                                                recorded_by)
        VALUES (NEW.id, NEW.category, NEW.uasc, daterange(NEW.date_of_birth, NULL),
                'recorded', v_by);
        INSERT INTO care_leaver_district_periods (care_leaver_id, district, valid, reason,
                                                  recorded_by)
        VALUES (NEW.id, NEW.district, daterange(NEW.date_of_birth, NULL), 'recorded', v_by);
        INSERT INTO care_leaver_allocation_periods (care_leaver_id, adviser_id, valid, reason,
                                                    recorded_by)
        VALUES (NEW.id, NEW.adviser_id, daterange(NEW.opened_on, NULL), 'recorded', v_by);
        RETURN NULL;
    END IF;
    IF NEW.date_of_birth < OLD.date_of_birth THEN
        UPDATE care_leaver_status_periods p SET valid = daterange(NEW.date_of_birth, upper(p.valid))
        WHERE p.care_leaver_id = NEW.id AND lower(p.valid) = OLD.date_of_birth;
        UPDATE care_leaver_district_periods p SET valid = daterange(NEW.date_of_birth, upper(p.valid))
        WHERE p.care_leaver_id = NEW.id AND lower(p.valid) = OLD.date_of_birth;
    END IF;
    IF NEW.opened_on < OLD.opened_on THEN
        UPDATE care_leaver_allocation_periods p SET valid = daterange(NEW.opened_on, upper(p.valid))
        WHERE p.care_leaver_id = NEW.id AND lower(p.valid) = OLD.opened_on;
    END IF;

    SELECT * INTO s FROM care_leaver_status_periods p
    WHERE p.care_leaver_id = NEW.id AND upper_inf(p.valid) FOR UPDATE;
    IF (s.category, s.uasc) IS DISTINCT FROM (NEW.category, NEW.uasc) THEN
        IF s.id IS NOT NULL AND lower(s.valid) >= v_today THEN
            UPDATE care_leaver_status_periods p SET category = NEW.category, uasc = NEW.uasc,
                uasc_ceased_on = CASE WHEN NEW.uasc THEN p.uasc_ceased_on END,
                recorded_by = v_by, recorded_at = now()
            WHERE p.id = s.id;
        ELSE
            UPDATE care_leaver_status_periods p SET valid = daterange(lower(p.valid), v_today)
            WHERE p.id = s.id;
            INSERT INTO care_leaver_status_periods (care_leaver_id, category, uasc,
                                                    uasc_ceased_on, valid, reason, recorded_by)
            VALUES (NEW.id, NEW.category, NEW.uasc, CASE WHEN NEW.uasc THEN s.uasc_ceased_on END,
                    daterange(CASE WHEN s.id IS NULL THEN NEW.date_of_birth ELSE v_today END,
                              NULL),
                    'changed on the record', v_by);
        END IF;
    END IF;

    SELECT * INTO d FROM care_leaver_district_periods p
    WHERE p.care_leaver_id = NEW.id AND upper_inf(p.valid) FOR UPDATE;
    IF d.district IS DISTINCT FROM NEW.district THEN
        IF d.id IS NOT NULL AND lower(d.valid) >= v_today THEN
            UPDATE care_leaver_district_periods p SET district = NEW.district,
                recorded_by = v_by, recorded_at = now()
            WHERE p.id = d.id;
        ELSE
            UPDATE care_leaver_district_periods p SET valid = daterange(lower(p.valid), v_today)
            WHERE p.id = d.id;
            INSERT INTO care_leaver_district_periods (care_leaver_id, district, valid, reason,
                                                      recorded_by)
            VALUES (NEW.id, NEW.district,
                    daterange(CASE WHEN d.id IS NULL THEN NEW.date_of_birth ELSE v_today END,
                              NULL),
                    'changed on the record', v_by);
        END IF;
    END IF;

    SELECT * INTO a FROM care_leaver_allocation_periods p
    WHERE p.care_leaver_id = NEW.id AND upper_inf(p.valid) FOR UPDATE;
    IF a.id IS NULL OR a.adviser_id IS DISTINCT FROM NEW.adviser_id THEN
        IF a.id IS NOT NULL AND lower(a.valid) >= greatest(current_date, NEW.opened_on) THEN
            UPDATE care_leaver_allocation_periods p SET adviser_id = NEW.adviser_id,
                recorded_by = v_by, recorded_at = now()
            WHERE p.id = a.id;
        ELSE
            UPDATE care_leaver_allocation_periods p
            SET valid = daterange(lower(p.valid), greatest(current_date, NEW.opened_on))
            WHERE p.id = a.id;
            INSERT INTO care_leaver_allocation_periods (care_leaver_id, adviser_id, valid,
                                                        reason, recorded_by)
            VALUES (NEW.id, NEW.adviser_id,
                    daterange(CASE WHEN a.id IS NULL THEN NEW.opened_on
                                   ELSE greatest(current_date, NEW.opened_on) END, NULL),
                    'changed on the record', v_by);
        END IF;
    END IF;
    RETURN NULL;
END
$$;
CREATE TRIGGER care_leavers_periods AFTER INSERT OR UPDATE OF category, uasc, adviser_id,
    district, date_of_birth, opened_on ON care_leavers
    FOR EACH ROW EXECUTE FUNCTION care_leavers_periods();

-- No gap in a history: every period that ends is followed by one starting that day (so the
-- latest is open-ended). Checked at commit, once the writing transaction has put every
-- period in place; a backstop behind the functions, which never leave a gap. A gap can only
-- follow a period that ends, so an open-ended one inserted (every new care leaver's) is not
-- checked; any update is.
CREATE FUNCTION history_periods_contiguous() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    v_gap date;
BEGIN
    EXECUTE format('SELECT upper(a.valid) FROM %1$I a WHERE a.care_leaver_id = $1 '
                   'AND NOT upper_inf(a.valid) AND NOT EXISTS (SELECT 1 FROM %1$I b '
                   'WHERE b.care_leaver_id = $1 AND lower(b.valid) = upper(a.valid)) LIMIT 1',
                   TG_TABLE_NAME)
    INTO v_gap USING NEW.care_leaver_id;
    IF v_gap IS NOT NULL THEN
        RAISE EXCEPTION USING ERRCODE = 'CL409',
            MESSAGE = format('%s: no period follows the one ending %s', TG_TABLE_NAME, v_gap);
    END IF;
    RETURN NULL;
END
$$;
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['care_leaver_status_periods', 'care_leaver_allocation_periods',
                             'care_leaver_district_periods'] LOOP
        EXECUTE format('CREATE CONSTRAINT TRIGGER %1$s_contiguous AFTER INSERT ON %1$I '
                       'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW WHEN (NOT upper_inf(NEW.valid)) '
                       'EXECUTE FUNCTION history_periods_contiguous()', t);
        EXECUTE format('CREATE CONSTRAINT TRIGGER %1$s_contiguous_update AFTER UPDATE ON %1$I '
                       'DEFERRABLE INITIALLY DEFERRED FOR EACH ROW '
                       'EXECUTE FUNCTION history_periods_contiguous()', t);
    END LOOP;
END
$$;

-- ---- status periods: GET and POST /v1/care-leavers/{id}/status-periods ----------------------

CREATE FUNCTION status_period_json(s care_leaver_status_periods) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', s.id, 'care_leaver_id', s.care_leaver_id, 'category', s.category,
        'uasc', s.uasc, 'uasc_ceased_on', s.uasc_ceased_on, 'from', lower(s.valid),
        'to', upper(s.valid), 'reason', s.reason, 'recorded_by', s.recorded_by,
        'recorded_at', cl_ts(s.recorded_at))::text
$$;

CREATE FUNCTION allocation_period_json(a care_leaver_allocation_periods) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', a.id, 'care_leaver_id', a.care_leaver_id, 'adviser_id', a.adviser_id,
        'adviser_name', (SELECT v.name FROM advisers v WHERE v.id = a.adviser_id),
        'from', lower(a.valid), 'to', upper(a.valid), 'reason', a.reason,
        'recorded_by', a.recorded_by, 'recorded_at', cl_ts(a.recorded_at))::text
$$;

CREATE FUNCTION district_period_json(d care_leaver_district_periods) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', d.id, 'care_leaver_id', d.care_leaver_id, 'district', d.district,
        'from', lower(d.valid), 'to', upper(d.valid), 'reason', d.reason,
        'recorded_by', d.recorded_by, 'recorded_at', cl_ts(d.recorded_at))::text
$$;

-- One care leaver's periods of one history (p_row's table), newest first (keyset on from), as
-- p_json represents them; the page audited as a list of p_type. 404 outside the caller's reach.
CREATE FUNCTION history_period_list(p_row anyelement, p_type text, p_json text, p_cl uuid,
                                    p_k1 date, p_limit integer)
RETURNS TABLE (body text, valid_from text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, false);
BEGIN
    PERFORM cl_audit('list', p_type, c.id);
    RETURN QUERY EXECUTE format(
        'SELECT %I(x), lower(x.valid)::text FROM %s x
         WHERE x.care_leaver_id = $1 AND ($2::date IS NULL OR lower(x.valid) < $2::date)
         ORDER BY lower(x.valid) DESC LIMIT $3', p_json, pg_typeof(p_row))
        USING c.id, p_k1, p_limit;
END
$$;

CREATE FUNCTION status_period_list(p_cl uuid, p_k1 date, p_limit integer)
RETURNS TABLE (body text, valid_from text) LANGUAGE sql AS $$
    SELECT * FROM history_period_list(NULL::care_leaver_status_periods, 'status_period',
                                      'status_period_json', p_cl, p_k1, p_limit)
$$;

CREATE FUNCTION allocation_period_list(p_cl uuid, p_k1 date, p_limit integer)
RETURNS TABLE (body text, valid_from text) LANGUAGE sql AS $$
    SELECT * FROM history_period_list(NULL::care_leaver_allocation_periods, 'allocation_period',
                                      'allocation_period_json', p_cl, p_k1, p_limit)
$$;

CREATE FUNCTION district_period_list(p_cl uuid, p_k1 date, p_limit integer)
RETURNS TABLE (body text, valid_from text) LANGUAGE sql AS $$
    SELECT * FROM history_period_list(NULL::care_leaver_district_periods, 'district_period',
                                      'district_period_json', p_cl, p_k1, p_limit)
$$;

-- The age rules of a legal category on the day a period starts (and the day before it ends):
-- eligible and relevant only before 18, former relevant 18 to 25, qualifying 16 to 25 (to 21,
-- or to 25 in education or training or returning for support: the domain notes, s 24).
CREATE FUNCTION status_category_problem(p_category text, p_dob date, p_on date) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_category IN ('eligible', 'relevant') AND cl_age_on(p_dob, p_on) >= 18
            THEN format('category: %s only before the 18th birthday (aged %s on %s)',
                        p_category, cl_age_on(p_dob, p_on), p_on)
        WHEN p_category = 'former_relevant' AND cl_age_on(p_dob, p_on) NOT BETWEEN 18 AND 25
            THEN format('category: former_relevant only from 18 to 25 (aged %s on %s)',
                        cl_age_on(p_dob, p_on), p_on)
        WHEN p_category = 'qualifying' AND cl_age_on(p_dob, p_on) NOT BETWEEN 16 AND 25
            THEN format('category: qualifying only from 16 to 25 (aged %s on %s)',
                        cl_age_on(p_dob, p_on), p_on)
    END
$$;

-- A status over [from, to) (to absent: from then on), replacing what the history said for
-- those days: it must lie within one recorded period, which is split around it (a status
-- change from a date is the case to absent within the open period; a correction of a past
-- stretch the case with to). Spanning two periods is a 409: each is corrected on its own.
-- A new open period is also the row's current category and UASC flag. Audited.
CREATE FUNCTION status_period_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested(p_cl, true);
    o care_leaver_status_periods;
    n care_leaver_status_periods;
    e text[] := '{}';
BEGIN
    IF NOT cl_can_write_care_leaver(c.adviser_id) THEN
        PERFORM cl_fail('CL403', 'only managers, administrators and the care leaver''s own '
                        'adviser may change the status history');
    END IF;
    n.id := gen_random_uuid();
    n.care_leaver_id := c.id;
    n.category := p->>'category';
    n.uasc := coalesce((p->>'uasc')::boolean, false);
    n.uasc_ceased_on := (p->>'uasc_ceased_on')::date;
    n.reason := p->>'reason';
    IF (p->>'from')::date < c.date_of_birth THEN
        e := e || 'from: must not be before the date of birth'::text;
    END IF;
    IF (p->>'to')::date <= (p->>'from')::date THEN
        e := e || 'to: must be after from'::text;
    END IF;
    IF n.uasc_ceased_on IS NOT NULL AND NOT n.uasc THEN
        e := e || 'uasc_ceased_on: only for a young person recorded as UASC'::text;
    END IF;
    IF cardinality(e) = 0 THEN
        e := e || array_remove(ARRAY[
            status_category_problem(n.category, c.date_of_birth, (p->>'from')::date),
            status_category_problem(n.category, c.date_of_birth,
                                    (p->>'to')::date - 1)], NULL);
    END IF;
    PERFORM cl_fail_fields(e);
    n.valid := daterange((p->>'from')::date, (p->>'to')::date);
    SELECT * INTO o FROM care_leaver_status_periods x
    WHERE x.care_leaver_id = c.id AND x.valid @> lower(n.valid) FOR UPDATE;
    IF o.id IS NULL OR NOT o.valid @> n.valid THEN
        PERFORM cl_fail('CL409', format('%s: the period overlaps more than one recorded period '
                                        '(from %s); correct each on its own',
                                        CASE WHEN o.id IS NULL THEN 'from' ELSE 'to' END,
                                        lower(o.valid)));
    END IF;
    -- the recorded period split around the new one: its days before stay in it (or it becomes
    -- the new one when none are before), its days after go to a copy
    IF NOT upper_inf(n.valid) AND (upper_inf(o.valid) OR upper(o.valid) > upper(n.valid)) THEN
        UPDATE care_leaver_status_periods x SET valid = daterange(lower(o.valid), upper(n.valid))
        WHERE x.id = o.id;
        INSERT INTO care_leaver_status_periods (care_leaver_id, category, uasc, uasc_ceased_on,
                                                valid, reason, recorded_by, recorded_at)
        VALUES (o.care_leaver_id, o.category, o.uasc, o.uasc_ceased_on,
                daterange(upper(n.valid), upper(o.valid)), o.reason, o.recorded_by,
                o.recorded_at);
    END IF;
    IF lower(o.valid) < lower(n.valid) THEN
        UPDATE care_leaver_status_periods x SET valid = daterange(lower(o.valid), lower(n.valid))
        WHERE x.id = o.id;
        INSERT INTO care_leaver_status_periods (id, care_leaver_id, category, uasc,
                                                uasc_ceased_on, valid, reason, recorded_by)
        VALUES (n.id, n.care_leaver_id, n.category, n.uasc, n.uasc_ceased_on, n.valid, n.reason,
                cl_sub())
        RETURNING * INTO n;
    ELSE
        UPDATE care_leaver_status_periods x SET category = n.category, uasc = n.uasc,
            uasc_ceased_on = n.uasc_ceased_on, valid = n.valid, reason = n.reason,
            recorded_by = cl_sub(), recorded_at = now()
        WHERE x.id = o.id
        RETURNING * INTO n;
    END IF;
    IF upper_inf(n.valid) AND (c.category, c.uasc) IS DISTINCT FROM (n.category, n.uasc) THEN
        UPDATE care_leavers x SET category = n.category, uasc = n.uasc,
            version = x.version + 1, updated_at = now()
        WHERE x.id = c.id;
    END IF;
    PERFORM cl_audit('create', 'status_period', n.id,
                     jsonb_build_object('care_leaver_id', c.id, 'replaced', status_period_json(o)::jsonb));
    RETURN QUERY SELECT status_period_json(n), 1, n.id;
END
$$;

-- ---- the Board: allocated a personal adviser by 17½ -----------------------------------------

-- Young people who reached 17 years and 6 months in (p_from, p_to] with their case open that
-- day: how many had an adviser allocated then (allocation periods), for the districts together
-- (district and allocation as on that day). Columns as board_report_figures.
CREATE FUNCTION board_history_figures(p_from date, p_to date, p_districts text[])
RETURNS TABLE (code text, category text, cat_sort integer, district text, num bigint,
               den bigint)
LANGUAGE sql STABLE AS $$
    SELECT 'pa_allocated_by_17_half', NULL::text, 0, NULL::text,
           count(*) FILTER (WHERE a.adviser_id IS NOT NULL), count(*)
    FROM care_leavers c
    CROSS JOIN LATERAL (SELECT (c.date_of_birth + interval '17 years 6 months')::date AS day) h
    CROSS JOIN LATERAL cl_district_on(c.id, h.day) d
    LEFT JOIN LATERAL cl_allocation_on(c.id, h.day) a ON true
    WHERE c.date_of_birth > (p_from - interval '17 years 6 months')::date
      AND c.date_of_birth <= (p_to - interval '17 years 6 months')::date
      AND h.day > p_from AND h.day <= p_to AND cl_case_open_on(c, h.day)
      AND (p_districts IS NULL OR d.district = ANY (p_districts))
$$;

-- ---- final SSDA903 returns --------------------------------------------------------------------

CREATE FUNCTION ssda903_return_json(p_year integer, f ssda903_finals, j jobs) RETURNS text
    LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'collection_year', p_year, 'status', CASE WHEN f.id IS NULL THEN 'draft' ELSE 'final' END,
        'job_id', j.id, 'job_finished_at', cl_ts(j.finished_at),
        'finalised_at', cl_ts(f.finalised_at), 'finalised_by', f.finalised_by,
        'supersedes', (SELECT x.job_id FROM ssda903_finals x WHERE x.id = f.supersedes))::text
$$;

-- Marks a succeeded ssda903 job for p_year final. A second final for the year is a 409 unless
-- p_reason supersedes the one in force (audited as an override, with the reason).
CREATE FUNCTION ssda903_return_finalise(p_year integer, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    j jobs;
    f ssda903_finals;
    n ssda903_finals;
    v_reason text := p->>'supersede_reason';
BEGIN
    SELECT * INTO j FROM jobs x WHERE x.id = (p->>'job_id')::uuid;
    PERFORM cl_fail_fields(CASE
        WHEN j.id IS NULL OR j.kind <> 'ssda903' THEN
            ARRAY['job_id: no such SSDA903 return job']
        WHEN (j.params->>'collection_year')::integer IS DISTINCT FROM p_year THEN
            ARRAY[format('job_id: is the return for %s, not %s', j.params->>'collection_year',
                         p_year)] END);
    IF j.status <> 'succeeded' THEN
        PERFORM cl_fail('CL409', format('job_id: the job is %s; only a succeeded return can be '
                                        'final', j.status));
    END IF;
    SELECT * INTO f FROM ssda903_finals x
    WHERE x.collection_year = p_year AND x.superseded_at IS NULL FOR UPDATE;
    IF f.id IS NOT NULL AND (f.job_id = j.id OR v_reason IS NULL) THEN
        PERFORM cl_fail('CL409', format('collection year %s already has a final return (job %s); '
                                        'send "supersede_reason" to supersede it',
                                        p_year, f.job_id));
    END IF;
    IF EXISTS (SELECT 1 FROM ssda903_finals x WHERE x.job_id = j.id) THEN
        PERFORM cl_fail('CL409', 'job_id: this job was a final return once and was superseded');
    END IF;
    IF f.id IS NOT NULL THEN
        UPDATE ssda903_finals x SET superseded_at = now(), superseded_reason = v_reason
        WHERE x.id = f.id;
    END IF;
    INSERT INTO ssda903_finals (collection_year, job_id, finalised_by, supersedes)
    VALUES (p_year, j.id, cl_sub(), f.id) RETURNING * INTO n;
    IF f.id IS NOT NULL THEN
        PERFORM cl_audit('override', 'ssda903_return', j.id,
                         jsonb_build_object('collection_year', p_year, 'superseded_job', f.job_id,
                                            'reason', v_reason));
    END IF;
    PERFORM cl_audit('sign', 'ssda903_return', j.id,
                     jsonb_build_object('collection_year', p_year));
    RETURN QUERY SELECT ssda903_return_json(p_year, n, j), 1, j.id;
END
$$;

-- Each collection year with a succeeded return job the caller may see, newest year first
-- (keyset on the year): final with its job, or draft with the latest succeeded one.
CREATE FUNCTION ssda903_return_list(p_k1 integer, p_limit integer)
RETURNS TABLE (body text, collection_year text) LANGUAGE sql STABLE AS $$
    SELECT ssda903_return_json(y.year, f, j), y.year::text
    FROM (SELECT DISTINCT (x.params->>'collection_year')::integer AS year FROM jobs x
          WHERE x.kind = 'ssda903' AND x.status = 'succeeded') y
    LEFT JOIN ssda903_finals f ON f.collection_year = y.year AND f.superseded_at IS NULL
    CROSS JOIN LATERAL (
        SELECT x FROM jobs x
        WHERE x.kind = 'ssda903' AND x.status = 'succeeded'
          AND (x.params->>'collection_year')::integer = y.year
        ORDER BY x.id = f.job_id DESC NULLS LAST, x.finished_at DESC LIMIT 1) jj (j)
    WHERE p_k1 IS NULL OR y.year < p_k1
    ORDER BY y.year DESC LIMIT p_limit
$$;

-- A final return's files never change: no artifact of a finalised job is added, changed or
-- deleted (the retention purge, cl_purge_expired, leaves them).
CREATE FUNCTION artifacts_final_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    -- the one exception: a disposed person's rows redacted by an approved disposal
    -- (records_redact_artifacts, records.sql, as cl_definer), audited there
    IF TG_OP = 'UPDATE' AND current_user = 'cl_definer'
       AND current_setting('cl.redacting_disposal', true) = 'on' THEN
        RETURN NEW;
    END IF;
    IF EXISTS (SELECT 1 FROM ssda903_finals f
               WHERE f.job_id IN (OLD.job_id, NEW.job_id)) THEN
        RAISE EXCEPTION USING ERRCODE = 'CL409',
            MESSAGE = 'the artifacts of a final SSDA903 return cannot change';
    END IF;
    RETURN coalesce(NEW, OLD);
END
$$;
CREATE TRIGGER artifacts_final_guard BEFORE INSERT OR UPDATE OR DELETE ON artifacts
    FOR EACH ROW EXECUTE FUNCTION artifacts_final_guard();
