/* Who may still get in: deactivated advisers and partners lose access on their next request,
 * /metrics is for the service role, /readyz answers from its background state without a
 * pooled connection, and the rate limits answer 429 with Retry-After. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_api.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(access, .init = cl_mem_init, .timeout = 120);

/* A 401 problem+json with the challenge: a bare "Bearer" when no token came (RFC 6750 3.1),
 * error="invalid_token" when one was refused. */
static void
expect_challenge(struct tc_resp *r, const char *what, const char *challenge)
{
    cr_expect_eq(r->status, 401, "%s: %d %s", what, r->status, r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type") ? tc_header(r, "Content-Type") : "",
                     "application/problem+json", "%s", what);
    cr_expect_str_eq(tc_header(r, "WWW-Authenticate") ? tc_header(r, "WWW-Authenticate") : "",
                     challenge, "%s", what);
    tc_free(r);
}

static void
expect_401(struct tc_resp *r, const char *what)
{
    expect_challenge(r, what, "Bearer error=\"invalid_token\"");
}

static int
status_of(struct tc_resp *r)
{
    int st = r->status;

    tc_free(r);
    return st;
}

/* PATCHes {"active": value} onto path as an administrator, with the current ETag. */
static void
set_active(const char *path, int value)
{
    char *admin = tc_token("admin", NULL, NULL), extra[96], body[32];
    struct tc_resp *r = tc_get(path, admin);

    cr_assert_eq(r->status, 200, "%s", r->body);
    snprintf(extra, sizeof extra, "If-Match: %s\r\n", tc_header(r, "ETag"));
    tc_free(r);
    snprintf(body, sizeof body, "{\"active\":%s}", value ? "true" : "false");
    r = tc_req("PATCH", path, admin, body, extra);
    cr_assert_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    free(admin);
}

Test(access, a_deactivated_adviser_gets_401_on_the_next_request)
{
    char *id = tc_seed_adviser(), *tok, path[96];

    cr_assert_not_null(id);
    tok = tc_token("adviser", id, NULL);
    snprintf(path, sizeof path, "/v1/advisers/%s", id);
    /* used first, so the verified token sits in the api's token cache */
    cr_expect_eq(status_of(tc_get("/v1/me", tok)), 200);
    cr_expect_eq(status_of(tc_get("/v1/care-leavers?limit=1", tok)), 200);
    set_active(path, 0);
    expect_401(tc_get("/v1/me", tok), "me");
    expect_401(tc_get("/v1/care-leavers?limit=1", tok), "list");
    expect_401(tc_get(path, tok), "own record");
    {
        char uid[11], dob[11];
        int st = 0;
        char *cl;

        tcw_uid(uid, "ACC");
        tcw_date(dob, 19, 30);
        cl = tcw_care_leaver(tok, uid, dob, "former_relevant", "Castleton", NULL, "", &st);
        cr_expect_eq(st, 401, "a valid write");
        cr_expect_null(cl);
        free(cl);
        cr_expect_eq(tc_sql_long("SELECT count(*) FROM care_leavers WHERE la_child_id LIKE 'ACC%'"),
                     0, "nothing written");
    }
    set_active(path, 1);
    cr_expect_eq(status_of(tc_get("/v1/me", tok)), 200, "active again");
    free(tok);
    free(id);
}

Test(access, a_deactivated_partner_gets_401_on_the_next_request)
{
    char *id = tc_seed_partner("housing_provider"), *tok, path[96];

    cr_assert_not_null(id);
    tok = tc_token("partner", NULL, id);
    snprintf(path, sizeof path, "/v1/partners/%s", id);
    cr_expect_eq(status_of(tc_get("/v1/housing-referrals?limit=1", tok)), 200);
    set_active(path, 0);
    expect_401(tc_get("/v1/housing-referrals?limit=1", tok), "referrals");
    expect_401(tc_get("/v1/me", tok), "me");
    free(tok);
    free(id);
}

Test(access, an_adviser_or_partner_that_does_not_exist_gets_401)
{
    char *adv = tc_token("adviser", "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f", NULL);
    char *par = tc_token("partner", NULL, "6f1c2d3e-4a5b-4c6d-8e7f-0a1b2c3d4e5f");

    expect_401(tc_get("/v1/me", adv), "adviser");
    expect_401(tc_get("/v1/housing-referrals", par), "partner");
    free(adv);
    free(par);
}

Test(access, metrics_are_for_the_service_role)
{
    char *svc = tc_token("service", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    struct tc_resp *r = tc_get("/metrics", NULL);

    expect_challenge(r, "no token", "Bearer");
    r = tc_get("/metrics", mgr);
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);
    r = tc_get("/metrics", svc);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_not_null(strstr(r->body, "cl_http_requests_total"));
    tc_free(r);
    free(svc);
    free(mgr);
}

struct held {
    int port;
    char *token;
    int status;
};

static void *
slow_request(void *arg)
{
    struct held *h = arg;

    h->status = status_of(tc_req_at(h->port, "GET", "/v1/advisers?limit=1", h->token, NULL));
    return NULL;
}

/* An api whose only pooled connection is held by a request waiting on a lock: /readyz still
 * answers 200 at once, from the state its own thread keeps. */
Test(access, readiness_does_not_wait_for_the_pool)
{
    const char *env[] = {"DB_POOL_SIZE=1", "DB_TIMEOUT_MS=3000", "READYZ_INTERVAL_MS=200", NULL};
    struct tc_api api;
    struct held h;
    pthread_t t;
    PGconn *lock = tc_db();
    PGresult *res;
    struct tc_resp *r;
    struct timespec pause = {0, 300 * 1000000L};
    double t0, ms;

    cr_assert_eq(tc_api_start(&api, env), 0);
    h.port = api.port;
    h.token = tc_token("admin", NULL, NULL);
    h.status = 0;
    /* ready first: the api answers /healthz before its readiness thread has checked once, which
     * on a loaded machine can take longer than the pause below */
    t0 = tc_now_ms();
    while (status_of(tc_req_at(api.port, "GET", "/readyz", NULL, NULL)) != 200 &&
           tc_now_ms() - t0 < 15000)
        nanosleep(&pause, NULL);
    res = PQexec(lock, "BEGIN; LOCK TABLE advisers IN ACCESS EXCLUSIVE MODE");
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(lock));
    PQclear(res);
    pthread_create(&t, NULL, slow_request, &h);
    nanosleep(&pause, NULL); /* the request now holds the pool's one connection */
    t0 = tc_now_ms();
    r = tc_req_at(api.port, "GET", "/readyz", NULL, NULL);
    ms = tc_now_ms() - t0;
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_lt(ms, 500.0, "answered in %.0f ms", ms);
    tc_free(r);
    PQclear(PQexec(lock, "COMMIT"));
    pthread_join(t, NULL);
    cr_expect_eq(h.status, 200, "the held request completes once the lock is gone");
    PQfinish(lock);
    free(h.token);
    cr_expect_eq(tc_api_stop(&api), 0, "stopped cleanly");
}

/* Requests from one client address (as a trusted proxy reports it) beyond the burst. */
static void
expect_429(struct tc_resp *r, const char *what)
{
    const char *h = tc_header(r, "Retry-After"); /* copied: tc_header reuses its buffer */
    char ra_buf[16] = "";
    const char *ra = h ? strncpy(ra_buf, h, sizeof ra_buf - 1) : NULL;

    cr_expect_eq(r->status, 429, "%s: %d %s", what, r->status, r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type") ? tc_header(r, "Content-Type") : "",
                     "application/problem+json", "%s", what);
    cr_expect_not_null(ra, "%s: Retry-After", what);
    cr_expect(ra && atoi(ra) >= 1, "%s: Retry-After %s", what, ra ? ra : "");
    cr_expect_str_eq(tc_str(r, "type") ? tc_str(r, "type") : "",
                     "https://leaving-care.example/problems/too-many-requests");
    tc_free(r);
}

Test(access, rate_limits_per_address_and_per_subject)
{
    const char *env[] = {"RATE_LIMIT_ADDR_PER_S=1",   "RATE_LIMIT_ADDR_BURST=3",
                         "RATE_LIMIT_SUB_PER_S=1",    "RATE_LIMIT_SUB_BURST=3",
                         "TRUSTED_PROXIES=127.0.0.1", NULL};
    struct tc_api api;
    char *a = tc_token("manager", NULL, NULL), *b = tc_token("admin", NULL, NULL);
    const char *from1 = "X-Forwarded-For: 198.51.100.1\r\n";
    struct tc_resp *r;
    struct timespec wait = {0, 0};
    int i;

    cr_assert_eq(tc_api_start(&api, env), 0);
    /* per address: three, then 429; another address is unaffected */
    for (i = 0; i < 3; i++)
        cr_expect_eq(status_of(tc_req_at(api.port, "GET", "/healthz", NULL, from1)), 200, "%d", i);
    expect_429(tc_req_at(api.port, "GET", "/healthz", NULL, from1), "fourth from one address");
    cr_expect_eq(status_of(tc_req_at(api.port, "GET", "/healthz", NULL,
                                     "X-Forwarded-For: 198.51.100.2\r\n")),
                 200, "another address");
    /* per subject: one token from many addresses */
    for (i = 0; i < 3; i++) {
        char xff[64];

        snprintf(xff, sizeof xff, "X-Forwarded-For: 203.0.113.%d\r\n", 10 + i);
        cr_expect_eq(status_of(tc_req_at(api.port, "GET", "/v1/me", a, xff)), 200, "%d", i);
    }
    r = tc_req_at(api.port, "GET", "/v1/me", a, "X-Forwarded-For: 203.0.113.20\r\n");
    wait.tv_sec =
        r->status == 429 && tc_header(r, "Retry-After") ? atoi(tc_header(r, "Retry-After")) : 1;
    expect_429(r, "fourth with one token");
    cr_expect_eq(
        status_of(tc_req_at(api.port, "GET", "/v1/me", b, "X-Forwarded-For: 203.0.113.21\r\n")),
        200, "another subject");
    nanosleep(&wait, NULL);
    cr_expect_eq(
        status_of(tc_req_at(api.port, "GET", "/v1/me", a, "X-Forwarded-For: 203.0.113.22\r\n")),
        200, "after Retry-After");
    free(a);
    free(b);
    cr_expect_eq(tc_api_stop(&api), 0, "stopped cleanly");
}
