-- The 21-25 outreach summary (0014) as the board role reads it: suppressed like the Board
-- report (issue 15). The board may ask only for the Board report's periods, the year to a
-- quarter end (api/outreach.c refuses any other), and gets that year's figures as the report
-- counts them: replies, and what they said, as recorded by the period's last day (the report's
-- outreach figures for the same year are then the same numbers, so the two cannot be set
-- against each other either). Then, as the report suppresses a breakdown:
--   * a count from 1 to p_suppress_below - 1 is null (sent, people, replies, wants_service,
--     declined, not_at_address);
--   * the attempts sent are the sum of four parts: wants_service, declined, not_at_address
--     and no reply (sent - replies, never shown but worked out from the two). When exactly
--     one part is hidden (a small shown part, or a small no reply), the smallest other
--     non-zero part shown is hidden too; a small no-reply also hides replies, or sent less
--     replies would give it back; hidden replies with all three of its parts shown would be
--     their sum, so one of them goes as well;
--   * a percentage is null when its numerator or denominator is.
-- "suppress_below" is in the board's answer so the reader knows what null means. Every other
-- role gets 0014's figures unchanged (p_suppress_below is not used for them).

DROP FUNCTION outreach_contact_summary(date, date);

CREATE FUNCTION outreach_contact_summary(p_from date, p_to date, p_suppress_below integer)
RETURNS TABLE (body text, version integer, id uuid)
LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp AS $$
DECLARE
    v_board boolean := cl_role() = 'board';
    sent bigint;
    people bigint;
    replies bigint;
    parts bigint[];  -- wants_service, declined, not_at_address, no reply
    hide boolean[] := ARRAY[false, false, false, false];
    hide_sent boolean := false;
    hide_people boolean := false;
    hide_replies boolean := false;
    pick integer;
BEGIN
    SELECT count(*), count(DISTINCT o.care_leaver_id),
           count(*) FILTER (WHERE o.replied),
           ARRAY[count(*) FILTER (WHERE o.replied AND o.response = 'wants_service'),
                 count(*) FILTER (WHERE o.replied AND o.response = 'declined'),
                 count(*) FILTER (WHERE o.replied AND o.response = 'not_at_address'),
                 count(*) FILTER (WHERE NOT o.replied)]
    INTO sent, people, replies, parts
    FROM (SELECT x.care_leaver_id, x.response,
                 x.response <> 'none' AND (NOT v_board OR x.responded_on <= p_to) AS replied
          FROM outreach_contacts x
          JOIN care_leavers c ON c.id = x.care_leaver_id
          WHERE (p_from IS NULL OR x.sent_on >= p_from) AND (p_to IS NULL OR x.sent_on <= p_to)
            AND (cl_role() IN ('manager', 'admin', 'service', 'board')
                 OR (cl_role() = 'adviser' AND c.adviser_id = cl_adviser_id()))) o;

    IF v_board AND p_suppress_below > 1 THEN
        hide_sent := sent BETWEEN 1 AND p_suppress_below - 1;
        hide_people := people BETWEEN 1 AND p_suppress_below - 1;
        hide_replies := replies BETWEEN 1 AND p_suppress_below - 1;
        FOR i IN 1..4 LOOP
            hide[i] := parts[i] BETWEEN 1 AND p_suppress_below - 1;
        END LOOP;
        -- a small no-reply: sent less replies would give it
        hide_replies := hide_replies OR hide[4];
        -- exactly one part hidden: hide the smallest other non-zero part shown as well
        IF (SELECT count(*) FROM unnest(hide) h WHERE h) = 1 THEN
            SELECT i INTO pick FROM generate_series(1, 3) i
            WHERE NOT hide[i] AND parts[i] > 0 ORDER BY parts[i], i LIMIT 1;
            IF pick IS NOT NULL THEN
                hide[pick] := true;
            END IF;
        END IF;
        -- hidden replies are the sum of their three parts when all three are shown
        IF hide_replies AND NOT (hide[1] OR hide[2] OR hide[3]) THEN
            SELECT i INTO pick FROM generate_series(1, 3) i
            WHERE parts[i] > 0 ORDER BY parts[i], i LIMIT 1;
            IF pick IS NOT NULL THEN
                hide[pick] := true;
            END IF;
        END IF;
    END IF;

    RETURN QUERY SELECT (jsonb_build_object(
        'from', p_from, 'to', p_to,
        'sent', CASE WHEN NOT hide_sent THEN sent END,
        'people', CASE WHEN NOT hide_people THEN people END,
        'replies', CASE WHEN NOT hide_replies THEN replies END,
        'response_rate_pct', CASE WHEN NOT (hide_sent OR hide_replies)
                                  THEN round(100.0 * replies / nullif(sent, 0), 1) END,
        'wants_service', CASE WHEN NOT hide[1] THEN parts[1] END,
        'wants_service_pct_of_replies',
            CASE WHEN NOT (hide[1] OR hide_replies)
                 THEN round(100.0 * parts[1] / nullif(replies, 0), 1) END,
        'declined', CASE WHEN NOT hide[2] THEN parts[2] END,
        'not_at_address', CASE WHEN NOT hide[3] THEN parts[3] END,
        'not_at_address_pct_of_replies',
            CASE WHEN NOT (hide[3] OR hide_replies)
                 THEN round(100.0 * parts[3] / nullif(replies, 0), 1) END)
        || CASE WHEN v_board THEN jsonb_build_object('suppress_below', p_suppress_below)
                ELSE '{}'::jsonb END)::text,
        NULL::integer, NULL::uuid;
END
$$;
REVOKE ALL ON FUNCTION outreach_contact_summary(date, date, integer) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION outreach_contact_summary(date, date, integer) TO cl_app;
