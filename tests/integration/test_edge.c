/* What the edge refuses, and how. Bodies and tokens shaped to exhaust a request thread's stack
 * or its CPU (issue 15, item 1): each is 400 or 401 problem+json, quickly, and the api still
 * answers afterwards. Requests Civetweb refuses before any handler (item 10): problem+json of
 * the right type with a request id, like every other answer. All go straight to the api. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_b64.h"
#include "cl_buf.h"
#include "cl_err.h"
#include "cl_mem.h"
#include "tc.h"

TestSuite(edge, .init = cl_mem_init, .timeout = 180);

/* A raw request for method path with an optional token, body and extra header lines. The
 * caller frees with tc_free. */
static struct tc_resp *
raw_request(const char *method, const char *path, const char *token, const char *body, size_t len,
            const char *extra)
{
    struct cl_buf b;
    struct tc_resp *r;
    int ok;

    cl_buf_init(&b, (size_t)64 << 20);
    ok = cl_buf_printf(&b, "%s %s HTTP/1.1\r\nHost: x\r\nConnection: close\r\n%s", method, path,
                       extra ? extra : "") == CL_OK &&
         (!token || cl_buf_printf(&b, "Authorization: Bearer %s\r\n", token) == CL_OK) &&
         (!body || cl_buf_printf(&b, "Content-Type: application/json\r\nContent-Length: %zu\r\n",
                                 len) == CL_OK) &&
         cl_buf_adds(&b, "\r\n") == CL_OK && (!body || cl_buf_add(&b, body, len) == CL_OK);
    cr_assert(ok, "request too large to build");
    r = tc_raw(b.data, b.len);
    cl_buf_free(&b);
    return r;
}

/* A problem+json answer of status, typed slug, carrying an X-Request-Id (the client's, echoed,
 * when it sent one) and the server's own request id (a UUID) as its instance. */
static void
expect_problem(const struct tc_resp *r, int status, const char *slug, const char *detail)
{
    const char *ct = tc_header(r, "Content-Type"), *type = tc_str(r, "type"), *rid;
    const cJSON *st = cJSON_GetObjectItem(r->json, "status");
    char want[128];

    snprintf(want, sizeof want, "https://leaving-care.example/problems/%s", slug);
    cr_expect_eq(r->status, status, "status %d, wanted %d: %s", r->status, status, r->body);
    cr_expect(ct && strcmp(ct, "application/problem+json") == 0, "problem+json, got %s", ct);
    rid = tc_header(r, "X-Request-Id"); /* tc_header's buffer is reused: ct is gone now */
    cr_expect(cJSON_IsNumber(st) && st->valueint == status, "status member: %s", r->body);
    cr_expect(type && strcmp(type, want) == 0, "type %s, wanted %s", type, want);
    cr_expect_not_null(tc_str(r, "title"));
    if (detail)
        cr_expect(tc_str(r, "detail") && strstr(tc_str(r, "detail"), detail),
                  "detail '%s', wanted '%s'", tc_str(r, "detail"), detail);
    cr_expect(rid && *rid, "no X-Request-Id: %s", r->head);
    cr_expect(tc_str(r, "instance") && strlen(tc_str(r, "instance")) == 36 &&
                  strspn(tc_str(r, "instance"), "0123456789abcdef-") == 36,
              "instance %s is not the server's request id", tc_str(r, "instance"));
}

static void
expect_api_answers(const char *after)
{
    const char req[] = "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    struct tc_resp *r = tc_raw(req, sizeof req - 1);

    cr_assert_eq(r->status, 200, "the api no longer answers after %s", after);
    tc_free(r);
}

/* n opening brackets, then closing ones unless open_only. */
static char *
brackets(size_t n, int open_only, size_t *len)
{
    char *s = malloc(2 * n + 1);

    memset(s, '[', n);
    memset(s + n, ']', open_only ? 0 : n);
    *len = open_only ? n : 2 * n;
    s[*len] = '\0';
    return s;
}

Test(edge, nested_bodies_are_400_and_the_api_lives_on)
{
    const size_t depths[] = {33, 900, 20000};
    char *manager = tc_token("manager", NULL, NULL), *body, what[64];
    struct tc_resp *r;
    size_t len;

    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        body = brackets(depths[i], 0, &len);
        r = raw_request("POST", "/v1/care-leavers", manager, body, len, NULL);
        expect_problem(r, 400, "bad-request", "nested deeper than 32");
        tc_free(r);
        free(body);
        snprintf(what, sizeof what, "%zu nested arrays", depths[i]);
        expect_api_answers(what);
    }
    /* 1 MiB of '[', the most the body limit lets in */
    body = brackets((size_t)1 << 20, 1, &len);
    r = raw_request("POST", "/v1/care-leavers", manager, body, len, NULL);
    expect_problem(r, 400, "bad-request", "nested deeper than 32");
    tc_free(r);
    free(body);
    expect_api_answers("1 MiB of '['");
    /* the same inside an otherwise valid body */
    body = brackets(900, 0, &len);
    {
        char *doc = malloc(len + 64);
        int n = snprintf(doc, len + 64, "{\"given_name\":%s}", body);

        r = raw_request("POST", "/v1/care-leavers", manager, doc, (size_t)n, NULL);
        expect_problem(r, 400, "bad-request", "nested deeper than 32");
        tc_free(r);
        free(doc);
    }
    free(body);
    expect_api_answers("900 nested arrays inside given_name");
    free(manager);
}

/* 1 MiB of 100 000 distinct keys: comparing every pair was 5e9 strcmp on one thread. */
Test(edge, a_megabyte_of_distinct_keys_is_400_quickly)
{
    char *manager = tc_token("manager", NULL, NULL), *body = malloc(1100000), *p = body;
    struct tc_resp *r;
    double t0;

    *p++ = '{';
    for (int k = 0; k < 100000; k++)
        p += sprintf(p, "%s\"%05d\":0", k ? "," : "", k);
    *p++ = '}';
    cr_assert_leq((size_t)(p - body), (size_t)1 << 20);
    t0 = tc_now_ms();
    r = raw_request("POST", "/v1/care-leavers", manager, body, (size_t)(p - body), NULL);
    expect_problem(r, 400, "bad-request", "more than 1000 members");
    cr_expect_lt(tc_now_ms() - t0, 2000, "took %.0f ms", tc_now_ms() - t0);
    tc_free(r);
    expect_api_answers("100 000 keys");
    free(body);
    free(manager);
}

/* A token is decoded before its signature is checked: no token is needed to send one. */
Test(edge, a_token_nested_deep_is_401_and_the_api_lives_on)
{
    const char *segments[][2] = {{"{\"alg\":\"HS256\",\"typ\":\"JWT\"}", NULL},
                                 {NULL, "{\"sub\":\"x\",\"role\":\"admin\"}"}};

    for (size_t i = 0; i < 2; i++) {
        size_t len;
        char *deep = brackets(3000, 1, &len), *h, *c, tok[8192];
        struct tc_resp *r;

        h = cl_b64url_encode(segments[i][0] ? segments[i][0] : deep,
                             segments[i][0] ? strlen(segments[i][0]) : len);
        c = cl_b64url_encode(segments[i][1] ? segments[i][1] : deep,
                             segments[i][1] ? strlen(segments[i][1]) : len);
        snprintf(tok, sizeof tok, "%s.%s.c2ln", h, c);
        r = raw_request("GET", "/v1/me", tok, NULL, 0, NULL);
        expect_problem(r, 401, "unauthorized", NULL);
        tc_free(r);
        free(h);
        free(c);
        free(deep);
        expect_api_answers(i ? "a token whose header nests 3000 deep"
                             : "a token whose claims nest 3000 deep");
    }
}

/* ---- item 10: what Civetweb refuses itself -------------------------------------------- */

Test(edge, a_content_length_that_is_not_a_number_is_400_with_the_request_id)
{
    const char *values[] = {"-1", "-99999999999", ""};

    for (size_t i = 0; i < sizeof values / sizeof values[0]; i++) {
        char req[256];
        struct tc_resp *r;

        snprintf(req, sizeof req,
                 "POST /v1/advisers HTTP/1.1\r\nHost: x\r\nX-Request-Id: edge-cl-%zu\r\n"
                 "Content-Type: application/json\r\nContent-Length: %s\r\n\r\n{}",
                 i, values[i]);
        r = tc_raw(req, strlen(req));
        expect_problem(r, 400, "bad-request", "Content-Length");
        cr_expect(tc_header(r, "X-Request-Id") &&
                      strncmp(tc_header(r, "X-Request-Id"), "edge-cl-", 8) == 0,
                  "the client's request id is kept");
        tc_free(r);
    }
}

Test(edge, an_over_long_token_or_request_line_is_400_with_a_request_id)
{
    size_t n = 70000;
    char *big = malloc(n + 1);
    struct cl_buf b;
    struct tc_resp *r;

    memset(big, 'a', n);
    big[n] = '\0';
    r = raw_request("GET", "/v1/me", big, NULL, 0, NULL);
    expect_problem(r, 400, "bad-request", "larger than 64 KiB");
    tc_free(r);
    cl_buf_init(&b, n + 256);
    cr_assert_eq(cl_buf_printf(&b, "GET /v1/%s HTTP/1.1\r\nHost: x\r\n\r\n", big), CL_OK);
    r = tc_raw(b.data, b.len);
    expect_problem(r, 400, "bad-request", "larger than 64 KiB");
    tc_free(r);
    cl_buf_free(&b);
    free(big);
}

Test(edge, a_malformed_request_line_or_version_is_a_problem_with_a_request_id)
{
    const char garbage[] = "GARBAGE\r\n\r\n";
    const char version[] = "GET /healthz HTTP/9.9\r\nHost: x\r\n\r\n";
    const char method[] = "FOO /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    struct tc_resp *r = tc_raw(garbage, sizeof garbage - 1);

    expect_problem(r, 400, "bad-request", NULL);
    tc_free(r);
    r = tc_raw(method, sizeof method - 1);
    expect_problem(r, 400, "bad-request", "not valid HTTP");
    tc_free(r);
    r = tc_raw(version, sizeof version - 1);
    expect_problem(r, 505, "http-version-not-supported", NULL);
    tc_free(r);
}
