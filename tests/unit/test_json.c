#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_json.h"
#include "cl_mem.h"
#include "request_stack.h"

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

/* n opening brackets (open, e.g. "[" or "{\"a\":") then n closing ones. */
static char *
nested(const char *open, char close, size_t n)
{
    size_t k = strlen(open);
    char *s = malloc(n * (k + 1) + 1);

    for (size_t i = 0; i < n; i++)
        memcpy(s + i * k, open, k);
    memset(s + n * k, close, n);
    s[n * (k + 1)] = '\0';
    return s;
}

struct parse_call {
    const char *text;
    size_t len;
    cJSON *json;
    const char *why;
    double seconds;
};

static void
parse_call(void *p)
{
    struct parse_call *c = p;
    struct timespec t0, t1;

    clock_gettime(CLOCK_MONOTONIC, &t0);
    c->json = cl_json_parse(c->text, c->len, &c->why);
    cJSON_Delete(c->json);
    clock_gettime(CLOCK_MONOTONIC, &t1);
    c->seconds = (double)(t1.tv_sec - t0.tv_sec) + (double)(t1.tv_nsec - t0.tv_nsec) / 1e9;
}

/* Parses text the way the api does, on a request thread's stack; returns whether it was
 * accepted, with the reason and the time taken. */
static int
parse_on_request_stack(const char *text, const char **why, double *seconds)
{
    struct parse_call c = {text, strlen(text), NULL, NULL, 0};

    run_on_request_stack(parse_call, &c);
    *why = c.why;
    if (seconds)
        *seconds = c.seconds;
    return c.json != NULL;
}

static void
expect_refused_for(const char *text, const char *reason)
{
    const char *why = NULL;
    double secs;

    cr_expect_not(parse_on_request_stack(text, &why, &secs), "accepted %.40s...", text);
    cr_expect(why && strstr(why, reason), "reason '%s', wanted '%s'", why, reason);
    cr_expect_lt(secs, 1.0, "took %.2f s", secs);
}

Test(json, nesting_to_the_limit_is_accepted_and_one_more_is_not)
{
    char *arr = nested("[", ']', CL_JSON_MAX_DEPTH), *obj;
    const char *why = NULL;

    cr_expect(parse_on_request_stack(arr, &why, NULL), "depth 32 refused: %s", why);
    free(arr);
    /* a document of 31 objects around an empty array: 32 containers */
    obj = nested("{\"a\":", '}', CL_JSON_MAX_DEPTH - 1);
    {
        size_t n = strlen(obj), open = (CL_JSON_MAX_DEPTH - 1) * 5;
        char *s = malloc(n + 3);

        memcpy(s, obj, open);
        memcpy(s + open, "[]", 2);
        memcpy(s + open + 2, obj + open, n - open + 1);
        cr_expect(parse_on_request_stack(s, &why, NULL), "depth 32 refused: %s", why);
        free(s);
    }
    free(obj);
    arr = nested("[", ']', CL_JSON_MAX_DEPTH + 1);
    expect_refused_for(arr, "nested deeper than 32");
    free(arr);
    obj = nested("{\"a\":", '}', CL_JSON_MAX_DEPTH + 1);
    expect_refused_for(obj, "nested deeper than 32");
    free(obj);
}

/* 900 levels overflowed a request thread in cJSON's own recursion before anything checked
 * depth; 20 000 and 1 MiB are past cJSON's own limit of 1000. */
Test(json, deep_nesting_is_refused_without_recursing)
{
    const size_t depths[] = {900, 1000, 20000, 1u << 20};

    for (size_t i = 0; i < sizeof depths / sizeof depths[0]; i++) {
        char *s = nested("[", ']', depths[i]), *in_field;

        expect_refused_for(s, "nested deeper");
        /* the same inside an otherwise valid body */
        in_field = malloc(strlen(s) + 40);
        sprintf(in_field, "{\"given_name\":%s}", s);
        expect_refused_for(in_field, "nested deeper");
        free(in_field);
        /* only the opening brackets, as a client that never closes them would send */
        s[depths[i]] = '\0';
        expect_refused_for(s, "nested deeper");
        free(s);
    }
}

Test(json, brackets_inside_strings_are_not_nesting)
{
    const char *why = NULL;
    char *text = malloc(5000);

    memset(text, '[', 5000);
    memcpy(text, "[\"", 2);
    memcpy(text + 4990, "\\\"[{\"]", 7);
    cr_expect(parse_on_request_stack(text, &why, NULL), "refused: %s", why);
    free(text);
}

/* A body of n objects, each with keys distinct keys, except that with dup the last key of
 * the last object repeats its first. */
static char *
objects(size_t n, size_t keys, int dup)
{
    char *s = malloc(n * keys * 16 + n * 4 + 4), *p = s;

    *p++ = '[';
    for (size_t i = 0; i < n; i++) {
        *p++ = i ? ',' : ' ';
        *p++ = '{';
        for (size_t k = 0; k < keys; k++)
            p += sprintf(p, "%s\"k%zu\":%zu", k ? "," : "",
                         dup && i == n - 1 && k == keys - 1 ? 0 : (k * 7919) % keys, k);
        *p++ = '}';
    }
    *p++ = ']';
    *p = '\0';
    return s;
}

Test(json, members_per_object_are_limited)
{
    char *s = objects(1, CL_JSON_MAX_KEYS, 0);
    const char *why = NULL;

    cr_expect(parse_on_request_stack(s, &why, NULL), "1000 members refused: %s", why);
    free(s);
    s = objects(1, CL_JSON_MAX_KEYS + 1, 0);
    expect_refused_for(s, "more than 1000 members");
    free(s);
}

/* 1 MiB of 100 000 distinct keys in one object: comparing every pair is 5e9 strcmp. */
Test(json, many_keys_are_refused_quickly)
{
    size_t n = 100000;
    char *s = malloc(n * 11 + 4), *p = s;

    *p++ = '{';
    for (size_t k = 0; k < n; k++)
        p += sprintf(p, "%s\"%06zu\":0", k ? "," : "", k);
    *p++ = '}';
    *p = '\0';
    cr_expect_geq(strlen(s), 1000000u);
    expect_refused_for(s, "more than 1000 members");
    free(s);
}

/* Duplicates are found by sorting each object's keys: 99 objects of 1000 keys each, with no
 * duplicate, then with one at opposite ends of the last object. */
Test(json, duplicate_keys_are_found_among_many)
{
    char *s = objects(99, CL_JSON_MAX_KEYS, 0);
    const char *why = NULL;

    cr_expect(parse_on_request_stack(s, &why, NULL), "refused: %s", why);
    free(s);
    s = objects(99, CL_JSON_MAX_KEYS, 1);
    expect_refused_for(s, "duplicate key");
    free(s);
}

Test(json, values_are_limited)
{
    size_t n = CL_JSON_MAX_NODES;
    char *s = malloc(n * 2 + 2);
    const char *why = NULL;

    s[0] = '[';
    for (size_t i = 0; i < n; i++) {
        s[2 * i + 1] = '0';
        s[2 * i + 2] = ',';
    }
    s[2 * n] = ']';
    s[2 * n + 1] = '\0';
    expect_refused_for(s, "more than 100000 values");
    s[2 * (n - 1000)] = ']';
    s[2 * (n - 1000) + 1] = '\0';
    cr_expect(parse_on_request_stack(s, &why, NULL), "refused: %s", why);
    free(s);
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
