/* The Civetweb edge, the only file that serves connections: checks framing, applies the rate
 * limits, matches the route, authenticates, reads and decodes the body, calls the handler (or
 * replays an idempotent POST), writes one response in one write, logs one JSON line and counts
 * the request. Handlers see only http.h. */
#include "http_server.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <civetweb.h>

#include "auth.h"
#include "cl_clock.h"
#include "cl_json.h"
#include "cl_log.h"
#include "http_frame.h"
#include "idempotency.h"
#include "metrics.h"
#include "ratelimit.h"
#include "routes.h"

#define MOD "http"

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
    ok = cl_buf_printf(&out, "HTTP/1.1 %d %s\r\n", resp->status, cl_http_reason(resp->status)) ==
         CL_OK;
    if (ok && !bodiless)
        ok = cl_buf_printf(&out, "Content-Type: %s\r\nContent-Length: %zu\r\n",
                           resp->content_type ? resp->content_type : "application/json",
                           resp->body.len) == CL_OK;
    if (ok)
        ok = cl_buf_printf(&out,
                           "X-Request-Id: %s\r\n"
                           "Cache-Control: %s\r\n"
                           "X-Content-Type-Options: nosniff\r\n",
                           req->client_request_id[0] ? req->client_request_id : req->request_id,
                           resp->cache_control ? resp->cache_control : "no-store") == CL_OK;
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
                             subject ? subject : addr, cl_clock_ms() / 1000.0);
    if (wait == 0)
        return 0;
    resp->retry_after = wait;
    cl_resp_problem(resp, req, 429,
                    subject ? "too many requests with this token; retry after the given seconds"
                            : "too many requests from this client; retry after the given seconds");
    return 1;
}

/* Checks the token of a route that needs one and fills req's identity from it; 0 to go on, 1
 * when resp holds the answer (401, 429 or 403). */
static int
authenticate(struct mg_connection *conn, struct cl_req *req, struct cl_resp *resp,
             const struct cl_route *route)
{
    const char *authorization = mg_get_header(conn, "Authorization");
    struct cl_claims claims;
    const char *why;

    if (cl_auth_verify(req->app->auth, authorization, &claims, &why) != 0) {
        cl_log_info("auth", "token refused: %s", why);
        cl_resp_header(resp, "WWW-Authenticate", "%s", cl_auth_challenge(authorization));
        cl_resp_problem(resp, req, 401, "a valid bearer token is required");
        return 1;
    }
    if (over_limit(conn, req, resp, claims.sub))
        return 1;
    memcpy(req->sub, claims.sub, sizeof req->sub);
    memcpy(req->role_name, claims.role, sizeof req->role_name);
    memcpy(req->adviser_id, claims.adviser_id, sizeof req->adviser_id);
    memcpy(req->org_id, claims.org_id, sizeof req->org_id);
    memcpy(req->care_leaver_id, claims.care_leaver_id, sizeof req->care_leaver_id);
    req->role = cl_role_from_name(req->role_name);
    if (!(route->roles & (unsigned)req->role)) {
        cl_resp_problem(resp, req, 403, "your role may not use this operation");
        return 1;
    }
    return 0;
}

/* Reads and decodes the JSON body of a route that takes one into req (body holds its bytes);
 * 0 to go on, 1 when resp holds the answer. */
static int
decode_body(struct mg_connection *conn, const struct mg_request_info *ri, struct cl_req *req,
            struct cl_resp *resp, struct cl_buf *body)
{
    char member[64];
    const char *why;
    cJSON *json;
    int status;

    if (!cl_frame_is_json(mg_get_header(conn, "Content-Type"), strcmp(req->method, "PATCH") == 0)) {
        cl_resp_problem(resp, req, 415, "the body must be application/json");
        return 1;
    }
    status =
        cl_frame_read_body(conn, ri->content_length, (size_t)req->app->cfg->max_body_bytes, body);
    if (status) {
        cl_resp_problem(resp, req, status,
                        status == 413 ? "the body is larger than allowed"
                                      : "the body could not be read");
        cl_resp_header(resp, "Connection", "close");
        return 1;
    }
    json = cl_json_parse_at(body->data ? body->data : "", body->len, &why, member, sizeof member);
    if (json == NULL) {
        if (member[0])
            cl_resp_field_error(resp, member, why);
        cl_resp_problem(resp, req, 400, why);
        return 1;
    }
    req->body = json;
    req->body_raw = body->data;
    req->body_len = body->len;
    return 0;
}

/* Answers a path no route takes: 404, 405 with Allow, or a CORS preflight from an allowed
 * origin. */
static void
unrouted(struct mg_connection *conn, const struct cl_req *req, struct cl_resp *resp, int status,
         const char *allow)
{
    if (status == 405 && strcmp(req->method, "OPTIONS") == 0 &&
        cl_frame_origin_allowed(req->app->cfg, mg_get_header(conn, "Origin"))) {
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
}

/* Answers a replayed POST with the first answer's status and the resource as the caller may
 * see it now, read by that resource's GET operation (scoped and audited like any read). Out of
 * scope now means 404, as for the GET. */
static int
replay(struct cl_req *req, struct cl_resp *resp, const struct cl_idem_replay *first)
{
    char target[2049], allow[128]; /* paths over 2048 bytes never reach a handler */
    const struct cl_route *get;
    int st, err;

    cl_idem_replay_target(req, first, target, sizeof target);
    get = cl_route_match("GET", target, req, allow, sizeof allow, &st);
    if (get == NULL || !(get->roles & (unsigned)req->role)) {
        cl_resp_detail(resp, "no such resource");
        return CL_ENOTFOUND;
    }
    req->query = NULL;
    err = get->fn(req, resp);
    if (err != CL_OK)
        return err;
    cl_idem_replayed(resp, first);
    return CL_OK;
}

/* Runs the request through every check up to the handler and the handler itself; resp holds
 * the answer, *route_idx the matched route's index in cl_routes (else -1). */
static void
process(struct mg_connection *conn, const struct mg_request_info *ri, struct cl_req *req,
        struct cl_resp *resp, struct cl_buf *body, int *route_idx)
{
    const struct cl_route *route;
    struct cl_idem_replay first;
    char allow[128];
    const char *why;
    int status, err, idem;

    if (cl_frame_head_size(ri) > CL_MAX_HEAD_BYTES) {
        cl_resp_problem(resp, req, 431, "the request headers are larger than 16 KiB");
        cl_resp_header(resp, "Connection", "close");
        return;
    }
    why = cl_frame_problem(ri);
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
    route = cl_route_match(req->method, req->path, req, allow, sizeof allow, &status);
    if (route == NULL && strcmp(req->method, "HEAD") == 0)
        route = cl_route_match("GET", req->path, req, allow, sizeof allow, &status);
    if (route == NULL) {
        unrouted(conn, req, resp, status, allow);
        return;
    }
    *route_idx = (int)(route - cl_routes);
    req->route_path = route->path;
    if (route->roles != CL_ROLE_NONE && authenticate(conn, req, resp, route))
        return;
    /* An update must say which version it changes, or it could silently undo another. */
    if (strcmp(req->method, "PATCH") == 0 && mg_get_header(conn, "If-Match") == NULL) {
        cl_resp_problem(resp, req, 428,
                        "PATCH needs If-Match with the ETag of the version you read, e.g. \"3\"");
        return;
    }
    if (route->flags & CL_RT_BODY) {
        if (decode_body(conn, ri, req, resp, body))
            return;
    } else if (ri->content_length > 0) {
        cl_resp_problem(resp, req, 400, "this operation takes no request body");
        cl_resp_header(resp, "Connection", "close");
        return;
    }
    idem = cl_idem_check(req, resp, &first);
    if (idem < 0)
        return;
    err = idem ? replay(req, resp, &first) : route->fn(req, resp);
    if (err != CL_OK) {
        if (cl_http_status_for(err) == 500)
            cl_log_error(MOD, "handler %s failed: %s", route->op_id, cl_err_str(err));
        cl_resp_error(req, resp, err);
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
    double t0 = cl_clock_ms() / 1000.0;
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
    req.who.care_leaver_id = req.care_leaver_id;
    req.who.request_id = req.request_id;
    req.who.client_request_id = req.client_request_id;
    cl_frame_request_ids(conn, req.request_id, req.client_request_id);
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
    send_response(conn, &req, &resp, cl_frame_origin_allowed(req.app->cfg, origin) ? origin : NULL);
    {
        double dt = cl_clock_ms() / 1000.0 - t0;

        cl_metrics_observe(route_idx, resp.status, dt);
        log_request(&req, req.route_path ? req.route_path : "unmatched", resp.status, dt);
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
    cl_frame_request_ids(conn, req.request_id, req.client_request_id);
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
