/* A keyed 64-bit hash for picking slots in fixed-size tables (api/auth_cache.c,
 * api/ratelimit.c). The key is random per process, so where an entry lands cannot be
 * predicted from outside; the hash decides placement only, never trust. */
#ifndef CL_HASH_H
#define CL_HASH_H

#include <stddef.h>
#include <stdint.h>

/* A random key (getrandom, else the clock). */
uint64_t cl_hash_key(void);
/* FNV-1a over n bytes of p, starting from key. */
uint64_t cl_hash64(uint64_t key, const void *p, size_t n);

#endif
