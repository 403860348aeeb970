#include "feed.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cursor.h"

static struct cl_stmt start = {"SELECT tx::text, seq::text FROM change_start()"};
static struct cl_stmt changes = {
    "SELECT body, tx, seq FROM change_list($1, $2::xid8, $3::bigint, $4::int)"};

/* The sealed token for position (tx, seq) of resource; the caller frees it. */
static char *
seal(const struct cl_cursor_key *key, const char *resource, const char *tx, const char *seq)
{
    char scope[64], plain[48];
    int n = snprintf(plain, sizeof plain, "%s:%s", tx, seq);

    snprintf(scope, sizeof scope, "feed:%s", resource);
    return cl_cursor_seal(key, scope, plain, (size_t)n);
}

/* Opens a token into its position: tx and seq digits. 0, or -1 when not one of resource's. */
static int
open_token(const struct cl_cursor_key *key, const char *resource, const char *token, char tx[24],
           char seq[24])
{
    char scope[64], *plain, *colon;
    size_t n = 0;
    int ok;

    snprintf(scope, sizeof scope, "feed:%s", resource);
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
feed(struct cl_req *req, struct cl_resp *resp, const char *resource, const char *token,
     const struct cl_cursor_key *key)
{
    struct cl_page page;
    char tx[24], seq[24];
    const char *p[4];
    PGresult *res = NULL;
    struct cl_buf b;
    char *next = NULL;
    int err = cl_page_parse(req, resp, 0, &page), rows, shown;

    if (err != CL_OK)
        return err;
    if (open_token(key, resource, token, tx, seq) != 0) {
        cl_resp_detail(resp, "updated_since is not a change token this list issued");
        return CL_EBADREQ;
    }
    p[0] = resource;
    p[1] = tx;
    p[2] = seq;
    p[3] = page.limit_plus_one;
    err = run(req, &changes, 4, p, &res);
    if (err != CL_OK)
        return err;
    rows = PQntuples(res);
    shown = rows > page.limit ? page.limit : rows;
    next = shown ? seal(key, resource, PQgetvalue(res, shown - 1, 1), PQgetvalue(res, shown - 1, 2))
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

int
cl_api_feed_list(struct cl_req *req, struct cl_resp *resp, const char *resource,
                 struct cl_stmt *stmt, int npath, const struct cl_api_query *filters, int nkeys)
{
    const struct cl_cursor_key *key;
    char token[512], v[8];
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
        int other = cl_req_query(req, "cursor", v, sizeof v) != 0;

        for (const struct cl_api_query *f = filters; f && f->name && !other; f++)
            other = cl_req_query(req, f->name, v, sizeof v) != 0;
        if (other) {
            cl_resp_detail(resp, "updated_since takes no filter or cursor beside it");
            return CL_EBADREQ;
        }
        return feed(req, resp, resource, token, key);
    }
    /* Taken first: every change of a transaction finished by now is in the page read next. */
    err = run(req, &start, 0, NULL, &res);
    if (err != CL_OK)
        return err;
    first = seal(key, resource, PQgetvalue(res, 0, 0), PQgetvalue(res, 0, 1));
    PQclear(res);
    err = cl_api_list_query(req, resp, stmt, npath, filters, nkeys);
    if (err == CL_OK)
        err = add_token(resp, first);
    free(first);
    return err;
}
