/* The only file that talks to Civetweb: checks framing, matches the route, authenticates,
 * reads and decodes the body, calls the handler, writes one response in one write, logs one
 * JSON line and counts the request. */
#include "http.h"

#include <ctype.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <civetweb.h>
#include <uuid/uuid.h>

#include "auth.h"
#include "cl_json.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "cl_validate.h"
#include "http_server.h"
#include "metrics.h"
#include "ratelimit.h"
#include "routes.h"

#define MOD "http"
#define CL_MAX_HEAD_BYTES 16384 /* request line and headers */

static const char *
reason(int status)
{
    switch (status) {
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 304:
        return "Not Modified";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 406:
        return "Not Acceptable";
    case 409:
        return "Conflict";
    case 412:
        return "Precondition Failed";
    case 413:
        return "Content Too Large";
    case 415:
        return "Unsupported Media Type";
    case 422:
        return "Unprocessable Content";
    case 428:
        return "Precondition Required";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return status >= 500 ? "Internal Server Error" : "Error";
    }
}

int
cl_http_status_for(int err)
{
    switch (err) {
    case CL_OK:
        return 200;
    case CL_EINVAL:
        return 422;
    case CL_EBADREQ:
        return 400;
    case CL_ENOTFOUND:
        return 404;
    case CL_ECONFLICT:
        return 409;
    case CL_EPRECOND:
        return 412;
    case CL_EFORBIDDEN:
        return 403;
    case CL_EAUTH:
        return 401;
    case CL_EDB_DOWN:
    case CL_EDB_RETRY:
        return 503;
    default:
        return 500;
    }
}

const char *
cl_req_header(const struct cl_req *req, const char *name)
{
    return mg_get_header((const struct mg_connection *)req->conn, name);
}

int
cl_req_begin(struct cl_req *req)
{
    int err;

    if (req->db == NULL) {
        err = cl_pool_get(req->app->pool, &req->db);
        if (err != CL_OK)
            return err;
    }
    return cl_db_begin(req->db, &req->who);
}

/* An Idempotency-Key keeps the request's hash, the status and the Location (ids only), never
 * the response body: a replay re-reads the resource as the caller may see it now. Keys last
 * 24 h; the worker deletes older rows (cl_purge_expired). */
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

/* What a replay answers with: the first answer's status and Location. */
struct idem_replay {
    int status;
    char location[160];
};

/* What the key covers: the method, the path and the body. */
static char *
idem_material(const struct cl_req *req)
{
    struct cl_buf b;

    cl_buf_init(&b, (size_t)1 << 30);
    if (cl_buf_printf(&b, "%s %s\n", req->method, req->path) != CL_OK ||
        cl_buf_add(&b, req->body_raw ? req->body_raw : "", req->body_len) != CL_OK)
        abort();
    return cl_buf_take(&b, NULL);
}

int
cl_req_commit(struct cl_req *req, const struct cl_resp *resp)
{
    int err = CL_OK;

    if (req->idempotency_key && resp->status >= 200 && resp->status < 300) {
        char status[8], *material = idem_material(req);
        const char *p[5] = {req->sub, req->idempotency_key, material, status,
                            resp->location[0] ? resp->location : NULL};
        PGresult *res = NULL;

        snprintf(status, sizeof status, "%d", resp->status);
        err = cl_db_exec(req->db, &idem_store, 5, p, &res);
        if (err == CL_OK && strcmp(PQcmdTuples(res), "1") != 0)
            err = CL_ECONFLICT;
        PQclear(res);
        free(material);
        if (err != CL_OK) {
            cl_db_rollback(req->db);
            return err;
        }
    }
    return cl_db_commit(req->db);
}

/* For a POST carrying an Idempotency-Key: finds a key this caller used before (1, *replay
 * filled), refuses a reused key with another body (-1, resp filled), or lets the request run
 * (0). */
static int
idempotency_check(struct cl_req *req, struct cl_resp *resp, struct idem_replay *replay)
{
    const char *key = mg_get_header((const struct mg_connection *)req->conn, "Idempotency-Key");
    struct cl_conn *db = NULL;
    PGresult *res = NULL;
    char *material;
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
    material = idem_material(req);
    p[0] = req->sub;
    p[1] = key;
    p[2] = material;
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
    free(material);
    cl_pool_put(req->app->pool, db);
    return rc;
}

/* Answers a replayed POST with the first answer's status and the resource as the caller may
 * see it now, read by that resource's GET operation (scoped and audited like any read): the
 * Location the first answer gave, or, for a POST that created nothing (a transition, a
 * cancel), the resource it acted on, i.e. the path without its last segment. Out of scope now
 * means 404, as for the GET. */
static int
idempotency_replay(struct cl_req *req, struct cl_resp *resp, const struct idem_replay *replay)
{
    char target[2049], allow[128]; /* paths over 2048 bytes never reach a handler */
    const struct cl_route *get;
    int st, err;

    snprintf(target, sizeof target, "%s", replay->location[0] ? replay->location : req->path);
    if (replay->location[0] == '\0' && strrchr(target, '/'))
        *strrchr(target, '/') = '\0';
    get = cl_route_match("GET", target, req, allow, sizeof allow, &st);
    if (get == NULL || !(get->roles & (unsigned)req->role)) {
        cl_resp_detail(resp, "no such resource");
        return CL_ENOTFOUND;
    }
    req->query = NULL;
    err = get->fn(req, resp);
    if (err != CL_OK)
        return err;
    resp->status = replay->status;
    snprintf(resp->location, sizeof resp->location, "%s", replay->location);
    cl_resp_header(resp, "Idempotent-Replayed", "true");
    return CL_OK;
}

int
cl_req_if_match(const struct cl_req *req, struct cl_resp *resp, const char **version, char buf[16])
{
    const char *h = cl_req_header(req, "If-Match");
    size_t n;

    *version = NULL;
    if (h == NULL)
        return CL_OK;
    while (*h == ' ')
        h++;
    if (strcmp(h, "*") == 0) {
        *version = "*";
        return CL_OK;
    }
    n = strlen(h);
    if (n >= 3 && n <= 14 && h[0] == '"' && h[n - 1] == '"' &&
        strspn(h + 1, "0123456789") == n - 2) {
        memcpy(buf, h + 1, n - 2);
        buf[n - 2] = '\0';
        *version = buf;
        return CL_OK;
    }
    if (strncmp(h, "W/\"", 3) == 0 || (h[0] == '"' && h[n - 1] == '"')) {
        *version = "-1"; /* weak or foreign tags never match a strong comparison */
        return CL_OK;
    }
    cl_resp_detail(resp, "If-Match must be an entity tag such as \"3\"");
    return CL_EBADREQ;
}

int
cl_req_query(const struct cl_req *req, const char *name, char *out, size_t outlen)
{
    return cl_query_get(req->query, name, out, outlen);
}

int
cl_query_get(const char *query, const char *name, char *out, size_t outlen)
{
    int n;

    if (query == NULL)
        return 0;
    n = mg_get_var(query, strlen(query), name, out, outlen);
    if (n == -1)
        return 0;
    if (n < 0)
        return -1;
    if (cl_json_utf8_check(out, (size_t)n) != 0)
        return -1;
    return 1;
}

void
cl_resp_bytes(struct cl_resp *resp, int status, const char *content_type, const void *p, size_t n)
{
    resp->status = status;
    resp->content_type = content_type;
    cl_buf_reset(&resp->body);
    if (cl_buf_add(&resp->body, p, n) != CL_OK) {
        resp->status = 500;
        cl_buf_reset(&resp->body);
    }
}

void
cl_resp_json(struct cl_resp *resp, int status, const char *json)
{
    cl_resp_bytes(resp, status, "application/json", json, strlen(json));
}

void
cl_resp_cjson(struct cl_resp *resp, int status, const cJSON *json)
{
    char *s = cl_json_print(json);

    cl_resp_json(resp, status, s);
    free(s);
}

void
cl_resp_row(struct cl_resp *resp, int status, const char *body, const char *version,
            const char *location)
{
    cl_resp_json(resp, status, body);
    snprintf(resp->etag, sizeof resp->etag, "%s", version ? version : "");
    snprintf(resp->location, sizeof resp->location, "%s", location ? location : "");
}

void
cl_resp_header(struct cl_resp *resp, const char *name, const char *fmt, ...)
{
    char value[1024];
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(value, sizeof value, fmt, ap);
    va_end(ap);
    /* Header values come from our own code, but never let one smuggle a line break. */
    if (strpbrk(value, "\r\n"))
        return;
    if (cl_buf_printf(&resp->headers, "%s: %s\r\n", name, value) != CL_OK)
        cl_log_warn(MOD, "response headers too large, %s dropped", name);
}

void
cl_resp_detail(struct cl_resp *resp, const char *fmt, ...)
{
    va_list ap;

    va_start(ap, fmt);
    vsnprintf(resp->detail, sizeof resp->detail, fmt, ap);
    va_end(ap);
}

void
cl_resp_field_error(struct cl_resp *resp, const char *field, const char *message)
{
    if (resp->errors == NULL)
        resp->errors = cJSON_CreateArray();
    cl_validate_add(resp->errors, field, message);
}

static const char *
problem_slug(int status)
{
    switch (status) {
    case 400:
        return "bad-request";
    case 401:
        return "unauthorized";
    case 403:
        return "forbidden";
    case 404:
        return "not-found";
    case 405:
        return "method-not-allowed";
    case 409:
        return "conflict";
    case 412:
        return "precondition-failed";
    case 413:
        return "content-too-large";
    case 415:
        return "unsupported-media-type";
    case 422:
        return "validation-error";
    case 428:
        return "precondition-required";
    case 429:
        return "too-many-requests";
    case 431:
        return "header-fields-too-large";
    case 503:
        return "service-unavailable";
    case 505:
        return "http-version-not-supported";
    default:
        return "internal-error";
    }
}

void
cl_resp_problem(struct cl_resp *resp, const struct cl_req *req, int status, const char *detail)
{
    cJSON *p = cJSON_CreateObject();
    char type[96];

    snprintf(type, sizeof type, "https://leaving-care.example/problems/%s", problem_slug(status));
    cJSON_AddStringToObject(p, "type", type);
    cJSON_AddStringToObject(p, "title", reason(status));
    cJSON_AddNumberToObject(p, "status", status);
    cJSON_AddStringToObject(p, "detail", detail && *detail ? detail : reason(status));
    cJSON_AddStringToObject(p, "instance", req->request_id);
    if (resp->errors && (status == 422 || status == 400)) {
        cJSON_AddItemToObject(p, "errors", resp->errors);
        resp->errors = NULL;
    }
    cl_resp_cjson(resp, status, p);
    resp->content_type = "application/problem+json";
    cJSON_Delete(p);
}

/* ---- framing ----------------------------------------------------------------------------- */

static const char *
framing_problem(const struct mg_request_info *ri)
{
    int cl = 0, te = 0;

    for (int i = 0; i < ri->num_headers; i++) {
        const char *name = ri->http_headers[i].name, *v = ri->http_headers[i].value;

        if (strcasecmp(name, "Content-Length") == 0) {
            cl++;
            if (*v == '\0')
                return "Content-Length is empty";
            for (; *v; v++)
                if (!isdigit((unsigned char)*v))
                    return "Content-Length is not a number";
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            te++;
        }
    }
    if (cl > 1)
        return "more than one Content-Length";
    if (cl && te)
        return "both Transfer-Encoding and Content-Length";
    if (te > 1)
        return "more than one Transfer-Encoding";
    if (ri->request_uri && (strstr(ri->request_uri, "%00") || strchr(ri->request_uri, '\\')))
        return "NUL or backslash in the request target";
    return NULL;
}

/* Bytes in the request line and headers as received. Civetweb's own buffer is larger
 * (max_request_size), so anything between our limit and its limit gets a proper 431. */
static size_t
head_size(const struct mg_request_info *ri)
{
    size_t n = strlen(ri->request_method) + strlen(ri->request_uri ? ri->request_uri : "") + 12;

    if (ri->query_string)
        n += strlen(ri->query_string) + 1;
    for (int i = 0; i < ri->num_headers; i++)
        n += strlen(ri->http_headers[i].name) + strlen(ri->http_headers[i].value) + 4;
    return n;
}

/* The server's own id for the request (a new UUID, the one in the audit log and the log
 * lines) and the client's X-Request-Id when it is sane (else empty): the client's is echoed
 * back and kept in its own audit column, never taken as the server's. */
static void
request_ids(struct mg_connection *conn, char server[65], char client[65])
{
    const char *h = mg_get_header(conn, "X-Request-Id");
    uuid_t u;

    uuid_generate_random(u);
    uuid_unparse_lower(u, server);
    client[0] = '\0';
    if (h && *h && strlen(h) <= 64 &&
        strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-_.") == strlen(h))
        memcpy(client, h, strlen(h) + 1);
}

/* Reads the body up to max bytes; 0 ok, 413 too large, 400 broken. */
static int
read_body(struct mg_connection *conn, long long declared, size_t max, struct cl_buf *out)
{
    char chunk[8192];
    int n;

    if (declared > (long long)max)
        return 413;
    while ((n = mg_read(conn, chunk, sizeof chunk)) > 0)
        if (cl_buf_add(out, chunk, (size_t)n) != CL_OK)
            return 413;
    if (n < 0)
        return 400;
    if (declared >= 0 && (long long)out->len != declared)
        return 400;
    return 0;
}

static int
is_json_type(const char *ct, int patch)
{
    size_t n;

    if (ct == NULL)
        return 0;
    n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return 1;
    return patch && n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0;
}

/* CORS: only configured origins get CORS headers; a preflight from any other is refused. */
static int
origin_allowed(const struct cl_config *cfg, const char *origin)
{
    const char *p = cfg->cors_allowed_origins;
    size_t n;

    if (origin == NULL || *p == '\0')
        return 0;
    n = strlen(origin);
    while (*p) {
        size_t len = strcspn(p, ",");

        if (len == n && strncmp(p, origin, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

/* ---- response ---------------------------------------------------------------------------- */

static void
send_response(struct mg_connection *conn, const struct cl_req *req, struct cl_resp *resp,
              const char *origin)
{
    struct cl_buf out;
    /* 204 and 304 have no content, and RFC 9110 (8.6) forbids a Content-Length there (on a
     * 304 it would have to be the length of the 200's content). */
    int bodiless = resp->status == 204 || resp->status == 304;
    int ok;

    cl_buf_init(&out, (size_t)1 << 30);
    ok = cl_buf_printf(&out, "HTTP/1.1 %d %s\r\n", resp->status, reason(resp->status)) == CL_OK;
    if (ok && !bodiless)
        ok = cl_buf_printf(&out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                           resp->content_type ? resp->content_type : "application/json",
                           resp->body.len) == CL_OK;
    if (ok)
        ok = cl_buf_printf(&out,
                           "X-Request-Id: %s\r\n"
                           "Cache-Control: no-store\r\n"
                           "X-Content-Type-Options: nosniff\r\n",
                           req->client_request_id[0] ? req->client_request_id : req->request_id) ==
             CL_OK;
    if (ok && resp->etag[0])
        ok = cl_buf_printf(&out, "ETag: \"%s\"\r\n", resp->etag) == CL_OK;
    if (ok && resp->location[0])
        ok = cl_buf_printf(&out, "Location: %s\r\n", resp->location) == CL_OK;
    if (ok && resp->retry_after > 0)
        ok = cl_buf_printf(&out, "Retry-After: %d\r\n", resp->retry_after) == CL_OK;
    if (ok && origin)
        ok = cl_buf_printf(&out,
                           "Access-Control-Allow-Origin: %s\r\nVary: Origin\r\n"
                           "Access-Control-Expose-Headers: ETag, Location, Link, X-Request-Id, "
                           "Retry-After\r\n",
                           origin) == CL_OK;
    if (ok && resp->headers.len)
        ok = cl_buf_add(&out, resp->headers.data, resp->headers.len) == CL_OK;
    if (ok)
        ok = cl_buf_adds(&out, "\r\n") == CL_OK;
    if (ok && resp->body.len && !bodiless && strcmp(req->method, "HEAD") != 0)
        ok = cl_buf_add(&out, resp->body.data, resp->body.len) == CL_OK;
    if (ok)
        mg_write(conn, out.data, out.len);
    cl_buf_free(&out);
}

static void
log_request(const struct cl_req *req, const char *route, int status, double seconds)
{
    char extra[512];
    struct cl_buf b;

    if (CL_LOG_INFO < cl_log_level)
        return;
    /* Route templates, never raw paths: a path can carry an id. */
    cl_buf_init(&b, sizeof extra);
    if (cl_buf_adds(&b, "\"req\":\"") == CL_OK &&
        cl_buf_add_json_str(&b, req->request_id) == CL_OK &&
        (req->client_request_id[0] == '\0' ||
         (cl_buf_adds(&b, "\",\"client_req\":\"") == CL_OK &&
          cl_buf_add_json_str(&b, req->client_request_id) == CL_OK)) &&
        cl_buf_printf(&b, "\",\"method\":\"%s\",\"route\":\"", req->method) == CL_OK &&
        cl_buf_add_json_str(&b, route) == CL_OK &&
        cl_buf_printf(&b, "\",\"status\":%d,\"duration_ms\":%.3f,\"role\":\"%s\"", status,
                      seconds * 1000, req->role_name[0] ? req->role_name : "none") == CL_OK)
        cl_log_write(CL_LOG_INFO, MOD, b.data, "request");
    cl_buf_free(&b);
}

static double
now_s(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + (double)t.tv_nsec / 1e9;
}

/* 1 with a 429 in resp when the client address (subject NULL) or the token's subject has used
 * up its rate limit (ratelimit.h). */
static int
over_limit(struct mg_connection *conn, const struct cl_req *req, struct cl_resp *resp,
           const char *subject)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    char addr[CL_RL_ADDR_MAX];
    int wait;

    if (subject == NULL) {
        struct cl_buf xff;

        cl_buf_init(&xff, CL_MAX_HEAD_BYTES);
        for (int i = 0; i < ri->num_headers; i++)
            if (strcasecmp(ri->http_headers[i].name, "X-Forwarded-For") == 0 &&
                cl_buf_printf(&xff, "%s%s", xff.len ? "," : "", ri->http_headers[i].value) != CL_OK)
                break;
        cl_ratelimit_client(req->app->ratelimit, ri->remote_addr, xff.len ? xff.data : NULL, addr);
        cl_buf_free(&xff);
    }
    wait = cl_ratelimit_take(req->app->ratelimit, subject ? CL_RL_SUB : CL_RL_ADDR,
                             subject ? subject : addr, now_s());
    if (wait == 0)
        return 0;
    resp->retry_after = wait;
    cl_resp_problem(resp, req, 429,
                    subject ? "too many requests with this token; retry after the given seconds"
                            : "too many requests from this client; retry after the given seconds");
    return 1;
}

/* Runs the request through every check up to the handler; returns the handler's error, or
 * fills resp with a problem directly. */
/* Our own SQL functions raise CLnnn errors whose message is written for clients; a CL422's
 * message names its fields, "field: message" pairs (schema/functions/base.sql), each of which
 * becomes an errors entry. */
static void
sql_error_detail(const struct cl_req *req, struct cl_resp *resp)
{
    const char *state, *msg;

    if (resp->detail[0] != '\0' || req->db == NULL)
        return;
    state = cl_db_last_sqlstate(req->db);
    msg = cl_db_last_message(req->db);
    if (strncmp(state, "CL", 2) != 0)
        return;
    if (strcmp(state, "CL422") == 0) {
        cJSON *errors = resp->errors ? resp->errors : cJSON_CreateArray();

        if (cl_validate_add_pairs(errors, msg) == 0) {
            resp->errors = errors;
            cl_resp_detail(resp, "the request has invalid fields");
            return;
        }
        if (errors != resp->errors)
            cJSON_Delete(errors);
    }
    cl_resp_detail(resp, "%s", msg);
}

static void
process(struct mg_connection *conn, const struct mg_request_info *ri, struct cl_req *req,
        struct cl_resp *resp, struct cl_buf *body, int *route_idx)
{
    const struct cl_app *app = req->app;
    char allow[128];
    const char *why;
    struct cl_claims claims;
    struct idem_replay replay;
    int status, err, idem;

    if (head_size(ri) > CL_MAX_HEAD_BYTES) {
        cl_resp_problem(resp, req, 431, "the request headers are larger than 16 KiB");
        cl_resp_header(resp, "Connection", "close");
        return;
    }
    why = framing_problem(ri);
    if (why) {
        cl_resp_problem(resp, req, 400, why);
        cl_resp_header(resp, "Connection", "close");
        return;
    }
    if (over_limit(conn, req, resp, NULL))
        return;
    if (strlen(req->path) > 2048) {
        cl_resp_problem(resp, req, 404, "no such resource");
        return;
    }
    req->route = cl_route_match(req->method, req->path, req, allow, sizeof allow, &status);
    if (req->route == NULL && strcmp(req->method, "HEAD") == 0) {
        req->route = cl_route_match("GET", req->path, req, allow, sizeof allow, &status);
    }
    if (req->route == NULL) {
        if (status == 405 && strcmp(req->method, "OPTIONS") == 0 &&
            origin_allowed(app->cfg, mg_get_header(conn, "Origin"))) {
            resp->status = 204;
            cl_resp_header(resp, "Access-Control-Allow-Methods", "%s", allow);
            cl_resp_header(resp, "Access-Control-Allow-Headers",
                           "Authorization, Content-Type, If-Match, Idempotency-Key, "
                           "X-Request-Id");
            cl_resp_header(resp, "Access-Control-Max-Age", "600");
            return;
        }
        if (status == 405)
            cl_resp_header(resp, "Allow", "%s", allow);
        cl_resp_problem(resp, req, status,
                        status == 405 ? "method not allowed on this resource" : "no such resource");
        return;
    }
    *route_idx = (int)(req->route - cl_routes);
    if (req->route->roles != CL_ROLE_NONE) {
        const char *authorization = mg_get_header(conn, "Authorization");

        if (cl_auth_verify(app->auth, authorization, &claims, &why) != 0) {
            cl_log_info("auth", "token refused: %s", why);
            cl_resp_header(resp, "WWW-Authenticate", "%s", cl_auth_challenge(authorization));
            cl_resp_problem(resp, req, 401, "a valid bearer token is required");
            return;
        }
        if (over_limit(conn, req, resp, claims.sub))
            return;
        memcpy(req->sub, claims.sub, sizeof req->sub);
        memcpy(req->role_name, claims.role, sizeof req->role_name);
        memcpy(req->adviser_id, claims.adviser_id, sizeof req->adviser_id);
        memcpy(req->org_id, claims.org_id, sizeof req->org_id);
        req->role = cl_role_from_name(req->role_name);
        if (!(req->route->roles & (unsigned)req->role)) {
            cl_resp_problem(resp, req, 403, "your role may not use this operation");
            return;
        }
    }
    /* An update must say which version it changes, or it could silently undo another. */
    if (strcmp(req->method, "PATCH") == 0 && mg_get_header(conn, "If-Match") == NULL) {
        cl_resp_problem(resp, req, 428,
                        "PATCH needs If-Match with the ETag of the version you read, e.g. \"3\"");
        return;
    }
    if (req->route->flags & CL_RT_BODY) {
        char member[64];
        cJSON *json;

        if (!is_json_type(mg_get_header(conn, "Content-Type"), strcmp(req->method, "PATCH") == 0)) {
            cl_resp_problem(resp, req, 415, "the body must be application/json");
            return;
        }
        status = read_body(conn, ri->content_length, (size_t)app->cfg->max_body_bytes, body);
        if (status) {
            cl_resp_problem(resp, req, status,
                            status == 413 ? "the body is larger than allowed"
                                          : "the body could not be read");
            cl_resp_header(resp, "Connection", "close");
            return;
        }
        json =
            cl_json_parse_at(body->data ? body->data : "", body->len, &why, member, sizeof member);
        if (json == NULL) {
            if (member[0])
                cl_resp_field_error(resp, member, why);
            cl_resp_problem(resp, req, 400, why);
            return;
        }
        req->body = json;
        req->body_raw = body->data;
        req->body_len = body->len;
    } else if (ri->content_length > 0) {
        cl_resp_problem(resp, req, 400, "this operation takes no request body");
        cl_resp_header(resp, "Connection", "close");
        return;
    }
    idem = idempotency_check(req, resp, &replay);
    if (idem < 0)
        return;
    err = idem ? idempotency_replay(req, resp, &replay) : req->route->fn(req, resp);
    if (err != CL_OK) {
        int st = cl_http_status_for(err);

        sql_error_detail(req, resp);

        if (st == 503) {
            resp->retry_after = 2;
            cl_resp_problem(resp, req, 503, "the database is unavailable; try again shortly");
        } else if (st == 500) {
            cl_log_error(MOD, "handler %s failed: %s", req->route->op_id, cl_err_str(err));
            cl_resp_problem(resp, req, 500, "an internal error occurred");
        } else {
            if (st == 401) /* the token's adviser or partner is not active (cl_db_begin) */
                cl_resp_header(resp, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
            cl_resp_problem(resp, req, st, resp->detail);
        }
    }
}

static int
dispatch(struct mg_connection *conn, void *cbdata)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct cl_req req;
    struct cl_resp resp;
    struct cl_buf body;
    const char *origin = mg_get_header(conn, "Origin");
    double t0 = now_s();
    int route_idx = -1;

    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    req.app = cbdata;
    req.conn = conn;
    req.method = ri->request_method;
    req.path = ri->local_uri_raw ? ri->local_uri_raw : ri->local_uri;
    req.query = ri->query_string;
    req.who.sub = req.sub;
    req.who.role = req.role_name;
    req.who.adviser_id = req.adviser_id;
    req.who.org_id = req.org_id;
    req.who.request_id = req.request_id;
    req.who.client_request_id = req.client_request_id;
    request_ids(conn, req.request_id, req.client_request_id);
    cl_buf_init(&resp.body, (size_t)1 << 30);
    cl_buf_init(&resp.headers, 8192);
    cl_buf_init(&body, (size_t)req.app->cfg->max_body_bytes);
    if (req.path == NULL)
        req.path = "";

    process(conn, ri, &req, &resp, &body, &route_idx);

    if (req.db) {
        cl_pool_put(req.app->pool, req.db);
        req.db = NULL;
    }
    if (resp.status == 0)
        cl_resp_problem(&resp, &req, 500, "no response");
    send_response(conn, &req, &resp, origin_allowed(req.app->cfg, origin) ? origin : NULL);
    {
        double dt = now_s() - t0;

        cl_metrics_observe(route_idx, resp.status, dt);
        log_request(&req, route_idx >= 0 ? cl_routes[route_idx].path : "unmatched", resp.status,
                    dt);
    }
    cJSON_Delete(req.body);
    cJSON_Delete(resp.errors);
    cl_buf_free(&resp.body);
    cl_buf_free(&resp.headers);
    cl_buf_free(&body);
    return resp.status;
}

/* Civetweb answers some requests itself, before any handler: a request line or head it cannot
 * read (malformed, or over max_request_size), a Content-Length that is not a number (its 411),
 * an HTTP version it does not speak. Each is answered like every other request: problem+json
 * of the right type, with a request id, one log line and a count. */
static int
http_error(struct mg_connection *conn, int status, const char *msg)
{
    const struct mg_request_info *ri = mg_get_request_info(conn);
    struct cl_req req;
    struct cl_resp resp;
    const char *detail;

    if (status == 411) {
        status = 400;
        detail = "Content-Length is not a number";
    } else if (status == 505) {
        detail = "only HTTP/1.0 and HTTP/1.1 are understood";
    } else if ((status == 400 || status == 413) && msg && strcasestr(msg, "too large") &&
               (ri == NULL || ri->content_length <= 0)) {
        status = 431; /* HTTP's name for an over-long request head */
        detail = "the request line and headers are larger than 64 KiB";
    } else if (status < 500) {
        status = 400; /* with nothing parsed, Civetweb cannot say which of the two it was */
        detail = ri && ri->request_method ? "the request line or headers are not valid HTTP"
                                          : "the request line or headers are malformed, or "
                                            "larger than 64 KiB";
    } else {
        status = 500;
        detail = "an internal error occurred";
    }
    memset(&req, 0, sizeof req);
    memset(&resp, 0, sizeof resp);
    /* what Civetweb could not parse may hold any bytes: log a method only if it is one */
    req.method = ri && ri->request_method && *ri->request_method &&
                         strspn(ri->request_method, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") ==
                             strlen(ri->request_method)
                     ? ri->request_method
                     : "";
    request_ids(conn, req.request_id, req.client_request_id);
    cl_buf_init(&resp.body, (size_t)1 << 20);
    cl_buf_init(&resp.headers, 8192);
    cl_resp_problem(&resp, &req, status, detail);
    cl_resp_header(&resp, "Connection", "close");
    send_response(conn, &req, &resp, NULL);
    cl_metrics_observe(-1, status, 0);
    log_request(&req, "unmatched", status, 0);
    cl_buf_free(&resp.body);
    cl_buf_free(&resp.headers);
    return 0;
}

struct mg_context *
cl_http_start(struct cl_app *app)
{
    const struct cl_config *cfg = app->cfg;
    char ports[96], threads[16], timeout[16], keepalive[16];
    struct mg_callbacks cb;
    struct mg_context *ctx;
    const char *opts[] = {"listening_ports",
                          ports,
                          "num_threads",
                          threads,
                          "request_timeout_ms",
                          timeout,
                          "enable_keep_alive",
                          "yes",
                          "keep_alive_timeout_ms",
                          keepalive,
                          "tcp_nodelay",
                          "1",
                          "max_request_size",
                          "65536",
                          "decode_url",
                          "no",
                          "access_control_allow_origin",
                          "",
                          "access_control_allow_methods",
                          "",
                          "access_control_allow_headers",
                          "",
                          "listen_backlog",
                          "1024",
                          "connection_queue",
                          "256",
                          NULL};

    snprintf(ports, sizeof ports, "%s:%d", cfg->listen_addr, cfg->port);
    snprintf(threads, sizeof threads, "%d", cfg->api_threads);
    snprintf(timeout, sizeof timeout, "%d", cfg->request_timeout_ms);
    snprintf(keepalive, sizeof keepalive, "%d",
             cfg->request_timeout_ms < 2000 ? cfg->request_timeout_ms : 2000);
    memset(&cb, 0, sizeof cb);
    cb.http_error = http_error;
    ctx = mg_start(&cb, app, opts);
    if (ctx == NULL)
        return NULL;
    mg_set_request_handler(ctx, "**", dispatch, app);
    return ctx;
}
