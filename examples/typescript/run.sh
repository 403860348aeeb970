#!/usr/bin/env bash
# Builds the quick start from the OpenAPI document (types generated, strict tsc) and runs it
# against a live API. Usage: run.sh API_URL MANAGER_TOKEN BOARD_TOKEN
# Installs exactly what package-lock.json pins (npm ci), once per lockfile change, and runs it
# on the pinned Node.js (scripts/node.sh).
set -euo pipefail
cd "$(dirname "$0")"
# The pinned Node.js the tools declare, not the machine's (scripts/node.sh).
../../scripts/node.sh install .
PATH=$(../../scripts/node.sh path):$PATH
node_modules/.bin/openapi-typescript ../../openapi/openapi.yaml --default-non-nullable false \
  -o gen/api.d.ts >/dev/null
node_modules/.bin/tsc -p .
API_URL=$1 MANAGER_TOKEN=$2 BOARD_TOKEN=$3 node dist/quickstart.js
