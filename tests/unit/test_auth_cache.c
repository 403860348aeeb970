/* The verified-token cache (api/auth_cache.c): a hit only for the very same token inside the
 * window in which its claims hold, and through cl_auth_verify the same answers as verifying
 * afresh, for a second use of a good token and for its forgeries. */
#include <criterion/criterion.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "auth_cache.h"
#include "cl_b64.h"
#include "cl_mem.h"

#define SECRET "unit-test-secret-0123456789abcdef-0123"

TestSuite(auth_cache, .init = cl_mem_init);

static struct cl_claims
claims_of(const char *sub, const char *role)
{
    struct cl_claims c;

    memset(&c, 0, sizeof c);
    snprintf(c.sub, sizeof c.sub, "%s", sub);
    snprintf(c.role, sizeof c.role, "%s", role);
    return c;
}

Test(auth_cache, same_token_inside_its_window_only)
{
    struct cl_auth_cache *cache = cl_auth_cache_new();
    struct cl_claims in = claims_of("u1", "manager"), out;
    const char *tok = "aaaa.bbbb.cccc";
    char other[] = "aaaa.bbbb.cccd";

    cl_auth_cache_put(cache, tok, strlen(tok), 1000, 2000, &in);
    memset(&out, 0, sizeof out);
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 1500, &out), 1);
    cr_expect_str_eq(out.sub, "u1");
    cr_expect_str_eq(out.role, "manager");
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 1000, &out), 1, "window inclusive");
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 2000, &out), 1, "window inclusive");
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 999, &out), 0, "not yet valid");
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 2001, &out), 0, "expired");
    cr_expect_eq(cl_auth_cache_get(cache, other, strlen(other), 1500, &out), 0, "last byte");
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok) - 1, 1500, &out), 0, "a prefix");
    cr_expect_eq(cl_auth_cache_get(cache, "", 0, 1500, &out), 0);
    /* a later put for the same token replaces the entry */
    in = claims_of("u2", "admin");
    cl_auth_cache_put(cache, tok, strlen(tok), 1000, 3000, &in);
    cr_expect_eq(cl_auth_cache_get(cache, tok, strlen(tok), 2500, &out), 1);
    cr_expect_str_eq(out.sub, "u2");
    cl_auth_cache_free(cache);
}

Test(auth_cache, many_tokens_share_the_slots)
{
    struct cl_auth_cache *cache = cl_auth_cache_new();
    struct cl_claims out;
    char tok[32];
    int hits = 0;

    for (int i = 0; i < 500; i++) {
        struct cl_claims in;

        snprintf(tok, sizeof tok, "t%d.p.s", i);
        in = claims_of(tok, "board");
        cl_auth_cache_put(cache, tok, strlen(tok), 0, 10, &in);
    }
    for (int i = 0; i < 500; i++) {
        snprintf(tok, sizeof tok, "t%d.p.s", i);
        if (cl_auth_cache_get(cache, tok, strlen(tok), 5, &out)) {
            cr_expect_str_eq(out.sub, tok, "a hit is always the token's own claims");
            hits++;
        }
    }
    cr_expect(hits > 0 && hits <= 64, "%d", hits);
    cl_auth_cache_free(cache);
}

static char *
hs_token(const char *payload)
{
    const char *header = "{\"alg\":\"HS256\",\"typ\":\"JWT\"}";
    char *h = cl_b64url_encode(header, strlen(header));
    char *p = cl_b64url_encode(payload, strlen(payload));
    size_t n = strlen(h) + strlen(p) + 2;
    char *signing = malloc(n), *sig, *tok;
    unsigned char mac[32];
    unsigned maclen = 0;

    snprintf(signing, n, "%s.%s", h, p);
    HMAC(EVP_sha256(), SECRET, (int)strlen(SECRET), (unsigned char *)signing, strlen(signing), mac,
         &maclen);
    sig = cl_b64url_encode(mac, maclen);
    tok = malloc(n + strlen(sig) + 8);
    snprintf(tok, n + strlen(sig) + 8, "Bearer %s.%s", signing, sig);
    free(h);
    free(p);
    free(signing);
    free(sig);
    return tok;
}

Test(auth_cache, verify_twice_and_forgeries_after_a_hit)
{
    struct cl_config cfg;
    struct cl_auth *auth;
    struct cl_claims c;
    const char *why;
    char p[256], *t;
    size_t n;

    memset(&cfg, 0, sizeof cfg);
    cfg.jwt_alg = "HS256";
    cfg.jwt_secret = SECRET;
    cfg.jwt_issuer = "";
    cfg.jwt_audience = "";
    cfg.jwt_max_lifetime_s = 43200;
    auth = cl_auth_new(&cfg);
    snprintf(p, sizeof p,
             "{\"sub\":\"u9\",\"role\":\"adviser\",\"adviser_id\":\"0b6d5f0e-8f5a-4c55-9d0e-"
             "2a3f4b5c6d7e\",\"exp\":%ld,\"iat\":%ld}",
             (long)time(NULL) + 600, (long)time(NULL));
    t = hs_token(p);
    for (int i = 0; i < 3; i++) {
        memset(&c, 0, sizeof c);
        cr_assert_eq(cl_auth_verify(auth, t, &c, &why), 0, "use %d", i);
        cr_expect_str_eq(c.sub, "u9");
        cr_expect_str_eq(c.role, "adviser");
        cr_expect_str_eq(c.adviser_id, "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e");
    }
    n = strlen(t);
    t[n - 2] = t[n - 2] == 'A' ? 'B' : 'A';
    cr_expect_neq(cl_auth_verify(auth, t, &c, &why), 0, "signature changed after a hit");
    t[n - 1] = '\0';
    cr_expect_neq(cl_auth_verify(auth, t, &c, &why), 0, "signature cut short");
    cr_expect_neq(cl_auth_verify(auth, NULL, &c, &why), 0);
    cr_expect_neq(cl_auth_verify(auth, "Bearer ", &c, &why), 0);
    free(t);
    cl_auth_free(auth);
}
