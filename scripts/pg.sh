#!/usr/bin/env bash
# A private PostgreSQL 15 cluster, started with pg_ctl (never the system service), listening
# on 127.0.0.1 only with its socket in the cluster directory.
#   pg.sh init DIR PORT [fast]   create the cluster (fast: fsync off, for throwaway tests)
#   pg.sh start DIR              start it and wait until it accepts connections
#   pg.sh stop DIR               stop it (fast shutdown)
#   pg.sh status DIR             exit 0 when running
#   pg.sh free-port FROM         print the first free TCP port on 127.0.0.1 from FROM up
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
    echo "$port" | as_pg tee "$dir/port" >/dev/null ;;
  start)
    dir=$2
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 start >/dev/null ||
      { tail -5 "$dir/server.log" >&2; exit 1; } ;;
  stop)
    dir=$2
    as_pg "$PGBIN/pg_ctl" -D "$dir/data" -m fast -w -t 60 stop >/dev/null ;;
  status)
    as_pg "$PGBIN/pg_ctl" -D "$2/data" status >/dev/null 2>&1 ;;
  *)
    echo "usage: pg.sh init|start|stop|status|free-port ..." >&2
    exit 2 ;;
esac
