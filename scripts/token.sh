#!/usr/bin/env bash
# make token ROLE=... [ADVISER_ID=...] [ORG_ID=...] [CARE_LEAVER_ID=...]: a development JWT
# signed with the dev configuration. An adviser, partner or young person without an id gets the
# first one in the local demo data.
set -euo pipefail
BUILD=$1 ROLE=${2:-} ADVISER_ID=${3:-} ORG_ID=${4:-} CARE_LEAVER_ID=${5:-}
source "$(dirname "$0")/env.sh"
if [[ -z $ROLE ]]; then
  echo "usage: make token ROLE=board|partner|adviser|manager|admin|service|young_person [ADVISER_ID=uuid] [ORG_ID=uuid] [CARE_LEAVER_ID=uuid]" >&2
  exit 2
fi
lookup() {
  [[ -n ${CL_PGPORT:-} ]] || return 0
  psql -X -qtA -h 127.0.0.1 -p "$CL_PGPORT" -U postgres -d leaving_care -c "$1" 2>/dev/null | head -1 || true
}
if [[ $ROLE == adviser && -z $ADVISER_ID ]]; then
  ADVISER_ID=$(lookup "SELECT id FROM advisers WHERE active ORDER BY email LIMIT 1")
  ADVISER_ID=${ADVISER_ID:-00000000-0000-4000-8000-000000000001}
fi
if [[ $ROLE == partner && -z $ORG_ID ]]; then
  ORG_ID=$(lookup "SELECT id FROM partners ORDER BY name LIMIT 1")
  ORG_ID=${ORG_ID:-00000000-0000-4000-8000-000000000002}
fi
if [[ $ROLE == young_person && -z $CARE_LEAVER_ID ]]; then
  CARE_LEAVER_ID=$(lookup "SELECT id FROM care_leavers WHERE status = 'open' ORDER BY la_child_id LIMIT 1")
  CARE_LEAVER_ID=${CARE_LEAVER_ID:-00000000-0000-4000-8000-000000000003}
fi
if [[ $ROLE == young_person ]]; then
  exec "$ROOT/$BUILD/token" "$ROLE" "$CARE_LEAVER_ID" "$ORG_ID"
fi
exec "$ROOT/$BUILD/token" "$ROLE" "$ADVISER_ID" "$ORG_ID"
