/* Allocation that never returns NULL: on failure it logs and aborts, so callers need not
 * check. cl_mem_init() installs the same allocator into cJSON, so a NULL from cJSON always
 * means bad input, never a lack of memory. */
#ifndef CL_MEM_H
#define CL_MEM_H

#include <stddef.h>

void cl_mem_init(void);
void *cl_malloc(size_t n);
void *cl_calloc(size_t n, size_t size); /* checks n * size for overflow */
void *cl_realloc(void *p, size_t n);
char *cl_strdup(const char *s); /* NULL in, NULL out */
char *cl_strndup(const char *s, size_t n);

#endif
