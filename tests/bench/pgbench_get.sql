-- pgbench: the statements the api sends for GET /v1/care-leavers/{id}, pipelined in one round
-- trip as the api does (BEGIN, the caller's identity, the read with its audit row, COMMIT).
-- The only addition is the lookup of a random id in bench_ids (made by scripts/bench.sh).
-- Run as the application login: PGUSER=cl_app pgbench -M prepared -D n=ROWS ...
\set g random(1, :n)
\startpipeline
BEGIN;
SELECT set_config('app.sub', 'bench-manager', true), set_config('app.role', 'manager', true), set_config('app.adviser_id', '', true), set_config('app.org_id', '', true), set_config('app.request_id', 'pgbench', true);
SELECT * FROM care_leaver_read((SELECT id FROM bench_ids WHERE g = :g), 92);
COMMIT;
\endpipeline
