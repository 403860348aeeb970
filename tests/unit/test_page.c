/* api/page: an opened cursor is exactly nkeys strings, each short enough for its slot; the
 * first page has no keys. (Sealing and the query string are covered by test_cursor and the
 * integration suite.) */
#include <criterion/criterion.h>
#include <string.h>

#include "cl_mem.h"
#include "page.h"

TestSuite(page, .init = cl_mem_init);

static int
decode(const char *json, int nkeys, struct cl_page *out)
{
    return cl_page_decode_keys(json, strlen(json), nkeys, out);
}

Test(page, decodes_exactly_nkeys_strings)
{
    struct cl_page p = {0};
    char long_key[200];

    cr_assert_eq(
        decode("[\"2025-01-02T03:04:05.000006\",\"d8000000-0000-4000-8000-000000000001\"]", 2, &p),
        0);
    p.has_cursor = 1;
    cr_expect_str_eq(cl_page_key(&p, 0), "2025-01-02T03:04:05.000006");
    cr_expect_str_eq(cl_page_key(&p, 1), "d8000000-0000-4000-8000-000000000001");
    cr_expect_neq(decode("[\"a\"]", 2, &p), 0, "too few");
    cr_expect_neq(decode("[\"a\",\"b\",\"c\"]", 2, &p), 0, "too many");
    cr_expect_neq(decode("[\"a\",2]", 2, &p), 0, "strings only");
    cr_expect_neq(decode("{\"a\":\"b\"}", 1, &p), 0, "an array");
    cr_expect_neq(decode("[\"a\"", 1, &p), 0, "JSON");
    cr_expect_neq(decode("[\"a\",\"b\",\"c\",\"d\",\"e\"]", 5, &p), 0, "at most CL_PAGE_MAX_KEYS");
    memset(long_key, 'k', sizeof long_key);
    long_key[0] = '[';
    long_key[1] = '"';
    long_key[sizeof long_key - 3] = '"';
    long_key[sizeof long_key - 2] = ']';
    long_key[sizeof long_key - 1] = '\0';
    cr_expect_neq(decode(long_key, 1, &p), 0, "a key longer than its slot");
}

Test(page, the_first_page_has_no_keys)
{
    struct cl_page p = {0};

    cr_expect_null(cl_page_key(&p, 0));
}
