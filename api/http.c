/* The request/response library every handler calls: request headers, query strings and
 * If-Match, the transaction that carries the caller's identity, response builders and RFC 9457
 * problem+json. The Civetweb edge that frames requests and sends answers is http_server.c. */
#include "http.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <civetweb.h>

#include "cl_json.h"
#include "cl_log.h"
#include "cl_validate.h"
#include "idempotency.h"

#define MOD "http"

const char *
cl_http_reason(int status)
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

int
cl_req_commit(struct cl_req *req, const struct cl_resp *resp)
{
    if (req->idempotency_key && resp->status >= 200 && resp->status < 300) {
        int err = cl_idem_store(req, resp);

        if (err != CL_OK) {
            cl_db_rollback(req->db);
            return err;
        }
    }
    return cl_db_commit(req->db);
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
    cJSON_AddStringToObject(p, "title", cl_http_reason(status));
    cJSON_AddNumberToObject(p, "status", status);
    cJSON_AddStringToObject(p, "detail", detail && *detail ? detail : cl_http_reason(status));
    cJSON_AddStringToObject(p, "instance", req->request_id);
    if (resp->errors && (status == 422 || status == 400)) {
        cJSON_AddItemToObject(p, "errors", resp->errors);
        resp->errors = NULL;
    }
    cl_resp_cjson(resp, status, p);
    resp->content_type = "application/problem+json";
    cJSON_Delete(p);
}

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

void
cl_resp_error(const struct cl_req *req, struct cl_resp *resp, int err)
{
    int st = cl_http_status_for(err);

    sql_error_detail(req, resp);
    if (st == 503) {
        resp->retry_after = 2;
        cl_resp_problem(resp, req, 503, "the database is unavailable; try again shortly");
    } else if (st == 500) {
        cl_resp_problem(resp, req, 500, "an internal error occurred");
    } else {
        if (st == 401) /* the token's adviser or partner is not active (cl_db_begin) */
            cl_resp_header(resp, "WWW-Authenticate", "Bearer error=\"invalid_token\"");
        cl_resp_problem(resp, req, st, resp->detail);
    }
}

int
cl_req_none_match(const struct cl_req *req, const char *tag)
{
    const char *h = cl_req_header(req, "If-None-Match");
    size_t n = strlen(tag);

    while (h && *h) {
        size_t len;

        while (*h == ' ' || *h == ',')
            h++;
        if (*h == '*')
            return 1;
        if (strncmp(h, "W/", 2) == 0)
            h += 2;
        len = strcspn(h, ",");
        while (len && h[len - 1] == ' ')
            len--;
        if (len == n + 2 && h[0] == '"' && h[len - 1] == '"' && strncmp(h + 1, tag, n) == 0)
            return 1;
        h += strcspn(h, ",");
    }
    return 0;
}
