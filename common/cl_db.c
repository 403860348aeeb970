/* Pool, prepared statements, query wrappers and transactions over libpq. */
#include "cl_db.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_clock.h"
#include "cl_la_time.h"
#include "cl_log.h"
#include "cl_mem.h"

#define MOD "db"
#define MAX_STMTS 1024 /* distinct statements per process */

#define CONN_MAY_OWN 1 /* the migration's connection: the login may own the schema */
#define CONN_QUIET 2   /* a failed connect is the caller's to report */
#define CONN_ANY 4     /* any server, whatever target_session_attrs says: to diagnose */

struct cl_conn {
    PGconn *pg;
    char *conninfo;
    char *app_name;
    int flags; /* CONN_* below */
    int timeout_ms;
    int statement_timeout_ms;
    int in_use;
    unsigned char prepared[MAX_STMTS];
    char sqlstate[6];
    char constraint[64];
    char message[1024];
};

struct cl_pool {
    pthread_mutex_t mu;
    pthread_cond_t cv;
    struct cl_conn *conns;
    int size;
    int in_use;
    int timeout_ms;
    double last_fail_ms; /* cl_clock_ms() when a connect last failed (0: never): fail fast
                            for a moment after */
};

static int next_stmt_id; /* ids handed out to statements, 1-based */

#define CL_PRINCIPAL_PARAMS 7 /* the members of struct cl_principal */
/* Also refuses (CL401) an adviser or partner principal that is not active, and a young person
 * whose record is not open (cl_principal_check, schema/functions/scope.sql). */
static struct cl_stmt set_principal = {
    "SELECT set_config('app.sub', $1, true), set_config('app.role', $2, true), "
    "set_config('app.adviser_id', $3, true), set_config('app.org_id', $4, true), "
    "set_config('app.request_id', $5, true), set_config('app.client_request_id', $6, true), "
    "set_config('app.care_leaver_id', $7, true), cl_principal_check($2, $3, $4, $7)"};

static void
clear_last(struct cl_conn *c)
{
    c->sqlstate[0] = c->constraint[0] = c->message[0] = '\0';
}

static void
keep_error(struct cl_conn *c, const PGresult *res)
{
    const char *s = res ? PQresultErrorField(res, PG_DIAG_SQLSTATE) : NULL;
    const char *k = res ? PQresultErrorField(res, PG_DIAG_CONSTRAINT_NAME) : NULL;
    const char *m = res ? PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY) : NULL;

    snprintf(c->sqlstate, sizeof c->sqlstate, "%s", s ? s : "08000");
    snprintf(c->constraint, sizeof c->constraint, "%s", k ? k : "");
    snprintf(c->message, sizeof c->message, "%s", m ? m : "");
}

int
cl_db_classify(const char *s)
{
    if (s == NULL || strlen(s) != 5)
        return CL_EDB;
    if (strncmp(s, "CL", 2) == 0) {
        if (strcmp(s, "CL404") == 0)
            return CL_ENOTFOUND;
        if (strcmp(s, "CL409") == 0)
            return CL_ECONFLICT;
        if (strcmp(s, "CL412") == 0)
            return CL_EPRECOND;
        if (strcmp(s, "CL403") == 0)
            return CL_EFORBIDDEN;
        if (strcmp(s, "CL401") == 0)
            return CL_EAUTH;
        return CL_EINVAL;
    }
    if (strcmp(s, "23505") == 0 || strcmp(s, "23P01") == 0)
        return CL_ECONFLICT;
    if (strncmp(s, "23", 2) == 0 || strncmp(s, "22", 2) == 0)
        return CL_EINVAL;
    if (strcmp(s, "40001") == 0 || strcmp(s, "40P01") == 0)
        return CL_EDB_RETRY;
    /* 25006: a write reached a read-only server (a standby, or a primary being demoted):
     * the primary is elsewhere or coming, as with a lost connection. */
    if (strncmp(s, "08", 2) == 0 || strncmp(s, "57P0", 4) == 0 || strcmp(s, "53300") == 0 ||
        strcmp(s, "25006") == 0)
        return CL_EDB_DOWN;
    return CL_EDB;
}

/* Server notices and asynchronous errors go to the JSON log, not raw to stderr. */
static void
notice_to_log(void *arg, const char *message)
{
    size_t n = strcspn(message, "\n");
    char line[256];

    (void)arg;
    snprintf(line, sizeof line, "%.*s", (int)(n < sizeof line ? n : sizeof line - 1), message);
    cl_log_info(MOD, "server notice: %s", line);
}

/* The api and the worker must hold a login that cannot undo the walls (SECURITY.md): not a
 * superuser, no BYPASSRLS, CREATEROLE or CREATEDB, and neither owning nor able to SET ROLE to
 * the owner of anything in the schema (a table's owner can drop its policies and triggers).
 * Anything else is refused, loudly, as if the database were down. */
static int
login_is_privileged(PGconn *pg)
{
    PGresult *res = PQexec(pg, "SELECT r.rolsuper OR r.rolbypassrls OR r.rolcreaterole "
                               "OR r.rolcreatedb OR EXISTS (SELECT 1 FROM pg_class k "
                               "WHERE k.relnamespace = 'public'::regnamespace "
                               "AND pg_has_role(r.oid, k.relowner, 'MEMBER')), r.rolname "
                               "FROM pg_roles r WHERE r.rolname = session_user");
    int bad = 1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        bad = strcmp(PQgetvalue(res, 0, 0), "f") != 0;
        if (bad)
            cl_log_error(MOD,
                         "refusing the database login %s: it is a superuser, may bypass "
                         "row-level security or create roles, or owns the schema; give the api "
                         "cl_app and the worker cl_worker (SECURITY.md)",
                         PQgetvalue(res, 0, 1));
    } else {
        cl_log_error(MOD, "could not check the database login's privileges");
    }
    PQclear(res);
    return bad;
}

static int
conn_connect(struct cl_conn *c)
{
    char timeout[16], options[320];
    const char *keys[] = {
        "dbname",          "connect_timeout",     "application_name",     "options", "keepalives",
        "keepalives_idle", "keepalives_interval", "target_session_attrs", NULL};
    const char *vals[] = {c->conninfo, timeout, c->app_name, options,
                          "1",         "10",    "5",         c->flags & CONN_ANY ? "any" : NULL,
                          NULL};

    if (c->pg)
        PQfinish(c->pg);
    memset(c->prepared, 0, sizeof c->prepared);
    snprintf(timeout, sizeof timeout, "%d", c->timeout_ms < 2000 ? 2 : c->timeout_ms / 1000);
    /* the council's zone: app.la_timezone for cl_la_date() (schema/functions/base.sql), and
     * the session's TimeZone, so current_date (in functions, column defaults and policies) is
     * the council's date, not the server's; a checked tz name holds no space or backslash, so
     * it needs no quoting here */
    if (cl_la_time_zone())
        snprintf(options, sizeof options,
                 "-c statement_timeout=%d -c app.la_timezone=%s "
                 "-c TimeZone=%s",
                 c->statement_timeout_ms, cl_la_time_zone(), cl_la_time_zone());
    else
        snprintf(options, sizeof options, "-c statement_timeout=%d", c->statement_timeout_ms);
    c->pg = PQconnectdbParams(keys, vals, 1);
    if (c->pg)
        PQsetNoticeProcessor(c->pg, notice_to_log, NULL);
    if (PQstatus(c->pg) != CONNECTION_OK) {
        snprintf(c->message, sizeof c->message, "%s", PQerrorMessage(c->pg));
        c->message[strcspn(c->message, "\n")] = '\0';
        if (!(c->flags & CONN_QUIET))
            cl_log_warn(MOD, "connect failed: %s", PQerrorMessage(c->pg));
        PQfinish(c->pg);
        c->pg = NULL;
        return CL_EDB_DOWN;
    }
    if (!(c->flags & CONN_MAY_OWN) && login_is_privileged(c->pg)) {
        PQfinish(c->pg);
        c->pg = NULL;
        return CL_EDB_DOWN;
    }
    return CL_OK;
}

static void
conn_init(struct cl_conn *c, const char *conninfo, const char *app, int flags, int timeout_ms,
          int stmt_timeout_ms)
{
    memset(c, 0, sizeof *c);
    c->conninfo = cl_strdup(conninfo);
    c->app_name = cl_strdup(app);
    c->flags = flags;
    c->timeout_ms = timeout_ms;
    c->statement_timeout_ms = stmt_timeout_ms;
}

static void
conn_cleanup(struct cl_conn *c)
{
    if (c->pg)
        PQfinish(c->pg);
    free(c->conninfo);
    free(c->app_name);
}

static struct cl_conn *
conn_open(const char *conninfo, const char *app_name, int flags, int timeout_ms, char *why,
          size_t whylen)
{
    struct cl_conn *c = cl_malloc(sizeof *c);

    conn_init(c, conninfo, app_name, flags, timeout_ms, 0);
    if (conn_connect(c) != CL_OK) {
        if (why)
            snprintf(why, whylen, "%s", c->message[0] ? c->message : "refused");
        cl_conn_close(c);
        return NULL;
    }
    return c;
}

struct cl_conn *
cl_conn_open(const char *conninfo, const char *app_name, int timeout_ms)
{
    return conn_open(conninfo, app_name, 0, timeout_ms, NULL, 0);
}

struct cl_conn *
cl_conn_open_owner(const char *conninfo, const char *app_name, int timeout_ms)
{
    return conn_open(conninfo, app_name, CONN_MAY_OWN, timeout_ms, NULL, 0);
}

struct cl_conn *
cl_conn_open_quiet(const char *conninfo, const char *app_name, int timeout_ms, char *why,
                   size_t whylen)
{
    return conn_open(conninfo, app_name, CONN_QUIET, timeout_ms, why, whylen);
}

int
cl_conn_read_only(struct cl_conn *c)
{
    PGresult *res;
    int ro = -1;

    if (c == NULL || c->pg == NULL)
        return -1;
    res = PQexec(c->pg, "SELECT pg_is_in_recovery() OR current_setting('transaction_read_only') "
                        "= 'on'");
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1)
        ro = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
    PQclear(res);
    return ro;
}

int
cl_db_reaches_read_only(const char *conninfo, int timeout_ms)
{
    struct cl_conn *c =
        conn_open(conninfo, "cl-diagnose", CONN_QUIET | CONN_ANY, timeout_ms, NULL, 0);
    int ro = cl_conn_read_only(c);

    cl_conn_close(c);
    return ro == 1;
}

void
cl_conn_close(struct cl_conn *c)
{
    if (c == NULL)
        return;
    conn_cleanup(c);
    free(c);
}

PGconn *
cl_conn_pg(struct cl_conn *c)
{
    return c ? c->pg : NULL;
}

int
cl_conn_ensure(struct cl_conn *c)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK)
        return CL_OK;
    return conn_connect(c);
}

struct cl_pool *
cl_pool_new(const struct cl_pool_opts *o)
{
    struct cl_pool *p = cl_calloc(1, sizeof *p);

    pthread_mutex_init(&p->mu, NULL);
    pthread_cond_init(&p->cv, NULL);
    p->size = o->size;
    p->timeout_ms = o->timeout_ms;
    p->conns = cl_calloc((size_t)o->size, sizeof *p->conns);
    for (int i = 0; i < o->size; i++)
        conn_init(&p->conns[i], o->conninfo, o->app_name, 0, o->timeout_ms,
                  o->statement_timeout_ms);
    return p;
}

void
cl_pool_free(struct cl_pool *p)
{
    if (p == NULL)
        return;
    for (int i = 0; i < p->size; i++)
        conn_cleanup(&p->conns[i]);
    free(p->conns);
    pthread_cond_destroy(&p->cv);
    pthread_mutex_destroy(&p->mu);
    free(p);
}

int
cl_pool_get(struct cl_pool *p, struct cl_conn **out)
{
    struct timespec deadline;
    struct cl_conn *c = NULL;
    int err;

    *out = NULL;
    clock_gettime(CLOCK_REALTIME, &deadline);
    deadline.tv_sec += p->timeout_ms / 1000;
    deadline.tv_nsec += (long)(p->timeout_ms % 1000) * 1000000;
    if (deadline.tv_nsec >= 1000000000) {
        deadline.tv_sec++;
        deadline.tv_nsec -= 1000000000;
    }
    pthread_mutex_lock(&p->mu);
    for (;;) {
        /* Prefer a connection that is already open. */
        for (int i = 0; i < p->size && c == NULL; i++)
            if (!p->conns[i].in_use && p->conns[i].pg)
                c = &p->conns[i];
        for (int i = 0; i < p->size && c == NULL; i++)
            if (!p->conns[i].in_use)
                c = &p->conns[i];
        if (c)
            break;
        if (pthread_cond_timedwait(&p->cv, &p->mu, &deadline) != 0) {
            pthread_mutex_unlock(&p->mu);
            return CL_EDB_DOWN;
        }
    }
    c->in_use = 1;
    p->in_use++;
    /* Right after a failed connect, fail fast rather than queue on a dead database. */
    if (c->pg == NULL && p->last_fail_ms > 0 && cl_clock_ms() - p->last_fail_ms < 200) {
        err = CL_EDB_DOWN;
        goto release;
    }
    pthread_mutex_unlock(&p->mu);

    err = cl_conn_ensure(c);
    clear_last(c);
    if (err == CL_OK) {
        *out = c;
        return CL_OK;
    }
    pthread_mutex_lock(&p->mu);
    p->last_fail_ms = cl_clock_ms();
release:
    c->in_use = 0;
    p->in_use--;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
    return err;
}

void
cl_pool_put(struct cl_pool *p, struct cl_conn *c)
{
    if (c == NULL)
        return;
    /* Broken, or on a read-only server (25006): the next borrower connects afresh, which
     * with target_session_attrs=read-write finds the primary wherever it now is. */
    if (c->pg && (PQstatus(c->pg) != CONNECTION_OK || strcmp(c->sqlstate, "25006") == 0)) {
        PQfinish(c->pg);
        c->pg = NULL;
    } else if (c->pg && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        cl_log_warn(MOD, "connection returned inside a transaction: rolled back");
        cl_db_rollback(c);
    }
    pthread_mutex_lock(&p->mu);
    c->in_use = 0;
    p->in_use--;
    pthread_cond_signal(&p->cv);
    pthread_mutex_unlock(&p->mu);
}

int
cl_pool_in_use(struct cl_pool *p)
{
    int n;

    pthread_mutex_lock(&p->mu);
    n = p->in_use;
    pthread_mutex_unlock(&p->mu);
    return n;
}

int
cl_pool_size(struct cl_pool *p)
{
    return p->size;
}

static int
stmt_id(struct cl_stmt *s)
{
    int id = __atomic_load_n(&s->id, __ATOMIC_ACQUIRE);

    if (id == 0) {
        int fresh = __atomic_add_fetch(&next_stmt_id, 1, __ATOMIC_ACQ_REL);
        int expect = 0;

        if (fresh >= MAX_STMTS) {
            cl_log_error(MOD, "more than %d statements", MAX_STMTS);
            abort();
        }
        if (__atomic_compare_exchange_n(&s->id, &expect, fresh, 0, __ATOMIC_ACQ_REL,
                                        __ATOMIC_ACQUIRE))
            id = fresh;
        else
            id = expect;
    }
    return id;
}

static int
result_err(struct cl_conn *c, PGresult *res, const char *what)
{
    int err;

    keep_error(c, res);
    if (c->pg == NULL || PQstatus(c->pg) != CONNECTION_OK)
        err = CL_EDB_DOWN;
    else
        err = cl_db_classify(c->sqlstate);
    if (err == CL_EDB || err == CL_EDB_DOWN)
        cl_log_warn(MOD, "%s failed: sqlstate %s", what, c->sqlstate);
    else
        cl_log_debug(MOD, "%s: sqlstate %s", what, c->sqlstate);
    return err;
}

/* Prepares stmt on this connection once; name gets its statement name. */
static int
ensure_prepared(struct cl_conn *c, struct cl_stmt *stmt, int nparams, char name[16])
{
    int id = stmt_id(stmt);
    PGresult *res;

    snprintf(name, 16, "s%d", id);
    if (c->prepared[id])
        return CL_OK;
    res = PQprepare(c->pg, name, stmt->sql, nparams, NULL);
    if (PQresultStatus(res) != PGRES_COMMAND_OK) {
        int err = result_err(c, res, name);

        cl_log_error(MOD, "prepare %s failed: %s", name, c->message);
        PQclear(res);
        return err == CL_EDB_DOWN ? err : CL_EDB;
    }
    PQclear(res);
    c->prepared[id] = 1;
    return CL_OK;
}

int
cl_db_exec_ex(struct cl_conn *c, struct cl_stmt *stmt, int nparams, const char *const *params,
              const int *lengths, const int *formats, int result_format, PGresult **out)
{
    char name[16];
    PGresult *res;
    ExecStatusType st;
    int err;

    if (out)
        *out = NULL;
    clear_last(c);
    if (c->pg == NULL)
        return CL_EDB_DOWN;
    err = ensure_prepared(c, stmt, nparams, name);
    if (err != CL_OK)
        return err;
    res = PQexecPrepared(c->pg, name, nparams, params, lengths, formats, result_format);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
        err = result_err(c, res, name);
        PQclear(res);
        return err;
    }
    if (out)
        *out = res;
    else
        PQclear(res);
    return CL_OK;
}

int
cl_db_exec(struct cl_conn *c, struct cl_stmt *stmt, int nparams, const char *const *params,
           PGresult **out)
{
    return cl_db_exec_ex(c, stmt, nparams, params, NULL, NULL, 0, out);
}

int
cl_db_one(struct cl_conn *c, struct cl_stmt *stmt, int nparams, const char *const *params,
          PGresult **out)
{
    PGresult *res = NULL;
    int err = cl_db_exec(c, stmt, nparams, params, &res);

    *out = NULL;
    if (err != CL_OK)
        return err;
    if (PQntuples(res) != 1) {
        PQclear(res);
        return CL_ENOTFOUND;
    }
    *out = res;
    return CL_OK;
}

int
cl_db_simple(struct cl_conn *c, const char *sql)
{
    PGresult *res;
    ExecStatusType st;
    int err = CL_OK;

    clear_last(c);
    if (c->pg == NULL)
        return CL_EDB_DOWN;
    res = PQexec(c->pg, sql);
    st = PQresultStatus(res);
    if (st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK)
        err = result_err(c, res, "simple");
    PQclear(res);
    return err;
}

static void
principal_params(const struct cl_principal *w, const char *p[CL_PRINCIPAL_PARAMS])
{
    p[0] = w && w->sub ? w->sub : "";
    p[1] = w && w->role ? w->role : "";
    p[2] = w && w->adviser_id ? w->adviser_id : "";
    p[3] = w && w->org_id ? w->org_id : "";
    p[4] = w && w->request_id ? w->request_id : "";
    p[5] = w && w->client_request_id ? w->client_request_id : "";
    p[6] = w && w->care_leaver_id ? w->care_leaver_id : "";
}

static int
begin_once(struct cl_conn *c, const struct cl_principal *w)
{
    const char *p[CL_PRINCIPAL_PARAMS];
    int err = cl_db_simple(c, "BEGIN");

    if (err != CL_OK || w == NULL)
        return err;
    principal_params(w, p);
    err = cl_db_exec(c, &set_principal, CL_PRINCIPAL_PARAMS, p, NULL);
    if (err != CL_OK)
        cl_db_rollback(c);
    return err;
}

int
cl_db_begin(struct cl_conn *c, const struct cl_principal *w)
{
    int err = begin_once(c, w);

    /* Nothing has been done yet, so a connection that died while idle can be replaced and
     * the transaction started again safely. */
    if (err == CL_EDB_DOWN && conn_connect(c) == CL_OK)
        err = begin_once(c, w);
    return err;
}

/* Reads the results of one pipelined query; keeps the first failure. */
static int
pipeline_read(struct cl_conn *c, int keep, PGresult **out, int err)
{
    PGresult *res;

    while ((res = PQgetResult(c->pg)) != NULL) {
        ExecStatusType st = PQresultStatus(res);

        if (err == CL_OK && st != PGRES_COMMAND_OK && st != PGRES_TUPLES_OK) {
            err = st == PGRES_PIPELINE_ABORTED ? CL_EDB : result_err(c, res, "pipeline");
        } else if (keep && err == CL_OK && out) {
            *out = res;
            continue;
        }
        PQclear(res);
    }
    return err;
}

static int
txn_one(struct cl_conn *c, const struct cl_principal *w, struct cl_stmt *stmt, int nparams,
        const char *const *params, PGresult **out, int *retryable)
{
    char pname[16], sname[16];
    const char *pp[CL_PRINCIPAL_PARAMS];
    PGresult *res;
    int err;

    err = ensure_prepared(c, &set_principal, CL_PRINCIPAL_PARAMS, pname);
    if (err == CL_OK)
        err = ensure_prepared(c, stmt, nparams, sname);
    if (err != CL_OK)
        return err;
    principal_params(w, pp);
    if (!PQenterPipelineMode(c->pg))
        return CL_EDB;
    if (!PQsendQueryParams(c->pg, "BEGIN", 0, NULL, NULL, NULL, NULL, 0) ||
        !PQsendQueryPrepared(c->pg, pname, CL_PRINCIPAL_PARAMS, pp, NULL, NULL, 0) ||
        !PQsendQueryPrepared(c->pg, sname, nparams, params, NULL, NULL, 0) ||
        !PQsendQueryParams(c->pg, "COMMIT", 0, NULL, NULL, NULL, NULL, 0) ||
        !PQpipelineSync(c->pg)) {
        PQexitPipelineMode(c->pg);
        keep_error(c, NULL);
        *retryable = 1;
        return CL_EDB_DOWN;
    }
    err = pipeline_read(c, 0, NULL, CL_OK);
    /* Only a BEGIN that never reached the server is safe to run again elsewhere. */
    *retryable = err == CL_EDB_DOWN;
    err = pipeline_read(c, 0, NULL, err);
    err = pipeline_read(c, 1, out, err);
    err = pipeline_read(c, 0, NULL, err);
    /* Once COMMIT has answered, the transaction is durable: a connection lost while reading
     * the sync point must not turn an acknowledged write into an error. */
    res = PQgetResult(c->pg); /* the sync point */
    if (err == CL_OK && res != NULL && PQresultStatus(res) != PGRES_PIPELINE_SYNC)
        cl_log_warn(MOD, "pipeline ended oddly after COMMIT succeeded");
    PQclear(res);
    PQexitPipelineMode(c->pg);
    return err;
}

int
cl_db_txn_one(struct cl_conn *c, const struct cl_principal *w, struct cl_stmt *stmt, int nparams,
              const char *const *params, PGresult **out)
{
    int err, retryable = 0;

    *out = NULL;
    clear_last(c);
    if (c->pg == NULL)
        return CL_EDB_DOWN;
    err = txn_one(c, w, stmt, nparams, params, out, &retryable);
    if (err != CL_OK) {
        PQclear(*out);
        *out = NULL;
        cl_db_rollback(c);
        /* The connection died while idle and the transaction never began: try once more on a
         * fresh connection. */
        if (err == CL_EDB_DOWN && retryable && conn_connect(c) == CL_OK) {
            err = txn_one(c, w, stmt, nparams, params, out, &retryable);
            if (err != CL_OK) {
                PQclear(*out);
                *out = NULL;
                cl_db_rollback(c);
            }
        }
    }
    return err;
}

int
cl_db_commit(struct cl_conn *c)
{
    return cl_db_simple(c, "COMMIT");
}

void
cl_db_rollback(struct cl_conn *c)
{
    if (c->pg && PQstatus(c->pg) == CONNECTION_OK && PQtransactionStatus(c->pg) != PQTRANS_IDLE) {
        PGresult *res = PQexec(c->pg, "ROLLBACK");

        PQclear(res);
    }
}

const char *
cl_db_last_sqlstate(struct cl_conn *c)
{
    return c->sqlstate;
}

const char *
cl_db_last_constraint(struct cl_conn *c)
{
    return c->constraint;
}

const char *
cl_db_last_message(struct cl_conn *c)
{
    return c->message;
}
