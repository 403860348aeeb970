-- A team manager closes a task raised by a partner's emergency or B&B notice (issue 23), with
-- a note: who closed it and when are the server's, the note the manager's. 'done' was never
-- written (nothing could close a task), so the closed state is named for what it is.
ALTER TABLE manager_tasks
    DROP CONSTRAINT manager_tasks_status_check,
    ADD COLUMN closed_at   timestamptz,
    ADD COLUMN closed_by   text,
    ADD COLUMN close_note  text CHECK (length(close_note) BETWEEN 1 AND 2000),
    ADD COLUMN version     integer NOT NULL DEFAULT 1,
    ADD COLUMN updated_at  timestamptz NOT NULL DEFAULT now();
UPDATE manager_tasks SET status = 'closed', closed_at = created_at, closed_by = 'migration',
                         close_note = 'closed before closing notes were kept'
WHERE status = 'done';
ALTER TABLE manager_tasks
    ADD CONSTRAINT manager_tasks_status_check CHECK (status IN ('open', 'closed')),
    ADD CONSTRAINT manager_tasks_closed
        CHECK ((status = 'closed') = (closed_at IS NOT NULL AND closed_by IS NOT NULL
                                       AND close_note IS NOT NULL));
