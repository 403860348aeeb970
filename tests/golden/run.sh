#!/usr/bin/env bash
# The demo data's SSDA903 return and Board report, made by the real worker, compared byte for
# byte with the committed files in tests/golden/expected/ (issue 17, item 5: moving the rules
# around the schema changes nothing anyone can see).
#
#   tests/golden/run.sh BUILD            make them and compare (part of make test)
#   tests/golden/run.sh BUILD --record   make them and write them as the expected files
#
# A throwaway cluster; the demo data for N=300, SEED=17 as of 2026-04-10 (DEMO_TODAY, so it
# does not move with the calendar); the 2026 return (both formats) and the Board report as at
# 2026-03-31 compared with 2025-03-31, each job run by the worker from the queue. Left out of
# the comparison, because they differ on every run: the Board JSON's generated_at (the time
# the report was made). Job and artifact ids are not part of any file.
set -euo pipefail
BUILD=${1:?usage: run.sh BUILD [--record]}
record=0
[[ ${2:-} == --record ]] && record=1
ROOT=$(cd "$(dirname "$0")/../.." && pwd)
cd "$ROOT"
EXPECTED=tests/golden/expected

TMP=$(mktemp -d /tmp/cl-golden.XXXXXX)
chmod 755 "$TMP"
PGDIR=$TMP/pg
WORKER_PID=
cleanup() {
  local rc=$?
  [[ -n $WORKER_PID ]] && { kill -TERM "$WORKER_PID" 2>/dev/null; wait "$WORKER_PID" 2>/dev/null; }
  scripts/pg.sh stop "$PGDIR" 2>/dev/null || true
  ((rc == 0)) || { echo "---- worker log (tail) ----"; tail -n 20 "$TMP/worker.log" 2>/dev/null; }
  rm -rf "$TMP"
  exit $rc
}
trap cleanup EXIT

# below the ephemeral range (32768-60999), where a client socket may already hold the port
pgport=$(scripts/pg.sh free-port $((25400 + RANDOM % 1000)))
scripts/pg.sh init "$PGDIR" "$pgport" fast
scripts/pg.sh start "$PGDIR"
eval "$(scripts/pg.sh logins "$pgport")"
export JWT_ALG=HS256 JWT_SECRET=golden-only-secret-0123456789abcdef-012345
export LA_CODE=999 LOG_LEVEL=warn WORKER_POLL_MS=200 NIGHTLY_AT=off CL_DEV_MODE=1
export ASAN_OPTIONS=detect_leaks=1:abort_on_error=0:exitcode=86
export LSAN_OPTIONS=suppressions=$ROOT/tests/lsan.supp:print_suppressions=0
"$BUILD/api" --migrate-only 2>"$TMP/migrate.log" || { cat "$TMP/migrate.log"; exit 1; }
DEMO_TODAY=2026-04-10 schema/demo/load.sh 300 17 "$SUPER_DATABASE_URL" >/dev/null

sql() { psql -X -q -v ON_ERROR_STOP=1 -At -d "$SUPER_DATABASE_URL" "$@"; }
# Issue 18 (c): no open care leaver aged 18 or over with a visit duty in law (not qualifying,
# not died) is without a visit due date, over the whole demo data on its day.
missing=$(sql -c "SELECT count(*) FROM care_leavers c
                  CROSS JOIN LATERAL care_leaver_facts(c, '2026-04-10', 92) f
                  WHERE cl_case_open_on(c, '2026-04-10')
                    AND cl_age_on(c.date_of_birth, '2026-04-10') >= 18
                    AND cl_category_on(c.category, c.date_of_birth, '2026-04-10') <> 'qualifying'
                    AND f.contact_status <> 'died' AND f.next_visit_due_on IS NULL")
((missing == 0)) || { echo "golden: $missing open care leavers aged 18+ have no visit due date" >&2; exit 1; }
sql -c "INSERT INTO jobs (id, kind, params, created_by, created_role) VALUES
  ('00000000-0000-4000-8000-000000000903', 'ssda903',
   '{\"collection_year\": 2026, \"format\": \"both\"}', 'golden', 'manager'),
  ('00000000-0000-4000-8000-00000000b0a2', 'board_report',
   '{\"as_at\": \"2026-03-31\", \"compare_to\": \"2025-03-31\", \"board_date\": \"2026-04-23\"}',
   'golden', 'manager')"
DATABASE_URL=$WORKER_DATABASE_URL "$BUILD/worker" 2>"$TMP/worker.log" &
WORKER_PID=$!
for _ in $(seq 600); do
  left=$(sql -c "SELECT count(*) FROM jobs WHERE status IN ('queued', 'running')")
  ((left == 0)) && break
  sleep 0.2
done
failed=$(sql -c "SELECT string_agg(kind || ': ' || status || ' ' || coalesce(error, ''), '; ')
                 FROM jobs WHERE status <> 'succeeded'")
[[ -z $failed ]] || { echo "golden: jobs did not succeed: $failed" >&2; exit 1; }

OUT=$TMP/out
mkdir -p "$OUT"
# Every SSDA903 artifact, and the Board report's JSON and CSV, as the api would serve them.
while IFS='|' read -r id name; do
  sql -c "SELECT encode(bytes, 'base64') FROM artifacts WHERE id = '$id'" | base64 -d >"$OUT/$name"
done < <(sql -c "SELECT a.id, j.kind || '-' || a.name FROM artifacts a JOIN jobs j ON j.id = a.job_id
                 WHERE j.kind = 'ssda903' OR a.name ~ '\.(json|csv)$' ORDER BY 2")
# The one run-specific value is blanked in place; every other byte stays as the worker wrote it.
for f in "$OUT"/board_report-*.json; do
  /usr/bin/python3 -c 'import re, sys
b = open(sys.argv[1], "rb").read()
b, n = re.subn(rb"\"generated_at\":\s*\"[^\"]*\"", b"\"generated_at\":\"(run-specific)\"", b)
assert n == 1, "the Board JSON should hold one generated_at"
open(sys.argv[1], "wb").write(b)' "$f"
done

if ((record)); then
  rm -rf "$EXPECTED"
  mkdir -p "$EXPECTED"
  cp "$OUT"/* "$EXPECTED"/
  echo "golden: recorded $(ls "$EXPECTED" | wc -l) files in $EXPECTED"
  exit 0
fi
if ! diff -r "$EXPECTED" "$OUT" >"$TMP/diff"; then
  echo "golden: the demo data's return or Board report changed:" >&2
  head -40 "$TMP/diff" >&2
  exit 1
fi
echo "golden: $(ls "$EXPECTED" | wc -l) files byte-identical"
