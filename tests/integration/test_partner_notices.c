/* Partners tell us first (issue 23): notifications answered alike whether matched or sent to
 * triage, the adviser's inbox and the manager's task, moves placed by a partner without notice
 * derived as breaches, commitments as rows measured against a hand count, the partner's view of
 * the allocated adviser, and every new route refusing other partners' and advisers' objects.
 * Every test makes its own partners, advisers and young people. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_db.h"
#include "cl_la_time.h"
#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(partner_notices, .init = cl_mem_init, .timeout = 120);

static char *
seed(const char *fmt, const char *a, const char *b, const char *c)
{
    char sql[1024];

    snprintf(sql, sizeof sql, fmt, a, b, c);
    return tc_seed_text(sql);
}

static long
count(const char *fmt, const char *a)
{
    char sql[512];

    snprintf(sql, sizeof sql, fmt, a);
    return tc_sql_long(sql);
}

/* A draft protocol row, straight into the database (referrals need one to hang off). */
static char *
seed_protocol(void)
{
    return tc_seed_text("INSERT INTO housing_protocols (title, edition) "
                        "SELECT 'Issue 23 test protocol', 5000 + (random() * 4000)::int "
                        "RETURNING id");
}

/* A housing referral of care_leaver to partner under protocol, referred and answered on the
 * given days (responded NULL: unanswered), written as its owner would. */
static char *
seed_referral(const char *protocol, const char *care_leaver, const char *partner,
              const char *referred, const char *responded)
{
    char sql[1024];

    snprintf(sql, sizeof sql,
             "INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referred_on, "
             "response_due_on, responded_on, outcome) VALUES ('%s', '%s', '%s', '%s', "
             "'%s'::date + 10, %s%s%s, %s) RETURNING id",
             care_leaver, partner, protocol, referred, referred, responded ? "'" : "",
             responded ? responded : "NULL", responded ? "'" : "",
             responded ? "'offered'" : "NULL");
    return tc_seed_text(sql);
}

static char *
partner_token(const char *partner)
{
    return tc_token("partner", NULL, partner);
}

static char *
la_child_id_of(const char *care_leaver)
{
    char sql[256];

    snprintf(sql, sizeof sql, "SELECT la_child_id FROM care_leavers WHERE id = '%s'", care_leaver);
    return tc_seed_text(sql);
}

/* The member names of a JSON object, sorted, as one string. */
static void
keys_of(const cJSON *o, char *out, size_t outlen)
{
    const cJSON *e;
    size_t n = 0;

    out[0] = '\0';
    cJSON_ArrayForEach(e, o) n += (size_t)snprintf(out + n, outlen - n, "%s,", e->string);
}

Test(partner_notices, matched_and_triage_answer_alike_and_reach_inbox_and_manager)
{
    char *adviser = tc_seed_adviser(), *other_adviser = tc_seed_adviser();
    char *partner = tc_seed_partner("housing_provider");
    char *referred = tc_seed_care_leaver(adviser, "2007-05-01");
    char *not_referred = tc_seed_care_leaver(adviser, "2007-06-01");
    char *protocol = seed_protocol();
    char *referral = seed_referral(protocol, referred, partner, "2026-09-07", NULL);
    char *ptok = partner_token(partner), *mgr = tc_token("manager", NULL, NULL);
    char *atok = tc_token("adviser", adviser, NULL),
         *otok = tc_token("adviser", other_adviser, NULL);
    char *la1 = la_child_id_of(referred), *la2 = la_child_id_of(not_referred);
    char body[512], keys[3][512], path[160], ids[3][40];
    struct tc_resp *r;
    const cJSON *items, *e;
    int found = 0;

    /* matched (a referral to this partner exists), a real young person never referred to it,
     * and nobody at all: the same status and the same members each time */
    const char *who[3][2] = {{la1, "2007-05-01"}, {la2, "2007-06-01"}, {"ZZ999999", "2007-05-01"}};
    for (int i = 0; i < 3; i++) {
        snprintf(body, sizeof body,
                 "{\"kind\":\"emergency_move\",\"la_child_id\":\"%s\",\"date_of_birth\":\"%s\","
                 "\"occurred_on\":\"2026-11-28\",\"details\":\"moved after a fire\"}",
                 who[i][0], who[i][1]);
        r = tc_post("/v1/partner-notifications", ptok, body);
        cr_assert_eq(r->status, 202, "%d: %s", i, r->body);
        keys_of(r->json, keys[i], sizeof keys[i]);
        cr_expect_null(cJSON_GetObjectItem(r->json, "care_leaver_id"), "partner learns no match");
        cr_expect_null(cJSON_GetObjectItem(r->json, "triage"));
        snprintf(ids[i], sizeof ids[i], "%s", tc_str(r, "id"));
        cr_expect_not_null(tc_header(r, "Location"));
        tc_free(r);
    }
    cr_expect_str_eq(keys[0], keys[1]);
    cr_expect_str_eq(keys[0], keys[2]);

    /* the server's clock, not a typed one */
    cr_expect_eq(count("SELECT count(*) FROM partner_notifications WHERE id = '%s' "
                       "AND received_at > now() - interval '1 minute'",
                       ids[0]),
                 1);
    /* staff see the match: one matched, two in triage */
    snprintf(path, sizeof path, "/v1/partner-notifications/%s", ids[0]);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "care_leaver_id"), referred);
    tc_free(r);
    for (int i = 1; i < 3; i++)
        cr_expect_eq(count("SELECT count(*) FROM partner_notifications WHERE id = '%s' "
                           "AND care_leaver_id IS NULL",
                           ids[i]),
                     1);
    r = tc_get("/v1/partner-notifications?triage=true&limit=200", mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cJSON_ArrayForEach(e, items)
    {
        const char *id = cJSON_GetObjectItem(e, "id")->valuestring;

        found += strcmp(id, ids[1]) == 0 || strcmp(id, ids[2]) == 0;
        cr_expect(strcmp(id, ids[0]) != 0, "a matched notice is not in triage");
    }
    cr_expect_eq(found, 2);
    tc_free(r);
    /* every emergency raises a manager task, matched or not */
    for (int i = 0; i < 3; i++)
        cr_expect_eq(
            count("SELECT count(*) FROM manager_tasks WHERE notification_id = '%s'", ids[i]), 1);
    r = tc_get("/v1/manager-tasks?status=open", mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);

    /* the adviser's inbox holds the matched notice only */
    snprintf(path, sizeof path, "/v1/advisers/%s/inbox", adviser);
    r = tc_get(path, atok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_expect_eq(cJSON_GetArraySize(items), 1, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuestring, ids[0]);
    tc_free(r);
    /* another adviser's inbox is not there at all */
    r = tc_get(path, otok);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    /* a partner may not ask which of its notices went to triage */
    r = tc_get("/v1/partner-notifications?triage=true", ptok);
    cr_expect_eq(r->status, 400, "%s", r->body);
    tc_free(r);

    /* the adviser acknowledges; twice is a conflict */
    snprintf(path, sizeof path, "/v1/partner-notifications/%s/acknowledge", ids[0]);
    r = tc_post(path, atok, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_not_null(tc_str(r, "acknowledged_at"));
    tc_free(r);
    r = tc_post(path, atok, NULL);
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    /* the manager matches a triage notice; it is in the adviser's inbox from then on */
    snprintf(path, sizeof path, "/v1/partner-notifications/%s/match", ids[1]);
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\"}", not_referred);
    r = tc_post(path, mgr, body);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    r = tc_post(path, mgr, body);
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/advisers/%s/inbox", adviser);
    r = tc_get(path, atok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2, "%s", r->body);
    tc_free(r);

    free(adviser), free(other_adviser), free(partner), free(referred), free(not_referred);
    free(protocol), free(referral), free(ptok), free(mgr), free(atok), free(otok), free(la1),
        free(la2);
}

Test(partner_notices, bad_notifications_write_nothing)
{
    char *partner = tc_seed_partner("housing_provider"), *other = tc_seed_partner("college");
    char *adviser = tc_seed_adviser(), *cl = tc_seed_care_leaver(adviser, "2007-05-01");
    char *protocol = seed_protocol();
    char *others_referral = seed_referral(protocol, cl, other, "2026-09-07", NULL);
    char *ptok = partner_token(partner), *big = cl_malloc(1100000), body[512];
    static const struct {
        const char *body;
        int status;
    } bad[] = {
        {"{\"occurred_on\":\"2026-11-28\",\"referral_id\":\"%s\"}", 422},
        {"{\"kind\":\"emergency_move\",\"referral_id\":\"%s\"}", 422},
        {"{\"kind\":\"flood\",\"occurred_on\":\"2026-11-28\",\"referral_id\":\"%s\"}", 422},
        {"{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"referral_id\":\"%s\","
         "\"care_leaver_id\":\"x\"}",
         422},
        {"{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"la_child_id\":\"%s\"}", 422},
        {"{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"referral_id\":\"%s\","
         "\"received_at\":\"2020-01-01T00:00:00Z\"}",
         422},
        /* another partner's referral: as unknown as a made-up one */
        {"{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"referral_id\":\"%s\"}", 404},
        {"{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"referral_id\":"
         "\"7d0b1a2c-0000-4000-8000-00000000abcd\"%s}",
         404},
        {"{\"kind\":", 400},
    };
    struct tc_resp *r;

    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
        snprintf(body, sizeof body, bad[i].body, i == 7 ? "" : others_referral);
        r = tc_post("/v1/partner-notifications", ptok, body);
        cr_expect_eq(r->status, bad[i].status, "%zu: %s -> %d %s", i, body, r->status, r->body);
        cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json", "%zu", i);
        tc_free(r);
    }
    /* details too long, and a body over MAX_BODY_BYTES */
    {
        static const char prefix[] =
            "{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"details\":\"";
        size_t p = sizeof prefix - 1;

        memset(big, 'x', 1100000);
        memcpy(big, prefix, p);
        memcpy(big + p + 2001, "\"}", 3); /* 2001 characters */
        r = tc_post("/v1/partner-notifications", ptok, big);
        cr_expect_eq(r->status, 422, "%s", r->body);
        tc_free(r);
        memset(big + p, 'x', 1100000 - p);
        memcpy(big + 1100000 - 3, "\"}", 3); /* over 1 MiB */
        r = tc_post("/v1/partner-notifications", ptok, big);
        cr_expect_eq(r->status, 413, "%s", r->body);
        tc_free(r);
    }
    cr_expect_eq(
        count("SELECT count(*) FROM partner_notifications WHERE partner_id = '%s'", partner), 0,
        "nothing written");

    /* an Idempotency-Key: the same body again is the same notice; another body is 422 */
    snprintf(body, sizeof body,
             "{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-28\",\"la_child_id\":\"Q1\","
             "\"date_of_birth\":\"2007-01-01\"}");
    for (int i = 0; i < 2; i++) {
        r = tc_req("POST", "/v1/partner-notifications", ptok, body,
                   "Idempotency-Key: issue23-notice-key\r\n");
        cr_expect_eq(r->status, 202, "%s", r->body);
        tc_free(r);
    }
    r = tc_req("POST", "/v1/partner-notifications", ptok,
               "{\"kind\":\"rent_arrears\",\"occurred_on\":\"2026-11-29\",\"la_child_id\":\"Q1\","
               "\"date_of_birth\":\"2007-01-01\"}",
               "Idempotency-Key: issue23-notice-key\r\n");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    cr_expect_eq(
        count("SELECT count(*) FROM partner_notifications WHERE partner_id = '%s'", partner), 1);
    free(partner), free(other), free(adviser), free(cl), free(protocol), free(others_referral);
    free(ptok), free(big);
}

/* Adds an accommodation episode as the adviser, placed by partner, begun days_ago days ago. */
static char *
partner_move(const char *atok, const char *cl, const char *partner, int days_ago)
{
    char path[128], body[512], started[16];
    struct tc_resp *r;
    char *id;

    snprintf(body, sizeof body, "SELECT (current_date - %d)::text", days_ago);
    r = NULL;
    {
        char *d = tc_seed_text(body);

        snprintf(started, sizeof started, "%s", d);
        free(d);
    }
    snprintf(path, sizeof path, "/v1/care-leavers/%s/accommodation", cl);
    snprintf(body, sizeof body,
             "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"%s\",\"provider_id\":\"%s\","
             "\"placed_by\":\"partner\"}",
             started, partner);
    r = tc_post(path, atok, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static void
notify_move(const char *ptok, const char *referral)
{
    char body[256];
    struct tc_resp *r;

    snprintf(body, sizeof body,
             "{\"kind\":\"move_planned\",\"referral_id\":\"%s\",\"occurred_on\":\"2026-12-01\"}",
             referral);
    r = tc_post("/v1/partner-notifications", ptok, body);
    cr_assert_eq(r->status, 202, "%s", r->body);
    tc_free(r);
}

Test(partner_notices, moves_placed_by_a_partner_without_notice_are_derived_breaches)
{
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("housing_provider");
    char *atok = tc_token("adviser", adviser, NULL), *ptok = partner_token(partner);
    char *mgr = tc_token("manager", NULL, NULL), *protocol = seed_protocol();
    char *cl[3], *ref[3], *ep[3], path[256];
    const cJSON *e, *row = NULL;
    struct tc_resp *r;
    int late = 0, never = 0, in_time = 0;

    for (int i = 0; i < 3; i++) {
        cl[i] = tc_seed_care_leaver(adviser, "2007-05-01");
        ref[i] = seed_referral(protocol, cl[i], partner, "2026-09-07", NULL);
    }
    /* 0: told before the move (notice today, moving today): compliant */
    notify_move(ptok, ref[0]);
    ep[0] = partner_move(atok, cl[0], partner, 0);
    /* 1: moved five days ago, never told */
    ep[1] = partner_move(atok, cl[1], partner, 5);
    /* 2: moved three days ago, told today */
    ep[2] = partner_move(atok, cl[2], partner, 3);
    notify_move(ptok, ref[2]);

    snprintf(path, sizeof path, "/v1/care-leavers/%s/accommodation/%s", cl[0], ep[0]);
    r = tc_get(path, atok);
    cr_expect_not_null(tc_str(r, "notice_on"), "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/housing-protocols/%s/compliance", protocol);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "breaches"))
    {
        const char *rec = cJSON_GetObjectItem(e, "record_id")->valuestring;

        if (strcmp(cJSON_GetObjectItem(e, "kind")->valuestring, "move_without_notice") != 0)
            continue;
        in_time += strcmp(rec, ep[0]) == 0;
        never += strcmp(rec, ep[1]) == 0;
        late += strcmp(rec, ep[2]) == 0;
        if (strcmp(rec, ep[1]) == 0)
            cr_expect_str_eq(cJSON_GetObjectItem(e, "details")->valuestring, "never notified");
        if (strcmp(rec, ep[2]) == 0)
            cr_expect_str_eq(cJSON_GetObjectItem(e, "details")->valuestring,
                             "notified 3 days after the move");
    }
    cr_expect_eq(in_time, 0, "notice before the move is compliant");
    cr_expect_eq(never, 1, "no notice is a breach nobody typed");
    cr_expect_eq(late, 1, "notice after the move is a breach");
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "partners"))
    {
        if (strcmp(cJSON_GetObjectItem(e, "partner_id")->valuestring, partner) == 0)
            row = e;
    }
    cr_assert_not_null(row, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(row, "partner_moves")->valueint, 3);
    cr_expect_eq(cJSON_GetObjectItem(row, "notified_late")->valueint, 1);
    cr_expect_eq(cJSON_GetObjectItem(row, "never_notified")->valueint, 1);
    cr_expect_eq(cJSON_GetObjectItem(row, "moves_without_notice")->valueint, 2);
    cr_expect_eq(cJSON_GetObjectItem(row, "notice_lag_days_mean")->valuedouble, 3.0);
    tc_free(r);
    cr_expect_eq(
        count("SELECT count(*) FROM housing_protocol_breaches WHERE partner_id = '%s'", partner), 0,
        "nothing was recorded by hand");
    for (int i = 0; i < 3; i++)
        free(cl[i]), free(ref[i]), free(ep[i]);
    free(adviser), free(partner), free(atok), free(ptok), free(mgr), free(protocol);
}

/* A notice received at 23:30 UTC on a summer day is 00:30 the next day in London: it counts on
 * the council's date, whatever the database session's TimeZone. */
Test(partner_notices, a_notice_counts_on_the_councils_date_not_the_sessions)
{
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("housing_provider");
    char *atok = tc_token("adviser", adviser, NULL), *ptok = partner_token(partner);
    char *protocol = seed_protocol(), *cl = tc_seed_care_leaver(adviser, "2007-05-01");
    char *ref = seed_referral(protocol, cl, partner, "2026-06-01", NULL);
    char path[256], body[512], sql[512];
    struct tc_resp *r;
    char *ep;

    notify_move(ptok, ref);
    snprintf(sql, sizeof sql,
             "UPDATE partner_notifications SET received_at = '2026-07-14 23:30:00+00' "
             "WHERE referral_id = '%s'",
             ref);
    cr_assert_eq(tc_sql(sql), 0);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/accommodation", cl);
    snprintf(
        body, sizeof body,
        "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2026-07-15\",\"provider_id\":\"%s\","
        "\"placed_by\":\"partner\"}",
        partner);
    r = tc_post(path, atok, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    ep = strdup(tc_str(r, "id"));
    tc_free(r);

    /* through the api (its connections carry LA_TIMEZONE) */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/accommodation/%s", cl, ep);
    r = tc_get(path, atok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "notice_on"), "2026-07-15", "%s", r->body);
    tc_free(r);
    /* a session in UTC gets the council's date too (LA_TIMEZONE's default, Europe/London) */
    snprintf(sql, sizeof sql,
             "SET TimeZone = 'UTC'; SELECT (accommodation_notice_on(e) = '2026-07-15' "
             "AND current_setting('TimeZone') = 'UTC')::int FROM accommodation_episodes e "
             "WHERE e.id = '%s'",
             ep);
    cr_expect_eq(tc_sql_long(sql), 1, "the London date in a UTC session");
    /* and the zone is the configured one, not a constant */
    snprintf(sql, sizeof sql,
             "SET app.la_timezone = 'UTC'; SELECT (accommodation_notice_on(e) = '2026-07-14')::int "
             "FROM accommodation_episodes e WHERE e.id = '%s'",
             ep);
    cr_expect_eq(tc_sql_long(sql), 1, "a council in UTC counts it on the 14th");
    free(adviser), free(partner), free(atok), free(ptok), free(protocol), free(cl), free(ref);
    free(ep);
}

/* Every connection the api and the worker open keeps the council's calendar: the session's
 * zone is LA_TIMEZONE, so current_date (in functions, column defaults and policies) is the
 * council's date however the server is set. A zone 14 hours from UTC tells them apart most of
 * the day; the setting itself, always. */
Test(partner_notices, a_connection_keeps_the_councils_calendar)
{
    static struct cl_stmt q = {
        "SELECT current_setting('TimeZone'), current_setting('app.la_timezone'), "
        "(current_date = (now() AT TIME ZONE 'Pacific/Kiritimati')::date)::int"};
    struct cl_conn *c;
    PGresult *res = NULL;

    cl_la_time_use("Pacific/Kiritimati");
    c = cl_conn_open(getenv("CL_TEST_APP_DATABASE_URL"), "test-calendar", 5000);
    cr_assert_not_null(c);
    cr_assert_eq(cl_db_one(c, &q, 0, NULL, &res), CL_OK);
    cr_expect_str_eq(PQgetvalue(res, 0, 0), "Pacific/Kiritimati", "the session's zone");
    cr_expect_str_eq(PQgetvalue(res, 0, 1), "Pacific/Kiritimati", "cl_la_date's zone");
    cr_expect_str_eq(PQgetvalue(res, 0, 2), "1", "current_date is the council's date");
    PQclear(res);
    cl_conn_close(c);
}

/* A team manager closes a task with a note; the server stamps who and when. Bad input, a second
 * close, an unknown id, a stale version and the wrong roles write nothing. */
Test(partner_notices, a_manager_closes_a_task_with_a_note)
{
    char *partner = tc_seed_partner("housing_provider"), *ptok = partner_token(partner);
    char *adviser = tc_seed_adviser(), *atok = tc_token("adviser", adviser, NULL);
    char *mgr = tc_token("manager", NULL, NULL), *task, note[2100], path[160], body[2200];
    struct tc_resp *r;
    long audits;
    const cJSON *e;
    int open_seen = 0, closed_seen = 0;

    r = tc_post("/v1/partner-notifications", ptok,
                "{\"kind\":\"b_and_b_placement\",\"la_child_id\":\"ZZ999998\","
                "\"date_of_birth\":\"2007-05-01\",\"occurred_on\":\"2026-11-28\"}");
    cr_assert_eq(r->status, 202, "%s", r->body);
    snprintf(body, sizeof body, "SELECT id FROM manager_tasks WHERE notification_id = '%s'",
             tc_str(r, "id"));
    tc_free(r);
    task = tc_seed_text(body);
    cr_assert_not_null(task);
    snprintf(path, sizeof path, "/v1/manager-tasks/%s/close", task);
    snprintf(body, sizeof body,
             "SELECT count(*) FROM audit_log WHERE resource_type = 'manager_task' "
             "AND resource_id = '%s'",
             task);
    audits = tc_sql_long(body);

    memset(note, 'x', 2001);
    note[2001] = '\0';
    {
        struct {
            const char *body, *headers;
            int status;
        } bad[] = {
            {"{}", NULL, 422},
            {"{\"note\":\"\"}", NULL, 422},
            {"{\"note\":\"   \"}", NULL, 422},
            {"{\"note\":7}", NULL, 422},
            {"{\"note\":\"done\",\"status\":\"closed\"}", NULL, 422},
            {"{\"note\":\"done\",\"closed_by\":\"someone\"}", NULL, 422},
            {"{\"note\":", NULL, 400},
            {"{\"note\":\"done\"}", "If-Match: \"7\"\r\n", 412},
            {NULL, NULL, 422},
        };
        for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++) {
            const char *b = bad[i].body;

            if (i == sizeof bad / sizeof bad[0] - 1) {
                snprintf(body, sizeof body, "{\"note\":\"%s\"}", note);
                b = body;
            }
            r = tc_req("POST", path, mgr, b, bad[i].headers);
            cr_expect_eq(r->status, bad[i].status, "%zu: %d %s", i, r->status, r->body);
            cr_expect_str_eq(tc_header(r, "Content-Type") ? tc_header(r, "Content-Type") : "",
                             "application/problem+json", "%zu", i);
            tc_free(r);
        }
    }
    /* the roles that may not read tasks may not close them */
    r = tc_post(path, ptok, "{\"note\":\"done\"}");
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);
    r = tc_post(path, atok, "{\"note\":\"done\"}");
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/manager-tasks/00000000-0000-4000-8000-000000000000/close", mgr,
                "{\"note\":\"done\"}");
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "SELECT count(*) FROM manager_tasks WHERE id = '%s' AND status = 'open' "
             "AND version = 1 AND closed_at IS NULL AND close_note IS NULL",
             task);
    cr_expect_eq(tc_sql_long(body), 1, "nothing written");
    snprintf(body, sizeof body,
             "SELECT count(*) FROM audit_log WHERE resource_type = 'manager_task' "
             "AND resource_id = '%s'",
             task);
    cr_expect_eq(tc_sql_long(body), audits, "nothing audited");

    /* closed, with the version read */
    r = tc_req("POST", path, mgr,
               "{\"note\":\"Spoke to the provider: back in the supported flat on Monday\"}",
               "If-Match: \"1\"\r\n");
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "closed");
    cr_expect_str_eq(tc_str(r, "close_note"),
                     "Spoke to the provider: back in the supported flat on Monday");
    cr_expect_not_null(tc_str(r, "closed_at"));
    cr_expect_not_null(tc_str(r, "closed_by"));
    cr_expect_eq(cJSON_GetObjectItem(r->json, "version")->valueint, 2);
    cr_expect_str_eq(tc_header(r, "ETag") ? tc_header(r, "ETag") : "", "\"2\"");
    snprintf(body, sizeof body,
             "SELECT count(*) FROM audit_log WHERE resource_type = 'manager_task' "
             "AND resource_id = '%s' AND action = 'close' AND actor_sub = '%s'",
             task, tc_str(r, "closed_by"));
    cr_expect_eq(tc_sql_long(body), 1, "audited as the manager who closed it");
    snprintf(body, sizeof body,
             "SELECT count(*) FROM manager_tasks WHERE id = '%s' "
             "AND closed_at > now() - interval '1 minute'",
             task);
    cr_expect_eq(tc_sql_long(body), 1, "the server's clock");
    tc_free(r);
    /* closing twice is a conflict, and writes nothing */
    r = tc_post(path, mgr, "{\"note\":\"again\"}");
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "SELECT count(*) FROM manager_tasks WHERE id = '%s' AND version = 2 "
             "AND close_note LIKE 'Spoke%%'",
             task);
    cr_expect_eq(tc_sql_long(body), 1);

    /* the list filters open and closed */
    for (int pass = 0; pass < 2; pass++) {
        r = tc_get(pass ? "/v1/manager-tasks?status=closed&limit=200"
                        : "/v1/manager-tasks?status=open&limit=200",
                   mgr);
        cr_assert_eq(r->status, 200, "%s", r->body);
        cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "items"))
        {
            cr_expect_str_eq(cJSON_GetObjectItem(e, "status")->valuestring,
                             pass ? "closed" : "open");
            if (strcmp(cJSON_GetObjectItem(e, "id")->valuestring, task) == 0 && pass)
                closed_seen++;
            else if (strcmp(cJSON_GetObjectItem(e, "id")->valuestring, task) == 0)
                open_seen++;
        }
        tc_free(r);
    }
    cr_expect_eq(open_seen, 0);
    cr_expect_eq(closed_seen, 1);
    r = tc_get("/v1/manager-tasks?status=done", mgr);
    cr_expect_eq(r->status, 400, "%s", r->body);
    tc_free(r);
    free(partner), free(ptok), free(adviser), free(atok), free(mgr), free(task);
}

/* The figures of the commitment of kind/district in a commitment-compliance answer. */
static const cJSON *
commitment(const cJSON *body, const char *district)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(body, "commitments"))
    {
        const cJSON *d = cJSON_GetObjectItem(cJSON_GetObjectItem(e, "commitment"), "district");

        if (cJSON_IsString(d) && strcmp(d->valuestring, district) == 0)
            return e;
    }
    return NULL;
}

static int
fig(const cJSON *o, const char *name)
{
    return cJSON_GetObjectItem(o, name)->valueint;
}

Test(partner_notices, commitments_are_rows_measured_per_district_and_partner)
{
    char *admin = tc_token("admin", NULL, NULL), *protocol = seed_protocol();
    char *p = tc_seed_partner("district_council"), *q = tc_seed_partner("district_council");
    char *adviser = tc_seed_adviser(), *ptok = partner_token(p), path[256];
    char *red[3], *wy[2], *refs[5];
    const cJSON *c, *e;
    struct tc_resp *r;
    int k = 0;

    /* Redditch young people: 10 working days; Wychavon: 15 */
    snprintf(path, sizeof path, "/v1/housing-protocols/%s/commitments", protocol);
    r = tc_post(path, admin,
                "{\"kind\":\"response_working_days\",\"target\":10,\"district\":\"Redditch\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    r = tc_post(path, admin,
                "{\"kind\":\"response_working_days\",\"target\":15,\"district\":\"Wychavon\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    r = tc_post(path, admin, "{\"kind\":\"bnb_under_18\",\"target\":3}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    r = tc_post(path, ptok, "{\"kind\":\"bnb_under_18\",\"target\":0}");
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);

    for (int i = 0; i < 3; i++)
        red[i] = tc_seed_care_leaver(adviser, "2007-05-01");
    for (int i = 0; i < 2; i++) {
        char sql[160];

        wy[i] = tc_seed_care_leaver(adviser, "2007-05-01");
        snprintf(sql, sizeof sql, "UPDATE care_leavers SET district = 'Wychavon' WHERE id = '%s'",
                 wy[i]);
        cr_assert_eq(tc_sql(sql), 0);
    }
    /* Referred Monday 7 September 2026. Working days after it: the 21st is the 10th, the 22nd
     * the 11th, the 29th the 16th (no bank holiday in September). */
    refs[k++] = seed_referral(protocol, red[0], p, "2026-09-07", "2026-09-21"); /* met */
    refs[k++] = seed_referral(protocol, red[1], p, "2026-09-07", "2026-09-22"); /* late */
    refs[k++] = seed_referral(protocol, red[2], q, "2026-09-07", NULL);         /* unanswered */
    refs[k++] = seed_referral(protocol, wy[0], p, "2026-09-07", "2026-09-22");  /* met at 15 */
    refs[k++] = seed_referral(protocol, wy[1], q, "2026-09-07", "2026-09-29");  /* late at 15 */

    snprintf(path, sizeof path,
             "/v1/housing-protocols/%s/commitment-compliance?from=2026-09-01&to=2026-09-30",
             protocol);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    c = commitment(r->json, "Redditch");
    cr_assert_not_null(c, "%s", r->body);
    cr_expect_eq(fig(cJSON_GetObjectItem(c, "total"), "cases"), 3);
    cr_expect_eq(fig(cJSON_GetObjectItem(c, "total"), "met"), 1);
    cr_expect_eq(fig(cJSON_GetObjectItem(c, "total"), "not_met"), 2);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(c, "total"), "met_pct")->valuedouble,
                 33.3);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(c, "by_partner"))
    {
        int mine = strcmp(cJSON_GetObjectItem(e, "partner_id")->valuestring, p) == 0;

        cr_expect_eq(fig(e, "cases"), mine ? 2 : 1);
        cr_expect_eq(fig(e, "met"), mine ? 1 : 0);
    }
    c = commitment(r->json, "Wychavon");
    cr_assert_not_null(c);
    cr_expect_eq(fig(cJSON_GetObjectItem(c, "total"), "cases"), 2);
    cr_expect_eq(fig(cJSON_GetObjectItem(c, "total"), "met"), 1);
    cr_expect_eq(fig(cJSON_GetArrayItem(cJSON_GetObjectItem(c, "by_district"), 0), "not_met"), 1);
    tc_free(r);
    /* a partner sees its own cases only (and this protocol is not its: 404) */
    r = tc_get(path, ptok);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    for (int i = 0; i < k; i++)
        free(refs[i]);
    for (int i = 0; i < 3; i++)
        free(red[i]);
    free(wy[0]), free(wy[1]), free(admin), free(protocol), free(p), free(q), free(adviser),
        free(ptok);
}

Test(partner_notices, a_partner_sees_the_allocated_advisers_name_and_work_contact_only)
{
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("housing_provider");
    char *cl = tc_seed_care_leaver(adviser, "2007-05-01"), *protocol = seed_protocol();
    char *ref = seed_referral(protocol, cl, partner, "2026-09-07", NULL);
    char *ptok = partner_token(partner), path[128], want[128];
    char *email = seed("SELECT email FROM advisers WHERE id = '%s'", adviser, NULL, NULL);
    const cJSON *a, *e;
    struct tc_resp *r;
    int n = 0;

    snprintf(path, sizeof path, "/v1/housing-referrals/%s", ref);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    a = cJSON_GetObjectItem(r->json, "adviser");
    cr_assert(cJSON_IsObject(a), "%s", r->body);
    cJSON_ArrayForEach(e, a) n++;
    cr_expect_eq(n, 2, "name and email only: %s", r->body);
    snprintf(want, sizeof want, "%s", email);
    cr_expect_str_eq(cJSON_GetObjectItem(a, "email")->valuestring, want);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(a, "name")));
    tc_free(r);
    free(adviser), free(partner), free(cl), free(protocol), free(ref), free(ptok), free(email);
}

/* Object-level checks over every new route: another partner's or adviser's object answers 404
 * exactly as a missing one, and writes nothing. */
Test(partner_notices, bola_matrix_over_the_new_routes)
{
    char *a = tc_seed_partner("housing_provider"), *b = tc_seed_partner("housing_provider");
    char *adv_a = tc_seed_adviser(), *adv_b = tc_seed_adviser();
    char *cl = tc_seed_care_leaver(adv_a, "2007-05-01"), *protocol = seed_protocol();
    char *ref = seed_referral(protocol, cl, a, "2026-09-07", NULL);
    char *ta = partner_token(a), *tb = partner_token(b);
    char *aa = tc_token("adviser", adv_a, NULL), *ab = tc_token("adviser", adv_b, NULL);
    char body[256], path[256], *note, *sub, *delivery;
    struct tc_resp *r;

    snprintf(body, sizeof body,
             "{\"kind\":\"rent_arrears\",\"referral_id\":\"%s\",\"occurred_on\":\"2026-11-28\"}",
             ref);
    r = tc_post("/v1/partner-notifications", ta, body);
    cr_assert_eq(r->status, 202, "%s", r->body);
    note = strdup(tc_str(r, "id"));
    tc_free(r);
    /* B may not name A's referral either */
    r = tc_post("/v1/partner-notifications", tb, body);
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/webhook-subscriptions", ta,
                "{\"url\":\"http://127.0.0.1:9/hook\",\"events\":[\"notification.acknowledged\"]}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    sub = strdup(tc_str(r, "id"));
    cr_expect_not_null(tc_str(r, "secret"));
    tc_free(r);
    snprintf(body, sizeof body,
             "UPDATE webhook_subscriptions SET queue = 'parked-bola' WHERE id = '%s'", sub);
    cr_assert_eq(tc_sql(body), 0);
    /* the adviser acknowledges: one delivery queued (its job parked on a queue nobody takes) */
    snprintf(path, sizeof path, "/v1/partner-notifications/%s/acknowledge", note);
    r = tc_post(path, ab, NULL);
    cr_expect_eq(r->status, 404, "another adviser: %s", r->body);
    tc_free(r);
    r = tc_post(path, aa, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    delivery =
        seed("SELECT id FROM webhook_deliveries WHERE subscription_id = '%s'", sub, NULL, NULL);
    cr_assert_not_null(delivery);

    {
        struct {
            const char *method, *fmt, *body;
            const char *a1, *a2;
        } reqs[] = {
            {"GET", "/v1/partner-notifications/%s", NULL, note, NULL},
            {"GET", "/v1/webhook-subscriptions/%s", NULL, sub, NULL},
            {"PATCH", "/v1/webhook-subscriptions/%s", "{\"active\":false}", sub, NULL},
            {"DELETE", "/v1/webhook-subscriptions/%s", NULL, sub, NULL},
            {"GET", "/v1/webhook-subscriptions/%s/deliveries", NULL, sub, NULL},
            {"GET", "/v1/webhook-subscriptions/%s/deliveries/%s", NULL, sub, delivery},
            {"POST", "/v1/webhook-subscriptions/%s/deliveries/%s/replay", NULL, sub, delivery},
            {"GET", "/v1/housing-protocols/%s/commitments", NULL, protocol, NULL},
            {"GET", "/v1/housing-protocols/%s/commitment-compliance", NULL, protocol, NULL},
        };
        for (size_t i = 0; i < sizeof reqs / sizeof reqs[0]; i++) {
            snprintf(path, sizeof path, reqs[i].fmt, reqs[i].a1, reqs[i].a2);
            r = tc_req(reqs[i].method, path, tb, reqs[i].body,
                       strcmp(reqs[i].method, "PATCH") == 0 ? "If-Match: *\r\n" : NULL);
            cr_expect_eq(r->status, 404, "partner B %s %s: %d %s", reqs[i].method, path, r->status,
                         r->body);
            tc_free(r);
            if (strcmp(reqs[i].method, "GET") == 0) {
                r = tc_req(reqs[i].method, path, ta, NULL, NULL);
                cr_expect(r->status == 200 || (i >= 7 && r->status == 404),
                          "partner A %s %s: %d %s", reqs[i].method, path, r->status, r->body);
                tc_free(r);
            }
        }
    }
    /* B's lists show nothing of A's */
    r = tc_get("/v1/webhook-subscriptions", tb);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/partner-notifications", tb);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0, "%s", r->body);
    tc_free(r);
    /* nothing B tried was written: the subscription is active, still there, one delivery */
    cr_expect_eq(count("SELECT count(*) FROM webhook_subscriptions WHERE id = '%s' AND active "
                       "AND version = 1",
                       sub),
                 1);
    cr_expect_eq(count("SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '%s'", sub),
                 1);
    /* A replays its own delivery: the same message id, queued again */
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s/deliveries/%s/replay", sub, delivery);
    r = tc_post(path, ta, NULL);
    cr_expect_eq(r->status, 202, "%s", r->body);
    tc_free(r);
    cr_expect_eq(count("SELECT count(DISTINCT message_id) * 10 + count(*) FROM webhook_deliveries "
                       "WHERE subscription_id = '%s'",
                       sub),
                 12);
    cr_expect_eq(tc_sql("UPDATE jobs SET status = 'cancelled', finished_at = now() "
                        "WHERE queue = 'parked-bola' AND status = 'queued'"),
                 0);
    free(a), free(b), free(adv_a), free(adv_b), free(cl), free(protocol), free(ref), free(ta),
        free(tb), free(aa), free(ab), free(note), free(sub), free(delivery);
}
