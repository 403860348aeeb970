#include "cl_hash.h"

#include <sys/random.h>
#include <time.h>

uint64_t
cl_hash_key(void)
{
    uint64_t key;

    if (getrandom(&key, sizeof key, 0) != (ssize_t)sizeof key) {
        struct timespec t;

        clock_gettime(CLOCK_REALTIME, &t);
        key = (uint64_t)t.tv_nsec * 6364136223846793005ULL ^ (uint64_t)t.tv_sec;
    }
    return key;
}

uint64_t
cl_hash64(uint64_t key, const void *p, size_t n)
{
    const unsigned char *s = p;
    uint64_t h = 14695981039346656037ULL ^ key;

    for (size_t i = 0; i < n; i++) {
        h ^= s[i];
        h *= 1099511628211ULL;
    }
    return h;
}
