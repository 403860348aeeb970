#!/usr/bin/env bash
# The contract check's validating proxy: Prism (pinned in package-lock.json) in proxy mode
# between the integration suite and the api. It forwards every request, valid or not, and
# reports what does not match openapi/openapi.yaml in an sl-violations response header, which
# the test client (tests/support/tc.c) records when it concerns the response.
#   prism.sh install                  npm ci of the pinned packages (when the lockfile changed)
#   prism.sh run API_PORT PORT LOG    serve on 127.0.0.1:PORT, forwarding to the api (foreground);
#                                     the document is the one the api serves, /v1/openapi.json
#   prism.sh wait PORT                until it answers (at most 60 s), and check it validates
#   prism.sh report FILE [DIRECT]     print the recorded violations (exit 1 if there are any)
#                                     and how many requests went straight to the api
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# No install scripts (the only one is a package's install-time analytics ping), no telemetry.
export SCARF_ANALYTICS=false DO_NOT_TRACK=1

case ${1:-} in
  install)
    cd "$HERE"
    if [[ ! node_modules/.package-lock.json -nt package-lock.json ]]; then
      npm ci --ignore-scripts --no-audit --no-fund --loglevel=error >/dev/null
    fi ;;
  run)
    cd "$HERE"
    # The api's own copy (built from openapi/openapi.yaml): what it claims is what is checked,
    # and an edit to the source file while the suite runs does not make Prism reload.
    spec=$(dirname "$4")/openapi.json
    for _ in $(seq 100); do
      curl -fsS -o "$spec" "http://127.0.0.1:$2/v1/openapi.json" 2>/dev/null && break
      sleep 0.1
    done
    [[ -s $spec ]] || { echo "prism.sh: no /v1/openapi.json from the api on port $2" >&2; exit 1; }
    # transparent.cjs: fresh upstream connections, and the api's own bytes passed on.
    exec node --require ./transparent.cjs node_modules/@stoplight/prism-cli/dist/index.js \
      proxy --errors=false --cors=false --verboseLevel=warn -h 127.0.0.1 -p "$3" \
      "$spec" "http://127.0.0.1:$2" >"$4" 2>&1 ;;
  wait)
    for _ in $(seq 300); do
      curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break
      sleep 0.2
    done
    # A request without a token breaks the document's security rule: Prism must say so.
    if ! curl -sS -o /dev/null -D - "http://127.0.0.1:$2/v1/me" | grep -qi '^sl-violations:'; then
      echo "the validating proxy on port $2 is not validating" >&2
      exit 1
    fi ;;
  report)
    n=0
    [[ -s $2 ]] && n=$(wc -l <"$2")
    if [[ -s ${3:-} ]]; then
      echo "contract check: $(wc -l <"$3") requests went straight to the api (raw framing, or a" \
        "body the proxy would re-encode: not JSON, repeated members, over 1 MiB)"
    fi
    if ((n > 0)); then
      echo "contract check: $n responses do not match openapi/openapi.yaml:" >&2
      cat "$2" >&2
      exit 1
    fi
    echo "contract check: every response matched openapi/openapi.yaml" ;;
  *)
    echo "usage: prism.sh install | run API_PORT PORT LOG | wait PORT | report FILE [DIRECT]" >&2
    exit 2 ;;
esac
