-- The care leaver's representation gains `current_accommodation` and `current_activity`: the
-- accommodation and EET activity episodes covering the representation's date (p_on, today
-- for the API), as accommodation_json / eet_activity_json give them, or null.
--
-- care_leaver_json belongs to the care leavers migration (0012). Rather than copy its body
-- (and silently drop whatever that migration later adds), this renames it to
-- care_leaver_json_base and defines care_leaver_json as the base representation with the two
-- fields appended, so every field of the base stays exactly as it is, in its order. A
-- partner never gets them (partners see the minimum fields of a care leaver). When the base
-- function is not there with the expected signature, nothing changes.

CREATE FUNCTION care_leaver_json_with_episodes(p_json text, p_id uuid, p_on date) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT CASE
        WHEN p_json IS NULL OR right(p_json, 1) <> '}' OR cl_role() = 'partner' THEN p_json
        ELSE left(p_json, -1)
             || ', "current_accommodation" : '
             || coalesce(care_leaver_accommodation_on(p_id, p_on)::text, 'null')
             || ', "current_activity" : '
             || coalesce(care_leaver_activity_on(p_id, p_on)::text, 'null') || '}'
    END
$$;

DO $$
BEGIN
    IF to_regprocedure('care_leaver_json(care_leavers, date, integer)') IS NULL
       OR (SELECT prorettype FROM pg_proc
           WHERE oid = to_regprocedure('care_leaver_json(care_leavers, date, integer)'))
          <> 'text'::regtype THEN
        RAISE NOTICE 'care_leaver_json(care_leavers, date, integer) not found as expected';
        RETURN;
    END IF;
    ALTER FUNCTION care_leaver_json(care_leavers, date, integer) RENAME TO care_leaver_json_base;
    CREATE FUNCTION care_leaver_json(c care_leavers, p_on date, p_days integer) RETURNS text
    LANGUAGE sql STABLE AS $f$
        SELECT care_leaver_json_with_episodes(care_leaver_json_base(c, p_on, p_days), c.id, p_on)
    $f$;
END
$$;
