#!/bin/bash
# The standby's entrypoint: on first start, copy the primary (pg_basebackup -R writes the
# standby's recovery settings), name it standby1 for synchronous_standby_names, then run.
set -euo pipefail
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  until PGPASSWORD=$POSTGRES_PASSWORD pg_basebackup -h db -U postgres -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary" >&2
    sleep 2
  done
  echo "primary_conninfo = 'host=db user=postgres password=$POSTGRES_PASSWORD application_name=standby1'" \
    >>"$PGDATA/postgresql.auto.conf"
fi
exec postgres
