#include <criterion/criterion.h>
#include <string.h>

#include "cl_json.h"
#include "cl_mem.h"

static cJSON *
parse(const char *s, const char **why)
{
    return cl_json_parse(s, strlen(s), why);
}

static void
refused(const char *s)
{
    const char *why = NULL;
    cJSON *j = parse(s, &why);

    cr_expect_null(j, "accepted: %s", s);
    cr_expect_not_null(why, "no reason for: %s", s);
    cJSON_Delete(j);
}

TestSuite(json, .init = cl_mem_init);

Test(json, accepts_plain_objects)
{
    const char *why = NULL;
    cJSON *j = parse("{\"a\": [1, 2.5, \"x\", true, null], \"b\": {\"c\": \"\\u00e9\"}}", &why);

    cr_assert_not_null(j);
    cr_expect_null(why);
    cJSON_Delete(j);
}

Test(json, refuses_duplicate_keys_at_any_depth)
{
    refused("{\"a\":1,\"a\":2}");
    refused("{\"x\":{\"role\":\"board\",\"role\":\"admin\"}}");
}

Test(json, refuses_nul_and_control_characters)
{
    refused("{\"a\":\"x\\u0000y\"}");
    refused("{\"a\":\"x\ty\"}");
    refused("{\"a\":\"\\ud800\"}");
}

Test(json, refuses_invalid_utf8)
{
    refused("{\"a\":\"\xff\"}");
    refused("{\"a\":\"\xc0\xaf\"}");     /* overlong '/' */
    refused("{\"a\":\"\xed\xa0\x80\"}"); /* a surrogate encoded */
    refused("{\"a\":\"\xe2\x82\"}");     /* truncated */
}

Test(json, refuses_trailing_garbage)
{
    refused("{\"a\":1} x");
    refused("{\"a\":1}{}");
}

Test(json, refuses_numbers_out_of_range)
{
    refused("{\"a\":1e400}");
    refused("{\"a\":9007199254740993}");
    refused("{\"a\":-1e300}");
}

Test(json, refuses_deep_nesting)
{
    char buf[200];

    memset(buf, '[', 40);
    memset(buf + 40, ']', 40);
    buf[80] = '\0';
    refused(buf);
}

Test(json, accepts_escaped_backslash_before_u0000_text)
{
    const char *why = NULL;
    cJSON *j = parse("{\"a\":\"\\\\u0000\"}", &why);

    cr_expect_not_null(j, "a literal backslash followed by u0000 is fine: %s", why);
    cJSON_Delete(j);
}

static cJSON *
at(const char *s, const char **why, char *member, size_t memberlen)
{
    return cl_json_parse_at(s, strlen(s), why, member, memberlen);
}

Test(json, names_the_member_at_fault)
{
    char member[64];
    const char *why;
    cJSON *j;

    j = at("{\"a\":1,\"b\":{\"c\":[1,2],\"c\":3}}", &why, member, sizeof member);
    cr_expect_null(j);
    cr_expect_str_eq(member, "b.c");
    j = at("{\"ok\":[1],\"n\":[1,1e300]}", &why, member, sizeof member);
    cr_expect_null(j);
    cr_expect_str_eq(why, "number out of range");
    cr_expect_str_eq(member, "n");
    j = at("{\"a\":", &why, member, sizeof member);
    cr_expect_null(j);
    cr_expect_str_eq(member, "", "a syntax error is no member's");
    j = at("{\"a\":{\"b\":1}}", &why, member, 2);
    cr_expect_not_null(j);
    cr_expect_str_eq(member, "", "a good body names nothing");
    cJSON_Delete(j);
}
