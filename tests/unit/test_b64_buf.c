#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cl_b64.h"
#include "cl_buf.h"
#include "cl_mem.h"

TestSuite(b64, .init = cl_mem_init);

Test(b64, round_trips)
{
    const char *inputs[] = {"", "a", "ab", "abc", "abcd", "\xff\xfe\x00z"};

    for (size_t i = 0; i < sizeof inputs / sizeof inputs[0]; i++) {
        size_t n = i == 5 ? 4 : strlen(inputs[i]), m;
        char *enc = cl_b64url_encode(inputs[i], n);
        char *dec = cl_b64url_decode(enc, strlen(enc), &m);

        cr_assert_not_null(dec);
        cr_expect_eq(m, n);
        cr_expect_eq(memcmp(dec, inputs[i], n), 0);
        cr_expect_null(strpbrk(enc, "+/="), "base64url, unpadded");
        free(enc);
        free(dec);
    }
}

Test(b64, refuses_foreign_characters)
{
    size_t m;

    cr_expect_null(cl_b64url_decode("ab+c", 4, &m));
    cr_expect_null(cl_b64url_decode("abc=", 4, &m));
    cr_expect_null(cl_b64url_decode("a", 1, &m));
}

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
