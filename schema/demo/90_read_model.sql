-- The read model (schema/functions/read_model.sql) rebuilt from the rows just loaded: the files
-- before this one load in bulk with the session's triggers off (session_replication_role
-- replica, when the loader is a superuser), so the triggers that keep care_leaver_state did
-- not run. Last in name order, after every file that writes a care leaver's records.
SELECT care_leaver_state_rebuild();
