/* common/cl_buf: the growing buffer. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cl_buf.h"
#include "cl_mem.h"

TestSuite(buf, .init = cl_mem_init);

Test(buf, caps_and_escapes)
{
    struct cl_buf b;

    cl_buf_init(&b, 8);
    cr_expect_eq(cl_buf_adds(&b, "12345678"), 0);
    cr_expect_neq(cl_buf_adds(&b, "9"), 0, "the cap holds");
    cr_expect_str_eq(b.data, "12345678");
    cl_buf_free(&b);

    cl_buf_init(&b, 100);
    cr_expect_eq(cl_buf_add_json_str(&b, "a\"b\\c\n\x01"), 0);
    cr_expect_str_eq(b.data, "a\\\"b\\\\c\\n\\u0001");
    cl_buf_free(&b);
}
