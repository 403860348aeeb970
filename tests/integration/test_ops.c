/* Operational endpoints and the HTTP edge: framing, routing, content types, sizes, CORS. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"

TestSuite(ops, .init = cl_mem_init);

static void
expect_problem(const struct tc_resp *r, int status)
{
    const char *ct = tc_header(r, "Content-Type");
    const cJSON *st = cJSON_GetObjectItem(r->json, "status");

    cr_expect_eq(r->status, status, "status %d, wanted %d: %s", r->status, status, r->body);
    cr_expect(ct && strcmp(ct, "application/problem+json") == 0, "problem+json, got %s", ct);
    cr_expect(cJSON_IsNumber(st) && st->valueint == status, "problem status member");
    cr_expect_not_null(tc_str(r, "type"));
    cr_expect_not_null(tc_str(r, "title"));
    cr_expect_not_null(tc_str(r, "detail"));
}

Test(ops, health_and_readiness)
{
    struct tc_resp *r = tc_get("/healthz", NULL);

    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(tc_str(r, "status"), "ok");
    cr_expect_not_null(tc_header(r, "X-Request-Id"));
    tc_free(r);
    r = tc_get("/readyz", NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
}

Test(ops, request_id_is_echoed_when_sane)
{
    struct tc_resp *r = tc_req("GET", "/healthz", NULL, NULL, "X-Request-Id: abc-123\r\n");

    cr_expect_str_eq(tc_header(r, "X-Request-Id"), "abc-123");
    tc_free(r);
    r = tc_req("GET", "/healthz", NULL, NULL, "X-Request-Id: <script>\r\n");
    cr_expect_neq(strcmp(tc_header(r, "X-Request-Id"), "<script>"), 0);
    tc_free(r);
}

Test(ops, metrics_are_prometheus_text)
{
    char *svc = tc_token("service", NULL, NULL);
    struct tc_resp *r = tc_get("/healthz", NULL);
    const char *queued;

    cr_assert_eq(tc_sql("INSERT INTO jobs (id, kind, created_by, created_role, queue) VALUES "
                        "(gen_random_uuid(), 'board_report', 'ops-metrics', 'board', 'nobody')"),
                 0);
    tc_free(r);
    r = tc_get("/metrics", svc);
    cr_expect_eq(r->status, 200);
    cr_expect(strncmp(tc_header(r, "Content-Type"), "text/plain; version=0.0.4", 25) == 0);
    cr_expect_not_null(strstr(r->body, "cl_http_requests_total{route=\"/healthz\""));
    cr_expect_not_null(strstr(r->body, "cl_http_request_duration_seconds_bucket"));
    cr_expect_not_null(strstr(r->body, "cl_db_pool_connections_in_use"));
    queued = strstr(r->body, "cl_jobs{status=\"queued\"} ");
    cr_expect(queued && atol(queued + strlen("cl_jobs{status=\"queued\"} ")) >= 1,
              "the queue's counts see every job, whoever may read it");
    cr_expect_not_null(strstr(r->body, "cl_jobs_oldest_queued_age_seconds"));
    tc_free(r);
    free(svc);
}

Test(ops, the_spec_and_the_docs_are_served_locally)
{
    struct tc_resp *r = tc_get("/v1/openapi.json", NULL);

    cr_expect_eq(r->status, 200);
    cr_assert_not_null(r->json);
    cr_expect_str_eq(tc_str(r, "openapi"), "3.1.0");
    tc_free(r);
    r = tc_get("/docs", NULL);
    cr_expect_eq(r->status, 200);
    cr_expect_not_null(strstr(r->body, "/docs/redoc.standalone.js"));
    cr_expect_null(strstr(r->body, "https://"), "the page fetches nothing from outside");
    tc_free(r);
    r = tc_get("/docs/redoc.standalone.js", NULL);
    cr_expect_eq(r->status, 200);
    cr_expect_gt(r->body_len, 500000);
    tc_free(r);
}

Test(ops, unknown_route_and_wrong_method)
{
    struct tc_resp *r = tc_get("/v1/nothing-here", NULL);

    expect_problem(r, 404);
    tc_free(r);
    r = tc_req("DELETE", "/healthz", NULL, NULL, NULL);
    expect_problem(r, 405);
    cr_expect_str_eq(tc_header(r, "Allow"), "GET");
    tc_free(r);
    r = tc_get("/v1/advisers/not-a-uuid", NULL);
    expect_problem(r, 404);
    tc_free(r);
}

Test(ops, ambiguous_framing_is_refused)
{
    const char *cases[] = {
        "POST /v1/advisers HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
        "Content-Length: 5\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n0\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\nContent-Length: 5\r\n"
        "Connection: close\r\n\r\n",
        "GET /healthz HTTP/1.1\r\nHost: x\r\nContent-Length: 2abc\r\nConnection: close\r\n\r\nab",
        "GET /healthz%00.json HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        struct tc_resp *r = tc_raw(cases[i], strlen(cases[i]));

        expect_problem(r, 400);
        tc_free(r);
    }
}

Test(ops, over_long_headers_get_431)
{
    size_t n = 20000;
    char *big = malloc(n + 200);
    struct tc_resp *r;

    strcpy(big, "GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ");
    memset(big + strlen(big), 'a', n);
    strcpy(big + strlen("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: ") + n,
           "\r\nConnection: close\r\n\r\n");
    r = tc_raw(big, strlen(big));
    expect_problem(r, 431);
    tc_free(r);
    free(big);
}

Test(ops, body_rules)
{
    char *admin = tc_token("admin", NULL, NULL);
    struct tc_resp *r;
    char *big;
    size_t n = 2u << 20;

    r = tc_req("POST", "/v1/advisers", admin, NULL,
               "Content-Type: text/plain\r\nContent-Length: 2\r\n\r\n{}");
    expect_problem(r, 415);
    tc_free(r);
    r = tc_post("/v1/advisers", admin, "{\"name\": ");
    expect_problem(r, 400);
    tc_free(r);
    r = tc_post("/v1/advisers", admin, "{\"name\":\"a\",\"name\":\"b\",\"email\":\"x@y.org\"}");
    expect_problem(r, 400);
    tc_free(r);
    big = malloc(n + 1);
    memset(big, ' ', n);
    big[0] = '{';
    big[n - 1] = '}';
    big[n] = '\0';
    r = tc_post("/v1/advisers", admin, big);
    expect_problem(r, 413);
    tc_free(r);
    free(big);
    free(admin);
}

Test(ops, cors_only_for_configured_origins)
{
    struct tc_resp *r = tc_req("OPTIONS", "/v1/me", NULL, NULL,
                               "Origin: https://evil.example\r\n"
                               "Access-Control-Request-Method: GET\r\n");

    cr_expect_neq(r->status, 204);
    cr_expect_null(tc_header(r, "Access-Control-Allow-Origin"));
    tc_free(r);
    r = tc_req("GET", "/healthz", NULL, NULL, "Origin: https://evil.example\r\n");
    cr_expect_null(tc_header(r, "Access-Control-Allow-Origin"));
    tc_free(r);
}
