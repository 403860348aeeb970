#!/usr/bin/env bash
# Builds the quick start from the OpenAPI document (types generated, strict tsc) and runs it
# against a live API. Usage: run.sh API_URL MANAGER_TOKEN BOARD_TOKEN
# Installs exactly what package-lock.json pins (npm ci), once per lockfile change.
set -euo pipefail
cd "$(dirname "$0")"
if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
  npm ci --no-audit --no-fund --loglevel=error >/dev/null
fi
node_modules/.bin/openapi-typescript ../../openapi/openapi.yaml --default-non-nullable false \
  -o gen/api.d.ts >/dev/null
node_modules/.bin/tsc -p .
API_URL=$1 MANAGER_TOKEN=$2 BOARD_TOKEN=$3 node dist/quickstart.js
