#include "tc.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <math.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "cl_buf.h"

int
tc_api_port(void)
{
    const char *p = getenv("CL_TEST_API_PORT");

    return p ? (int)strtol(p, NULL, 10) : 8080;
}

int
tc_direct_port(void)
{
    const char *p = getenv("CL_TEST_DIRECT_PORT");

    return p && *p ? (int)strtol(p, NULL, 10) : tc_api_port();
}

double
tc_now_ms(void)
{
    struct timespec t;

    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec * 1000 + (double)t.tv_nsec / 1e6;
}

static int
dial(int port)
{
    struct sockaddr_in a;
    struct timeval tv = {30, 0};
    int fd = socket(AF_INET, SOCK_STREAM, 0);

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_port = htons((unsigned short)port);
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    if (connect(fd, (struct sockaddr *)&a, sizeof a) != 0) {
        close(fd);
        return -1;
    }
    return fd;
}

static struct tc_resp *
parse(char *raw, size_t len)
{
    struct tc_resp *r = calloc(1, sizeof *r);
    char *sep = strstr(raw, "\r\n\r\n");

    if (sep == NULL) {
        r->status = -1;
        r->head = raw;
        r->body = strdup("");
        return r;
    }
    *sep = '\0';
    r->head = raw;
    r->body_len = len - (size_t)(sep + 4 - raw);
    r->body = malloc(r->body_len + 1);
    memcpy(r->body, sep + 4, r->body_len);
    r->body[r->body_len] = '\0';
    sscanf(raw, "HTTP/1.%*d %d", &r->status);
    r->json = cJSON_ParseWithLength(r->body, r->body_len);
    return r;
}

static struct tc_resp *
exchange(int port, const char *bytes, size_t len)
{
    struct cl_buf in;
    char chunk[65536];
    ssize_t n;
    size_t off = 0;
    int fd = dial(port);

    if (fd < 0) {
        struct tc_resp *r = calloc(1, sizeof *r);

        r->status = -1;
        r->head = strdup("");
        r->body = strdup("");
        return r;
    }
    while (off < len) {
        n = send(fd, bytes + off, len - off, MSG_NOSIGNAL);
        if (n <= 0)
            break;
        off += (size_t)n;
    }
    cl_buf_init(&in, (size_t)256 << 20);
    while ((n = recv(fd, chunk, sizeof chunk, 0)) > 0)
        if (cl_buf_add(&in, chunk, (size_t)n) != 0)
            break;
    close(fd);
    {
        size_t total;
        char *raw = cl_buf_take(&in, &total);

        return parse(raw, total);
    }
}

/* Appends one line to the file named by the environment variable var (one write, so lines
 * from parallel test processes stay whole). */
static void
log_line(const char *var, const char *line, size_t len)
{
    const char *path = getenv(var);
    int fd;

    if (path == NULL || *path == '\0')
        return;
    fd = open(path, O_WRONLY | O_APPEND | O_CREAT, 0644);
    if (fd < 0)
        return;
    if (write(fd, line, len) != (ssize_t)len)
        fprintf(stderr, "%s: short write\n", var);
    close(fd);
}

/* Requests that do not pass the contract check's proxy, counted in CL_TEST_CONTRACT_DIRECT_LOG. */
static void
note_direct(const char *what, const char *detail)
{
    char line[512];
    int n = snprintf(line, sizeof line, "%s %.400s\n", what, detail);

    if (n > 0)
        log_line("CL_TEST_CONTRACT_DIRECT_LOG", line,
                 (size_t)n < sizeof line ? (size_t)n : sizeof line - 1);
}

struct tc_resp *
tc_raw(const char *bytes, size_t len)
{
    const char *eol = memchr(bytes, '\r', len);
    size_t n = eol ? (size_t)(eol - bytes) : len;
    char first[200];

    snprintf(first, sizeof first, "%.*s", (int)(n < sizeof first ? n : sizeof first - 1), bytes);
    note_direct("raw", first);
    return exchange(tc_direct_port(), bytes, len);
}

/* A header's whole value (malloc'd), or NULL; unlike tc_header, not cut at 4 KiB. */
static char *
header_dup(const struct tc_resp *r, const char *name)
{
    size_t n = strlen(name);
    const char *p = r->head;

    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *e;

            while (*v == ' ')
                v++;
            e = strstr(v, "\r\n");
            return strndup(v, e ? (size_t)(e - v) : strlen(v));
        }
    }
    return NULL;
}

/* The contract check: a validating proxy (Prism) between the suite and the api reports what
 * does not match the OpenAPI document in an sl-violations header. Violations about the
 * response are bugs (in the api or the spec) and go to CL_TEST_CONTRACT_LOG, one line per
 * response; violations about the request are what negative tests are for, and are ignored. */
static void
record_violations(const char *method, const char *path, const struct tc_resp *r)
{
    char *value;
    cJSON *all, *found, *v;
    struct cl_buf line;

    if ((value = header_dup(r, "sl-violations")) == NULL)
        return;
    all = cJSON_Parse(value);
    found = cJSON_CreateArray();
    cJSON_ArrayForEach(v, all)
    {
        const cJSON *loc = cJSON_GetObjectItemCaseSensitive(v, "location");
        const cJSON *first = cJSON_GetArrayItem(loc, 0);

        if (cJSON_IsString(first) && strcmp(first->valuestring, "response") == 0)
            cJSON_AddItemToArray(found, cJSON_Duplicate(v, 1));
    }
    /* Over 8 KiB Prism cuts the list ("Too many violations! [..."): keep the text whole when it
     * names a response location rather than lose it. */
    if (all == NULL && strstr(value, "\"location\":[\"response\"") != NULL)
        cJSON_AddItemToArray(found, cJSON_CreateString(value));
    if (cJSON_GetArraySize(found) > 0) {
        char *text = cJSON_PrintUnformatted(found);

        cl_buf_init(&line, (size_t)1 << 20);
        if (text && cl_buf_printf(&line, "%s %s -> %d %s\n", method, path, r->status, text) == 0)
            log_line("CL_TEST_CONTRACT_LOG", line.data, line.len);
        cl_buf_free(&line);
        free(text);
    }
    cJSON_Delete(found);
    cJSON_Delete(all);
    free(value);
}

/* Whether a JSON value has an object with a repeated member name or a number a double cannot
 * hold. */
static int
json_ambiguous(const cJSON *v)
{
    const cJSON *a, *b;

    if (cJSON_IsNumber(v))
        return !isfinite(v->valuedouble);
    for (a = v ? v->child : NULL; a; a = a->next) {
        if (cJSON_IsObject(v))
            for (b = a->next; b; b = b->next)
                if (a->string && b->string && strcmp(a->string, b->string) == 0)
                    return 1;
        if (json_ambiguous(a))
            return 1;
    }
    return 0;
}

/* The proxy parses a JSON request body and sends its own serialisation upstream, so a body it
 * cannot carry unchanged (not JSON, repeated members, numbers out of range, over 1 MiB) goes
 * straight to the api: those requests test the api's decoder, not the contract. */
static int
proxy_can_carry(const char *body)
{
    const char *end = NULL;
    cJSON *j;
    int ok;

    if (body == NULL)
        return 1;
    if (strlen(body) > ((size_t)1 << 20))
        return 0;
    j = cJSON_ParseWithOpts(body, &end, 1);
    ok = j != NULL && !json_ambiguous(j);
    cJSON_Delete(j);
    return ok;
}

/* The request bytes, in req (which the caller frees). */
static void
build_request(struct cl_buf *req, const char *method, const char *path, const char *token,
              const char *body, const char *extra)
{
    cl_buf_init(req, (size_t)64 << 20);
    if (cl_buf_printf(req, "%s %s HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n", method,
                      path) != 0)
        abort();
    if (token && cl_buf_printf(req, "Authorization: Bearer %s\r\n", token) != 0)
        abort();
    if (body && cl_buf_printf(req, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                              strlen(body)) != 0)
        abort();
    if (extra && cl_buf_adds(req, extra) != 0)
        abort();
    if (cl_buf_adds(req, "\r\n") != 0 || (body && cl_buf_adds(req, body) != 0))
        abort();
}

struct tc_resp *
tc_req(const char *method, const char *path, const char *token, const char *body, const char *extra)
{
    struct cl_buf req;
    struct tc_resp *r;

    build_request(&req, method, path, token, body, extra);
    if (proxy_can_carry(body)) {
        r = exchange(tc_api_port(), req.data, req.len);
    } else {
        char what[300];

        snprintf(what, sizeof what, "%s %.200s", method, path);
        note_direct(what, "(a body the proxy would re-encode)");
        r = exchange(tc_direct_port(), req.data, req.len);
    }
    cl_buf_free(&req);
    record_violations(method, path, r);
    return r;
}

struct tc_resp *
tc_req_at(int port, const char *method, const char *path, const char *token, const char *extra)
{
    struct cl_buf req;
    struct tc_resp *r;
    char what[300];

    snprintf(what, sizeof what, "%s %.200s", method, path);
    note_direct(what, "(an api of the test's own)");
    build_request(&req, method, path, token, NULL, extra);
    r = exchange(port, req.data, req.len);
    cl_buf_free(&req);
    return r;
}

void
tc_free(struct tc_resp *r)
{
    if (r == NULL)
        return;
    free(r->head);
    free(r->body);
    cJSON_Delete(r->json);
    free(r);
}

const char *
tc_header(const struct tc_resp *r, const char *name)
{
    static __thread char value[4096];
    size_t n = strlen(name);
    const char *p = r->head;

    while ((p = strstr(p, "\r\n")) != NULL) {
        p += 2;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *e;

            while (*v == ' ')
                v++;
            e = strstr(v, "\r\n");
            n = e ? (size_t)(e - v) : strlen(v);
            if (n >= sizeof value)
                n = sizeof value - 1;
            memcpy(value, v, n);
            value[n] = '\0';
            return value;
        }
    }
    return NULL;
}

const char *
tc_str(const struct tc_resp *r, const char *member)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(r->json, member);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static const char *
secret(void)
{
    const char *s = getenv("JWT_SECRET");

    return s ? s : "test-only-secret-0123456789abcdef-0123456789";
}

char *
tc_token_claims(const char *claims)
{
    return cl_auth_sign("HS256", (const unsigned char *)secret(), (int)strlen(secret()), claims);
}

char *
tc_token(const char *role, const char *adviser_id, const char *org_id)
{
    char claims[512];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims,
             "{\"sub\":\"test-%s\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld%s%s%s%s%s%s}", role,
             role, now + 3600, now, adviser_id ? ",\"adviser_id\":\"" : "",
             adviser_id ? adviser_id : "", adviser_id ? "\"" : "", org_id ? ",\"org_id\":\"" : "",
             org_id ? org_id : "", org_id ? "\"" : "");
    return tc_token_claims(claims);
}

char *
tc_token_young_person(const char *care_leaver_id)
{
    char claims[320];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims,
             "{\"sub\":\"yp-%s\",\"role\":\"young_person\",\"care_leaver_id\":\"%s\","
             "\"exp\":%ld,\"iat\":%ld}",
             care_leaver_id, care_leaver_id, now + 3600, now);
    return tc_token_claims(claims);
}

PGconn *
tc_db(void)
{
    const char *url = getenv("CL_TEST_DATABASE_URL");

    return PQconnectdb(url ? url : "dbname=leaving_care");
}

long
tc_sql_long(const char *sql)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, sql);
    long v = -1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(c);
    return v;
}

int
tc_sql(const char *sql)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, sql);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

    PQclear(res);
    PQfinish(c);
    return ok ? 0 : -1;
}

int
tc_wait_status(const char *path, int status, double ms)
{
    double t0 = tc_now_ms();
    int st;

    for (;;) {
        struct timespec pause = {0, 50 * 1000000L};
        struct tc_resp *r = tc_get(path, NULL);

        st = r->status;
        tc_free(r);
        if (st == status || tc_now_ms() - t0 > ms)
            return st;
        nanosleep(&pause, NULL);
    }
}
