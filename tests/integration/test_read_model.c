/* The read model (issue 19, schema/functions/read_model.sql): care_leaver_state, kept by
 * triggers in the same transaction as every write, equals the table rebuilt from scratch after
 * a randomised series of writes from several connections at once, some rolled back, some
 * failing; the facts a read computes from it equal those the rules compute from the source
 * tables, on days before, at and after the writes; a list page is audited by one row naming
 * the ids it returned, and "who saw person X" still finds it. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <libpq-fe.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_api.h"
#include "tc_casework.h"

TestSuite(read_model, .init = cl_mem_init, .timeout = 240);

#define PEOPLE 5
#define WRITERS 4
#define TXNS 40

struct writer {
    const char *url; /* NULL: the owner's connection (tc_db) */
    unsigned seed;
    char (*ids)[37];
    char (*advisers)[37];
    int committed, rolled_back, failed;
};

/* One random write to care leaver id, as SQL text (dates relative to today; some ahead of it). */
static void
random_write(unsigned *seed, const char *id, char (*advisers)[37], char *sql, size_t n)
{
    int d = (int)(rand_r(seed) % 800) - 600, len = 1 + (int)(rand_r(seed) % 200);
    int ok = rand_r(seed) % 3 != 0, visit = rand_r(seed) % 2;
    static const char *const events[] = {"refuses_contact", "no_longer_requires_services",
                                         "returned_home", "died"};
    static const char *const categories[] = {"relevant", "former_relevant", "qualifying"};

    switch (rand_r(seed) % 11) {
    case 0:
        snprintf(sql, n,
                 "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, "
                 "statutory_visit, recorded_on) VALUES ('%s', current_date + %d, '%s', %s, %s, "
                 "current_date + %d)",
                 id, d, visit ? "home_visit" : "phone", ok ? "true" : "false",
                 visit ? "true" : "false", d + 1);
        break;
    case 1:
        snprintf(sql, n,
                 "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on) "
                 "VALUES ('%s', '%s', current_date + %d)",
                 id, events[rand_r(seed) % 4], d);
        break;
    case 2:
        snprintf(sql, n,
                 "INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on, "
                 "superseded_on) VALUES ('%s', (SELECT coalesce(max(version_no), 0) + 1 FROM "
                 "pathway_plans WHERE care_leaver_id = '%s'), '%s', current_date + %d, %s)",
                 id, id, ok ? "current" : (visit ? "draft" : "superseded"), d,
                 !ok && !visit ? "current_date + 1000" : "NULL");
        break;
    case 3:
        snprintf(sql, n,
                 "UPDATE pathway_plans SET reviewed_on = started_on + %d WHERE id = (SELECT id "
                 "FROM pathway_plans WHERE care_leaver_id = '%s' ORDER BY random() LIMIT 1)",
                 len, id);
        break;
    case 4:
        snprintf(sql, n,
                 "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, "
                 "staying_put, started_on, ended_on) VALUES ('%s', 'U', true, false, "
                 "current_date + %d, %s)",
                 id, d, ok ? "NULL" : "current_date + 700");
        break;
    case 5:
        snprintf(sql, n,
                 "UPDATE accommodation_episodes SET ended_on = started_on + %d WHERE id = "
                 "(SELECT id FROM accommodation_episodes WHERE care_leaver_id = '%s' "
                 "ORDER BY started_on DESC LIMIT 1)",
                 len, id);
        break;
    case 6:
        snprintf(sql, n,
                 "INSERT INTO eet_activities (care_leaver_id, code, hours_per_week, started_on, "
                 "ended_on) VALUES ('%s', '%s', 30, current_date + %d, %s)",
                 id, ok ? "F2" : "P1", d, visit ? "NULL" : "current_date + 700");
        break;
    case 7:
        snprintf(sql, n,
                 "UPDATE care_leavers SET category = '%s', adviser_id = %s%s%s, "
                 "district = district || '' WHERE id = '%s'",
                 categories[rand_r(seed) % 3], ok ? "'" : "", ok ? advisers[len % 3] : "NULL",
                 ok ? "'" : "", id);
        break;
    case 8:
        snprintf(sql, n,
                 "DELETE FROM contacts WHERE id = (SELECT id FROM contacts WHERE "
                 "care_leaver_id = '%s' ORDER BY random() LIMIT 1)",
                 id);
        break;
    case 9:
        snprintf(sql, n,
                 "UPDATE contacts SET successful = NOT successful WHERE id = (SELECT id FROM "
                 "contacts WHERE care_leaver_id = '%s' ORDER BY random() LIMIT 1)",
                 id);
        break;
    default:
        snprintf(sql, n,
                 "DELETE FROM eet_activities WHERE id = (SELECT id FROM eet_activities WHERE "
                 "care_leaver_id = '%s' ORDER BY random() LIMIT 1)",
                 id);
        break;
    }
}

static int
run(PGconn *c, const char *sql)
{
    PGresult *r = PQexec(c, sql);
    int ok = PQresultStatus(r) == PGRES_COMMAND_OK || PQresultStatus(r) == PGRES_TUPLES_OK;

    PQclear(r);
    return ok ? 0 : -1;
}

/* TXNS transactions of one to four writes, about one in four rolled back; a write that fails
 * (an overlap, a second death, a version number taken by another writer, a deadlock) rolls its
 * transaction back. */
static void *
writer_main(void *arg)
{
    struct writer *w = arg;
    PGconn *c = w->url ? PQconnectdb(w->url) : tc_db();
    char sql[1024];

    if (PQstatus(c) != CONNECTION_OK) {
        w->failed = -1;
        PQfinish(c);
        return NULL;
    }
    for (int t = 0; t < TXNS; t++) {
        int ops = 1 + (int)(rand_r(&w->seed) % 4), bad = 0;

        run(c, "BEGIN");
        run(c, "SELECT set_config('app.sub', 'read-model-test', true), "
               "set_config('app.role', 'manager', true)");
        for (int i = 0; i < ops && !bad; i++) {
            random_write(&w->seed, w->ids[rand_r(&w->seed) % PEOPLE], w->advisers, sql, sizeof sql);
            bad = run(c, sql) != 0;
        }
        if (bad) {
            run(c, "ROLLBACK");
            w->failed++;
        } else if (rand_r(&w->seed) % 4 == 0) {
            run(c, "ROLLBACK");
            w->rolled_back++;
        } else {
            w->committed += run(c, "COMMIT") == 0;
        }
    }
    PQfinish(c);
    return NULL;
}

/* Rows of care_leaver_state that differ from the table rebuilt from the source tables, both
 * ways: over the whole table, or (id not NULL) one care leaver's row, as c sees them. */
static long
differences_on(PGconn *c, const char *id)
{
    const char *params[1] = {id};
    PGresult *r =
        PQexecParams(c,
                     "WITH rebuilt AS MATERIALIZED "
                     "(SELECT * FROM care_leaver_state_source('infinity') "
                     " WHERE $1::uuid IS NULL OR care_leaver_id = $1::uuid), "
                     "kept AS MATERIALIZED (SELECT * FROM care_leaver_state "
                     " WHERE $1::uuid IS NULL OR care_leaver_id = $1::uuid) "
                     "SELECT (SELECT count(*) FROM (TABLE kept EXCEPT ALL TABLE rebuilt) a)"
                     " + (SELECT count(*) FROM (TABLE rebuilt EXCEPT ALL TABLE kept) b)",
                     1, NULL, params, NULL, NULL, 0);
    long n = PQresultStatus(r) == PGRES_TUPLES_OK ? atol(PQgetvalue(r, 0, 0)) : -1;

    PQclear(r);
    return n;
}

static long
differences(void)
{
    PGconn *c = tc_db();
    long n = differences_on(c, NULL);

    PQfinish(c);
    return n;
}

Test(read_model, maintained_row_equals_rebuild_after_concurrent_writes)
{
    char ids[PEOPLE][37], advisers[3][37], uid[11], district[16], sql[1024];
    struct writer w[WRITERS];
    pthread_t th[WRITERS];
    int committed = 0, rolled_back = 0;

    for (int i = 0; i < 3; i++) {
        char *a = tcw_adviser(200);

        cr_assert_not_null(a);
        snprintf(advisers[i], sizeof advisers[i], "%s", a);
        free(a);
    }
    tcw_uid(uid, "RM");
    snprintf(district, sizeof district, "RM%s", uid);
    for (int i = 0; i < PEOPLE; i++) {
        char child[12], *id;

        snprintf(child, sizeof child, "%.9s%c", uid, (char)('0' + i));
        snprintf(sql, sizeof sql,
                 "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, "
                 "sex, ethnicity, category, care_ceased_on, district, opened_on, adviser_id) "
                 "VALUES ('%s', 'Rae', 'Model', current_date - interval '19 years %d days', 'F', "
                 "'WBRI', 'former_relevant', current_date - 400, '%s', current_date - 900, "
                 "'%s') RETURNING id",
                 child, i * 50, district, advisers[i % 3]);
        id = tcw_sql_str(sql, 0, NULL);
        cr_assert_not_null(id);
        snprintf(ids[i], sizeof ids[i], "%s", id);
        free(id);
    }
    cr_assert_eq(tc_sql_long("SELECT count(*) FROM care_leaver_state s JOIN care_leavers c "
                             "ON c.id = s.care_leaver_id WHERE c.la_child_id LIKE 'RM%'") >= PEOPLE,
                 1, "a new care leaver has its row from the start");

    /* half the writers as the api's login under row-level security, half as the owner */
    for (int i = 0; i < WRITERS; i++) {
        w[i] = (struct writer){i % 2 ? getenv("CL_TEST_APP_DATABASE_URL") : NULL,
                               0x5eed0u + (unsigned)i * 7919u,
                               ids,
                               advisers,
                               0,
                               0,
                               0};
        cr_assert_eq(pthread_create(&th[i], NULL, writer_main, &w[i]), 0);
    }
    for (int i = 0; i < WRITERS; i++) {
        pthread_join(th[i], NULL);
        cr_assert_geq(w[i].failed, 0, "writer %d could not connect", i);
        committed += w[i].committed;
        rolled_back += w[i].rolled_back;
    }
    cr_assert_gt(committed, 20, "enough transactions committed (%d)", committed);
    cr_assert_gt(rolled_back, 5, "some rolled back (%d)", rolled_back);

    cr_expect_eq(differences(), 0, "the maintained rows equal the rebuilt ones");

    /* what a read shows from the row equals what the rules give from the source tables, on
     * days before the writes' dates, among them and after them (the fallback included) */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM care_leavers c, generate_series(-650, 750, 25) g, "
             "LATERAL (SELECT current_date + g AS d) d "
             "CROSS JOIN LATERAL care_leaver_facts(c, d.d, 90) f "
             "CROSS JOIN LATERAL care_leaver_facts_of(c, care_leaver_state_on(c.id, d.d), d.d, "
             "90) m WHERE c.district = '%s' AND (f.*) IS DISTINCT FROM (m.*)",
             district);
    cr_expect_eq(tcw_sql_long(sql, 0, NULL), 0, "the facts agree on every day");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM care_leavers c, generate_series(-650, 750, 25) g, "
             "LATERAL (SELECT current_date + g AS d) d, "
             "LATERAL (SELECT care_leaver_state_on(c.id, d.d) AS s) s "
             "WHERE c.district = '%s' AND ("
             "(SELECT a.id FROM accommodation_episodes_on(d.d) a WHERE a.care_leaver_id = c.id) "
             "IS DISTINCT FROM CASE WHEN cl_in_force((s.s).accommodation_started_on, "
             "(s.s).accommodation_ended_on, d.d) THEN ((s.s).accommodation->>'id')::uuid END "
             "OR (SELECT a.id FROM eet_activities_on(d.d) a WHERE a.care_leaver_id = c.id) "
             "IS DISTINCT FROM CASE WHEN cl_in_force((s.s).activity_started_on, "
             "(s.s).activity_ended_on, d.d) THEN ((s.s).activity->>'id')::uuid END)",
             district);
    cr_expect_eq(tcw_sql_long(sql, 0, NULL), 0, "the current episodes agree on every day");
}

/* The rebuild finds a row the upkeep missed: the comparison above can fail. The stale row
 * exists only inside this test's own transaction, which is rolled back. */
Test(read_model, comparison_sees_a_stale_row)
{
    char uid[11], sql[512], *id;
    PGconn *c = tc_db();

    tcw_uid(uid, "RS");
    id = tcw_sql_str("INSERT INTO care_leavers (la_child_id, given_name, family_name, "
                     "date_of_birth, sex, ethnicity, category, district) VALUES ($1, 'Sam', "
                     "'Stale', current_date - interval '18 years', 'M', 'WBRI', 'relevant', "
                     "'Stale') RETURNING id",
                     1, (const char *[]){uid});
    cr_assert_not_null(id);
    cr_assert_eq(differences_on(c, id), 0);
    /* a contact written with the session's triggers off, as a replica applies changes */
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL session_replication_role = replica; "
             "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful) "
             "VALUES ('%s', current_date - 3, 'phone', true); "
             "SET LOCAL session_replication_role = origin",
             id);
    PQclear(PQexec(c, sql));
    cr_expect_eq(differences_on(c, id), 2, "one row each way");
    snprintf(sql, sizeof sql, "SELECT care_leaver_state_refresh(ARRAY['%s'::uuid])", id);
    PQclear(PQexec(c, sql));
    cr_expect_eq(differences_on(c, id), 0);
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    free(id);
}

/* A partner's notice of a move it placed is part of the current episode as the record shows it
 * (notice_on): the row follows the notice when it arrives and when a manager matches it. */
Test(read_model, a_partner_notice_reaches_the_current_episode)
{
    char uid[11], *id, *partner;
    PGconn *c = tc_db();

    tcw_uid(uid, "RN");
    id = tcw_sql_str("INSERT INTO care_leavers (la_child_id, given_name, family_name, "
                     "date_of_birth, sex, ethnicity, category, district) VALUES ($1, 'Noor', "
                     "'Notice', current_date - interval '19 years', 'F', 'WBRI', "
                     "'former_relevant', 'Notice') RETURNING id",
                     1, (const char *[]){uid});
    partner = tcw_sql_str("INSERT INTO partners (name, kind) VALUES ('Notice housing ' || $1, "
                          "'housing_provider') RETURNING id",
                          1, (const char *[]){uid});
    cr_assert(id && partner);
    cr_assert_eq(tcw_sql("INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, "
                         "provider_id, placed_by, started_on) VALUES ($1::uuid, 'T', true, "
                         "$2::uuid, 'partner', current_date - 5)",
                         2, (const char *[]){id, partner}),
                 0);
    cr_assert_eq(tcw_sql("INSERT INTO partner_notifications (partner_id, kind, la_child_id, "
                         "date_of_birth, occurred_on) SELECT $2::uuid, 'move_planned', "
                         "la_child_id, date_of_birth, current_date - 6 FROM care_leavers "
                         "WHERE id = $1::uuid",
                         2, (const char *[]){id, partner}),
                 0);
    cr_expect_eq(differences_on(c, id), 0, "a notice in triage changes nothing");
    cr_assert_eq(tcw_sql("UPDATE partner_notifications SET care_leaver_id = $1::uuid "
                         "WHERE partner_id = $2::uuid",
                         2, (const char *[]){id, partner}),
                 0);
    cr_expect_eq(differences_on(c, id), 0, "matched: the stored episode shows its notice");
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM care_leaver_state WHERE care_leaver_id = "
                              "$1::uuid AND accommodation ->> 'notice_on' IS NOT NULL",
                              1, (const char *[]){id}),
                 1);
    PQfinish(c);
    free(partner);
    free(id);
}

/* A list page writes one audit row naming, in order, the ids it returned (not the look-ahead
 * row); an administrator asking who saw one of them finds it. */
Test(read_model, list_page_audited_by_one_row)
{
    char *mgr = tc_token("manager", NULL, NULL), *admin = tc_token("admin", NULL, NULL);
    char uid[11], district[16], path[256], want[200] = "{";
    struct tc_resp *r;
    const cJSON *items, *it;
    char *got, *second = NULL;
    int n = 0;

    tcw_uid(uid, "RA");
    snprintf(district, sizeof district, "RA%s", uid);
    for (int i = 0; i < 4; i++) {
        char child[12], given[4] = {'G', (char)('0' + i), '\0'};

        snprintf(child, sizeof child, "%.9s%c", uid, (char)('0' + i));
        cr_assert_eq(tcw_sql("INSERT INTO care_leavers (la_child_id, given_name, family_name, "
                             "date_of_birth, sex, ethnicity, category, district) VALUES ($1, $2, "
                             "'Audit', current_date - interval '18 years', 'F', 'WBRI', "
                             "'relevant', $3)",
                             3, (const char *[]){child, given, district}),
                     0);
    }
    snprintf(path, sizeof path, "/v1/care-leavers?district=%s&limit=3", district);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cJSON_ArrayForEach(it, items)
    {
        const char *id = cJSON_GetObjectItem(it, "id")->valuestring;

        strcat(want, n ? "," : "");
        strcat(want, id);
        if (n == 1)
            second = strdup(id);
        n++;
    }
    strcat(want, "}");
    tc_free(r);
    cr_assert_eq(n, 3);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE action = 'list' AND "
                              "resource_ids && (SELECT array_agg(id) FROM care_leavers "
                              "WHERE district = $1)",
                              1, (const char *[]){district}),
                 1, "one audit row for the page");
    got = tcw_sql_str("SELECT resource_ids::text FROM audit_log WHERE action = 'list' "
                      "AND resource_type = 'care_leaver' AND resource_id IS NULL AND "
                      "resource_ids && (SELECT array_agg(id) FROM care_leavers "
                      "WHERE district = $1)",
                      1, (const char *[]){district});
    cr_assert_not_null(got);
    cr_expect_str_eq(got, want, "the ids shown, in order, without the look-ahead row");

    snprintf(path, sizeof path, "/v1/audit-events?resource_id=%s&limit=5", second);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_geq(cJSON_GetArraySize(items), 1);
    it = cJSON_GetArrayItem(items, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "action")->valuestring, "list");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(it, "resource_id")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(it, "resource_ids")), 3);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM pg_indexes WHERE tablename = 'audit_log' "
                              "AND indexdef LIKE '%USING gin (resource_ids)%'",
                              0, NULL),
                 1, "the array is indexed");
    free(got);
    free(second);
    free(mgr);
    free(admin);
}

/* A fresh api (its list cursor key not read yet) with a pool of one answers a list page that
 * needs a next cursor: the key is read on the request's own connection. (It was read on a
 * second pooled connection, under a lock: with every pooled connection held by list requests,
 * each waited for the pool until its timeout, 503.) */
Test(read_model, first_list_page_of_a_fresh_api_with_a_pool_of_one)
{
    const char *env[] = {"DB_POOL_SIZE=1", "DB_TIMEOUT_MS=1000", NULL};
    char *mgr = tc_token("manager", NULL, NULL);
    struct tc_api api;
    struct tc_resp *r;
    const cJSON *next;

    char uid[11], child[12];

    tcw_uid(uid, "RK");
    for (int i = 0; i < 2; i++) {
        snprintf(child, sizeof child, "%.9s%c", uid, (char)('0' + i));
        cr_assert_eq(tcw_sql("INSERT INTO care_leavers (la_child_id, given_name, family_name, "
                             "date_of_birth, sex, ethnicity, category, district) VALUES ($1, "
                             "'Kay', 'Key', current_date - interval '18 years', 'F', 'WBRI', "
                             "'relevant', 'Key')",
                             1, (const char *[]){child}),
                     0);
    }
    cr_assert_eq(tc_api_start(&api, env), 0);
    r = tc_req_at(api.port, "GET", "/v1/care-leavers?district=Key&limit=1", mgr, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    next = r->json ? cJSON_GetObjectItem(r->json, "next_cursor") : NULL;
    cr_expect(cJSON_IsString(next), "a next cursor");
    tc_free(r);
    cr_expect_eq(tc_api_stop(&api), 0, "stopped cleanly");
    free(mgr);
}
