/* Grants: admin-managed grant types with a per-person cap, payments that never pass it (also
 * under twenty simultaneous requests), balances, and scope by adviser and role. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(grants, .init = cl_mem_init, .timeout = 120);

static int
status_of(struct tc_resp *r)
{
    int st = r->status;

    if (st >= 400)
        cr_expect_not_null(strstr(tc_header(r, "Content-Type"), "problem+json"), "%s", r->body);
    tc_free(r);
    return st;
}

/* A new grant type with a unique name and the given cap; returns its id. */
static char *
grant_type(long cap)
{
    char *admin = tc_token("admin", NULL, NULL), body[200], *id = NULL;
    char *name = tc_seed_text("SELECT 'Test grant ' || gen_random_uuid()");
    struct tc_resp *r;

    snprintf(body, sizeof body, "{\"name\":\"%s\",\"cap_pence\":%ld}", name, cap);
    r = tc_post("/v1/grant-types", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    free(name);
    free(admin);
    return id;
}

static long
paid_total(const char *cl, const char *type)
{
    char sql[256];

    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(amount_pence), 0) FROM grant_payments "
             "WHERE care_leaver_id = '%s' AND grant_type_id = '%s'",
             cl, type);
    return tc_sql_long(sql);
}

Test(grants, grant_types_are_configured_by_admins)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *adv_id = tc_seed_adviser(), *adv = tc_token("adviser", adv_id, NULL);
    char *name = tc_seed_text("SELECT 'Driving lessons ' || gen_random_uuid()");
    char body[256], path[128];
    struct tc_resp *r;

    cr_expect_eq(tc_sql_long("SELECT cap_pence FROM grant_types "
                             "WHERE name = 'Setting up home allowance'"),
                 300000, "the national SUHA minimum");
    snprintf(body, sizeof body, "{\"name\":\"%s\"}", name);
    cr_expect_eq(status_of(tc_post("/v1/grant-types", mgr, body)), 403);
    r = tc_post("/v1/grant-types", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "cap_pence")->valueint, 300000, "default cap");
    snprintf(path, sizeof path, "/v1/grant-types/%s", tc_str(r, "id"));
    tc_free(r);
    cr_expect_eq(status_of(tc_post("/v1/grant-types", admin, body)), 409, "duplicate name");
    cr_expect_eq(status_of(tc_post("/v1/grant-types", admin,
                                   "{\"name\":\"\",\"cap_pence\":0,\"colour\":1}")),
                 422);
    cr_expect_eq(status_of(tc_patch(path, mgr, "{\"cap_pence\":50000}")), 403);
    r = tc_req("PATCH", path, admin, "{\"cap_pence\":50000}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "cap_pence")->valueint, 50000);
    tc_free(r);
    cr_expect_eq(status_of(tc_patch(path, admin, "{\"cap_pence\":-1}")), 422);
    r = tc_get(path, adv);
    cr_expect_eq(r->status, 200, "advisers read grant types");
    tc_free(r);
    r = tc_get("/v1/grant-types?active=true&limit=200", adv);
    cr_expect_eq(r->status, 200);
    cr_expect_geq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 3);
    tc_free(r);
    free(name);
    free(admin);
    free(mgr);
    free(adv);
    free(adv_id);
}

Test(grants, payments_respect_the_cap_and_scope)
{
    char *adv = tc_seed_adviser(), *cl = tc_seed_care_leaver(adv, "2005-03-01");
    char *tok = tc_token("adviser", adv, NULL), *other = tc_seed_adviser();
    char *tok_b = tc_token("adviser", other, NULL), *type = grant_type(100000);
    char *admin = tc_token("admin", NULL, NULL), *svc = tc_token("service", NULL, NULL);
    char path[160], body[320], item[240];
    struct tc_resp *r;
    const cJSON *it;
    int found = 0;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", cl);
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":60000,\"paid_on\":\"2026-01-05\","
             "\"method\":\"card\",\"reference\":\"Card 4410\"}",
             type);
    r = tc_post(path, tok, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "remaining_pence")->valueint, 40000);
    snprintf(item, sizeof item, "%s/%s", path, tc_str(r, "id"));
    tc_free(r);

    {
        static const char *const amounts[] = {"0", "-5", "1.5", "\"100\""};

        for (size_t i = 0; i < sizeof amounts / sizeof amounts[0]; i++) {
            snprintf(body, sizeof body,
                     "{\"grant_type_id\":\"%s\",\"amount_pence\":%s,\"paid_on\":\"2026-01-05\","
                     "\"method\":\"card\"}",
                     type, amounts[i]);
            cr_expect_eq(status_of(tc_post(path, tok, body)), 422, "amount %s", amounts[i]);
        }
    }
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":50000,\"paid_on\":\"2026-01-06\","
             "\"method\":\"bank\"}",
             type);
    cr_expect_eq(status_of(tc_post(path, tok, body)), 409, "over the remaining balance");
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":100,\"paid_on\":\"2099-01-01\","
             "\"method\":\"cash\"}",
             type);
    cr_expect_eq(status_of(tc_post(path, tok, body)), 422, "future date, unknown method");
    cr_expect_eq(status_of(tc_post(path, tok,
                                   "{\"grant_type_id\":\"0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d70\","
                                   "\"amount_pence\":100,\"paid_on\":\"2026-01-06\","
                                   "\"method\":\"bank\"}")),
                 422, "no such grant type");
    cr_expect_eq(paid_total(cl, type), 60000, "nothing written by refused payments");

    /* the rest of the balance, then the balances */
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":40000,\"paid_on\":\"2026-01-06\","
             "\"method\":\"direct_supplier\"}",
             type);
    r = tc_req("POST", path, tok, body, "Idempotency-Key: pay-rest-1\r\n");
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "remaining_pence")->valueint, 0);
    tc_free(r);
    r = tc_req("POST", path, tok, body, "Idempotency-Key: pay-rest-1\r\n");
    cr_expect_eq(r->status, 201, "a replay answers the first response");
    tc_free(r);
    cr_expect_eq(paid_total(cl, type), 100000, "the replay paid nothing");

    r = tc_get(item, tok);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "amount_pence")->valueint, 60000);
    tc_free(r);
    snprintf(item, sizeof item, "/v1/care-leavers/%s/grant-balances", cl);
    r = tc_get(item, tok);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "grant_type_id")->valuestring, type) == 0) {
            found = 1;
            cr_expect_eq(cJSON_GetObjectItem(it, "paid_pence")->valueint, 100000);
            cr_expect_eq(cJSON_GetObjectItem(it, "remaining_pence")->valueint, 0);
        }
    }
    cr_expect(found, "the balance of the grant type is listed");
    tc_free(r);
    r = tc_get(path, tok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    tc_free(r);

    /* scope and roles */
    r = tc_get(path, tok_b);
    cr_expect_eq(r->status, 404, "another adviser's care leaver");
    tc_free(r);
    r = tc_get(item, tok_b);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":1,\"paid_on\":\"2026-01-06\","
             "\"method\":\"bank\"}",
             type);
    cr_expect_eq(status_of(tc_post(path, tok_b, body)), 404);
    cr_expect_eq(status_of(tc_post(path, svc, body)), 403, "service reads only");
    r = tc_get(path, svc);
    cr_expect_eq(r->status, 200);
    tc_free(r);
    {
        static const char *const no[] = {"board", "partner"};

        for (size_t i = 0; i < 2; i++) {
            char *t = tc_token(no[i], NULL, adv);

            cr_expect_eq(status_of(tc_get(path, t)), 403, "%s", no[i]);
            cr_expect_eq(status_of(tc_post(path, t, body)), 403, "%s", no[i]);
            free(t);
        }
    }
    cr_expect_eq(status_of(tc_post(path, NULL, body)), 401);

    /* an inactive grant type takes no payments */
    snprintf(item, sizeof item, "/v1/grant-types/%s", type);
    cr_expect_eq(status_of(tc_patch(item, admin, "{\"active\":false,\"cap_pence\":200000}")), 200);
    cr_expect_eq(status_of(tc_post(path, tok, body)), 409, "inactive");
    cr_expect_eq(paid_total(cl, type), 100000);
    free(adv);
    free(cl);
    free(tok);
    free(other);
    free(tok_b);
    free(type);
    free(admin);
    free(svc);
}

/* ---- concurrency ------------------------------------------------------------------------- */

struct payer {
    const char *path, *token, *body;
    int status;
};

static void *
pay(void *arg)
{
    struct payer *p = arg;
    struct tc_resp *r = tc_post(p->path, p->token, p->body);

    p->status = r->status;
    tc_free(r);
    return NULL;
}

/* n simultaneous payments of amount against a fresh grant type capped at cap; returns the
 * number that succeeded and checks every other one was 409 and the total paid. */
static int
race(int n, long cap, long amount)
{
    char *mgr = tc_token("manager", NULL, NULL), *cl = tc_seed_care_leaver(NULL, "2005-03-01");
    char *type = grant_type(cap), path[160], body[256];
    struct payer payers[20];
    pthread_t th[20];
    int ok = 0, conflict = 0;

    cr_assert(n <= 20);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", cl);
    snprintf(body, sizeof body,
             "{\"grant_type_id\":\"%s\",\"amount_pence\":%ld,\"paid_on\":\"2026-01-05\","
             "\"method\":\"voucher\"}",
             type, amount);
    for (int i = 0; i < n; i++) {
        payers[i] = (struct payer){path, mgr, body, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, pay, &payers[i]), 0);
    }
    for (int i = 0; i < n; i++) {
        pthread_join(th[i], NULL);
        ok += payers[i].status == 201;
        conflict += payers[i].status == 409;
    }
    cr_expect_eq(ok + conflict, n, "every payment either paid or 409");
    cr_expect_eq(paid_total(cl, type), ok * amount);
    cr_expect_leq(paid_total(cl, type), cap, "the total never passes the cap");
    free(mgr);
    free(cl);
    free(type);
    return ok;
}

Test(grants, twenty_simultaneous_payments_never_pass_the_cap)
{
    cr_expect_eq(race(20, 10000, 1000), 10, "exactly the ten that fit");
}

Test(grants, two_simultaneous_payments_over_the_cap_one_succeeds)
{
    cr_expect_eq(race(2, 100000, 60000), 1);
}
