#!/usr/bin/env bash
# Fails when a banned C function appears in the product's code (curl's rule), or when SQL is
# built from strings at run time.
set -euo pipefail
cd "$(dirname "$0")/../.."
rc=0
if grep -nE '\b(sprintf|strcpy|strcat|strtok|atoi|atol|gets)\s*\(' common/*.c api/*.c worker/*.c; then
  echo "banned functions above (use snprintf, memcpy with lengths, strtol)" >&2
  rc=1
fi
if grep -nE 'PQexec\([^,]+,\s*[a-z_]+\)' common/*.c api/*.c worker/*.c | grep -v 'cl_db.c'; then
  echo "PQexec with a non-literal argument outside cl_db.c" >&2
  rc=1
fi
exit $rc
