#!/usr/bin/env bash
# The contract check's validating proxy: Prism (pinned in package-lock.json) in proxy mode
# between the integration suite and the api. It forwards every request, valid or not, and
# reports what does not match openapi/openapi.yaml in an sl-violations response header, which
# the test client (tests/support/tc.c) records when it concerns the response.
#   prism.sh install                  npm ci of the pinned packages (when the lockfile changed)
#   prism.sh run API_PORT PORT LOG    serve on 127.0.0.1:PORT, forwarding to the api (foreground);
#                                     the document is the one the api serves, /v1/openapi.json
#   prism.sh wait PORT LOG PID        until it answers (at most 60 s), and check it validates;
#                                     if not, say why (it exited, or what its log says)
#   prism.sh report FILE [DIRECT]     print the recorded violations (exit 1 if there are any)
#                                     and how many requests went straight to the api
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
# No install scripts (the only one is a package's install-time analytics ping), no telemetry.
export SCARF_ANALYTICS=false DO_NOT_TRACK=1
# The pinned Node.js the tools declare, not the machine's (scripts/node.sh).
NODE_SH=$HERE/../../scripts/node.sh

case ${1:-} in
  install)
    "$NODE_SH" install "$HERE" --ignore-scripts ;;
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
    exec "$NODE_SH" node --require ./transparent.cjs node_modules/@stoplight/prism-cli/dist/index.js \
      proxy --errors=false --cors=false --verboseLevel=warn -h 127.0.0.1 -p "$3" \
      "$spec" "http://127.0.0.1:$2" >"$4" 2>&1 ;;
  wait)
    for _ in $(seq 300); do
      curl -fsS "http://127.0.0.1:$2/healthz" >/dev/null 2>&1 && break
      kill -0 "$4" 2>/dev/null || break
      sleep 0.2
    done
    # A request without a token breaks the document's security rule: Prism must say so.
    if ! curl -sS -o /dev/null -D - "http://127.0.0.1:$2/v1/me" 2>/dev/null | grep -qi '^sl-violations:'; then
      if ! kill -0 "$4" 2>/dev/null; then
        why="it exited"
      elif curl -fsS -o /dev/null "http://127.0.0.1:$2/healthz" 2>/dev/null; then
        why="it answers but reported no violation for a request without a token"
      else
        why="it did not answer within 60 s"
      fi
      echo "the validating proxy on port $2 is not validating: $why; the end of its log ($3):" >&2
      tail -n 20 "$3" >&2 || true
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
    echo "usage: prism.sh install | run API_PORT PORT LOG | wait PORT LOG PID | report FILE [DIRECT]" >&2
    exit 2 ;;
esac
