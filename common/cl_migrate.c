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
static struct cl_stmt count_current = {
    "SELECT count(*) FROM schema_migrations m JOIN unnest($1::text[], $2::text[]) AS f(v, body) "
    "ON f.v = m.version AND m.checksum = encode(sha256(convert_to(f.body, 'UTF8')), 'hex')"};

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

int
cl_migrate_apply(struct cl_conn *c)
{
    int err, applied = 0;

    err = cl_db_simple(c, "CREATE TABLE IF NOT EXISTS schema_migrations ("
                          "version text PRIMARY KEY, checksum text NOT NULL, "
                          "applied_at timestamptz NOT NULL DEFAULT now())");
    if (err == CL_OK)
        err = cl_db_simple(c, "SELECT pg_advisory_lock(4242001)");
    if (err != CL_OK)
        return err;
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
        err = cl_db_simple(c, "BEGIN");
        if (err == CL_OK)
            err = cl_db_simple(c, m->sql);
        if (err == CL_OK)
            err = cl_db_exec(c, &record_applied, 2, p, NULL);
        if (err == CL_OK)
            err = cl_db_commit(c);
        if (err != CL_OK) {
            cl_log_error(MOD, "migration %s failed: %s %s", m->name, cl_db_last_sqlstate(c),
                         cl_db_last_message(c));
            cl_db_rollback(c);
            break;
        }
        cl_log_info(MOD, "applied %s", m->name);
        applied++;
    }
    if (cl_db_simple(c, "SELECT pg_advisory_unlock(4242001)") != CL_OK && err == CL_OK)
        err = CL_EDB;
    if (err == CL_OK)
        cl_log_info(MOD, "schema current: %d migrations, %d applied now", cl_migrations_count,
                    applied);
    return err;
}

/* Builds a PostgreSQL text array literal of the names or bodies. */
static char *
array_literal(int bodies)
{
    size_t cap = 16;
    char *s, *w;

    for (int i = 0; i < cl_migrations_count; i++)
        cap += 2 * strlen(bodies ? cl_migrations[i].sql : cl_migrations[i].name) + 4;
    s = w = cl_calloc(cap, 1);
    *w++ = '{';
    for (int i = 0; i < cl_migrations_count; i++) {
        const char *v = bodies ? cl_migrations[i].sql : cl_migrations[i].name;

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

int
cl_migrate_pending(struct cl_conn *c)
{
    char *names = array_literal(0), *bodies = array_literal(1);
    const char *p[2] = {names, bodies};
    PGresult *res = NULL;
    int n = -1;

    if (names && bodies && cl_db_exec(c, &count_current, 2, p, &res) == CL_OK)
        n = cl_migrations_count - (int)strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    free(names);
    free(bodies);
    return n;
}
