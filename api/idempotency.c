#include "idempotency.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_json.h"

static struct cl_stmt idem_store = {
    "INSERT INTO idempotency_keys (actor_sub, key, request_hash, status, location) "
    "VALUES ($1, $2, encode(sha256(convert_to($3, 'UTF8')), 'hex'), $4::int, $5) "
    "ON CONFLICT (actor_sub, key) DO UPDATE SET request_hash = EXCLUDED.request_hash, "
    "status = EXCLUDED.status, location = EXCLUDED.location, created_at = now() "
    "WHERE idempotency_keys.created_at < now() - interval '24 hours'"};
static struct cl_stmt idem_find = {
    "SELECT request_hash = encode(sha256(convert_to($3, 'UTF8')), 'hex'), status, location "
    "FROM idempotency_keys "
    "WHERE actor_sub = $1 AND key = $2 AND created_at >= now() - interval '24 hours'"};

/* What the key covers: the method, the path and the body. */
static char *
material(const struct cl_req *req)
{
    struct cl_buf b;

    cl_buf_init(&b, (size_t)1 << 30);
    if (cl_buf_printf(&b, "%s %s\n", req->method, req->path) != CL_OK ||
        cl_buf_add(&b, req->body_raw ? req->body_raw : "", req->body_len) != CL_OK)
        abort();
    return cl_buf_take(&b, NULL);
}

int
cl_idem_store(struct cl_req *req, const struct cl_resp *resp)
{
    char status[8], *m = material(req);
    const char *p[5] = {req->sub, req->idempotency_key, m, status,
                        resp->location[0] ? resp->location : NULL};
    PGresult *res = NULL;
    int err;

    snprintf(status, sizeof status, "%d", resp->status);
    err = cl_db_exec(req->db, &idem_store, 5, p, &res);
    if (err == CL_OK && strcmp(PQcmdTuples(res), "1") != 0)
        err = CL_ECONFLICT;
    PQclear(res);
    free(m);
    return err;
}

int
cl_idem_check(struct cl_req *req, struct cl_resp *resp, struct cl_idem_replay *replay)
{
    const char *key = cl_req_header(req, "Idempotency-Key");
    struct cl_conn *db = NULL;
    PGresult *res = NULL;
    char *m;
    const char *p[3];
    int rc = 0, err;

    if (key == NULL || strcmp(req->method, "POST") != 0)
        return 0;
    if (*key == '\0' || strlen(key) > 200 || cl_json_utf8_check(key, strlen(key)) != 0) {
        cl_resp_problem(resp, req, 400, "Idempotency-Key must be 1 to 200 characters");
        return -1;
    }
    err = cl_pool_get(req->app->pool, &db);
    if (err != CL_OK) {
        resp->retry_after = 2;
        cl_resp_problem(resp, req, 503, "the database is unavailable; try again shortly");
        return -1;
    }
    m = material(req);
    p[0] = req->sub;
    p[1] = key;
    p[2] = m;
    err = cl_db_exec(db, &idem_find, 3, p, &res);
    if (err != CL_OK) {
        resp->retry_after = 2;
        cl_resp_problem(resp, req, 503, "the database is unavailable; try again shortly");
        rc = -1;
    } else if (PQntuples(res) == 1 && strcmp(PQgetvalue(res, 0, 0), "t") != 0) {
        cl_resp_problem(resp, req, 422, "this Idempotency-Key was used with a different request");
        rc = -1;
    } else if (PQntuples(res) == 1) {
        replay->status = (int)strtol(PQgetvalue(res, 0, 1), NULL, 10);
        snprintf(replay->location, sizeof replay->location, "%s", PQgetvalue(res, 0, 2));
        rc = 1;
    } else {
        req->idempotency_key = key;
    }
    PQclear(res);
    free(m);
    cl_pool_put(req->app->pool, db);
    return rc;
}

void
cl_idem_replay_target(const struct cl_req *req, const struct cl_idem_replay *replay, char *out,
                      size_t outlen)
{
    snprintf(out, outlen, "%s", replay->location[0] ? replay->location : req->path);
    if (replay->location[0] == '\0' && strrchr(out, '/'))
        *strrchr(out, '/') = '\0';
}

void
cl_idem_replayed(struct cl_resp *resp, const struct cl_idem_replay *replay)
{
    resp->status = replay->status;
    snprintf(resp->location, sizeof resp->location, "%s", replay->location);
    cl_resp_header(resp, "Idempotent-Replayed", "true");
}
