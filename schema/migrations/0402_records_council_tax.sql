-- A care leaver's council tax exemption statuses (0300) in the records registry (0320):
-- exported and disposed of with the rest of their record. (Grant payments and balances were
-- registered before their columns were renamed; the registry finds them by care_leaver_id.)
INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('council_tax_statuses', 'care_leaver_id', NULL, 220, 'rows', 'delete', '{}', '');

GRANT SELECT, DELETE ON council_tax_statuses TO cl_definer;
CREATE POLICY council_tax_statuses_dispose ON council_tax_statuses FOR DELETE TO cl_definer
    USING (current_user = 'cl_definer');
