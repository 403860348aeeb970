-- The partner notice tables (0280) in the records registry (0320). A notification matched to a
-- young person, and the manager's task it raised, are about them: exported and disposed of with
-- the rest. change_log rows hold ids only (which row changed, when, in commit order), and a
-- disposal's own deletions are written there as tombstones partner systems must still read, so
-- they are exported and kept. A notification still in triage names nobody the service knows.
INSERT INTO personal_data_tables
    (table_name, key_column, parent_table, position, export, disposal, free_text, why) VALUES
    ('partner_notifications', 'care_leaver_id', NULL, 200, 'rows', 'delete', '{details}', ''),
    ('manager_tasks', 'notification_id', 'partner_notifications', 205, 'rows', 'delete', '{}',
     ''),
    ('change_log', 'care_leaver_id', NULL, 210, 'rows', 'keep', '{}',
     'Ids and times only, in commit order: the tombstones of the deleted rows that partner '
     'systems read from the change feed.');

GRANT SELECT, DELETE ON partner_notifications, manager_tasks TO cl_definer;
