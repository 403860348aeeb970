-- List cursors are sealed (api/cursor.c) so that they carry no names or values into URLs,
-- proxy logs and browser histories (issue 15, item 9). The api derives its keys from this one
-- secret, read once, so every replica and every restart shares them. Rotating it (UPDATE the
-- row, restart the api) only makes cursors already handed out answer 400.
-- One secret (four random UUIDs: 488 random bits) from which the api derives the cursor keys.
CREATE TABLE cursor_keys (
    id      integer PRIMARY KEY CHECK (id = 1),
    secret  bytea NOT NULL CHECK (length(secret) >= 32)
);
INSERT INTO cursor_keys (id, secret)
SELECT 1, decode(string_agg(replace(gen_random_uuid()::text, '-', ''), ''), 'hex')
FROM generate_series(1, 4);
REVOKE ALL ON cursor_keys FROM PUBLIC;
GRANT SELECT ON cursor_keys TO cl_app;

