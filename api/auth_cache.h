/* Bearer tokens already verified (api/auth.c), so a client that sends the same token on every
 * request, as clients do for its lifetime, pays for the signature check and the claim decoding
 * once rather than per request (in make bench they were 15% of the api's CPU for a GET).
 *
 * A token is remembered only after it passed every check, with the claims those checks gave
 * and the time window in which they hold (exp, nbf and iat with the leeway). A lookup compares
 * the whole token in constant time and checks the window, so it answers exactly what verifying
 * again would. Slots are picked by a hash keyed per process; each slot has its own lock.
 * Whether the adviser or partner a token names is still active is never cached: every
 * transaction checks it as it sets the caller (cl_db_begin, cl_principal_check in
 * schema/functions/scope.sql). */
#ifndef CL_AUTH_CACHE_H
#define CL_AUTH_CACHE_H

#include <stddef.h>

#include "auth.h"

struct cl_auth_cache;

struct cl_auth_cache *cl_auth_cache_new(void);
void cl_auth_cache_free(struct cl_auth_cache *cache);

/* 1 with *out filled when tok (len bytes) was verified and now lies in its window; else 0. */
int cl_auth_cache_get(struct cl_auth_cache *cache, const char *tok, size_t len, double now,
                      struct cl_claims *out);

/* Remembers a verified token whose claims hold for from <= now <= until. */
void cl_auth_cache_put(struct cl_auth_cache *cache, const char *tok, size_t len, double from,
                       double until, const struct cl_claims *claims);

#endif
