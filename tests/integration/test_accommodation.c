/* Accommodation episodes: the DfE code rules, overlap (409), scope by adviser and role, and the
 * current-accommodation function the care leaver representation uses. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(accommodation, .init = cl_mem_init, .timeout = 60);

struct fixture {
    char *adviser, *cl, *token, path[160];
};

static void
setup(struct fixture *f, const char *dob)
{
    f->adviser = tc_seed_adviser();
    cr_assert_not_null(f->adviser);
    f->cl = tc_seed_care_leaver(f->adviser, dob);
    cr_assert_not_null(f->cl);
    f->token = tc_token("adviser", f->adviser, NULL);
    snprintf(f->path, sizeof f->path, "/v1/care-leavers/%s/accommodation", f->cl);
}

static void
teardown(struct fixture *f)
{
    free(f->adviser);
    free(f->cl);
    free(f->token);
}

static long
episodes(const char *cl)
{
    char sql[160];

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM accommodation_episodes WHERE care_leaver_id = '%s'", cl);
    return tc_sql_long(sql);
}

static int
post_status(const char *path, const char *token, const char *body)
{
    struct tc_resp *r = tc_post(path, token, body);
    int st = r->status;

    if (st >= 400)
        cr_expect_not_null(strstr(tc_header(r, "Content-Type"), "problem+json"), "%s", r->body);
    tc_free(r);
    return st;
}

Test(accommodation, create_read_list_patch_and_current)
{
    struct fixture f;
    struct tc_resp *r;
    char item[256], sql[512];
    char *id;

    setup(&f, "2005-03-01");
    r = tc_post(f.path, f.token,
                "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-10\","
                "\"district\":\"Redditch\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"1\"");
    cr_expect_not_null(strstr(tc_header(r, "Location"), f.path));
    cr_expect_str_eq(tc_str(r, "ssda903_accom"), "U1");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "current")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "staying_put")));
    id = strdup(tc_str(r, "id"));
    tc_free(r);

    snprintf(item, sizeof item, "%s/%s", f.path, id);
    r = tc_get(item, f.token);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "code"), "U");
    tc_free(r);

    snprintf(sql, sizeof sql,
             "SELECT ((care_leaver_current_accommodation('%s')->>'ssda903_accom') = 'U1' "
             "AND ssda903_accom_on('%s', '2025-01-09') = '0' "
             "AND accommodation_suitable_on('%s', '2025-02-01'))::int",
             f.cl, f.cl, f.cl);
    cr_expect_eq(tc_sql_long(sql), 1, "current accommodation and accommodation on a date");

    /* ending it: stale If-Match is 412, a fresh one 200 */
    r = tc_req("PATCH", item, f.token, "{\"ended_on\":\"2025-06-01\"}", "If-Match: \"7\"\r\n");
    cr_expect_eq(r->status, 412, "%s", r->body);
    tc_free(r);
    r = tc_req("PATCH", item, f.token, "{\"ended_on\":\"2025-06-01\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "ETag"), "\"2\"");
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "current")));
    tc_free(r);

    /* a B&B placement afterwards, unsuitable, with its reason */
    r = tc_post(f.path, f.token,
                "{\"code\":\"W\",\"suitable\":false,\"unsuitable_reason\":\"Shared with adults\","
                "\"reason\":\"Evicted; no emergency bed\",\"started_on\":\"2025-06-01\"}");
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "ssda903_accom"), "W2");
    tc_free(r);

    r = tc_get(f.path, f.token);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "code")
            ->valuestring,
        "W", "newest first");
    tc_free(r);

    snprintf(item, sizeof item, "%s?limit=1", f.path);
    r = tc_get(item, f.token);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_cursor")));
    cr_expect_not_null(tc_header(r, "Link"));
    tc_free(r);

    snprintf(item, sizeof item, "%s?on=2025-03-01", f.path);
    r = tc_get(item, f.token);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id IN ('%s', '%s') "
             "AND action IN ('create', 'read', 'update', 'list')",
             id, f.cl);
    cr_expect_geq(tc_sql_long(sql), 5, "every read and write audited");
    free(id);
    teardown(&f);
}

Test(accommodation, current_accommodation_and_activity_appear_on_the_care_leaver)
{
    struct fixture f;
    struct tc_resp *r;
    char path[128];
    const cJSON *acc;

    setup(&f, "2005-03-01");
    snprintf(path, sizeof path, "/v1/care-leavers/%s", f.cl);
    r = tc_get(path, f.token);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "current_accommodation")), "%s", r->body);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "current_activity")));
    tc_free(r);
    cr_assert_eq(post_status(f.path, f.token,
                             "{\"code\":\"E\",\"suitable\":true,\"started_on\":\"2025-01-10\"}"),
                 201);
    snprintf(f.path, sizeof f.path, "/v1/care-leavers/%s/eet-activities", f.cl);
    cr_assert_eq(post_status(f.path, f.token, "{\"code\":\"G6\",\"started_on\":\"2025-01-10\"}"),
                 201);
    r = tc_get(path, f.token);
    acc = cJSON_GetObjectItem(r->json, "current_accommodation");
    cr_expect_str_eq(cJSON_GetObjectItem(acc, "ssda903_accom")->valuestring, "E1", "%s", r->body);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "current_activity"), "code")->valuestring,
        "G6");
    cr_expect_str_eq(tc_str(r, "la_child_id") ? "present" : "missing", "present",
                     "the other fields stay");
    tc_free(r);
    teardown(&f);
}

Test(accommodation, staying_put_is_z_from_18)
{
    struct fixture f;
    struct tc_resp *r;

    setup(&f, "2006-05-01");
    cr_expect_eq(post_status(f.path, f.token,
                             "{\"code\":\"Z\",\"suitable\":true,\"started_on\":\"2024-04-30\"}"),
                 422, "Z before the 18th birthday");
    r = tc_post(f.path, f.token,
                "{\"code\":\"Z\",\"suitable\":true,\"started_on\":\"2024-05-01\"}");
    cr_expect_eq(r->status, 201, "%s", r->body);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "staying_put")), "Z is staying put");
    tc_free(r);
    teardown(&f);
}

Test(accommodation, bad_input_is_refused_and_nothing_written)
{
    static const struct {
        const char *body;
        int status;
        const char *why;
    } cases[] = {
        {"{\"code\":\"Q\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422, "unknown code"},
        {"{\"code\":\"U1\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422,
         "code with a digit"},
        {"{\"code\":\"0\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422, "code 0"},
        {"{\"code\":\"U\",\"suitable\":false,\"started_on\":\"2025-01-01\"}", 422,
         "unsuitable without a reason"},
        {"{\"code\":\"U\",\"suitable\":true,\"unsuitable_reason\":\"x\","
         "\"started_on\":\"2025-01-01\"}",
         422, "suitable with an unsuitable reason"},
        {"{\"code\":\"S\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422,
         "homeless is never suitable"},
        {"{\"code\":\"X\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422,
         "custody is never suitable"},
        {"{\"code\":\"W\",\"suitable\":false,\"unsuitable_reason\":\"x\","
         "\"started_on\":\"2025-01-01\"}",
         422, "B&B without a reason"},
        {"{\"code\":\"V\",\"suitable\":true,\"started_on\":\"2025-01-01\"}", 422,
         "emergency accommodation without a reason"},
        {"{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\","
         "\"ended_on\":\"2024-12-01\"}",
         422, "end before start"},
        {"{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\","
         "\"ended_on\":\"2025-01-01\"}",
         422, "end on the start day"},
        {"{\"code\":\"U\",\"suitable\":true,\"staying_put\":true,\"started_on\":\"2025-01-01\"}",
         422, "staying put that is not Z"},
        {"{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\","
         "\"provider_id\":\"0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d70\"}",
         422, "provider that is not a partner"},
        {"{\"code\":\"U\",\"suitable\":\"yes\",\"started_on\":\"2025-02-30\",\"colour\":1,"
         "\"id\":\"x\"}",
         422, "wrong types, bad date, unknown and read-only fields"},
        {"{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2004-01-01\"}", 422,
         "before the date of birth"},
        {"{\"suitable\":true}", 422, "missing required fields"},
        {"[1]", 422, "not an object"},
        {"{\"code\":", 400, "malformed JSON"},
    };
    struct fixture f;
    struct tc_resp *r;

    setup(&f, "2005-03-01");
    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(post_status(f.path, f.token, cases[i].body), cases[i].status, "%s",
                     cases[i].why);
    r = tc_post(f.path, f.token,
                "{\"code\":\"U\",\"suitable\":\"yes\",\"started_on\":\"x\","
                "\"colour\":1,\"id\":\"x\"}");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 4,
                 "every bad field listed: %s", r->body);
    tc_free(r);
    cr_expect_eq(episodes(f.cl), 0, "nothing written");
    teardown(&f);
}

Test(accommodation, overlapping_episodes_are_409)
{
    struct fixture f;
    struct tc_resp *r;
    char item[256], *id;

    setup(&f, "2005-03-01");
    cr_assert_eq(post_status(f.path, f.token,
                             "{\"code\":\"D\",\"suitable\":true,\"started_on\":\"2024-01-01\","
                             "\"ended_on\":\"2024-07-01\"}"),
                 201);
    r = tc_post(f.path, f.token,
                "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2024-07-01\"}");
    cr_assert_eq(r->status, 201, "adjacent periods do not overlap: %s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);

    r = tc_post(f.path, f.token,
                "{\"code\":\"K\",\"suitable\":true,\"started_on\":\"2024-06-30\","
                "\"ended_on\":\"2024-07-02\"}");
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect_not_null(strstr(r->body, "overlaps"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(post_status(f.path, f.token,
                             "{\"code\":\"K\",\"suitable\":true,\"started_on\":\"2030-01-01\"}"),
                 409, "inside the open-ended current episode");
    cr_expect_eq(post_status(f.path, f.token,
                             "{\"code\":\"K\",\"suitable\":true,\"started_on\":\"2023-01-01\"}"),
                 409, "open-ended before both");

    /* moving the current episode's start back into the first one */
    snprintf(item, sizeof item, "%s/%s", f.path, id);
    r = tc_patch(item, f.token, "{\"started_on\":\"2024-03-01\"}");
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    r = tc_patch(item, f.token, "{\"ended_on\":\"2024-06-01\"}");
    cr_expect_eq(r->status, 422, "end before start on patch: %s", r->body);
    tc_free(r);
    r = tc_patch(item, f.token, "{\"suitable\":false}");
    cr_expect_eq(r->status, 422, "unsuitable without reason on patch: %s", r->body);
    tc_free(r);
    r = tc_patch(item, f.token, "{\"code\":\"S\",\"suitable\":false,\"unsuitable_reason\":\"x\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "ssda903_accom"), "S2");
    tc_free(r);
    cr_expect_eq(episodes(f.cl), 2);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM accommodation_episodes "
                             "WHERE code = 'K' AND started_on IN ('2024-06-30', '2030-01-01', "
                             "'2023-01-01')"),
                 0);
    free(id);
    teardown(&f);
}

Test(accommodation, scope_and_roles)
{
    struct fixture a;
    char *other = tc_seed_adviser(), *tok_b = tc_token("adviser", other, NULL);
    const char *body = "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\"}";
    static const char *const readers[] = {"manager", "admin", "service"};
    static const char *const forbidden[] = {"board", "partner"};
    char item[256], *id;
    struct tc_resp *r;

    setup(&a, "2005-03-01");
    r = tc_post(a.path, a.token, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(item, sizeof item, "%s/%s", a.path, id);

    /* another adviser: as if the care leaver did not exist */
    r = tc_get(a.path, tok_b);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    r = tc_get(item, tok_b);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    cr_expect_eq(post_status(a.path, tok_b,
                             "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2026-01-01\"}"),
                 404);
    r = tc_patch(item, tok_b, "{\"ended_on\":\"2026-01-01\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);

    for (size_t i = 0; i < sizeof readers / sizeof readers[0]; i++) {
        char *t = tc_token(readers[i], NULL, NULL);

        r = tc_get(item, t);
        cr_expect_eq(r->status, 200, "%s reads", readers[i]);
        tc_free(r);
        r = tc_get(a.path, t);
        cr_expect_eq(r->status, 200, "%s lists", readers[i]);
        tc_free(r);
        free(t);
    }
    for (size_t i = 0; i < sizeof forbidden / sizeof forbidden[0]; i++) {
        char *t = tc_token(forbidden[i], NULL, a.adviser);

        r = tc_get(a.path, t);
        cr_expect_eq(r->status, 403, "%s", forbidden[i]);
        tc_free(r);
        cr_expect_eq(post_status(a.path, t, body), 403, "%s", forbidden[i]);
        free(t);
    }
    {
        char *svc = tc_token("service", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);

        cr_expect_eq(post_status(a.path, svc, body), 403, "service reads only");
        r = tc_patch(item, mgr, "{\"district\":\"Wyre Forest\"}");
        cr_expect_eq(r->status, 200, "a manager writes: %s", r->body);
        tc_free(r);
        free(svc);
        free(mgr);
    }
    r = tc_get(a.path, NULL);
    cr_expect_eq(r->status, 401);
    tc_free(r);
    cr_expect_eq(episodes(a.cl), 1, "only the first episode was written");
    free(id);
    free(other);
    free(tok_b);
    teardown(&a);
}
