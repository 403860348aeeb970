/* Token buckets per address and per subject, and which address a request is counted under
 * behind trusted proxies. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <string.h>

#include "cl_mem.h"
#include "ratelimit.h"

static struct cl_config cfg;

static void
setup(void)
{
    cl_mem_init();
    memset(&cfg, 0, sizeof cfg);
    cfg.rate_addr_per_s = 2;
    cfg.rate_addr_burst = 5;
    cfg.rate_sub_per_s = 1;
    cfg.rate_sub_burst = 3;
    cfg.trusted_proxies = "";
}

TestSuite(ratelimit, .init = setup);

static struct cl_ratelimit *
make(const char *proxies)
{
    char err[256] = "";
    struct cl_ratelimit *rl;

    cfg.trusted_proxies = (char *)proxies;
    rl = cl_ratelimit_new(&cfg, err, sizeof err);
    cr_assert_not_null(rl, "%s", err);
    return rl;
}

Test(ratelimit, a_burst_then_retry_after_then_refill)
{
    struct cl_ratelimit *rl = make("");
    double t = 1000;

    for (int i = 0; i < 5; i++)
        cr_expect_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.1", t), 0, "request %d", i);
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.1", t), 1, "2/s: one second");
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.2", t), 0, "another address");
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "192.0.2.1", t), 0, "another kind");
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.1", t + 0.5), 0, "refilled one");
    cr_expect_neq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.1", t + 0.5), 0);
    for (int i = 0; i < 3; i++)
        cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "alice", t), 0);
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "alice", t), 1);
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "alice", t + 100), 0, "full again");
    cl_ratelimit_free(rl);
}

Test(ratelimit, retry_after_covers_the_wait)
{
    struct cl_ratelimit *rl;
    double t = 50;
    int wait;

    cfg.rate_sub_per_s = 1;
    cfg.rate_sub_burst = 1;
    rl = make("");
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "bob", t), 0);
    wait = cl_ratelimit_take(rl, CL_RL_SUB, "bob", t);
    cr_expect_eq(wait, 1);
    cr_expect_eq(cl_ratelimit_take(rl, CL_RL_SUB, "bob", t + wait), 0, "allowed after Retry-After");
    cl_ratelimit_free(rl);
}

Test(ratelimit, rate_zero_is_off)
{
    struct cl_ratelimit *rl;

    cfg.rate_addr_per_s = 0;
    rl = make("");
    for (int i = 0; i < 1000; i++)
        cr_assert_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "192.0.2.1", 1), 0);
    cl_ratelimit_free(rl);
}

/* A flood of distinct addresses fits in the fixed table: each evicts an old bucket, and a
 * client seen recently keeps its own. */
Test(ratelimit, many_addresses_use_a_fixed_table)
{
    struct cl_ratelimit *rl = make("");
    char addr[64];
    int limited = 0;

    for (int i = 0; i < 5; i++)
        cr_expect_eq(cl_ratelimit_take(rl, CL_RL_ADDR, "198.51.100.7", 1), 0);
    for (int i = 0; i < 200000; i++) {
        snprintf(addr, sizeof addr, "10.%d.%d.%d", (i >> 16) & 255, (i >> 8) & 255, i & 255);
        limited += cl_ratelimit_take(rl, CL_RL_ADDR, addr, 2) != 0;
    }
    cr_expect_eq(limited, 0, "each new address starts with a full bucket");
    cl_ratelimit_free(rl);
}

Test(ratelimit, forwarded_for_only_from_trusted_proxies)
{
    struct cl_ratelimit *rl = make("127.0.0.1, 10.0.0.0/8,fd00::/8");
    char out[CL_RL_ADDR_MAX];

    cl_ratelimit_client(rl, "203.0.113.9", "198.51.100.1", out);
    cr_expect_str_eq(out, "203.0.113.9", "an untrusted peer's X-Forwarded-For is ignored");
    cl_ratelimit_client(rl, "127.0.0.1", NULL, out);
    cr_expect_str_eq(out, "127.0.0.1", "no header");
    cl_ratelimit_client(rl, "127.0.0.1", "198.51.100.1", out);
    cr_expect_str_eq(out, "198.51.100.1");
    cl_ratelimit_client(rl, "127.0.0.1", "6.6.6.6, 198.51.100.1, 10.1.2.3", out);
    cr_expect_str_eq(out, "198.51.100.1", "the rightmost address that is not a proxy");
    cl_ratelimit_client(rl, "127.0.0.1", "10.9.9.9,10.1.2.3", out);
    cr_expect_str_eq(out, "10.9.9.9", "every hop a proxy: the leftmost");
    cl_ratelimit_client(rl, "fd12::1", "2001:db8::5", out);
    cr_expect_str_eq(out, "2001:db8::5", "IPv6");
    cl_ratelimit_client(rl, "127.0.0.1", "198.51.100.1, junk, 10.1.2.3", out);
    cr_expect_str_eq(out, "10.1.2.3", "not an address: nothing further left is trusted");
    cl_ratelimit_client(rl, "11.0.0.1", "198.51.100.1", out);
    cr_expect_str_eq(out, "11.0.0.1", "outside 10.0.0.0/8");
    cl_ratelimit_free(rl);
}

Test(ratelimit, bad_trusted_proxies_are_refused)
{
    const char *bad[] = {"10.0.0.0/33", "localhost", "10.0.0.1/", "::1/129", "1.2.3"};
    char err[256];

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        cfg.trusted_proxies = (char *)bad[i];
        err[0] = '\0';
        cr_expect_null(cl_ratelimit_new(&cfg, err, sizeof err), "%s", bad[i]);
        cr_expect_not_null(strstr(err, "TRUSTED_PROXIES"), "%s", bad[i]);
    }
}
