/* common/cl_b64: base64url, unpadded. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cl_b64.h"
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
