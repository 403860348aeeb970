#!/usr/bin/env bash
# Builds the quick start from the OpenAPI document the api serves (/v1/openapi.json: types
# generated, strict tsc) and runs it against that api.
# Usage: run.sh API_URL MANAGER_TOKEN BOARD_TOKEN YOUNG_PERSON_TOKEN
# Installs exactly what package-lock.json pins (npm ci), once per lockfile change, and runs it
# on the pinned Node.js (scripts/node.sh), not the machine's.
set -euo pipefail
cd "$(dirname "$0")"
../../scripts/node.sh install .
PATH=$(../../scripts/node.sh path):$PATH
# The document the api serves, as an integrator gets it.
mkdir -p gen
curl -fsS -o gen/openapi.json "$1/v1/openapi.json"
node_modules/.bin/openapi-typescript gen/openapi.json --default-non-nullable false \
  -o gen/api.d.ts >/dev/null
node_modules/.bin/tsc -p .
API_URL=$1 MANAGER_TOKEN=$2 BOARD_TOKEN=$3 YOUNG_PERSON_TOKEN=$4 node dist/quickstart.js
