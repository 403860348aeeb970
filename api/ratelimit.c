#include "ratelimit.h"

#include <arpa/inet.h>
#include <math.h>
#include <pthread.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_hash.h"
#include "cl_mem.h"

#define SETS 4096 /* a power of two; SETS * WAYS buckets in all (about 400 KiB) */
#define WAYS 4
#define LOCKS 256 /* set i is guarded by lock i % LOCKS */
#define MAX_PROXIES 64

struct bucket {
    uint64_t id; /* keyed hash of kind and key; 0: empty */
    double tokens;
    double last; /* when tokens was last brought up to date */
};

struct net {
    int family; /* AF_INET or AF_INET6 */
    unsigned char addr[16];
    int bits; /* prefix length */
};

struct cl_ratelimit {
    uint64_t key;
    double rate[2], burst[2];
    struct net proxies[MAX_PROXIES];
    int nproxies;
    pthread_mutex_t locks[LOCKS];
    struct bucket sets[SETS][WAYS];
};

/* Parses an address; 0 on success. */
static int
parse_addr(const char *s, struct net *out)
{
    memset(out, 0, sizeof *out);
    if (inet_pton(AF_INET, s, out->addr) == 1) {
        out->family = AF_INET;
        out->bits = 32;
        return 0;
    }
    if (inet_pton(AF_INET6, s, out->addr) == 1) {
        out->family = AF_INET6;
        out->bits = 128;
        return 0;
    }
    return -1;
}

/* Parses "address" or "address/bits" (n bytes of s); 0 on success. */
static int
parse_net(const char *s, size_t n, struct net *out)
{
    char buf[CL_RL_ADDR_MAX], *slash, *end;
    long bits;

    if (n == 0 || n >= sizeof buf)
        return -1;
    memcpy(buf, s, n);
    buf[n] = '\0';
    slash = strchr(buf, '/');
    if (slash)
        *slash = '\0';
    if (parse_addr(buf, out) != 0)
        return -1;
    if (slash) {
        bits = strtol(slash + 1, &end, 10);
        if (slash[1] == '\0' || *end != '\0' || bits < 0 || bits > out->bits)
            return -1;
        out->bits = (int)bits;
    }
    return 0;
}

static int
in_net(const struct net *net, const struct net *a)
{
    int full = net->bits / 8, rest = net->bits % 8;

    if (net->family != a->family || memcmp(net->addr, a->addr, (size_t)full) != 0)
        return 0;
    return rest == 0 || ((net->addr[full] ^ a->addr[full]) & (0xff << (8 - rest))) == 0;
}

static int
trusted(const struct cl_ratelimit *rl, const struct net *a)
{
    for (int i = 0; i < rl->nproxies; i++)
        if (in_net(&rl->proxies[i], a))
            return 1;
    return 0;
}

struct cl_ratelimit *
cl_ratelimit_new(const struct cl_config *cfg, char *err, size_t errlen)
{
    struct cl_ratelimit *rl = cl_calloc(1, sizeof *rl);
    const char *p = cfg->trusted_proxies;

    while (*p) {
        size_t n;

        while (*p == ' ' || *p == ',')
            p++;
        n = strcspn(p, ", ");
        if (n == 0)
            break;
        if (rl->nproxies == MAX_PROXIES || parse_net(p, n, &rl->proxies[rl->nproxies]) != 0) {
            snprintf(err, errlen,
                     "TRUSTED_PROXIES must be up to %d comma-separated IP addresses or CIDR "
                     "ranges",
                     MAX_PROXIES);
            free(rl);
            return NULL;
        }
        rl->nproxies++;
        p += n;
    }
    rl->key = cl_hash_key();
    rl->rate[CL_RL_ADDR] = cfg->rate_addr_per_s;
    rl->burst[CL_RL_ADDR] = cfg->rate_addr_burst;
    rl->rate[CL_RL_SUB] = cfg->rate_sub_per_s;
    rl->burst[CL_RL_SUB] = cfg->rate_sub_burst;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_init(&rl->locks[i], NULL);
    return rl;
}

void
cl_ratelimit_free(struct cl_ratelimit *rl)
{
    if (rl == NULL)
        return;
    for (int i = 0; i < LOCKS; i++)
        pthread_mutex_destroy(&rl->locks[i]);
    free(rl);
}

int
cl_ratelimit_take(struct cl_ratelimit *rl, enum cl_rl_kind kind, const char *key, double now)
{
    double rate = rl->rate[kind], burst = rl->burst[kind];
    uint64_t id = cl_hash64(rl->key ^ (uint64_t)kind, key, strlen(key)) | 1; /* never 0 */
    size_t set = (size_t)(id >> 20) & (SETS - 1);
    struct bucket *b = NULL, *ways = rl->sets[set];
    int wait = 0;

    if (rate <= 0)
        return 0;
    pthread_mutex_lock(&rl->locks[set % LOCKS]);
    for (int w = 0; w < WAYS && b == NULL; w++)
        if (ways[w].id == id)
            b = &ways[w];
    if (b == NULL) { /* a new key takes the least recently seen (or an empty) bucket */
        b = &ways[0];
        for (int w = 1; w < WAYS; w++)
            if (ways[w].last < b->last)
                b = &ways[w];
        b->id = id;
        b->tokens = burst;
        b->last = now;
    }
    if (now > b->last) {
        b->tokens = fmin(burst, b->tokens + (now - b->last) * rate);
        b->last = now;
    }
    if (b->tokens >= 1)
        b->tokens -= 1;
    else
        wait = (int)ceil((1 - b->tokens) / rate);
    pthread_mutex_unlock(&rl->locks[set % LOCKS]);
    return wait;
}

void
cl_ratelimit_client(const struct cl_ratelimit *rl, const char *remote, const char *xff,
                    char out[CL_RL_ADDR_MAX])
{
    struct net a;
    const char *end;

    snprintf(out, CL_RL_ADDR_MAX, "%s", remote ? remote : "");
    if (xff == NULL || rl->nproxies == 0 || parse_addr(out, &a) != 0 || !trusted(rl, &a))
        return;
    end = xff + strlen(xff);
    while (end > xff) { /* right to left */
        const char *start = end, *s, *e;
        char entry[CL_RL_ADDR_MAX];

        while (start > xff && start[-1] != ',')
            start--;
        for (s = start; s < end && *s == ' '; s++)
            ;
        for (e = end; e > s && e[-1] == ' '; e--)
            ;
        if (e - s <= 0 || e - s >= CL_RL_ADDR_MAX)
            return;
        memcpy(entry, s, (size_t)(e - s));
        entry[e - s] = '\0';
        if (parse_addr(entry, &a) != 0)
            return; /* not an address: trust nothing further left, keep the last hop */
        snprintf(out, CL_RL_ADDR_MAX, "%s", entry);
        if (!trusted(rl, &a))
            return;
        end = start > xff ? start - 1 : xff;
    }
}
