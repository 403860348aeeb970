#!/usr/bin/env bash
# Builds the quick start from the OpenAPI document (types generated, strict tsc) and runs it
# against a live API. Usage: run.sh API_URL MANAGER_TOKEN BOARD_TOKEN
set -euo pipefail
cd "$(dirname "$0")"
[[ -d node_modules ]] || npm ci --no-audit --no-fund --loglevel=error
npm run -s generate >/dev/null
npx tsc -p .
API_URL=$1 MANAGER_TOKEN=$2 BOARD_TOKEN=$3 node dist/quickstart.js
