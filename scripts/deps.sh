#!/usr/bin/env bash
# Installs the Debian packages the project needs when they are missing (as root), or prints
# the one apt-get line to run (as anyone else).
set -euo pipefail

PKGS=(gcc make pkg-config git ca-certificates curl
      postgresql-15 postgresql-client-15 libpq-dev
      libcivetweb-dev libcjson-dev libjwt-dev uuid-dev libcriterion-dev
      libcairo2-dev libpango1.0-dev fonts-dejavu-core
      python3 python3-ruamel.yaml python3-prometheus-client poppler-utils openssl clang-14 libclang-rt-14-dev
      chromium)
command -v node >/dev/null 2>&1 || PKGS+=(nodejs)
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
