/* The settings table: every environment variable the api and worker read. */
#include "cl_config.h"

#include <ctype.h>
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_la_time.h"
#include "cl_log.h"
#include "cl_mem.h"

enum kind { K_STR, K_INT };

struct setting {
    const char *env;
    enum kind kind;
    size_t off;
    const char *def; /* NULL: required */
    long min, max;   /* K_INT bounds; K_STR: max length (0: none) */
    int who;         /* which programs read it */
};

#define OFF(f) offsetof(struct cl_config, f)
#define ALL (CL_CONFIG_API | CL_CONFIG_WORKER | CL_CONFIG_TOOL)
#define AW (CL_CONFIG_API | CL_CONFIG_WORKER)

static const struct setting settings[] = {
    {"DATABASE_URL", K_STR, OFF(database_url), "host=127.0.0.1 port=5432 dbname=leaving_care", 0,
     4096, AW},
    {"REPORT_DATABASE_URL", K_STR, OFF(report_database_url), "", 0, 4096, CL_CONFIG_WORKER},
    {"MIGRATION_DATABASE_URL", K_STR, OFF(migration_database_url), "", 0, 4096, CL_CONFIG_API},
    {"PORT", K_INT, OFF(port), "8080", 1, 65535, CL_CONFIG_API},
    {"LISTEN_ADDR", K_STR, OFF(listen_addr), "127.0.0.1", 0, 64, CL_CONFIG_API},
    {"API_THREADS", K_INT, OFF(api_threads), "1100", 4, 4096, CL_CONFIG_API},
    {"DB_POOL_SIZE", K_INT, OFF(db_pool_size), "8", 1, 512, AW},
    {"JWT_ALG", K_STR, OFF(jwt_alg), "HS256", 0, 8, ALL},
    {"JWT_SECRET", K_STR, OFF(jwt_secret), "", 0, 4096, ALL},
    {"JWT_PUBLIC_KEY_FILE", K_STR, OFF(jwt_public_key_file), "", 0, 4096, ALL},
    {"JWT_ISSUER", K_STR, OFF(jwt_issuer), "", 0, 512, ALL},
    {"JWT_AUDIENCE", K_STR, OFF(jwt_audience), "", 0, 512, ALL},
    {"JWT_MAX_LIFETIME_S", K_INT, OFF(jwt_max_lifetime_s), "43200", 60, 2592000,
     CL_CONFIG_API | CL_CONFIG_TOOL},
    {"CL_DEV_MODE", K_INT, OFF(dev_mode), "0", 0, 1, ALL},
    {"MAX_BODY_BYTES", K_INT, OFF(max_body_bytes), "1048576", 1024, 67108864, CL_CONFIG_API},
    {"LOG_LEVEL", K_STR, OFF(log_level), "info", 0, 8, ALL},
    {"LA_CODE", K_STR, OFF(la_code), NULL, 0, 3, AW},
    {"LA_TIMEZONE", K_STR, OFF(la_timezone), "Europe/London", 0, 255, AW},
    {"CORS_ALLOWED_ORIGINS", K_STR, OFF(cors_allowed_origins), "", 0, 4096, CL_CONFIG_API},
    {"REQUEST_TIMEOUT_MS", K_INT, OFF(request_timeout_ms), "10000", 100, 600000, CL_CONFIG_API},
    {"DB_TIMEOUT_MS", K_INT, OFF(db_timeout_ms), "1500", 100, 60000, AW},
    {"READYZ_INTERVAL_MS", K_INT, OFF(readyz_interval_ms), "2000", 100, 60000, CL_CONFIG_API},
    {"RATE_LIMIT_ADDR_PER_S", K_INT, OFF(rate_addr_per_s), "100", 0, 1000000, CL_CONFIG_API},
    {"RATE_LIMIT_ADDR_BURST", K_INT, OFF(rate_addr_burst), "200", 1, 1000000, CL_CONFIG_API},
    {"RATE_LIMIT_SUB_PER_S", K_INT, OFF(rate_sub_per_s), "20", 0, 1000000, CL_CONFIG_API},
    {"RATE_LIMIT_SUB_BURST", K_INT, OFF(rate_sub_burst), "100", 1, 1000000, CL_CONFIG_API},
    {"TRUSTED_PROXIES", K_STR, OFF(trusted_proxies), "", 0, 4096, CL_CONFIG_API},
    {"WORKER_POLL_MS", K_INT, OFF(worker_poll_ms), "1000", 50, 600000, CL_CONFIG_WORKER},
    {"JOB_LEASE_S", K_INT, OFF(job_lease_s), "60", 2, 86400, CL_CONFIG_WORKER},
    {"NIGHTLY_AT", K_STR, OFF(nightly_at), "02:00", 0, 5, CL_CONFIG_WORKER},
    {"WORKER_QUEUE", K_STR, OFF(worker_queue), "default", 0, 64, CL_CONFIG_WORKER},
    {"SSDA903_WINDOW_MONTHS_BEFORE", K_INT, OFF(ssda903_window_before), "3", 0, 12,
     CL_CONFIG_WORKER},
    {"SSDA903_WINDOW_MONTHS_AFTER", K_INT, OFF(ssda903_window_after), "1", 0, 12, CL_CONFIG_WORKER},
    {"VISIT_RECORDED_DAYS", K_INT, OFF(visit_recorded_days), "5", 0, 60, AW},
    {"IN_TOUCH_DAYS", K_INT, OFF(in_touch_days), "92", 1, 730, AW},
    {"BOARD_TITLE", K_STR, OFF(board_title), "Care leavers performance report", 0, 200,
     CL_CONFIG_WORKER},
    {"BOARD_LEAD_MEMBER", K_STR, OFF(board_lead_member), "Lead Member for Children's Services", 0,
     200, CL_CONFIG_WORKER},
    {"BOARD_DIRECTOR", K_STR, OFF(board_director), "Director of Children's Services", 0, 200,
     CL_CONFIG_WORKER},
    {"LA_NAME", K_STR, OFF(la_name), "Demo County Council", 0, 200, CL_CONFIG_WORKER},
    {"BOARD_SUPPRESS_BELOW", K_INT, OFF(board_suppress_below), "6", 1, 100, AW},
    {"ARTIFACT_RETENTION_DAYS", K_INT, OFF(artifact_retention_days), "90", 1, 3660,
     CL_CONFIG_WORKER},
    {"SUBJECT_ACCESS_RETENTION_DAYS", K_INT, OFF(subject_access_retention_days), "30", 1, 3660,
     CL_CONFIG_WORKER},
    {"WEBHOOK_ALLOW_HTTP", K_INT, OFF(webhook_allow_http), "0", 0, 1, AW},
    {"WEBHOOK_ALLOW_PRIVATE", K_INT, OFF(webhook_allow_private), "0", 0, 1, AW},
    {"WEBHOOK_TIMEOUT_MS", K_INT, OFF(webhook_timeout_ms), "10000", 100, 60000, CL_CONFIG_WORKER},
    {"WEBHOOK_SWEEP_S", K_INT, OFF(webhook_sweep_s), "60", 1, 3600, CL_CONFIG_WORKER},
    {"WEBHOOK_RETRY_MAX_S", K_INT, OFF(webhook_retry_max_s), "3600", 1, 86400, CL_CONFIG_WORKER},
    {"WEBHOOK_FAIL_AFTER_S", K_INT, OFF(webhook_fail_after_s), "259200", 1, 2592000,
     CL_CONFIG_WORKER},
};

static int
parse_int(const char *s, long min, long max, int *out)
{
    char *end;
    long v;

    errno = 0;
    if (*s == '\0' || isspace((unsigned char)*s))
        return -1;
    v = strtol(s, &end, 10);
    if (errno || *end != '\0' || v < min || v > max)
        return -1;
    *out = (int)v;
    return 0;
}

static char *
read_file(const char *path, size_t max)
{
    FILE *f = fopen(path, "rb");
    char *buf;
    size_t n;

    if (f == NULL)
        return NULL;
    buf = cl_malloc(max + 1);
    n = fread(buf, 1, max + 1, f);
    fclose(f);
    if (n == 0 || n > max) {
        free(buf);
        return NULL;
    }
    buf[n] = '\0';
    return buf;
}

static int
valid_hhmm(const char *s)
{
    return strlen(s) == 5 && isdigit((unsigned char)s[0]) && isdigit((unsigned char)s[1]) &&
           s[2] == ':' && isdigit((unsigned char)s[3]) && isdigit((unsigned char)s[4]) &&
           (s[0] - '0') * 10 + (s[1] - '0') < 24 && (s[3] - '0') * 10 + (s[4] - '0') < 60;
}

const char *
cl_config_weak_secret(const char *s)
{
    size_t count[256] = {0}, n = strlen(s), run_same = 1, run_up = 1, run_down = 1;
    double bits = 0;

    for (size_t i = 0; i < n; i++) {
        unsigned char c = (unsigned char)s[i], prev = i ? (unsigned char)s[i - 1] : 0;

        count[c]++;
        run_same = i && c == prev ? run_same + 1 : 1;
        run_up = i && c == prev + 1 ? run_up + 1 : 1;
        run_down = i && c + 1 == prev ? run_down + 1 : 1;
        if (run_same >= 6 || run_up >= 6 || run_down >= 6)
            return "it has a run of 6 repeated or consecutive characters";
    }
    for (int c = 0; c < 256; c++)
        if (count[c])
            bits -= (double)count[c] * log2((double)count[c] / (double)n);
    if (bits < 128)
        return "it has less than 128 bits of entropy";
    return NULL;
}

/* Cross-field rules: the JWT key material must match the algorithm; outside development mode
 * tokens must name their issuer and audience and a shared secret must not be guessable. */
static int
check_rules(struct cl_config *c, int who, char *err, size_t errlen)
{
    if (cl_log_parse_level(c->log_level) < 0) {
        snprintf(err, errlen, "LOG_LEVEL must be one of debug, info, warn, error");
        return -1;
    }
    if ((who & AW) &&
        (strlen(c->la_code) != 3 || !isdigit((unsigned char)c->la_code[0]) ||
         !isdigit((unsigned char)c->la_code[1]) || !isdigit((unsigned char)c->la_code[2]))) {
        snprintf(err, errlen, "LA_CODE must be the three-digit DfE local authority code");
        return -1;
    }
    if ((who & AW) && !cl_la_time_zone_ok(c->la_timezone)) {
        snprintf(err, errlen,
                 "LA_TIMEZONE must name a zone of the tz database, e.g. Europe/London");
        return -1;
    }
    if ((who & AW) && !c->dev_mode && (c->webhook_allow_http || c->webhook_allow_private)) {
        snprintf(err, errlen,
                 "WEBHOOK_ALLOW_HTTP and WEBHOOK_ALLOW_PRIVATE need CL_DEV_MODE=1 (development "
                 "and tests only)");
        return -1;
    }
    if ((who & CL_CONFIG_WORKER) && !valid_hhmm(c->nightly_at) &&
        strcmp(c->nightly_at, "off") != 0) {
        snprintf(err, errlen, "NIGHTLY_AT must be HH:MM (24-hour, in LA_TIMEZONE) or off");
        return -1;
    }
    if (!(who & (CL_CONFIG_API | CL_CONFIG_TOOL)))
        return 0;
    if ((who & CL_CONFIG_API) && !c->dev_mode &&
        (c->jwt_issuer[0] == '\0' || c->jwt_audience[0] == '\0')) {
        snprintf(err, errlen,
                 "JWT_ISSUER and JWT_AUDIENCE must be set (CL_DEV_MODE=1 only for "
                 "development)");
        return -1;
    }
    if (strcmp(c->jwt_alg, "HS256") == 0) {
        const char *why;

        if (strlen(c->jwt_secret) < 32) {
            snprintf(err, errlen, "JWT_SECRET must be set and at least 32 bytes for HS256");
            return -1;
        }
        if (!c->dev_mode && (why = cl_config_weak_secret(c->jwt_secret)) != NULL) {
            snprintf(err, errlen,
                     "JWT_SECRET is refused: %s (use e.g. openssl rand -base64 48; CL_DEV_MODE=1 "
                     "only for development)",
                     why);
            return -1;
        }
        return 0;
    }
    if (strcmp(c->jwt_alg, "RS256") != 0 && strcmp(c->jwt_alg, "ES256") != 0) {
        snprintf(err, errlen, "JWT_ALG must be HS256, RS256 or ES256");
        return -1;
    }
    if ((who & CL_CONFIG_TOOL) && c->jwt_public_key_file[0] == '\0')
        return 0;
    c->jwt_public_key = read_file(c->jwt_public_key_file, 65536);
    if (c->jwt_public_key == NULL || strstr(c->jwt_public_key, "-----BEGIN") == NULL) {
        snprintf(err, errlen, "JWT_PUBLIC_KEY_FILE must name a readable PEM public key for %s",
                 c->jwt_alg);
        return -1;
    }
    return 0;
}

struct cl_config *
cl_config_load(int who, char *err, size_t errlen)
{
    struct cl_config *c = cl_calloc(1, sizeof *c);
    size_t i;

    for (i = 0; i < sizeof settings / sizeof settings[0]; i++) {
        const struct setting *s = &settings[i];
        const char *v = getenv(s->env);
        char *field = (char *)c + s->off;

        if (v == NULL || (*v == '\0' && s->kind == K_INT))
            v = s->def;
        if (v == NULL) {
            if (!(s->who & who)) {
                v = "";
            } else {
                snprintf(err, errlen, "%s must be set", s->env);
                goto fail;
            }
        }
        if (s->kind == K_INT) {
            if (parse_int(v, s->min, s->max, (int *)(void *)field) != 0) {
                snprintf(err, errlen, "%s must be an integer from %ld to %ld", s->env, s->min,
                         s->max);
                goto fail;
            }
        } else {
            if (s->max && strlen(v) > (size_t)s->max) {
                snprintf(err, errlen, "%s is longer than %ld characters", s->env, s->max);
                goto fail;
            }
            *(char **)(void *)field = cl_strdup(v);
        }
    }
    if (check_rules(c, who, err, errlen) != 0)
        goto fail;
    return c;
fail:
    cl_config_free(c);
    return NULL;
}

void
cl_config_free(struct cl_config *c)
{
    size_t i;

    if (c == NULL)
        return;
    for (i = 0; i < sizeof settings / sizeof settings[0]; i++)
        if (settings[i].kind == K_STR)
            free(*(char **)(void *)((char *)c + settings[i].off));
    free(c->jwt_public_key);
    free(c);
}
