-- The grant payments of a care leaver (api/grants.c): payments under an entitlement of kind
-- grant (entitlements.sql), each attached to the version in force on the day it was paid, whose
-- cap (a lifetime total per person over every version) it may not pass. The cap holds under
-- concurrency: a payment locks the care leaver's balance row for that entitlement.

-- What is left of a care leaver's cap for one entitlement: the cap of the version in force
-- today less everything paid under every version (never below 0).
CREATE FUNCTION grant_remaining(p_cl uuid, p_entitlement uuid) RETURNS bigint
LANGUAGE sql STABLE AS $$
    SELECT greatest(coalesce((entitlement_version_on(p_entitlement, current_date)).cap_pence, 0)
                    - coalesce((SELECT b.paid_pence FROM grant_balances b
                                WHERE b.care_leaver_id = p_cl
                                  AND b.entitlement_id = p_entitlement), 0), 0)
$$;

-- remaining_pence is the balance now, after every payment so far.
CREATE FUNCTION grant_payment_json(g grant_payments) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id, 'care_leaver_id', g.care_leaver_id, 'entitlement_id', g.entitlement_id,
        'entitlement_name', (SELECT e.name FROM entitlements e WHERE e.id = g.entitlement_id),
        'entitlement_version_id', g.entitlement_version_id,
        'amount_pence', g.amount_pence, 'paid_on', g.paid_on, 'method', g.method,
        'reference', g.reference,
        'remaining_pence', grant_remaining(g.care_leaver_id, g.entitlement_id),
        'created_by', g.created_by, 'version', g.version,
        'created_at', cl_ts(g.created_at))::text
$$;

-- A payment belongs to the version in force on paid_on, whose cap the person's total over
-- every version may not pass, and which they must be eligible for on that day.
CREATE FUNCTION grant_payment_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    e entitlements;
    v entitlement_versions;
    b grant_balances;
    g grant_payments;
BEGIN
    SELECT * INTO e FROM entitlements x
    WHERE x.id = (p->>'entitlement_id')::uuid AND x.kind = 'grant' FOR SHARE;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('entitlement_id', 'is not a grant');
    END IF;
    IF NOT e.active THEN
        PERFORM cl_fail('CL409', 'the entitlement is not active');
    END IF;
    g.id := gen_random_uuid();
    g.care_leaver_id := c.id;
    g.entitlement_id := e.id;
    g.amount_pence := (p->>'amount_pence')::integer;
    g.paid_on := (p->>'paid_on')::date;
    g.method := p->>'method';
    g.reference := coalesce(p->>'reference', '');
    g.created_by := cl_sub();
    g.version := 1;
    g.created_at := now();
    IF g.amount_pence <= 0 THEN
        PERFORM cl_fail_field('amount_pence', 'must be more than 0');
    END IF;
    -- The cap lock: payments for one person and entitlement queue on this row; a version's
    -- cap correction takes it too (entitlement_version_patch).
    INSERT INTO grant_balances (care_leaver_id, entitlement_id) VALUES (c.id, e.id)
    ON CONFLICT DO NOTHING;
    SELECT * INTO b FROM grant_balances x
    WHERE x.care_leaver_id = c.id AND x.entitlement_id = e.id FOR UPDATE;
    v := entitlement_version_on(e.id, g.paid_on);
    IF v.id IS NULL THEN
        PERFORM cl_fail_field('paid_on', 'no version of the entitlement was in force on that day');
    END IF;
    IF NOT entitlement_eligible(v, c, g.paid_on) THEN
        PERFORM cl_fail('CL409', 'the care leaver was not eligible under the version in force '
                                 || 'on paid_on');
    END IF;
    IF b.paid_pence + g.amount_pence > v.cap_pence THEN
        PERFORM cl_fail('CL409', 'the payment is more than the remaining balance of this grant');
    END IF;
    g.entitlement_version_id := v.id;
    UPDATE grant_balances x SET paid_pence = x.paid_pence + g.amount_pence
    WHERE x.care_leaver_id = c.id AND x.entitlement_id = e.id;
    INSERT INTO grant_payments VALUES (g.*);
    PERFORM cl_audit('create', 'grant_payment', g.id,
                     jsonb_build_object('care_leaver_id', c.id, 'entitlement_id', e.id,
                                        'entitlement_version_id', v.id));
    RETURN QUERY SELECT grant_payment_json(g), g.version, g.id;
END
$$;

CREATE FUNCTION grant_payment_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_get(NULL::grant_payments, 'grant_payment', p_cl,
        p_id);
END
$$;

-- Newest first (keyset on paid_on, id); p_entitlement keeps one entitlement.
CREATE FUNCTION grant_payment_list(p_cl uuid, p_entitlement uuid, p_k1 text, p_k2 text,
                                   p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
BEGIN
    RETURN QUERY SELECT * FROM care_leaver_record_list(NULL::grant_payments, 'grant_payment', p_cl,
        'paid_on', p_k1, p_k2, p_limit, 'entitlement_id', p_entitlement::text);
END
$$;
