#!/usr/bin/env bash
# make restore-drill: a backup and a point-in-time restore, tried end to end on throwaway
# clusters with scripts/backup.sh, the tool an operator uses (make backup / make restore).
#   tests/reliability/restore_drill.sh BUILD [FIGFILE]
# A cluster (fsync on) with WAL archiving into a backup directory, migrated, with the demo data;
# a base backup; CLIENTS clients POSTing advisers through the real api; T noted on the server's
# clock mid-load; more writes; the current WAL segment closed; a restore to T into a new
# cluster. Every write answered 201 before T must be there, none sent after T; a restore to a
# time before the base backup must be refused with one line and no cluster made. Prints one
# JSON line of figures (appended to FIGFILE when given) and exits non-zero on a broken promise.
set -euo pipefail
BUILD=${1:-build/san} FIGOUT=${2:-}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/cl-restore.XXXXXX)
chmod 755 "$TMP"
P=$TMP/primary R=$TMP/restored B=$TMP/backups PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$R" 2>/dev/null || true
  scripts/pg.sh stop "$P" 2>/dev/null || true
  if ((rc != 0)); then
    for f in "$TMP"/*.log "$P/server.log" "$R/server.log"; do [[ -f $f ]] && { echo "--- $f"; tail -15 "$f"; } >&2; done
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
log() { echo "[restore-drill] $*" >&2; }
CLIENTS=${DRILL_CLIENTS:-8} BEFORE_S=${DRILL_BEFORE_S:-5} AFTER_S=${DRILL_AFTER_S:-3}

# test clusters of this drill: 29400 and up (below the ephemeral range)
pport=$(scripts/pg.sh free-port $((29400 + RANDOM % 800)))
scripts/pg.sh init "$P" "$pport"
scripts/pg.sh start "$P"
eval "$(scripts/pg.sh logins "$pport")"
SUPER=$SUPER_DATABASE_URL
export JWT_ALG=HS256 JWT_SECRET=restore-drill-secret-0123456789abcdef-0123 LA_CODE=999 CL_DEV_MODE=1
export RATE_LIMIT_ADDR_PER_S=0 RATE_LIMIT_SUB_PER_S=0 ASAN_OPTIONS=detect_leaks=0
"$BUILD/api" --migrate-only 2>/dev/null
schema/demo/load.sh 300 42 "$SUPER" >/dev/null
scripts/backup.sh archive "$P" "$B" >&2

log "base backup"
scripts/backup.sh base "host=127.0.0.1 port=$pport user=postgres dbname=postgres" "$B" >"$TMP/base.out"
cat "$TMP/base.out" >&2
base_bytes=$(du -sb "$B/base" | cut -f1)
base_s=$(sed -n 's/.* in \([0-9.]*\) s,.*/\1/p' "$TMP/base.out")

log "refused: a restore to a time before the base backup"
early=$(psql -X -qAt "$SUPER" -c "SELECT now() - interval '1 hour'")
if scripts/backup.sh restore "$B" "$TMP/early" $((pport + 2)) "$early" 2>"$TMP/early.err"; then
  log "a restore before the base backup was not refused"; exit 1
fi
refused_lines=$(wc -l <"$TMP/early.err")
[[ $refused_lines == 1 && ! -e $TMP/early ]] || { cat "$TMP/early.err" >&2; log "refusal was not one line, or left a cluster"; exit 1; }

log "$CLIENTS clients writing through the api; T after ${BEFORE_S}s, stop ${AFTER_S}s later"
apiport=$(scripts/pg.sh free-port $((29400 + 900 + RANDOM % 90)))
PORT=$apiport "$BUILD/api" 2>"$TMP/api.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$apiport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ADMIN=$("$BUILD/token" admin)
$PY tests/reliability/clients.py writes "$apiport" "$ADMIN" "$CLIENTS" "$TMP/stop" "$TMP/writes.jsonl" &
WRITER=$!
sleep "$BEFORE_S"
IFS='|' read -r T T_EPOCH < <(psql -X -qAt "$SUPER" -c \
  "SELECT t, extract(epoch FROM t) FROM (SELECT clock_timestamp() AS t) x")
sleep "$AFTER_S"
touch "$TMP/stop"
wait $WRITER
# close the segment holding the last writes and wait until it is archived: recovery must see a
# commit after T to know where T is
seg=$(psql -X -qAt "$SUPER" -c "SELECT pg_walfile_name(pg_switch_wal())")
for _ in $(seq 300); do
  [[ $(psql -X -qAt "$SUPER" -c "SELECT coalesce(last_archived_wal >= '$seg', false) FROM pg_stat_archiver") == t ]] && break
  sleep 0.1
done
wal_segments=$(ls "$B/wal" | grep -c '^[0-9A-F]\{24\}$')

log "restore to T = $T into a new cluster"
rport=$(scripts/pg.sh free-port $((pport + 1)))
scripts/backup.sh restore "$B" "$R" "$rport" "$T" >"$TMP/restore.out"
cat "$TMP/restore.out" >&2
recovery_s=$(sed -n 's/.*recovery took \([0-9.]*\) s/\1/p' "$TMP/restore.out")
fig=$($PY tests/reliability/clients.py restored "$TMP/writes.jsonl" "$T_EPOCH" \
  "host=127.0.0.1 port=$rport user=postgres dbname=leaving_care") && ok=1 || ok=0
care_leavers=$(psql -X -qAt "host=127.0.0.1 port=$rport user=postgres dbname=leaving_care" -c "SELECT count(*) FROM care_leavers")
line=$($PY - "$fig" <<PYEOF
import json, sys
f = json.loads(sys.argv[1])
out = {"scenario": "point-in-time restore to T into a new cluster (make restore-drill)",
       "writing_clients": $CLIENTS, "base_backup_bytes": $base_bytes, "base_backup_s": $base_s}
out.update(f)
out.update({"demo_care_leavers_restored": $care_leavers, "wal_segments_archived": $wal_segments,
            "recovery_s": $recovery_s, "restore_before_base_backup_refused": True})
print(json.dumps(out))
PYEOF
)
echo "$line"
[[ -n $FIGOUT ]] && echo "$line" >>"$FIGOUT"
[[ $care_leavers == 300 ]] || { log "the demo data did not come back whole"; ok=0; }
((ok)) && log "passed" || { log "FAILED"; exit 1; }
