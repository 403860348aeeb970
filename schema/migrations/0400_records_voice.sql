-- The voice tables (0240) in the records registry (0320): a named survey response and its
-- answers, statements, Outcome Star readings, forum memberships and attendance are about one
-- person, so a subject access export holds them and a disposal deletes them. An anonymous
-- response names nobody (care_leaver_id NULL) and is found for no one.
INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('statements', 'care_leaver_id', NULL, 150, 'rows', 'delete', '{text, response}', ''),
    ('star_readings', 'care_leaver_id', NULL, 160, 'rows', 'delete', '{participants}', ''),
    ('star_scores', 'reading_id', 'star_readings', 165, 'rows', 'delete', '{}', ''),
    ('survey_responses', 'care_leaver_id', NULL, 170, 'rows', 'delete', '{}', ''),
    ('survey_answers', 'response_id', 'survey_responses', 175, 'rows', 'delete',
     '{text_value}', ''),
    ('survey_answer_themes', 'response_id', 'survey_responses', 178, 'rows', 'delete', '{}', ''),
    ('participation_memberships', 'care_leaver_id', NULL, 180, 'rows', 'delete', '{}', ''),
    ('participation_attendance', 'care_leaver_id', NULL, 190, 'rows', 'delete', '{}', '');

-- cl_definer reads and deletes them (records.sql's export and disposal), through a policy of
-- its own where the table has row-level security.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['statements', 'star_readings', 'star_scores', 'survey_responses',
                             'survey_answers', 'survey_answer_themes',
                             'participation_memberships', 'participation_attendance'] LOOP
        EXECUTE format('GRANT SELECT, DELETE ON %I TO cl_definer', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO cl_definer '
                       'USING (current_user = ''cl_definer'')', t || '_dispose', t);
    END LOOP;
END
$$;
