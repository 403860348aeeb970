/* Entitlements as effective-dated policy: admins configure entitlements and their versions
 * (never overlapping; a cap never corrected below what was paid under it), payments stay with
 * the version in force on their day and never pass the cap (also under twenty simultaneous
 * requests), a care leaver's status shows eligible, used, remaining and the top-up a raised cap
 * leaves due (the £1,500 to £2,000 Setting Up Home case); council tax exemption schemes per
 * district with each young person's status and the Board's figure; the Local Offer, published
 * and served as a public, cacheable HTML page. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(entitlements, .init = cl_mem_init, .timeout = 120);

static int
status_of(struct tc_resp *r)
{
    int st = r->status;

    if (st >= 400)
        cr_expect_not_null(strstr(tc_header(r, "Content-Type"), "problem+json"), "%s", r->body);
    tc_free(r);
    return st;
}

/* A new entitlement of kind with a unique name; returns its id. */
static char *
entitlement(const char *kind)
{
    char *admin = tc_token("admin", NULL, NULL), body[200], *id = NULL;
    char *name = tc_seed_text("SELECT 'Test entitlement ' || gen_random_uuid()");
    struct tc_resp *r;

    snprintf(body, sizeof body, "{\"name\":\"%s\",\"kind\":\"%s\"}", name, kind);
    r = tc_post("/v1/entitlements", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    free(name);
    free(admin);
    return id;
}

/* POSTs a version (body) of entitlement id as an administrator; the response. */
static struct tc_resp *
add_version(const char *id, const char *body)
{
    char *admin = tc_token("admin", NULL, NULL), path[120];
    struct tc_resp *r;

    snprintf(path, sizeof path, "/v1/entitlements/%s/versions", id);
    r = tc_post(path, admin, body);
    free(admin);
    return r;
}

/* A new grant with one version in force from 2000 capped at cap; returns its id. */
static char *
grant_type(long cap)
{
    char *id = entitlement("grant"), body[96];
    struct tc_resp *r;

    snprintf(body, sizeof body, "{\"effective_from\":\"2000-01-01\",\"cap_pence\":%ld}", cap);
    r = add_version(id, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    return id;
}

static long
paid_total(const char *cl, const char *type)
{
    char sql[256];

    snprintf(sql, sizeof sql,
             "SELECT coalesce(sum(amount_pence), 0) FROM grant_payments "
             "WHERE care_leaver_id = '%s' AND entitlement_id = '%s'",
             cl, type);
    return tc_sql_long(sql);
}

Test(entitlements, entitlements_and_versions_are_configured_by_admins)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *adv_id = tc_seed_adviser(), *adv = tc_token("adviser", adv_id, NULL);
    char *name = tc_seed_text("SELECT 'Driving lessons ' || gen_random_uuid()");
    char body[256], path[128], vpath[200];
    struct tc_resp *r;

    cr_expect_eq(
        tc_sql_long("SELECT v.cap_pence FROM entitlement_versions v JOIN entitlements e "
                    "ON e.id = v.entitlement_id WHERE e.name = 'Setting up home allowance'"),
        300000, "the national SUHA minimum, moved from the grant type");
    snprintf(body, sizeof body, "{\"name\":\"%s\",\"kind\":\"grant\"}", name);
    cr_expect_eq(status_of(tc_post("/v1/entitlements", mgr, body)), 403);
    r = tc_post("/v1/entitlements", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "versions")), 0);
    snprintf(path, sizeof path, "/v1/entitlements/%s", tc_str(r, "id"));
    tc_free(r);
    cr_expect_eq(status_of(tc_post("/v1/entitlements", admin, body)), 409, "duplicate name");
    cr_expect_eq(status_of(tc_post("/v1/entitlements", admin,
                                   "{\"name\":\"\",\"kind\":\"cash\",\"colour\":1}")),
                 422);
    /* versions: a grant needs a cap, a non-grant has none; dates and ages in order */
    snprintf(vpath, sizeof vpath, "%s/versions", path);
    cr_expect_eq(status_of(tc_post(vpath, admin, "{\"effective_from\":\"2024-04-01\"}")), 422,
                 "a grant without a cap");
    cr_expect_eq(status_of(tc_post(vpath, admin,
                                   "{\"effective_from\":\"2024-04-01\",\"cap_pence\":1000,"
                                   "\"min_age\":21,\"max_age\":18}")),
                 422, "ages out of order");
    cr_expect_eq(status_of(tc_post(vpath, admin,
                                   "{\"effective_from\":\"2024-04-01\",\"cap_pence\":1000,"
                                   "\"categories\":[\"orphan\"]}")),
                 422, "an unknown category");
    cr_expect_eq(
        status_of(tc_post(vpath, mgr, "{\"effective_from\":\"2024-04-01\",\"cap_pence\":1000}")),
        403);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM entitlement_versions v JOIN entitlements e "
                             "ON e.id = v.entitlement_id WHERE e.name LIKE 'Driving lessons %' "
                             "AND e.created_at > now() - interval '1 minute'"),
                 0, "nothing written by refused versions");
    r = tc_post(vpath, admin,
                "{\"effective_from\":\"2024-04-01\",\"effective_to\":\"2025-04-01\","
                "\"cap_pence\":50000,\"min_age\":17,\"max_age\":25,"
                "\"categories\":[\"relevant\",\"former_relevant\"]}");
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect_not_null(tc_header(r, "Location"));
    tc_free(r);
    cr_expect_eq(status_of(tc_post(vpath, admin,
                                   "{\"effective_from\":\"2024-10-01\",\"effective_to\":\"2025-"
                                   "01-01\",\"cap_pence\":1000}")),
                 409, "a version overlapping another of the same entitlement");
    r = tc_req("PATCH", path, admin, "{\"description\":\"Up to 20 lessons\"}",
               "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_expect_eq(status_of(tc_patch(path, admin, "{\"kind\":\"bus_pass\"}")), 409,
                 "the kind is fixed");
    cr_expect_eq(status_of(tc_patch(path, mgr, "{\"active\":false}")), 403);
    r = tc_get(path, adv);
    cr_expect_eq(r->status, 200, "advisers read entitlements");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "versions")), 1);
    tc_free(r);
    r = tc_get("/v1/entitlements?active=true&kind=grant&limit=200", adv);
    cr_expect_eq(r->status, 200);
    cr_expect_geq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 3);
    tc_free(r);
    {
        char *pass = entitlement("leisure_pass");
        struct tc_resp *v = add_version(pass, "{\"effective_from\":\"2024-04-01\","
                                              "\"cap_pence\":100}");

        cr_expect_eq(v->status, 422, "a leisure pass has no cap: %s", v->body);
        tc_free(v);
        v = add_version(pass, "{\"effective_from\":\"2024-04-01\",\"districts\":"
                              "[\"Redditch\"]}");
        cr_expect_eq(v->status, 201, "%s", v->body);
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(v->json, "cap_pence")));
        tc_free(v);
        free(pass);
    }
    free(name);
    free(admin);
    free(mgr);
    free(adv);
    free(adv_id);
}

/* The seed's case: Setting Up Home at £1,500 from April 2024, raised to £2,000 from April
 * 2025. Payments made under the old version stay attached to it; whoever had used the old cap
 * has the £500 difference due as a top-up, whoever had not has only the rest of the new cap. */
Test(entitlements, a_raised_cap_leaves_a_top_up_due)
{
    char *suha = entitlement("grant"), *mgr = tc_token("manager", NULL, NULL);
    char *used = tc_seed_care_leaver(NULL, "2004-03-01"),
         *part = tc_seed_care_leaver(NULL, "2004-03-01");
    char *young = tc_seed_care_leaver(NULL, "2010-03-01");
    char path[160], body[256], *v1, *v2;
    struct tc_resp *r;
    const cJSON *it;

    r = add_version(suha, "{\"effective_from\":\"2024-04-01\",\"cap_pence\":150000,"
                          "\"min_age\":16,\"max_age\":25}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    v1 = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", used);
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":150000,\"paid_on\":\"2024-06-03\","
             "\"method\":\"direct_supplier\"}",
             suha);
    r = tc_post(path, mgr, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "entitlement_version_id"), v1);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", part);
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":100000,\"paid_on\":\"2024-07-01\","
             "\"method\":\"card\"}",
             suha);
    cr_expect_eq(status_of(tc_post(path, mgr, body)), 201);
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":60000,\"paid_on\":\"2024-07-02\","
             "\"method\":\"card\"}",
             suha);
    cr_expect_eq(status_of(tc_post(path, mgr, body)), 409, "over the old cap");
    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", young);
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":100,\"paid_on\":\"2024-07-01\","
             "\"method\":\"card\"}",
             suha);
    cr_expect_eq(status_of(tc_post(path, mgr, body)), 409, "fourteen: not eligible then");

    /* the cap of v1 cannot be corrected below what was paid under it */
    snprintf(path, sizeof path, "/v1/entitlements/%s/versions/%s", suha, v1);
    {
        char *admin = tc_token("admin", NULL, NULL);

        cr_expect_eq(status_of(tc_patch(path, admin, "{\"cap_pence\":140000}")), 409);
        cr_expect_eq(status_of(tc_patch(path, admin, "{}")), 422, "a correction names the cap");
        r = tc_get(path, admin);
        cr_expect_eq(cJSON_GetObjectItem(r->json, "cap_pence")->valueint, 150000, "unchanged");
        tc_free(r);
        free(admin);
    }
    /* a raise dated before a payment made under the open version is refused */
    r = add_version(suha, "{\"effective_from\":\"2024-06-01\",\"cap_pence\":200000}");
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    /* the raise: a new version from April 2025 ends v1 the day before */
    r = add_version(suha, "{\"effective_from\":\"2025-04-01\",\"cap_pence\":200000,"
                          "\"min_age\":16,\"max_age\":25}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    v2 = strdup(tc_str(r, "id"));
    tc_free(r);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "effective_to"), "2025-04-01");
    cr_expect_eq(cJSON_GetObjectItem(r->json, "paid_pence")->valueint, 250000,
                 "both payments stay with v1");
    tc_free(r);

    {
        const char *who[] = {used, part};
        const long used_p[] = {150000, 100000}, remaining[] = {50000, 100000},
                   top_up[] = {50000, 0};

        for (int i = 0; i < 2; i++) {
            int found = 0;

            snprintf(path, sizeof path, "/v1/care-leavers/%s/entitlements?limit=200", who[i]);
            r = tc_get(path, mgr);
            cr_assert_eq(r->status, 200, "%s", r->body);
            cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
            {
                if (strcmp(cJSON_GetObjectItem(it, "entitlement_id")->valuestring, suha) != 0)
                    continue;
                found = 1;
                cr_expect_str_eq(cJSON_GetObjectItem(it, "version_id")->valuestring, v2);
                cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(it, "eligible")));
                cr_expect_eq(cJSON_GetObjectItem(it, "cap_pence")->valueint, 200000);
                cr_expect_eq(cJSON_GetObjectItem(it, "used_pence")->valueint, used_p[i]);
                cr_expect_eq(cJSON_GetObjectItem(it, "remaining_pence")->valueint, remaining[i]);
                cr_expect_eq(cJSON_GetObjectItem(it, "top_up_due_pence")->valueint, top_up[i],
                             "person %d", i);
            }
            cr_expect(found, "%s", r->body);
            tc_free(r);
        }
    }
    /* the top-up is paid under v2; v1's payments stay where they were */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/grant-payments", used);
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":50000,\"paid_on\":\"2025-05-01\","
             "\"method\":\"bank\"}",
             suha);
    r = tc_post(path, mgr, body);
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "entitlement_version_id"), v2);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "remaining_pence")->valueint, 0);
    tc_free(r);
    cr_expect_eq(status_of(tc_post(path, mgr, body)), 409, "nothing left");
    snprintf(body, sizeof body,
             "SELECT count(*) FROM grant_payments WHERE entitlement_version_id = '%s'", v1);
    cr_expect_eq(tc_sql_long(body), 2);
    free(v1);
    free(v2);
    free(suha);
    free(mgr);
    free(used);
    free(part);
    free(young);
}

Test(entitlements, payments_respect_the_cap_and_scope)
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
             "{\"entitlement_id\":\"%s\",\"amount_pence\":60000,\"paid_on\":\"2026-01-05\","
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
                     "{\"entitlement_id\":\"%s\",\"amount_pence\":%s,\"paid_on\":\"2026-01-05\","
                     "\"method\":\"card\"}",
                     type, amounts[i]);
            cr_expect_eq(status_of(tc_post(path, tok, body)), 422, "amount %s", amounts[i]);
        }
    }
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":50000,\"paid_on\":\"2026-01-06\","
             "\"method\":\"bank\"}",
             type);
    cr_expect_eq(status_of(tc_post(path, tok, body)), 409, "over the remaining balance");
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":100,\"paid_on\":\"2099-01-01\","
             "\"method\":\"cash\"}",
             type);
    cr_expect_eq(status_of(tc_post(path, tok, body)), 422, "future date, unknown method");
    cr_expect_eq(status_of(tc_post(path, tok,
                                   "{\"entitlement_id\":\"0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d70\","
                                   "\"amount_pence\":100,\"paid_on\":\"2026-01-06\","
                                   "\"method\":\"bank\"}")),
                 422, "no such grant");
    cr_expect_eq(paid_total(cl, type), 60000, "nothing written by refused payments");

    /* the rest of the balance, then the balances */
    snprintf(body, sizeof body,
             "{\"entitlement_id\":\"%s\",\"amount_pence\":40000,\"paid_on\":\"2026-01-06\","
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
    snprintf(item, sizeof item, "/v1/care-leavers/%s/entitlements?limit=200", cl);
    r = tc_get(item, tok);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "entitlement_id")->valuestring, type) == 0) {
            found = 1;
            cr_expect_eq(cJSON_GetObjectItem(it, "used_pence")->valueint, 100000);
            cr_expect_eq(cJSON_GetObjectItem(it, "remaining_pence")->valueint, 0);
            cr_expect_eq(cJSON_GetObjectItem(it, "top_up_due_pence")->valueint, 0);
        }
    }
    cr_expect(found, "the grant's status is listed");
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
             "{\"entitlement_id\":\"%s\",\"amount_pence\":1,\"paid_on\":\"2026-01-06\","
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

    /* an inactive entitlement takes no payments */
    snprintf(item, sizeof item, "/v1/entitlements/%s", type);
    cr_expect_eq(status_of(tc_patch(item, admin, "{\"active\":false}")), 200);
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
             "{\"entitlement_id\":\"%s\",\"amount_pence\":%ld,\"paid_on\":\"2026-01-05\","
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

Test(entitlements, twenty_simultaneous_payments_never_pass_the_cap)
{
    cr_expect_eq(race(20, 10000, 1000), 10, "exactly the ten that fit");
}

Test(entitlements, two_simultaneous_payments_over_the_cap_one_succeeds)
{
    cr_expect_eq(race(2, 100000, 60000), 1);
}

/* ---- council tax exemption ---------------------------------------------------------------- */

Test(entitlements, council_tax_schemes_statuses_and_the_board_figure)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *district = tc_seed_text("SELECT 'CT ' || left(gen_random_uuid()::text, 8)");
    char *in_scheme = NULL, *over = NULL, *elsewhere = NULL, body[400], path[200], sql[400];
    struct tc_resp *r;

    snprintf(body, sizeof body,
             "{\"district\":\"%s\",\"exempt_until_age\":25,\"effective_from\":\"2024-04-01\","
             "\"needs_application\":true,\"notes\":\"Apply to the district council\"}",
             district);
    cr_expect_eq(status_of(tc_post("/v1/council-tax-schemes", mgr, body)), 403);
    cr_expect_eq(status_of(tc_post("/v1/council-tax-schemes", admin, body)), 201);
    cr_expect_eq(status_of(tc_post("/v1/council-tax-schemes", admin, body)), 409,
                 "overlaps the district's scheme");
    snprintf(path, sizeof path, "/v1/council-tax-schemes?district=%s", district);
    for (char *c = strchr(path, ' '); c; c = strchr(c, ' '))
        *c = '+';
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);

    /* three open cases: 20 in the district, 26 in the district (over the age), 20 elsewhere */
    snprintf(sql, sizeof sql,
             "WITH n AS (SELECT 'CT' || substr(md5(gen_random_uuid()::text), 1, 8) AS id) "
             "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
             "ethnicity, category, district) SELECT n.id, 'Tax', 'Payer', "
             "(current_date - interval '%s years')::date, 'F', 'WBRI', 'former_relevant', '%s' "
             "FROM n RETURNING id",
             "20", district);
    in_scheme = tc_seed_text(sql);
    snprintf(sql, sizeof sql,
             "WITH n AS (SELECT 'CT' || substr(md5(gen_random_uuid()::text), 1, 8) AS id) "
             "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
             "ethnicity, category, district) SELECT n.id, 'Tax', 'Payer', "
             "(current_date - interval '%s years')::date, 'F', 'WBRI', 'former_relevant', '%s' "
             "FROM n RETURNING id",
             "25 years 6 months", district);
    over = tc_seed_text(sql);
    elsewhere = tc_seed_care_leaver(NULL, "2006-01-01");
    cr_assert(in_scheme && over && elsewhere);

    snprintf(path, sizeof path, "/v1/care-leavers/%s/council-tax-statuses", elsewhere);
    cr_expect_eq(status_of(tc_post(path, mgr,
                                   "{\"status\":\"applied\",\"applied_on\":"
                                   "\"2025-01-01\"}")),
                 409, "no scheme in the care leaver's district");
    snprintf(path, sizeof path, "/v1/care-leavers/%s/council-tax-statuses", in_scheme);
    cr_expect_eq(status_of(tc_post(path, mgr, "{\"status\":\"granted\"}")), 422,
                 "granted needs decided_on");
    cr_expect_eq(status_of(tc_post(path, mgr, "{\"status\":\"waived\"}")), 422);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM council_tax_statuses WHERE care_leaver_id IN "
             "('%s', '%s')",
             in_scheme, elsewhere);
    cr_expect_eq(tc_sql_long(sql), 0, "nothing written");
    r = tc_post(path, mgr, "{\"status\":\"applied\",\"applied_on\":\"2025-01-01\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    snprintf(path, sizeof path, "%s", strstr(tc_header(r, "Location"), "/v1/"));
    tc_free(r);

    /* the Board: one eligible (the 20-year-old), none exempt yet, then one of one */
    snprintf(sql, sizeof sql,
             "SELECT num * 100 + den FROM board_council_tax_figures(current_date - 365, "
             "current_date, ARRAY['%s'])  WHERE district = '%s'",
             district, district);
    cr_expect_eq(tc_sql_long(sql), 1, "0 of 1");
    r = tc_req("PATCH", path, mgr, "{\"status\":\"granted\",\"decided_on\":\"2025-02-01\"}",
               "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long(sql), 101, "1 of 1");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM board_report_figures(current_date - 365, current_date, "
             "ARRAY['%s']) WHERE code = 'council_tax_exempt' AND num = 1 AND den = 1",
             district);
    cr_expect_eq(tc_sql_long(sql), 2, "in the Board's figures: the total and the district");
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(tc_str(r, "status"), "granted");
    tc_free(r);
    free(admin);
    free(mgr);
    free(district);
    free(in_scheme);
    free(over);
    free(elsewhere);
}

/* ---- the Local Offer ------------------------------------------------------------------------ */

Test(entitlements, the_local_offer_is_published_and_served_as_cacheable_html)
{
    char *admin = tc_token("admin", NULL, NULL), *suha = grant_type(200000), body[1200];
    char etag[80], extra[120];
    struct tc_resp *r;

    cr_expect_eq(status_of(tc_post("/v1/local-offer-versions", admin,
                                   "{\"title\":\"Old\",\"published_on\":\"2020-01-01\","
                                   "\"sections\":[{\"heading\":\"H\",\"body\":\"B\"}]}")),
                 422, "the past is not rewritten");
    cr_expect_eq(status_of(tc_post("/v1/local-offer-versions", admin,
                                   "{\"title\":\"T\",\"published_on\":\"2099-01-01\","
                                   "\"sections\":[{\"heading\":\"H\"}]}")),
                 422, "a section without a body");
    snprintf(body, sizeof body,
             "{\"title\":\"Our Local Offer <for care leavers>\",\"introduction\":\"What we "
             "offer.\\n\\nAsk your adviser.\",\"published_on\":\"2099-01-01\",\"sections\":["
             "{\"heading\":\"Money & home\",\"body\":\"Setting up home.\",\"entitlement_ids\":"
             "[\"%s\"]},{\"heading\":\"Health\",\"body\":\"Free prescriptions.\"}]}",
             suha);
    r = tc_post("/v1/local-offer-versions", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "sections")), 2);
    tc_free(r);
    cr_expect_eq(status_of(tc_post("/v1/local-offer-versions", admin, body)), 409,
                 "one version a day");
    /* published today: what the public page shows */
    cr_assert_eq(tc_sql("UPDATE local_offer_versions SET published_on = current_date "
                        "WHERE published_on = '2099-01-01'"),
                 0);
    r = tc_get("/v1/local-offer", NULL);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "text/html; charset=utf-8");
    cr_expect_str_eq(tc_header(r, "Cache-Control"), "public, max-age=300");
    cr_expect_not_null(strstr(r->body, "<html lang=\"en\">"));
    cr_expect_not_null(strstr(r->body, "<h1>Our Local Offer &lt;for care leavers&gt;</h1>"),
                       "escaped: %s", r->body);
    cr_expect_not_null(strstr(r->body, "<p>What we offer.</p>\n<p>Ask your adviser.</p>"));
    cr_expect_not_null(strstr(r->body, "<a href=\"#section-1\">Money &amp; home</a>"));
    snprintf(etag, sizeof etag, "%s", tc_header(r, "ETag"));
    tc_free(r);
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", etag);
    r = tc_req("GET", "/v1/local-offer", NULL, NULL, extra);
    cr_expect_eq(r->status, 304);
    cr_expect_eq(r->body_len, 0);
    tc_free(r);
    /* renaming a linked entitlement changes the page, so its tag */
    {
        char path[96];

        snprintf(path, sizeof path, "/v1/entitlements/%s", suha);
        cr_expect_eq(status_of(tc_patch(path, admin, "{\"name\":\"Setting Up Home (renamed)\"}")),
                     200);
        r = tc_req("GET", "/v1/local-offer", NULL, NULL, extra);
        cr_expect_eq(r->status, 200);
        cr_expect_not_null(strstr(r->body, "Setting Up Home (renamed)"));
        tc_free(r);
    }
    free(suha);
    free(admin);
}
