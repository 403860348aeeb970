#!/usr/bin/env bash
# A private PostgreSQL 15 cluster, started with pg_ctl (never the system service), listening
# on 127.0.0.1 only with its socket in the cluster directory.
#   pg.sh init DIR PORT [fast]   create the cluster (fast: fsync off, for throwaway tests)
#   pg.sh start DIR              start it and wait until it accepts connections
#   pg.sh stop DIR               stop it (fast shutdown)
#   pg.sh status DIR             exit 0 when running
#   pg.sh free-port FROM         print the first free TCP port on 127.0.0.1 from FROM up
#   pg.sh standby PDIR DIR PORT sync|async
#                                a streaming standby of the running cluster PDIR in DIR
#                                (pg_basebackup -R), started; sync makes PDIR wait for it at
#                                every commit (synchronous_standby_names, synchronous_commit on)
#   pg.sh promote DIR            promote the standby in DIR and wait until it takes writes
#   pg.sh crash DIR              stop at once, as a power cut would (pg_ctl -m immediate)
#   pg.sh logins PORT            create the three logins (scripts/db-roles.sh) with passwords
#                                made for this run, and print the export lines of their
#                                conninfos: DATABASE_URL (cl_app), MIGRATION_DATABASE_URL
#                                (cl_owner), WORKER_DATABASE_URL (cl_worker), SUPER_DATABASE_URL
#                                (the superuser: fixtures and checks only)
# Only the postgres superuser connects without a password; every other login must give its own
# (scram-sha-256), so a wrong or missing password fails here as it would in production.
# As root, the cluster is owned by and run as the postgres OS user (PostgreSQL refuses root).
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}

as_pg() {
  if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi
}

port_busy() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

cmd=$1
case $cmd in
  free-port)
    p=$2
    while port_busy "$p"; do p=$((p + 1)); done
    echo "$p" ;;
  init)
    dir=$2 port=$3 fast=${4:-}
    mkdir -p "$dir"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    as_pg "$PGBIN/initdb" -D "$dir/data" -U postgres -A trust -E UTF8 --locale=C.UTF-8 >/dev/null
    {
      echo "listen_addresses = '127.0.0.1'"
      echo "port = $port"
      echo "unix_socket_directories = '$dir'"
      echo "max_connections = 200"
      echo "shared_buffers = 128MB"
      echo "logging_collector = off"
      echo "idle_in_transaction_session_timeout = '60s'"
      echo "client_connection_check_interval = '5s'"
      if [[ $fast == fast ]]; then
        echo "fsync = off"
        echo "synchronous_commit = off"
        echo "full_page_writes = off"
      fi
    } | as_pg tee -a "$dir/data/postgresql.conf" >/dev/null
    printf '%s\n' "local all postgres trust" "host all postgres 127.0.0.1/32 trust" \
      "host all all 127.0.0.1/32 scram-sha-256" "host replication postgres 127.0.0.1/32 trust" |
      as_pg tee "$dir/data/pg_hba.conf" >/dev/null
    echo "$port" | as_pg tee "$dir/port" >/dev/null ;;
  start)
    dir=$2
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { tail -5 "$dir/server.log" >&2; exit 1; } ;;
  stop)
    dir=$2
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ;;
  standby)
    pdir=$2 dir=$3 port=$4 mode=$5
    pport=$(cat "$pdir/port")
    mkdir -p "$dir"
    [[ $EUID -eq 0 ]] && chown postgres:postgres "$dir" && chmod 700 "$dir"
    # pg_hba.conf comes over with the copy, replication line included: once promoted, the
    # standby can serve a standby of its own.
    as_pg "$PGBIN/pg_basebackup" -h 127.0.0.1 -p "$pport" -U postgres -D "$dir/data" -R -X stream -c fast
    {
      echo "port = $port"
      echo "unix_socket_directories = '$dir'"
      echo "primary_conninfo = 'host=127.0.0.1 port=$pport user=postgres application_name=standby1'"
      echo "hot_standby_feedback = on"
    } | as_pg tee -a "$dir/data/postgresql.auto.conf" >/dev/null
    echo "$port" | as_pg tee "$dir/port" >/dev/null
    if [[ $mode == sync ]]; then
      printf '%s\n' "synchronous_standby_names = 'FIRST 1 (standby1)'" "synchronous_commit = on" |
        as_pg tee -a "$pdir/data/postgresql.auto.conf" >/dev/null
    else
      printf '%s\n' "synchronous_standby_names = ''" | as_pg tee -a "$pdir/data/postgresql.auto.conf" >/dev/null
    fi
    as_pg "$PGBIN/pg_ctl" -D "$pdir/data" reload >/dev/null
    "$0" start "$dir"
    # streaming, and (sync) counted as synchronous, before anyone relies on it
    for _ in $(seq 100); do
      st=$(psql -X -qAt "host=127.0.0.1 port=$pport user=postgres dbname=postgres" \
        -c "SELECT sync_state FROM pg_stat_replication WHERE application_name = 'standby1' AND state = 'streaming'")
      [[ $mode == sync && $st == sync || $mode != sync && -n $st ]] && exit 0
      sleep 0.1
    done
    echo "pg.sh: the standby in $dir is not streaming" >&2
    exit 1 ;;
  promote)
    as_pg "$PGBIN/pg_ctl" -D "$2/data" -w -t 60 promote >/dev/null ;;
  crash)
    as_pg "$PGBIN/pg_ctl" -D "$2/data" -m immediate stop >/dev/null ;;
  status)
    as_pg "$PGBIN/pg_ctl" -D "$2/data" status >/dev/null 2>&1 ;;
  logins)
    port=$2
    CL_OWNER_PASSWORD=$(openssl rand -hex 16) CL_APP_PASSWORD=$(openssl rand -hex 16) \
      CL_WORKER_PASSWORD=$(openssl rand -hex 16)
    export CL_OWNER_PASSWORD CL_APP_PASSWORD CL_WORKER_PASSWORD
    "$(dirname "$0")/db-roles.sh" "host=127.0.0.1 port=$port user=postgres dbname=postgres"
    url() { echo "host=127.0.0.1 port=$port dbname=leaving_care user=$1${2:+ password=$2}"; }
    echo "export DATABASE_URL='$(url cl_app "$CL_APP_PASSWORD")'"
    echo "export MIGRATION_DATABASE_URL='$(url cl_owner "$CL_OWNER_PASSWORD")'"
    echo "export WORKER_DATABASE_URL='$(url cl_worker "$CL_WORKER_PASSWORD")'"
    echo "export SUPER_DATABASE_URL='$(url postgres)'" ;;
  *)
    echo "usage: pg.sh init|start|stop|status|free-port|logins|standby|promote|crash ..." >&2
    exit 2 ;;
esac
