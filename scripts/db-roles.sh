#!/usr/bin/env bash
# The database's login roles and the database itself, created once per cluster by a superuser
# (the only thing a superuser is used for; SECURITY.md says what each role may do):
#   db-roles.sh [SUPERUSER_CONNINFO [DBNAME]]
#
#   cl_owner    owns the schema; used only by `api --migrate` / `--migrate-only`
#               (MIGRATION_DATABASE_URL). Not a superuser, cannot create roles or databases.
#   cl_app      the api's login (DATABASE_URL of the api): owns nothing.
#   cl_worker   the worker's login (DATABASE_URL of the worker): owns nothing.
#   cl_definer  cannot log in; owns the few SECURITY DEFINER functions (migration 0100).
#
# Passwords come from the environment, never from a migration: CL_OWNER_PASSWORD,
# CL_APP_PASSWORD and CL_WORKER_PASSWORD (all required). Running it again resets them and the
# roles' attributes. Without arguments it connects as $POSTGRES_USER to the postgres database
# over the local socket, as the postgres image's /docker-entrypoint-initdb.d scripts do.
set -euo pipefail
conninfo=${1:-"user=${POSTGRES_USER:-postgres} dbname=postgres"}
db=${2:-leaving_care}
for v in CL_OWNER_PASSWORD CL_APP_PASSWORD CL_WORKER_PASSWORD; do
  [[ -n ${!v:-} ]] || { echo "db-roles.sh: $v is not set" >&2; exit 2; }
done

psql -X -q -v ON_ERROR_STOP=1 -d "$conninfo" -v db="$db" -v owner_pw="$CL_OWNER_PASSWORD" \
  -v app_pw="$CL_APP_PASSWORD" -v worker_pw="$CL_WORKER_PASSWORD" <<'SQL'
SET client_min_messages = warning;
SELECT format('CREATE ROLE %I', r)
FROM unnest(ARRAY['cl_owner', 'cl_app', 'cl_worker', 'cl_definer']) r
WHERE NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = r) \gexec
ALTER ROLE cl_owner LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'owner_pw';
ALTER ROLE cl_app LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'app_pw';
ALTER ROLE cl_worker LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD :'worker_pw';
ALTER ROLE cl_definer NOLOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION NOBYPASSRLS
    PASSWORD NULL;
-- Migration 0001 grants cl_app to the migrating role (it needs the admin option for that);
-- migration 0100 makes cl_definer the owner of the SECURITY DEFINER functions (membership).
-- Neither lets cl_app or cl_worker become anything else: they are members of no role.
GRANT cl_app TO cl_owner WITH ADMIN OPTION;
GRANT cl_definer TO cl_owner;
SELECT format('CREATE DATABASE %I OWNER cl_owner', :'db')
WHERE NOT EXISTS (SELECT 1 FROM pg_database WHERE datname = :'db') \gexec
SELECT format('REVOKE ALL ON DATABASE %I FROM PUBLIC', :'db') \gexec
SELECT format('GRANT CONNECT ON DATABASE %I TO cl_app, cl_worker', :'db') \gexec
SQL
