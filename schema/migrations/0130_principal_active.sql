-- A token names an adviser (adviser_id) or a partner (org_id); the api answers 401 once that
-- adviser or partner is deactivated (or never existed). The check runs in the statement that
-- sets each transaction's principal (common/cl_db.c), so it costs no extra round trip and no
-- cache can outlive a deactivation, on any replica. Other roles carry no such id.
CREATE FUNCTION cl_principal_check(p_role text, p_adviser_id text, p_org_id text)
    RETURNS void LANGUAGE plpgsql STABLE SECURITY DEFINER SET search_path = public, pg_temp
AS $$
DECLARE
    uuid_re CONSTANT text := '^[0-9a-fA-F]{8}-([0-9a-fA-F]{4}-){3}[0-9a-fA-F]{12}$';
    id_text text;
BEGIN
    IF p_role = 'adviser' THEN
        id_text := p_adviser_id;
    ELSIF p_role = 'partner' THEN
        id_text := p_org_id;
    ELSE
        RETURN;
    END IF;
    IF id_text IS NULL OR id_text !~ uuid_re THEN
        PERFORM cl_fail('CL401', 'the adviser or partner this token names is not active');
    ELSIF p_role = 'adviser' THEN
        IF NOT EXISTS (SELECT 1 FROM advisers WHERE id = id_text::uuid AND active) THEN
            PERFORM cl_fail('CL401', 'the adviser this token names is not active');
        END IF;
    ELSIF NOT EXISTS (SELECT 1 FROM partners WHERE id = id_text::uuid AND active) THEN
        PERFORM cl_fail('CL401', 'the partner this token names is not active');
    END IF;
END $$;

REVOKE EXECUTE ON FUNCTION cl_principal_check(text, text, text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION cl_principal_check(text, text, text) TO cl_app;
