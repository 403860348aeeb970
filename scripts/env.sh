# Sourced by the run, token and migrate scripts: where this checkout's local cluster lives and
# the development defaults. Anything already set in the environment wins.
#
# The cluster lives outside the checkout, in a directory the postgres OS user owns, keyed to
# the checkout's path, so a checkout that postgres cannot enter (e.g. under /root) still works:
#   as root:   /var/lib/postgresql/leaving-care/<key>
#   otherwise: var/pg inside the checkout
ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
if [[ -z ${CL_PGDIR:-} ]]; then
  if [[ $EUID -eq 0 ]]; then
    key=$(printf '%s' "$ROOT" | sha256sum | cut -c1-12)
    CL_PGDIR=/var/lib/postgresql/leaving-care/$key
  else
    CL_PGDIR=$ROOT/var/pg
  fi
fi
export CL_PGDIR
CL_PGPORT=$(cat "$CL_PGDIR/port" 2>/dev/null || true)

export LA_CODE=${LA_CODE:-999}
export LA_NAME=${LA_NAME:-Demo County Council}
export JWT_ALG=${JWT_ALG:-HS256}
# A development secret only: set your own JWT_SECRET (>= 32 bytes) for anything real.
export JWT_SECRET=${JWT_SECRET:-dev-only-secret-change-me-0123456789abcdef}
# Development mode: the secret above, and tokens without iss/aud, are accepted only with it.
export CL_DEV_MODE=${CL_DEV_MODE:-1}
export PORT=${PORT:-8080}
export LOG_LEVEL=${LOG_LEVEL:-info}
# The database logins (SECURITY.md): the owner only migrates, the api is cl_app, the worker
# cl_worker. Development passwords only, set on the roles by scripts/db-roles.sh and asked for
# by the local cluster (scripts/pg.sh: only the superuser connects without one).
export CL_OWNER_PASSWORD=${CL_OWNER_PASSWORD:-dev-only-owner-password}
export CL_APP_PASSWORD=${CL_APP_PASSWORD:-dev-only-app-password}
export CL_WORKER_PASSWORD=${CL_WORKER_PASSWORD:-dev-only-worker-password}
# cl_url PORT ROLE PASSWORD: the conninfo of one login on the local cluster.
cl_url() { echo "host=127.0.0.1 port=$1 dbname=leaving_care user=$2 password=$3"; }
cl_urls() {
  export DATABASE_URL=${DATABASE_URL:-$(cl_url "$1" cl_app "$CL_APP_PASSWORD")}
  export MIGRATION_DATABASE_URL=${MIGRATION_DATABASE_URL:-$(cl_url "$1" cl_owner "$CL_OWNER_PASSWORD")}
  export WORKER_DATABASE_URL=${WORKER_DATABASE_URL:-$(cl_url "$1" cl_worker "$CL_WORKER_PASSWORD")}
}
if [[ -n $CL_PGPORT ]]; then
  cl_urls "$CL_PGPORT"
fi
