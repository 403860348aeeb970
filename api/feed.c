#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

static struct cl_stmt start = {"SELECT tx::text, seq::text FROM change_start()"};
static struct cl_stmt changes = {"SELECT body, tx, seq FROM change_list($1, $2::uuid, $3, "
                                 "$4::xid8, $5::bigint, $6::int)"};

/* The list's parent (its first path parameter), or NULL for a top-level list. */
static const char *
parent_of(const struct cl_req *req)
{
    return req->nparams > 0 ? req->params[0] : NULL;
}

/* The scope a token of list is sealed for: the list, and the parent it is nested under. */
static void
scope_of(const struct cl_req *req, const char *list, char scope[128])
{
    const char *parent = parent_of(req);

    snprintf(scope, 128, "feed:%s:%s", list, parent ? parent : "");
}

/* The sealed token for position (tx, seq) of list; the caller frees it. */
static char *
seal(const struct cl_req *req, const struct cl_cursor_key *key, const char *list, const char *tx,
     const char *seq)
{
    char scope[128], plain[48];
    int n = snprintf(plain, sizeof plain, "%s:%s", tx, seq);

    scope_of(req, list, scope);
    return cl_cursor_seal(key, scope, plain, (size_t)n);
}

/* Opens a token into its position: tx and seq digits. 0, or -1 when not one of list's. */
static int
open_token(const struct cl_req *req, const struct cl_cursor_key *key, const char *list,
           const char *token, char tx[24], char seq[24])
{
    char scope[128], *plain, *colon;
    size_t n = 0;
    int ok;

    scope_of(req, list, scope);
    plain = cl_cursor_open(key, scope, token, &n);
    if (plain == NULL)
        return -1;
    colon = strchr(plain, ':');
    ok = colon && colon - plain > 0 && colon - plain < 24 && strlen(colon + 1) > 0 &&
         strlen(colon + 1) < 24 && strspn(plain, "0123456789") == (size_t)(colon - plain) &&
         strspn(colon + 1, "0123456789") == strlen(colon + 1);
    if (ok) {
        memcpy(tx, plain, (size_t)(colon - plain));
        tx[colon - plain] = '\0';
        memcpy(seq, colon + 1, strlen(colon + 1) + 1);
    }
    free(plain);
    return ok ? 0 : -1;
}

static int
run(struct cl_req *req, struct cl_stmt *stmt, int nparams, const char *const *params,
    PGresult **res)
{
    if (req->db == NULL) {
        int err = cl_pool_get(req->app->pool, &req->db);

        if (err != CL_OK)
            return err;
    }
    return cl_db_txn_one(req->db, &req->who, stmt, nparams, params, res);
}

/* Adds ,"change_token":"<token>" inside the JSON object in resp's body. */
static int
add_token(struct cl_resp *resp, const char *token)
{
    if (resp->body.len == 0 || resp->body.data[resp->body.len - 1] != '}')
        return CL_EINVAL;
    resp->body.len--;
    return cl_buf_printf(&resp->body, ",\"change_token\":\"%s\"}", token);
}

static int
feed(struct cl_req *req, struct cl_resp *resp, const char *list, const char *arg, const char *token,
     const struct cl_cursor_key *key)
{
    struct cl_page page;
    char tx[24], seq[24];
    const char *p[6];
    PGresult *res = NULL;
    struct cl_buf b;
    char *next = NULL;
    int err = cl_page_parse(req, resp, 0, &page), rows, shown;

    if (err != CL_OK)
        return err;
    if (open_token(req, key, list, token, tx, seq) != 0) {
        cl_resp_detail(resp, "updated_since is not a change token this list issued");
        return CL_EBADREQ;
    }
    p[0] = list;
    p[1] = parent_of(req);
    p[2] = arg;
    p[3] = tx;
    p[4] = seq;
    p[5] = page.limit_plus_one;
    err = run(req, &changes, 6, p, &res);
    if (err != CL_OK)
        return err;
    rows = PQntuples(res);
    shown = rows > page.limit ? page.limit : rows;
    next = shown
               ? seal(req, key, list, PQgetvalue(res, shown - 1, 1), PQgetvalue(res, shown - 1, 2))
               : NULL;
    cl_buf_init(&b, (size_t)1 << 30);
    err = cl_buf_adds(&b, "{\"items\":[");
    for (int i = 0; i < shown && err == CL_OK; i++) {
        if (i)
            err = cl_buf_adds(&b, ",");
        if (err == CL_OK)
            err = cl_buf_add(&b, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
    }
    if (err == CL_OK)
        err = cl_buf_printf(&b, "],\"next_cursor\":null,\"has_more\":%s,\"change_token\":\"%s\"}",
                            rows > page.limit ? "true" : "false", next ? next : token);
    if (err == CL_OK) {
        resp->status = 200;
        resp->content_type = "application/json";
        cl_buf_free(&resp->body);
        resp->body = b;
        cl_buf_init(&b, 0);
    }
    cl_buf_free(&b);
    free(next);
    PQclear(res);
    return err;
}

/* Whether the query string names a parameter besides updated_since and limit. */
static int
other_parameter(const char *query)
{
    for (const char *q = query; q && *q;) {
        size_t n = strcspn(q, "=&");

        if (n > 0 && !(n == 13 && strncmp(q, "updated_since", n) == 0) &&
            !(n == 5 && strncmp(q, "limit", n) == 0))
            return 1;
        q += strcspn(q, "&");
        if (*q == '&')
            q++;
    }
    return 0;
}

int
cl_api_feed(struct cl_req *req, struct cl_resp *resp, const char *list, const char *arg,
            cl_feed_page page, const void *ctx)
{
    const struct cl_cursor_key *key;
    char token[512];
    PGresult *res = NULL;
    char *first;
    int st = cl_req_query(req, "updated_since", token, sizeof token), err;

    if (st < 0) {
        cl_resp_detail(resp, "updated_since is not a change token this list issued");
        return CL_EBADREQ;
    }
    err = cl_cursor_key(req->app->pool, req->db, &key);
    if (err != CL_OK)
        return err;
    if (st > 0) {
        if (other_parameter(req->query)) {
            cl_resp_detail(resp, "updated_since takes no filter or cursor beside it");
            return CL_EBADREQ;
        }
        return feed(req, resp, list, arg, token, key);
    }
    /* Taken first: every change of a transaction finished by now is in the page read next. */
    err = run(req, &start, 0, NULL, &res);
    if (err != CL_OK)
        return err;
    first = seal(req, key, list, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
    PQclear(res);
    err = page(req, resp, ctx);
    if (err == CL_OK)
        err = add_token(resp, first);
    free(first);
    return err;
}

/* What cl_api_feed_list gives its page. */
struct list_query {
    struct cl_stmt *stmt;
    int npath;
    const struct cl_api_query *filters;
    int nkeys;
};

static int
list_page(struct cl_req *req, struct cl_resp *resp, const void *ctx)
{
    const struct list_query *q = ctx;

    return cl_api_list_query(req, resp, q->stmt, q->npath, q->filters, q->nkeys);
}

int
cl_api_feed_list(struct cl_req *req, struct cl_resp *resp, const char *list, struct cl_stmt *stmt,
                 int npath, const struct cl_api_query *filters, int nkeys)
{
    const struct list_query q = {stmt, npath, filters, nkeys};

    return cl_api_feed(req, resp, list, NULL, list_page, &q);
}
