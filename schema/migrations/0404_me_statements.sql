-- A young person's own statements (POST /v1/me/statements, me.sql): me_statement_create, owned
-- by cl_definer, stores the row for the care leaver the token names, and nobody else.
GRANT INSERT ON statements TO cl_definer;
CREATE POLICY statements_definer_insert ON statements FOR INSERT TO cl_definer
    WITH CHECK (current_user = 'cl_definer' AND source = 'app' AND received_on = current_date);
