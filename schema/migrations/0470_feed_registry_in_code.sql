-- The feed's registries (0440) held SQL (each list's item, parent check and membership test,
-- the partner of a parent) as rows of two tables, so a list's rendering could be changed only
-- by another migration and read only by reading history. They are now two functions with one
-- current definition, feed_resources() and feed_lists() in schema/functions/change_feed.sql;
-- the change log's resource is checked there, by the trigger that writes it.
ALTER TABLE change_log DROP CONSTRAINT change_log_resource_fkey;
ALTER TABLE change_log ADD CONSTRAINT change_log_resource_check
    CHECK (resource ~ '^[a-z_]{1,60}$');
DROP TABLE feed_lists;
DROP TABLE feed_resources;
