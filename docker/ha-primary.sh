#!/bin/bash
# Run once by the postgres image when the primary's data volume is first made
# (docker-entrypoint-initdb.d): lets the standby replicate, and makes every commit wait until
# the standby has it (README "Running for high availability"). ALTER SYSTEM takes effect when
# the image restarts the server after initialisation, so these scripts themselves do not wait
# for a standby that is not there yet.
set -euo pipefail
echo "host replication postgres all scram-sha-256" >>"$PGDATA/pg_hba.conf"
psql -v ON_ERROR_STOP=1 -U postgres -d postgres \
  -c "ALTER SYSTEM SET synchronous_standby_names = 'FIRST 1 (standby1)'" \
  -c "ALTER SYSTEM SET synchronous_commit = 'on'"
