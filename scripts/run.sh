#!/usr/bin/env bash
# make run: the local cluster (created on first use, reused after), migrations, demo data,
# then the api (restarted if it dies, scripts/supervise.sh) and the worker in the foreground.
# Ctrl-C stops all three.
set -euo pipefail
BUILD=$1
source "$(dirname "$0")/env.sh"
cd "$ROOT"
mkdir -p var

if [[ ! -f $CL_PGDIR/data/PG_VERSION ]]; then
  port=$(scripts/pg.sh free-port 55440)
  echo "creating the local PostgreSQL cluster in $CL_PGDIR (port $port)"
  scripts/pg.sh init "$CL_PGDIR" "$port"
fi
CL_PGPORT=$(cat "$CL_PGDIR/port")
if ! scripts/pg.sh status "$CL_PGDIR"; then
  if (exec 3<>"/dev/tcp/127.0.0.1/$CL_PGPORT") 2>/dev/null; then
    echo "port $CL_PGPORT is taken by another server; moving the cluster to a free port"
    port=$(scripts/pg.sh free-port $((CL_PGPORT + 1)))
    sed -i "s/^port = .*/port = $port/" "$CL_PGDIR/data/postgresql.conf"
    echo "$port" >"$CL_PGDIR/port"
    CL_PGPORT=$port
    unset DATABASE_URL MIGRATION_DATABASE_URL WORKER_DATABASE_URL
  fi
  scripts/pg.sh start "$CL_PGDIR"
fi
ln -sfn "$CL_PGDIR" var/pgcluster

PIDS=()
stop_all() {
  trap - INT TERM EXIT
  echo
  echo "stopping api, worker and database"
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$CL_PGDIR" || true
}
trap stop_all INT TERM EXIT

psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$CL_PGPORT" -U postgres "$@"; }
cl_urls "$CL_PGPORT"
# A database made before the database roles belongs to the superuser: start it afresh (the
# demo data is reloaded below).
owner=$(psql_ -d postgres -tAc "SELECT pg_get_userbyid(datdba) FROM pg_database WHERE datname = 'leaving_care'")
if [[ -n $owner && $owner != cl_owner ]]; then
  echo "the local database predates the database roles (SECURITY.md): recreating it"
  psql_ -d postgres -c "DROP DATABASE leaving_care"
# One migrated before the schema was squashed into 0001_baseline.sql (README, changelog) cannot
# take the baseline: the same.
elif [[ -n $owner && $(psql_ -d leaving_care -tAc "SELECT to_regclass('schema_migrations') IS NOT NULL
      AND EXISTS (SELECT 1 FROM schema_migrations WHERE version = '0001_base.sql')") == t ]]; then
  echo "the local database predates the squashed baseline (README, changelog): recreating it"
  psql_ -d postgres -c "DROP DATABASE leaving_care"
fi
scripts/db-roles.sh "host=127.0.0.1 port=$CL_PGPORT user=postgres dbname=postgres"

"$BUILD/api" --migrate-only
scripts/local-db.sh demo-if-empty

# The api runs under a supervisor: should it ever die, the terminal and var/api.log say how,
# and it is started again (with a back-off while it keeps dying).
scripts/supervise.sh api var/api.log "$BUILD/api" &
PIDS+=($!)
DATABASE_URL=$WORKER_DATABASE_URL "$BUILD/worker" 2>>var/worker.log &
PIDS+=($!)

for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done

url="http://127.0.0.1:$PORT"
cat <<MSG

Leaving care service is running.
  API        $url/v1      (reference: $url/docs)
  health     $url/healthz   readiness: $url/readyz   metrics: $url/metrics (service token)
  database   port $CL_PGPORT as cl_app (api), cl_worker (worker), cl_owner (migrations)
             (cluster in $CL_PGDIR)
  logs       var/api.log, var/worker.log (one JSON object per line)

Development tokens (8 hours):
MSG
for role in board partner adviser manager admin service; do
  printf '  %-8s %s\n' "$role" "$(scripts/token.sh "$BUILD" "$role" "" "")"
done
cat <<MSG

Try:
  curl -H "Authorization: Bearer \$(make -s token ROLE=manager)" $url/v1/me

Ctrl-C stops the api, the worker and the database.
MSG
wait -n "${PIDS[@]}" || true
