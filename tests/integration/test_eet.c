/* EET: activity episodes, the opportunity catalogue (partners manage only their own), the
 * referral route with its history, the activity a start opens, and places that are never
 * over-filled even by twenty simultaneous offers. */
#include <criterion/criterion.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(eet, .init = cl_mem_init, .timeout = 120);

static int
status_of(struct tc_resp *r)
{
    int st = r->status;

    if (st >= 400)
        cr_expect_not_null(strstr(tc_header(r, "Content-Type"), "problem+json"), "%s", r->body);
    tc_free(r);
    return st;
}

/* POSTs body and returns the new resource's id (NULL unless 201); *status gets the status. */
static char *
create(const char *path, const char *token, const char *body, int *status)
{
    struct tc_resp *r = tc_post(path, token, body);
    char *id = NULL;

    *status = r->status;
    if (r->status == 201 && tc_str(r, "id"))
        id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static int
step(const char *referral, const char *token, const char *to, const char *on)
{
    char path[128], body[128];

    snprintf(path, sizeof path, "/v1/eet-referrals/%s/transitions", referral);
    snprintf(body, sizeof body, "{\"to\":\"%s\",\"on\":\"%s\"}", to, on);
    return status_of(tc_post(path, token, body));
}

static char *
refer(const char *opportunity, const char *token, const char *cl, const char *on, int *status)
{
    char path[128], body[160];

    snprintf(path, sizeof path, "/v1/eet-opportunities/%s/referrals", opportunity);
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"referred_on\":\"%s\"}", cl, on);
    return create(path, token, body, status);
}

static long
count_where(const char *table, const char *column, const char *id)
{
    char sql[200];

    snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s = '%s'", table, column, id);
    return tc_sql_long(sql);
}

/* ---- activity episodes ------------------------------------------------------------------- */

Test(eet, activity_episodes_codes_and_overlap)
{
    char *adv = tc_seed_adviser(), *cl = tc_seed_care_leaver(adv, "2005-03-01");
    char *tok = tc_token("adviser", adv, NULL), *other = tc_seed_adviser();
    char *tok_b = tc_token("adviser", other, NULL), *svc = tc_token("service", NULL, NULL);
    char path[128], item[200], sql[640], *neet;
    static const char *const bad[] = {
        "{\"code\":\"F3\",\"started_on\":\"2025-01-01\"}",
        "{\"code\":\"Z9\",\"started_on\":\"2025-01-01\"}",
        "{\"code\":\"F11\",\"started_on\":\"2025-01-01\"}",
        "{\"code\":\"P5\",\"hours_per_week\":0,\"started_on\":\"2025-01-01\"}",
        "{\"code\":\"P5\",\"hours_per_week\":100,\"started_on\":\"2025-01-01\"}",
        "{\"code\":\"P5\",\"started_on\":\"2025-01-01\",\"ended_on\":\"2024-01-01\"}",
        "{\"code\":\"P5\",\"started_on\":\"2025-01-01\",\"referral_id\":\"x\"}",
        "{\"started_on\":\"2025-01-01\"}",
    };
    struct tc_resp *r;
    int st;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/eet-activities", cl);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_eq(status_of(tc_post(path, tok, bad[i])), 422, "%s", bad[i]);
    cr_expect_eq(count_where("eet_activities", "care_leaver_id", cl), 0, "nothing written");

    r = tc_post(path, tok, "{\"code\":\"G5\",\"started_on\":\"2025-01-01\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "eet")));
    neet = strdup(tc_str(r, "id"));
    tc_free(r);
    r = tc_post(path, tok, "{\"code\":\"F1\",\"started_on\":\"2025-09-01\"}");
    cr_expect_eq(r->status, 409, "overlaps the open NEET episode: %s", r->body);
    cr_expect_not_null(strstr(r->body, "overlaps"));
    tc_free(r);

    snprintf(item, sizeof item, "%s/%s", path, neet);
    r = tc_patch(item, tok, "{\"ended_on\":\"2025-09-01\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    free(create(path, tok, "{\"code\":\"F1\",\"hours_per_week\":21,\"started_on\":\"2025-09-01\"}",
                &st));
    cr_expect_eq(st, 201);
    snprintf(sql, sizeof sql,
             "SELECT (ssda903_activ_on('%s', current_date) = 'F1' AND eet_on('%s', current_date) "
             "AND ssda903_activ_on('%s', '2025-03-01') = 'G5' "
             "AND (care_leaver_current_activity('%s')->>'code') = 'F1')::int",
             cl, cl, cl, cl);
    cr_expect_eq(tc_sql_long(sql), 1, "activity on a date");

    r = tc_get(path, tok_b);
    cr_expect_eq(r->status, 404, "another adviser's care leaver");
    tc_free(r);
    cr_expect_eq(status_of(tc_post(path, tok_b, "{\"code\":\"G5\",\"started_on\":\"2030-01-01\"}")),
                 404);
    r = tc_get(item, svc);
    cr_expect_eq(r->status, 200, "service reads");
    tc_free(r);
    cr_expect_eq(status_of(tc_post(path, svc, "{\"code\":\"G5\",\"started_on\":\"2030-01-01\"}")),
                 403, "service does not write");
    r = tc_get(path, tok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    tc_free(r);
    cr_expect_eq(count_where("eet_activities", "care_leaver_id", cl), 2);
    free(neet);
    free(adv);
    free(cl);
    free(tok);
    free(other);
    free(tok_b);
    free(svc);
}

/* ---- catalogue --------------------------------------------------------------------------- */

Test(eet, catalogue_partners_manage_only_their_own)
{
    char *x = tc_seed_partner("employer"), *y = tc_seed_partner("college");
    char *h = tc_seed_partner("housing_provider");
    char *px = tc_token("partner", NULL, x), *py = tc_token("partner", NULL, y);
    char *ph = tc_token("partner", NULL, h), *mgr = tc_token("manager", NULL, NULL);
    char *adv_id = tc_seed_adviser(), *adv = tc_token("adviser", adv_id, NULL);
    char body[512], path[256], *own, *council;
    struct tc_resp *r;
    const cJSON *items, *it;
    int st;

    /* a partner's own opportunity: provider and source follow from the token */
    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Warehouse assistant\",\"places\":2,"
             "\"district\":\"d-%s\"}",
             x);
    r = tc_post("/v1/eet-opportunities", px, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "provider_id"), x);
    cr_expect_str_eq(tc_str(r, "source"), "employer");
    cr_expect_str_eq(tc_str(r, "activity_code"), "F5");
    own = strdup(tc_str(r, "id"));
    tc_free(r);

    snprintf(body, sizeof body,
             "{\"kind\":\"apprenticeship\",\"title\":\"Admin apprenticeship\",\"places\":1,"
             "\"provider_id\":\"%s\",\"district\":\"d-%s\",\"ring_fenced_for_care_leavers\":true}",
             x, x);
    council = create("/v1/eet-opportunities", mgr, body, &st);
    cr_assert_eq(st, 201);

    /* refused, nothing written */
    snprintf(body, sizeof body,
             "{\"kind\":\"job\",\"title\":\"Theirs\",\"places\":1,\"provider_id\":\"%s\"}", y);
    cr_expect_eq(status_of(tc_post("/v1/eet-opportunities", px, body)), 422,
                 "a partner offers only its own");
    cr_expect_eq(status_of(tc_post("/v1/eet-opportunities", ph,
                                   "{\"kind\":\"job\",\"title\":\"Flat\",\"places\":1}")),
                 403, "a housing provider manages no opportunities");
    cr_expect_eq(status_of(tc_post("/v1/eet-opportunities", adv,
                                   "{\"kind\":\"job\",\"title\":\"A\",\"places\":1}")),
                 403, "advisers read the catalogue only");
    cr_expect_eq(status_of(tc_post("/v1/eet-opportunities", mgr,
                                   "{\"kind\":\"gig\",\"title\":\"\",\"places\":0,"
                                   "\"source\":\"lottery\",\"colour\":1}")),
                 422);
    cr_expect_eq(status_of(tc_post("/v1/eet-opportunities", mgr,
                                   "{\"kind\":\"job\",\"title\":\"NEET job\",\"places\":1,"
                                   "\"activity_code\":\"G5\"}")),
                 422, "a start must open an EET activity");
    cr_expect_eq(count_where("eet_opportunities", "provider_id", y), 0);
    cr_expect_eq(count_where("eet_opportunities", "provider_id", h), 0);

    /* another partner: 404 on read and write, nothing changed */
    snprintf(path, sizeof path, "/v1/eet-opportunities/%s", own);
    r = tc_get(path, py);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    cr_expect_eq(status_of(tc_patch(path, py, "{\"places\":9}")), 404);
    r = tc_patch(path, px, "{\"places\":3}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "places")->valueint, 3);
    tc_free(r);
    cr_expect_eq(status_of(tc_patch(path, px, "{\"provider_id\":null}")), 422);
    snprintf(body, sizeof body,
             "SELECT places * 10 + version FROM eet_opportunities WHERE id = '%s'", own);
    cr_expect_eq(tc_sql_long(body), 32, "only the owner's patch was applied");

    /* lists: a partner sees its own only; filters and keyset pages */
    r = tc_get("/v1/eet-opportunities?limit=200", px);
    cr_expect_eq(r->status, 200);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_expect_geq(cJSON_GetArraySize(items), 2);
    cJSON_ArrayForEach(it, items)
        cr_expect_str_eq(cJSON_GetObjectItem(it, "provider_id")->valuestring, x);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/eet-opportunities?provider=%s", x);
    r = tc_get(path, py);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/eet-opportunities?district=d-%s&limit=1", x);
    r = tc_get(path, adv);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_assert(cJSON_IsString(cJSON_GetObjectItem(r->json, "next_cursor")));
    snprintf(path, sizeof path, "/v1/eet-opportunities?district=d-%s&limit=1&cursor=%s", x,
             tc_str(r, "next_cursor"));
    tc_free(r);
    r = tc_get(path, adv);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_cursor")));
    tc_free(r);
    snprintf(path, sizeof path,
             "/v1/eet-opportunities?district=d-%s&kind=apprenticeship&ring_fenced=true&status=open",
             x);
    r = tc_get(path, mgr);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/eet-opportunities?kind=gig", mgr);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    {
        char *board = tc_token("board", NULL, NULL);

        r = tc_get("/v1/eet-opportunities", board);
        cr_expect_eq(r->status, 403);
        tc_free(r);
        free(board);
    }
    r = tc_get("/v1/eet-opportunities", NULL);
    cr_expect_eq(r->status, 401);
    tc_free(r);
    free(own);
    free(council);
    free(x);
    free(y);
    free(h);
    free(px);
    free(py);
    free(ph);
    free(mgr);
    free(adv);
    free(adv_id);
}

/* ---- the referral route ------------------------------------------------------------------ */

Test(eet, referral_route_history_and_the_activity_it_opens)
{
    char *adv = tc_seed_adviser(), *cl = tc_seed_care_leaver(adv, "2004-02-01");
    char *tok = tc_token("adviser", adv, NULL), *other = tc_seed_adviser();
    char *tok_b = tc_token("adviser", other, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *x = tc_seed_partner("employer"), *y = tc_seed_partner("employer");
    char *px = tc_token("partner", NULL, x), *py = tc_token("partner", NULL, y);
    char body[512], path[256], sql[512], *opp, *ref, *dup;
    struct tc_resp *r;
    const cJSON *who;
    int st;

    snprintf(path, sizeof path, "/v1/care-leavers/%s/eet-activities", cl);
    free(create(path, tok, "{\"code\":\"G5\",\"started_on\":\"2025-01-01\"}", &st));
    cr_assert_eq(st, 201);
    snprintf(body, sizeof body,
             "{\"kind\":\"apprenticeship\",\"title\":\"Joinery apprenticeship\",\"places\":2,"
             "\"provider_id\":\"%s\",\"hours_per_week\":30}",
             x);
    opp = create("/v1/eet-opportunities", mgr, body, &st);
    cr_assert_eq(st, 201);

    cr_expect_null(refer(opp, tok_b, cl, "2025-07-01", &st));
    cr_expect_eq(st, 422, "another adviser's care leaver cannot be referred");
    ref = refer(opp, tok, cl, "2025-07-01", &st);
    cr_assert_eq(st, 201);
    dup = refer(opp, tok, cl, "2025-07-01", &st);
    cr_expect_eq(st, 409, "one open referral per care leaver and opportunity");
    free(dup);

    cr_expect_eq(step(ref, tok, "offered", "2025-07-02"), 409, "referred cannot jump to offered");
    cr_expect_eq(step(ref, tok, "completed", "2025-07-02"), 409);
    cr_expect_eq(step(ref, tok, "referred", "2025-07-02"), 422, "not a step target");
    cr_expect_eq(step(ref, tok, "applied", "2025-06-01"), 422, "before the referral");
    cr_expect_eq(step(ref, tok, "applied", "2099-01-01"), 422, "in the future");
    cr_expect_eq(step(ref, py, "applied", "2025-07-02"), 404, "another partner's referral");
    cr_expect_eq(count_where("eet_referral_events", "referral_id", ref), 1, "nothing written");

    cr_expect_eq(step(ref, tok, "applied", "2025-07-02"), 200);
    cr_expect_eq(step(ref, px, "interview", "2025-07-05"), 200, "the provider moves it on");
    cr_expect_eq(step(ref, px, "offered", "2025-07-10"), 200);
    cr_expect_eq(step(ref, tok, "started", "2025-08-01"), 200);

    snprintf(sql, sizeof sql,
             "SELECT (SELECT count(*) FROM eet_activities WHERE care_leaver_id = '%s' AND code = "
             "'G5' AND ended_on = '2025-08-01') * 10 + (SELECT count(*) FROM eet_activities "
             "WHERE care_leaver_id = '%s' AND code = 'F4' AND started_on = '2025-08-01' AND "
             "ended_on IS NULL AND referral_id = '%s' AND hours_per_week = 30)",
             cl, cl, ref);
    cr_expect_eq(tc_sql_long(sql), 11, "the start ended the NEET episode and opened F4");

    /* the provider sees its referral with the young person's name only */
    snprintf(path, sizeof path, "/v1/eet-referrals/%s", ref);
    r = tc_get(path, px);
    cr_expect_eq(r->status, 200, "%s", r->body);
    who = cJSON_GetObjectItem(r->json, "care_leaver");
    cr_expect_str_eq(cJSON_GetObjectItem(who, "name")->valuestring, "Seed Person");
    cr_expect_eq(cJSON_GetArraySize(who), 2, "id and name only");
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "activity_id")));
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "history")), 5);
    tc_free(r);
    r = tc_get(path, py);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/eet-opportunities/%s/referrals", opp);
    r = tc_get(path, px);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);
    r = tc_get(path, tok_b);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "another adviser does not see this caseload's referrals");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/care-leavers/%s/eet-referrals?status=started", cl);
    r = tc_get(path, tok);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    tc_free(r);
    r = tc_get(path, tok_b);
    cr_expect_eq(r->status, 404);
    tc_free(r);

    cr_expect_eq(step(ref, tok, "completed", "2026-07-31"), 200);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM eet_activities WHERE referral_id = '%s' "
             "AND ended_on = '2026-07-31'",
             ref);
    cr_expect_eq(tc_sql_long(sql), 1, "completion ends the episode");
    cr_expect_eq(step(ref, tok, "withdrawn", "2026-08-01"), 409, "completed is final");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM eet_referral_events WHERE referral_id = '%s' "
             "AND actor_sub <> '' AND on_date IS NOT NULL",
             ref);
    cr_expect_eq(tc_sql_long(sql), 6, "every step in the history with date and actor");
    free(opp);
    free(ref);
    free(adv);
    free(cl);
    free(tok);
    free(other);
    free(tok_b);
    free(mgr);
    free(x);
    free(y);
    free(px);
    free(py);
}

Test(eet, full_and_closed_opportunities)
{
    char *mgr = tc_token("manager", NULL, NULL), *svc = tc_token("service", NULL, NULL);
    char *cl1 = tc_seed_care_leaver(NULL, "2004-01-01"),
         *cl2 = tc_seed_care_leaver(NULL, "2004-01-01");
    char *cl3 = tc_seed_care_leaver(NULL, "2004-01-01");
    char *opp, *r1, *r2, *r3, path[200];
    int st;

    opp = create("/v1/eet-opportunities", mgr,
                 "{\"kind\":\"mentoring\",\"title\":\"Peer mentor\",\"places\":1}", &st);
    cr_assert_eq(st, 201);
    r1 = refer(opp, mgr, cl1, "2025-07-01", &st);
    r2 = refer(opp, mgr, cl2, "2025-07-01", &st);
    cr_assert(r1 && r2);
    cr_expect_null(refer(opp, svc, cl3, "2025-07-01", &st));
    cr_expect_eq(st, 403, "services do not refer");
    cr_expect_eq(step(r1, svc, "applied", "2025-07-02"), 403, "services do not move referrals");
    for (int i = 0; i < 2; i++) {
        const char *r = i ? r2 : r1;

        cr_expect_eq(step(r, mgr, "applied", "2025-07-02"), 200);
        cr_expect_eq(step(r, mgr, "interview", "2025-07-03"), 200);
    }
    cr_expect_eq(step(r1, mgr, "offered", "2025-07-04"), 200);
    cr_expect_eq(step(r2, mgr, "offered", "2025-07-04"), 409, "the only place is taken");
    r3 = refer(opp, mgr, cl3, "2025-07-05", &st);
    cr_expect_eq(st, 409, "a full opportunity takes no referrals");
    free(r3);
    snprintf(path, sizeof path, "/v1/eet-opportunities/%s", opp);
    cr_expect_eq(status_of(tc_patch(path, mgr, "{\"places\":0}")), 422);

    /* withdrawing gives the place back; a started mentoring opens no activity */
    cr_expect_eq(step(r1, mgr, "withdrawn", "2025-07-06"), 200);
    cr_expect_eq(step(r2, mgr, "offered", "2025-07-06"), 200);
    cr_expect_eq(step(r2, mgr, "started", "2025-07-07"), 200);
    cr_expect_eq(count_where("eet_activities", "care_leaver_id", cl2), 0);
    cr_expect_eq(status_of(tc_patch(path, mgr, "{\"places\":2,\"status\":\"closed\"}")), 200);
    r3 = refer(opp, mgr, cl3, "2025-07-08", &st);
    cr_expect_eq(st, 409, "closed to referrals");
    free(r3);
    cr_expect_eq(count_where("eet_referrals", "opportunity_id", opp), 2, "nothing else written");
    free(opp);

    opp = create("/v1/eet-opportunities", mgr,
                 "{\"kind\":\"course\",\"title\":\"Maths GCSE\",\"places\":5,"
                 "\"closes_on\":\"2025-01-31\"}",
                 &st);
    cr_assert_eq(st, 201);
    r3 = refer(opp, mgr, cl3, "2025-02-01", &st);
    cr_expect_eq(st, 409, "past its closing date");
    free(r3);
    free(opp);
    free(r1);
    free(r2);
    free(cl1);
    free(cl2);
    free(cl3);
    free(mgr);
    free(svc);
}

/* ---- concurrency: twenty simultaneous offers for the last place --------------------------- */

struct racer {
    const char *referral, *token;
    int status;
};

static void *
race_offer(void *arg)
{
    struct racer *r = arg;
    char path[128];
    struct tc_resp *resp;

    snprintf(path, sizeof path, "/v1/eet-referrals/%s/transitions", r->referral);
    resp = tc_post(path, r->token, "{\"to\":\"offered\",\"on\":\"2025-07-02\"}");
    r->status = resp->status;
    tc_free(resp);
    return NULL;
}

Test(eet, twenty_simultaneous_offers_fill_the_last_place_once)
{
    enum { N = 20 };
    char *mgr = tc_token("manager", NULL, NULL), *opp, sql[1024];
    char ids[N][37];
    struct racer racers[N];
    pthread_t th[N];
    PGconn *db = tc_db();
    PGresult *res;
    int st, ok = 0, conflict = 0;

    opp = create("/v1/eet-opportunities", mgr,
                 "{\"kind\":\"traineeship\",\"title\":\"Peer mentor traineeship\",\"places\":2}",
                 &st);
    cr_assert_eq(st, 201);
    /* 21 care leavers at interview; one already offered, so one place is left */
    snprintf(sql, sizeof sql,
             "WITH c AS (INSERT INTO care_leavers (la_child_id, given_name, family_name, "
             "date_of_birth, sex, ethnicity, category, district) "
             "SELECT 'R' || substr(md5(gen_random_uuid()::text), 1, 9), 'Race', 'Person', "
             "'2004-01-01', '1', 'WBRI', 'former_relevant', 'Redditch' "
             "FROM generate_series(1, %d) RETURNING id) "
             "INSERT INTO eet_referrals (opportunity_id, care_leaver_id, status, status_on, "
             "referred_on, created_by) "
             "SELECT '%s', c.id, CASE WHEN row_number() OVER () = 1 THEN 'offered' "
             "ELSE 'interview' END, '2025-07-01', '2025-07-01', 'seed' FROM c "
             "RETURNING id, status",
             N + 1, opp);
    res = PQexec(db, sql);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(db));
    cr_assert_eq(PQntuples(res), N + 1);
    for (int i = 0, k = 0; i < PQntuples(res); i++)
        if (strcmp(PQgetvalue(res, i, 1), "interview") == 0)
            snprintf(ids[k++], sizeof ids[0], "%s", PQgetvalue(res, i, 0));
    PQclear(res);
    PQfinish(db);

    for (int i = 0; i < N; i++) {
        racers[i] = (struct racer){ids[i], mgr, 0};
        cr_assert_eq(pthread_create(&th[i], NULL, race_offer, &racers[i]), 0);
    }
    for (int i = 0; i < N; i++) {
        pthread_join(th[i], NULL);
        ok += racers[i].status >= 200 && racers[i].status < 300;
        conflict += racers[i].status == 409;
    }
    cr_expect_eq(ok, 1, "exactly one offer succeeds");
    cr_expect_eq(conflict, N - 1, "every other one is 409");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM eet_referrals WHERE opportunity_id = '%s' "
             "AND status IN ('offered', 'started', 'completed')",
             opp);
    cr_expect_eq(tc_sql_long(sql), 2, "never over-filled");
    free(opp);
    free(mgr);
}
