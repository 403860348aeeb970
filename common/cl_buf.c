#include "cl_buf.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"

void
cl_buf_init(struct cl_buf *b, size_t max)
{
    b->data = NULL;
    b->len = 0;
    b->cap = 0;
    b->max = max;
}

void
cl_buf_free(struct cl_buf *b)
{
    free(b->data);
    b->data = NULL;
    b->len = b->cap = 0;
}

void
cl_buf_reset(struct cl_buf *b)
{
    b->len = 0;
    if (b->data)
        b->data[0] = '\0';
}

static int
reserve(struct cl_buf *b, size_t extra)
{
    size_t need, cap;

    if (extra > b->max - b->len)
        return CL_EINVAL;
    need = b->len + extra + 1;
    if (need <= b->cap)
        return CL_OK;
    cap = b->cap ? b->cap : 256;
    while (cap < need)
        cap *= 2;
    b->data = cl_realloc(b->data, cap);
    b->cap = cap;
    return CL_OK;
}

int
cl_buf_add(struct cl_buf *b, const void *p, size_t n)
{
    if (reserve(b, n) != CL_OK)
        return CL_EINVAL;
    if (n)
        memcpy(b->data + b->len, p, n);
    b->len += n;
    b->data[b->len] = '\0';
    return CL_OK;
}

int
cl_buf_adds(struct cl_buf *b, const char *s)
{
    return cl_buf_add(b, s, strlen(s));
}

int
cl_buf_printf(struct cl_buf *b, const char *fmt, ...)
{
    va_list ap;
    int n;

    va_start(ap, fmt);
    n = vsnprintf(NULL, 0, fmt, ap);
    va_end(ap);
    if (n < 0 || reserve(b, (size_t)n) != CL_OK)
        return CL_EINVAL;
    va_start(ap, fmt);
    vsnprintf(b->data + b->len, (size_t)n + 1, fmt, ap);
    va_end(ap);
    b->len += (size_t)n;
    return CL_OK;
}

int
cl_buf_add_json_str(struct cl_buf *b, const char *s)
{
    static const char hex[] = "0123456789abcdef";
    const unsigned char *p = (const unsigned char *)s;
    size_t run = 0;
    int err = CL_OK;

    for (; *p && err == CL_OK; p++) {
        char esc[7] = {0};

        if (*p >= 0x20 && *p != '"' && *p != '\\') {
            run++;
            continue;
        }
        err = cl_buf_add(b, (const char *)p - run, run);
        run = 0;
        if (*p == '"' || *p == '\\') {
            esc[0] = '\\';
            esc[1] = (char)*p;
        } else if (*p == '\n') {
            memcpy(esc, "\\n", 2);
        } else if (*p == '\t') {
            memcpy(esc, "\\t", 2);
        } else if (*p == '\r') {
            memcpy(esc, "\\r", 2);
        } else {
            memcpy(esc, "\\u00", 4);
            esc[4] = hex[*p >> 4];
            esc[5] = hex[*p & 15];
        }
        if (err == CL_OK)
            err = cl_buf_adds(b, esc);
    }
    if (err == CL_OK)
        err = cl_buf_add(b, (const char *)p - run, run);
    return err;
}

char *
cl_buf_take(struct cl_buf *b, size_t *len)
{
    char *p;

    if (b->data == NULL && reserve(b, 0) != CL_OK)
        abort();
    p = b->data;
    if (len)
        *len = b->len;
    b->data = NULL;
    b->len = b->cap = 0;
    return p;
}
