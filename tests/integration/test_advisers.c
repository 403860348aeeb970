#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"

TestSuite(advisers, .init = cl_mem_init);

static char *
create(const char *token, const char *email, int *status)
{
    char body[256];
    struct tc_resp *r;
    char *id = NULL;

    snprintf(body, sizeof body, "{\"name\":\"Sam Patel\",\"email\":\"%s\",\"team\":\"North\"}",
             email);
    r = tc_post("/v1/advisers", token, body);
    *status = r->status;
    if (r->status == 201) {
        id = strdup(tc_str(r, "id"));
        cr_expect_not_null(tc_header(r, "Location"));
        cr_expect_str_eq(tc_header(r, "ETag"), "\"1\"");
    }
    tc_free(r);
    return id;
}

Test(advisers, create_read_patch_with_if_match)
{
    char *admin = tc_token("admin", NULL, NULL), path[128];
    int st;
    char *id = create(admin, "sam.crud@council.example", &st);
    struct tc_resp *r;

    cr_assert_eq(st, 201);
    snprintf(path, sizeof path, "/v1/advisers/%s", id);
    r = tc_get(path, admin);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "caseload_limit")->valueint, 24, "default limit");
    tc_free(r);
    r = tc_req("PATCH", path, admin, "{\"caseload_limit\":20}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"2\"");
    tc_free(r);
    r = tc_req("PATCH", path, admin, "{\"caseload_limit\":18}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412, "a stale If-Match: %s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT caseload_limit FROM advisers WHERE email = "
                             "'sam.crud@council.example'"),
                 20, "nothing written by the stale request");
    free(id);
    free(admin);
}

Test(advisers, bad_input_lists_every_field_and_writes_nothing)
{
    char *admin = tc_token("admin", NULL, NULL);
    struct tc_resp *r = tc_post("/v1/advisers", admin,
                                "{\"name\":\"\",\"email\":\"nope\",\"fte\":2,\"id\":\"x\","
                                "\"colour\":\"red\",\"caseload_limit\":\"24\"}");
    const cJSON *errs = cJSON_GetObjectItem(r->json, "errors");

    cr_expect_eq(r->status, 422);
    cr_expect_eq(cJSON_GetArraySize(errs), 6, "%s", r->body);
    /* other suites create advisers at the same time: look for this request's row only */
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM advisers WHERE email = 'nope'"), 0);
    tc_free(r);
    free(admin);
}

Test(advisers, duplicate_email_is_409)
{
    char *admin = tc_token("admin", NULL, NULL), *a, *b;
    int st;

    a = create(admin, "dup@council.example", &st);
    cr_expect_eq(st, 201);
    b = create(admin, "dup@council.example", &st);
    cr_expect_eq(st, 409);
    free(a);
    free(b);
    free(admin);
}

Test(advisers, idempotency_key_replays_the_first_response)
{
    char *admin = tc_token("admin", NULL, NULL);
    const char *body = "{\"name\":\"Idem Potent\",\"email\":\"idem@council.example\"}";
    struct tc_resp *a, *b, *c;

    a = tc_req("POST", "/v1/advisers", admin, body, "Idempotency-Key: key-1\r\n");
    b = tc_req("POST", "/v1/advisers", admin, body, "Idempotency-Key: key-1\r\n");
    c = tc_req("POST", "/v1/advisers", admin,
               "{\"name\":\"Other\",\"email\":\"other-idem@council.example\"}",
               "Idempotency-Key: key-1\r\n");
    cr_expect_eq(a->status, 201);
    cr_expect_eq(b->status, 201, "replayed: %s", b->body);
    cr_expect_str_eq(a->body, b->body);
    cr_expect_eq(c->status, 422, "same key, another body");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM advisers WHERE email = 'idem@council.example'"),
                 1);
    tc_free(a);
    tc_free(b);
    tc_free(c);
    free(admin);
}

Test(advisers, roles)
{
    const char *roles[] = {"board", "partner", "adviser", "manager", "service"};
    char *tok;
    struct tc_resp *r;

    for (size_t i = 0; i < sizeof roles / sizeof roles[0]; i++) {
        tok = tc_token(roles[i], "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e",
                       "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7f");
        r = tc_post("/v1/advisers", tok, "{\"name\":\"X\",\"email\":\"x@y.org\"}");
        cr_expect_eq(r->status, 403, "%s may not create advisers", roles[i]);
        tc_free(r);
        free(tok);
    }
    r = tc_get("/v1/advisers", NULL);
    cr_expect_eq(r->status, 401);
    cr_expect_str_eq(tc_header(r, "WWW-Authenticate"), "Bearer", "no token: no error code");
    tc_free(r);
}
