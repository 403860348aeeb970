/* common/cl_mem: allocation that never returns NULL; an impossible size aborts. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"

TestSuite(mem, .init = cl_mem_init);

Test(mem, copies_and_zeroes)
{
    char *s = cl_strdup("leaving care"), *t = cl_strndup("leaving care", 7);
    int *z = cl_calloc(16, sizeof *z);
    char *r = cl_malloc(4);

    cr_expect_str_eq(s, "leaving care");
    cr_expect_str_eq(t, "leaving", "at most n bytes, terminated");
    for (int i = 0; i < 16; i++)
        cr_expect_eq(z[i], 0);
    memcpy(r, "abc", 4);
    r = cl_realloc(r, 1024);
    cr_expect_str_eq(r, "abc", "realloc keeps the bytes");
    cr_expect_null(cl_strdup(NULL), "NULL in, NULL out");
    free(s);
    free(t);
    free(z);
    free(r);
}

Test(mem, a_calloc_whose_size_overflows_aborts, .signal = SIGABRT)
{
    void *p = cl_calloc(SIZE_MAX / 2, 4);

    free(p); /* not reached */
}
