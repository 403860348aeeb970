/* The request and response that handlers see, and the library they call on them (http.c).
 * Handlers never touch Civetweb: the edge in http_server.c frames the request, authenticates,
 * decodes the body, calls the handler and writes the response. */
#ifndef CL_HTTP_H
#define CL_HTTP_H

#include <stddef.h>

#include <cjson/cJSON.h>

#include "cl_buf.h"
#include "cl_config.h"
#include "cl_db.h"
#include "cl_err.h"
#include "cl_role.h"

struct cl_auth;
struct cl_ratelimit;
struct cl_readiness;

/* Process-wide state, read-only once the server has started. */
struct cl_app {
    const struct cl_config *cfg;
    struct cl_pool *pool;
    struct cl_auth *auth;
    struct cl_readiness *ready;     /* /readyz state (readiness.h) */
    struct cl_ratelimit *ratelimit; /* per address and per subject (ratelimit.h) */
};

#define CL_MAX_PATH_PARAMS 3

struct cl_req {
    const struct cl_app *app;
    const char *route_path; /* the matched route's path template, NULL before matching */
    const char *method;
    const char *path;
    const char *query;                      /* raw query string, NULL when none */
    const char *params[CL_MAX_PATH_PARAMS]; /* path parameters in template order */
    char param_buf[CL_MAX_PATH_PARAMS][40];
    int nparams;
    cJSON *body;          /* decoded JSON body (routes that take one), else NULL */
    const char *body_raw; /* the body text, NUL-terminated */
    size_t body_len;
    int role;                /* one enum cl_role bit, 0 when anonymous */
    struct cl_principal who; /* strings point into the buffers below */
    char sub[128], role_name[16], adviser_id[40], org_id[40], care_leaver_id[40];
    char request_id[65];         /* the server's own, a UUID */
    char client_request_id[65];  /* the client's X-Request-Id when sane, else empty */
    struct cl_conn *db;          /* set by cl_req_begin; returned to the pool by the glue */
    const char *idempotency_key; /* POST with an Idempotency-Key not seen before */
    void *conn;                  /* the Civetweb connection, for header lookups only */
};

struct cl_resp {
    int status;
    const char *content_type;
    struct cl_buf body;
    struct cl_buf headers;     /* extra header lines, each ending in \r\n */
    cJSON *errors;             /* validation errors for 422 (owned) */
    char detail[256];          /* problem detail for an error return */
    int retry_after;           /* seconds, for 503 and 429 */
    char location[160];        /* Location header when set */
    char etag[24];             /* ETag header (without quotes) when set */
    const char *cache_control; /* Cache-Control for public content; NULL: no-store */
};

/* A request header value, or NULL. Valid for the request's life. */
const char *cl_req_header(const struct cl_req *req, const char *name);

/* Borrows a pooled connection and begins a transaction carrying the caller's identity. */
int cl_req_begin(struct cl_req *req) CL_WARN_UNUSED;
/* Commits; for a POST with an Idempotency-Key, first stores resp under that key in the same
 * transaction (CL_ECONFLICT when another request holds the key). Build resp before calling. */
int cl_req_commit(struct cl_req *req, const struct cl_resp *resp) CL_WARN_UNUSED;

/* The If-Match header as a version for SQL: NULL when absent, "*" for any, the digits of a
 * strong "N" tag, or "-1" (never matches) for weak or unknown tags. CL_EBADREQ when
 * malformed. */
int cl_req_if_match(const struct cl_req *req, struct cl_resp *resp, const char **version,
                    char buf[16]) CL_WARN_UNUSED;

/* 1 when the If-None-Match header (a list of entity tags, or *) names tag (without quotes);
 * weak comparison (RFC 9110 13.1.2). */
int cl_req_none_match(const struct cl_req *req, const char *tag);

/* As cl_req_query, over a raw query string (NULL: none). Pure: also a fuzzing entry point. */
int cl_query_get(const char *query, const char *name, char *out, size_t outlen);
/* A query-string value decoded into out (outlen bytes). 1 found, 0 absent, -1 malformed or
 * too long (the caller answers 400). */
int cl_req_query(const struct cl_req *req, const char *name, char *out, size_t outlen);

/* Response builders. Each replaces the body. */
void cl_resp_json(struct cl_resp *resp, int status, const char *json);
void cl_resp_cjson(struct cl_resp *resp, int status, const cJSON *json);
void cl_resp_bytes(struct cl_resp *resp, int status, const char *content_type, const void *p,
                   size_t n);
void cl_resp_header(struct cl_resp *resp, const char *name, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
/* Answers a row from SQL: body is the JSON text, version its version (ETag), location the
 * Location header for 201 (NULL for none). */
void cl_resp_row(struct cl_resp *resp, int status, const char *body, const char *version,
                 const char *location);
/* Sets a problem detail for the error the handler is about to return. */
void cl_resp_detail(struct cl_resp *resp, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
/* Adds one validation error (field, message) for a 422. */
void cl_resp_field_error(struct cl_resp *resp, const char *field, const char *message);
/* Writes an RFC 9457 problem+json response. */
void cl_resp_problem(struct cl_resp *resp, const struct cl_req *req, int status,
                     const char *detail);

/* Turns a handler's error into the problem+json answer: the status for err, the detail the
 * handler set, else a client-facing CLnnn message from our SQL functions (a CL422's
 * "field: message" pairs become errors entries). */
void cl_resp_error(const struct cl_req *req, struct cl_resp *resp, int err);

/* The HTTP status for an error code. */
int cl_http_status_for(int err);
/* The reason phrase for an HTTP status ("Not Found"); a problem's title. */
const char *cl_http_reason(int status);

#endif
