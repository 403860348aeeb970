/* Bearer token verification around libjwt 1.10, which by itself checks only the signature: the
 * algorithm is pinned to JWT_ALG before and after verifying, the token length is capped, the
 * header and claims are decoded by one strict parser (duplicate claims refused), and every
 * claim (exp, nbf, iat, iss, aud, sub, role, adviser_id, org_id, care_leaver_id) is checked
 * here. iat is
 * required and exp - iat may not exceed JWT_MAX_LIFETIME_S. */
#ifndef CL_AUTH_H
#define CL_AUTH_H

#include "cl_config.h"

#define CL_AUTH_MAX_TOKEN 8192
#define CL_AUTH_LEEWAY_S 60

struct cl_auth;

struct cl_claims {
    char sub[128];
    char role[16];
    char adviser_id[40];
    char org_id[40];
    char care_leaver_id[40]; /* young_person: the care leaver the token is for */
};

/* Builds the verifier from the configuration (which must outlive it). NULL when the key
 * material is unusable. Free with cl_auth_free. */
struct cl_auth *cl_auth_new(const struct cl_config *cfg);
void cl_auth_free(struct cl_auth *auth);

/* The WWW-Authenticate challenge for a refused Authorization header value (RFC 6750 §3.1):
 * "Bearer" alone when it carried no bearer token (none, or another scheme), with
 * error="invalid_token" when its bearer token was refused. */
const char *cl_auth_challenge(const char *authorization);

/* Verifies an Authorization header value. 0 on success with *out filled; -1 otherwise with a
 * short internal reason in *why (for logs only, never the token). */
int cl_auth_verify(const struct cl_auth *auth, const char *authorization, struct cl_claims *out,
                   const char **why);

/* Signs claims (a JSON object text) with the configured HS256 secret or with a PEM private key
 * for RS256/ES256. Returns a token the caller frees with free(), or NULL. */
char *cl_auth_sign(const char *alg, const unsigned char *key, int keylen, const char *claims);

#endif
