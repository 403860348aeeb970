#include "cl_migrate.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_log.h"
#include "cl_mem.h"

#define MOD "migrate"

static struct cl_stmt applied_checksum = {
    "SELECT checksum, encode(sha256(convert_to($2, 'UTF8')), 'hex') "
    "FROM schema_migrations WHERE version = $1"};
static struct cl_stmt record_applied = {
    "INSERT INTO schema_migrations (version, checksum) "
    "VALUES ($1, encode(sha256(convert_to($2, 'UTF8')), 'hex'))"};
/* How many of the files ($1 names, $2 bodies) are not recorded with their current checksum,
 * plus, when $3 is true, how many "functions/" rows name a file no longer shipped. */
static struct cl_stmt count_stale = {
    "SELECT (SELECT count(*) FROM unnest($1::text[], $2::text[]) AS f(v, body) "
    "        LEFT JOIN schema_migrations m ON m.version = f.v "
    "        WHERE m.checksum IS DISTINCT FROM encode(sha256(convert_to(f.body, 'UTF8')), 'hex')) "
    "     + (SELECT count(*) FROM schema_migrations m "
    "        WHERE $3 AND m.version LIKE 'functions/%' AND m.version <> ALL ($1::text[]))"};
static struct cl_stmt forget_functions = {
    "DELETE FROM schema_migrations WHERE version LIKE 'functions/%'"};

/* Returns 1 when applied unchanged, 0 when not applied, -1 when edited, -2 on error. */
static int
state_of(struct cl_conn *c, const struct cl_migration *m)
{
    const char *p[2] = {m->name, m->sql};
    PGresult *res = NULL;
    int st;

    if (cl_db_exec(c, &applied_checksum, 2, p, &res) != CL_OK)
        return -2;
    if (PQntuples(res) == 0)
        st = 0;
    else
        st = strcmp(PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1)) == 0 ? 1 : -1;
    PQclear(res);
    return st;
}

static int stale_count(struct cl_conn *c, const struct cl_migration *set, int n, int functions);

/* The functions files, whole and in order, and their checksums in place of the old ones.
 * Function bodies are checked when called, not when created (as pg_restore does), so a file
 * may call what a later one defines. */
static int
apply_functions(struct cl_conn *c)
{
    int err = cl_db_simple(c, "SET LOCAL check_function_bodies = off");

    if (err == CL_OK)
        err = cl_db_exec(c, &forget_functions, 0, NULL, NULL);
    for (int i = 0; i < cl_functions_count && err == CL_OK; i++) {
        const char *p[2] = {cl_functions[i].name, cl_functions[i].sql};

        err = cl_db_simple(c, cl_functions[i].sql);
        if (err != CL_OK)
            cl_log_error(MOD, "%s failed: %s %s", cl_functions[i].name, cl_db_last_sqlstate(c),
                         cl_db_last_message(c));
        else
            err = cl_db_exec(c, &record_applied, 2, p, NULL);
    }
    return err == CL_OK ? cl_db_simple(c, "SET LOCAL check_function_bodies = on") : err;
}

int
cl_migrate_apply(struct cl_conn *c)
{
    int err, applied = 0, stale = 0;

    err = cl_db_simple(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version text PRIMARY KEY, checksum text NOT NULL, "
                          "applied_at timestamptz NOT NULL DEFAULT now())");
    if (err == CL_OK)
        err = cl_db_simple(c, "SELECT pg_advisory_lock(4242001)");
    if (err != CL_OK)
        return err;
    err = cl_db_simple(c, "BEGIN");
    for (int i = 0; i < cl_migrations_count && err == CL_OK; i++) {
        const struct cl_migration *m = &cl_migrations[i];
        const char *p[2] = {m->name, m->sql};
        int st = state_of(c, m);

        if (st == 1)
            continue;
        if (st == -1) {
            cl_log_error(MOD, "migration %s was edited after it was applied: refusing to go on",
                         m->name);
            err = CL_EINVAL;
            break;
        }
        if (st == -2) {
            err = CL_EDB;
            break;
        }
        err = cl_db_simple(c, m->sql);
        if (err == CL_OK)
            err = cl_db_exec(c, &record_applied, 2, p, NULL);
        if (err != CL_OK) {
            cl_log_error(MOD, "migration %s failed: %s %s", m->name, cl_db_last_sqlstate(c),
                         cl_db_last_message(c));
            break;
        }
        cl_log_info(MOD, "applied %s", m->name);
        applied++;
    }
    if (err == CL_OK) {
        stale = stale_count(c, cl_functions, cl_functions_count, 1);
        if (stale < 0)
            err = CL_EDB;
        else if (applied || stale)
            err = apply_functions(c);
    }
    if (err == CL_OK)
        err = cl_db_commit(c);
    else
        cl_db_rollback(c);
    if (cl_db_simple(c, "SELECT pg_advisory_unlock(4242001)") != CL_OK && err == CL_OK)
        err = CL_EDB;
    if (err == CL_OK)
        cl_log_info(MOD, "schema current: %d migrations, %d applied now; %d functions files, %s",
                    cl_migrations_count, applied, cl_functions_count,
                    applied || stale ? "applied now" : "unchanged");
    return err;
}

/* Builds a PostgreSQL text array literal of the names or bodies of set. */
static char *
array_literal(const struct cl_migration *set, int n, int bodies)
{
    size_t cap = 16;
    char *s, *w;

    for (int i = 0; i < n; i++)
        cap += 2 * strlen(bodies ? set[i].sql : set[i].name) + 4;
    s = w = cl_calloc(cap, 1);
    *w++ = '{';
    for (int i = 0; i < n; i++) {
        const char *v = bodies ? set[i].sql : set[i].name;

        if (i)
            *w++ = ',';
        *w++ = '"';
        for (; *v; v++) {
            if (*v == '"' || *v == '\\')
                *w++ = '\\';
            *w++ = *v;
        }
        *w++ = '"';
    }
    *w++ = '}';
    *w = '\0';
    return s;
}

/* Files of set not recorded as they are (and, for functions, rows of files no longer shipped);
 * -1 on error. */
static int
stale_count(struct cl_conn *c, const struct cl_migration *set, int n, int functions)
{
    char *names = array_literal(set, n, 0), *bodies = array_literal(set, n, 1);
    const char *p[3] = {names, bodies, functions ? "true" : "false"};
    PGresult *res = NULL;
    int stale = -1;

    if (names && bodies && cl_db_exec(c, &count_stale, 3, p, &res) == CL_OK)
        stale = (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    free(names);
    free(bodies);
    return stale;
}

int
cl_migrate_pending(struct cl_conn *c)
{
    int m = stale_count(c, cl_migrations, cl_migrations_count, 0);
    int f = m < 0 ? -1 : stale_count(c, cl_functions, cl_functions_count, 1);

    return m < 0 || f < 0 ? -1 : m + f;
}
