/* The set-based care leaver representation (schema/functions/care_leaver.sql) and the derived
 * facts it shows (care_leaver_facts, schema/functions/facts.sql): on constructed cases, the
 * facts worked out by hand for each; the api's GET body is exactly that text; reads and list
 * pages still write their audit rows. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tw.h"

TestSuite(care_leaver_fast, .init = cl_mem_init, .timeout = 120);

/* One care leaver per case the rules tell apart, in a district of their own (p: 9 letters and
 * digits, so p and a digit make a CHILD id), with contacts, status events, plan versions and
 * accommodation / EET episodes, written as the owner. */
static void
make_cases(const char *p)
{
    char sql[8192];

    snprintf(
        sql, sizeof sql,
        "DO $$ DECLARE v uuid; t date := current_date; BEGIN "
        /* 1 in touch, statutory visits, a superseded and a current reviewed plan, a draft
         * started later, a current accommodation and EET episode */
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s1', 'Ada', 'Fast', t - interval '19 years 40 days', 'F', 'WBRI',"
        "  'former_relevant', t - interval '1 year 40 days', 'Fast%s', t - 900) RETURNING id INTO "
        "v;"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
        "  recorded_on) VALUES (v, t - 700, 'home_visit', true, true, t - 700),"
        "  (v, t - 300, 'phone', true, false, t - 300), (v, t - 120, 'home_visit', true, true, t - "
        "120),"
        "  (v, t - 20, 'phone', false, false, t - 20), (v, t - 10, 'text', true, false, t - 10);"
        "INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on, reviewed_on,"
        "  superseded_on) VALUES (v, 1, 'superseded', t - 800, t - 600, t - 400),"
        "  (v, 2, 'current', t - 400, t - 150, NULL), (v, 3, 'draft', t - 5, NULL, NULL);"
        "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, staying_put,"
        "  started_on, ended_on) VALUES (v, 'D', true, false, t - 800, t - 300),"
        "  (v, 'U', true, false, t - 300, NULL);"
        "INSERT INTO eet_activities (care_leaver_id, code, hours_per_week, started_on, ended_on)"
        "  VALUES (v, 'F2', 37.5, t - 500, t - 100), (v, 'P1', 12.5, t - 100, NULL);"
        /* 2 refuses contact after the last contact; unsuitable accommodation that ended */
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s2', 'Ben', 'Fast', t - interval '18 years 3 days', 'M', 'BAFR', 'relevant',"
        "  t - 200, 'Fast%s', t - 400) RETURNING id INTO v;"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, recorded_on)"
        "  VALUES (v, t - 90, 'phone', true, t - 90);"
        "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on)"
        "  VALUES (v, 'refuses_contact', t - 60);"
        "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, unsuitable_reason,"
        "  staying_put, started_on, ended_on) VALUES (v, 'S', false, 'no fixed abode', false,"
        "  t - 150, t - 30);"
        /* 3 refused, then a successful contact after it: in touch again */
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s3', 'Cy', 'Fast', t - interval '20 years', 'U', 'CHNE', 'former_relevant',"
        "  t - interval '3 years', 'Fast%s', t - 1200) RETURNING id INTO v;"
        "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on)"
        "  VALUES (v, 'returned_home', t - 500), (v, 'refuses_contact', t - 200);"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
        "  recorded_on) VALUES (v, t - 150, 'other_visit', true, true, t - 140);"
        /* 4 died (a contact before it), a plan, episodes ended by the death */
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s4', 'Di', 'Fast', t - interval '22 years 100 days', 'F', 'WIRI',"
        "  'former_relevant', t - interval '4 years', 'Fast%s', t - 1500) RETURNING id INTO v;"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
        "  recorded_on) VALUES (v, t - 400, 'home_visit', true, true, t - 400);"
        "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on)"
        "  VALUES (v, 'no_longer_requires_services', t - 380), (v, 'died', t - 250);"
        "INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on)"
        "  VALUES (v, 1, 'current', t - 1000);"
        /* 5 qualifying, no duty; 6 closed with history; 7 eligible, nothing recorded; 8 a
         * 16-year-old whose first plan is due from the date of birth */
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s5', 'Ed', 'Fast', t - interval '21 years 200 days', 'M', 'WOTH', 'qualifying',"
        "  t - interval '5 years', 'Fast%s', t - 300) RETURNING id INTO v;"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, recorded_on)"
        "  VALUES (v, t - 30, 'video', true, t - 30);"
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on, status, closed_on,"
        "  closed_reason) VALUES ('%s6', 'Flo', 'Fast', t - interval '23 years', 'F', 'AIND',"
        "  'former_relevant', t - interval '6 years', 'Fast%s', t - 1000, 'closed', t - 100,"
        "  'moved away') RETURNING id INTO v;"
        "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
        "  recorded_on) VALUES (v, t - 200, 'home_visit', true, true, t - 200);"
        "INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on, reviewed_on)"
        "  VALUES (v, 1, 'current', t - 600, t - 300);"
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, district, opened_on)"
        " VALUES ('%s7', 'Gus', 'Fast', t - interval '17 years 1 day', 'M', 'REFU', 'eligible',"
        "  'Fast%s', t - 20);"
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
        "  ethnicity, category, care_ceased_on, district, opened_on)"
        " VALUES ('%s8', 'Hal', 'Fast', t - interval '16 years 2 months', 'M', 'WBRI', 'relevant',"
        "  t - 10, 'Fast%s', t - 40);"
        "END $$",
        p, p, p, p, p, p, p, p, p, p, p, p, p, p, p, p);
    cr_assert_eq(tc_sql(sql), 0, "the cases could not be written");
}

/* The facts of each constructed case today (t), worked out by hand from make_cases: in touch
 * means a successful contact in the 92 days to t (cl_contact_status_in); a plan is due six
 * months after the later of its start and last review, or without one three months after the
 * case opened (no earlier than 16 years 3 months of age), never for a closed case or a
 * qualifying young person; a visit is due the interval visit_standards sets after the last
 * one (former relevant 0-20: 56 days; relevant 0-17: 56; eligible: 42; none for a relevant
 * 18-year-old or a qualifying one), a week after opening without one, never after a death. */
Test(care_leaver_fast, facts_of_the_constructed_cases)
{
    char p[11], sql[4096], bad[256];

    tcw_uid(p, "FS");
    make_cases(p);
    snprintf(sql, sizeof sql,
             "SELECT coalesce(string_agg(e.n, ',' ORDER BY e.n), '') FROM (VALUES "
             "('1', 'in_touch', 10, (current_date - 150 + interval '6 months')::date, -64),"
             /* 18 three days ago, still recorded as relevant: former relevant in law, with
              * a visit duty (none made: due a week after the case opened) */
             "('2', 'refuses_contact', 90, (current_date - 400 + interval '3 months')::date,"
             " -393),"
             "('3', 'not_in_touch', 150, (current_date - 1200 + interval '3 months')::date,"
             " -94),"
             "('4', 'died', 400, (current_date - 1000 + interval '6 months')::date, NULL),"
             "('5', 'in_touch', 30, NULL, NULL),"
             "('6', 'not_in_touch', 200, NULL, NULL),"
             "('7', 'not_in_touch', NULL, (current_date - 20 + interval '3 months')::date, -13),"
             "('8', 'not_in_touch', NULL, (current_date - 40 + interval '3 months')::date, -33)"
             ") e (n, status, days_since_contact, plan_due, visit_in) "
             "LEFT JOIN care_leavers c ON c.la_child_id = '%s' || e.n "
             "LEFT JOIN LATERAL care_leaver_facts(c, current_date, 92) f ON true "
             "WHERE c.id IS NULL OR f.contact_status IS DISTINCT FROM e.status "
             "   OR f.last_contact_on IS DISTINCT FROM current_date - e.days_since_contact "
             "   OR f.pathway_plan_due_on IS DISTINCT FROM e.plan_due "
             "   OR f.next_visit_due_on IS DISTINCT FROM current_date + e.visit_in",
             p);
    cr_assert_eq(tw_sql_text(sql, bad, sizeof bad), 0, "the check ran");
    cr_expect_str_eq(bad, "", "the cases whose facts differ from the expected");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM care_leavers c WHERE district = 'Fast%s' AND"
             " care_leaver_json(c, current_date, 92) LIKE '%%\"current_activity\" : {%%'",
             p);
    cr_expect_eq(tc_sql_long(sql), 1, "case 1 has a current activity in the text");
}

/* A partner never gets current_accommodation or current_activity. */
Test(care_leaver_fast, partner_text)
{
    PGconn *c = tc_db();
    PGresult *res;

    res = PQexec(c, "BEGIN");
    PQclear(res);
    res = PQexec(c, "SELECT set_config('app.role', 'partner', true)");
    PQclear(res);
    res = PQexec(c, "SELECT count(*) FROM care_leavers c WHERE "
                    "care_leaver_json(c, current_date, 92) LIKE '%current_a%'");
    cr_expect_str_eq(PQgetvalue(res, 0, 0), "0");
    PQclear(res);
    res = PQexec(c, "ROLLBACK");
    PQclear(res);
    PQfinish(c);
}

/* The api's GET body is the SQL text itself, and each read writes one audit row; a page of
 * the list is in (family_name, given_name, id) order, audited by one 'list' row naming them. */
Test(care_leaver_fast, api_body_order_and_audit)
{
    char *mgr = tc_token("manager", NULL, NULL), p[11], path[256], district[16];
    char *id, *want;
    struct tc_resp *r;
    long before;
    const cJSON *items, *it;
    int n = 0;

    tcw_uid(p, "FA");
    make_cases(p);
    snprintf(district, sizeof district, "Fast%s", p);
    id = tcw_sql_str("SELECT id::text FROM care_leavers WHERE la_child_id = $1 || '1'", 1,
                     (const char *[]){p});
    cr_assert_not_null(id);
    want = tcw_sql_str("SELECT care_leaver_json(c, current_date, 92) FROM care_leavers c "
                       "WHERE id = $1::uuid",
                       1, (const char *[]){id});
    before = tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid "
                          "AND action = 'read'",
                          1, (const char *[]){id});
    snprintf(path, sizeof path, "/v1/care-leavers/%s", id);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(r->body, want);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid "
                              "AND action = 'read'",
                              1, (const char *[]){id}),
                 before + 1);

    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&limit=5", district);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cJSON_ArrayForEach(it, items)
    {
        char off[12], *expect;

        snprintf(off, sizeof off, "%d", n);
        expect = tcw_sql_str("SELECT id::text FROM care_leavers WHERE district = $1 "
                             "ORDER BY family_name, given_name, id OFFSET $2::int LIMIT 1",
                             2, (const char *[]){district, off});

        cr_expect_str_eq(cJSON_GetObjectItem(it, "id")->valuestring, expect);
        free(expect);
        n++;
    }
    cr_expect_eq(n, 5);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log a JOIN care_leavers c "
                              "ON c.id = ANY (a.resource_ids) WHERE c.district = $1 "
                              "AND a.action = 'list'",
                              1, (const char *[]){district}),
                 5, "every item shown named in the page's audit row, not the look-ahead row");
    cr_expect_eq(tcw_sql_long("SELECT count(DISTINCT a.id) FROM audit_log a JOIN care_leavers c "
                              "ON c.id = ANY (a.resource_ids) WHERE c.district = $1 "
                              "AND a.action = 'list'",
                              1, (const char *[]){district}),
                 1, "one audit row for the page");
    free(want);
    free(id);
    free(mgr);
}

/* A read works out the category in law once: the plan duty (cl_plan_due) and the visit standard
 * both take the value care_leaver_facts (or care_leaver_facts_of, from the read model) computed,
 * as the api's read, and as the set-based facts of one care leaver. */
Test(care_leaver_fast, category_computed_once_per_read)
{
    char p[11], sql[1024];
    const char *reads[] = {
        "SELECT body FROM care_leaver_read((SELECT id FROM care_leavers WHERE la_child_id = "
        "'%s1'), 92)",
        "SELECT f.* FROM care_leavers c CROSS JOIN LATERAL care_leaver_facts(c, current_date, 92) "
        "f WHERE c.la_child_id = '%s1'",
    };

    tcw_uid(p, "FC");
    make_cases(p);
    for (size_t i = 0; i < sizeof reads / sizeof *reads; i++) {
        int n = snprintf(sql, sizeof sql,
                         "SET track_functions = 'all';"
                         "SELECT set_config('app.role', 'manager', true),"
                         " set_config('app.sub', 'test', true);");
        n += snprintf(sql + n, sizeof sql - (size_t)n, reads[i], p);
        snprintf(sql + n, sizeof sql - (size_t)n,
                 ";SELECT coalesce((SELECT calls FROM pg_stat_xact_user_functions"
                 " WHERE funcname = 'cl_category_of'), 0)");
        long got = tc_sql_long(sql);

        cr_expect_eq(got, 1, "read %zu computed the category %ld times", i, got);
    }
}

/* The generic page (cl_page) prepares one statement per list whatever its values: pages of
 * episodes on three dates, with and without a keyset, share it, and so answer from one plan. */
Test(care_leaver_fast, one_prepared_statement_per_list)
{
    char p[11], sql[2048];

    tcw_uid(p, "FP");
    make_cases(p);
    snprintf(
        sql, sizeof sql,
        "SELECT set_config('app.role', 'manager', true), set_config('app.sub', 'test', true);"
        "SELECT count(*) FROM care_leavers c, generate_series(0, 2) d,"
        " accommodation_list(c.id, current_date - 400 * d, NULL, NULL, 5)"
        " WHERE c.la_child_id = '%s1';"
        "SELECT count(*) FROM care_leavers c, generate_series(0, 2) d,"
        " accommodation_list(c.id, current_date - 400 * d, (current_date - 100)::text,"
        " gen_random_uuid()::text, 5) WHERE c.la_child_id = '%s1';"
        "SELECT count(*) FROM pg_prepared_statements WHERE statement LIKE '%%accommodation_json%%'",
        p, p);
    cr_expect_eq(tc_sql_long(sql), 1);
}

/* cl_ts and cl_age_on are STABLE now (so they are inlined) and give what they gave. */
Test(care_leaver_fast, helpers_inline_and_agree)
{
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM pg_proc WHERE proname IN ('cl_ts', 'cl_age_on') "
                             "AND provolatile = 's'"),
                 2);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM generate_series(date '2000-02-27', "
                             "date '2009-03-02', interval '1 day') g WHERE "
                             "cl_age_on(date '2000-02-29', g::date) IS DISTINCT FROM "
                             "extract(year FROM age(g::date, date '2000-02-29'))::integer"),
                 0);
    cr_expect_eq(
        tc_sql_long("SELECT count(*) FROM (VALUES (timestamptz '2024-03-31 00:59:59.9996+00'),"
                    " ('2024-10-27 01:30:00.123+01'), ('2025-01-01 00:00:00+00')) v (t) "
                    "WHERE cl_ts(t) IS DISTINCT FROM "
                    "to_char(t AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"),
        0);
}
