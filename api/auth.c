#include "auth.h"

#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>

#include <jwt.h>

#include "auth_cache.h"
#include "cl_b64.h"
#include "cl_json.h"
#include "cl_mem.h"
#include "cl_role.h"
#include "cl_validate.h"

struct cl_auth {
    jwt_alg_t alg;
    const char *alg_name;
    const unsigned char *key;
    int keylen;
    const char *issuer;
    const char *audience;
    double max_lifetime;         /* longest exp - iat accepted (JWT_MAX_LIFETIME_S) */
    struct cl_auth_cache *cache; /* tokens that passed every check (auth_cache.h) */
};

struct cl_auth *
cl_auth_new(const struct cl_config *cfg)
{
    struct cl_auth *a = cl_calloc(1, sizeof *a);

    a->alg_name = cfg->jwt_alg;
    a->alg = jwt_str_alg(cfg->jwt_alg);
    if (a->alg == JWT_ALG_HS256) {
        a->key = (const unsigned char *)cfg->jwt_secret;
    } else if (a->alg == JWT_ALG_RS256 || a->alg == JWT_ALG_ES256) {
        a->key = (const unsigned char *)cfg->jwt_public_key;
    } else {
        free(a);
        return NULL;
    }
    /* libjwt skips verification when the key is empty: never allow that. */
    if (a->key == NULL || strlen((const char *)a->key) < 32) {
        free(a);
        return NULL;
    }
    if (cfg->jwt_max_lifetime_s <= 0) {
        free(a);
        return NULL;
    }
    a->keylen = (int)strlen((const char *)a->key);
    a->max_lifetime = cfg->jwt_max_lifetime_s;
    a->issuer = cfg->jwt_issuer;
    a->audience = cfg->jwt_audience;
    a->cache = cl_auth_cache_new();
    return a;
}

void
cl_auth_free(struct cl_auth *a)
{
    if (a)
        cl_auth_cache_free(a->cache);
    free(a);
}

static cJSON *
decode_segment(const char *s, size_t n)
{
    size_t len;
    char *raw = cl_b64url_decode(s, n, &len);
    const char *why;
    cJSON *j;

    if (raw == NULL)
        return NULL;
    j = cl_json_parse(raw, len, &why);
    free(raw);
    if (j && !cJSON_IsObject(j)) {
        cJSON_Delete(j);
        return NULL;
    }
    return j;
}

/* An integer NumericDate claim: 1 present and valid, 0 absent, -1 present but malformed. */
static int
numeric_date(const cJSON *claims, const char *name, double *out)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(claims, name);

    if (v == NULL)
        return 0;
    if (!cJSON_IsNumber(v) || v->valuedouble != (double)(long long)v->valuedouble ||
        v->valuedouble < 0)
        return -1;
    *out = v->valuedouble;
    return 1;
}

static int
copy_str(const cJSON *claims, const char *name, char *out, size_t outlen)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(claims, name);

    if (!cJSON_IsString(v) || v->valuestring[0] == '\0' || strlen(v->valuestring) >= outlen)
        return -1;
    memcpy(out, v->valuestring, strlen(v->valuestring) + 1);
    return 0;
}

static const char *
check_audience(const cJSON *claims, const char *want)
{
    const cJSON *aud = cJSON_GetObjectItemCaseSensitive(claims, "aud"), *e;

    if (cJSON_IsString(aud))
        return strcmp(aud->valuestring, want) == 0 ? NULL : "wrong audience";
    if (cJSON_IsArray(aud)) {
        cJSON_ArrayForEach(e, aud)
        {
            if (cJSON_IsString(e) && strcmp(e->valuestring, want) == 0)
                return NULL;
        }
    }
    return "wrong or missing audience";
}

/* Checks the claims at time now; when they pass, [*from, *until] is the time window in which
 * the same checks pass (the claims themselves never change). */
static const char *
check_claims(const struct cl_auth *a, const cJSON *c, double now, struct cl_claims *out,
             double *from, double *until)
{
    double exp, nbf, iat;
    int st;

    st = numeric_date(c, "exp", &exp);
    if (st <= 0)
        return "exp missing or not an integer";
    if (now > exp + CL_AUTH_LEEWAY_S)
        return "expired";
    *until = exp + CL_AUTH_LEEWAY_S;
    *from = 0;
    st = numeric_date(c, "nbf", &nbf);
    if (st < 0)
        return "nbf not an integer";
    if (st > 0 && now + CL_AUTH_LEEWAY_S < nbf)
        return "not yet valid";
    if (st > 0)
        *from = nbf - CL_AUTH_LEEWAY_S;
    /* iat is required (as RFC 9068 requires it of access tokens): without it a token's
     * lifetime cannot be bounded. */
    st = numeric_date(c, "iat", &iat);
    if (st <= 0 || iat > now + CL_AUTH_LEEWAY_S)
        return "iat missing, invalid or in the future";
    if (exp - iat > a->max_lifetime)
        return "lifetime (exp - iat) longer than JWT_MAX_LIFETIME_S";
    if (iat - CL_AUTH_LEEWAY_S > *from)
        *from = iat - CL_AUTH_LEEWAY_S;
    if (a->issuer[0]) {
        const cJSON *iss = cJSON_GetObjectItemCaseSensitive(c, "iss");

        if (!cJSON_IsString(iss) || strcmp(iss->valuestring, a->issuer) != 0)
            return "wrong issuer";
    }
    if (a->audience[0]) {
        const char *why = check_audience(c, a->audience);

        if (why)
            return why;
    }
    if (copy_str(c, "sub", out->sub, sizeof out->sub) != 0)
        return "sub missing";
    if (copy_str(c, "role", out->role, sizeof out->role) != 0 || cl_role_from_name(out->role) == 0)
        return "unknown role";
    out->adviser_id[0] = out->org_id[0] = out->care_leaver_id[0] = '\0';
    if (cl_role_from_name(out->role) == CL_ROLE_ADVISER &&
        (copy_str(c, "adviser_id", out->adviser_id, sizeof out->adviser_id) != 0 ||
         !cl_uuid_valid(out->adviser_id)))
        return "adviser without adviser_id";
    if (cl_role_from_name(out->role) == CL_ROLE_PARTNER &&
        (copy_str(c, "org_id", out->org_id, sizeof out->org_id) != 0 ||
         !cl_uuid_valid(out->org_id)))
        return "partner without org_id";
    if (cl_role_from_name(out->role) == CL_ROLE_YOUNG_PERSON &&
        (copy_str(c, "care_leaver_id", out->care_leaver_id, sizeof out->care_leaver_id) != 0 ||
         !cl_uuid_valid(out->care_leaver_id)))
        return "young person without care_leaver_id";
    return NULL;
}

/* The token in an Authorization header value, or a reason it has none. */
static const char *
bearer(const char *h, const char **tok, size_t *len)
{
    if (h == NULL)
        return "no Authorization header";
    if (strncasecmp(h, "Bearer ", 7) != 0)
        return "not a Bearer token";
    *tok = h + 7;
    while (**tok == ' ')
        (*tok)++;
    *len = strlen(*tok);
    if (*len == 0 || *len > CL_AUTH_MAX_TOKEN)
        return "token empty or too long";
    return NULL;
}

const char *
cl_auth_challenge(const char *h)
{
    return h && strncasecmp(h, "Bearer ", 7) == 0 ? "Bearer error=\"invalid_token\"" : "Bearer";
}

static const char *
verify(const struct cl_auth *a, const char *tok, double now, struct cl_claims *out, double *from,
       double *until)
{
    const char *dot1, *dot2;
    cJSON *header = NULL, *claims = NULL;
    const cJSON *alg, *typ;
    jwt_t *jwt = NULL;
    const char *why = NULL;

    dot1 = strchr(tok, '.');
    dot2 = dot1 ? strchr(dot1 + 1, '.') : NULL;
    if (dot2 == NULL || strchr(dot2 + 1, '.') || dot2[1] == '\0')
        return "malformed token";
    header = decode_segment(tok, (size_t)(dot1 - tok));
    claims = decode_segment(dot1 + 1, (size_t)(dot2 - dot1 - 1));
    if (header == NULL || claims == NULL) {
        why = "malformed token segments or duplicate claims";
        goto done;
    }
    alg = cJSON_GetObjectItemCaseSensitive(header, "alg");
    typ = cJSON_GetObjectItemCaseSensitive(header, "typ");
    if (!cJSON_IsString(alg) || strcmp(alg->valuestring, a->alg_name) != 0) {
        why = "algorithm not the configured one";
        goto done;
    }
    if (typ && (!cJSON_IsString(typ) || strcmp(typ->valuestring, "JWT") != 0)) {
        why = "typ not JWT";
        goto done;
    }
    if (jwt_decode(&jwt, tok, a->key, a->keylen) != 0 || jwt == NULL) {
        why = "bad signature";
        goto done;
    }
    if (jwt_get_alg(jwt) != a->alg) {
        why = "algorithm not the configured one";
        goto done;
    }
    why = check_claims(a, claims, now, out, from, until);
done:
    if (jwt)
        jwt_free(jwt);
    cJSON_Delete(header);
    cJSON_Delete(claims);
    return why;
}

int
cl_auth_verify(const struct cl_auth *a, const char *h, struct cl_claims *out, const char **why)
{
    double now = (double)time(NULL), from = 0, until = 0;
    const char *tok = NULL;
    size_t len = 0;

    *why = bearer(h, &tok, &len);
    if (*why)
        return -1;
    if (cl_auth_cache_get(a->cache, tok, len, now, out))
        return 0;
    *why = verify(a, tok, now, out, &from, &until);
    if (*why)
        return -1;
    cl_auth_cache_put(a->cache, tok, len, from, until, out);
    return 0;
}

char *
cl_auth_sign(const char *alg, const unsigned char *key, int keylen, const char *claims)
{
    jwt_t *jwt = NULL;
    char *tok = NULL, *copy = NULL;

    if (jwt_new(&jwt) != 0)
        return NULL;
    if (jwt_add_grants_json(jwt, claims) == 0 &&
        jwt_set_alg(jwt, jwt_str_alg(alg), key, keylen) == 0)
        tok = jwt_encode_str(jwt);
    jwt_free(jwt);
    if (tok) {
        copy = cl_strdup(tok);
        free(tok);
    }
    return copy;
}
