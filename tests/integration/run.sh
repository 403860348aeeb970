#!/usr/bin/env bash
# Integration tests: a throwaway PostgreSQL in a temporary directory on a free port, the real
# api and worker binaries (from BUILD), and the Criterion suite driving them over HTTP.
# The database-outage suite runs last, alone, because it stops PostgreSQL.
set -euo pipefail
BUILD=${1:-build/san}
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"

TMP=$(mktemp -d /tmp/cl-test.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg
PIDS=()
cleanup() {
  local rc=$?
  for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
  for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null || true; done
  scripts/pg.sh stop "$PGDIR" 2>/dev/null || true
  if ((rc != 0)); then
    echo "---- api log (tail) ----"; tail -n 40 "$TMP/api.log" 2>/dev/null || true
    echo "---- worker log (tail) ----"; tail -n 40 "$TMP/worker.log" 2>/dev/null || true
  fi
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT

# below the ephemeral range (32768-60999), where a client socket may already hold the port
pgport=$(scripts/pg.sh free-port $((24400 + RANDOM % 1000)))
scripts/pg.sh init "$PGDIR" "$pgport" fast
scripts/pg.sh start "$PGDIR"
# The three logins (SECURITY.md) with passwords made for this run; the cluster's superuser
# only creates them and the database, and sets up test fixtures (CL_TEST_DATABASE_URL).
eval "$(scripts/pg.sh logins "$pgport")"
export CL_TEST_APP_DATABASE_URL=$DATABASE_URL CL_TEST_OWNER_DATABASE_URL=$MIGRATION_DATABASE_URL
export CL_TEST_WORKER_DATABASE_URL=$WORKER_DATABASE_URL CL_TEST_DATABASE_URL=$SUPER_DATABASE_URL
export JWT_ALG=HS256 JWT_SECRET=test-only-secret-0123456789abcdef-0123456789
export LA_CODE=999 LOG_LEVEL=info WORKER_POLL_MS=500 JOB_LEASE_S=3 API_THREADS=64 CL_DEV_MODE=1
# The whole suite comes from one address with a few subjects: limits it never reaches (the
# rate limit tests start an api of their own with low ones). Readiness is checked often so
# the outage tests see it change quickly.
export RATE_LIMIT_ADDR_PER_S=100000 RATE_LIMIT_ADDR_BURST=100000
export RATE_LIMIT_SUB_PER_S=100000 RATE_LIMIT_SUB_BURST=100000 READYZ_INTERVAL_MS=250
# The webhook tests' receivers listen on 127.0.0.1 over plain http (development settings, refused
# without CL_DEV_MODE); a test that checks the refusals starts an api of its own without them.
export WEBHOOK_ALLOW_HTTP=1 WEBHOOK_ALLOW_PRIVATE=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
export UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1
export CL_TEST_PGDIR=$PGDIR CL_TEST_BUILD=$ROOT/$BUILD CL_TEST_TMP=$TMP

"$BUILD/api" --migrate-only
apiport=$(scripts/pg.sh free-port $((18300 + RANDOM % 500)))
export PORT=$apiport CL_TEST_API_PORT=$apiport
"$BUILD/api" 2>"$TMP/api.log" &
PIDS+=($!)
API_PID=$!
DATABASE_URL=$CL_TEST_WORKER_DATABASE_URL "$BUILD/worker" 2>"$TMP/worker.log" &
PIDS+=($!)
WORKER_PID=$!
for _ in $(seq 100); do
  curl -fsS "http://127.0.0.1:$apiport/healthz" >/dev/null 2>&1 && break
  sleep 0.1
done
# What the running api serves at /v1/openapi.json is the document make lint-spec checked (the
# build's gen/openapi.json, byte for byte) and equals the source read as YAML 1.2.
/usr/bin/python3 tests/contract/served_check.py "http://127.0.0.1:$apiport/v1/openapi.json" \
  openapi/openapi.yaml "$BUILD/gen/openapi.json"
# The contract check: the suite talks to the api through a validating proxy (raw framing tests
# go straight to the api), and every response that does not match openapi/openapi.yaml is
# recorded in CL_TEST_CONTRACT_LOG (tests/contract/prism.sh).
tests/contract/prism.sh install
proxyport=$(scripts/pg.sh free-port $((apiport + 600)))
tests/contract/prism.sh run "$apiport" "$proxyport" "$TMP/prism.log" &
PIDS+=($!)
PRISM_PID=$!
tests/contract/prism.sh wait "$proxyport" "$TMP/prism.log" "$PRISM_PID"
export CL_TEST_API_PORT=$proxyport CL_TEST_DIRECT_PORT=$apiport
export CL_TEST_CONTRACT_LOG=$TMP/contract.log CL_TEST_CONTRACT_DIRECT_LOG=$TMP/contract-direct.log

rc=0
# CL_TEST_FILTER='care_leaver_fast/*' (while working on one part) runs only those tests and the
# contract and log checks below, not the client, browser and outage runs.
"$BUILD/tests/integration_tests" --jobs 2 --filter "${CL_TEST_FILTER:-!(outage/*)}" || rc=$?
if [[ -z ${CL_TEST_FILTER:-} ]]; then
  # An integrator's client generated from the spec (examples/typescript) against the live api.
  # (its young person: an open record made here, the token naming it)
  yp=$(psql -X -qtA -d "$CL_TEST_DATABASE_URL" -c "INSERT INTO care_leavers (la_child_id, \
    given_name, family_name, date_of_birth, sex, ethnicity, category, district) VALUES \
    ('TSYP1', 'Jordan', 'Example', current_date - interval '19 years', 'F', 'WBRI', \
    'former_relevant', 'Quickstart') RETURNING id" | head -1)
  examples/typescript/run.sh "http://127.0.0.1:$apiport" "$("$BUILD/token" manager)" \
    "$("$BUILD/token" board)" "$("$BUILD/token" young_person "$yp")" || rc=1
  # The contract seen from outside: the docs page in a real browser, /metrics through a real
  # exposition-format parser.
  /usr/bin/python3 tests/contract/metrics_check.py "http://127.0.0.1:$apiport" \
    "$("$BUILD/token" service)" || rc=1
  /usr/bin/python3 tests/contract/docs_check.py "http://127.0.0.1:$apiport" || rc=1
  if ((rc == 0)); then
    "$BUILD/tests/integration_tests" --jobs 1 --filter 'outage/*' || rc=$?
  fi
fi
tests/contract/prism.sh report "$TMP/contract.log" "$TMP/contract-direct.log" || rc=1
kill -TERM "$PRISM_PID" 2>/dev/null || true
wait "$PRISM_PID" 2>/dev/null || true

# Stop the servers: under the sanitizers a leak or an error shows in the exit status.
for pid in $API_PID $WORKER_PID; do
  kill -TERM "$pid" 2>/dev/null || true
  st=0; wait "$pid" || st=$?
  if ((st != 0)); then
    echo "process $pid exited with status $st (sanitizer report above?)" >&2
    rc=1
  fi
done
PIDS=()
if grep -E 'ERROR: (AddressSanitizer|LeakSanitizer)|runtime error:' "$TMP/api.log" "$TMP/worker.log"; then
  echo "sanitizer reports in the server logs" >&2
  rc=1
fi
# Logs must be one JSON object per line and carry no tokens.
if grep -v '^{' "$TMP/api.log" "$TMP/worker.log" | grep -v '^\s*$' | head -5 | grep -q .; then
  echo "non-JSON lines in the server logs:" >&2
  grep -v '^{' "$TMP/api.log" "$TMP/worker.log" | head -5 >&2
  rc=1
fi
if grep -q 'eyJ' "$TMP/api.log" "$TMP/worker.log"; then
  echo "a token appeared in the logs" >&2
  rc=1
fi
exit $rc
