#!/usr/bin/env bash
# Installs the Debian packages that `make run` (deps.sh run) or `make test` (deps.sh test: the
# same plus the test tools) needs when they are missing (as root), or prints the one apt-get
# line to run (as anyone else).
set -euo pipefail

# Building and running: compiler, PostgreSQL, the C libraries, cairo/pango and a font for the
# Board PDF, libcurl (the worker's webhook deliveries), python3-ruamel.yaml to embed the OpenAPI document (read as YAML 1.2), npm to fetch the docs page's bundle.
RUN_PKGS=(gcc make pkg-config git ca-certificates curl
          postgresql-15 postgresql-client-15 libpq-dev
          libcivetweb-dev libcjson-dev libjwt-dev uuid-dev libcurl4-openssl-dev
          libcairo2-dev libpango1.0-dev fonts-dejavu-core
          python3 python3-ruamel.yaml)
# Testing only: Criterion, the /metrics parser, pdftotext, openssl for test keys, clang's
# libFuzzer runtime, Chromium for the docs page check.
TEST_PKGS=(libcriterion-dev python3-prometheus-client poppler-utils openssl
           clang-14 libclang-rt-14-dev chromium)

case ${1:-} in
  run) PKGS=("${RUN_PKGS[@]}") ;;
  test) PKGS=("${RUN_PKGS[@]}" "${TEST_PKGS[@]}") ;;
  *) echo "usage: deps.sh run | test" >&2; exit 2 ;;
esac
# Any npm will do (Debian's runs on its Node.js 18): it only downloads. The JavaScript tools run
# on the pinned Node.js that scripts/node.sh fetches with it.
command -v npm >/dev/null 2>&1 || PKGS+=(npm)

missing=()
for p in "${PKGS[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
((${#missing[@]})) || exit 0

if [[ $EUID -ne 0 ]]; then
  echo "Missing Debian packages. Install them with:" >&2
  echo "  sudo apt-get update && sudo apt-get install -y ${missing[*]}" >&2
  exit 1
fi
echo "installing: ${missing[*]}" >&2
export DEBIAN_FRONTEND=noninteractive
apt-get update -q >/dev/null
apt-get install -y -q --no-install-recommends "${missing[@]}" >/dev/null
