#include "cl_mem.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cjson/cJSON.h>

static void
oom(size_t n)
{
    fprintf(stderr, "{\"lvl\":\"fatal\",\"mod\":\"mem\",\"msg\":\"out of memory\",\"bytes\":%zu}\n",
            n);
    abort();
}

void *
cl_malloc(size_t n)
{
    void *p = malloc(n ? n : 1);

    if (p == NULL)
        oom(n);
    return p;
}

void *
cl_calloc(size_t n, size_t size)
{
    void *p;

    if (size != 0 && n > (size_t)-1 / size)
        oom((size_t)-1);
    p = calloc(n ? n : 1, size ? size : 1);
    if (p == NULL)
        oom(n * size);
    return p;
}

void *
cl_realloc(void *p, size_t n)
{
    void *q = realloc(p, n ? n : 1);

    if (q == NULL)
        oom(n);
    return q;
}

char *
cl_strdup(const char *s)
{
    return s ? cl_strndup(s, strlen(s)) : NULL;
}

char *
cl_strndup(const char *s, size_t n)
{
    char *d = cl_malloc(n + 1);

    memcpy(d, s, n);
    d[n] = '\0';
    return d;
}

void
cl_mem_init(void)
{
    cJSON_Hooks hooks = {.malloc_fn = cl_malloc, .free_fn = free};

    cJSON_InitHooks(&hooks);
}
