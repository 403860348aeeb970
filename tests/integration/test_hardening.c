/* Hostile input and side channels: SQL injection strings are data, an out-of-scope id looks
 * exactly like a missing one (body and timing), and migrations refuse an edited history. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "cl_mem.h"
#include "tc.h"

TestSuite(hardening, .init = cl_mem_init, .timeout = 120);

Test(hardening, sql_injection_strings_are_stored_and_matched_literally)
{
    char *admin = tc_token("admin", NULL, NULL), *manager = tc_token("manager", NULL, NULL);
    const char *name = "Robert'); DROP TABLE advisers;--";
    struct tc_resp *r;
    char path[256];

    r = tc_post("/v1/advisers", admin,
                "{\"name\":\"Robert'); DROP TABLE advisers;--\",\"email\":\"bobby@sqli.example\","
                "\"team\":\"x' OR '1'='1\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    snprintf(path, sizeof path, "/v1/advisers/%s", tc_str(r, "id"));
    tc_free(r);
    r = tc_get(path, admin);
    cr_expect_str_eq(tc_str(r, "name"), name, "stored exactly as sent");
    cr_expect_str_eq(tc_str(r, "team"), "x' OR '1'='1");
    tc_free(r);
    r = tc_get("/v1/advisers?team=%27%20OR%20%271%27%3D%271", admin);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "a filter is a value, not SQL");
    tc_free(r);
    r = tc_get("/v1/care-leavers?q=%27%20OR%201%3D1%20--&limit=5", manager);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    r = tc_get("/v1/care-leavers?district=%27%3B%20SELECT%20pg_sleep(5)%3B--", manager);
    cr_expect_eq(r->status, 200);
    cr_expect_null(strstr(r->body, "syntax"), "no SQL error text ever reaches a client");
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM advisers WHERE email = 'bobby@sqli.example'"), 1,
                 "the table is still there");
    free(admin);
    free(manager);
}

/* Strips the per-request instance so two problem bodies can be compared. */
static void
without_instance(struct tc_resp *r, char *out, size_t outlen)
{
    cJSON_DeleteItemFromObject(r->json, "instance");
    {
        char *s = cJSON_PrintUnformatted(r->json);

        snprintf(out, outlen, "%s", s);
        free(s);
    }
}

static int
cmp_double(const void *a, const void *b)
{
    double x = *(const double *)a, y = *(const double *)b;

    return x < y ? -1 : x > y;
}

Test(hardening, another_advisers_care_leaver_is_indistinguishable_from_a_missing_one)
{
    const char *mine = "4a4a4a4a-0000-4000-8000-00000000000a";
    const char *theirs = "4b4b4b4b-0000-4000-8000-00000000000b";
    char *tok = tc_token("adviser", mine, NULL), a_body[1024], b_body[1024], path_a[128],
         path_b[128];
    double ta[101], tb[101];
    struct tc_resp *r;
    long id;

    cr_assert_eq(tc_sql("INSERT INTO advisers (id, name, email) VALUES "
                        "('4a4a4a4a-0000-4000-8000-00000000000a', 'Timing A', 'ta@t.example'), "
                        "('4b4b4b4b-0000-4000-8000-00000000000b', 'Timing B', 'tb@t.example') "
                        "ON CONFLICT DO NOTHING"),
                 0);
    id = tc_sql_long(
        "WITH c AS (INSERT INTO care_leavers (id, la_child_id, given_name, family_name, "
        "date_of_birth, sex, ethnicity, category, district, adviser_id) VALUES "
        "('4c4c4c4c-0000-4000-8000-00000000000c', 'TIMING01', 'Tia', 'Timing', "
        "'2006-03-03', 'F', 'WBRI', 'former_relevant', 'Timingshire', "
        "'4b4b4b4b-0000-4000-8000-00000000000b') ON CONFLICT DO NOTHING RETURNING 1) "
        "SELECT count(*) FROM c");
    cr_assert_geq(id, 0);
    (void)theirs;
    snprintf(path_a, sizeof path_a, "/v1/care-leavers/4c4c4c4c-0000-4000-8000-00000000000c");
    snprintf(path_b, sizeof path_b, "/v1/care-leavers/4d4d4d4d-0000-4000-8000-00000000000d");
    r = tc_get(path_a, tok);
    cr_expect_eq(r->status, 404, "someone else's care leaver: %s", r->body);
    without_instance(r, a_body, sizeof a_body);
    tc_free(r);
    r = tc_get(path_b, tok);
    cr_expect_eq(r->status, 404);
    without_instance(r, b_body, sizeof b_body);
    tc_free(r);
    cr_expect_str_eq(a_body, b_body, "the same body for both");
    for (int i = 0; i < 101; i++) {
        double t0 = tc_now_ms();

        tc_free(tc_get(path_a, tok));
        ta[i] = tc_now_ms() - t0;
        t0 = tc_now_ms();
        tc_free(tc_get(path_b, tok));
        tb[i] = tc_now_ms() - t0;
    }
    qsort(ta, 101, sizeof ta[0], cmp_double);
    qsort(tb, 101, sizeof tb[0], cmp_double);
    cr_log_info("median out of scope %.3f ms, missing %.3f ms", ta[50], tb[50]);
    cr_expect(ta[50] < tb[50] * 1.5 + 0.3 && tb[50] < ta[50] * 1.5 + 0.3,
              "timing is not a tell: medians %.3f vs %.3f ms", ta[50], tb[50]);
    free(tok);
}

/* In the serial group: readiness changes for everyone while the history is edited. */
Test(outage, an_edited_migration_is_refused_and_readiness_drops)
{
    char cmd[1024], saved[80];
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, "SELECT checksum FROM schema_migrations "
                              "WHERE version = '0001_baseline.sql'");
    int st;

    cr_assert_eq(PQntuples(res), 1);
    snprintf(saved, sizeof saved, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    PQclear(PQexec(c, "UPDATE schema_migrations SET checksum = 'edited' "
                      "WHERE version = '0001_baseline.sql'"));
    snprintf(cmd, sizeof cmd, "'%s/api' --migrate-only 2>'%s/migrate.err'", getenv("CL_TEST_BUILD"),
             getenv("CL_TEST_TMP"));
    st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) != 0, "api --migrate-only refuses");
    snprintf(cmd, sizeof cmd, "grep -q 'was edited after it was applied' '%s/migrate.err'",
             getenv("CL_TEST_TMP"));
    cr_expect_eq(system(cmd), 0, "and says which migration and why");
    cr_expect_eq(tc_wait_status("/readyz", 503, 3000), 503, "not ready while the history is wrong");
    {
        char sql[256];

        snprintf(sql, sizeof sql,
                 "UPDATE schema_migrations SET checksum = '%s' WHERE version = '0001_baseline.sql'",
                 saved);
        PQclear(PQexec(c, sql));
    }
    cr_expect_eq(tc_wait_status("/readyz", 200, 3000), 200);
    PQfinish(c);
}

/* In the serial group: a functions file whose recorded checksum is not its own (edited since,
 * or another build's) keeps readiness at 503 until api --migrate applies the files again, in
 * one transaction, after which every SECURITY DEFINER function still belongs to cl_definer
 * with EXECUTE kept from PUBLIC. */
Test(outage, a_changed_functions_file_is_applied_again_and_readiness_waits_for_it)
{
    char cmd[1024];
    PGconn *c = tc_db();
    long policies = tc_sql_long("SELECT count(*) FROM pg_policies WHERE roles = '{cl_app}'");
    int st;

    cr_assert_gt(policies, 0);
    PQclear(PQexec(c, "UPDATE schema_migrations SET checksum = 'another build' "
                      "WHERE version = 'functions/facts.sql'"));
    cr_expect_eq(tc_wait_status("/readyz", 503, 3000), 503, "not ready while a file is stale");
    snprintf(cmd, sizeof cmd, "'%s/api' --migrate-only 2>'%s/migrate-functions.err'",
             getenv("CL_TEST_BUILD"), getenv("CL_TEST_TMP"));
    st = system(cmd);
    cr_expect(WIFEXITED(st) && WEXITSTATUS(st) == 0, "api --migrate-only applies the files");
    cr_expect_eq(tc_wait_status("/readyz", 200, 3000), 200);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM schema_migrations WHERE version LIKE "
                             "'functions/%' AND checksum = 'another build'"),
                 0);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM pg_proc WHERE pronamespace = "
                             "'public'::regnamespace AND prosecdef AND (proowner <> "
                             "'cl_definer'::regrole OR has_function_privilege('public', oid, "
                             "'EXECUTE'))"),
                 0, "every SECURITY DEFINER function is cl_definer's, PUBLIC may not call it");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM pg_policies WHERE roles = '{cl_app}'"), policies,
                 "the api's policies are back, every one of them");
    PQfinish(c);
}
