#!/usr/bin/env bash
# Backups with PostgreSQL's own tools: continuous WAL archiving plus base backups
# (pg_basebackup), and point-in-time recovery from them into a new cluster.
#
#   backup.sh archive PGDIR DIR          turn on WAL archiving of the pg.sh cluster in PGDIR into
#                                        DIR/wal (restarts it once when archive_mode was off)
#   backup.sh base CONNINFO DIR          a base backup into DIR/base/<UTC time>/ (tar, gzip, its
#                                        own WAL included), finished by an `ended` file holding
#                                        the time from which it can be restored
#   backup.sh prepare DIR NEWPGDIR PORT [TARGET]
#                                        a new cluster's data in NEWPGDIR/data from the latest base
#                                        backup that ended before TARGET (a timestamp with time
#                                        zone; default: everything archived), set to replay
#                                        DIR/wal up to TARGET, then promote, on PORT; not started
#   backup.sh restore DIR NEWPGDIR PORT [TARGET]
#                                        prepare, then start it and wait until it is promoted,
#                                        printing the recovery time
#
# DIR is the operator's: any directory the postgres OS user may write (as root it is handed to
# postgres). WAL segments arrive there as the server fills them, so the newest writes are at
# most one segment (or archive_timeout, 60 s here) behind; `SELECT pg_switch_wal()` closes the
# current one at once. Nothing here deletes old backups: keep as many as the retention policy
# asks and delete older base directories and the WAL segments before the oldest kept one.
set -euo pipefail
PGBIN=${PGBIN:-/usr/lib/postgresql/15/bin}
as_pg() { if [[ $EUID -eq 0 ]]; then runuser -u postgres -- "$@"; else "$@"; fi; }
die() { echo "backup.sh: $*" >&2; exit 1; }
elapsed() { awk -v a="$1" -v b="$(date +%s.%N)" 'BEGIN { printf "%.2f", b - a }'; }
owned_dir() {
  mkdir -p "$1"
  [[ $EUID -eq 0 ]] && chown postgres:postgres "$1"
  chmod 700 "$1"
}

cmd=${1:-}
case $cmd in
  archive)
    (($# == 3)) || die "usage: backup.sh archive PGDIR DIR"
    pgdir=$2 dir=$(realpath -m "$3")
    owned_dir "$dir"; owned_dir "$dir/wal"; owned_dir "$dir/base"
    port=$(cat "$pgdir/port")
    q() { psql -X -qAt "host=127.0.0.1 port=$port user=postgres dbname=postgres" -c "$1"; }
    was=$(q "SHOW archive_mode")
    # test ! -f: a segment already archived is never overwritten (PostgreSQL's documented form)
    q "ALTER SYSTEM SET archive_command = 'test ! -f ''$dir/wal/%f'' && cp ''%p'' ''$dir/wal/%f'''"
    q "ALTER SYSTEM SET archive_timeout = '60s'"
    q "ALTER SYSTEM SET wal_level = 'replica'"
    q "ALTER SYSTEM SET archive_mode = 'on'"
    if [[ $was != on ]]; then
      as_pg "$PGBIN/pg_ctl" -D "$pgdir/data" -m fast -w -t 60 restart -l "$pgdir/server.log" >/dev/null
    else
      q "SELECT pg_reload_conf()" >/dev/null
    fi
    echo "WAL archiving into $dir/wal" ;;
  base)
    (($# == 3)) || die "usage: backup.sh base CONNINFO DIR"
    conninfo=$2 dir=$(realpath -m "$3")
    owned_dir "$dir/base"
    [[ $(psql -X -qAt "$conninfo" -c "SHOW archive_mode") == on ]] ||
      die "the server does not archive WAL: run backup.sh archive first"
    stamp=$(date -u +%Y%m%dT%H%M%S%NZ)
    t0=$(date +%s.%N)
    owned_dir "$dir/base/$stamp.partial"
    as_pg "$PGBIN/pg_basebackup" -d "$conninfo" -D "$dir/base/$stamp.partial" -Ft -z -X stream \
      -c fast --label "cl-$stamp"
    # The backup is consistent from its end: a recovery target must be after this time.
    as_pg psql -X -qAt "$conninfo" -c "SELECT now()" | as_pg tee "$dir/base/$stamp.partial/ended" >/dev/null
    as_pg mv "$dir/base/$stamp.partial" "$dir/base/$stamp"
    size=$(du -sb "$dir/base/$stamp" | cut -f1)
    printf 'base backup %s: %s bytes in %.2f s, restorable from %s\n' "$dir/base/$stamp" "$size" \
      "$(elapsed "$t0")" "$(cat "$dir/base/$stamp/ended")" ;;
  prepare|restore)
    (($# == 4 || $# == 5)) || die "usage: backup.sh $cmd DIR NEWPGDIR PORT [TARGET]"
    dir=$(realpath -m "$2") newdir=$(realpath -m "$3") port=$4 target=${5:-}
    [[ $port =~ ^[0-9]+$ ]] || die "PORT must be a number"
    [[ ! -e $newdir/data ]] || die "$newdir/data already exists: restore into a new directory"
    epoch() { date -d "$1" +%s.%N 2>/dev/null || die "not a time: $1"; }
    before() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
    [[ -z $target ]] || tt=$(epoch "$target")
    # the latest complete base backup that ended at or before the target (or the latest of all)
    pick= first=
    for b in $(ls -d "$dir"/base/*Z 2>/dev/null | sort); do
      [[ -f $b/ended ]] || continue
      ended=$(cat "$b/ended")
      [[ -n $first ]] || first=$ended
      if [[ -z $target ]] || before "$(epoch "$ended")" "$tt"; then pick=$b; fi
    done
    [[ -n $first ]] || die "no base backup in $dir/base"
    [[ -n $pick ]] || die "the target time $target is before the first base backup (restorable from $first); nothing restored"
    owned_dir "$newdir"
    owned_dir "$newdir/data"
    as_pg tar -xzf "$pick/base.tar.gz" -C "$newdir/data"
    as_pg tar -xzf "$pick/pg_wal.tar.gz" -C "$newdir/data/pg_wal"
    as_pg rm -f "$newdir/data/postmaster.pid" "$newdir/data/postmaster.opts"
    {
      echo "# point-in-time recovery (scripts/backup.sh restore) from $pick"
      echo "restore_command = 'cp ''$dir/wal/%f'' ''%p'''"
      if [[ -n $target ]]; then
        echo "recovery_target_time = '$target'"
        echo "recovery_target_action = 'promote'"
      fi
      # the restored cluster is new: it archives nowhere until an operator points it somewhere
      echo "archive_mode = 'off'"
      echo "port = $port"
      echo "unix_socket_directories = '$newdir'"
    } | as_pg tee -a "$newdir/data/postgresql.auto.conf" >/dev/null
    as_pg touch "$newdir/data/recovery.signal"
    echo "$port" | as_pg tee "$newdir/port" >/dev/null
    [[ $cmd == restore ]] || { echo "prepared $newdir/data from $pick${target:+ to $target}"; exit 0; }
    t0=$(date +%s.%N)
    as_pg "$PGBIN/pg_ctl" -D "$newdir/data" -l "$newdir/server.log" -w -t 3600 start >/dev/null ||
      { tail -5 "$newdir/server.log" >&2; die "the restored cluster did not start (log: $newdir/server.log)"; }
    r=
    for _ in $(seq 36000); do
      r=$(psql -X -qAt "host=127.0.0.1 port=$port user=postgres dbname=postgres" -c "SELECT pg_is_in_recovery()" 2>/dev/null || true)
      [[ $r == f ]] && break
      sleep 0.1
    done
    [[ $r == f ]] || die "the restored cluster is still recovering (log: $newdir/server.log)"
    printf 'restored %s into %s (port %s)%s; recovery took %.2f s\n' "$pick" "$newdir" "$port" \
      "${target:+ to $target}" "$(elapsed "$t0")" ;;
  *)
    echo "usage: backup.sh archive|base|prepare|restore ..." >&2; exit 2 ;;
esac
