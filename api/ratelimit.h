/* Rate limits per client address and per token subject: a token bucket each (refilled at
 * RATE_LIMIT_*_PER_S, holding at most RATE_LIMIT_*_BURST), kept in one table of fixed size
 * allocated at start. The table is 4-way set-associative, each set picked by a keyed hash and
 * guarded by one of a fixed number of locks, so a check is a hash, one lock and a few compares,
 * and a flood of distinct addresses costs no memory: it evicts the least recently seen bucket
 * of a set (which then starts full again).
 *
 * Behind a reverse proxy every request comes from the proxy's address: list the proxies in
 * TRUSTED_PROXIES and the client is the rightmost X-Forwarded-For address that is not one of
 * them. X-Forwarded-For from anyone else is ignored. */
#ifndef CL_RATELIMIT_H
#define CL_RATELIMIT_H

#include "cl_config.h"

struct cl_ratelimit;

enum cl_rl_kind { CL_RL_ADDR = 0, CL_RL_SUB = 1 };

#define CL_RL_ADDR_MAX 64 /* room for any textual address */

/* From RATE_LIMIT_* and TRUSTED_PROXIES; NULL (with a line in err) when TRUSTED_PROXIES is not
 * a comma-separated list of IP addresses and CIDR ranges. Free with cl_ratelimit_free. */
struct cl_ratelimit *cl_ratelimit_new(const struct cl_config *cfg, char *err, size_t errlen);
void cl_ratelimit_free(struct cl_ratelimit *rl);

/* Takes one request from key's bucket at time now (seconds, monotonic): 0 when allowed, else
 * the whole seconds to wait before the next request would be (the Retry-After). A kind whose
 * rate is 0 is never limited. */
int cl_ratelimit_take(struct cl_ratelimit *rl, enum cl_rl_kind kind, const char *key, double now);

/* The address to limit: remote itself, unless remote is a trusted proxy; then the rightmost
 * address in xff (the X-Forwarded-For values joined by commas, NULL if none) that is not a
 * trusted proxy; the leftmost if all are; the nearest trusted hop when an entry on the way is
 * not an address. */
void cl_ratelimit_client(const struct cl_ratelimit *rl, const char *remote, const char *xff,
                         char out[CL_RL_ADDR_MAX]);

#endif
