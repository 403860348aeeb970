/* A growable byte buffer with a size cap (like curl's dynbuf). The buffer is always
 * NUL-terminated. An append past the cap fails with CL_EINVAL and leaves the content as it
 * was. The caller owns the struct; cl_buf_free releases the bytes, cl_buf_take hands them over. */
#ifndef CL_BUF_H
#define CL_BUF_H

#include <stddef.h>

#include "cl_err.h"

struct cl_buf {
    char *data;
    size_t len;
    size_t cap; /* allocated bytes */
    size_t max; /* largest len allowed */
};

void cl_buf_init(struct cl_buf *b, size_t max);
void cl_buf_free(struct cl_buf *b);
void cl_buf_reset(struct cl_buf *b);
int cl_buf_add(struct cl_buf *b, const void *p, size_t n) CL_WARN_UNUSED;
int cl_buf_adds(struct cl_buf *b, const char *s) CL_WARN_UNUSED;
int cl_buf_printf(struct cl_buf *b, const char *fmt, ...) CL_WARN_UNUSED
    __attribute__((format(printf, 2, 3)));
/* Appends s with JSON string escaping (no surrounding quotes). */
int cl_buf_add_json_str(struct cl_buf *b, const char *s) CL_WARN_UNUSED;
/* Returns the bytes (caller frees with free()) and empties the buffer. Never NULL. */
char *cl_buf_take(struct cl_buf *b, size_t *len);

#endif
