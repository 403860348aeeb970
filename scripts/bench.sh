#!/usr/bin/env bash
# make bench: the api and worker built with optimisation, 100 000 generated care leavers in a
# throwaway PostgreSQL, and one run of wrk (64 connections, 127.0.0.1) against the api beside
# pgbench running the api's own statements and, when ../shared/bench is beside the checkout,
# the Civetweb hello server and the Fastify peer; then the SSDA903 and Board jobs. Prints one
# table, judges the issue 19 targets from it, appends tests/bench/NOTES.md (the profile behind
# the figures) and writes it all to BENCHMARKS.md.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
N=${BENCH_ROWS:-100000}
CONNS=${BENCH_CONNS:-64}
DUR=${BENCH_DURATION:-10}
WARM=${BENCH_WARMUP:-3}
YARD=${BENCH_YARDSTICKS:-$ROOT/../shared/bench}
PGBIN=/usr/lib/postgresql/15/bin
BUILD=build/rel
T0=$SECONDS
LOAD_BEFORE=$(uptime | sed 's/.*load average/load average/')
log() { printf '[bench %4ss] %s\n' $((SECONDS - T0)) "$*" >&2; }

for tool in wrk jq curl; do
  command -v $tool >/dev/null || { [[ $EUID -eq 0 ]] && apt-get install -y -q $tool >/dev/null; }
done
make -s BUILD=$BUILD $BUILD/api $BUILD/worker $BUILD/token

STATE=$(mktemp -d /tmp/cl-bench.XXXXXX)
chmod 755 "$STATE"
PGDIR=$STATE/pg PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$STATE/standby" 2>/dev/null || true
  scripts/pg.sh stop "$PGDIR" 2>/dev/null || true
  rm -rf "$STATE"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# below the ephemeral range (32768-60999), where a client socket may already hold the port
pgport=$(scripts/pg.sh free-port $((28400 + RANDOM % 1000)))
scripts/pg.sh init "$PGDIR" "$pgport" fast
scripts/pg.sh start "$PGDIR"
export PGHOST=127.0.0.1 PGPORT=$pgport PGUSER=postgres PGDATABASE=leaving_care
# The api as cl_app, the worker as cl_worker, migrations as cl_owner (SECURITY.md); psql below
# is the cluster's superuser (loading and inspecting the data).
eval "$(scripts/pg.sh logins "$pgport")"
export JWT_ALG=HS256 JWT_SECRET=bench-only-secret-0123456789abcdef-0123 LA_CODE=999 CL_DEV_MODE=1
# wrk sends everything from one address and one token: limits it never reaches, so the
# limiter's own cost is in the figures.
export RATE_LIMIT_ADDR_PER_S=1000000 RATE_LIMIT_ADDR_BURST=1000000
export RATE_LIMIT_SUB_PER_S=1000000 RATE_LIMIT_SUB_BURST=1000000
export LOG_LEVEL=warn API_THREADS=${API_THREADS:-1100} DB_POOL_SIZE=${DB_POOL_SIZE:-16}
$BUILD/api --migrate-only
log "generating $N care leavers with their histories"
t=$SECONDS
schema/demo/load.sh "$N" 42 "host=127.0.0.1 port=$pgport dbname=leaving_care user=postgres" >&2
GEN_S=$((SECONDS - t))
psql -X -q -c "VACUUM ANALYZE"
psql -X -qAt -c "SELECT id FROM care_leavers ORDER BY random() LIMIT 20000" >"$STATE/ids"
# Contacts are posted for care leavers with no recorded death: a successful contact after a
# death is refused (409), which would count as errors rather than measure the write.
psql -X -qAt -c "SELECT c.id FROM care_leavers c WHERE NOT EXISTS (SELECT 1 FROM contact_status_events e
                 WHERE e.care_leaver_id = c.id AND e.status = 'died') ORDER BY random() LIMIT 20000" \
  >"$STATE/ids_alive"
psql -X -q -c "CREATE TABLE bench_ids AS SELECT row_number() OVER (ORDER BY id)::int AS g, id
               FROM care_leavers; ALTER TABLE bench_ids ADD PRIMARY KEY (g);
               GRANT SELECT ON bench_ids TO cl_app"

apiport=$(scripts/pg.sh free-port $((19600 + RANDOM % 300)))
PORT=$apiport $BUILD/api 2>"$STATE/api.log" &
API_PID=$!
PIDS+=($API_PID)
# The worker logs at info: its lines give each job's query and rendering times.
DATABASE_URL=$WORKER_DATABASE_URL LOG_LEVEL=info $BUILD/worker 2>"$STATE/worker.log" &
WORKER_PID=$!
PIDS+=($WORKER_PID)
for _ in $(seq 100); do curl -fsS "http://127.0.0.1:$apiport/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
TOKEN=$($BUILD/token manager)
API=http://127.0.0.1:$apiport

ROWS=$STATE/rows.tsv
: >"$ROWS"
# Peak RSS (VmHWM) summed over a comma-separated list of pids, and its reset (writing 5 to
# clear_refs), so each row shows the peak of its own load rather than of every row before.
rss_mib() {
  local p k total=0
  for p in ${1//,/ }; do
    k=$(awk '/^VmHWM:/ {print $2}' "/proc/$p/status" 2>/dev/null) || k=0
    total=$((total + ${k:-0}))
  done
  awk -v k=$total 'BEGIN {printf "%.1f", k / 1024}'
}
rss_reset() { local p; for p in ${1//,/ }; do echo 5 >"/proc/$p/clear_refs" 2>/dev/null || true; done; }

# measure NAME URL PIDS [env for wrk.lua...]   (PIDS: comma-separated, or - for none)
measure() {
  local name=$1 url=$2 pid=$3 out r probe
  shift 3
  log "$name: warm-up ${WARM}s, measure ${DUR}s"
  [[ $pid == - ]] || rss_reset "$pid"
  env "$@" wrk -t2 -c"$CONNS" -d"${WARM}s" --timeout 5s -s tests/bench/wrk.lua "$url" >/dev/null
  (sleep $((DUR / 2)); curl -s -o /dev/null -m $((DUR + 5)) -w '%{time_total}' \
     ${PROBE_AUTH:+-H "Authorization: Bearer $PROBE_AUTH"} "$PROBE_URL" || echo nan) >"$STATE/probe" &
  local probe_pid=$!
  out=$(env "$@" wrk -t2 -c"$CONNS" -d"${DUR}s" --timeout 5s -s tests/bench/wrk.lua "$url")
  wait $probe_pid || true
  r=$(grep '^RESULT' <<<"$out")
  read -r _ req dur p50 p99 errs non2xx <<<"$r"
  probe=$(awk -v v="$(cat "$STATE/probe")" 'BEGIN {printf (v == "nan" ? "fail" : "%.1f"), v * 1000}')
  printf '%s\t%.0f\t%.2f\t%.2f\t%d\t%s\t%s\n' "$name" "$(awk -v r=$req -v d=$dur 'BEGIN{print r/(d/1e6)}')" \
    "$(awk -v v=$p50 'BEGIN{print v/1000}')" "$(awk -v v=$p99 'BEGIN{print v/1000}')" \
    $((errs + non2xx)) "$probe" "$( [[ $pid == - ]] && echo - || rss_mib "$pid")" >>"$ROWS"
}

first_id=$(head -1 "$STATE/ids")
PROBE_URL=$API/v1/care-leavers/$first_id PROBE_AUTH=$TOKEN \
  measure "api GET /v1/care-leavers/{id}" "$API" $API_PID \
  PATH_TEMPLATE="/v1/care-leavers/{id}" IDS_FILE="$STATE/ids" TOKEN="$TOKEN"
PROBE_URL="$API/v1/care-leavers?limit=50" PROBE_AUTH=$TOKEN \
  measure "api GET /v1/care-leavers?limit=50 (first page)" "$API" $API_PID \
  PATH_TEMPLATE="/v1/care-leavers?limit=50" TOKEN="$TOKEN"
# The cursor 1 000 pages deep (row 50 000), reached by following next_cursor.
cursor=""
for _ in $(seq 250); do
  cursor=$(curl -fsS -H "Authorization: Bearer $TOKEN" \
    "$API/v1/care-leavers?limit=200${cursor:+&cursor=$cursor}" | jq -r .next_cursor)
done
PROBE_URL="$API/v1/care-leavers?limit=50&cursor=$cursor" PROBE_AUTH=$TOKEN \
  measure "api GET /v1/care-leavers?limit=50 (1 000 pages deep)" "$API" $API_PID \
  PATH_TEMPLATE="/v1/care-leavers?limit=50&cursor=$cursor" TOKEN="$TOKEN"
# An adviser opening their own caseload (issue 19): the adviser's token and ?adviser_id= their
# own id, for an adviser with 24 to 30 care leavers.
read -r ADVISER CASELOAD < <(psql -X -qAt -F ' ' -c "SELECT adviser_id, count(*) FROM care_leavers
  WHERE adviser_id IS NOT NULL GROUP BY 1 HAVING count(*) BETWEEN 24 AND 30 ORDER BY 1 LIMIT 1")
ATOKEN=$($BUILD/token adviser "$ADVISER")
CASELOAD_ROW="api GET /v1/care-leavers?adviser_id= (adviser's own caseload, $CASELOAD)"
PROBE_URL="$API/v1/care-leavers?adviser_id=$ADVISER" PROBE_AUTH=$ATOKEN \
  measure "$CASELOAD_ROW" "$API" $API_PID \
  PATH_TEMPLATE="/v1/care-leavers?adviser_id=$ADVISER" TOKEN="$ATOKEN"
PROBE_URL=$API/healthz PROBE_AUTH= \
  measure "api POST /v1/care-leavers/{id}/contacts" "$API" $API_PID \
  PATH_TEMPLATE="/v1/care-leavers/{id}/contacts" IDS_FILE="$STATE/ids_alive" TOKEN="$TOKEN" METHOD=POST \
  BODY='{"occurred_on":"{date}","method":"phone","successful":true,"statutory_visit":false}'

# pgbench_row NAME OUTPUT: a table row from pgbench's output and its per-transaction log.
pgbench_row() {
  local tps lat fails
  tps=$(grep -oP 'tps = \K[0-9.]+' <<<"$2" | head -1)
  lat=$(cat "$STATE"/pgb.* | awk '{print $3}' | sort -n | awk '{a[NR]=$1} END {printf "%.2f %.2f", a[int(NR*0.5)]/1000, a[int(NR*0.99)]/1000}')
  rm -f "$STATE"/pgb.*
  fails=$(grep -oP 'number of failed transactions: \K[0-9]+' <<<"$2" || echo 0)
  printf '%s\t%.0f\t%s\t%s\t%s\t-\t-\n' "$1" "${tps:-0}" \
    "$(cut -d' ' -f1 <<<"$lat")" "$(cut -d' ' -f2 <<<"$lat")" "${fails:-0}" >>"$ROWS"
}

# pgbench: the api's own statements for GET by id, pipelined as the api sends them, as the
# api's login (its password is in DATABASE_URL).
for c in $CONNS 16; do
  log "pgbench GET by id -c $c"
  out=$(PGUSER=cl_app PGPASSWORD=$(sed -E 's/.*password=([^ ]+).*/\1/' <<<"$DATABASE_URL") $PGBIN/pgbench -n -M prepared -f tests/bench/pgbench_get.sql \
    -D n="$N" -c "$c" -j 2 -T "$DUR" --log --log-prefix="$STATE/pgb" leaving_care 2>&1)
  pgbench_row "pgbench GET by id, same statements -c $c" "$out"
done

# Yardsticks, when the shared bench folder is beside the checkout.
YARDSTICKS=skipped
if [[ -d $YARD/hello && -d $YARD/peer-fastify ]]; then
  YARDSTICKS=run
  log "yardsticks from $YARD"
  psql -X -q -v n="$N" -f "$YARD/seed.sql" >/dev/null
  psql -X -qAt -c "SELECT id FROM bench_care_leaver ORDER BY random() LIMIT 20000" >"$STATE/yids"
  make -s -C "$YARD/hello" >&2
  hport=$(scripts/pg.sh free-port 18900)
  "$YARD/hello/hello" "$hport" $((CONNS + 8)) 2>/dev/null &
  HP=$!
  PIDS+=($HP)
  sleep 0.5
  PROBE_URL=http://127.0.0.1:$hport/hello PROBE_AUTH= \
    measure "yardstick: Civetweb hello ($((CONNS + 8)) threads)" "http://127.0.0.1:$hport" $HP \
    PATH_TEMPLATE=/hello
  kill $HP; wait $HP 2>/dev/null || true
  [[ -d $YARD/peer-fastify/node_modules ]] || (cd "$YARD/peer-fastify" && npm ci --no-audit --no-fund --loglevel=error) >&2
  pport=$(scripts/pg.sh free-port 18950)
  (cd "$YARD/peer-fastify" && PORT=$pport WORKERS=2 PG_POOL=8 BENCH_AUDIT=1 JWT_SECRET=$JWT_SECRET \
    exec node server.js) 2>"$STATE/peer.log" &
  PP=$!
  PIDS+=($PP)
  for _ in $(seq 100); do curl -s -o /dev/null "http://127.0.0.1:$pport/" && break; sleep 0.1; done
  PTOKEN=$(node "$YARD/mkjwt.mjs" "$JWT_SECRET" 3600)
  # the peer's RSS is the sum over its cluster (the primary and its workers)
  PROBE_URL=http://127.0.0.1:$pport/care-leavers/$(head -1 "$STATE/yids") PROBE_AUTH=$PTOKEN \
    measure "yardstick: Fastify peer x2, GET by id (audit)" "http://127.0.0.1:$pport" \
    "$(tr ' ' ',' <<<"$PP $(pgrep -P $PP | tr '\n' ' ')" | sed 's/,*$//')" \
    PATH_TEMPLATE="/care-leavers/{id}" IDS_FILE="$STATE/yids" TOKEN="$PTOKEN"
  kill $PP; wait $PP 2>/dev/null || true
  # The database's limit for the peer's simpler statement (a primary-key read and its audit
  # row), beside the row above for the api's own statements.
  log "pgbench, the peer's statement -c $CONNS"
  out=$($PGBIN/pgbench -n -M prepared -f "$YARD/pgbench_get_audit.sql" -D n="$N" -c "$CONNS" -j 2 \
    -T "$DUR" --log --log-prefix="$STATE/pgb" leaving_care 2>&1)
  pgbench_row "yardstick: pgbench, the peer's statement (GET by id + audit) -c $CONNS" "$out"
fi

# Worker jobs over the same data.
job() { # kind params -> seconds from start to finish
  local id st
  id=$(curl -fsS -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
    -d "{\"kind\":\"$1\",\"params\":$2}" "$API/v1/jobs" | jq -r .id)
  for _ in $(seq 600); do
    st=$(psql -X -qAt -c "SELECT status FROM jobs WHERE id = '$id'")
    [[ $st == succeeded || $st == failed ]] && break
    sleep 0.2
  done
  psql -X -qAt -c "SELECT status || ' ' || round(extract(epoch FROM finished_at - started_at)::numeric, 2) FROM jobs WHERE id = '$id'"
}
year=$(date +%Y); [[ $(date +%m) > 03 ]] && year=$((year + 1))
log "SSDA903 return (csv and xml, with validation)"
SSDA=$(job ssda903 "{\"collection_year\":$year,\"format\":\"both\"}")
log "Board report (json, csv, html, pdf)"
BOARD=$(job board_report "{\"as_at\":\"$(date +%Y-%m-%d)\",\"formats\":[\"json\",\"csv\",\"html\",\"pdf\"]}")
BOARD_TIMING=$(grep -o 'board report as at [^"]*' "$STATE/worker.log" | tail -1)

# The api's GET by id while Board reports run back to back, the worker reading the primary,
# then (issue 28) a streaming standby of it (REPORT_DATABASE_URL). Here the standby shares the
# machine's cores with everything else, so it moves the reads off the primary's processes but
# not off the CPU: on a standby of its own host the difference is larger.
board_loop() {
  while [[ ! -e $STATE/board-stop ]]; do
    job board_report "{\"as_at\":\"$(date +%Y-%m-%d)\",\"formats\":[\"json\"]}" >>"$STATE/board-loop"
  done
}
get_during_boards() { # NAME
  rm -f "$STATE/board-stop"
  board_loop &
  local loop=$!
  PROBE_URL=$API/v1/care-leavers/$first_id PROBE_AUTH=$TOKEN \
    measure "$1" "$API" $API_PID PATH_TEMPLATE="/v1/care-leavers/{id}" IDS_FILE="$STATE/ids" TOKEN="$TOKEN"
  touch "$STATE/board-stop"
  wait $loop || true
}
: >"$STATE/board-loop"
get_during_boards "api GET /v1/care-leavers/{id} while Board reports read the primary"
BOARDS_PRIMARY=$(grep -c succeeded "$STATE/board-loop" || true)
log "a streaming standby for the reports"
scripts/pg.sh standby "$PGDIR" "$STATE/standby" "$(scripts/pg.sh free-port $((pgport + 1)))" async
kill -TERM $WORKER_PID; wait $WORKER_PID 2>/dev/null || true
PIDS=("${PIDS[@]/$WORKER_PID}")
REPORT_DATABASE_URL="host=127.0.0.1 port=$(cat "$STATE/standby/port") ${WORKER_DATABASE_URL#host=127.0.0.1 port=$pgport } target_session_attrs=standby" \
  DATABASE_URL=$WORKER_DATABASE_URL LOG_LEVEL=info $BUILD/worker 2>"$STATE/worker-standby.log" &
PIDS+=($!)
: >"$STATE/board-loop"
get_during_boards "api GET /v1/care-leavers/{id} while Board reports read a standby"
BOARDS_STANDBY=$(grep -c succeeded "$STATE/board-loop" || true)
grep -q '"reports"' "$STATE/worker-standby.log" && BOARDS_STANDBY="$BOARDS_STANDBY (fell back to the primary)"

# ---- the targets (issue 19), judged from this run's rows ----
col() { awk -F'\t' -v n="$1" -v c="$2" '$1 == n {print $c}' "$ROWS"; }
verdict() { awk -v v="$1" 'BEGIN {print (v == 1 ? "met" : "**missed**")}'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN {printf "%.2f ×", a / b}'; }
atleast() { verdict "$(awk -v a="$1" -v b="$2" -v k="$3" 'BEGIN {print (b > 0 && a >= k * b)}')"; }
targets() {
  local get="api GET /v1/care-leavers/{id}" first="api GET /v1/care-leavers?limit=50 (first page)"
  local deep="api GET /v1/care-leavers?limit=50 (1 000 pages deep)"
  local post="api POST /v1/care-leavers/{id}/contacts" g p99 rss f d fr cl po s b name probe
  g=$(col "$get" 2); p99=$(col "$get" 4); rss=$(col "$get" 7)
  f=$(col "$first" 3); d=$(col "$deep" 3); fr=$(col "$first" 2); cl=$(col "$CASELOAD_ROW" 2)
  po=$(col "$post" 2)
  s=$(awk '{print $2}' <<<"$SSDA"); b=$(awk '{print $2}' <<<"$BOARD")
  echo "## Targets"
  echo
  echo "| target | this run | |"
  echo "|---|---|---|"
  if [[ -n ${peer:-} ]]; then
    echo "| GET by id ≥ 1.0 × the Fastify peer | $(ratio "$g" "$peer") | $(atleast "$g" "$peer" 1) |"
  else
    echo "| GET by id ≥ 1.0 × the Fastify peer | yardsticks skipped | - |"
  fi
  echo "| GET by id p99 < 25 ms at $CONNS connections | $p99 ms | $(verdict "$(awk -v a="$p99" 'BEGIN {print (a < 25)}')") |"
  echo "| list page of 50 ≥ 0.3 × GET by id req/s | $(ratio "$fr" "$g") | $(atleast "$fr" "$g" 0.3) |"
  echo "| adviser's own caseload ≥ 0.3 × GET by id req/s | $(ratio "$cl" "$g") | $(atleast "$cl" "$g" 0.3) |"
  echo "| deep page p50 ≤ 1.2 × first page p50 | $d ms vs $f ms ($(ratio "$d" "$f")) | $(verdict "$(awk -v a="$d" -v b="$f" 'BEGIN {print (a <= 1.2 * b)}')") |"
  echo "| POST contact ≥ 0.5 × GET by id req/s | $(ratio "$po" "$g") | $(atleast "$po" "$g" 0.5) |"
  while IFS=$'\t' read -r name _ _ _ _ probe _; do
    [[ $name == api* ]] || continue
    echo "| new-connection probe < 100 ms during \"$name\" | $probe ms | $(verdict "$(awk -v a="$probe" 'BEGIN {print (a != "fail" && a < 100)}')") |"
  done <"$ROWS"
  echo "| api peak RSS < 64 MiB under the GET load | $rss MiB | $(verdict "$(awk -v a="$rss" 'BEGIN {print (a < 64)}')") |"
  echo "| SSDA903 return < 10 s | ${s:-?} s | $(verdict "$(awk -v a="${s:-99}" -v st="$SSDA" 'BEGIN {print (st ~ /^succeeded/ && a < 10)}')") |"
  echo "| Board report, four formats < 10 s | ${b:-?} s | $(verdict "$(awk -v a="${b:-99}" -v st="$BOARD" 'BEGIN {print (st ~ /^succeeded/ && a < 10)}')") |"
}

# ---- the table ----
pg64=$(awk -F'\t' -v n="pgbench GET by id, same statements -c $CONNS" '$1 == n {print $2}' "$ROWS")
peer=$(awk -F'\t' 'index($1, "Fastify") {print $2}' "$ROWS")
hello=$(awk -F'\t' 'index($1, "hello") {print $2}' "$ROWS")
commit=$(git rev-parse --short HEAD 2>/dev/null || echo unknown)
[[ -z $(git status --porcelain --untracked-files=no 2>/dev/null) ]] || commit="$commit, with uncommitted changes"
{
  echo "# Benchmarks"
  echo
  echo "Run $(date -u '+%Y-%m-%d %H:%M UTC') at commit \`$commit\` with \`make bench\`"
  echo "(BENCH_ROWS=$N, wrk -t2 -c$CONNS, ${WARM}s warm-up then ${DUR}s, PostgreSQL 15 with fsync off for the run;"
  echo "api: API_THREADS=$API_THREADS DB_POOL_SIZE=$DB_POOL_SIZE, built -O2 without sanitizers)."
  echo "Machine: $(nproc) cores, load before the run shown by uptime: $LOAD_BEFORE;"
  echo "after: $(uptime | sed 's/.*load average/load average/')."
  echo "wrk, the servers and PostgreSQL share these cores: compare ratios within one run."
  echo
  echo "| target | req/s | p50 ms | p99 ms | errors | new-conn probe ms | peak RSS MiB | ÷ pgbench -c $CONNS | ÷ peer |"
  echo "|---|---:|---:|---:|---:|---:|---:|---:|---:|"
  while IFS=$'\t' read -r name rps p50 p99 err probe rss; do
    r1=$(awk -v a="$rps" -v b="$pg64" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
    r2=$(awk -v a="$rps" -v b="${peer:-0}" 'BEGIN{ if (b > 0) printf "%.2f", a/b; else print "-" }')
    echo "| $name | $rps | $p50 | $p99 | $err | $probe | $rss | $r1 | $r2 |"
  done <"$ROWS"
  echo
  echo "Yardsticks (../shared/bench): $YARDSTICKS."
  echo
  echo "Peak RSS is each row's own peak (VmHWM, reset before its warm-up; summed over the peer's"
  echo "processes). pgbench rows: the api's statements run as cl_app, pipelined as the api sends them."
  echo
  echo "| job ($N care leavers) | status and seconds (start to finish) | worker's own timing |"
  echo "|---|---|---|"
  echo "| SSDA903 return, csv + xml + validation + summary | $SSDA | $(grep -o 'collection year [0-9]*: [^"]*' "$STATE/worker.log" | tail -1) |"
  echo "| Board report, json + csv + html + pdf | $BOARD | $BOARD_TIMING |"
  echo "| demo data generation (load.sh $N) | ok $GEN_S | |"
  echo "| Board reports (json) run back to back during the GET rows \"while Board reports read ...\" | primary: $BOARDS_PRIMARY, standby: $BOARDS_STANDBY | |"
  echo
  targets
  if [[ -f tests/bench/NOTES.md ]]; then
    echo
    cat tests/bench/NOTES.md
  fi
} >"$STATE/BENCHMARKS.md"
cat "$STATE/BENCHMARKS.md"
cp "$STATE/BENCHMARKS.md" BENCHMARKS.md
