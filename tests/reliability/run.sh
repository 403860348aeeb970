#!/usr/bin/env bash
# make reliability: faults, load and hostile input against the real api and worker on a
# private PostgreSQL (fsync on), with figures. --quick is the shortened form make test runs.
#   tests/reliability/run.sh BUILD [--quick] [--record]   (--record rewrites RELIABILITY.md's figures)
set -euo pipefail
BUILD=${1:-build/san}
QUICK=0 RECORD=0
for a in "${@:2}"; do
  case $a in --quick) QUICK=1 ;; --record) RECORD=1 ;; esac
done
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/cl-rel.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg PIDS=() FIG=$TMP/figures.jsonl
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$PGDIR" 2>/dev/null || true
  ((rc == 0)) || { echo "--- api log"; tail -20 "$TMP/api.log"; echo "--- worker log"; tail -20 "$TMP/worker.log"; } 2>/dev/null || true
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
log() { echo "[reliability] $*" >&2; }

# below the ephemeral range (32768-60999), where a client socket may already hold the port
pgport=$(scripts/pg.sh free-port $((27400 + RANDOM % 1000)))
scripts/pg.sh init "$PGDIR" "$pgport"
scripts/pg.sh start "$PGDIR"
# The api as cl_app, the worker as cl_worker, migrations as cl_owner (SECURITY.md); the
# superuser (SUPER) only creates them and, below, queues jobs and checks what was written.
eval "$(scripts/pg.sh logins "$pgport")"
WORKER_URL=$WORKER_DATABASE_URL SUPER=$SUPER_DATABASE_URL
export JWT_ALG=HS256 JWT_SECRET=reliability-secret-0123456789abcdef-012345 LA_CODE=999 CL_DEV_MODE=1
export LOG_LEVEL=info JOB_LEASE_S=3 WORKER_POLL_MS=500 READYZ_INTERVAL_MS=250
export RATE_LIMIT_ADDR_PER_S=1000000 RATE_LIMIT_ADDR_BURST=1000000
export RATE_LIMIT_SUB_PER_S=1000000 RATE_LIMIT_SUB_BURST=1000000
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
"$BUILD/api" --migrate-only 2>/dev/null
apiport=$(scripts/pg.sh free-port $((19000 + RANDOM % 500)))
PORT=$apiport "$BUILD/api" 2>"$TMP/api.log" &
API_PID=$!
PIDS+=($API_PID)
DATABASE_URL=$WORKER_URL "$BUILD/worker" 2>"$TMP/worker.log" &
PIDS+=($!)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$apiport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
ADMIN=$("$BUILD/token" admin)
SQL() { psql -X -qAt "$SUPER" -c "$1"; }
fail=0

if ((QUICK)); then dur=8 out=3 nconn=200 probe=4; else dur=30 out=10 nconn=1000 probe=15; fi

log "1. database outage of ${out}s under write load"
$PY tests/reliability/clients.py outage "$apiport" "$ADMIN" "$PGDIR" "$dur" "$out" "$SUPER" >>"$FIG" || fail=1
tail -1 "$FIG" >&2

log "2a. a worker started while the database is down waits and connects"
scripts/pg.sh stop "$PGDIR"
DATABASE_URL=$WORKER_URL "$BUILD/worker" 2>"$TMP/worker2.log" &
W2=$!
PIDS+=($W2)
sleep 2
scripts/pg.sh start "$PGDIR"
t0=$(date +%s.%N)
id=$(SQL "INSERT INTO jobs (id, kind, params, created_by, created_role) VALUES (gen_random_uuid(), 'noop', '{}', 'reliability', 'admin') RETURNING id")
for _ in $(seq 200); do [[ $(SQL "SELECT status FROM jobs WHERE id = '$id'") == succeeded ]] && break; sleep 0.1; done
st=$(SQL "SELECT status FROM jobs WHERE id = '$id'")
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
# the new worker retries with backoff (up to 5 s between tries): give it that long to connect
for _ in $(seq 100); do grep -q 'connected and listening' "$TMP/worker2.log" && break; sleep 0.1; done
connected=$(grep -c 'connected and listening' "$TMP/worker2.log" || true)
echo "{\"scenario\":\"worker started while the database is down\",\"worker_connected\":$connected,\"job_status\":\"$st\",\"seconds_to_done_after_db_back\":$secs}" >>"$FIG"
[[ $st == succeeded && $connected -ge 1 ]] || fail=1
tail -1 "$FIG" >&2

log "2b. kill -9 of a worker mid-job"
id=$(SQL "INSERT INTO jobs (id, kind, params, created_by, created_role) VALUES (gen_random_uuid(), 'noop', '{\"sleep_ms\": 2500}', 'reliability', 'admin') RETURNING id")
for _ in $(seq 100); do [[ $(SQL "SELECT status FROM jobs WHERE id = '$id'") == running ]] && break; sleep 0.05; done
victim=$(SQL "SELECT split_part(locked_by, ':', 2) FROM jobs WHERE id = '$id'")
kill -9 "$victim"
for _ in $(seq 300); do [[ $(SQL "SELECT status FROM jobs WHERE id = '$id'") == succeeded ]] && break; sleep 0.1; done
row=$(SQL "SELECT status, attempts, (SELECT coalesce(count(*) / nullif(count(DISTINCT name), 0), 0) FROM artifacts WHERE job_id = '$id') FROM jobs WHERE id = '$id'")
IFS='|' read -r st att arts <<<"$row"
echo "{\"scenario\":\"kill -9 of a worker mid-job, two workers\",\"job_status\":\"$st\",\"attempts\":$att,\"artifact_sets\":$arts}" >>"$FIG"
[[ $st == succeeded && $arts == 1 && $att -ge 2 ]] || fail=1
tail -1 "$FIG" >&2
# restart the worker that was killed, whichever it was
DATABASE_URL=$WORKER_URL "$BUILD/worker" 2>>"$TMP/worker3.log" &
PIDS+=($!)

log "2c. a job that always fails is retried with backoff, then failed"
id=$(SQL "INSERT INTO jobs (id, kind, params, created_by, created_role, max_attempts) VALUES (gen_random_uuid(), 'noop', '{\"fail\": true}', 'reliability', 'admin', 3) RETURNING id")
for _ in $(seq 300); do [[ $(SQL "SELECT status FROM jobs WHERE id = '$id'") == failed ]] && break; sleep 0.1; done
row=$(SQL "SELECT status, attempts, round(extract(epoch FROM finished_at - created_at)::numeric, 1), error FROM jobs WHERE id = '$id'")
IFS='|' read -r st att secs err <<<"$row"
echo "{\"scenario\":\"failing job retried with backoff\",\"job_status\":\"$st\",\"attempts\":$att,\"seconds_to_failed\":$secs,\"error\":\"$err\"}" >>"$FIG"
[[ $st == failed && $att == 3 ]] || fail=1
tail -1 "$FIG" >&2

log "3. $nconn idle keep-alive connections and a slowloris while others are served"
$PY tests/reliability/clients.py conns "$apiport" "$nconn" "$probe" >>"$FIG" || fail=1
tail -1 "$FIG" >&2

log "4. generated invalid bodies for every write operation"
$PY tests/reliability/clients.py badinput "$apiport" "$SUPER" >>"$FIG" || fail=1
tail -1 "$FIG" >&2

log "4b. bodies and tokens built to exhaust a request thread's stack or CPU, beside ordinary load"
$PY tests/reliability/clients.py hostile "$apiport" "$dur" >>"$FIG" || fail=1
tail -1 "$FIG" >&2

log "5. logs: JSON lines only, no tokens, no personal data"
nonjson=$(cat "$TMP"/api.log "$TMP"/worker*.log | grep -cv '^{' || true)
tokens=$(cat "$TMP"/api.log "$TMP"/worker*.log | grep -c 'eyJ' || true)
names=$(cat "$TMP"/api.log "$TMP"/worker*.log | grep -c 'Reliability Load\|reliability.example' || true)
echo "{\"scenario\":\"log hygiene\",\"log_lines\":$(cat "$TMP"/api.log "$TMP"/worker*.log | wc -l),\"non_json_lines\":$nonjson,\"token_lines\":$tokens,\"personal_data_lines\":$names}" >>"$FIG"
[[ $nonjson == 0 && $tokens == 0 && $names == 0 ]] || fail=1
tail -1 "$FIG" >&2

kill -TERM $API_PID; st=0; wait $API_PID || st=$?
PIDS=("${PIDS[@]/$API_PID}")
[[ $st == 0 ]] || { echo "api exited with $st (sanitizer report?)" >&2; fail=1; }

log "6. make run's supervisor restarts an api that dies, and says so"
port2=$(scripts/pg.sh free-port $((apiport + 1)))
PORT=$port2 scripts/supervise.sh api "$TMP/api-supervised.log" "$BUILD/api" 2>"$TMP/supervise.err" &
SUP=$!
PIDS+=($SUP)
up() { curl -fsS "http://127.0.0.1:$port2/healthz" >/dev/null 2>&1; }
for _ in $(seq 100); do up && break; sleep 0.1; done
first=$(pgrep -P "$SUP" || true)
kill -KILL "$first"
t0=$(date +%s.%N)
for _ in $(seq 100); do sleep 0.1; second=$(pgrep -P "$SUP" || true); [[ -n $second && $second != "$first" ]] && up && break; done
secs=$(awk -v a="$t0" -v b="$(date +%s.%N)" 'BEGIN{printf "%.2f", b-a}')
said=$(grep -c 'api exited with signal KILL' "$TMP/supervise.err" "$TMP/api-supervised.log" | awk -F: '{s+=$2} END{print s}')
up && restarted=1 || restarted=0
kill -TERM "$SUP"; wait "$SUP" 2>/dev/null || true
PIDS=("${PIDS[@]/$SUP}")
kill -0 "$second" 2>/dev/null && left=1 || left=0
echo "{\"scenario\":\"api killed under make run's supervisor\",\"restarted\":$restarted,\"seconds_to_answer_again\":$secs,\"exit_reported\":$said,\"api_left_running_after_stop\":$left}" >>"$FIG"
[[ $restarted == 1 && $said == 2 && $left == 0 ]] || fail=1
tail -1 "$FIG" >&2

log "7. a primary and a streaming standby: read-only server, report database, reports on the standby"
tests/reliability/failover.sh "$BUILD" "$FIG" standby || fail=1
if ((!QUICK)); then
  log "8. failover under write load: synchronous standby, then asynchronous"
  tests/reliability/failover.sh "$BUILD" "$FIG" failover sync || fail=1
  tests/reliability/failover.sh "$BUILD" "$FIG" failover async || fail=1
  log "9. backup and point-in-time restore under write load (make restore-drill)"
  tests/reliability/restore_drill.sh "$BUILD" "$FIG" >/dev/null || fail=1
fi

if ((RECORD)); then
  $PY - "$FIG" <<'PYEOF'
import json, sys, datetime, subprocess
rows = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
doc = open("RELIABILITY.md").read()
head = doc.split("## Figures from the last run")[0]
commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True).stdout.strip()
out = [head.rstrip(), "", "## Figures from the last run", "",
       "Recorded %s at commit `%s` by `make reliability` (full form)." % (
           datetime.datetime.utcnow().strftime("%Y-%m-%d %H:%M UTC"), commit), ""]
for r in rows:
    out.append("- **%s**: %s" % (r.pop("scenario"), ", ".join("%s %s" % (k.replace("_", " "), json.dumps(v)) for k, v in r.items())))
open("RELIABILITY.md", "w").write("\n".join(out) + "\n")
PYEOF
fi
((fail == 0)) && echo "reliability: all scenarios passed" || { echo "reliability: FAILED" >&2; exit 1; }
