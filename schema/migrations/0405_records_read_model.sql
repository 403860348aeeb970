-- The read model's row per care leaver (0220) in the records registry (0320): a copy of facts
-- held elsewhere (dates, codes, the current episodes), exported with the rest and deleted with
-- the person. cl_definer already keeps it (its own policy covers reading and deleting).
INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('care_leaver_state', 'care_leaver_id', NULL, 240, 'rows', 'delete', '{}', '');
