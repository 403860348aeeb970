/* History (issue 18): status periods written with the care leaver and read as at any date, the
 * rule at 18, caseloads on a date, the Board's comparison column from history, a past year's
 * SSDA903 return unchanged by today's edits, final returns, and contacts stamped by the server.
 *
 * Other suites make care leavers and returns at the same time: each test works in its own
 * district (a name unique to the test) or compares only its own CHILD's lines. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"

TestSuite(history, .init = cl_mem_init, .timeout = 240);

static char *
care_leaver_in(const char *tok, const char *district, const char *dob, const char *category,
               const char *adviser, const char *extra)
{
    char uid[11];
    int status = 0;
    char *id;

    tcw_uid(uid, "HIS");
    id = tcw_care_leaver(tok, uid, dob, category, district, adviser, extra, &status);
    cr_assert_not_null(id, "care leaver created: %d", status);
    return id;
}

static struct tc_resp *
post_period(const char *tok, const char *cl, const char *body)
{
    char path[128];

    snprintf(path, sizeof path, "/v1/care-leavers/%s/status-periods", cl);
    return tc_post(path, tok, body);
}

static long
periods_of(const char *cl)
{
    return tcw_sql_long("SELECT count(*) FROM care_leaver_status_periods WHERE care_leaver_id = $1",
                        1, (const char *[]){cl});
}

static void
patch_care_leaver(const char *tok, const char *cl, const char *body)
{
    char path[96];
    struct tc_resp *r;

    snprintf(path, sizeof path, "/v1/care-leavers/%s", cl);
    r = tc_patch(path, tok, body);
    cr_assert_eq(r->status, 200, "%s: %s", body, r->body);
    tc_free(r);
}

Test(history, a_category_change_closes_and_opens_a_period_and_bad_periods_write_nothing)
{
    char *mgr = tc_token("manager", NULL, NULL), dob[11], today[11], d30[11], d60[11];
    char path[128], body[256], district[11], *cl, *got;
    struct tc_resp *r;
    const cJSON *items;

    tcw_uid(district, "HD");
    tcw_date(dob, 17, 0);
    tcw_date(today, 0, 0);
    tcw_date(d30, 0, 30);
    tcw_date(d60, 0, 60);
    cl = care_leaver_in(mgr, district, dob, "eligible", NULL, "");
    cr_expect_eq(periods_of(cl), 1, "one period from the date of birth");

    patch_care_leaver(mgr, cl, "{\"category\":\"relevant\",\"care_ceased_on\":null}");
    snprintf(path, sizeof path, "/v1/care-leavers/%s/status-periods", cl);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_eq(cJSON_GetArraySize(items), 2, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "category")->valuestring,
                     "relevant");
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "from")->valuestring, today);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "to")));
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "to")->valuestring, today,
                     "the old period ends where the new one starts");
    tc_free(r);

    /* bad periods: 422 naming the field, or 409 when spanning two; nothing written */
    snprintf(body, sizeof body, "{\"category\":\"relevant\",\"from\":\"%s\",\"reason\":\"x\"}",
             "1990-01-01");
    r = post_period(mgr, cl, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "from"), "before the date of birth: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"category\":\"former_relevant\",\"from\":\"%s\",\"reason\":\"x\"}", d30);
    r = post_period(mgr, cl, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "category"), "former relevant at 17: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"category\":\"relevant\",\"from\":\"%s\",\"to\":\"%s\",\"reason\":\"x\"}", d30,
             d60);
    r = post_period(mgr, cl, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "to"), "to before from: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body, "{\"category\":\"relevant\",\"from\":\"%s\",\"reason\":\"x\"}",
             d30);
    r = post_period(mgr, cl, body);
    cr_expect_eq(r->status, 409, "from a month ago on spans two periods: %s", r->body);
    tc_free(r);
    cr_expect_eq(periods_of(cl), 2, "nothing written");
    /* and underneath: no overlap (exclusion constraint), no gap (checked at commit) */
    cr_expect_neq(tcw_sql("INSERT INTO care_leaver_status_periods (care_leaver_id, category, valid)"
                          " VALUES ($1, 'relevant', daterange($2::date, NULL))",
                          2, (const char *[]){cl, d30}),
                  0, "an overlapping period is refused");
    cr_expect_neq(tcw_sql("UPDATE care_leaver_status_periods"
                          " SET valid = daterange(lower(valid), upper(valid) - 1)"
                          " WHERE care_leaver_id = $1 AND NOT upper_inf(valid)",
                          1, (const char *[]){cl}),
                  0, "a gap is refused");
    cr_expect_eq(periods_of(cl), 2, "nothing written");

    /* a past stretch corrected: the period is split around it */
    snprintf(body, sizeof body,
             "{\"category\":\"relevant\",\"from\":\"%s\",\"to\":\"%s\",\"reason\":\"left care "
             "early\"}",
             d60, d30);
    r = post_period(mgr, cl, body);
    cr_expect_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    cr_expect_eq(periods_of(cl), 4);
    got = tcw_sql_str("SELECT string_agg(category || ' ' || lower(valid) || ' '"
                      "  || coalesce(upper(valid)::text, '-'), ', ' ORDER BY lower(valid))"
                      " FROM care_leaver_status_periods WHERE care_leaver_id = $1",
                      1, (const char *[]){cl});
    snprintf(body, sizeof body, "eligible %s %s, relevant %s %s, eligible %s %s, relevant %s -",
             dob, d60, d60, d30, d30, today, today);
    cr_expect_str_eq(got, body);
    free(got);
    {
        /* another adviser's care leaver is 404 here as on every nested path */
        char *other = tcw_adviser(24), *otok = tc_token("adviser", other, NULL);

        r = tc_get(path, otok);
        cr_expect_eq(r->status, 404, "%s", r->body);
        tc_free(r);
        r = post_period(otok, cl,
                        "{\"category\":\"relevant\",\"from\":\"2026-01-01\","
                        "\"reason\":\"x\"}");
        cr_expect_eq(r->status, 404, "%s", r->body);
        tc_free(r);
        free(otok);
        free(other);
    }
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE action = 'create'"
                              " AND resource_type = 'status_period'"
                              " AND detail->>'care_leaver_id' = $1",
                              1, (const char *[]){cl}),
                 1, "the correction is audited");
    free(cl);
    free(mgr);
}

/* The 18th birthday: a young person still recorded as relevant is read as former relevant and
 * keeps a statutory visit duty (visit_standards has no relevant row from 18). */
Test(history, a_relevant_young_person_keeps_a_visit_duty_across_the_18th_birthday)
{
    char *mgr = tc_token("manager", NULL, NULL), dob[11], district[11], path[96], *cl, *due;
    struct tc_resp *r;
    const char *sql = "SELECT f.next_visit_due_on || ' ' || cl_category_on(c.category,"
                      " c.date_of_birth, $2::date) FROM care_leavers c,"
                      " care_leaver_facts(c, $2::date, 92) f WHERE c.id = $1";
    char day[3][11];

    tcw_uid(district, "HB");
    tcw_date(dob, 18, 0);
    cl = care_leaver_in(mgr, district, dob, "relevant", NULL,
                        ",\"care_ceased_on\":\"2024-01-01\",\"opened_on\":\"2024-01-01\"");
    snprintf(path, sizeof path, "/v1/care-leavers/%s", cl);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_visit_due_on")),
              "18 today, still recorded as relevant: a visit is due: %s", r->body);
    tc_free(r);
    tcw_date(day[0], 0, 1);
    tcw_date(day[1], 0, 0);
    tcw_date(day[2], 0, -1);
    for (int i = 0; i < 3; i++) {
        due = tcw_sql_str(sql, 2, (const char *[]){cl, day[i]});
        cr_expect_not_null(due, "a visit is due on %s", day[i]);
        if (due)
            cr_expect(strstr(due, i == 0 ? " relevant" : " former_relevant"), "%s: %s", day[i],
                      due);
        free(due);
    }
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM board_people_on(current_date, ARRAY[$1])"
                              " WHERE visit_due IS NOT NULL AND category = 'former_relevant'",
                              1, (const char *[]){district}),
                 1, "the Board counts the visit duty too");
    free(cl);
    free(mgr);
}

static long
caseload_count(const char *tok, const char *adviser, const char *on)
{
    char path[160];
    struct tc_resp *r;
    long n;

    snprintf(path, sizeof path, "/v1/advisers/%s/caseload%s%s", adviser, on ? "?on=" : "",
             on ? on : "");
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s: %s", path, r->body);
    n = (long)cJSON_GetObjectItem(r->json, "count")->valuedouble;
    tc_free(r);
    return n;
}

Test(history, a_caseload_answers_for_any_date)
{
    char *mgr = tc_token("manager", NULL, NULL), *a = tcw_adviser(24), *b = tcw_adviser(24);
    char dob[11], opened[11], yesterday[11], district[11], extra[64], body[96], path[160], *cl;
    struct tc_resp *r;

    tcw_uid(district, "HC");
    tcw_date(dob, 20, 0);
    tcw_date(opened, 2, 0);
    tcw_date(yesterday, 0, 1);
    snprintf(extra, sizeof extra, ",\"opened_on\":\"%s\"", opened);
    cl = care_leaver_in(mgr, district, dob, "former_relevant", a, extra);
    snprintf(body, sizeof body, "{\"adviser_id\":\"%s\"}", b);
    patch_care_leaver(mgr, cl, body);
    cr_expect_eq(caseload_count(mgr, a, NULL), 0, "A holds nobody now");
    cr_expect_eq(caseload_count(mgr, a, yesterday), 1, "A held the case yesterday");
    cr_expect_eq(caseload_count(mgr, b, NULL), 1);
    cr_expect_eq(caseload_count(mgr, b, yesterday), 0);
    snprintf(path, sizeof path, "/v1/advisers/%s/caseload?on=2026-02-30", a);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 400, "%s", r->body);
    tc_free(r);
    free(cl);
    free(a);
    free(b);
    free(mgr);
}

/* The adviser and district histories as their lists show them: a reallocation and a move
 * end the open period today and start the next; another adviser's care leaver is 404. */
Test(history, allocation_and_district_periods_are_listed)
{
    char *mgr = tc_token("manager", NULL, NULL), *a = tcw_adviser(24), *b = tcw_adviser(24);
    char dob[11], opened[11], today[11], d1[11], d2[11], extra[64], body[96], path[160], *cl;
    char *other = tcw_adviser(24), *tok_other;
    struct tc_resp *r;
    const cJSON *items;

    tcw_uid(d1, "HD");
    tcw_uid(d2, "HE");
    tcw_date(dob, 20, 0);
    tcw_date(opened, 2, 0);
    tcw_date(today, 0, 0);
    snprintf(extra, sizeof extra, ",\"opened_on\":\"%s\"", opened);
    cl = care_leaver_in(mgr, d1, dob, "former_relevant", a, extra);
    snprintf(body, sizeof body, "{\"adviser_id\":\"%s\",\"district\":\"%s\"}", b, d2);
    patch_care_leaver(mgr, cl, body);

    snprintf(path, sizeof path, "/v1/care-leavers/%s/allocation-periods", cl);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_eq(cJSON_GetArraySize(items), 2, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "adviser_id")->valuestring,
                     b);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "to")));
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "adviser_id")->valuestring,
                     a);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "to")->valuestring, today);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/care-leavers/%s/district-periods", cl);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_eq(cJSON_GetArraySize(items), 2, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "district")->valuestring,
                     d2);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "district")->valuestring,
                     d1);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 1), "from")->valuestring, dob);
    tc_free(r);

    tok_other = tc_token("adviser", other, NULL);
    r = tc_get(path, tok_other);
    cr_expect_eq(r->status, 404, "another adviser's care leaver: %s", r->body);
    tc_free(r);
    free(tok_other);
    free(other);
    free(cl);
    free(a);
    free(b);
    free(mgr);
}

/* (b) The comparison column a year back reproduces that day's categories, districts and
 * caseloads from a constructed history. */
Test(history, the_boards_comparison_column_reads_the_history)
{
    char *mgr = tc_token("manager", NULL, NULL), *a = tcw_adviser(24), *b = tcw_adviser(24);
    char dob[11], b18[11], opened[11], old_d[11], new_d[11], extra[64], body[160], *cl, *got;
    const char *sql = "SELECT string_agg(code || ':' || coalesce(category, '-') || ' '"
                      "  || coalesce(num, 0) || '/' || coalesce(prev_num, 0), ', '"
                      "  ORDER BY code, category NULLS FIRST)"
                      " FROM board_report(current_date, (current_date - interval '1 year')::date,"
                      "  ARRAY[$1], 3, 1, 5)"
                      " WHERE month_end IS NULL AND district IS NULL AND (num > 0 OR prev_num > 0)"
                      "  AND code IN ('cohort_open', 'cohort_category', 'pa_advisers',"
                      "   'pa_caseload_max', 'pa_allocated_by_17_half')";

    tcw_uid(old_d, "HO");
    tcw_uid(new_d, "HN");
    tcw_date(dob, 18, 180);
    tcw_date(b18, 0, 180);
    tcw_date(opened, 3, 0);
    snprintf(extra, sizeof extra, ",\"opened_on\":\"%s\",\"care_ceased_on\":\"%s\"", opened,
             opened);
    cl = care_leaver_in(mgr, old_d, dob, "former_relevant", a, extra);
    /* relevant from leaving care to the 18th birthday, half a year ago */
    snprintf(body, sizeof body,
             "{\"category\":\"relevant\",\"from\":\"%s\",\"to\":\"%s\",\"reason\":\"left care\"}",
             opened, b18);
    {
        struct tc_resp *r = post_period(mgr, cl, body);

        cr_assert_eq(r->status, 201, "%s", r->body);
        tc_free(r);
    }
    /* moved district and changed adviser today */
    snprintf(body, sizeof body, "{\"district\":\"%s\",\"adviser_id\":\"%s\"}", new_d, b);
    patch_care_leaver(mgr, cl, body);

    got = tcw_sql_str(sql, 1, (const char *[]){old_d});
    cr_expect_str_eq(got,
                     "cohort_category:- 0/1, cohort_category:Relevant 0/1, cohort_open:- 0/1, "
                     "pa_advisers:- 0/1, pa_allocated_by_17_half:- 1/0, pa_caseload_max:- 0/1",
                     "a year ago: relevant, in the old district, held by A (and allocated at 17 "
                     "and a half, this year): %s",
                     got);
    free(got);
    got = tcw_sql_str(sql, 1, (const char *[]){new_d});
    cr_expect_str_eq(got,
                     "cohort_category:- 1/0, cohort_category:Former relevant 1/0, "
                     "cohort_open:- 1/0, pa_advisers:- 1/0, pa_caseload_max:- 1/0",
                     "today: former relevant, in the new district: %s", got);
    free(got);
    free(cl);
    free(a);
    free(b);
    free(mgr);
}

/* The lines of one CHILD in a job's return files: its rows of the CSV files and its CHILD
 * element of the XML (caller frees). */
static char *
child_lines(const char *job, const char *child)
{
    return tcw_sql_str(
        "SELECT string_agg(a.name || '=' || coalesce(x.lines, '')"
        "  || coalesce((regexp_match(convert_from(a.bytes, 'UTF8'),"
        "    '  <CHILD>\\n    <HEADER>\\n      <CHILDID>' || $2 || '</CHILDID>.*?\\n  </CHILD>\\n'"
        "   ))[1], ''), '|' ORDER BY a.name)"
        " FROM artifacts a CROSS JOIN LATERAL ("
        "  SELECT string_agg(l, '~' ORDER BY o) AS lines"
        "  FROM regexp_split_to_table(convert_from(a.bytes, 'UTF8'), '\\n') WITH ORDINALITY t (l, "
        "o)"
        "  WHERE a.name LIKE '%.csv' AND l LIKE $2 || ',%') x"
        " WHERE a.job_id = $1",
        2, (const char *[]){job, child});
}

/* Requests collection year 2025's return (CSV and XML) and waits for it; the job id. */
static char *
return_2025(const char *tok)
{
    struct tc_resp *r =
        tc_post("/v1/jobs", tok,
                "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":2025,\"format\":\"both\"}}");
    char *id;

    cr_assert_eq(r->status, 202, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    for (int i = 0; i < 900; i++) {
        struct timespec ts = {0, 200 * 1000000L};
        long done = tcw_sql_long("SELECT count(*) FROM jobs WHERE id = $1"
                                 " AND status IN ('succeeded', 'failed')",
                                 1, (const char *[]){id});

        if (done == 1)
            break;
        nanosleep(&ts, NULL);
    }
    cr_assert_eq(tcw_sql_long("SELECT count(*) FROM jobs WHERE id = $1 AND status = 'succeeded'", 1,
                              (const char *[]){id}),
                 1, "the return succeeded");
    return id;
}

/* (a) Editing a care leaver's category today leaves a past collection year's files as they
 * were. */
Test(history, todays_category_edit_leaves_a_past_return_byte_identical)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], *cl, *job1, *job2, *before, *after;
    int status = 0;

    tcw_uid(uid, "HA");
    /* 19 on 15 October 2024, in collection year 2025; left care at 17 */
    cl =
        tcw_care_leaver(mgr, uid, "2005-10-15", "former_relevant", "Histfield", NULL,
                        ",\"care_ceased_on\":\"2023-06-01\",\"opened_on\":\"2023-06-01\"", &status);
    cr_assert_not_null(cl, "%d", status);
    job1 = return_2025(mgr);
    before = child_lines(job1, uid);
    cr_assert_not_null(before);
    cr_expect(strstr(before, "header.csv=") && strstr(before, uid) && strstr(before, "<CHILDID>"),
              "the young person is in the return: %s", before);
    patch_care_leaver(mgr, cl, "{\"category\":\"qualifying\"}");
    job2 = return_2025(mgr);
    after = child_lines(job2, uid);
    cr_expect_str_eq(after, before, "the 2025 files are as they were");
    free(before);
    free(after);
    free(job1);
    free(job2);
    free(cl);
    free(mgr);
}

static int
finalise(const char *tok, const char *year, const char *body)
{
    char path[96];
    struct tc_resp *r;
    int st;

    snprintf(path, sizeof path, "/v1/ssda903-returns/%s/finalise", year);
    r = tc_post(path, tok, body);
    st = r->status;
    if (st == 422)
        cr_expect(tcw_has_error(r, "job_id"), "%s", r->body);
    tc_free(r);
    return st;
}

static void
job_row(const char *id, const char *kind, const char *year, const char *status)
{
    cr_assert_eq(tcw_sql("INSERT INTO jobs (id, kind, params, status, created_by, created_role,"
                         " finished_at) VALUES ($1::uuid, $2, jsonb_build_object('collection_year',"
                         " $3::int), $4, 'history-test', 'manager', now())",
                         4, (const char *[]){id, kind, year, status}),
                 0);
    cr_assert_eq(tcw_sql("INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size,"
                         " created_at) VALUES (gen_random_uuid(), $1::uuid, 'oc3.csv', 'text/csv',"
                         " 'CHILD', 'x', 5, now() - interval '400 days')",
                         1, (const char *[]){id}),
                 0);
}

/* (d) A finalised return's artifacts cannot change, and a second finalise is refused unless it
 * supersedes the first with a reason. */
Test(history, a_final_return_is_frozen_and_a_second_finalise_is_refused)
{
    char *mgr = tc_token("manager", NULL, NULL), *adm = tc_token("admin", NULL, NULL), body[160];
    const char *j1 = "00000000-0000-4000-8000-00000018a001",
               *j2 = "00000000-0000-4000-8000-00000018a002",
               *failed = "00000000-0000-4000-8000-00000018a003",
               *board = "00000000-0000-4000-8000-00000018a004";
    struct tc_resp *r;
    const cJSON *it;
    int listed = 0;

    job_row(j1, "ssda903", "2019", "succeeded");
    job_row(j2, "ssda903", "2019", "succeeded");
    job_row(failed, "ssda903", "2019", "failed");
    job_row(board, "board_report", "2019", "succeeded");

    snprintf(body, sizeof body, "{\"job_id\":\"%s\"}", failed);
    cr_expect_eq(finalise(mgr, "2019", body), 409, "a failed job");
    snprintf(body, sizeof body, "{\"job_id\":\"%s\"}", board);
    cr_expect_eq(finalise(mgr, "2019", body), 422, "not a return");
    snprintf(body, sizeof body, "{\"job_id\":\"%s\"}", j1);
    cr_expect_eq(finalise(mgr, "2018", body), 422, "another year's return");
    cr_expect_eq(finalise(adm, "2019", body), 403, "managers finalise");
    cr_expect_eq(finalise(mgr, "20x9", body), 404);
    cr_expect_eq(
        tcw_sql_long("SELECT count(*) FROM ssda903_finals WHERE collection_year = 2019", 0, NULL),
        0, "nothing written");

    cr_expect_eq(finalise(mgr, "2019", body), 200);
    cr_expect_eq(finalise(mgr, "2019", body), 409, "already final");
    snprintf(body, sizeof body, "{\"job_id\":\"%s\"}", j2);
    cr_expect_eq(finalise(mgr, "2019", body), 409, "a second final without a reason");

    cr_expect_neq(tcw_sql("UPDATE artifacts SET bytes = 'changed' WHERE job_id = $1::uuid", 1,
                          (const char *[]){j1}),
                  0, "a final return's artifact cannot change");
    cr_expect_neq(tcw_sql("DELETE FROM artifacts WHERE job_id = $1::uuid", 1, (const char *[]){j1}),
                  0, "nor be deleted");
    cr_expect_eq(tcw_sql("SELECT cl_purge_expired(90)", 0, NULL), 0);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM artifacts WHERE job_id = $1::uuid AND bytes ="
                              " 'CHILD'",
                              1, (const char *[]){j1}),
                 1, "the retention purge keeps it");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM artifacts WHERE job_id = $1::uuid", 1,
                              (const char *[]){j2}),
                 0, "a draft's old artifact goes");

    snprintf(body, sizeof body, "{\"job_id\":\"%s\",\"supersede_reason\":\"a late correction\"}",
             j2);
    cr_expect_eq(finalise(mgr, "2019", body), 200, "superseded with a reason");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE action = 'override'"
                              " AND resource_type = 'ssda903_return'"
                              " AND detail->>'reason' = 'a late correction'",
                              0, NULL),
                 1, "audited with the reason");

    {
        char *aid = tcw_adviser(24), *adv = tc_token("adviser", aid, NULL);
        char *brd = tc_token("board", NULL, NULL);

        r = tc_get("/v1/ssda903-returns", adv);
        cr_expect_eq(r->status, 403);
        tc_free(r);
        r = tc_get("/v1/ssda903-returns", brd);
        cr_expect_eq(r->status, 403);
        tc_free(r);
        free(adv);
        free(aid);
        free(brd);
    }
    r = tc_get("/v1/ssda903-returns?limit=100", mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (cJSON_GetObjectItem(it, "collection_year")->valuedouble == 2019) {
            listed = 1;
            cr_expect_str_eq(cJSON_GetObjectItem(it, "status")->valuestring, "final");
            cr_expect_str_eq(cJSON_GetObjectItem(it, "job_id")->valuestring, j2);
            cr_expect_str_eq(cJSON_GetObjectItem(it, "supersedes")->valuestring, j1);
        }
    }
    cr_expect(listed, "2019 is listed: %s", r->body);
    tc_free(r);
    free(mgr);
    free(adm);
}

Test(history, contacts_are_recorded_by_the_server_and_imports_never_count_in_time)
{
    char *adv = tcw_adviser(24), *tok = tc_token("adviser", adv, NULL);
    char *svc = tc_token("service", NULL, NULL), dob[11], d3[11], today[11], district[11];
    char path[128], body[256], *cl;
    struct tc_resp *r;

    tcw_uid(district, "HK");
    tcw_date(dob, 20, 0);
    tcw_date(d3, 0, 3);
    tcw_date(today, 0, 0);
    cl = care_leaver_in(tok, district, dob, "former_relevant", adv, "");
    snprintf(path, sizeof path, "/v1/care-leavers/%s/contacts", cl);

    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"recorded_on\":\"%s\",\"method\":\"home_visit\","
             "\"successful\":true,\"statutory_visit\":true}",
             d3, d3);
    r = tc_post(path, tok, body);
    cr_expect_eq(r->status, 422, "a client cannot type when it recorded: %s", r->body);
    cr_expect(tcw_has_error(r, "recorded_on"), "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"recorded_on\":\"%s\",\"imported\":true,"
             "\"method\":\"home_visit\",\"successful\":true,\"statutory_visit\":true}",
             d3, d3);
    r = tc_post(path, tok, body);
    cr_expect_eq(r->status, 403, "only the service role imports: %s", r->body);
    tc_free(r);

    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"method\":\"home_visit\",\"successful\":true,"
             "\"statutory_visit\":true}",
             d3);
    r = tc_post(path, tok, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "recorded_on"), today, "the server's day");
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "recorded_at")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "imported")));
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "recorded_in_time")), "%s", r->body);
    tc_free(r);

    r = tc_post(path, svc, body);
    cr_expect_eq(r->status, 201, "the service role records a contact as anyone does: %s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"occurred_on\":\"%s\",\"recorded_on\":\"%s\",\"imported\":true,"
             "\"method\":\"home_visit\",\"successful\":true,\"statutory_visit\":true}",
             d3, d3);
    r = tc_post(path, svc, body);
    cr_assert_eq(r->status, 201, "the service role imports: %s", r->body);
    cr_expect_str_eq(tc_str(r, "recorded_on"), d3, "the legacy system's day");
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(r->json, "imported")));
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "recorded_in_time")),
              "recorded the same day, but imported: %s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FILTER (WHERE recorded_in_time) * 10 + count(*)"
                              " FROM board_statutory_visits(current_date - 30, current_date,"
                              "  ARRAY[$1], 5)",
                              1, (const char *[]){district}),
                 23, "the Board: three visits, two recorded in time (the import is not)");
    free(cl);
    free(svc);
    free(tok);
    free(adv);
}
