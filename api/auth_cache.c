#include "auth_cache.h"

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_hash.h"
#include "cl_mem.h"

#define SLOTS 64 /* a power of two */

struct slot {
    pthread_mutex_t mu;
    uint64_t hash;
    size_t len; /* 0: empty */
    char *tok;
    double from, until;
    struct cl_claims claims;
};

struct cl_auth_cache {
    uint64_t key;
    struct slot slots[SLOTS];
};

/* Equal without an early exit, so the time taken says nothing about a remembered token. */
static int
same(const char *a, const char *b, size_t n)
{
    unsigned char d = 0;

    for (size_t i = 0; i < n; i++)
        d |= (unsigned char)(a[i] ^ b[i]);
    return d == 0;
}

struct cl_auth_cache *
cl_auth_cache_new(void)
{
    struct cl_auth_cache *c = cl_calloc(1, sizeof *c);

    c->key = cl_hash_key();
    for (int i = 0; i < SLOTS; i++)
        pthread_mutex_init(&c->slots[i].mu, NULL);
    return c;
}

void
cl_auth_cache_free(struct cl_auth_cache *c)
{
    if (c == NULL)
        return;
    for (int i = 0; i < SLOTS; i++) {
        free(c->slots[i].tok);
        pthread_mutex_destroy(&c->slots[i].mu);
    }
    free(c);
}

int
cl_auth_cache_get(struct cl_auth_cache *c, const char *tok, size_t len, double now,
                  struct cl_claims *out)
{
    uint64_t h;
    struct slot *s;
    int hit;

    if (c == NULL || len == 0)
        return 0;
    h = cl_hash64(c->key, tok, len);
    s = &c->slots[h & (SLOTS - 1)];
    pthread_mutex_lock(&s->mu);
    hit = s->len == len && s->hash == h && same(s->tok, tok, len) && now >= s->from &&
          now <= s->until;
    if (hit)
        *out = s->claims;
    pthread_mutex_unlock(&s->mu);
    return hit;
}

void
cl_auth_cache_put(struct cl_auth_cache *c, const char *tok, size_t len, double from, double until,
                  const struct cl_claims *claims)
{
    uint64_t h;
    struct slot *s;
    char *copy, *old;

    if (c == NULL || len == 0)
        return;
    h = cl_hash64(c->key, tok, len);
    s = &c->slots[h & (SLOTS - 1)];
    copy = cl_malloc(len);
    memcpy(copy, tok, len);
    pthread_mutex_lock(&s->mu);
    old = s->tok;
    s->tok = copy;
    s->len = len;
    s->hash = h;
    s->from = from;
    s->until = until;
    s->claims = *claims;
    pthread_mutex_unlock(&s->mu);
    free(old);
}
