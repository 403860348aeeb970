-- /v1/grant-types and the grants of a care leaver (api/grants.c): grant types with a
-- per-person cap in pence (configurable by admins), payments to a care leaver, and the
-- remaining balance per grant type. The cap holds under concurrency: a payment locks the care
-- leaver's balance row for that grant type.

CREATE FUNCTION grant_type_json(t grant_types) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', t.id, 'name', t.name, 'cap_pence', t.cap_pence,
        'policy_reference', t.policy_reference, 'active', t.active, 'version', t.version,
        'created_at', cl_ts(t.created_at), 'updated_at', cl_ts(t.updated_at))::text
$$;

CREATE FUNCTION grant_type_create(p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    t grant_types;
BEGIN
    INSERT INTO grant_types (name, cap_pence, policy_reference, active)
    VALUES (btrim(p->>'name'), coalesce((p->>'cap_pence')::integer, 300000),
            coalesce(p->>'policy_reference', ''), coalesce((p->>'active')::boolean, true))
    RETURNING * INTO t;
    PERFORM cl_audit('create', 'grant_type', t.id);
    RETURN QUERY SELECT grant_type_json(t), t.version, t.id;
END
$$;

-- Lowering a cap below what someone has already drawn is allowed (policies change); their
-- remaining balance shows as 0 and further payments of that type are refused.
CREATE FUNCTION grant_type_patch(p_id uuid, p jsonb, p_version text)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    t grant_types;
BEGIN
    SELECT * INTO t FROM grant_types g WHERE g.id = p_id FOR UPDATE;
    PERFORM cl_found(FOUND, 'grant type');
    PERFORM cl_if_match(p_version, t.version, 'grant type');
    UPDATE grant_types g SET
        name = CASE WHEN p ? 'name' THEN btrim(p->>'name') ELSE g.name END,
        cap_pence = CASE WHEN p ? 'cap_pence' THEN (p->>'cap_pence')::integer ELSE g.cap_pence END,
        policy_reference = CASE WHEN p ? 'policy_reference' THEN coalesce(p->>'policy_reference', '')
                                ELSE g.policy_reference END,
        active = CASE WHEN p ? 'active' THEN (p->>'active')::boolean ELSE g.active END,
        version = g.version + 1, updated_at = now()
    WHERE g.id = p_id
    RETURNING * INTO t;
    PERFORM cl_audit_patch('grant_type', t.id, p);
    RETURN QUERY SELECT grant_type_json(t), t.version, t.id;
END
$$;

-- What is left of a care leaver's cap for one grant type (never below 0).
CREATE FUNCTION grant_remaining(p_cl uuid, p_type uuid) RETURNS bigint LANGUAGE sql STABLE AS $$
    SELECT greatest(t.cap_pence - coalesce((SELECT b.paid_pence FROM grant_balances b
                                            WHERE b.care_leaver_id = p_cl
                                              AND b.grant_type_id = p_type), 0), 0)
    FROM grant_types t WHERE t.id = p_type
$$;

-- remaining_pence is the balance now, after every payment so far.
CREATE FUNCTION grant_payment_json(g grant_payments) RETURNS text LANGUAGE sql STABLE AS $$
    SELECT json_build_object(
        'id', g.id, 'care_leaver_id', g.care_leaver_id, 'grant_type_id', g.grant_type_id,
        'grant_type_name', (SELECT t.name FROM grant_types t WHERE t.id = g.grant_type_id),
        'amount_pence', g.amount_pence, 'paid_on', g.paid_on, 'method', g.method,
        'reference', g.reference,
        'remaining_pence', grant_remaining(g.care_leaver_id, g.grant_type_id),
        'created_by', g.created_by, 'version', g.version,
        'created_at', cl_ts(g.created_at))::text
$$;

CREATE FUNCTION grant_payment_create(p_cl uuid, p jsonb)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, true);
    t grant_types;
    b grant_balances;
    g grant_payments;
BEGIN
    SELECT * INTO t FROM grant_types x WHERE x.id = (p->>'grant_type_id')::uuid FOR SHARE;
    IF NOT FOUND THEN
        PERFORM cl_fail_field('grant_type_id', 'is not a grant type');
    END IF;
    IF NOT t.active THEN
        PERFORM cl_fail('CL409', 'the grant type is not active');
    END IF;
    g.id := gen_random_uuid();
    g.care_leaver_id := c.id;
    g.grant_type_id := t.id;
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
    -- The cap lock: payments for one person and grant type queue on this row.
    INSERT INTO grant_balances (care_leaver_id, grant_type_id) VALUES (c.id, t.id)
    ON CONFLICT DO NOTHING;
    SELECT * INTO b FROM grant_balances x
    WHERE x.care_leaver_id = c.id AND x.grant_type_id = t.id FOR UPDATE;
    IF b.paid_pence + g.amount_pence > t.cap_pence THEN
        PERFORM cl_fail('CL409', 'the payment is more than the remaining balance of this grant');
    END IF;
    UPDATE grant_balances x SET paid_pence = x.paid_pence + g.amount_pence
    WHERE x.care_leaver_id = c.id AND x.grant_type_id = t.id;
    INSERT INTO grant_payments VALUES (g.*);
    PERFORM cl_audit('create', 'grant_payment', g.id,
                     jsonb_build_object('care_leaver_id', c.id, 'grant_type_id', t.id));
    RETURN QUERY SELECT grant_payment_json(g), g.version, g.id;
END
$$;

CREATE FUNCTION grant_payment_get(p_cl uuid, p_id uuid)
RETURNS TABLE (body text, version integer, id uuid) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
    g grant_payments;
BEGIN
    SELECT * INTO g FROM grant_payments x WHERE x.id = p_id AND x.care_leaver_id = c.id;
    PERFORM cl_found(FOUND, 'grant payment');
    PERFORM cl_audit('read', 'grant_payment', g.id);
    RETURN QUERY SELECT grant_payment_json(g), g.version, g.id;
END
$$;

-- Newest first (keyset on paid_on, id); p_type keeps one grant type.
CREATE FUNCTION grant_payment_list(p_cl uuid, p_type uuid, p_k1 text, p_k2 text,
                                   p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'grant_payment', c.id);
    RETURN QUERY
        SELECT grant_payment_json(g), g.paid_on::text, g.id::text
        FROM grant_payments g
        WHERE g.care_leaver_id = c.id
          AND (p_type IS NULL OR g.grant_type_id = p_type)
          AND (p_k1 IS NULL OR (g.paid_on, g.id) < (p_k1::date, p_k2::uuid))
        ORDER BY g.paid_on DESC, g.id DESC
        LIMIT p_limit;
END
$$;

-- One row per grant type that is active or that the care leaver has drawn on, by name.
CREATE FUNCTION grant_balance_list(p_cl uuid, p_k1 text, p_k2 text, p_limit integer)
RETURNS TABLE (body text, k1 text, k2 text) LANGUAGE plpgsql AS $$
DECLARE
    c care_leavers := episode_care_leaver(p_cl, false);
BEGIN
    PERFORM cl_audit('list', 'grant_balance', c.id);
    RETURN QUERY
        SELECT json_build_object(
                   'grant_type_id', t.id, 'grant_type_name', t.name, 'active', t.active,
                   'cap_pence', t.cap_pence, 'paid_pence', coalesce(b.paid_pence, 0),
                   'remaining_pence', greatest(t.cap_pence - coalesce(b.paid_pence, 0), 0))::text,
               t.name, t.id::text
        FROM grant_types t
        LEFT JOIN grant_balances b ON b.grant_type_id = t.id AND b.care_leaver_id = c.id
        WHERE (t.active OR b.paid_pence > 0)
          AND (p_k1 IS NULL OR (t.name, t.id) > (p_k1, p_k2::uuid))
        ORDER BY t.name, t.id
        LIMIT p_limit;
END
$$;
