/* Pathway plans, contacts, contact-status events and 21-25 outreach: versions and the single
 * current plan, contact rules and recorded-in-time, IN_TOUCH meanings, outreach responses and
 * the Board summary; and the role matrix of every casework route. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"

TestSuite(casework, .init = cl_mem_init, .timeout = 120);

static int
jbool(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

static char *
new_care_leaver(const char *token, const char *prefix, int years, const char *category,
                const char *adviser)
{
    char uid[11], dob[11];
    int st;
    char *id;

    tcw_uid(uid, prefix);
    tcw_date(dob, years, 40);
    id = tcw_care_leaver(token, uid, dob, category, "Castleton", adviser,
                         ",\"opened_on\":\"2023-01-01\"", &st);
    cr_assert_eq(st, 201);
    return id;
}

/* A care leaver whose case opened on 2023-01-01 and closed closed_days_ago days ago ("no
 * longer requires services"): not receiving a service since then. */
static char *
closed_care_leaver(const char *token, const char *prefix, int years, const char *category,
                   const char *adviser, int closed_days_ago)
{
    char uid[11], dob[11], closed[11], extra[200];
    int st;
    char *id;

    tcw_uid(uid, prefix);
    tcw_date(dob, years, 40);
    tcw_date(closed, 0, closed_days_ago);
    snprintf(extra, sizeof extra,
             ",\"opened_on\":\"2023-01-01\",\"status\":\"closed\",\"closed_on\":\"%s\","
             "\"closed_reason\":\"No longer requires services\"",
             closed);
    id = tcw_care_leaver(token, uid, dob, category, "Castleton", adviser, extra, &st);
    cr_assert_eq(st, 201);
    return id;
}

/* Rows of table (contacts or pathway_plans) for one care leaver. */
static long
count_for(const char *table, const char *cl)
{
    const char *sql = strcmp(table, "contacts") == 0
                          ? "SELECT count(*) FROM contacts WHERE care_leaver_id = $1::uuid"
                          : "SELECT count(*) FROM pathway_plans WHERE care_leaver_id = $1::uuid";

    return tcw_sql_long(sql, 1, (const char *[]){cl});
}

/* fmt with {a} adviser, {c} care leaver, {p} plan, {k} contact, {e} event, {o} outreach. */
static void
fill(char *out, size_t outlen, const char *fmt, const char *const ids[6])
{
    static const char keys[] = "acpkeo";
    size_t o = 0;

    while (*fmt && o + 40 < outlen) {
        const char *k = fmt[0] == '{' && fmt[1] && fmt[2] == '}' ? strchr(keys, fmt[1]) : NULL;

        if (k) {
            o += (size_t)snprintf(out + o, outlen - o, "%s", ids[k - keys]);
            fmt += 3;
        } else {
            out[o++] = *fmt++;
        }
    }
    out[o] = '\0';
}

static struct tc_resp *
post_to(const char *cl, const char *what, const char *token, const char *body)
{
    char path[160];

    snprintf(path, sizeof path, "/v1/care-leavers/%s/%s", cl, what);
    return tc_post(path, token, body);
}

static char *
take_id(struct tc_resp *r, int want)
{
    char *id = NULL;

    cr_expect_eq(r->status, want, "%s", r->body);
    if (r->status == want && tc_str(r, "id"))
        id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

Test(casework, pathway_plan_versions_and_the_current_one)
{
    char *mgr = tc_token("manager", NULL, NULL);
    char *cl = new_care_leaver(mgr, "PLN", 18, "former_relevant", NULL);
    char path[200], today[11];
    char *v1, *v2, *v3;
    struct tc_resp *r;
    long before;

    tcw_date(today, 0, 0);
    v1 = take_id(post_to(cl, "pathway-plans", mgr,
                         "{\"status\":\"current\",\"started_on\":\"2025-05-01\","
                         "\"reviewed_on\":\"2025-11-01\",\"accommodation\":\"Staying put\"}"),
                 201);
    cr_assert_not_null(v1);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans/%s", cl, v1);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(tc_str(r, "next_review_due"), "2026-05-01", "six months after the review");
    cr_expect_eq(cJSON_GetObjectItem(r->json, "version_no")->valueint, 1);
    tc_free(r);

    before = count_for("pathway_plans", cl);
    r = post_to(cl, "pathway-plans", mgr,
                "{\"started_on\":\"2025-05-01\",\"reviewed_on\":\"2025-04-01\"}");
    cr_expect_eq(r->status, 422, "reviewed before it started: %s", r->body);
    cr_expect(tcw_has_error(r, "reviewed_on"), "%s", r->body);
    tc_free(r);
    r = post_to(cl, "pathway-plans", mgr,
                "{\"started_on\":\"2025-02-30\",\"status\":\"final\",\"eet\":7,\"version\":2}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(tcw_error_count(r), 4, "%s", r->body);
    tc_free(r);
    r = post_to(cl, "pathway-plans", mgr, "{\"status\":\"current\",\"started_on\":\"2025-01-01\"}");
    cr_expect_eq(r->status, 409, "current before the current one began: %s", r->body);
    tc_free(r);
    cr_expect_eq(count_for("pathway_plans", cl), before, "nothing written");

    v2 = take_id(post_to(cl, "pathway-plans", mgr, "{\"started_on\":\"2026-06-01\"}"), 201);
    cr_assert_not_null(v2);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans/%s", cl, v2);
    r = tc_req("PATCH", path, mgr, "{\"status\":\"current\",\"eet\":\"College\"}",
               "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "current");
    cr_expect_str_eq(tc_str(r, "eet"), "College");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans/%s", cl, v1);
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "status"), "superseded", "%s", r->body);
    cr_expect_str_eq(tc_str(r, "superseded_on"), "2026-06-01");
    tc_free(r);
    r = tc_patch(path, mgr, "{\"finance\":\"x\"}");
    cr_expect_eq(r->status, 409, "a superseded version never changes");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans/%s", cl, v2);
    r = tc_patch(path, mgr, "{\"status\":\"draft\"}");
    cr_expect_eq(r->status, 409, "current never goes back to draft");
    tc_free(r);
    r = tc_req("PATCH", path, mgr, "{\"reviewed_on\":\"2026-07-01\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412, "stale");
    tc_free(r);
    r = tc_patch(path, mgr, "{\"reviewed_on\":\"2026-05-01\"}");
    cr_expect_eq(r->status, 422, "reviewed before it started: %s", r->body);
    tc_free(r);

    v3 = take_id(post_to(cl, "pathway-plans", mgr, "{\"started_on\":\"2026-07-01\"}"), 201);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans?limit=2", cl);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0),
                                     "version_no")
                     ->valueint,
                 3, "newest first");
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_cursor")));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans?status=current", cl);
    r = tc_get(path, mgr);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM pathway_plans WHERE care_leaver_id = $1::uuid "
                              "AND status = 'current'",
                              1, (const char *[]){cl}),
                 1, "one current version");
    /* up to date on dates across the versions: v1 reviewed 2025-11-01 (due 2026-05-01),
     * v2 from 2026-06-01 (due 2026-12-01) */
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, '2026-04-30')::int", 1,
                              (const char *[]){cl}),
                 1);
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, '2026-05-15')::int", 1,
                              (const char *[]){cl}),
                 0, "overdue in the gap before v2");
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, '2026-06-02')::int", 1,
                              (const char *[]){cl}),
                 1);
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, '2025-04-30')::int", 1,
                              (const char *[]){cl}),
                 0, "no plan yet");
    free(v1);
    free(v2);
    free(v3);
    free(cl);
    free(mgr);
}

Test(casework, contacts_rules_and_recorded_in_time)
{
    char *adv = tcw_adviser(24), *tok = tc_token("adviser", adv, NULL);
    char *cl = new_care_leaver(tok, "CON", 20, "former_relevant", NULL);
    char path[200], body[300], d3[11], d20[11], today[11];
    long before;
    char *k;
    struct tc_resp *r;

    tcw_date(d3, 0, 3);
    tcw_date(d20, 0, 20);
    tcw_date(today, 0, 0);
    before = count_for("contacts", cl);
    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"recorded_on\":\"%s\",\"method\":\"home_visit\","
             "\"successful\":true,\"statutory_visit\":true}",
             d3, d20);
    r = post_to(cl, "contacts", tok, body);
    cr_expect_eq(r->status, 422, "recorded before it happened: %s", r->body);
    cr_expect(tcw_has_error(r, "recorded_on"));
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"method\":\"phone\",\"successful\":true,"
             "\"statutory_visit\":true}",
             d3);
    r = post_to(cl, "contacts", tok, body);
    cr_expect_eq(r->status, 422, "a phone call is not a statutory visit");
    cr_expect(tcw_has_error(r, "statutory_visit"), "%s", r->body);
    tc_free(r);
    r = post_to(cl, "contacts", tok,
                "{\"occurred_on\":\"2999-01-01\",\"method\":\"pigeon\",\"successful\":\"yes\","
                "\"recorded_in_time\":true,\"mood\":\"good\"}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(tcw_error_count(r), 5, "%s", r->body);
    tc_free(r);
    r = post_to(cl, "contacts", tok, "{\"method\":\"phone\"}");
    cr_expect_eq(r->status, 422);
    cr_expect(tcw_has_error(r, "occurred_on") && tcw_has_error(r, "successful"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(count_for("contacts", cl), before, "nothing written");

    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"method\":\"home_visit\","
             "\"successful\":true,\"statutory_visit\":true,\"notes\":\"Seen alone\"}",
             d20);
    k = take_id(post_to(cl, "contacts", tok, body), 201);
    cr_assert_not_null(k);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts/%s", cl, k);
    r = tc_get(path, tok);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(tc_str(r, "adviser_id"), adv, "the calling adviser by default");
    cr_expect_eq(jbool(r->json, "recorded_in_time"), 0, "twenty days later: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body, "{\"occurred_on\":\"%s\",\"method\":\"text\",\"successful\":true}",
             d3);
    free(take_id(post_to(cl, "contacts", tok, body), 201));
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts?statutory_visit=true", cl);
    r = tc_get(path, tok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts?limit=1", cl);
    r = tc_get(path, tok);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_cursor")), "a second page");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", cl);
    r = tc_get(path, tok);
    cr_expect_str_eq(tc_str(r, "contact_status"), "in_touch");
    cr_expect_str_eq(tc_str(r, "last_contact_on"), d3);
    cr_expect_eq(jbool(r->json, "visit_overdue"), 0);
    tc_free(r);
    free(k);
    free(cl);
    free(tok);
    free(adv);
}

Test(casework, contact_status_events_and_death_is_final)
{
    char *mgr = tc_token("manager", NULL, NULL);
    char *cl = new_care_leaver(mgr, "EVT", 19, "former_relevant", NULL);
    char path[200], body[300], d30[11], d20[11], d10[11], d5[11];
    struct tc_resp *r;

    tcw_date(d30, 0, 30);
    tcw_date(d20, 0, 20);
    tcw_date(d10, 0, 10);
    tcw_date(d5, 0, 5);
    snprintf(body, sizeof body, "{\"occurred_on\":\"%s\",\"method\":\"phone\",\"successful\":true}",
             d30);
    free(take_id(post_to(cl, "contacts", mgr, body), 201));
    snprintf(body, sizeof body, "{\"status\":\"refuses_contact\",\"occurred_on\":\"%s\"}", d20);
    free(take_id(post_to(cl, "contact-status-events", mgr, body), 201));
    snprintf(path, sizeof path, "/v1/care-leavers/%s", cl);
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "contact_status"), "refuses_contact", "%s", r->body);
    cr_expect_eq(jbool(r->json, "in_touch"), 0);
    tc_free(r);
    snprintf(body, sizeof body, "{\"occurred_on\":\"%s\",\"method\":\"video\",\"successful\":true}",
             d10);
    free(take_id(post_to(cl, "contacts", mgr, body), 201));
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "contact_status"), "in_touch", "a later contact ends it");
    tc_free(r);

    r = post_to(cl, "contact-status-events", mgr, "{\"status\":\"lost\",\"occurred_on\":\"x\"}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(tcw_error_count(r), 2, "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body, "{\"status\":\"died\",\"occurred_on\":\"%s\"}", d20);
    r = post_to(cl, "contact-status-events", mgr, body);
    cr_expect_eq(r->status, 422, "a death before a successful contact: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body, "{\"status\":\"died\",\"occurred_on\":\"%s\"}", d5);
    free(take_id(post_to(cl, "contact-status-events", mgr, body), 201));
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "contact_status"), "died");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_visit_due_on")));
    tc_free(r);
    snprintf(body, sizeof body, "{\"status\":\"returned_home\",\"occurred_on\":\"%s\"}", d5);
    r = post_to(cl, "contact-status-events", mgr, body);
    cr_expect_eq(r->status, 409, "died is final");
    tc_free(r);
    snprintf(body, sizeof body, "{\"occurred_on\":\"%s\",\"method\":\"phone\",\"successful\":true}",
             d5);
    tcw_date(d5, 0, 1);
    snprintf(body, sizeof body, "{\"occurred_on\":\"%s\",\"method\":\"phone\",\"successful\":true}",
             d5);
    r = post_to(cl, "contacts", mgr, body);
    cr_expect_eq(r->status, 409, "no successful contact after a death: %s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contact-status-events", cl);
    r = tc_get(path, mgr);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    {
        const cJSON *first = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
        char one[300];

        cr_expect_str_eq(cJSON_GetObjectItem(first, "status")->valuestring, "died");
        snprintf(one, sizeof one, "%s/%s", path, cJSON_GetObjectItem(first, "id")->valuestring);
        tc_free(r);
        r = tc_get(one, mgr);
        cr_expect_eq(r->status, 200);
    }
    tc_free(r);
    free(cl);
    free(mgr);
}

Test(casework, outreach_for_21_to_25s_and_the_summary)
{
    char *adv = tcw_adviser(30), *tok = tc_token("adviser", adv, NULL);
    char *board = tc_token("board", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *young = new_care_leaver(mgr, "OUY", 19, "former_relevant", adv);
    char *old[4], body[300], path[200], today[11];
    char *oc[4];
    struct tc_resp *r;

    tcw_date(today, 0, 0);
    for (int i = 0; i < 4; i++)
        old[i] = closed_care_leaver(mgr, "OUT", 22 + i % 3, "former_relevant", adv, 60);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"letter\"}", young, today);
    r = tc_post("/v1/outreach-contacts", tok, body);
    cr_expect_eq(r->status, 422, "a 19-year-old: %s", r->body);
    cr_expect(tcw_has_error(r, "sent_on"));
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"pigeon\","
             "\"response\":\"wants_service\"}",
             old[0], today);
    r = tc_post("/v1/outreach-contacts", tok, body);
    cr_expect_eq(r->status, 422);
    cr_expect(tcw_has_error(r, "channel"), "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"text\","
             "\"response\":\"wants_service\"}",
             old[0], today);
    r = tc_post("/v1/outreach-contacts", tok, body);
    cr_expect_eq(r->status, 422, "a response needs responded_on");
    cr_expect(tcw_has_error(r, "responded_on"), "%s", r->body);
    tc_free(r);

    for (int i = 0; i < 4; i++) {
        snprintf(body, sizeof body,
                 "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"letter\"}", old[i],
                 today);
        oc[i] = take_id(tc_post("/v1/outreach-contacts", tok, body), 201);
        cr_assert_not_null(oc[i]);
    }
    snprintf(path, sizeof path, "/v1/outreach-contacts/%s", oc[0]);
    snprintf(body, sizeof body, "{\"response\":\"wants_service\",\"responded_on\":\"%s\"}", today);
    r = tc_req("PATCH", path, tok, body, "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "response"), "wants_service");
    tc_free(r);
    r = tc_req("PATCH", path, tok, body, "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412);
    tc_free(r);
    r = tc_patch(path, tok, "{\"sent_on\":\"2026-01-01\",\"channel\":\"text\"}");
    cr_expect_eq(r->status, 422, "who, when and how are fixed");
    cr_expect_eq(tcw_error_count(r), 2, "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/outreach-contacts/%s", oc[1]);
    snprintf(body, sizeof body, "{\"response\":\"not_at_address\",\"responded_on\":\"%s\"}", today);
    r = tc_patch(path, tok, body);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);

    /* the adviser's summary covers its own caseload: 4 sent, 2 replies */
    r = tc_get("/v1/outreach-contacts/summary", tok);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "sent")->valueint, 4, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "replies")->valueint, 2);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "response_rate_pct")->valuedouble, 50.0);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "wants_service_pct_of_replies")->valuedouble, 50.0);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "not_at_address")->valueint, 1);
    tc_free(r);
    r = tc_get("/v1/outreach-contacts/summary?from=2001-01-01&to=2001-12-31", board);
    cr_expect_eq(r->status, 200, "the Board reads the aggregate: %s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "sent")->valueint, 0);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "response_rate_pct")));
    tc_free(r);
    r = tc_get("/v1/outreach-contacts/summary?from=2026-02-01&to=2026-01-01", board);
    cr_expect_eq(r->status, 400, "to before from");
    tc_free(r);
    r = tc_get("/v1/outreach-contacts", board);
    cr_expect_eq(r->status, 403, "the Board sees no person");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/outreach-contacts?care_leaver_id=%s", old[1]);
    r = tc_get(path, tok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);
    for (int i = 0; i < 4; i++) {
        free(oc[i]);
        free(old[i]);
    }
    free(young);
    free(adv);
    free(tok);
    free(board);
    free(mgr);
}

/* Outreach rows and audit rows about outreach for one care leaver. */
static long
outreach_rows(const char *cl)
{
    return tcw_sql_long("SELECT (SELECT count(*) FROM outreach_contacts WHERE care_leaver_id = "
                        "$1::uuid) + (SELECT count(*) FROM audit_log WHERE resource_type = "
                        "'outreach_contact' AND detail->>'care_leaver_id' = $1::text)",
                        1, (const char *[]){cl});
}

static struct tc_resp *
send_outreach(const char *token, const char *cl, int days_ago)
{
    char body[200], on[11];

    tcw_date(on, 0, days_ago);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"letter\"}", cl, on);
    return tc_post("/v1/outreach-contacts", token, body);
}

/* Outreach is for former relevant 21-25s NOT receiving a service on sent_on, i.e. whose case
 * was not open that day: an open case, a qualifying young person, or a letter dated while the
 * case was still open are 409 with nothing written; after the case closed (from the closing
 * day itself) it is accepted, and its reply can be recorded once the case reopens. */
Test(casework, outreach_only_for_former_relevant_not_receiving_a_service)
{
    char *adv = tcw_adviser(30), *tok = tc_token("adviser", adv, NULL);
    char *mgr = tc_token("manager", NULL, NULL);
    char *open = new_care_leaver(mgr, "ORO", 23, "former_relevant", adv);
    char *qual = closed_care_leaver(mgr, "ORQ", 23, "qualifying", adv, 60);
    char *gone = closed_care_leaver(mgr, "ORC", 23, "former_relevant", adv, 60);
    char path[200], body[200], today[11];
    struct tc_resp *r;
    char *oc;

    tcw_date(today, 0, 0);
    r = send_outreach(tok, open, 0);
    cr_expect_eq(r->status, 409, "an open case is receiving a service: %s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    cr_expect(tc_str(r, "detail") && strstr(tc_str(r, "detail"), "not receiving a service"), "%s",
              r->body);
    tc_free(r);
    cr_expect_eq(outreach_rows(open), 0, "nothing written, nothing audited");

    r = send_outreach(tok, qual, 0);
    cr_expect_eq(r->status, 409, "qualifying, not former relevant: %s", r->body);
    cr_expect(tc_str(r, "detail") && strstr(tc_str(r, "detail"), "former relevant"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(outreach_rows(qual), 0);

    r = send_outreach(tok, gone, 90);
    cr_expect_eq(r->status, 409, "sent while the case was still open: %s", r->body);
    tc_free(r);
    r = send_outreach(tok, gone, 61);
    cr_expect_eq(r->status, 409, "the day before it closed: %s", r->body);
    tc_free(r);
    cr_expect_eq(outreach_rows(gone), 0, "nothing written");

    r = send_outreach(tok, gone, 60);
    cr_expect_eq(r->status, 201, "from the closing day on: %s", r->body);
    tc_free(r);
    oc = take_id(send_outreach(tok, gone, 0), 201);
    cr_assert_not_null(oc);

    /* the young person asks for a service again: the reply is recorded, the case reopens, and
     * from then on they are receiving one */
    snprintf(path, sizeof path, "/v1/care-leavers/%s", gone);
    r = tc_patch(path, mgr, "{\"status\":\"open\"}");
    cr_expect_eq(r->status, 200, "reopened: %s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/outreach-contacts/%s", oc);
    snprintf(body, sizeof body, "{\"response\":\"wants_service\",\"responded_on\":\"%s\"}", today);
    r = tc_patch(path, tok, body);
    cr_expect_eq(r->status, 200, "the reply to a letter sent while closed: %s", r->body);
    tc_free(r);
    r = send_outreach(tok, gone, 0);
    cr_expect_eq(r->status, 409, "open again, so receiving a service: %s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM outreach_contacts WHERE care_leaver_id = "
                              "$1::uuid",
                              1, (const char *[]){gone}),
                 2, "the two accepted attempts only");
    free(oc);
    free(open);
    free(qual);
    free(gone);
    free(mgr);
    free(tok);
    free(adv);
}

/* Every casework route, every role and no token: allowed roles get an answer that is not
 * 401/403 for real ids (an adviser's own record), the others exactly 403, no token 401. */
Test(casework, role_matrix_of_the_casework_routes)
{
    char *adv = tcw_adviser(30), *mgr = tc_token("manager", NULL, NULL);
    char *cl = new_care_leaver(mgr, "RMX", 22, "former_relevant", adv);
    char *gone = closed_care_leaver(mgr, "RMG", 22, "former_relevant", adv, 60);
    char *plan, *contact, *event, *oc, body[300], today[11];
    static const char *const roles[] = {"board",   "partner", "adviser",
                                        "manager", "admin",   "service"};
    struct {
        const char *method, *fmt, *body;
        unsigned allowed; /* bit per role in roles[] order */
    } ops[] = {
        {"GET", "/v1/advisers/{a}/caseload", NULL, 0x3c},
        {"GET", "/v1/care-leavers", NULL, 0x3c},
        {"POST", "/v1/care-leavers", "{}", 0x1c},
        {"GET", "/v1/care-leavers/{c}", NULL, 0x3c},
        {"PATCH", "/v1/care-leavers/{c}", "{\"district\":\"Castleton\"}", 0x1c},
        {"GET", "/v1/care-leavers/{c}/pathway-plans", NULL, 0x3c},
        {"POST", "/v1/care-leavers/{c}/pathway-plans", "{}", 0x1c},
        {"GET", "/v1/care-leavers/{c}/pathway-plans/{p}", NULL, 0x3c},
        {"PATCH", "/v1/care-leavers/{c}/pathway-plans/{p}", "{\"eet\":\"x\"}", 0x1c},
        {"GET", "/v1/care-leavers/{c}/contacts", NULL, 0x3c},
        {"POST", "/v1/care-leavers/{c}/contacts", "{}", 0x3c},
        {"GET", "/v1/care-leavers/{c}/contacts/{k}", NULL, 0x3c},
        {"GET", "/v1/care-leavers/{c}/status-periods", NULL, 0x3c},
        {"POST", "/v1/care-leavers/{c}/status-periods", "{}", 0x1c},
        {"GET", "/v1/care-leavers/{c}/contact-status-events", NULL, 0x3c},
        {"POST", "/v1/care-leavers/{c}/contact-status-events", "{}", 0x1c},
        {"GET", "/v1/care-leavers/{c}/contact-status-events/{e}", NULL, 0x3c},
        {"GET", "/v1/outreach-contacts", NULL, 0x3c},
        {"POST", "/v1/outreach-contacts", "{}", 0x1c},
        {"GET", "/v1/outreach-contacts/summary", NULL, 0x3d},
        {"GET", "/v1/outreach-contacts/{o}", NULL, 0x3c},
        {"PATCH", "/v1/outreach-contacts/{o}", "{\"notes\":\"x\"}", 0x1c},
    };

    tcw_date(today, 0, 0);
    plan = take_id(post_to(cl, "pathway-plans", mgr, "{\"started_on\":\"2026-01-01\"}"), 201);
    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"method\":\"phone\",\"successful\":false}", today);
    contact = take_id(post_to(cl, "contacts", mgr, body), 201);
    snprintf(body, sizeof body, "{\"status\":\"refuses_contact\",\"occurred_on\":\"%s\"}", today);
    event = take_id(post_to(cl, "contact-status-events", mgr, body), 201);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"%s\",\"channel\":\"email\"}", gone, today);
    oc = take_id(tc_post("/v1/outreach-contacts", mgr, body), 201);
    cr_assert(plan && contact && event && oc);

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        char path[300];
        struct tc_resp *r;

        fill(path, sizeof path, ops[i].fmt, (const char *[]){adv, cl, plan, contact, event, oc});
        r = tc_req(ops[i].method, path, NULL, ops[i].body, NULL);
        cr_expect_eq(r->status, 401, "%s %s without a token: %d", ops[i].method, ops[i].fmt,
                     r->status);
        tc_free(r);
        for (int k = 0; k < 6; k++) {
            char *tok = tc_token(roles[k], adv, adv);
            int allowed = (ops[i].allowed >> k) & 1;

            r = tc_req(ops[i].method, path, tok, ops[i].body, NULL);
            if (allowed)
                cr_expect(r->status >= 200 && r->status < 500 && r->status != 401 &&
                              r->status != 403 && r->status != 404,
                          "%s %s as %s: %d %s", ops[i].method, ops[i].fmt, roles[k], r->status,
                          r->body);
            else
                cr_expect_eq(r->status, 403, "%s %s as %s: %d", ops[i].method, ops[i].fmt, roles[k],
                             r->status);
            tc_free(r);
            free(tok);
        }
    }
    free(plan);
    free(contact);
    free(event);
    free(oc);
    free(cl);
    free(gone);
    free(adv);
    free(mgr);
}
