#!/bin/bash
# The standby's entrypoint: on first start, copy the primary (pg_basebackup -R writes the
# standby's recovery settings), name it standby1 for the primary's synchronous_standby_names,
# then run.
set -euo pipefail
if [[ ! -s $PGDATA/PG_VERSION ]]; then
  until PGPASSWORD=$POSTGRES_PASSWORD pg_basebackup -h db -U postgres -D "$PGDATA" -R -X stream -c fast; do
    echo "waiting for the primary" >&2
    sleep 2
  done
  # The copy carries the primary's synchronous_standby_names: once promoted, this server has no
  # standby of its own, and would make every write wait for one. It takes writes alone until an
  # operator attaches a new standby (README "Running for high availability").
  {
    echo "primary_conninfo = 'host=db user=postgres password=$POSTGRES_PASSWORD application_name=standby1'"
    echo "synchronous_standby_names = ''"
    echo "hot_standby_feedback = on" # long report queries are not cancelled by replay
  } >>"$PGDATA/postgresql.auto.conf"
fi
exec postgres
