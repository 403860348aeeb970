/* Start-up refuses development settings outside development mode: tokens without a named
 * issuer and audience, the development secrets committed to this repository, and guessable
 * secrets. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_config.h"
#include "cl_mem.h"

#define STRONG "q7Vb2mXk9RzL4tWp0sNc8yHd3fJg6uEa1oKi5rTe"

static void
clean_env(void)
{
    cl_mem_init();
    unsetenv("CL_DEV_MODE");
    unsetenv("JWT_ALG");
    unsetenv("JWT_PUBLIC_KEY_FILE");
    unsetenv("JWT_MAX_LIFETIME_S");
    unsetenv("LA_TIMEZONE");
    setenv("LA_CODE", "999", 1);
    setenv("JWT_SECRET", STRONG, 1);
    setenv("JWT_ISSUER", "https://idp.example", 1);
    setenv("JWT_AUDIENCE", "leaving-care", 1);
}

TestSuite(config, .init = clean_env);

/* Loads the api's configuration; returns 1 when it is accepted, else 0 with err filled. */
static int
accepted(char *err, size_t errlen)
{
    struct cl_config *c = cl_config_load(CL_CONFIG_API, err, errlen);
    int ok = c != NULL;

    cl_config_free(c);
    return ok;
}

/* The value JWT_SECRET gets in a committed script (JWT_SECRET=... or ${JWT_SECRET:-...}). */
static void
committed_secret(const char *path, char *out, size_t outlen)
{
    FILE *f = fopen(path, "r");
    char line[512];

    out[0] = '\0';
    cr_assert_not_null(f, "%s", path);
    while (fgets(line, sizeof line, f)) {
        char *p = strstr(line, "JWT_SECRET=");
        size_t n;

        if (p == NULL || line[0] == '#')
            continue;
        p += strlen("JWT_SECRET=");
        if (strncmp(p, "${JWT_SECRET:-", 14) == 0)
            p += 14;
        n = strcspn(p, " }\n\"'");
        if (n >= 32 && n < outlen) {
            memcpy(out, p, n);
            out[n] = '\0';
            break;
        }
    }
    fclose(f);
    cr_assert(out[0], "no JWT_SECRET in %s", path);
}

Test(config, a_strong_secret_with_issuer_and_audience_starts)
{
    char err[256] = "";

    cr_expect(accepted(err, sizeof err), "%s", err);
}

Test(config, issuer_and_audience_are_required_outside_development)
{
    char err[256] = "";

    unsetenv("JWT_ISSUER");
    cr_expect_not(accepted(err, sizeof err));
    cr_expect_not_null(strstr(err, "JWT_ISSUER"), "%s", err);
    setenv("JWT_ISSUER", "https://idp.example", 1);
    setenv("JWT_AUDIENCE", "", 1);
    cr_expect_not(accepted(err, sizeof err));
    cr_expect_not_null(strstr(err, "JWT_AUDIENCE"), "%s", err);
    setenv("CL_DEV_MODE", "1", 1);
    cr_expect(accepted(err, sizeof err), "development mode: %s", err);
}

Test(config, committed_development_secrets_are_refused_outside_development)
{
    const char *scripts[] = {"scripts/env.sh", "scripts/bench.sh", "tests/integration/run.sh",
                             "tests/reliability/run.sh"};
    char secret[256], err[256];

    for (size_t i = 0; i < sizeof scripts / sizeof scripts[0]; i++) {
        committed_secret(scripts[i], secret, sizeof secret);
        setenv("JWT_SECRET", secret, 1);
        unsetenv("CL_DEV_MODE");
        cr_expect_not(accepted(err, sizeof err), "the secret in %s", scripts[i]);
        cr_expect_not_null(strstr(err, "JWT_SECRET"), "%s", err);
        setenv("CL_DEV_MODE", "1", 1);
        cr_expect(accepted(err, sizeof err), "%s in development mode: %s", scripts[i], err);
    }
}

Test(config, guessable_secrets_are_refused)
{
    const char *weak[] = {
        "passwordpasswordpasswordpassword",         /* few distinct characters */
        "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", /* one character */
        "Zq8vN3kW1xR7tY5uP0sM-abcdefgh-Lm4Jh6Gf2D", /* a sequence */
        "Zq8vN3kW1xR7tY5uP0sM-999999-Lm4Jh6Gf2Dxx", /* a repeated run */
        "0123456789abcdef0123456789abcdef",         /* the hex alphabet in order */
        "4f7a1c9e2b8d3f6a5c0e7b9d1a3f5c8e",         /* 32 hex digits: 128 bits at most */
    };
    char err[256];

    for (size_t i = 0; i < sizeof weak / sizeof weak[0]; i++) {
        cr_expect_not_null(cl_config_weak_secret(weak[i]), "%s", weak[i]);
        setenv("JWT_SECRET", weak[i], 1);
        cr_expect_not(accepted(err, sizeof err), "%s", weak[i]);
    }
    cr_expect_null(cl_config_weak_secret(STRONG));
    cr_expect_null(
        cl_config_weak_secret("9f2c47e1b85a3d60c7e4f19a2b3c8d5e6f70a1b2c3d4e5f60718293a4b5c6d7e"));
    setenv("JWT_SECRET", "short", 1);
    setenv("CL_DEV_MODE", "1", 1);
    cr_expect_not(accepted(err, sizeof err), "under 32 bytes even in development mode");
}

Test(config, token_lifetime_has_a_bounded_maximum)
{
    char err[256];
    struct cl_config *c = cl_config_load(CL_CONFIG_API, err, sizeof err);

    cr_assert_not_null(c, "%s", err);
    cr_expect_eq(c->jwt_max_lifetime_s, 12 * 3600, "default 12 hours");
    cl_config_free(c);
    setenv("JWT_MAX_LIFETIME_S", "0", 1);
    cr_expect_not(accepted(err, sizeof err));
    cr_expect_not_null(strstr(err, "JWT_MAX_LIFETIME_S"), "%s", err);
}

Test(config, the_council_time_zone_defaults_to_london_and_must_be_a_tz_database_zone)
{
    char err[256] = "";
    struct cl_config *c = cl_config_load(CL_CONFIG_WORKER, err, sizeof err);

    cr_assert_not_null(c, "%s", err);
    cr_expect_str_eq(c->la_timezone, "Europe/London");
    cl_config_free(c);
    setenv("LA_TIMEZONE", "Europe/Paris", 1);
    cr_expect(accepted(err, sizeof err), "%s", err);
    setenv("LA_TIMEZONE", "Europe/Lundon", 1);
    cr_expect_not(accepted(err, sizeof err));
    cr_expect(strstr(err, "LA_TIMEZONE") != NULL, "%s", err);
}
