/* /v1/partners: admin writes, staff read all, a partner reads only itself, the board nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(partners, .init = cl_mem_init);

static char *
create(const char *token, const char *name, const char *kind, const char *districts, int *status)
{
    char body[512];
    struct tc_resp *r;
    char *id = NULL;

    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"kind\":\"%s\",\"districts\":%s,"
             "\"contact_name\":\"Housing Options\",\"contact_email\":\"Options@Partner.example\","
             "\"contact_phone\":\"01562 732928\"}",
             name, kind, districts);
    r = tc_post("/v1/partners", token, body);
    *status = r->status;
    if (r->status == 201) {
        id = strdup(tc_str(r, "id"));
        cr_expect_not_null(tc_header(r, "Location"));
        cr_expect_str_eq(tc_header(r, "ETag"), "\"1\"");
    }
    tc_free(r);
    return id;
}

static int
list_has(const struct tc_resp *r, const char *id)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "id")->valuestring, id) == 0)
            return 1;
    }
    return 0;
}

Test(partners, create_read_patch_with_if_match)
{
    char *admin = tc_token("admin", NULL, NULL), path[128];
    int st;
    char *id = create(admin, "PT Crud District Council", "district_council",
                      "[\" Redditch \",\"Bromsgrove\",\"Redditch\"]", &st);
    struct tc_resp *r;
    const cJSON *d;

    cr_assert_eq(st, 201);
    snprintf(path, sizeof path, "/v1/partners/%s", id);
    r = tc_get(path, admin);
    cr_expect_eq(r->status, 200);
    d = cJSON_GetObjectItem(r->json, "districts");
    cr_expect_eq(cJSON_GetArraySize(d), 2, "trimmed and de-duplicated: %s", r->body);
    cr_expect_str_eq(cJSON_GetArrayItem(d, 0)->valuestring, "Bromsgrove");
    cr_expect_str_eq(cJSON_GetArrayItem(d, 1)->valuestring, "Redditch");
    cr_expect_str_eq(tc_str(r, "contact_email"), "options@partner.example");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "active")));
    tc_free(r);

    r = tc_req("PATCH", path, admin, "{\"contact_name\":null,\"active\":false}",
               "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"2\"");
    cr_expect_str_eq(tc_str(r, "contact_name"), "", "null clears a contact field");
    tc_free(r);
    r = tc_req("PATCH", path, admin, "{\"kind\":\"other\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412, "a stale If-Match: %s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM partners WHERE name = "
                             "'PT Crud District Council' AND kind = 'district_council' "
                             "AND NOT active"),
                 1, "nothing written by the stale request");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM audit_log WHERE resource_type = 'partner' "
                             "AND resource_id = (SELECT id FROM partners WHERE name = "
                             "'PT Crud District Council')"),
                 2, "create and update audited");
    r = tc_get("/v1/partners/7d0b1a2c-0000-4000-8000-000000000000", admin);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    free(id);
    free(admin);
}

Test(partners, duplicate_name_is_409)
{
    char *admin = tc_token("admin", NULL, NULL), *a, *b;
    int st;

    a = create(admin, "PT Dup Housing", "housing_provider", "[]", &st);
    cr_expect_eq(st, 201);
    b = create(admin, "PT Dup Housing", "employer", "[]", &st);
    cr_expect_eq(st, 409);
    free(a);
    free(b);
    free(admin);
}

Test(partners, bad_input_lists_every_field_and_writes_nothing)
{
    char claims[160];
    char *admin;
    struct tc_resp *r;

    snprintf(claims, sizeof claims,
             "{\"sub\":\"pt-bad-input\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             (long)time(NULL) + 3600, (long)time(NULL));
    admin = tc_token_claims(claims);
    r = tc_post("/v1/partners", admin,
                "{\"name\":\"\",\"kind\":\"pub\",\"districts\":\"Redditch\","
                "\"contact_email\":\"nope\",\"contact_phone\":\"12\","
                "\"active\":\"yes\",\"id\":\"x\",\"colour\":\"red\"}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 8, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/partners", admin, "{\"kind\":\"health\"}");
    cr_expect_eq(r->status, 422, "name is required");
    tc_free(r);
    /* 10 digits padded past the column's 32 characters: named by the api, not left to the
     * table's CHECK (which answered 422 with an empty errors list) */
    r = tc_post("/v1/partners", admin,
                "{\"name\":\"Long phone\",\"kind\":\"health\","
                "\"contact_phone\":\"01234 567 890                         \"}");
    cr_expect_eq(r->status, 422);
    cr_expect(tcw_has_error(r, "contact_phone"), "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/partners", admin, "{\"name\":\"x\",");
    cr_expect_eq(r->status, 400, "malformed JSON");
    tc_free(r);
    r = tc_post("/v1/partners", admin,
                "{\"name\":\"x\",\"kind\":\"health\",\"districts\":[\"a\"],\"name\":\"y\"}");
    cr_expect_eq(r->status, 400, "a repeated member");
    cr_expect(tcw_has_error(r, "name"), "the repeated member is named: %s", r->body);
    tc_free(r);
    r = tc_get("/v1/partners?kind=pub", admin);
    cr_expect_eq(r->status, 400, "bad filter");
    tc_free(r);
    r = tc_get("/v1/partners?limit=0", admin);
    cr_expect_eq(r->status, 400, "bad limit");
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM audit_log WHERE actor_sub = 'pt-bad-input'"), 0,
                 "nothing written (every write is audited)");
    free(admin);
}

Test(partners, filters_and_pages)
{
    char *admin = tc_token("admin", NULL, NULL), *a, *b, *c, path[1200];
    int st;
    struct tc_resp *r;
    char cursor[600];

    a = create(admin, "PT Filter Alpha College", "college", "[\"PT-Wychavon\"]", &st);
    b = create(admin, "PT Filter Beta College", "college", "[\"PT-Wychavon\",\"Malvern Hills\"]",
               &st);
    c = create(admin, "PT Filter Gamma Employer", "employer", "[\"PT-Wychavon\"]", &st);
    cr_assert(a && b && c);

    r = tc_get("/v1/partners?district=PT-Wychavon&kind=college&limit=1", admin);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_expect(list_has(r, a), "name order: Alpha first");
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_cursor")));
    snprintf(cursor, sizeof cursor, "%s", tc_str(r, "next_cursor"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/partners?district=PT-Wychavon&kind=college&limit=1&cursor=%s",
             cursor);
    r = tc_get(path, admin);
    cr_expect_eq(r->status, 200);
    cr_expect(list_has(r, b), "then Beta");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_cursor")), "%s", r->body);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/partners/%s", c);
    r = tc_patch(path, admin, "{\"active\":false}");
    cr_expect_eq(r->status, 200);
    tc_free(r);
    r = tc_get("/v1/partners?district=PT-Wychavon&active=false", admin);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    cr_expect(list_has(r, c));
    tc_free(r);
    free(a);
    free(b);
    free(c);
    free(admin);
}

Test(partners, a_partner_reads_only_itself)
{
    char *admin = tc_token("admin", NULL, NULL), *x, *y, *tok, *adviser, path[128];
    int st;
    struct tc_resp *r;

    x = create(admin, "PT Self X Council", "district_council", "[\"Worcester\"]", &st);
    y = create(admin, "PT Self Y Council", "district_council", "[\"Worcester\"]", &st);
    cr_assert(x && y);
    tok = tc_token("partner", NULL, x);

    snprintf(path, sizeof path, "/v1/partners/%s", x);
    r = tc_get(path, tok);
    cr_expect_eq(r->status, 200);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/partners/%s", y);
    r = tc_get(path, tok);
    cr_expect_eq(r->status, 404, "another partner is invisible");
    tc_free(r);
    r = tc_get("/v1/partners?limit=200", tok);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    cr_expect(list_has(r, x));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/partners/%s", x);
    r = tc_patch(path, tok, "{\"contact_name\":\"Me\"}");
    cr_expect_eq(r->status, 403, "a partner does not edit itself");
    tc_free(r);
    free(tok);

    adviser = tc_seed_adviser();
    tok = tc_token("adviser", adviser, NULL);
    snprintf(path, sizeof path, "/v1/partners/%s", y);
    r = tc_get(path, tok);
    cr_expect_eq(r->status, 200, "advisers choose partners for referrals");
    tc_free(r);
    free(tok);
    free(adviser);
    free(x);
    free(y);
    free(admin);
}

Test(partners, roles)
{
    static const struct {
        const char *method, *path, *body;
        const char *allowed; /* first letters: b p a m d s */
    } ops[] = {
        {"POST", "/v1/partners", "{}", "d"},
        {"GET", "/v1/partners", NULL, "pamds"},
        {"GET", "/v1/partners/7d0b1a2c-0000-4000-8000-000000000001", NULL, "pamds"},
        {"PATCH", "/v1/partners/7d0b1a2c-0000-4000-8000-000000000001", "{}", "d"},
    };
    static const char *const roles[] = {"board",   "partner", "adviser",
                                        "manager", "admin",   "service"};
    static const char letters[] = "bpamds";
    /* an adviser's and a partner's token must name an active one (else 401) */
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("district_council");

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        struct tc_resp *r = tc_req(ops[i].method, ops[i].path, NULL, ops[i].body, NULL);

        cr_expect_eq(r->status, 401, "%s %s without a token", ops[i].method, ops[i].path);
        tc_free(r);
        for (size_t k = 0; k < 6; k++) {
            char *tok = tc_token(roles[k], adviser, partner);
            int allowed = strchr(ops[i].allowed, letters[k]) != NULL;

            r = tc_req(ops[i].method, ops[i].path, tok, ops[i].body, NULL);
            if (allowed)
                cr_expect(r->status != 403 && r->status != 401, "%s %s as %s: %d", ops[i].method,
                          ops[i].path, roles[k], r->status);
            else
                cr_expect_eq(r->status, 403, "%s %s as %s", ops[i].method, ops[i].path, roles[k]);
            tc_free(r);
            free(tok);
        }
    }
    free(adviser);
    free(partner);
}
