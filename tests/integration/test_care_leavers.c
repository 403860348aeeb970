/* /v1/care-leavers and /v1/advisers/{id}/caseload: CRUD, validation (every bad field at once,
 * nothing written), allocation against caseload limits, closing, filters and keyset pages,
 * derived fields on constructed histories, scoping and the audit of every read. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"

TestSuite(care_leavers, .init = cl_mem_init, .timeout = 120);

static long
count_where(const char *sql, const char *param)
{
    return tcw_sql_long(sql, 1, (const char *[]){param});
}

static long
audits(const char *action, const char *id)
{
    return tcw_sql_long(
        "SELECT count(*) FROM audit_log WHERE action = $1 AND resource_id = $2::uuid", 2,
        (const char *[]){action, id});
}

/* Care leavers whose la_child_id starts with prefix and this process's part of tcw_uid. */
static long
mine(const char *prefix)
{
    char like[16];

    snprintf(like, sizeof like, "%.3s%05u%%", prefix, (unsigned)getpid() % 100000u);
    return tcw_sql_long("SELECT count(*) FROM care_leavers WHERE la_child_id LIKE $1", 1,
                        (const char *[]){like});
}

static const char *
jstr(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static int
jbool(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    return cJSON_IsBool(v) ? cJSON_IsTrue(v) : -1;
}

Test(care_leavers, create_read_patch_with_if_match_and_audit)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], dob[11], path[128];
    int st;
    char *id;
    struct tc_resp *r;

    tcw_uid(uid, "CRU");
    tcw_date(dob, 19, 30);
    id = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Castleton", NULL,
                         ",\"phone\":\"07700 900123\",\"email\":\"Alex@Example.org\","
                         "\"postcode\":\"CT1 2AB\",\"preferred_name\":\"Lex\"",
                         &st);
    cr_assert_eq(st, 201);
    cr_assert_not_null(id);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", id);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"1\"");
    cr_expect_str_eq(tc_str(r, "la_child_id"), uid);
    cr_expect_str_eq(tc_str(r, "email"), "alex@example.org", "emails are stored lower-case");
    cr_expect_eq(cJSON_GetObjectItem(r->json, "age")->valueint, 19);
    cr_expect_str_eq(tc_str(r, "contact_status"), "not_in_touch");
    cr_expect_eq(jbool(r->json, "in_touch"), 0);
    cr_expect_eq(jbool(r->json, "plan_overdue"), 0, "a new case has three months for a plan");
    cr_expect_not_null(tc_str(r, "next_visit_due_on"));
    tc_free(r);
    cr_expect_eq(audits("read", id), 1, "the read is audited");
    cr_expect_eq(audits("create", id), 1, "the create is audited");

    r = tc_req("PATCH", path, mgr, "{\"district\":\"Dunmere\",\"preferred_name\":null}",
               "If-Match: \"1\"\r\nContent-Type: application/merge-patch+json\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"2\"");
    cr_expect_str_eq(tc_str(r, "district"), "Dunmere");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "preferred_name")), "null clears");
    tc_free(r);
    r = tc_req("PATCH", path, mgr, "{\"district\":\"Eastwold\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412, "a stale If-Match: %s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    tc_free(r);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE id = $1::uuid "
                             "AND district = 'Dunmere'",
                             id),
                 1, "nothing written by the stale request");
    free(id);
    free(mgr);
}

Test(care_leavers, bad_input_lists_every_field_and_writes_nothing)
{
    char *mgr = tc_token("manager", NULL, NULL), name[160], family[32];
    long before;
    const char *fields[] = {"la_child_id", "given_name", "date_of_birth", "sex",       "ethnicity",
                            "category",    "phone",      "email",         "postcode",  "colour",
                            "age",         "district",   "uasc",          "adviser_id"};
    char body[1024];
    struct tc_resp *r;

    memset(name, 'a', 101);
    name[101] = '\0';
    snprintf(family, sizeof family, "BadInput%d", (int)getpid());
    before = count_where("SELECT count(*) FROM care_leavers WHERE family_name = $1", family);
    snprintf(body, sizeof body,
             "{\"la_child_id\":\"bad-id!\",\"given_name\":\"%s\",\"family_name\":\"%s\","
             "\"date_of_birth\":\"2023-02-30\",\"sex\":\"X\",\"ethnicity\":\"ZZZZ\","
             "\"category\":5,\"phone\":\"call me\",\"email\":\"nope\",\"postcode\":\"ab1 2cd\","
             "\"colour\":\"red\",\"age\":19,\"uasc\":\"yes\",\"adviser_id\":\"42\"}",
             name, family);
    r = tc_post("/v1/care-leavers", mgr, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    for (size_t i = 0; i < sizeof fields / sizeof fields[0]; i++)
        cr_expect(tcw_has_error(r, fields[i]), "%s is listed: %s", fields[i], r->body);
    cr_expect_eq(tcw_error_count(r), (int)(sizeof fields / sizeof fields[0]), "%s", r->body);
    tc_free(r);

    r = tc_post("/v1/care-leavers", mgr, "{\"la_child_id\": ");
    cr_expect_eq(r->status, 400, "malformed JSON");
    tc_free(r);
    r = tc_post("/v1/care-leavers", mgr, "[1,2]");
    cr_expect_eq(r->status, 422, "not an object");
    tc_free(r);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE family_name = $1", family),
                 before, "nothing written");
    free(mgr);
}

Test(care_leavers, dates_and_ages_outside_the_service)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], dob[11], extra[128];
    long before = mine("AGE");
    struct {
        int years, days;
        const char *extra;
        const char *field;
    } cases[] = {
        {-1, 0, "", "date_of_birth"},                                    /* born next year */
        {0, -3, "", "date_of_birth"},                                    /* born in three days */
        {26, 1, "", "date_of_birth"},                                    /* 26 */
        {14, 0, "", "date_of_birth"},                                    /* 14 */
        {18, 0, ",\"care_ceased_on\":\"2999-01-01\"", "care_ceased_on"}, /* future */
        {18, 0, ",\"opened_on\":\"2010-13-01\"", "opened_on"},           /* no month 13 */
    };
    int st;

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++) {
        char *id;

        tcw_uid(uid, "AGE");
        tcw_date(dob, cases[i].years, cases[i].days);
        snprintf(extra, sizeof extra, "%s", cases[i].extra);
        id = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Castleton", NULL, extra, &st);
        cr_expect_eq(st, 422, "case %zu", i);
        cr_expect_null(id);
        free(id);
    }
    /* the same rules through the SQL cross-field checks */
    {
        struct tc_resp *r;
        char body[512];

        tcw_uid(uid, "AGE");
        tcw_date(dob, 16, 10);
        snprintf(body, sizeof body,
                 "{\"la_child_id\":\"%s\",\"given_name\":\"A\",\"family_name\":\"B\","
                 "\"date_of_birth\":\"%s\",\"sex\":\"M\",\"ethnicity\":\"BAFR\","
                 "\"category\":\"eligible\",\"district\":\"Greyhaven\","
                 "\"care_ceased_on\":\"2001-01-01\",\"opened_on\":\"2001-01-01\","
                 "\"closed_on\":\"2026-01-01\"}",
                 uid, dob);
        r = tc_post("/v1/care-leavers", mgr, body);
        cr_expect_eq(r->status, 422, "%s", r->body);
        cr_expect(tcw_has_error(r, "care_ceased_on"), "%s", r->body);
        cr_expect(tcw_has_error(r, "opened_on"), "%s", r->body);
        cr_expect(tcw_has_error(r, "closed_on"), "%s", r->body);
        tc_free(r);
    }
    cr_expect_eq(mine("AGE"), before, "nothing written");
    free(mgr);
}

Test(care_leavers, missing_fields_and_duplicate_child_id)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], dob[11];
    int st;
    char *a, *b;
    struct tc_resp *r;

    r = tc_post("/v1/care-leavers", mgr, "{\"given_name\":\"Only\"}");
    cr_expect_eq(r->status, 422);
    cr_expect(tcw_has_error(r, "la_child_id") && tcw_has_error(r, "family_name") &&
                  tcw_has_error(r, "date_of_birth") && tcw_has_error(r, "sex") &&
                  tcw_has_error(r, "ethnicity") && tcw_has_error(r, "category") &&
                  tcw_has_error(r, "district"),
              "%s", r->body);
    cr_expect_eq(tcw_error_count(r), 7, "%s", r->body);
    tc_free(r);

    tcw_uid(uid, "DUP");
    tcw_date(dob, 20, 0);
    a = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Castleton", NULL, "", &st);
    cr_expect_eq(st, 201);
    b = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Castleton", NULL, "", &st);
    cr_expect_eq(st, 409, "a duplicate la_child_id");
    cr_expect_null(b);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE la_child_id = $1", uid), 1);
    free(a);
    free(mgr);
}

/* An adviser sees only its caseload, so a clash of la_child_id with someone else's record must
 * not be confirmed to it in words (a unique key means the write fails either way): the 409
 * says only that the CHILD id cannot be used and echoes nothing of the other record. A
 * manager, who sees every record, is told plainly. */
Test(care_leavers, an_adviser_is_not_told_that_a_child_id_exists)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv_id = tcw_adviser(30), *adv, uid[11], uid2[11],
         dob[11], body[512], path[128];
    char *other, *own;
    int st;
    struct tc_resp *r;

    adv = tc_token("adviser", adv_id, NULL);
    tcw_uid(uid, "HID");
    tcw_uid(uid2, "HID");
    tcw_date(dob, 20, 0);
    other = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Castleton", NULL, "", &st);
    cr_assert_eq(st, 201);

    snprintf(body, sizeof body,
             "{\"la_child_id\":\"%s\",\"given_name\":\"A\",\"family_name\":\"B\","
             "\"date_of_birth\":\"%s\",\"sex\":\"F\",\"ethnicity\":\"WBRI\","
             "\"category\":\"former_relevant\",\"district\":\"Castleton\"}",
             uid, dob);
    r = tc_post("/v1/care-leavers", adv, body);
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect_null(strstr(r->body, "exists"), "%s", r->body);
    cr_expect_null(strstr(r->body, uid), "%s", r->body);
    cr_expect_null(strstr(r->body, other), "%s", r->body);
    tc_free(r);

    /* the same through a PATCH of the adviser's own care leaver */
    own = tcw_care_leaver(adv, uid2, dob, "former_relevant", "Castleton", NULL, "", &st);
    cr_assert_eq(st, 201);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", own);
    snprintf(body, sizeof body, "{\"la_child_id\":\"%s\"}", uid);
    r = tc_req("PATCH", path, adv, body, "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect_null(strstr(r->body, "exists"), "%s", r->body);
    cr_expect_null(strstr(r->body, uid), "%s", r->body);
    tc_free(r);

    r = tc_req("PATCH", path, mgr, body, "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect_not_null(strstr(r->body, "already exists"), "a manager is told: %s", r->body);
    tc_free(r);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE la_child_id = $1", uid), 1);
    free(own);
    free(other);
    free(adv);
    free(adv_id);
    free(mgr);
}

Test(care_leavers, allocation_respects_the_caseload_limit_unless_overridden)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv = tcw_adviser(1), *other = tcw_adviser(5);
    char uid[11], dob[11], path[128];
    int st;
    char *a, *b, *c;
    struct tc_resp *r;

    cr_assert_not_null(adv);
    tcw_date(dob, 19, 0);
    tcw_uid(uid, "ALO");
    a = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Fernbridge", adv, "", &st);
    cr_expect_eq(st, 201);
    tcw_uid(uid, "ALO");
    b = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Fernbridge", adv, "", &st);
    cr_expect_eq(st, 409, "the adviser is at its limit");
    cr_expect_null(b);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE adviser_id = $1::uuid", adv),
                 1, "nothing written");
    b = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Fernbridge", adv,
                        ",\"override_caseload_limit\":true", &st);
    cr_expect_eq(st, 201, "an override allocates anyway");
    cr_assert_not_null(b);
    cr_expect_eq(audits("override", b), 1, "the override is audited");

    /* reallocation to a full adviser by PATCH */
    tcw_uid(uid, "ALO");
    c = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Fernbridge", other, "", &st);
    cr_assert_not_null(c);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", c);
    {
        char body[128];

        snprintf(body, sizeof body, "{\"adviser_id\":\"%s\"}", adv);
        r = tc_patch(path, mgr, body);
        cr_expect_eq(r->status, 409, "%s", r->body);
        tc_free(r);
        snprintf(body, sizeof body, "{\"adviser_id\":\"%s\",\"override_caseload_limit\":true}",
                 adv);
        r = tc_patch(path, mgr, body);
        cr_expect_eq(r->status, 200, "%s", r->body);
        cr_expect_str_eq(tc_str(r, "adviser_id"), adv);
        tc_free(r);
    }
    cr_expect_eq(audits("override", c), 1);
    cr_expect_eq(audits("allocate", c), 2, "allocated at creation and again");

    /* the caseload shows the three, over the limit */
    snprintf(path, sizeof path, "/v1/advisers/%s/caseload", adv);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "count")->valueint, 3);
    cr_expect_eq(jbool(r->json, "over_limit"), 1);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "by_category"), "former_relevant")
                     ->valueint,
                 3);
    tc_free(r);
    free(a);
    free(b);
    free(c);
    free(adv);
    free(other);
    free(mgr);
}

Test(care_leavers, an_adviser_may_not_allocate)
{
    char *me = tcw_adviser(24), *other = tcw_adviser(24);
    char *tok = tc_token("adviser", me, NULL), uid[11], dob[11], path[128], body[160];
    int st;
    char *id;
    struct tc_resp *r;

    tcw_date(dob, 17, 0);
    tcw_uid(uid, "ADA");
    id = tcw_care_leaver(tok, uid, dob, "relevant", "Ashford Vale", other, "", &st);
    cr_expect_eq(st, 403, "an adviser adding to another's caseload");
    free(id);
    id = tcw_care_leaver(tok, uid, dob, "relevant", "Ashford Vale", NULL,
                         ",\"override_caseload_limit\":true", &st);
    cr_expect_eq(st, 403, "an adviser overriding a limit");
    free(id);
    id = tcw_care_leaver(tok, uid, dob, "relevant", "Ashford Vale", NULL, "", &st);
    cr_expect_eq(st, 201, "added to its own caseload");
    cr_assert_not_null(id);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE adviser_id = $1::uuid", me),
                 1);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", id);
    snprintf(body, sizeof body, "{\"adviser_id\":\"%s\"}", other);
    r = tc_patch(path, tok, body);
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);
    r = tc_patch(path, tok, "{\"district\":\"Brackenmoor\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE adviser_id = $1::uuid", me),
                 1, "still allocated to the adviser");
    free(id);
    free(tok);
    free(me);
    free(other);
}

Test(care_leavers, close_and_reopen)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], dob[11], path[128], today[11];
    char body[256];
    int st;
    char *id;
    struct tc_resp *r;

    tcw_uid(uid, "CLO");
    tcw_date(dob, 21, 0);
    tcw_date(today, 0, 0);
    id = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Greyhaven", NULL,
                         ",\"opened_on\":\"2024-01-01\"", &st);
    cr_assert_not_null(id);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", id);
    r = tc_patch(path, mgr, "{\"status\":\"closed\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "closed_on") && tcw_has_error(r, "closed_reason"), "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"status\":\"closed\",\"closed_on\":\"%s\","
             "\"closed_reason\":\"No longer requires services\"}",
             today);
    r = tc_patch(path, mgr, body);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "closed");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_visit_due_on")), "%s", r->body);
    cr_expect_eq(jbool(r->json, "visit_overdue"), 0);
    cr_expect_eq(jbool(r->json, "plan_overdue"), 0);
    tc_free(r);
    cr_expect_eq(audits("close", id), 1, "closing is audited");
    r = tc_patch(path, mgr, "{\"status\":\"open\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "closed_on")), "reopening clears");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "closed_reason")));
    tc_free(r);
    r = tc_patch(path, mgr, "{\"closed_reason\":\"x\"}");
    cr_expect_eq(r->status, 422, "an open case has no closed_reason: %s", r->body);
    tc_free(r);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE id = $1::uuid", id), 1,
                 "never deleted");
    free(id);
    free(mgr);
}

/* Pages through the list at path with limit per page; returns the ids in order (caller frees). */
static int
collect(const char *token, const char *first, char ids[][37], int max)
{
    char path[1024];
    int n = 0;

    snprintf(path, sizeof path, "%s", first);
    for (int pages = 0; pages < 100; pages++) {
        struct tc_resp *r = tc_get(path, token);
        const cJSON *it, *next;

        cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
        cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
        {
            if (n < max)
                snprintf(ids[n], 37, "%s", jstr(it, "id"));
            n++;
        }
        next = cJSON_GetObjectItem(r->json, "next_cursor");
        if (!cJSON_IsString(next)) {
            cr_expect_null(tc_header(r, "Link"), "no Link on the last page");
            tc_free(r);
            break;
        }
        cr_expect_not_null(tc_header(r, "Link"));
        snprintf(path, sizeof path, "%s&cursor=%s", first, next->valuestring);
        tc_free(r);
    }
    return n;
}

Test(care_leavers, filters_and_keyset_pages)
{
    char *mgr = tc_token("manager", NULL, NULL), district[32], uid[11], dob[11], path[256];
    char ids[40][37], prefix[8];
    int st, n;
    const char *cats[] = {"eligible", "relevant", "former_relevant", "qualifying"};

    tcw_uid(uid, "DIS");
    snprintf(district, sizeof district, "District%s", uid);
    snprintf(prefix, sizeof prefix, "%.3s", "PGX");
    for (int i = 0; i < 23; i++) {
        char *id;

        tcw_uid(uid, "PGX");
        tcw_date(dob, i % 2 ? 17 : 22, i);
        id = tcw_care_leaver(mgr, uid, dob, i % 2 ? cats[i % 4 == 1 ? 0 : 1] : cats[2], district,
                             NULL, "", &st);
        cr_assert_eq(st, 201);
        free(id);
    }
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&limit=3", district);
    n = collect(mgr, path, ids, 40);
    cr_expect_eq(n, 23, "every row once across 8 pages");
    for (int i = 0; i < n && i < 40; i++)
        for (int j = i + 1; j < n && j < 40; j++)
            cr_expect_str_neq(ids[i], ids[j], "no row twice");

    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&category=former_relevant&limit=200",
             district);
    cr_expect_eq(collect(mgr, path, ids, 40), 12);
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&max_age=17", district);
    cr_expect_eq(collect(mgr, path, ids, 40), 11);
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&min_age=18&max_age=25", district);
    cr_expect_eq(collect(mgr, path, ids, 40), 12);
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&q=%s", district, uid);
    cr_expect_eq(collect(mgr, path, ids, 40), 1, "q is an la_child_id prefix");
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&q=fenwickpgx", district);
    cr_expect_eq(collect(mgr, path, ids, 40), 23, "q is a family name prefix, any case");
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&in_touch=true", district);
    cr_expect_eq(collect(mgr, path, ids, 40), 0);
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&status=closed", district);
    cr_expect_eq(collect(mgr, path, ids, 40), 0);
    cr_expect_eq(tcw_sql_long("SELECT count(DISTINCT c.id) FROM audit_log a JOIN care_leavers c "
                              "ON c.id = ANY (a.resource_ids) WHERE a.action = 'list' AND "
                              "c.district = $1",
                              1, (const char *[]){district}) >= 23,
                 1, "every listed care leaver is audited");
    {
        const char *bad[] = {"/v1/care-leavers?limit=0",         "/v1/care-leavers?limit=201",
                             "/v1/care-leavers?cursor=nonsense", "/v1/care-leavers?category=x",
                             "/v1/care-leavers?in_touch=yes",    "/v1/care-leavers?adviser_id=1",
                             "/v1/care-leavers?min_age=-1",      "/v1/care-leavers?q="};

        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            struct tc_resp *r = tc_get(bad[i], mgr);

            cr_expect_eq(r->status, 400, "%s: %d", bad[i], r->status);
            tc_free(r);
        }
    }
    free(mgr);
}

/* Derived fields from constructed histories, through the API and the SQL functions on other
 * dates. */
Test(care_leavers, derived_fields_on_constructed_data)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv = tcw_adviser(30);
    char uid[11], dob[11], d10[11], d60[11], d100[11], d200[11], d400[11], path[128];
    int st;
    char *a, *b, *c;
    struct tc_resp *r;

    tcw_date(dob, 19, 0);
    tcw_date(d10, 0, 10);
    tcw_date(d60, 0, 60);
    tcw_date(d100, 0, 100);
    tcw_date(d200, 0, 200);
    tcw_date(d400, 1, 35);
    /* a: visited 10 days ago, plan reviewed 100 days ago: in touch, nothing overdue */
    tcw_uid(uid, "DRV");
    a = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Eastwold", adv,
                        ",\"opened_on\":\"2020-01-01\"", &st);
    cr_assert_not_null(a);
    cr_assert_eq(tcw_sql("INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, "
                         "statutory_visit, recorded_on) VALUES ($1::uuid, $2::date, 'home_visit', "
                         "true, true, $2::date)",
                         2, (const char *[]){a, d10}),
                 0);
    cr_assert_eq(tcw_sql("INSERT INTO pathway_plans (care_leaver_id, version_no, status, "
                         "started_on, reviewed_on) VALUES ($1::uuid, 1, 'current', $2::date, "
                         "$3::date)",
                         3, (const char *[]){a, d400, d100}),
                 0);
    /* b: last successful contact 100 days ago (phone), last visit 200 days ago, plan last
     * reviewed 200 days ago: not in touch, visit and plan overdue */
    tcw_uid(uid, "DRV");
    b = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Eastwold", adv,
                        ",\"opened_on\":\"2020-01-01\"", &st);
    cr_assert_not_null(b);
    cr_assert_eq(tcw_sql("INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, "
                         "statutory_visit, recorded_on) VALUES ($1::uuid, $2::date, 'phone', true, "
                         "false, $2::date), ($1::uuid, $3::date, 'home_visit', true, true, "
                         "$3::date), ($1::uuid, $4::date, 'phone', false, false, $4::date)",
                         4, (const char *[]){b, d100, d200, d10}),
                 0);
    cr_assert_eq(tcw_sql("INSERT INTO pathway_plans (care_leaver_id, version_no, status, "
                         "started_on, reviewed_on) VALUES ($1::uuid, 1, 'current', $2::date, "
                         "$3::date)",
                         3, (const char *[]){b, d400, d200}),
                 0);
    /* c: a qualifying young person with no plan: no plan or visit duty */
    tcw_uid(uid, "DRV");
    c = tcw_care_leaver(mgr, uid, dob, "qualifying", "Eastwold", adv,
                        ",\"opened_on\":\"2020-01-01\"", &st);
    cr_assert_not_null(c);

    snprintf(path, sizeof path, "/v1/care-leavers/%s", a);
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "contact_status"), "in_touch", "%s", r->body);
    cr_expect_eq(jbool(r->json, "in_touch"), 1);
    cr_expect_str_eq(tc_str(r, "last_contact_on"), d10);
    cr_expect_eq(jbool(r->json, "visit_overdue"), 0);
    cr_expect_eq(jbool(r->json, "plan_overdue"), 0);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", b);
    r = tc_get(path, mgr);
    cr_expect_str_eq(tc_str(r, "contact_status"), "not_in_touch", "%s", r->body);
    cr_expect_str_eq(tc_str(r, "last_contact_on"), d100, "an unsuccessful attempt is no contact");
    cr_expect_eq(jbool(r->json, "visit_overdue"), 1);
    cr_expect_eq(jbool(r->json, "plan_overdue"), 1);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s", c);
    r = tc_get(path, mgr);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "pathway_plan_due_on")), "%s", r->body);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_visit_due_on")), "%s", r->body);
    cr_expect_eq(jbool(r->json, "plan_overdue"), 0);
    tc_free(r);

    /* next visit = last statutory visit + 56 days for a former relevant 19-year-old */
    cr_expect_eq(tcw_sql_long("SELECT f.next_visit_due_on - $2::date FROM care_leavers c "
                              "CROSS JOIN LATERAL care_leaver_facts(c, current_date, 92) f "
                              "WHERE c.id = $1::uuid",
                              2, (const char *[]){b, d200}),
                 56);
    /* as at 150 days ago b was in touch (the contact 200 days ago was within 92 days) */
    cr_expect_eq(tcw_sql_long("SELECT (s.status = 'in_touch')::int "
                              "FROM cl_contact_status_in($1::uuid, current_date - 242, "
                              "current_date - 150) s",
                              1, (const char *[]){b}),
                 1);
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, current_date - 150)::int", 1,
                              (const char *[]){b}),
                 1, "reviewed 200 days ago: up to date 150 days ago");
    cr_expect_eq(tcw_sql_long("SELECT cl_plan_up_to_date($1::uuid, current_date)::int", 1,
                              (const char *[]){b}),
                 0);
    /* the caseload counts from the same functions */
    snprintf(path, sizeof path, "/v1/advisers/%s/caseload", adv);
    r = tc_get(path, mgr);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "count")->valueint, 3, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "visits_overdue")->valueint, 1, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "plans_overdue")->valueint, 1, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "not_in_touch")->valueint, 2, "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&visit_overdue=true", adv);
    {
        char ids[4][37];

        cr_expect_eq(collect(mgr, path, ids, 4), 1);
        cr_expect_str_eq(ids[0], b);
        snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&plan_overdue=false", adv);
        cr_expect_eq(collect(mgr, path, ids, 4), 2);
        snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&in_touch=true", adv);
        cr_expect_eq(collect(mgr, path, ids, 4), 1);
    }
    free(a);
    free(b);
    free(c);
    free(adv);
    free(mgr);
}

Test(care_leavers, working_days_and_recorded_in_time)
{
    /* Christmas 2026: Fri 25 and Mon 28 (substitute Boxing Day) are bank holidays. */
    cr_expect_eq(tc_sql_long("SELECT cl_working_days('2026-12-24', '2026-12-31')"), 3);
    cr_expect_eq(tc_sql_long("SELECT cl_working_days('2026-11-16', '2026-11-23')"), 5);
    cr_expect_eq(tc_sql_long("SELECT cl_working_days('2026-11-16', '2026-11-16')"), 0);
    cr_expect_eq(tc_sql_long("SELECT cl_working_days('2026-12-24', '2027-01-04')"), 4);
    cr_expect_eq(tc_sql_long("SELECT cl_working_days('2026-12-26', '2026-12-27')"), 0);
    cr_expect_eq(
        tc_sql_long("SELECT cl_recorded_in_time('2026-11-16', '2026-11-23', false, 5)::int"), 1);
    cr_expect_eq(
        tc_sql_long("SELECT cl_recorded_in_time('2026-11-16', '2026-11-24', false, 5)::int"), 0);
    cr_expect_eq(
        tc_sql_long("SELECT cl_recorded_in_time('2026-11-16', '2026-11-16', true, 5)::int"), 0,
        "an imported contact is never recorded in time");
    cr_expect_eq(tc_sql_long("SELECT cl_age_on('2008-02-29', '2026-02-28')"), 17);
    cr_expect_eq(tc_sql_long("SELECT cl_age_on('2008-02-29', '2026-03-01')"), 18);
}

/* The statutory visit rule (facts.sql) on hand-worked cases: the interval visit_standards sets
 * for the category and age, and the next visit due from the last one, a week after opening
 * when there was none, nothing for a closed case, after a death or without a standard. */
Test(care_leavers, visit_interval_and_next_visit_due)
{
    cr_expect_eq(tc_sql_long("SELECT i.interval_days FROM cl_visit_interval('eligible', 17) i"),
                 42);
    cr_expect_eq(
        tc_sql_long("SELECT i.interval_days FROM cl_visit_interval('former_relevant', 20) i"), 56);
    cr_expect_eq(
        tc_sql_long("SELECT i.interval_days FROM cl_visit_interval('former_relevant', 21) i"), 91);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM cl_visit_interval('relevant', 18)"), 0);
    cr_expect_eq(tc_sql_long("SELECT to_char(cl_next_visit_due(true, false, '2026-01-10', 56,"
                             " '2025-06-01'), 'YYYYMMDD')::int"),
                 20260307);
    cr_expect_eq(tc_sql_long("SELECT to_char(cl_next_visit_due(true, NULL, NULL, 56, '2025-06-01'),"
                             " 'YYYYMMDD')::int"),
                 20250608);
    cr_expect_eq(
        tc_sql_long("SELECT (cl_next_visit_due(false, false, '2026-01-10', 56, '2025-06-01')"
                    " IS NULL)::int"),
        1);
    cr_expect_eq(tc_sql_long("SELECT (cl_next_visit_due(true, true, '2026-01-10', 56, '2025-06-01')"
                             " IS NULL)::int"),
                 1);
    cr_expect_eq(tc_sql_long("SELECT (cl_next_visit_due(true, false, NULL, NULL, '2025-06-01')"
                             " IS NULL)::int"),
                 1);
}

/* Adviser A cannot reach adviser B's care leaver: by id, by filter, by nested path. */
Test(care_leavers, another_advisers_care_leaver_is_404)
{
    char *ida = tcw_adviser(24), *idb = tcw_adviser(24);
    char *ta = tc_token("adviser", ida, NULL), *mgr = tc_token("manager", NULL, NULL);
    char uid[11], dob[11], path[256], body[256];
    int st;
    char *mine, *theirs;
    long contacts_before, audit_before;
    struct tc_resp *r;

    tcw_date(dob, 22, 0);
    tcw_uid(uid, "SCA");
    mine = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Dunmere", ida, "", &st);
    tcw_uid(uid, "SCB");
    theirs = tcw_care_leaver(mgr, uid, dob, "former_relevant", "Dunmere", idb, "", &st);
    cr_assert(mine && theirs);
    contacts_before =
        count_where("SELECT count(*) FROM contacts WHERE care_leaver_id = $1::uuid", theirs);
    audit_before =
        count_where("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid", theirs);

    snprintf(path, sizeof path, "/v1/care-leavers/%s", mine);
    r = tc_get(path, ta);
    cr_expect_eq(r->status, 200, "its own: %s", r->body);
    tc_free(r);
    {
        const char *gets[] = {"/v1/care-leavers/%s", "/v1/care-leavers/%s/pathway-plans",
                              "/v1/care-leavers/%s/contacts",
                              "/v1/care-leavers/%s/contact-status-events",
                              "/v1/outreach-contacts?care_leaver_id=%s"};

        for (size_t i = 0; i < sizeof gets / sizeof gets[0]; i++) {
            snprintf(path, sizeof path, gets[i], theirs);
            r = tc_get(path, ta);
            cr_expect_eq(r->status, 404, "%s: %d", path, r->status);
            cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
            tc_free(r);
        }
    }
    snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s", idb);
    r = tc_get(path, ta);
    cr_expect_eq(r->status, 404, "filtering by another adviser: %s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/advisers/%s/caseload", idb);
    r = tc_get(path, ta);
    cr_expect_eq(r->status, 404, "another adviser's caseload");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers?district=Dunmere&q=SCB");
    r = tc_get(path, ta);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "invisible in lists: %s", r->body);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/care-leavers/%s", theirs);
    r = tc_patch(path, ta, "{\"district\":\"Castleton\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", theirs);
    r = tc_post(path, ta,
                "{\"occurred_on\":\"2026-01-05\",\"method\":\"phone\",\"successful\":true}");
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/pathway-plans", theirs);
    r = tc_post(path, ta, "{\"started_on\":\"2026-01-05\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contact-status-events", theirs);
    r = tc_post(path, ta, "{\"status\":\"refuses_contact\",\"occurred_on\":\"2026-01-05\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"sent_on\":\"2026-01-05\",\"channel\":\"letter\"}",
             theirs);
    r = tc_post("/v1/outreach-contacts", ta, body);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    cr_expect_eq(
        count_where("SELECT count(*) FROM contacts WHERE care_leaver_id = $1::uuid", theirs),
        contacts_before);
    cr_expect_eq(count_where("SELECT count(*) FROM care_leavers WHERE id = $1::uuid AND "
                             "district = 'Dunmere'",
                             theirs),
                 1, "not changed");
    cr_expect_eq(count_where("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid", theirs),
                 audit_before, "nothing about it was read or written");
    free(mine);
    free(theirs);
    free(ta);
    free(mgr);
    free(ida);
    free(idb);
}
