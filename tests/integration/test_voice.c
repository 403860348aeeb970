/* The young person's voice (issue 21): surveys from the New Belongings template, named and
 * anonymous responses (and that no join recovers who gave an anonymous one), results with
 * suppression and free text only for staff who may read it, statements posted by a service
 * integration with an Idempotency-Key, Outcome Star progress, participation memberships, the
 * Board's voice figures on constructed data, bad input, and the role and BOLA matrix of every
 * voice route. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(voice, .init = cl_mem_init, .timeout = 180);

#define ADULT_DOB "2005-03-01"

static char *
take(struct tc_resp *r, int want, const char *member)
{
    char *v = NULL;

    cr_expect_eq(r->status, want, "%s", r->body);
    if (r->status == want && tc_str(r, member))
        v = strdup(tc_str(r, member));
    tc_free(r);
    return v;
}

static int
status_of(struct tc_resp *r)
{
    int st = r->status;

    tc_free(r);
    return st;
}

/* POSTs body to the path built from fmt and id(s). */
static struct tc_resp *
post_f(const char *token, const char *body, const char *fmt, const char *a, const char *b)
{
    char path[300];

    snprintf(path, sizeof path, fmt, a, b);
    return tc_post(path, token, body);
}

static struct tc_resp *
get_f(const char *token, const char *fmt, const char *a, const char *b)
{
    char path[300];

    snprintf(path, sizeof path, fmt, a, b);
    return tc_get(path, token);
}

/* A survey open from last year to next year, from the New Belongings template or from a scale,
 * a single choice and a free-text question. */
static char *
new_survey(const char *mgr, int anonymous, int template)
{
    char body[600];

    snprintf(body, sizeof body,
             "{\"title\":\"Voice test\",\"anonymous\":%s,\"opens_on\":\"2025-01-01\","
             "\"closes_on\":\"2027-12-31\",%s}",
             anonymous ? "true" : "false",
             template
                 ? "\"template\":\"new_belongings\""
                 : "\"questions\":[{\"text\":\"How well?\",\"type\":\"scale\"},"
                   "{\"text\":\"Which?\",\"type\":\"single_choice\",\"choices\":[\"a\",\"b\"]},"
                   "{\"text\":\"Say more\",\"type\":\"free_text\"}]");
    return take(tc_post("/v1/surveys", mgr, body), 201, "id");
}

static long
responses_of(const char *survey)
{
    return tcw_sql_long("SELECT count(*) FROM survey_responses WHERE survey_id = $1::uuid", 1,
                        (const char *[]){survey});
}

Test(voice, the_new_belongings_template_gives_the_seven_questions)
{
    char *mgr = tc_token("manager", NULL, NULL), *s = new_survey(mgr, 0, 1);
    struct tc_resp *r = get_f(mgr, "/v1/surveys/%s", s, NULL);
    const cJSON *q = cJSON_GetObjectItem(r->json, "questions");

    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(q), 7);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 0), "text")->valuestring,
                     "What were the three best things about leaving care?");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 6), "text")->valuestring,
                     "Is there anything else you would like to say?");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 3), "type")->valuestring,
                     "free_text");
    tc_free(r);
    free(s);
    free(mgr);
}

Test(voice, bad_responses_are_refused_and_nothing_is_written)
{
    char *mgr = tc_token("manager", NULL, NULL), *s = new_survey(mgr, 0, 0);
    char *anon = new_survey(mgr, 1, 0), *adv = tc_seed_adviser();
    char *cl = tc_seed_care_leaver(adv, ADULT_DOB), body[300];
    struct tc_resp *r;

    /* wrong types, a scale outside 1-5, an unknown question: 422 naming answers */
    r = post_f(mgr, "{\"anonymous\":true,\"answers\":{\"1\":6,\"2\":\"c\",\"3\":4,\"9\":\"x\"}}",
               "/v1/surveys/%s/responses", s, NULL);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "answers"));
    cr_expect_eq(tcw_error_count(r), 4, "%s", r->body);
    tc_free(r);
    r = post_f(mgr, "{\"anonymous\":true,\"answers\":{\"1\":2.5}}", "/v1/surveys/%s/responses", s,
               NULL);
    cr_expect_eq(r->status, 422, "a fractional scale: %s", r->body);
    tc_free(r);
    /* an anonymous response carrying a care leaver id */
    snprintf(body, sizeof body,
             "{\"anonymous\":true,\"care_leaver_id\":\"%s\",\"answers\":{\"1\":3}}", cl);
    r = post_f(mgr, body, "/v1/surveys/%s/responses", s, NULL);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "care_leaver_id"));
    tc_free(r);
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"answers\":{\"1\":3}}", cl);
    r = post_f(mgr, body, "/v1/surveys/%s/responses", anon, NULL);
    cr_expect_eq(r->status, 422, "an anonymous survey takes no named response: %s", r->body);
    cr_expect(tcw_has_error(r, "care_leaver_id"));
    tc_free(r);
    /* a day the survey was not open: 409 naming responded_on */
    r = post_f(mgr, "{\"anonymous\":true,\"responded_on\":\"2024-12-31\",\"answers\":{\"1\":3}}",
               "/v1/surveys/%s/responses", s, NULL);
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect(strstr(r->body, "responded_on") != NULL, "%s", r->body);
    tc_free(r);
    cr_expect_eq(responses_of(s), 0, "nothing written");
    cr_expect_eq(responses_of(anon), 0, "nothing written");
    /* a survey that closes before it opens */
    r = tc_post("/v1/surveys", mgr,
                "{\"title\":\"x\",\"anonymous\":true,\"opens_on\":\"2026-02-01\","
                "\"closes_on\":\"2026-01-01\",\"template\":\"new_belongings\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "closes_on"));
    tc_free(r);
    free(s);
    free(anon);
    free(cl);
    free(adv);
    free(mgr);
}

/* The guarantee: whatever is joined to an anonymous response, no care leaver comes out. Its own
 * tables hold no column that could name a person, a principal, an address or a time finer
 * than the day; the one care leaver column is empty; the audit row of its creation (the only
 * other row written in its transaction, found by xmin) names neither the response nor anyone
 * but the member of staff who entered it. */
Test(voice, no_join_recovers_who_gave_an_anonymous_response)
{
    char *mgr = tc_token("manager", NULL, NULL), *s = new_survey(mgr, 0, 0);
    char *resp = take(post_f(mgr, "{\"anonymous\":true,\"answers\":{\"1\":4,\"3\":\"my words\"}}",
                             "/v1/surveys/%s/responses", s, NULL),
                      201, "id");

    cr_assert_not_null(resp);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name IN ('survey_responses', 'survey_answers', "
                             "'survey_answer_themes') AND (data_type LIKE 'timestamp%' "
                             "OR data_type IN ('inet', 'cidr', 'time without time zone') "
                             "OR column_name IN ('created_by', 'created_at', 'updated_at', "
                             "'actor_sub', 'ip', 'address', 'adviser_id'))"),
                 0, "no time finer than the day, no principal, no address");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name IN ('survey_responses', 'survey_answers', "
                             "'survey_answer_themes') AND data_type = 'uuid' AND column_name NOT "
                             "IN ('id', 'survey_id', 'response_id', 'care_leaver_id')"),
                 0, "no other id to join on");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM pg_constraint k "
                             "WHERE k.contype = 'f' AND k.conrelid::regclass::text IN "
                             "('survey_responses', 'survey_answers', 'survey_answer_themes') "
                             "AND k.confrelid::regclass::text NOT IN ('surveys', "
                             "'survey_questions', 'survey_responses', 'survey_answers', "
                             "'survey_themes', 'care_leavers')"),
                 0, "foreign keys only to the survey's own tables (and care_leavers)");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM survey_responses WHERE id = $1::uuid "
                              "AND anonymous AND care_leaver_id IS NULL",
                              1, (const char *[]){resp}),
                 1, "the care leaver column is empty");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log a WHERE a.resource_id = $1::uuid "
                              "OR a.detail::text LIKE '%' || $1 || '%'",
                              1, (const char *[]){resp}),
                 0, "the audit log does not name the response");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log a JOIN survey_responses r "
                              "ON a.xmin = r.xmin WHERE r.id = $1::uuid AND a.role = 'manager' "
                              "AND a.resource_type = 'survey_response' AND a.resource_id IS NULL "
                              "AND a.detail = jsonb_build_object('survey_id', r.survey_id)",
                              1, (const char *[]){resp}),
                 1, "its transaction's audit row names the survey and who entered it only");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log a JOIN survey_responses r "
                              "ON a.xmin = r.xmin WHERE r.id = $1::uuid AND (a.detail ? "
                              "'care_leaver_id' OR a.resource_id IN (SELECT id FROM care_leavers))",
                              1, (const char *[]){resp}),
                 0, "no row written with it names a care leaver");
    free(resp);
    free(s);
    free(mgr);
}

/* Results: counts for everyone, small ones suppressed; free text only for staff, only from
 * the responses they may read, each read audited; the board gets no text at all. */
Test(voice, results_suppress_small_counts_and_show_text_only_to_staff_who_may_read_it)
{
    char *mgr = tc_token("manager", NULL, NULL), *s = new_survey(mgr, 0, 0);
    char *adv = tc_seed_adviser(), *other = tc_seed_adviser();
    char *mine = tc_seed_care_leaver(adv, ADULT_DOB),
         *theirs = tc_seed_care_leaver(other, ADULT_DOB);
    char *atok = tc_token("adviser", adv, NULL), *btok = tc_token("board", NULL, NULL), body[300];
    struct tc_resp *r;
    const cJSON *q;

    /* seven anonymous answers choosing a, one named of the adviser's, one named of another's */
    for (int i = 0; i < 7; i++)
        cr_expect_eq(status_of(post_f(mgr,
                                      "{\"anonymous\":true,\"answers\":{\"1\":4,\"2\":\"a\","
                                      "\"3\":\"anonymous words\"}}",
                                      "/v1/surveys/%s/responses", s, NULL)),
                     201);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"answers\":{\"1\":2,\"2\":\"b\",\"3\":\"mine\"}}", mine);
    cr_expect_eq(status_of(post_f(atok, body, "/v1/surveys/%s/responses", s, NULL)), 201);
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"answers\":{\"1\":3,\"3\":\"theirs\"}}", theirs);
    cr_expect_eq(status_of(post_f(atok, body, "/v1/surveys/%s/responses", s, NULL)), 404,
                 "another adviser's care leaver");
    cr_expect_eq(status_of(post_f(mgr, body, "/v1/surveys/%s/responses", s, NULL)), 201);

    r = get_f(btok, "/v1/surveys/%s/results", s, NULL);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "responses")->valueint, 9);
    q = cJSON_GetObjectItem(r->json, "questions");
    /* scale: 9 answers, mean (7*4 + 2 + 3) / 9 = 3.7 */
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 0), "answered")->valueint, 9);
    cr_expect_float_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 0), "scale_mean")->valuedouble,
                       3.7, 0.001);
    {
        const cJSON *ch = cJSON_GetObjectItem(cJSON_GetArrayItem(q, 1), "choices");

        /* one answer b: suppressed, and a (7) with it, or 8 answered less 7 would give it */
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(ch, 1), "count")));
        cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(ch, 1), "suppressed")));
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(ch, 0), "count")));
        cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 1), "answered")->valueint, 8);
    }
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(q, 2), "free_text")),
              "the board reads no text");
    cr_expect(strstr(r->body, "words") == NULL && strstr(r->body, "mine") == NULL);
    tc_free(r);

    r = get_f(atok, "/v1/surveys/%s/results", s, NULL);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect(strstr(r->body, "\"mine\"") != NULL, "its own caseload's text: %s", r->body);
    cr_expect(strstr(r->body, "theirs") == NULL, "not another's");
    cr_expect(strstr(r->body, "anonymous words") == NULL, "nor anonymous text");
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE role = 'adviser' "
                              "AND action = 'read' AND resource_type = 'survey_response' "
                              "AND detail->>'survey_id' = $1",
                              1, (const char *[]){s}),
                 1, "the one response read audited");

    r = get_f(mgr, "/v1/surveys/%s/results", s, NULL);
    cr_expect(strstr(r->body, "anonymous words") && strstr(r->body, "theirs"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE role = 'manager' "
                              "AND action = 'read' AND resource_type = 'survey_response' "
                              "AND detail->>'survey_id' = $1",
                              1, (const char *[]){s}),
                 9, "every response read audited");
    free(atok);
    free(btok);
    free(mine);
    free(theirs);
    free(adv);
    free(other);
    free(s);
    free(mgr);
}

Test(voice, staff_tag_free_text_answers_with_themes_of_the_list)
{
    char *mgr = tc_token("manager", NULL, NULL), *s = new_survey(mgr, 0, 0), code[40], body[200];
    char *resp = take(post_f(mgr, "{\"anonymous\":true,\"answers\":{\"1\":4,\"3\":\"bills\"}}",
                             "/v1/surveys/%s/responses", s, NULL),
                      201, "id");
    struct tc_resp *r;

    snprintf(code, sizeof code, "money_%d", (int)getpid());
    snprintf(body, sizeof body, "{\"code\":\"%s\",\"label\":\"Money\"}", code);
    cr_expect_eq(status_of(tc_post("/v1/survey-themes", mgr, body)), 201);
    cr_expect_eq(status_of(tc_post("/v1/survey-themes", mgr, body)), 409, "a code twice");
    snprintf(body, sizeof body, "{\"question\":1,\"theme\":\"%s\"}", code);
    r = post_f(mgr, body, "/v1/surveys/%s/responses/%s/themes", s, resp);
    cr_expect_eq(r->status, 422, "a scale answer takes no theme: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body, "{\"question\":3,\"theme\":\"no_such_theme\"}");
    r = post_f(mgr, body, "/v1/surveys/%s/responses/%s/themes", s, resp);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "theme"));
    tc_free(r);
    snprintf(body, sizeof body, "{\"question\":3,\"theme\":\"%s\"}", code);
    r = post_f(mgr, body, "/v1/surveys/%s/responses/%s/themes", s, resp);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect(strstr(r->body, code) != NULL);
    tc_free(r);
    r = get_f(mgr, "/v1/surveys/%s/results", s, NULL);
    cr_expect(strstr(r->body, code) != NULL, "%s", r->body);
    tc_free(r);
    free(resp);
    free(s);
    free(mgr);
}

Test(voice, a_service_integration_posts_statements_once_with_an_idempotency_key)
{
    char *adv = tc_seed_adviser(), *cl = tc_seed_care_leaver(adv, ADULT_DOB);
    char *svc = tc_token("service", NULL, NULL), *atok = tc_token("adviser", adv, NULL);
    char *other = tc_seed_adviser(), *otok = tc_token("adviser", other, NULL), path[200];
    const char *body = "{\"about\":\"plan\",\"source\":\"momo\",\"text\":\"I asked for college\"}";
    struct tc_resp *r;
    char *id;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/statements", cl);
    r = tc_post(path, svc, body);
    cr_expect_eq(r->status, 400, "no key: %s", r->body);
    tc_free(r);
    r = tc_req("POST", path, svc, body, "Idempotency-Key: momo-1\r\n");
    id = take(r, 201, "id");
    r = tc_req("POST", path, svc, body, "Idempotency-Key: momo-1\r\n");
    cr_expect_eq(r->status, 201);
    cr_expect_str_eq(tc_header(r, "Idempotent-Replayed") ? tc_header(r, "Idempotent-Replayed") : "",
                     "true");
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM statements WHERE care_leaver_id = $1::uuid", 1,
                              (const char *[]){cl}),
                 1, "recorded once");
    /* on the record: the adviser's list; another adviser gets 404 */
    r = tc_get(path, atok);
    cr_expect_eq(r->status, 200);
    cr_expect(strstr(r->body, "I asked for college") != NULL);
    tc_free(r);
    cr_expect_eq(status_of(tc_get(path, otok)), 404);
    /* the response: both or neither, not before it was received */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/statements/%s", cl, id);
    r = tc_patch(path, atok, "{\"response\":\"Booked a college visit\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "responded_on"));
    tc_free(r);
    r = tc_patch(path, otok, "{\"response\":\"x\",\"responded_on\":\"2026-01-02\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM statements WHERE id = $1::uuid AND response "
                              "IS NULL",
                              1, (const char *[]){id}),
                 1, "nothing written");
    cr_expect(tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_type = 'statement' "
                           "AND action IN ('read', 'list') AND resource_id = $1::uuid",
                           1, (const char *[]){id}) >= 2,
              "the replay and the list read the text, audited");
    free(id);
    free(svc);
    free(atok);
    free(otok);
    free(cl);
    free(adv);
    free(other);
}

Test(voice, star_readings_give_first_latest_and_distance_travelled)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv = tc_seed_adviser();
    char *cl = tc_seed_care_leaver(adv, ADULT_DOB);
    struct tc_resp *r;
    const cJSON *a;

    tc_sql("INSERT INTO star_editions (code, name) VALUES ('voice_test', 'Test edition') "
           "ON CONFLICT DO NOTHING");
    tc_sql("INSERT INTO star_areas (edition, code, position, label) VALUES "
           "('voice_test', 'money', 1, 'Money'), ('voice_test', 'home', 2, 'Home') "
           "ON CONFLICT DO NOTHING");
    r = post_f(mgr,
               "{\"edition\":\"voice_test\",\"read_on\":\"2026-01-05\",\"participants\":\"YP\","
               "\"scores\":{\"money\":11,\"garden\":3}}",
               "/v1/care-leavers/%s/star-readings", cl, NULL);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect_eq(tcw_error_count(r), 2, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM star_readings WHERE care_leaver_id = $1::uuid",
                              1, (const char *[]){cl}),
                 0, "nothing written");
    cr_expect_eq(
        status_of(post_f(mgr,
                         "{\"edition\":\"voice_test\",\"read_on\":\"2026-01-05\","
                         "\"participants\":\"YP and PA\",\"scores\":{\"money\":3,\"home\":5}}",
                         "/v1/care-leavers/%s/star-readings", cl, NULL)),
        201);
    cr_expect_eq(status_of(post_f(mgr,
                                  "{\"edition\":\"voice_test\",\"read_on\":\"2026-01-05\","
                                  "\"participants\":\"YP\",\"scores\":{\"money\":4}}",
                                  "/v1/care-leavers/%s/star-readings", cl, NULL)),
                 409, "one reading a day");
    cr_expect_eq(status_of(post_f(mgr,
                                  "{\"edition\":\"voice_test\",\"read_on\":\"2026-04-05\","
                                  "\"participants\":\"YP and PA\",\"scores\":{\"money\":7}}",
                                  "/v1/care-leavers/%s/star-readings", cl, NULL)),
                 201);
    r = get_f(mgr, "/v1/care-leavers/%s/star-readings/progress", cl, NULL);
    cr_assert_eq(r->status, 200, "%s", r->body);
    a = cJSON_GetObjectItem(r->json, "areas");
    cr_assert_eq(cJSON_GetArraySize(a), 2, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "area")->valuestring, "money");
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "first_score")->valueint, 3);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "latest_score")->valueint, 7);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 0), "distance_travelled")->valueint, 4);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(a, 1), "distance_travelled")->valueint, 0);
    tc_free(r);
    free(cl);
    free(adv);
    free(mgr);
}

Test(voice, memberships_keep_their_dates_in_order_and_do_not_overlap)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv = tc_seed_adviser(), name[80], body[300];
    char *cl = tc_seed_care_leaver(adv, ADULT_DOB), *body_id, *m;
    struct tc_resp *r;

    snprintf(name, sizeof name, "{\"kind\":\"care_leavers_forum\",\"name\":\"Forum %d\"}",
             (int)getpid());
    body_id = take(tc_post("/v1/participation-bodies", mgr, name), 201, "id");
    snprintf(body, sizeof body,
             "{\"care_leaver_id\":\"%s\",\"joined_on\":\"2026-03-01\",\"left_on\":\"2026-02-01\"}",
             cl);
    r = post_f(mgr, body, "/v1/participation-bodies/%s/memberships", body_id, NULL);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "left_on"));
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM participation_memberships WHERE body_id = "
                              "$1::uuid",
                              1, (const char *[]){body_id}),
                 0, "nothing written");
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"joined_on\":\"2026-03-01\"}", cl);
    m = take(post_f(mgr, body, "/v1/participation-bodies/%s/memberships", body_id, NULL), 201,
             "id");
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"joined_on\":\"2026-05-01\"}", cl);
    cr_expect_eq(
        status_of(post_f(mgr, body, "/v1/participation-bodies/%s/memberships", body_id, NULL)), 409,
        "overlapping the open membership");
    {
        char path[200];

        snprintf(path, sizeof path, "/v1/participation-bodies/%s/memberships/%s", body_id, m);
        r = tc_patch(path, mgr, "{\"left_on\":\"2026-01-01\"}");
        cr_expect_eq(r->status, 422, "%s", r->body);
        tc_free(r);
        r = tc_patch(path, mgr, "{\"left_on\":\"2026-04-01\"}");
        cr_expect_eq(r->status, 200, "%s", r->body);
        tc_free(r);
    }
    cr_expect_eq(
        status_of(post_f(mgr, body, "/v1/participation-bodies/%s/memberships", body_id, NULL)), 201,
        "after leaving, joining again");
    free(m);
    free(body_id);
    free(cl);
    free(adv);
    free(mgr);
}

/* Figures checked by hand on data of one district made here, for the period (31 March 2026,
 * 30 September 2026]: a forum member on the date and one who left on it; statements answered
 * on the tenth and the eleventh working day, one unanswered and due, one not yet due; Star
 * distances 5 and -2 (lower median -2, two young people). */
Test(voice, the_board_figures_on_constructed_data)
{
    char district[40], *a = tc_seed_care_leaver(NULL, ADULT_DOB);
    char *b = tc_seed_care_leaver(NULL, ADULT_DOB), *c = tc_seed_care_leaver(NULL, ADULT_DOB);
    const char *p[4];
    char sql[2000];

    snprintf(district, sizeof district, "Voiceton %d", (int)getpid());
    p[0] = district;
    p[1] = a;
    p[2] = b;
    p[3] = c;
    cr_assert_eq(tcw_sql("UPDATE care_leavers SET district = $1 WHERE id IN ($2::uuid, $3::uuid, "
                         "$4::uuid)",
                         4, p),
                 0);
    snprintf(sql, sizeof sql,
             "WITH f AS (INSERT INTO participation_bodies (kind, name) "
             "VALUES ('care_leavers_forum', 'Forum of ' || $1) RETURNING id) "
             "INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on, left_on) "
             "SELECT f.id, x.cl, x.j, x.l FROM f, (VALUES ($2::uuid, '2026-01-01'::date, "
             "NULL::date), ($3::uuid, '2026-05-01', '2026-09-30'), ($4::uuid, '2026-10-01', "
             "NULL)) AS x (cl, j, l)");
    cr_assert_eq(tcw_sql(sql, 4, p), 0);
    cr_assert_eq(tcw_sql("INSERT INTO statements (care_leaver_id, received_on, about, source, "
                         "text, response, responded_on) VALUES "
                         "($1::uuid, '2026-06-01', 'plan', 'app', 'a', 'r', '2026-06-15'), "
                         "($1::uuid, '2026-06-01', 'plan', 'app', 'b', 'r', '2026-06-16'), "
                         "($1::uuid, '2026-07-01', 'plan', 'app', 'c', NULL, NULL), "
                         "($1::uuid, '2026-09-29', 'plan', 'app', 'd', NULL, NULL), "
                         "($1::uuid, '2026-03-31', 'plan', 'app', 'e', NULL, NULL)",
                         1, &p[1]),
                 0);
    tc_sql("INSERT INTO star_editions (code, name) VALUES ('voice_test', 'Test edition') "
           "ON CONFLICT DO NOTHING");
    tc_sql("INSERT INTO star_areas (edition, code, position, label) VALUES "
           "('voice_test', 'money', 1, 'Money'), ('voice_test', 'home', 2, 'Home') "
           "ON CONFLICT DO NOTHING");
    cr_assert_eq(tcw_sql("WITH r AS (INSERT INTO star_readings (care_leaver_id, edition, read_on, "
                         "participants) VALUES ($1::uuid, 'voice_test', '2026-04-01', 'x'), "
                         "($1::uuid, 'voice_test', '2026-06-01', 'x'), ($1::uuid, 'voice_test', "
                         "'2026-09-01', 'x'), ($2::uuid, 'voice_test', '2026-02-01', 'x'), "
                         "($2::uuid, 'voice_test', '2026-05-01', 'x'), ($3::uuid, 'voice_test', "
                         "'2026-06-01', 'x') RETURNING id, care_leaver_id, read_on) "
                         "INSERT INTO star_scores (reading_id, edition, area, score) "
                         "SELECT r.id, 'voice_test', 'money', CASE r.read_on "
                         "WHEN '2026-04-01' THEN 3 WHEN '2026-06-01' THEN 5 "
                         "WHEN '2026-09-01' THEN 8 WHEN '2026-02-01' THEN 6 ELSE 4 END FROM r",
                         3, &p[1]),
                 0);
    /* code:category=num/den, in a fixed order */
    snprintf(sql, sizeof sql,
             "SELECT string_agg(code || ':' || coalesce(category, '') || '=' || num || '/' "
             "|| coalesce(den::text, ''), ' ' ORDER BY code, category NULLS FIRST) "
             "FROM board_voice_figures('2026-03-31', '2026-09-30', ARRAY[$1]) "
             "WHERE code IN ('voice_forum_members', 'voice_statements_received', "
             "'voice_statements_in_time', 'voice_star_distance') AND district IS NULL");
    {
        char *got = tcw_sql_str(sql, 1, p);

        cr_expect_str_eq(got ? got : "",
                         "voice_forum_members:=1/ voice_star_distance:=-2/2 "
                         "voice_star_distance:Money=-2/2 voice_statements_in_time:=1/3 "
                         "voice_statements_received:=4/");
        free(got);
    }
    free(a);
    free(b);
    free(c);
}

/* Every voice route, every role and no token: allowed roles get an answer that is not
 * 401/403/404 for real ids (the care leaver of the adviser's own caseload), the others
 * exactly 403; and another adviser gets 404 on every route that reaches a person. */
Test(voice, role_and_bola_matrix_of_every_voice_route)
{
    char *mgr = tc_token("manager", NULL, NULL), *adv = tc_seed_adviser(),
         *other = tc_seed_adviser();
    char *cl = tc_seed_care_leaver(adv, ADULT_DOB), *s = new_survey(mgr, 0, 0);
    char *otok = tc_token("adviser", other, NULL), body[300], name[100];
    char *resp, *stmt, *reading, *bid, *memb, *event, *svc = tc_token("service", NULL, NULL);
    static const char *const roles[] = {"board",   "partner", "adviser",
                                        "manager", "admin",   "service"};
    struct {
        const char *method, *fmt, *body;
        unsigned allowed; /* bit per role in roles[] order */
        int person;       /* reaches a person: another adviser gets 404 */
    } ops[] = {
        {"GET", "/v1/survey-themes", NULL, 0x1c, 0},
        {"POST", "/v1/survey-themes", "{}", 0x18, 0},
        {"GET", "/v1/survey-themes/{t}", NULL, 0x1c, 0},
        {"GET", "/v1/surveys", NULL, 0x1d, 0},
        {"POST", "/v1/surveys", "{}", 0x18, 0},
        {"GET", "/v1/surveys/{s}", NULL, 0x1d, 0},
        {"GET", "/v1/surveys/{s}/results", NULL, 0x1d, 0},
        {"POST", "/v1/surveys/{s}/responses", "{}", 0x1c, 0},
        {"GET", "/v1/surveys/{s}/responses/{r}", NULL, 0x1c, 1},
        {"POST", "/v1/surveys/{s}/responses/{r}/themes", "{\"question\":3,\"theme\":\"money\"}",
         0x1c, 1},
        {"GET", "/v1/care-leavers/{c}/statements", NULL, 0x1c, 1},
        {"POST", "/v1/care-leavers/{c}/statements",
         "{\"about\":\"need\",\"source\":\"paper\",\"text\":\"t\"}", 0x3c, 1},
        {"GET", "/v1/care-leavers/{c}/statements/{x}", NULL, 0x3c, 1},
        {"PATCH", "/v1/care-leavers/{c}/statements/{x}", "{\"response\":null}", 0x1c, 1},
        {"GET", "/v1/star-editions", NULL, 0x1c, 0},
        {"GET", "/v1/care-leavers/{c}/star-readings", NULL, 0x1c, 1},
        {"POST", "/v1/care-leavers/{c}/star-readings",
         "{\"edition\":\"voice_test\",\"read_on\":\"2026-02-05\",\"participants\":\"YP\","
         "\"scores\":{\"money\":3}}",
         0x1c, 1},
        {"GET", "/v1/care-leavers/{c}/star-readings/progress", NULL, 0x1c, 1},
        {"GET", "/v1/care-leavers/{c}/star-readings/{g}", NULL, 0x1c, 1},
        {"GET", "/v1/participation-bodies", NULL, 0x1c, 0},
        {"POST", "/v1/participation-bodies", "{}", 0x18, 0},
        {"GET", "/v1/participation-bodies/{b}", NULL, 0x1c, 0},
        {"GET", "/v1/participation-bodies/{b}/memberships", NULL, 0x1c, 0},
        {"POST", "/v1/participation-bodies/{b}/memberships",
         "{\"care_leaver_id\":\"{c}\","
         "\"joined_on\":\"2020-01-01\",\"left_on\":\"2020-02-01\"}",
         0x1c, 1},
        {"GET", "/v1/participation-bodies/{b}/memberships/{m}", NULL, 0x1c, 1},
        {"PATCH", "/v1/participation-bodies/{b}/memberships/{m}", "{\"left_on\":null}", 0x1c, 1},
        {"GET", "/v1/participation-bodies/{b}/events", NULL, 0x1c, 0},
        {"POST", "/v1/participation-bodies/{b}/events",
         "{\"kind\":\"meeting\",\"held_on\":"
         "\"2026-01-01\",\"title\":\"x\",\"attendees\":[\"{c}\"]}",
         0x1c, 1},
        {"GET", "/v1/participation-bodies/{b}/events/{e}", NULL, 0x1c, 0},
    };
    const char *keys = "tsrcxgbme";

    tc_sql("INSERT INTO survey_themes (code, label) VALUES ('money', 'Money') "
           "ON CONFLICT DO NOTHING");
    tc_sql("INSERT INTO star_editions (code, name) VALUES ('voice_test', 'Test edition') "
           "ON CONFLICT DO NOTHING");
    tc_sql("INSERT INTO star_areas (edition, code, position, label) VALUES "
           "('voice_test', 'money', 1, 'Money') ON CONFLICT DO NOTHING");
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"answers\":{\"1\":3,\"3\":\"words\"}}",
             cl);
    resp = take(post_f(mgr, body, "/v1/surveys/%s/responses", s, NULL), 201, "id");
    stmt = take(post_f(mgr, "{\"about\":\"need\",\"source\":\"paper\",\"text\":\"t\"}",
                       "/v1/care-leavers/%s/statements", cl, NULL),
                201, "id");
    reading = take(post_f(mgr,
                          "{\"edition\":\"voice_test\",\"read_on\":\"2026-01-05\","
                          "\"participants\":\"YP\",\"scores\":{\"money\":3}}",
                          "/v1/care-leavers/%s/star-readings", cl, NULL),
                   201, "id");
    snprintf(name, sizeof name, "{\"kind\":\"champions\",\"name\":\"Champions %d\"}",
             (int)getpid());
    bid = take(tc_post("/v1/participation-bodies", mgr, name), 201, "id");
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"joined_on\":\"2026-01-01\"}", cl);
    memb = take(post_f(mgr, body, "/v1/participation-bodies/%s/memberships", bid, NULL), 201, "id");
    event = take(post_f(mgr, "{\"kind\":\"meeting\",\"held_on\":\"2026-01-01\",\"title\":\"x\"}",
                        "/v1/participation-bodies/%s/events", bid, NULL),
                 201, "id");
    cr_assert(resp && stmt && reading && bid && memb && event);

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        const char *ids[] = {"money", s, resp, cl, stmt, reading, bid, memb, event};
        char path[300], filled[400];
        const char *src[2] = {ops[i].fmt, ops[i].body};
        char *dst[2] = {path, filled};
        struct tc_resp *r;

        for (int w = 0; w < 2; w++) {
            size_t o = 0;
            const char *f = src[w];

            if (f == NULL)
                continue;
            while (*f && o + 40 < 300) {
                const char *k = f[0] == '{' && f[1] && f[2] == '}' ? strchr(keys, f[1]) : NULL;

                if (k && f[1]) {
                    o += (size_t)snprintf(dst[w] + o, 300 - o, "%s", ids[k - keys]);
                    f += 3;
                } else {
                    dst[w][o++] = *f++;
                }
            }
            dst[w][o] = '\0';
        }
        r = tc_req(ops[i].method, path, NULL, ops[i].body ? filled : NULL, NULL);
        cr_expect_eq(r->status, 401, "%s %s without a token: %d", ops[i].method, ops[i].fmt,
                     r->status);
        tc_free(r);
        for (int k = 0; k < 6; k++) {
            char *tok = tc_token(roles[k], adv, adv);
            int allowed = (ops[i].allowed >> k) & 1;

            r = tc_req(ops[i].method, path, tok, ops[i].body ? filled : NULL,
                       strcmp(ops[i].method, "PATCH") == 0 ? "If-Match: *\r\n" : NULL);
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
        if (ops[i].person) {
            r = tc_req(ops[i].method, path, otok, ops[i].body ? filled : NULL,
                       strcmp(ops[i].method, "PATCH") == 0 ? "If-Match: *\r\n" : NULL);
            cr_expect_eq(r->status, 404, "%s %s as another adviser: %d %s", ops[i].method,
                         ops[i].fmt, r->status, r->body);
            tc_free(r);
        }
    }
    free(resp);
    free(stmt);
    free(reading);
    free(bid);
    free(memb);
    free(event);
    free(otok);
    free(svc);
    free(cl);
    free(s);
    free(adv);
    free(other);
    free(mgr);
}
