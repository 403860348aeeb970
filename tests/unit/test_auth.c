/* The token attack list: every way a token must be refused, checked against the verifier
 * directly (the HTTP suite checks the 401 answer itself). */
#include <criterion/criterion.h>
#include <openssl/hmac.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "auth.h"
#include "cl_b64.h"
#include "cl_mem.h"

#define SECRET "unit-test-secret-0123456789abcdef-0123"

static struct cl_config cfg;
static struct cl_auth *auth;
static long now;

static void
setup_hs(void)
{
    cl_mem_init();
    memset(&cfg, 0, sizeof cfg);
    cfg.jwt_alg = "HS256";
    cfg.jwt_secret = SECRET;
    cfg.jwt_issuer = "";
    cfg.jwt_audience = "";
    cfg.jwt_max_lifetime_s = 43200;
    auth = cl_auth_new(&cfg);
    now = (long)time(NULL);
}

static void
teardown(void)
{
    cl_auth_free(auth);
}

/* header.payload signed with HMAC-SHA256 under key (any header, any payload). */
static char *
hs_token(const char *header, const char *payload, const char *key)
{
    char *h = cl_b64url_encode(header, strlen(header));
    char *p = cl_b64url_encode(payload, strlen(payload));
    size_t n = strlen(h) + strlen(p) + 2;
    char *signing = malloc(n), *sig, *tok;
    unsigned char mac[32];
    unsigned maclen = 0;

    snprintf(signing, n, "%s.%s", h, p);
    HMAC(EVP_sha256(), key, (int)strlen(key), (unsigned char *)signing, strlen(signing), mac,
         &maclen);
    sig = cl_b64url_encode(mac, maclen);
    tok = malloc(n + strlen(sig) + 8);
    sprintf(tok, "Bearer %s.%s", signing, sig);
    free(h);
    free(p);
    free(signing);
    free(sig);
    return tok;
}

static int
verify(const char *header_value)
{
    struct cl_claims c;
    const char *why;

    return cl_auth_verify(auth, header_value, &c, &why);
}

static int
verify_claims(const char *payload)
{
    char *t = hs_token("{\"alg\":\"HS256\",\"typ\":\"JWT\"}", payload, SECRET);
    int r = verify(t);

    free(t);
    return r;
}

TestSuite(auth, .init = setup_hs, .fini = teardown);

Test(auth, a_good_token_passes)
{
    char p[256];

    snprintf(p, sizeof p, "{\"sub\":\"u1\",\"role\":\"manager\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_eq(verify_claims(p), 0);
}

Test(auth, header_shape)
{
    cr_expect_neq(verify(NULL), 0, "no header");
    cr_expect_neq(verify("Basic dXNlcjpwYXNz"), 0, "another scheme");
    cr_expect_neq(verify("Bearer "), 0, "empty");
    cr_expect_neq(verify("Bearer abc"), 0, "malformed");
    cr_expect_neq(verify("Bearer a.b.c.d"), 0, "four segments");
    cr_expect_neq(verify("Bearer a!.b.c"), 0, "not base64url");
}

Test(auth, alg_none_in_any_case)
{
    char p[256], *h, *pl, tok[1024];

    snprintf(p, sizeof p, "{\"sub\":\"u1\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    pl = cl_b64url_encode(p, strlen(p));
    h = cl_b64url_encode("{\"alg\":\"none\"}", 14);
    snprintf(tok, sizeof tok, "Bearer %s.%s.", h, pl);
    cr_expect_neq(verify(tok), 0, "alg none, empty signature");
    free(h);
    h = cl_b64url_encode("{\"alg\":\"NoNe\"}", 14);
    snprintf(tok, sizeof tok, "Bearer %s.%s.x", h, pl);
    cr_expect_neq(verify(tok), 0, "alg NoNe");
    free(h);
    free(pl);
}

Test(auth, other_algorithms_and_bad_signatures)
{
    char p[256], *t;

    snprintf(p, sizeof p, "{\"sub\":\"u1\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    t = hs_token("{\"alg\":\"HS512\"}", p, SECRET);
    cr_expect_neq(verify(t), 0, "HS512 is not the configured algorithm");
    free(t);
    t = hs_token("{\"alg\":\"RS256\"}", p, SECRET);
    cr_expect_neq(verify(t), 0, "RS256 header on an HS256 server");
    free(t);
    t = hs_token("{\"alg\":\"HS256\"}", p, "another-secret-0123456789abcdef-01234");
    cr_expect_neq(verify(t), 0, "signed with another key");
    free(t);
    t = hs_token("{\"alg\":\"HS256\",\"typ\":\"at+jwt\"}", p, SECRET);
    cr_expect_neq(verify(t), 0, "typ other than JWT");
    free(t);
}

Test(auth, time_claims_with_leeway)
{
    char p[256];

    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now - 120,
             now);
    cr_expect_neq(verify_claims(p), 0, "expired beyond the leeway");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now - 30,
             now);
    cr_expect_eq(verify_claims(p), 0, "expired within the 60 s leeway");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"nbf\":%ld,\"iat\":%ld}",
             now + 600, now + 120, now);
    cr_expect_neq(verify_claims(p), 0, "not yet valid");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"nbf\":%ld,\"iat\":%ld}",
             now + 600, now + 30, now);
    cr_expect_eq(verify_claims(p), 0, "nbf within the leeway");
    cr_expect_neq(verify_claims("{\"sub\":\"u\",\"role\":\"admin\"}"), 0, "missing exp");
    cr_expect_neq(verify_claims("{\"sub\":\"u\",\"role\":\"admin\",\"exp\":\"9999999999\"}"), 0,
                  "exp as a string");
    cr_expect_neq(verify_claims("{\"sub\":\"u\",\"role\":\"admin\",\"exp\":9999999999.5}"), 0,
                  "exp not an integer");
}

Test(auth, roles_and_their_ids)
{
    char p[256];

    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"root\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "unknown role");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"adviser\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "adviser without adviser_id");
    snprintf(p, sizeof p,
             "{\"sub\":\"u\",\"role\":\"adviser\",\"adviser_id\":\"0b6d5f0e-8f5a-4c55-9d0e-"
             "2a3f4b5c6d7e\",\"exp\":%ld,\"iat\":%ld}",
             now + 60, now);
    cr_expect_eq(verify_claims(p), 0, "adviser with adviser_id");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"partner\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "partner without org_id");
    snprintf(p, sizeof p, "{\"sub\":\"\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "empty sub");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":[\"admin\"],\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "role as an array");
}

Test(auth, duplicate_claims_are_refused)
{
    char p[256];

    snprintf(p, sizeof p,
             "{\"sub\":\"u\",\"role\":\"board\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now + 60, now);
    cr_expect_neq(verify_claims(p), 0);
}

Test(auth, oversized_tokens_are_refused_without_crashing)
{
    size_t n = 20u << 20;
    char *big = malloc(n + 16);

    memcpy(big, "Bearer ", 7);
    memset(big + 7, 'A', n);
    big[7 + 100] = '.';
    big[7 + 200] = '.';
    big[n + 7] = '\0';
    cr_expect_neq(verify(big), 0);
    big[7 + 9000] = '\0';
    cr_expect_neq(verify(big), 0, "just over 8 KiB");
    free(big);
}

Test(auth, issuer_and_audience_when_configured)
{
    char p[256];

    cfg.jwt_issuer = "https://idp.example";
    cfg.jwt_audience = "leaving-care";
    cl_auth_free(auth);
    auth = cl_auth_new(&cfg);
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    cr_expect_neq(verify_claims(p), 0, "missing iss and aud");
    snprintf(p, sizeof p,
             "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld,\"iss\":\"https://"
             "evil.example\","
             "\"aud\":\"leaving-care\"}",
             now + 60, now);
    cr_expect_neq(verify_claims(p), 0, "wrong iss");
    snprintf(
        p, sizeof p,
        "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld,\"iss\":\"https://idp.example\","
        "\"aud\":\"other\"}",
        now + 60, now);
    cr_expect_neq(verify_claims(p), 0, "wrong aud");
    snprintf(
        p, sizeof p,
        "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld,\"iss\":\"https://idp.example\","
        "\"aud\":[\"other\",\"leaving-care\"]}",
        now + 60, now);
    cr_expect_eq(verify_claims(p), 0, "aud array containing ours");
}

Test(auth, empty_or_short_secret_is_refused_at_start)
{
    cfg.jwt_secret = "";
    cr_expect_null(cl_auth_new(&cfg));
    cfg.jwt_secret = "short";
    cr_expect_null(cl_auth_new(&cfg));
}

/* HS/RS confusion: the server is configured for RS256 with a public key; an attacker signs an
 * HS256 token using that public key's PEM text as the HMAC secret. */
Test(auth, hs256_signed_with_the_public_key_is_refused)
{
    char dir[] = "/tmp/cl-auth-XXXXXX", cmd[512], path[256], p[256], *t;
    static char pem[8192];
    FILE *f;
    size_t n;
    struct cl_auth *rs;
    struct cl_claims c;
    const char *why;

    cr_assert_not_null(mkdtemp(dir));
    snprintf(cmd, sizeof cmd,
             "openssl genrsa -out %s/k.pem 2048 2>/dev/null && "
             "openssl rsa -in %s/k.pem -pubout -out %s/pub.pem 2>/dev/null",
             dir, dir, dir);
    cr_assert_eq(system(cmd), 0);
    snprintf(path, sizeof path, "%s/pub.pem", dir);
    f = fopen(path, "r");
    cr_assert_not_null(f);
    n = fread(pem, 1, sizeof pem - 1, f);
    pem[n] = '\0';
    fclose(f);
    cfg.jwt_alg = "RS256";
    cfg.jwt_public_key = pem;
    rs = cl_auth_new(&cfg);
    cr_assert_not_null(rs);
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 60,
             now);
    t = hs_token("{\"alg\":\"HS256\"}", p, pem);
    cr_expect_neq(cl_auth_verify(rs, t, &c, &why), 0);
    free(t);
    t = hs_token("{\"alg\":\"RS256\"}", p, pem);
    cr_expect_neq(cl_auth_verify(rs, t, &c, &why), 0, "RS256 header, HMAC signature");
    free(t);
    cl_auth_free(rs);
    snprintf(cmd, sizeof cmd, "rm -rf %s", dir);
    cr_expect_eq(system(cmd), 0);
}

Test(auth, lifetime_is_bounded_and_iat_required)
{
    char p[256];

    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now + 43200 - 10, now - 10);
    cr_expect_eq(verify_claims(p), 0, "exactly the maximum lifetime");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now + 43200 - 9, now - 10);
    cr_expect_neq(verify_claims(p), 0, "one second over the maximum lifetime");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now + 30L * 86400, now);
    cr_expect_neq(verify_claims(p), 0, "a month-long token");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld}", now + 60);
    cr_expect_neq(verify_claims(p), 0, "no iat: the lifetime cannot be bounded");
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 600,
             now + 300);
    cr_expect_neq(verify_claims(p), 0, "iat in the future");
    cfg.jwt_max_lifetime_s = 600;
    cl_auth_free(auth);
    auth = cl_auth_new(&cfg);
    snprintf(p, sizeof p, "{\"sub\":\"u\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}", now + 601,
             now);
    cr_expect_neq(verify_claims(p), 0, "JWT_MAX_LIFETIME_S is honoured");
    cfg.jwt_max_lifetime_s = 0;
    cr_expect_null(cl_auth_new(&cfg), "no maximum lifetime: refused at start");
}
