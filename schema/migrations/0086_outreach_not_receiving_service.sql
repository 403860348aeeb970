-- The 21-25 outreach rule in full (issue 4's follow-up). Outreach (CSWA 2017 s 3, CA89 s 23CZB)
-- is the authority reaching out to former relevant young people aged 21 to 25 who are not
-- receiving a service, to tell them they can ask for a personal adviser's support again.
-- 0014 checked only the age on sent_on; a record is now refused (CL409, nothing written) when
--   * the care leaver is not former relevant: the s 23CZB offer is made to former relevant
--     young people only (a qualifying young person is owed help after 21 only in education or
--     training, s 24B, which is not this duty); or
--   * the care leaver was receiving a service on sent_on.
--
-- "Receiving a service on d" is cl_receiving_service_on(c, d): the case was open with the
-- leaving care service that day (cl_case_open_on, 0011: opened_on <= d and not closed on or
-- before d). Why that and not something else the record holds:
--   * An open case is the service: it has (or is waiting for) a personal adviser who must keep
--     in touch and re-establish lost contact (s 23C(2)); losing touch is recorded as
--     unsuccessful contacts and IN_TOUCH statuses, not as outreach. The domain notes' outreach
--     funnel (sent -> replied -> wants a service -> allocated) ends in an allocation, and their
--     example set the 249 letters apart from the 41 over-21s already in touch with the service:
--     both describe people outside an open case.
--   * Closing a case is how the service records that it stopped (closed_on, closed_reason,
--     e.g. "no longer requires services", the SSDA903 NREQ).
--   * A pathway plan in force cannot say it: nothing ends a plan version when a case closes,
--     so cl_plan_in_force still finds one for years after.
--   * The allocated adviser is today's only (no history), and an open case waiting for an
--     adviser is still open with the service; contact status depends on IN_TOUCH_DAYS, a
--     setting, which would make the legality of a record change with configuration.
-- It is judged on sent_on, not today, so an attempt recorded the day it was sent is accepted,
-- and its reply (PATCH, which does not look at the rule again) can be recorded after the case
-- reopens. The record holds one open/closed period per care leaver: after a reopening (status
-- back to open, opened_on unchanged) the days it was closed look open, so a letter sent then
-- has to be recorded before the case is reopened, or opened_on moved to the reopening day.

-- Whether the young person was receiving a service from the leaving care team on p_on.
CREATE FUNCTION cl_receiving_service_on(c care_leavers, p_on date) RETURNS boolean
    LANGUAGE sql STABLE AS $$
    SELECT cl_case_open_on(c, p_on)
$$;

-- 0014's create with the whole rule: the field checks and the age on sent_on (CL422, every
-- field at once), then who outreach is for (CL409). The care leaver is found within the
-- caller's scope (care_leaver_for_nested, 0085) before anything else.
CREATE OR REPLACE FUNCTION outreach_contact_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := care_leaver_for_nested((p->>'care_leaver_id')::uuid, false);
    n outreach_contacts;
    e text[];
BEGIN
    n.sent_on := (p->>'sent_on')::date;
    n.channel := p->>'channel';
    n.response := coalesce(p->>'response', 'none');
    n.responded_on := (p->>'responded_on')::date;
    e := outreach_contact_problems(n);
    IF cl_age_on(c.date_of_birth, n.sent_on) NOT BETWEEN 21 AND 25 THEN
        e := e || 'sent_on: the care leaver must be aged 21 to 25 on this date'::text;
    END IF;
    PERFORM cl_fail_fields(e);
    IF c.category <> 'former_relevant' THEN
        PERFORM cl_fail('CL409', 'outreach is for former relevant care leavers only');
    END IF;
    IF cl_receiving_service_on(c, n.sent_on) THEN
        PERFORM cl_fail('CL409', 'the case was open on sent_on: outreach is for care leavers '
                        'not receiving a service');
    END IF;
    INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, response, responded_on,
                                   notes, created_by)
    VALUES (c.id, n.sent_on, n.channel, n.response, n.responded_on,
            coalesce(p->>'notes', ''), cl_sub())
    RETURNING * INTO n;
    PERFORM cl_audit('create', 'outreach_contact', n.id,
                     jsonb_build_object('care_leaver_id', c.id));
    RETURN QUERY SELECT outreach_contact_json(n), n.version, n.id;
END
$$;
