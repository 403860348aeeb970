#!/usr/bin/env bash
# High availability drills against a PostgreSQL primary and a streaming standby, both started
# here (127.0.0.1 only, private clusters), with the real api and worker. Appends one JSON line
# of figures per scenario to FIGFILE; exits non-zero when a promise is broken.
#   tests/reliability/failover.sh BUILD FIGFILE standby            (make test, via run.sh --quick)
#   tests/reliability/failover.sh BUILD FIGFILE failover sync|async (make reliability)
# standby: a DATABASE_URL that reaches only the standby (503 naming a read-only server, never
#   a 500 on a write); a REPORT_DATABASE_URL that cannot be reached (the primary, one warning);
#   a Board report and an SSDA903 return read on the standby equal to the same read on the
#   primary.
# failover: two apis and two workers on a multi-host DATABASE_URL; write load across both
#   apis; the primary crashed (pg_ctl -m immediate) and the standby promoted mid-load.
set -euo pipefail
BUILD=$1 FIG=$2 MODE=$3 SYNC=${4:-sync}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
PY=/usr/bin/python3
TMP=$(mktemp -d /tmp/cl-ha.XXXXXX)
chmod 755 "$TMP"
P=$TMP/primary S=$TMP/standby PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$S" 2>/dev/null || true
  scripts/pg.sh stop "$P" 2>/dev/null || true
  if ((rc != 0)); then
    for f in "$TMP"/*.log; do [[ -f $f ]] && { echo "--- $f"; tail -15 "$f"; } >&2; done
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT
log() { echo "[ha] $*" >&2; }
fail=0

# below the ephemeral range (32768-60999), where a client socket of the load may sit on a port
pport=$(scripts/pg.sh free-port $((26400 + RANDOM % 1000)))
sport=$(scripts/pg.sh free-port $((pport + 1)))
if [[ $MODE == standby ]]; then scripts/pg.sh init "$P" "$pport" fast; else scripts/pg.sh init "$P" "$pport"; fi
scripts/pg.sh start "$P"
eval "$(scripts/pg.sh logins "$pport")"
export JWT_ALG=HS256 JWT_SECRET=reliability-secret-0123456789abcdef-012345 LA_CODE=999 CL_DEV_MODE=1
export NIGHTLY_AT=off LOG_LEVEL=info JOB_LEASE_S=3 WORKER_POLL_MS=300 READYZ_INTERVAL_MS=100 DB_TIMEOUT_MS=1000
export RATE_LIMIT_ADDR_PER_S=1000000 RATE_LIMIT_ADDR_BURST=1000000
export RATE_LIMIT_SUB_PER_S=1000000 RATE_LIMIT_SUB_BURST=1000000
export ASAN_OPTIONS=detect_leaks=1:exitcode=86
"$BUILD/api" --migrate-only 2>/dev/null
SUPER_P="host=127.0.0.1 port=$pport dbname=leaving_care user=postgres"
SUPER_S="host=127.0.0.1 port=$sport dbname=leaving_care user=postgres"
# the same login on another host list: "host=127.0.0.1 port=N ... rest" -> hosts and ports given
on() { sed -E "s/host=127\.0\.0\.1 port=[0-9]+/host=$1 port=$2/" <<<"$3"; }
APP_URL=$DATABASE_URL WORKER_URL=$WORKER_DATABASE_URL
unset DATABASE_URL WORKER_DATABASE_URL MIGRATION_DATABASE_URL SUPER_DATABASE_URL
SQL() { psql -X -qAt "$1" -c "$2"; }
ADMIN=$("$BUILD/token" admin)
start_api() { # NAME URL -> API_PORT
  API_PORT=$(scripts/pg.sh free-port $((19500 + RANDOM % 400)))
  DATABASE_URL=$2 PORT=$API_PORT "$BUILD/api" >/dev/null 2>"$TMP/$1.log" &
  PIDS+=($!)
  for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$API_PORT/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
}
start_worker() { # NAME URL [REPORT_URL]
  DATABASE_URL=$2 REPORT_DATABASE_URL=${3:-} "$BUILD/worker" >/dev/null 2>"$TMP/$1.log" &
  PIDS+=($!)
}
stop_pid() { kill -TERM "$1"; wait "$1" 2>/dev/null || true; PIDS=("${PIDS[@]/$1}"); }
queue() { # KIND PARAMS -> job id (on the given server)
  SQL "$1" "INSERT INTO jobs (id, kind, params, created_by, created_role) VALUES (gen_random_uuid(), '$2', '$3', 'reliability', 'admin') RETURNING id"
}
wait_job() { # URL ID STATUS SECONDS
  for _ in $(seq $(($4 * 10))); do
    [[ $(SQL "$1" "SELECT status FROM jobs WHERE id = '$2'" 2>/dev/null) == "$3" ]] && return 0
    sleep 0.1
  done
  return 1
}
# every artifact of job ID but the PDF, minus the moment it was made (timestamps), as one text
artifacts() {
  SQL "$1" "SELECT string_agg(name || ':' || regexp_replace(convert_from(bytes, 'UTF8'), '[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+Z', 'T', 'g'), E'\n' ORDER BY name) FROM artifacts WHERE job_id = '$2' AND name NOT LIKE '%.pdf'"
}

if [[ $MODE == standby ]]; then
  schema/demo/load.sh 300 7 "$SUPER_P" >/dev/null
  scripts/pg.sh standby "$P" "$S" "$sport" sync

  log "a DATABASE_URL reaching only the standby: 503 naming a read-only server, no 500"
  ro_url=$(on 127.0.0.1 "$sport" "$APP_URL")
  start_api api-ro-rw "$ro_url target_session_attrs=read-write"
  port1=$API_PORT
  start_api api-ro-any "$ro_url"
  port2=$API_PORT
  ready=() detail=() write=()
  for port in $port1 $port2; do
    sleep 0.5
    body=$(curl -sS "http://127.0.0.1:$port/readyz")
    ready+=("$(curl -sS -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/readyz")")
    grep -q 'connected to a read-only server' <<<"$body" && detail+=(1) || detail+=(0)
    write+=("$(curl -sS -o /dev/null -w '%{http_code}' -H "Authorization: Bearer $ADMIN" \
      -H 'Content-Type: application/json' -d '{"name":"Read Only","email":"ro@reliability.example"}' \
      "http://127.0.0.1:$port/v1/advisers")")
  done
  echo "{\"scenario\":\"DATABASE_URL reaching only a standby\",\"readyz_with_read_write\":${ready[0]},\"readyz_without\":${ready[1]},\"detail_names_read_only\":[${detail[0]},${detail[1]}],\"post_with_read_write\":${write[0]},\"post_without\":${write[1]}}" >>"$FIG"
  tail -1 "$FIG" >&2
  [[ ${ready[*]} == "503 503" && ${detail[*]} == "1 1" && ${write[*]} == "503 503" ]] || fail=1

  log "an unreachable REPORT_DATABASE_URL: the primary, one warning"
  dead=$(scripts/pg.sh free-port $((sport + 50)))
  start_worker worker-dead "$WORKER_URL" "$(on 127.0.0.1 "$dead" "$WORKER_URL") target_session_attrs=standby"
  w=${PIDS[-1]}
  as_at=$(SQL "$SUPER_P" "SELECT current_date")
  j1=$(queue "$SUPER_P" board_report "{\"as_at\": \"$as_at\", \"formats\": [\"json\", \"csv\"]}")
  j2=$(queue "$SUPER_P" board_report "{\"as_at\": \"$as_at\", \"formats\": [\"json\"]}")
  wait_job "$SUPER_P" "$j1" succeeded 60 && wait_job "$SUPER_P" "$j2" succeeded 60 && ok=1 || ok=0
  stop_pid "$w"
  warnings=$(grep -c 'REPORT_DATABASE_URL' "$TMP/worker-dead.log" || true)
  other=$(grep '"lvl":"warn"' "$TMP/worker-dead.log" | grep -vc 'REPORT_DATABASE_URL' || true)
  echo "{\"scenario\":\"REPORT_DATABASE_URL unreachable\",\"jobs_succeeded\":$ok,\"warning_lines\":$warnings,\"other_warnings\":$other}" >>"$FIG"
  tail -1 "$FIG" >&2
  [[ $ok == 1 && $warnings == 1 && $other == 0 ]] || fail=1

  log "reports read on the standby equal those read on the primary"
  start_worker worker-standby "$WORKER_URL" "$(on 127.0.0.1,127.0.0.1 "$pport,$sport" "$WORKER_URL") target_session_attrs=prefer-standby"
  w=${PIDS[-1]}
  year=$(SQL "$SUPER_P" "SELECT extract(year FROM current_date + interval '9 months')::int")
  b_s=$(queue "$SUPER_P" board_report "{\"as_at\": \"$as_at\", \"formats\": [\"json\", \"csv\", \"html\"]}")
  s_s=$(queue "$SUPER_P" ssda903 "{\"collection_year\": $year, \"format\": \"both\"}")
  wait_job "$SUPER_P" "$b_s" succeeded 60 && wait_job "$SUPER_P" "$s_s" succeeded 60 && ok=1 || ok=0
  on_standby=$(SQL "$SUPER_S" "SELECT count(*) FROM pg_stat_activity WHERE application_name = 'cl-worker-reports'")
  stop_pid "$w"
  start_worker worker-primary "$WORKER_URL"
  w=${PIDS[-1]}
  b_p=$(queue "$SUPER_P" board_report "{\"as_at\": \"$as_at\", \"formats\": [\"json\", \"csv\", \"html\"]}")
  s_p=$(queue "$SUPER_P" ssda903 "{\"collection_year\": $year, \"format\": \"both\"}")
  wait_job "$SUPER_P" "$b_p" succeeded 60 && wait_job "$SUPER_P" "$s_p" succeeded 60 || ok=0
  stop_pid "$w"
  artifacts "$SUPER_P" "$b_s" >"$TMP/board-standby.txt"
  artifacts "$SUPER_P" "$b_p" >"$TMP/board-primary.txt"
  diff "$TMP/board-standby.txt" "$TMP/board-primary.txt" | head -8 >&2 && same_board=1 || same_board=0
  [[ $(artifacts "$SUPER_P" "$s_s") == "$(artifacts "$SUPER_P" "$s_p")" ]] && same_903=1 || same_903=0
  figures=$(SQL "$SUPER_P" "SELECT result->>'figures' FROM jobs WHERE id = '$b_s'")
  echo "{\"scenario\":\"reports read on a standby\",\"jobs_succeeded\":$ok,\"report_connections_on_standby\":$on_standby,\"board_figures\":$figures,\"board_same_as_on_primary\":$same_board,\"ssda903_same_as_on_primary\":$same_903}" >>"$FIG"
  tail -1 "$FIG" >&2
  [[ $ok == 1 && $on_standby == 1 && $same_board == 1 && $same_903 == 1 && $figures -gt 0 ]] || fail=1
  exit $fail
fi

# ---- failover ---------------------------------------------------------------------------------
scripts/pg.sh standby "$P" "$S" "$sport" "$SYNC"
both_app=$(on 127.0.0.1,127.0.0.1 "$pport,$sport" "$APP_URL")" target_session_attrs=read-write"
both_worker=$(on 127.0.0.1,127.0.0.1 "$pport,$sport" "$WORKER_URL")" target_session_attrs=read-write"
start_api api1 "$both_app"
a1=$API_PORT
start_api api2 "$both_app"
a2=$API_PORT
NIGHTLY_AT=00:00 start_worker worker1 "$both_worker"
NIGHTLY_AT=00:00 start_worker worker2 "$both_worker"
before=("${PIDS[@]}")
for _ in $(seq 100); do
  [[ $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$a1/readyz") == 200 &&
    $(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$a2/readyz") == 200 ]] && break
  sleep 0.1
done
# a job that will be running when the primary dies
held=$(queue "$SUPER_P" noop '{"sleep_ms": 5000}')
wait_job "$SUPER_P" "$held" running 10 || fail=1
log "failover ($SYNC standby): write load on two apis, primary crashed, standby promoted"
# The fault: the primary's WAL sender stalls for LAG_S (a slow or broken link to the standby)
# and the primary dies just then (the sender is killed with it, so what it held never leaves).
# A synchronous primary acknowledges no commit the standby has not got; an asynchronous one
# acknowledges what the standby will never see.
LAG_S=0.5
sender=$(SQL "$SUPER_P" "SELECT pid FROM pg_stat_replication WHERE application_name = 'standby1'")
$PY tests/reliability/clients.py failover "$a1" "$a2" "$ADMIN" 12 2 "kill -STOP $sender; sleep $LAG_S" \
  "kill -KILL $sender; scripts/pg.sh crash $P" "scripts/pg.sh promote $S" "$SUPER_S" "$SYNC" \
  >"$TMP/failover.json" || fail=1
new=$(queue "$SUPER_S" noop '{}')
wait_job "$SUPER_S" "$new" succeeded 30 && new_done=1 || new_done=0
wait_job "$SUPER_S" "$held" succeeded 30 || true
row=$(SQL "$SUPER_S" "SELECT status, attempts, (SELECT count(*) FROM artifacts WHERE job_id = '$held') FROM jobs WHERE id = '$held'")
IFS='|' read -r held_st held_att held_arts <<<"${row:-lost|0|0}"
nightly=$(SQL "$SUPER_S" "SELECT coalesce(max(n), 0) || '|' || count(*) FROM (SELECT count(*) AS n FROM jobs WHERE idempotency_key LIKE 'nightly:%' GROUP BY idempotency_key) k")
IFS='|' read -r nightly_max nightly_keys <<<"$nightly"
alive=0
for p in "${before[@]}"; do kill -0 "$p" 2>/dev/null && alive=$((alive + 1)); done
$PY - "$TMP/failover.json" "$SYNC" "$held_st" "$held_att" "$held_arts" "$new_done" "$nightly_max" "$nightly_keys" "$alive" >>"$FIG" <<'PYEOF'
import json, sys
f = json.load(open(sys.argv[1]))
f["scenario"] = "failover to a%s standby under write load" % ("" if sys.argv[2] == "sync" else "n asynchronous")
f = {"scenario": f.pop("scenario"), **f}
f.update({"standby_stalled_before_crash_s": 0.5, "job_running_at_crash": sys.argv[3], "its_attempts": int(sys.argv[4]),
          "its_artifacts": int(sys.argv[5]), "job_queued_after_failover_done": sys.argv[6] == "1",
          "most_nightly_jobs_per_day": int(sys.argv[7]), "nightly_days": int(sys.argv[8]),
          "apis_and_workers_still_running_unrestarted": int(sys.argv[9])})
print(json.dumps(f))
PYEOF
tail -1 "$FIG" >&2
[[ $held_st == succeeded && $held_arts == 2 && $new_done == 1 && $nightly_max == 1 && $alive == 4 ]] || fail=1
exit $fail
