/* The young_person role, tested as an attacker would: what a care leaver reads about themselves
 * (/v1/me and what hangs off it, each read audited as them), the tokens refused (no
 * care_leaver_id, a closed record, someone who does not exist), and a probe over every route of
 * the route table with another young person's ids in every path parameter and body: never a
 * staff route, never anything of the other person. */
#include <criterion/criterion.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "routes.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(young_person, .init = cl_mem_init, .timeout = 120);

#define NOBODY "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d71"

/* One young person and what hangs off them; names carry tag so a leak is found by text. */
struct person {
    char *adviser, *id, *plan, *contact, *payment, *opportunity, *referral;
};

static char *
sql_text(const char *fmt, const char *a, const char *b)
{
    char sql[1200];

    snprintf(sql, sizeof sql, fmt, a, b ? b : "");
    return tc_seed_text(sql);
}

static void
person_make(struct person *p, const char *tag)
{
    char sql[900];

    memset(p, 0, sizeof *p);
    p->adviser = tc_seed_adviser();
    cr_assert_not_null(p->adviser);
    snprintf(sql, sizeof sql, "UPDATE advisers SET work_phone = '01527 534000' WHERE id = '%s'",
             p->adviser);
    cr_assert_eq(tc_sql(sql), 0);
    snprintf(sql, sizeof sql,
             "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
             "ethnicity, category, district, adviser_id) SELECT 'Y' || substr(md5(g::text), 1, 9), "
             "'%s', 'Given%s', current_date - interval '19 years', 'F', 'WBRI', "
             "'former_relevant', 'Redditch', '%s' FROM gen_random_uuid() g RETURNING id",
             tag, tag, p->adviser);
    p->id = tc_seed_text(sql);
    cr_assert_not_null(p->id);
    p->plan = sql_text("INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on, "
                       "eet, finance) VALUES ('%s', 1, 'current', current_date - 30, "
                       "'Apprenticeship search %s', 'Budgeting') RETURNING id",
                       p->id, tag);
    p->contact = sql_text("INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, "
                          "notes) VALUES ('%s', current_date - 3, 'phone', true, "
                          "'SECRET-NOTE %s') RETURNING id",
                          p->id, tag);
    p->payment = sql_text("WITH v AS (SELECT v.entitlement_id, v.id FROM entitlement_versions v "
                          "JOIN entitlements e ON e.id = v.entitlement_id "
                          "WHERE e.name = 'Setting up home allowance' "
                          "AND v.effective_to IS NULL), b AS (INSERT INTO grant_balances "
                          "(care_leaver_id, entitlement_id, paid_pence) SELECT '%s', "
                          "v.entitlement_id, 45000 FROM v) INSERT INTO grant_payments "
                          "(care_leaver_id, entitlement_id, entitlement_version_id, amount_pence, "
                          "paid_on, method, created_by) SELECT '%s', v.entitlement_id, v.id, "
                          "45000, current_date - 10, 'card', 'test' FROM v RETURNING id",
                          p->id, p->id);
    p->opportunity = sql_text("INSERT INTO eet_opportunities (kind, title, places, "
                              "ring_fenced_for_care_leavers, source, district) VALUES "
                              "('apprenticeship', 'Apprentice %s', 3, false, "
                              "'council_department', NULL) RETURNING id%s",
                              tag, NULL);
    p->referral = sql_text("INSERT INTO eet_referrals (opportunity_id, care_leaver_id, status, "
                           "status_on, referred_on, notes, created_by) VALUES ('%s', '%s', "
                           "'referred', current_date, current_date, 'REFERRAL-NOTE', 'test') "
                           "RETURNING id",
                           p->opportunity, p->id);
    cr_assert(p->plan && p->contact && p->payment && p->opportunity && p->referral);
}

static void
person_free(struct person *p)
{
    char **all[] = {&p->adviser, &p->id,          &p->plan,    &p->contact,
                    &p->payment, &p->opportunity, &p->referral};

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++)
        free(*all[i]);
}

/* A ring-fenced opportunity open in Redditch; its id. */
static char *
ring_fenced(const char *title)
{
    return sql_text("INSERT INTO eet_opportunities (kind, title, places, "
                    "ring_fenced_for_care_leavers, source, district) VALUES ('job', '%s', 2, true, "
                    "'council_department', 'Redditch') RETURNING id%s",
                    title, NULL);
}

static const cJSON *
member(const struct tc_resp *r, const char *name)
{
    return r->json ? cJSON_GetObjectItem(r->json, name) : NULL;
}

Test(young_person, reads_their_own_door_each_read_audited_as_them)
{
    struct person a;
    char *tok, *open_opp = ring_fenced("Ring-fenced kitchen porter"), path[200], sql[300];
    struct tc_resp *r;
    const char *reads[] = {"/v1/me",
                           "/v1/me/adviser",
                           "/v1/me/pathway-plan",
                           "/v1/me/entitlements",
                           "/v1/me/local-offer",
                           "/v1/me/opportunities"};
    long before;

    person_make(&a, "Alpha");
    tok = tc_token_young_person(a.id);
    cr_assert_eq(tc_sql("INSERT INTO local_offer_versions (title, published_on, created_by) "
                        "VALUES ('Demo offer', current_date - 2, 'test') ON CONFLICT DO NOTHING"),
                 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE actor_sub = 'yp-%s' "
             "AND role = 'young_person'",
             a.id);
    before = tc_sql_long(sql);
    for (size_t i = 0; i < sizeof reads / sizeof reads[0]; i++) {
        r = tc_get(reads[i], tok);
        cr_expect_eq(r->status, 200, "%s: %s", reads[i], r->body);
        cr_expect_null(strstr(r->body, "SECRET-NOTE"), "%s shows a contact note", reads[i]);
        cr_expect_null(strstr(r->body, "REFERRAL-NOTE"), "%s shows a referral note", reads[i]);
        cr_expect_null(strstr(r->body, "la_child_id"), "%s", reads[i]);
        if (i == 0) {
            cr_expect_str_eq(tc_str(r, "role"), "young_person");
            cr_expect_str_eq(tc_str(r, "care_leaver_id"), a.id);
            cr_expect_str_eq(
                cJSON_GetObjectItem(member(r, "care_leaver"), "given_name")->valuestring, "Alpha");
        } else if (i == 1) {
            cr_expect_str_eq(tc_str(r, "work_phone"), "01527 534000");
            cr_expect_null(member(r, "caseload_limit"));
        } else if (i == 2) {
            cr_expect_str_eq(tc_str(r, "eet"), "Apprenticeship search Alpha");
            cr_expect_null(member(r, "created_by"));
        } else if (i == 3) {
            const cJSON *it;
            int found = 0;

            cJSON_ArrayForEach(it, member(r, "items"))
            {
                if (strcmp(cJSON_GetObjectItem(it, "name")->valuestring,
                           "Setting up home allowance") == 0) {
                    found = 1;
                    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(it, "eligible")));
                    cr_expect_eq(cJSON_GetObjectItem(it, "used_pence")->valueint, 45000);
                    cr_expect_eq(cJSON_GetObjectItem(it, "remaining_pence")->valueint, 255000);
                }
            }
            cr_expect(found, "%s", r->body);
        } else if (i == 5) {
            cr_expect_not_null(strstr(r->body, open_opp), "the ring-fenced one: %s", r->body);
            cr_expect_null(strstr(r->body, a.opportunity), "not ring-fenced: %s", r->body);
        }
        tc_free(r);
    }
    cr_expect_eq(tc_sql_long(sql) - before, 6, "each read audited as the young person");

    /* a self-referral, once */
    snprintf(path, sizeof path, "/v1/me/opportunities/%s/referrals", open_opp);
    r = tc_post(path, tok, "{\"notes\":\"I worked in a cafe\"}");
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(member(r, "my_referral"), "status")->valuestring,
                     "referred");
    tc_free(r);
    r = tc_post(path, tok, "{}");
    cr_expect_eq(r->status, 409, "already referred: %s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM eet_referral_events e JOIN eet_referrals r "
             "ON r.id = e.referral_id WHERE r.care_leaver_id = '%s' AND e.actor_role = "
             "'young_person'",
             a.id);
    cr_expect_eq(tc_sql_long(sql), 1, "the step is the young person's");
    free(tok);
    free(open_opp);
    person_free(&a);
}

/* Their own words: recorded from the app, received today, seen by their adviser on the record,
 * read back with the adviser's response; never another young person's, never a staff name. */
Test(young_person, says_something_in_their_own_words)
{
    struct person a, b;
    char *tok_a, *tok_b, *staff, path[200], sql[300], id[64];
    struct tc_resp *r;

    person_make(&a, "Sayer");
    person_make(&b, "Other");
    tok_a = tc_token_young_person(a.id);
    tok_b = tc_token_young_person(b.id);
    staff = tc_token("manager", NULL, NULL);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM statements WHERE care_leaver_id = '%s'", a.id);

    /* what the app may not choose: the source, the date, anything of the staff's */
    r = tc_post("/v1/me/statements", tok_a,
                "{\"about\":\"plan\",\"text\":\"x\",\"received_on\":\"2020-01-01\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/me/statements", tok_a,
                "{\"about\":\"plan\",\"text\":\"x\",\"source\":\"meeting\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/me/statements", tok_a, "{\"about\":\"plan\",\"text\":\"\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long(sql), 0, "nothing written");

    r = tc_post("/v1/me/statements", tok_a,
                "{\"about\":\"plan\",\"text\":\"I want to live nearer my sister.\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "source"), "app");
    cr_expect_str_eq(tc_str(r, "care_leaver_id"), a.id);
    cr_expect_null(member(r, "created_by"), "no staff or principal name: %s", r->body);
    snprintf(id, sizeof id, "%s", tc_str(r, "id"));
    cr_expect_not_null(tc_header(r, "Location"));
    tc_free(r);
    cr_expect_eq(tc_sql_long(sql), 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM statements WHERE id = '%s' AND received_on = current_date", id);
    cr_expect_eq(tc_sql_long(sql), 1, "received today, by the server's date");

    /* on the record for staff */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/statements/%s", a.id, id);
    r = tc_get(path, staff);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    /* the adviser answers (as statement_patch stores it) */
    snprintf(sql, sizeof sql,
             "UPDATE statements SET response = 'We will add it at your review.', "
             "responded_on = current_date WHERE id = '%s'",
             id);
    cr_assert_eq(tc_sql(sql), 0);

    snprintf(path, sizeof path, "/v1/me/statements/%s", id);
    r = tc_get(path, tok_a);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "response"), "We will add it at your review.");
    tc_free(r);
    r = tc_get("/v1/me/statements", tok_a);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(member(r, "items")), 1);
    cr_expect_null(strstr(r->body, "created_by"), "%s", r->body);
    tc_free(r);

    /* another young person: not theirs to read, and their own list is empty */
    r = tc_get(path, tok_b);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/me/statements", tok_b);
    cr_expect_eq(cJSON_GetArraySize(member(r, "items")), 0, "%s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id = '%s' AND role = 'young_person' "
             "AND action IN ('create', 'read')",
             id);
    cr_expect_eq(tc_sql_long(sql), 2, "the post and the read, each audited as the young person");
    free(tok_a);
    free(tok_b);
    free(staff);
    person_free(&a);
    person_free(&b);
}

Test(young_person, tokens_without_an_open_record_are_refused)
{
    char claims[300], *tok, *closed = tc_seed_care_leaver(NULL, "2005-03-01");
    long now = (long)time(NULL);
    struct tc_resp *r;
    struct person a;

    snprintf(claims, sizeof claims,
             "{\"sub\":\"yp-x\",\"role\":\"young_person\",\"exp\":%ld,\"iat\":%ld}", now + 600,
             now);
    tok = tc_token_claims(claims);
    r = tc_get("/v1/me", tok);
    cr_expect_eq(r->status, 401, "no care_leaver_id: %d", r->status);
    tc_free(r);
    free(tok);
    tok = tc_token_young_person(NOBODY);
    r = tc_get("/v1/me/entitlements", tok);
    cr_expect_eq(r->status, 401, "nobody: %d", r->status);
    tc_free(r);
    free(tok);
    {
        char sql[200];

        snprintf(sql, sizeof sql,
                 "UPDATE care_leavers SET status = 'closed', closed_on = current_date, "
                 "closed_reason = 'moved away' WHERE id = '%s'",
                 closed);
        cr_assert_eq(tc_sql(sql), 0);
    }
    tok = tc_token_young_person(closed);
    r = tc_get("/v1/me", tok);
    cr_expect_eq(r->status, 401, "a closed record: %d", r->status);
    tc_free(r);
    free(tok);

    /* a staff route with a good token: 403, nothing written */
    person_make(&a, "Gamma");
    tok = tc_token_young_person(a.id);
    {
        char path[160];
        long before = tc_sql_long("SELECT count(*) FROM contacts");

        snprintf(path, sizeof path, "/v1/care-leavers/%s", a.id);
        r = tc_get(path, tok);
        cr_expect_eq(r->status, 403, "their own staff record");
        tc_free(r);
        snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", a.id);
        r = tc_post(path, tok,
                    "{\"occurred_on\":\"2026-01-01\",\"method\":\"phone\",\"successful\":true}");
        cr_expect_eq(r->status, 403);
        tc_free(r);
        cr_expect_eq(tc_sql_long("SELECT count(*) FROM contacts"), before, "nothing written");
    }
    free(tok);
    free(closed);
    person_free(&a);
}

/* The route's template with each {param} replaced by the other person's matching id. */
static void
their_path(const char *tmpl, const struct person *b, char *out, size_t outlen)
{
    static const struct {
        const char *param;
        size_t off;
    } ids[] = {
        {"{care_leaver_id}", offsetof(struct person, id)},
        {"{adviser_id}", offsetof(struct person, adviser)},
        {"{plan_id}", offsetof(struct person, plan)},
        {"{contact_id}", offsetof(struct person, contact)},
        {"{payment_id}", offsetof(struct person, payment)},
        {"{opportunity_id}", offsetof(struct person, opportunity)},
        {"{referral_id}", offsetof(struct person, referral)},
    };
    size_t o = 0;

    while (*tmpl && o + 40 < outlen) {
        if (*tmpl == '{') {
            const char *close = strchr(tmpl, '}'), *id = NOBODY;

            for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++)
                if (strncmp(tmpl, ids[i].param, strlen(ids[i].param)) == 0)
                    id = *(char *const *)((const char *)b + ids[i].off);
            o += (size_t)snprintf(out + o, outlen - o, "%s", id);
            tmpl = close + 1;
        } else {
            out[o++] = *tmpl++;
        }
    }
    out[o] = '\0';
}

/* Every route of the table, as young person A, with B's ids in every path parameter and B's
 * care_leaver_id in every body: a staff route is 403; a /v1/me route answers about A only (or
 * 404, or 422 for the body member it does not take), never with anything of B's. */
Test(young_person, bola_probe_over_every_route)
{
    struct person a, b;
    char *tok, path[400], body[200], count_b[600];
    long writes_before;

    person_make(&a, "Alpha");
    person_make(&b, "Bravo");
    /* rows of either person in every table a route could write */
    snprintf(count_b, sizeof count_b,
             "SELECT (SELECT count(*) FROM eet_referrals WHERE care_leaver_id IN ('%s', '%s')) + "
             "(SELECT count(*) FROM contacts WHERE care_leaver_id IN ('%s', '%s')) + "
             "(SELECT count(*) FROM grant_payments WHERE care_leaver_id IN ('%s', '%s')) + "
             "(SELECT count(*) FROM pathway_plans WHERE care_leaver_id IN ('%s', '%s')) + "
             "(SELECT count(*) FROM council_tax_statuses WHERE care_leaver_id IN ('%s', '%s'))",
             a.id, b.id, a.id, b.id, a.id, b.id, a.id, b.id, a.id, b.id);
    tok = tc_token_young_person(a.id);
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\"}", b.id);
    writes_before = tc_sql_long(count_b);
    for (int i = 0; i < cl_routes_count; i++) {
        const struct cl_route *r = &cl_routes[i];
        struct tc_resp *resp;

        if (r->roles == CL_ROLE_NONE)
            continue;
        their_path(r->path, &b, path, sizeof path);
        resp = tc_req(r->method, path, tok, (r->flags & CL_RT_BODY) ? body : NULL,
                      strcmp(r->method, "PATCH") == 0 ? "If-Match: *\r\n" : NULL);
        if (!(r->roles & CL_ROLE_YOUNG_PERSON))
            cr_expect_eq(resp->status, 403, "%s %s: %d", r->method, r->path, resp->status);
        else
            cr_expect(resp->status == 200 || resp->status == 404 || resp->status == 422,
                      "%s %s: %d %s", r->method, r->path, resp->status, resp->body);
        cr_expect_null(strstr(resp->body, b.id), "%s %s shows B's id", r->method, r->path);
        cr_expect_null(strstr(resp->body, "Bravo"), "%s %s shows B's name", r->method, r->path);
        cr_expect_null(strstr(resp->body, b.opportunity), "%s %s", r->method, r->path);
        tc_free(resp);
    }
    /* B's opportunity (not open to A): not readable, not referable */
    snprintf(path, sizeof path, "/v1/me/opportunities/%s/referrals", b.opportunity);
    {
        struct tc_resp *resp = tc_post(path, tok, "{}");

        cr_expect_eq(resp->status, 404, "%s", resp->body);
        tc_free(resp);
    }
    cr_expect_eq(tc_sql_long(count_b), writes_before, "nothing written by the probe");
    free(tok);
    person_free(&a);
    person_free(&b);
}
