/* PostgreSQL access: a fixed-size pool of libpq connections, named statements prepared once
 * per connection, three query wrappers by result shape, and transactions that carry the
 * caller's identity (SET LOCAL app.*) for row-level security and auditing.
 *
 * SQL only ever travels as a constant statement with $n parameters. */
#ifndef CL_DB_H
#define CL_DB_H

#include <libpq-fe.h>

#include "cl_err.h"

/* A statement owned by the module that uses it (static storage). id is assigned on first use. */
struct cl_stmt {
    const char *sql;
    int id;
};

/* Who is asking; strings are borrowed for the length of the transaction. Empty or NULL fields
 * are sent as empty strings. */
struct cl_principal {
    const char *sub;
    const char *role;
    const char *adviser_id;
    const char *org_id;
    const char *request_id;        /* the server's own id for the request */
    const char *client_request_id; /* the client's X-Request-Id, kept apart (may be empty) */
    const char *care_leaver_id;    /* a young person's own record (young_person role) */
};

struct cl_conn;
struct cl_pool;

struct cl_pool_opts {
    const char *conninfo;     /* libpq conninfo or URI (borrowed for the pool's life) */
    const char *app_name;     /* application_name */
    int size;                 /* connections */
    int timeout_ms;           /* how long a caller may wait for a connection */
    int statement_timeout_ms; /* 0: none */
};

/* Creates a pool; connections are opened lazily, so this succeeds with the database down.
 * Caller frees with cl_pool_free after every connection has been returned. */
struct cl_pool *cl_pool_new(const struct cl_pool_opts *opts);
void cl_pool_free(struct cl_pool *pool);

/* Borrows a live connection. CL_EDB_DOWN when none is free within the timeout or the database
 * cannot be reached. Return it with cl_pool_put, which rolls back an open transaction and
 * drops a broken connection. */
int cl_pool_get(struct cl_pool *pool, struct cl_conn **out) CL_WARN_UNUSED;
void cl_pool_put(struct cl_pool *pool, struct cl_conn *conn);
int cl_pool_in_use(struct cl_pool *pool);
int cl_pool_size(struct cl_pool *pool);

/* A single connection outside any pool (worker, tools). NULL on failure, with the reason
 * logged. Free with cl_conn_close. Pooled and single connections alike refuse a login that
 * could undo row-level security or the audit log's triggers (a superuser, BYPASSRLS,
 * CREATEROLE, CREATEDB, or the schema's owner); only cl_conn_open_owner, for migrations,
 * accepts the owner. */
struct cl_conn *cl_conn_open(const char *conninfo, const char *app_name, int timeout_ms);
struct cl_conn *cl_conn_open_owner(const char *conninfo, const char *app_name, int timeout_ms);
/* As cl_conn_open, but a failed connect is not logged: why gets libpq's reason (first line). */
struct cl_conn *cl_conn_open_quiet(const char *conninfo, const char *app_name, int timeout_ms,
                                   char *why, size_t whylen);
void cl_conn_close(struct cl_conn *conn);
/* 1 when conn's server takes no writes (a standby in recovery, or transaction_read_only on), 0
 * when it does, -1 when it cannot be asked. */
int cl_conn_read_only(struct cl_conn *conn);
/* 1 when conninfo reaches a server, ignoring its target_session_attrs, and that server is
 * read-only: why a connection that asks for read-write is refused. */
int cl_db_reaches_read_only(const char *conninfo, int timeout_ms);
PGconn *cl_conn_pg(struct cl_conn *conn);
/* Reconnects a broken connection; CL_OK when it is usable again. */
int cl_conn_ensure(struct cl_conn *conn) CL_WARN_UNUSED;

/* Runs stmt with text parameters (NULL entries are SQL NULL). On success *out (if not NULL)
 * holds the result, which the caller PQclears; on failure *out is NULL and the error is
 * classified from the SQLSTATE. */
int cl_db_exec(struct cl_conn *conn, struct cl_stmt *stmt, int nparams, const char *const *params,
               PGresult **out) CL_WARN_UNUSED;
/* As cl_db_exec with binary-capable parameters and result format (0 text, 1 binary). */
int cl_db_exec_ex(struct cl_conn *conn, struct cl_stmt *stmt, int nparams,
                  const char *const *params, const int *lengths, const int *formats,
                  int result_format, PGresult **out) CL_WARN_UNUSED;
/* As cl_db_exec but CL_ENOTFOUND unless exactly one row came back. */
int cl_db_one(struct cl_conn *conn, struct cl_stmt *stmt, int nparams, const char *const *params,
              PGresult **out) CL_WARN_UNUSED;
/* Runs a constant SQL text with no parameters (DDL, BEGIN, LISTEN). */
int cl_db_simple(struct cl_conn *conn, const char *sql) CL_WARN_UNUSED;

/* BEGIN and set the principal (app.sub, app.role, app.adviser_id, app.org_id, app.request_id,
 * app.client_request_id, app.care_leaver_id) for this transaction only; CL_EAUTH when the
 * principal's adviser or partner is not active, or a young person's record is not open. Retries
 * once on a fresh connection if the old one had died. */
int cl_db_begin(struct cl_conn *conn, const struct cl_principal *who) CL_WARN_UNUSED;
int cl_db_commit(struct cl_conn *conn) CL_WARN_UNUSED;

/* BEGIN, set the principal, run stmt, COMMIT: one transaction in one network round trip
 * (libpq pipeline mode). Results and errors as cl_db_exec; on error nothing is committed. */
int cl_db_txn_one(struct cl_conn *conn, const struct cl_principal *who, struct cl_stmt *stmt,
                  int nparams, const char *const *params, PGresult **out) CL_WARN_UNUSED;
void cl_db_rollback(struct cl_conn *conn);

/* Details of the last failed statement on conn (empty strings when none). The message is
 * only meant for the client when the SQLSTATE is one of ours (class CL). */
const char *cl_db_last_sqlstate(struct cl_conn *conn);
const char *cl_db_last_constraint(struct cl_conn *conn);
const char *cl_db_last_message(struct cl_conn *conn);

/* Maps a SQLSTATE to an error code: 23505/23P01 conflict, 23503/23514/22xxx invalid,
 * 40001/40P01 retry, 08xxx/57P0x/53300/25006 (read-only server) down,
 * CL401/CL403/CL404/CL409/CL412/CL422 (our functions) as named. */
int cl_db_classify(const char *sqlstate);

#endif
