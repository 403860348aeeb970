/* The change feed on every list a partner or an adviser reads (issue 23, item 4): each change
 * once, in commit order, deletions and rows that left the caller's view as tombstones; tokens
 * that work only on the list (and the parent) that issued them; nothing of another partner's
 * or another caseload's; and every such list in the route table answers updated_since. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_mem.h"
#include "cl_role.h"
#include "routes.h"
#include "tc.h"
#include "tc_seed.h"

/* The token a plain GET of path answers (asserted present); the caller frees it. */
static char *
token_of(const char *path, const char *tok)
{
    struct tc_resp *r = tc_get(path, tok);
    char *t;

    cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
    cr_assert_not_null(tc_str(r, "change_token"), "%s: %s", path, r->body);
    t = strdup(tc_str(r, "change_token"));
    tc_free(r);
    return t;
}

/* Waits until every transaction that began before now has finished: a feed shows a change
 * only then (change_horizon), and other tests' transactions run meanwhile. */
static void
settle(void)
{
    long x = tc_sql_long("SELECT pg_current_xact_id()::text::bigint");
    char sql[160];

    snprintf(sql, sizeof sql,
             "SELECT (pg_snapshot_xmin(pg_current_snapshot())::text::bigint > %ld)::int", x);
    for (int i = 0; i < 500 && tc_sql_long(sql) != 1; i++)
        usleep(20000);
}

/* GET path?updated_since=*token (limit 100) as tok, once what was written before has settled:
 * the answer (200 asserted); *token moves on to the change_token it carries. */
static struct tc_resp *
changes(const char *path, const char *tok, char **token)
{
    char url[1200];
    struct tc_resp *r;

    settle();
    snprintf(url, sizeof url, "%s?limit=100&updated_since=%s", path, *token);
    r = tc_get(url, tok);
    cr_assert_eq(r->status, 200, "%s: %s", url, r->body);
    free(*token);
    *token = strdup(tc_str(r, "change_token"));
    return r;
}

/* The ids of a feed answer's items, joined by spaces, a tombstone's marked with a '-'. */
static void
ids_of(const struct tc_resp *r, char *out, size_t n)
{
    const cJSON *e;
    size_t len = 0;

    out[0] = '\0';
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "items"))
    {
        const cJSON *id = cJSON_GetObjectItem(e, "id");

        len += (size_t)snprintf(out + len, n - len, "%s%s%s", len ? " " : "",
                                cJSON_IsTrue(cJSON_GetObjectItem(e, "deleted")) ? "-" : "",
                                cJSON_IsString(id) ? id->valuestring : "?");
        if (len >= n)
            break;
    }
}

/* Whether the answer's items name id (a tombstone or not). */
static int
names(const struct tc_resp *r, const char *id)
{
    char all[8192];

    ids_of(r, all, sizeof all);
    return strstr(all, id) != NULL;
}

static char *
contact(const char *cl, const char *tok)
{
    char path[128];
    struct tc_resp *r;
    char *id;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", cl);
    r = tc_post(path, tok,
                "{\"occurred_on\":\"2026-11-02\",\"method\":\"phone\",\"successful\":true}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

/* A housing referral of care leaver cl to partner, under a protocol of its own, written straight
 * into the database; its id (the caller frees it). */
static char *
referral(const char *cl, const char *partner)
{
    char *protocol = tc_seed_text("INSERT INTO housing_protocols (title, edition) SELECT 'feed', "
                                  "5000 + (random() * 4000)::int RETURNING id");
    char sql[512], *id;

    cr_assert_not_null(protocol);
    snprintf(sql, sizeof sql,
             "INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, "
             "referred_on, response_due_on) VALUES ('%s', '%s', '%s', current_date, "
             "current_date + 10) RETURNING id",
             cl, partner, protocol);
    id = tc_seed_text(sql);
    cr_assert_not_null(id);
    free(protocol);
    return id;
}

Test(feed, a_care_leavers_contacts_each_change_once_in_order_deletions_as_tombstones)
{
    char *adviser = tc_seed_adviser(), *tok = tc_token("adviser", adviser, NULL);
    char *cl = tc_seed_care_leaver(adviser, "2006-04-01");
    char *other = tc_seed_care_leaver(adviser, "2006-05-01");
    char path[128], other_path[128], sql[256], want[512], got[8192], *token, *c1, *c2, *c3, *c4;
    struct tc_resp *r;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", cl);
    snprintf(other_path, sizeof other_path, "/v1/care-leavers/%s/contacts", other);
    c1 = contact(cl, tok);
    token = token_of(path, tok);
    c2 = contact(cl, tok);
    c3 = contact(cl, tok);
    c4 = contact(other, tok); /* another care leaver's: never in this feed */
    snprintf(sql, sizeof sql, "UPDATE contacts SET notes = 'rang back' WHERE id = '%s'", c1);
    cr_assert_eq(tc_sql(sql), 0);
    snprintf(sql, sizeof sql, "DELETE FROM contacts WHERE id = '%s'", c2);
    cr_assert_eq(tc_sql(sql), 0);

    r = changes(path, tok, &token);
    ids_of(r, got, sizeof got);
    snprintf(want, sizeof want, "%s %s -%s", c3, c1, c2);
    cr_expect_str_eq(got, want, "each change once, at its latest, in commit order");
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 1), "notes")
            ->valuestring,
        "rang back", "an item is the list's own representation, as changed");
    tc_free(r);
    r = changes(path, tok, &token);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "nothing twice from the stored token");
    tc_free(r);

    /* the token works under this care leaver only, and on this list only */
    {
        char url[1200];

        snprintf(url, sizeof url, "%s?updated_since=%s", other_path, token);
        r = tc_get(url, tok);
        cr_expect_eq(r->status, 400, "another care leaver's contacts: %s", r->body);
        cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
        tc_free(r);
        snprintf(url, sizeof url, "/v1/care-leavers/%s/pathway-plans?updated_since=%s", cl, token);
        r = tc_get(url, tok);
        cr_expect_eq(r->status, 400, "another list: %s", r->body);
        tc_free(r);
        snprintf(url, sizeof url, "%s?updated_since=%s&successful=true", path, token);
        r = tc_get(url, tok);
        cr_expect_eq(r->status, 400, "a filter beside it: %s", r->body);
        tc_free(r);
    }
    free(token);
    token = token_of(other_path, tok);
    r = changes(other_path, tok, &token);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    free(token), free(adviser), free(tok), free(cl), free(other), free(c1), free(c2), free(c3),
        free(c4);
}

Test(feed, the_care_leaver_list_follows_the_read_model_and_a_reassignment_is_a_tombstone)
{
    char *x = tc_seed_adviser(), *y = tc_seed_adviser();
    char *xt = tc_token("adviser", x, NULL), *yt = tc_token("adviser", y, NULL);
    char *mt = tc_token("manager", NULL, NULL);
    char *cl = tc_seed_care_leaver(x, "2006-06-01"), *mine = tc_seed_care_leaver(x, "2006-07-01");
    char *xtok = token_of("/v1/care-leavers", xt), *ytok = token_of("/v1/care-leavers", yt);
    char *mtok = token_of("/v1/care-leavers", mt);
    char *xref = token_of("/v1/housing-referrals", xt),
         *partner = tc_seed_partner("housing_provider");
    char sql[512], got[8192], want[64], *k, *ref, *yref;
    struct tc_resp *r;
    const cJSON *it;

    /* a contact changes the representation (last_contact_on) through the read model */
    k = contact(cl, xt);
    r = changes("/v1/care-leavers", xt, &xtok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "id")->valuestring, cl);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "last_contact_on")->valuestring, "2026-11-02");
    tc_free(r);
    r = changes("/v1/care-leavers", yt, &ytok);
    cr_expect(!names(r, cl), "another caseload's change: %s", r->body);
    tc_free(r);

    /* a referral of theirs, in x's referrals feed */
    ref = referral(cl, partner);
    settle();
    yref = token_of("/v1/housing-referrals", yt); /* taken after the referral was made */
    r = changes("/v1/housing-referrals", xt, &xref);
    cr_expect(names(r, ref) && !strstr(r->body, "\"deleted\""), "%s", r->body);
    tc_free(r);

    /* given to adviser y: x's copy drops them, y's gains them, a manager's updates them */
    snprintf(sql, sizeof sql, "UPDATE care_leavers SET adviser_id = '%s' WHERE id = '%s'", y, cl);
    cr_assert_eq(tc_sql(sql), 0);
    r = changes("/v1/housing-referrals", xt, &xref);
    ids_of(r, got, sizeof got);
    snprintf(want, sizeof want, "-%s", ref);
    cr_expect_str_eq(got, want, "their referral leaves x's copy too");
    tc_free(r);
    r = changes("/v1/care-leavers", xt, &xtok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "id")->valuestring, cl);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(it, "deleted")), "a tombstone: %s", r->body);
    cr_expect(!names(r, mine));
    tc_free(r);
    r = changes("/v1/care-leavers", yt, &ytok);
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "adviser_id")->valuestring, y);
    tc_free(r);
    r = changes("/v1/housing-referrals", yt, &yref);
    ids_of(r, got, sizeof got);
    cr_expect_str_eq(got, ref, "y reads the referral made before y's token");
    tc_free(r);
    r = changes("/v1/care-leavers", mt, &mtok);
    cr_expect(names(r, cl) && !strstr(r->body, "\"deleted\""), "%s", r->body);
    tc_free(r);
    /* x's later reads show nothing more of them; their nested lists are closed to x */
    snprintf(sql, sizeof sql, "UPDATE care_leavers SET phone = '07700900123' WHERE id = '%s'", cl);
    cr_assert_eq(tc_sql(sql), 0);
    r = changes("/v1/care-leavers", xt, &xtok);
    cr_expect(!names(r, cl), "%s", r->body);
    tc_free(r);
    free(x), free(y), free(xt), free(yt), free(mt), free(cl), free(mine), free(xtok), free(ytok),
        free(mtok), free(k), free(xref), free(yref), free(partner), free(ref);
}

Test(feed, a_partner_never_sees_another_partners_rows_and_an_adviser_another_caseloads)
{
    char *p1 = tc_seed_partner("employer"), *p2 = tc_seed_partner("employer");
    char *t1 = tc_token("partner", NULL, p1), *t2 = tc_token("partner", NULL, p2);
    char *dt = tc_token("admin", NULL, NULL);
    char *x = tc_seed_adviser(), *y = tc_seed_adviser();
    char *xt = tc_token("adviser", x, NULL), *yt = tc_token("adviser", y, NULL);
    char *cl = tc_seed_care_leaver(x, "2007-09-01");
    char *o1 = token_of("/v1/eet-opportunities", t1), *o2 = token_of("/v1/eet-opportunities", t2);
    char *pa1 = token_of("/v1/partners", t1), *pa2 = token_of("/v1/partners", t2);
    char *hx = token_of("/v1/housing-referrals", xt), *hy = token_of("/v1/housing-referrals", yt);
    char *h1 = token_of("/v1/housing-referrals", t1), *h2 = token_of("/v1/housing-referrals", t2);
    char sql[256], path[128], got[8192], want[64], *opp, *ref;
    struct tc_resp *r;

    r = tc_post("/v1/eet-opportunities", t1,
                "{\"kind\":\"job\",\"title\":\"Feed job\",\"places\":1,\"district\":\"Redditch\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    opp = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/partners/%s", p1);
    r = tc_patch(path, dt, "{\"contact_name\":\"Feed Desk\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    ref = referral(cl, p1);

    r = changes("/v1/eet-opportunities", t1, &o1);
    cr_expect(names(r, opp), "the partner's own opportunity: %s", r->body);
    tc_free(r);
    r = changes("/v1/eet-opportunities", t2, &o2);
    cr_expect(!names(r, opp), "another partner's: %s", r->body);
    tc_free(r);
    r = changes("/v1/partners", t1, &pa1);
    cr_expect(names(r, p1), "%s", r->body);
    tc_free(r);
    r = changes("/v1/partners", t2, &pa2);
    cr_expect(!names(r, p1), "another partner's record: %s", r->body);
    tc_free(r);
    r = changes("/v1/housing-referrals", xt, &hx);
    cr_expect(names(r, ref), "%s", r->body);
    tc_free(r);
    r = changes("/v1/housing-referrals", yt, &hy);
    cr_expect(!names(r, ref), "another caseload's referral: %s", r->body);
    tc_free(r);
    r = changes("/v1/housing-referrals", t1, &h1);
    cr_expect(names(r, ref), "%s", r->body);
    tc_free(r);
    r = changes("/v1/housing-referrals", t2, &h2);
    cr_expect(!names(r, ref), "another partner's referral: %s", r->body);
    tc_free(r);
    /* re-addressed to the other partner: it leaves the first one's copy, joins the other's */
    snprintf(sql, sizeof sql, "UPDATE housing_referrals SET partner_id = '%s' WHERE id = '%s'", p2,
             ref);
    cr_assert_eq(tc_sql(sql), 0);
    r = changes("/v1/housing-referrals", t1, &h1);
    ids_of(r, got, sizeof got);
    snprintf(want, sizeof want, "-%s", ref);
    cr_expect_str_eq(got, want, "a tombstone for the partner it left");
    tc_free(r);
    r = changes("/v1/housing-referrals", t2, &h2);
    ids_of(r, got, sizeof got);
    cr_expect_str_eq(got, ref, "the row for the partner it joined");
    tc_free(r);
    free(p1), free(p2), free(t1), free(t2), free(dt), free(x), free(y), free(xt), free(yt),
        free(cl), free(o1), free(o2), free(pa1), free(pa2), free(hx), free(hy), free(h1), free(h2),
        free(opp), free(ref);
}

struct writer {
    const char *care_leaver;
    int n;
    int slow_ms;
};

static void *
write_contacts(void *arg)
{
    const struct writer *w = arg;
    PGconn *c = tc_db();
    char sql[512];

    for (int i = 0; i < w->n; i++) {
        PQclear(PQexec(c, "BEGIN"));
        snprintf(sql, sizeof sql,
                 "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful) "
                 "VALUES ('%s', current_date - %d, 'phone', true)",
                 w->care_leaver, i % 30);
        PQclear(PQexec(c, sql));
        usleep((useconds_t)((w->slow_ms ? w->slow_ms : rand() % 15) * 1000));
        PQclear(PQexec(c, "COMMIT"));
    }
    PQfinish(c);
    return NULL;
}

/* Reads a page of the feed from *token; counts each item's id into seen (and repeats). */
static int
read_page(const char *path, const char *tok, char **token, char seen[][40], int *nseen,
          int *repeats)
{
    char url[1200];
    struct tc_resp *r;
    const cJSON *e;
    int n = 0;

    snprintf(url, sizeof url, "%s?limit=7&updated_since=%s", path, *token);
    r = tc_get(url, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "items"))
    {
        const char *id = cJSON_GetObjectItem(e, "id")->valuestring;

        for (int i = 0; i < *nseen; i++)
            *repeats += strcmp(seen[i], id) == 0;
        if (*nseen < 400)
            snprintf(seen[(*nseen)++], 40, "%s", id);
        n++;
    }
    free(*token);
    *token = strdup(tc_str(r, "change_token"));
    tc_free(r);
    return n;
}

/* A partner made a party to a protocol reads it from then on, though the protocol itself did
 * not change; removed, it gets a tombstone; a partner that never was a party sees neither. */
Test(feed, a_partner_made_a_party_to_a_protocol_gets_it_and_loses_it_when_removed)
{
    char *p1 = tc_seed_partner("housing_provider"), *p2 = tc_seed_partner("housing_provider");
    char *t1 = tc_token("partner", NULL, p1), *t2 = tc_token("partner", NULL, p2);
    char *protocol = tc_seed_text("INSERT INTO housing_protocols (title, edition) SELECT 'feed', "
                                  "5000 + (random() * 4000)::int RETURNING id");
    char *k1, *k2, sql[256], got[8192], want[64];
    struct tc_resp *r;

    cr_assert_not_null(protocol);
    k1 = token_of("/v1/housing-protocols", t1);
    k2 = token_of("/v1/housing-protocols", t2);
    snprintf(sql, sizeof sql,
             "INSERT INTO housing_protocol_parties (protocol_id, partner_id) VALUES ('%s', '%s')",
             protocol, p1);
    cr_assert_eq(tc_sql(sql), 0);
    r = changes("/v1/housing-protocols", t1, &k1);
    ids_of(r, got, sizeof got);
    cr_expect_str_eq(got, protocol, "the protocol, once made a party: %s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql,
             "DELETE FROM housing_protocol_parties WHERE protocol_id = '%s' AND partner_id = '%s'",
             protocol, p1);
    cr_assert_eq(tc_sql(sql), 0);
    r = changes("/v1/housing-protocols", t1, &k1);
    ids_of(r, got, sizeof got);
    snprintf(want, sizeof want, "-%s", protocol);
    cr_expect_str_eq(got, want, "a tombstone once removed: %s", r->body);
    tc_free(r);
    r = changes("/v1/housing-protocols", t2, &k2);
    cr_expect(!names(r, protocol), "never a party: %s", r->body);
    tc_free(r);
    free(p1), free(p2), free(t1), free(t2), free(protocol), free(k1), free(k2);
}

Test(feed, a_contacts_feed_misses_nothing_and_repeats_nothing_under_concurrent_writers)
{
    char *adviser = tc_seed_adviser(), *tok = tc_token("adviser", adviser, NULL);
    char *cl = tc_seed_care_leaver(adviser, "2006-08-01");
    char path[128], sql[256], (*seen)[40] = cl_calloc(400, 40), *token;
    struct writer w[4];
    pthread_t t[4];
    int nseen = 0, repeats = 0;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", cl);
    token = token_of(path, tok);
    for (int i = 0; i < 4; i++) {
        w[i] = (struct writer){cl, i == 0 ? 5 : 15, i == 0 ? 300 : 0};
        pthread_create(&t[i], NULL, write_contacts, &w[i]);
    }
    for (int k = 0; k < 200 && nseen < 50; k++) {
        read_page(path, tok, &token, seen, &nseen, &repeats);
        usleep(30000);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int k = 0; k < 400 && nseen < 50; k++) {
        if (read_page(path, tok, &token, seen, &nseen, &repeats) == 0)
            usleep(50000);
    }
    snprintf(sql, sizeof sql, "SELECT count(*) FROM contacts WHERE care_leaver_id = '%s'", cl);
    cr_expect_eq(tc_sql_long(sql), 50);
    cr_expect_eq(nseen, 50, "every contact seen");
    cr_expect_eq(repeats, 0, "none seen twice");
    cr_expect_eq(read_page(path, tok, &token, seen, &nseen, &repeats), 0);
    free(adviser), free(tok), free(cl), free(seen), free(token);
}

/* Aggregates and figures, not lists of rows: they have no feed. */
static const char *const not_lists[] = {
    "getMe", "getAdviserCaseload", "getOutreachSummary", "getHousingProtocolCompliance",
    "getHousingCommitmentCompliance", "getStarProgress", "getSurveyResults",
    /* each entitlement's standing for one young person on today's date: computed from the
       policy and the calendar, not rows that change */
    "listCareLeaverEntitlements", NULL};

static int
is_listed(const char *op, const char *const *list)
{
    for (int i = 0; list[i]; i++)
        if (strcmp(list[i], op) == 0)
            return 1;
    return 0;
}

Test(feed, every_list_a_partner_or_adviser_reads_answers_updated_since)
{
    char *partner = tc_seed_partner("housing_provider"), *pt = tc_token("partner", NULL, partner);
    char *adviser = tc_seed_adviser(), *at = tc_token("adviser", adviser, NULL);
    char *mt = tc_token("manager", NULL, NULL);
    char *cl = tc_seed_care_leaver(adviser, "2006-09-01");
    char *protocol = tc_seed_text("INSERT INTO housing_protocols (title, edition) SELECT 'feed', "
                                  "5000 + (random() * 4000)::int RETURNING id");
    char *body_id = tc_seed_text("INSERT INTO participation_bodies (kind, name) SELECT "
                                 "'care_leavers_forum', 'Feed ' || gen_random_uuid() "
                                 "RETURNING id");
    char *opp, *sub, body[256];
    struct tc_resp *r;
    int n = 0;

    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Feed\",\"places\":1,\"provider_id\":\"%s\","
             "\"district\":\"Redditch\"}",
             partner);
    r = tc_post("/v1/eet-opportunities", mt, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    opp = strdup(tc_str(r, "id"));
    tc_free(r);
    r = tc_post("/v1/webhook-subscriptions", pt,
                "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"eet_referral.updated\"]}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    sub = strdup(tc_str(r, "id"));
    tc_free(r);

    for (int i = 0; i < cl_routes_count; i++) {
        const struct cl_route *rt = &cl_routes[i];
        const char *last = strrchr(rt->path, '/'), *tok;
        char path[512], url[1200];
        size_t len = 0;
        char *token;

        if (strcmp(rt->method, "GET") != 0 || !(rt->roles & (CL_ROLE_PARTNER | CL_ROLE_ADVISER)) ||
            rt->roles == CL_ROLES_ALL || last[1] == '{' || is_listed(rt->op_id, not_lists))
            continue;
        /* the route's parameters: this test's own care leaver, protocol, ... */
        for (const char *s = rt->path; *s;) {
            const char *v = NULL, *e;

            if (*s != '{') {
                path[len++] = *s++;
                continue;
            }
            e = strchr(s, '}');
            if (strncmp(s, "{care_leaver_id}", 16) == 0)
                v = cl;
            else if (strncmp(s, "{adviser_id}", 12) == 0)
                v = adviser;
            else if (strncmp(s, "{protocol_id}", 13) == 0)
                v = protocol;
            else if (strncmp(s, "{opportunity_id}", 16) == 0)
                v = opp;
            else if (strncmp(s, "{body_id}", 9) == 0)
                v = body_id;
            else if (strncmp(s, "{subscription_id}", 17) == 0)
                v = sub;
            cr_assert_not_null(v, "%s: a parameter this test does not know", rt->path);
            len += (size_t)snprintf(path + len, sizeof path - len, "%s", v);
            s = e + 1;
        }
        path[len] = '\0';
        tok = (rt->roles & CL_ROLE_ADVISER) ? at : pt;
        token = token_of(path, tok);
        snprintf(url, sizeof url, "%s?updated_since=%s", path, token);
        r = tc_get(url, tok);
        cr_expect_eq(r->status, 200, "%s %s: %s", rt->op_id, url, r->body);
        cr_expect(cJSON_IsArray(cJSON_GetObjectItem(r->json, "items")), "%s", rt->op_id);
        cr_expect_not_null(tc_str(r, "change_token"), "%s", rt->op_id);
        tc_free(r);
        snprintf(url, sizeof url, "%s?updated_since=not-a-token", path);
        r = tc_get(url, tok);
        cr_expect_eq(r->status, 400, "%s: %s", rt->op_id, r->body);
        tc_free(r);
        free(token);
        n++;
    }
    cr_expect_geq(n, 30, "the lists walked: %d", n);
    free(partner), free(pt), free(adviser), free(at), free(mt), free(cl), free(protocol),
        free(body_id), free(opp), free(sub);
}
