-- A care leaver's status, allocation and district periods (0200) in the records registry
-- (0320): their history is part of their record, exported and disposed of with it. cl_definer
-- reads and deletes them through policies of its own (row-level security is forced on them).
INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('care_leaver_status_periods', 'care_leaver_id', NULL, 230, 'rows', 'delete', '{reason}', ''),
    ('care_leaver_allocation_periods', 'care_leaver_id', NULL, 232, 'rows', 'delete',
     '{reason}', ''),
    ('care_leaver_district_periods', 'care_leaver_id', NULL, 234, 'rows', 'delete', '{reason}',
     '');

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['care_leaver_status_periods', 'care_leaver_allocation_periods',
                             'care_leaver_district_periods'] LOOP
        EXECUTE format('GRANT SELECT, DELETE ON %I TO cl_definer', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR SELECT TO cl_definer '
                       'USING (current_user = ''cl_definer'')', t || '_definer', t);
        EXECUTE format('CREATE POLICY %I ON %I FOR DELETE TO cl_definer '
                       'USING (current_user = ''cl_definer'')', t || '_dispose', t);
    END LOOP;
END
$$;
