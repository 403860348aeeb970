#!/usr/bin/env bash
# The local development cluster's data:
#   local-db.sh migrate BUILD     apply migrations (make migrate)
#   local-db.sh demo [N] [SEED]   replace the demo data with N care leavers (make demo-data)
#   local-db.sh demo-if-empty     load the default demo data when there is none (make run)
set -euo pipefail
source "$(dirname "$0")/env.sh"
cd "$ROOT"
[[ -n ${CL_PGPORT:-} ]] || { echo "no local cluster yet: run make run first" >&2; exit 1; }
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$CL_PGPORT" -U postgres -d leaving_care "$@"; }

case ${1:-} in
  migrate)
    "$ROOT/${2:-build/rel}/api" --migrate-only ;;
  demo)
    schema/demo/load.sh "${2:-600}" "${3:-42}" "host=127.0.0.1 port=$CL_PGPORT dbname=leaving_care user=postgres" ;;
  demo-if-empty)
    if [[ -x schema/demo/load.sh ]]; then
      schema/demo/load.sh --if-empty 600 42 "host=127.0.0.1 port=$CL_PGPORT dbname=leaving_care user=postgres"
    fi ;;
  *)
    echo "usage: local-db.sh migrate|demo|demo-if-empty" >&2; exit 2 ;;
esac
