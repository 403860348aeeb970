/* PostgreSQL goes away and comes back: every request in between gets a quick 503 with
 * Retry-After, and service resumes by itself. Runs alone (run.sh), last. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"

static int
pg(const char *action)
{
    char cmd[1024];

    snprintf(cmd, sizeof cmd, "scripts/pg.sh %s '%s' >/dev/null 2>&1", action,
             getenv("CL_TEST_PGDIR"));
    return system(cmd);
}

TestSuite(outage, .init = cl_mem_init, .timeout = 120);

Test(outage, database_down_then_back)
{
    char *admin = tc_token("admin", NULL, NULL);
    struct tc_resp *r;
    double t0, worst = 0;

    r = tc_get("/v1/advisers", admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_assert_eq(pg("stop"), 0);
    for (int i = 0; i < 10; i++) {
        t0 = tc_now_ms();
        r = tc_get("/v1/advisers", admin);
        if (tc_now_ms() - t0 > worst)
            worst = tc_now_ms() - t0;
        cr_expect_eq(r->status, 503, "%s", r->body);
        cr_expect_not_null(tc_header(r, "Retry-After"));
        cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
        tc_free(r);
    }
    cr_expect_lt(worst, 2000.0, "503 within 2 s (worst %.0f ms)", worst);
    cr_expect_eq(tc_wait_status("/readyz", 503, 3000), 503, "readiness drops within 3 s");
    r = tc_get("/healthz", NULL);
    cr_expect_eq(r->status, 200, "liveness does not depend on the database");
    tc_free(r);

    cr_assert_eq(pg("start"), 0);
    t0 = tc_now_ms();
    for (;;) {
        r = tc_get("/v1/advisers", admin);
        if (r->status == 200 || tc_now_ms() - t0 > 5000)
            break;
        tc_free(r);
    }
    cr_expect_eq(r->status, 200, "service resumes within 5 s of the database returning");
    tc_free(r);
    free(admin);
}
