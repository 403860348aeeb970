/* Copies of personal data are scoped and expire (issue 15, items 7 and 9): an Idempotency-Key
 * keeps a status and a location, never a response body, and a replay re-reads the resource as
 * the caller now may see it; the worker purges keys after 24 h and artifacts after their
 * retention period; list cursors carry no names or values; PATCH needs If-Match; a client's
 * X-Request-Id never stands in for the server's own request id in the audit log. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_b64.h"
#include "cl_mem.h"
#include "routes.h"
#include "tc.h"
#include "tc_seed.h"
#include "tw.h"

TestSuite(privacy, .init = cl_mem_init, .timeout = 120);

static char *
created_id(struct tc_resp *r, int want)
{
    char *id = NULL;

    cr_expect_eq(r->status, want, "%d: %s", r->status, r->body);
    if (r->status == want && tc_str(r, "id"))
        id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static int
has_problem_type(const struct tc_resp *r)
{
    const char *ct = tc_header(r, "Content-Type");

    return ct && strstr(ct, "application/problem+json") && tc_str(r, "type") != NULL;
}

Test(privacy, replay_rereads_the_resource_in_the_callers_scope)
{
    char *adv = tc_seed_adviser(), *other = tc_seed_adviser();
    char *cl = tc_seed_care_leaver(adv, "2004-02-01");
    char *tok = tc_token("adviser", adv, NULL), *mgr = tc_token("manager", NULL, NULL);
    char path[160], body[256], sql[512], key_create[64], key_step[64], hdr[128], *opp, *ref;
    struct tc_resp *r, *again;
    long reads;

    snprintf(key_create, sizeof key_create, "refer-%d", (int)getpid());
    snprintf(key_step, sizeof key_step, "apply-%d", (int)getpid());
    opp =
        created_id(tc_post("/v1/eet-opportunities", mgr,
                           "{\"kind\":\"apprenticeship\",\"title\":\"Replay test\",\"places\":3}"),
                   201);
    cr_assert_not_null(opp);

    /* a create: the replay answers 201 with the row as it is now, read like any GET */
    snprintf(path, sizeof path, "/v1/eet-opportunities/%s/referrals", opp);
    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"referred_on\":\"2025-07-01\"}", cl);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s\r\n", key_create);
    r = tc_req("POST", path, tok, body, hdr);
    cr_assert_eq(r->status, 201, "%s", r->body);
    ref = strdup(tc_str(r, "id"));
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id = '%s' AND action = 'read'", ref);
    reads = tc_sql_long(sql);
    again = tc_req("POST", path, tok, body, hdr);
    cr_expect_eq(again->status, 201, "%s", again->body);
    cr_expect_str_eq(tc_header(again, "Idempotent-Replayed"), "true");
    cr_expect_str_eq(tc_header(again, "Location"), tc_header(r, "Location"));
    cr_expect_str_eq(tc_str(again, "id"), ref);
    cr_expect_eq(tc_sql_long(sql), reads + 1, "the replay's read is audited");
    tc_free(r);
    tc_free(again);

    /* a step that creates nothing: the replay answers the stored status with the referral as
     * it is now, not as it was */
    snprintf(path, sizeof path, "/v1/eet-referrals/%s/transitions", ref);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s\r\n", key_step);
    r = tc_req("POST", path, tok, "{\"to\":\"applied\",\"on\":\"2025-07-02\"}", hdr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "applied");
    tc_free(r);
    r = tc_post(path, tok, "{\"to\":\"interview\",\"on\":\"2025-07-03\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    r = tc_req("POST", path, tok, "{\"to\":\"applied\",\"on\":\"2025-07-02\"}", hdr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "Idempotent-Replayed"), "true");
    cr_expect_str_eq(tc_str(r, "status"), "interview", "re-read, not a stored copy");
    tc_free(r);

    /* the young person moves to another adviser: the replays now show nothing */
    snprintf(sql, sizeof sql, "UPDATE care_leavers SET adviser_id = '%s' WHERE id = '%s'", other,
             cl);
    cr_assert_eq(tc_sql(sql), 0);
    r = tc_req("POST", path, tok, "{\"to\":\"applied\",\"on\":\"2025-07-02\"}", hdr);
    cr_expect_eq(r->status, 404, "%s", r->body);
    cr_expect(has_problem_type(r));
    cr_expect_null(strstr(r->body, ref));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/eet-opportunities/%s/referrals", opp);
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s\r\n", key_create);
    r = tc_req("POST", path, tok, body, hdr);
    cr_expect_eq(r->status, 404, "%s", r->body);
    cr_expect(has_problem_type(r));
    cr_expect_null(strstr(r->body, "2025-07-01"));
    tc_free(r);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM eet_referrals WHERE care_leaver_id = '%s'", cl);
    cr_expect_eq(tc_sql_long(sql), 1, "no replay created anything");

    free(adv);
    free(other);
    free(cl);
    free(tok);
    free(mgr);
    free(opp);
    free(ref);
}

Test(privacy, an_idempotency_key_keeps_no_response_body)
{
    char *admin = tc_token("admin", NULL, NULL), key[64], hdr[96], sql[256], *row;
    struct tc_resp *r;

    snprintf(key, sizeof key, "nobody-%d", (int)getpid());
    snprintf(hdr, sizeof hdr, "Idempotency-Key: %s\r\n", key);
    r = tc_req("POST", "/v1/advisers", admin,
               "{\"name\":\"Zebedee Quillfeather\",\"email\":\"zq-nobody@council.example\"}", hdr);
    cr_assert_eq(r->status, 201, "%s", r->body);
    snprintf(sql, sizeof sql,
             "SELECT row_to_json(k)::text FROM idempotency_keys k WHERE key = '%s'", key);
    row = tc_seed_text(sql);
    cr_assert_not_null(row);
    cr_expect_null(strstr(row, "Quillfeather"), "stored: %s", row);
    cr_expect_null(strstr(row, "zq-nobody"), "stored: %s", row);
    cr_expect_not_null(strstr(row, tc_str(r, "id")), "the location is kept: %s", row);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM information_schema.columns "
                             "WHERE table_name = 'idempotency_keys' AND column_name = 'body'"),
                 0);
    free(row);
    tc_free(r);
    free(admin);
}

Test(privacy, the_worker_purges_expired_keys_and_artifacts)
{
    char queue[64], sql[768], *job, *old_art, *new_art, key[64];
    const char *env[] = {"ARTIFACT_RETENTION_DAYS=30", NULL};
    pid_t pid;

    tw_queue_name("purge", queue, sizeof queue);
    snprintf(key, sizeof key, "expired-%d", (int)getpid());
    snprintf(sql, sizeof sql,
             "INSERT INTO idempotency_keys (actor_sub, key, request_hash, status, created_at) "
             "VALUES ('purge-test', '%s', 'x', 201, now() - interval '25 hours')",
             key);
    cr_assert_eq(tc_sql(sql), 0);
    job = tc_seed_text("INSERT INTO jobs (id, kind, params, status, created_by, created_role, "
                       "queue) VALUES (gen_random_uuid(), 'ssda903', '{}', 'succeeded', "
                       "'purge-test', 'service', 'nobody') RETURNING id");
    cr_assert_not_null(job);
    snprintf(sql, sizeof sql,
             "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size, "
             "created_at) VALUES (gen_random_uuid(), '%s', 'old.csv', 'text/csv', 'x', 'h', 1, "
             "now() - interval '31 days') RETURNING id",
             job);
    old_art = tc_seed_text(sql);
    snprintf(sql, sizeof sql,
             "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size, "
             "created_at) VALUES (gen_random_uuid(), '%s', 'new.csv', 'text/csv', 'y', 'h', 1, "
             "now() - interval '29 days') RETURNING id",
             job);
    new_art = tc_seed_text(sql);
    cr_assert(old_art && new_art);

    pid = tw_start(queue, env);
    snprintf(sql, sizeof sql,
             "SELECT NOT EXISTS (SELECT 1 FROM artifacts WHERE id = '%s') AND NOT EXISTS "
             "(SELECT 1 FROM idempotency_keys WHERE key = '%s')",
             old_art, key);
    cr_expect(tw_until(sql, 20000), "the worker purged the expired rows");
    cr_expect_eq(tw_stop(pid, SIGTERM, 10000), 0);
    snprintf(sql, sizeof sql, "SELECT count(*) FROM artifacts WHERE id = '%s'", new_art);
    cr_expect_eq(tc_sql_long(sql), 1, "an artifact inside its retention period stays");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id = '%s' AND action = 'delete' "
             "AND resource_type = 'artifact'",
             old_art);
    cr_expect_eq(tc_sql_long(sql), 1, "the purge is audited");
    free(job);
    free(old_art);
    free(new_art);
}

Test(privacy, cursors_carry_no_names)
{
    char *adv = tc_seed_adviser(), *a = tc_seed_care_leaver(adv, "2004-03-01");
    char *b = tc_seed_care_leaver(adv, "2004-04-01"), *mgr = tc_token("manager", NULL, NULL);
    char sql[256], path[1600], *raw, cursor[1200];
    const char *next, *link;
    size_t len;
    struct tc_resp *r;

    snprintf(sql, sizeof sql,
             "UPDATE care_leavers SET family_name = 'Quokkington', given_name = 'Philomena' "
             "WHERE adviser_id = '%s'",
             adv);
    cr_assert_eq(tc_sql(sql), 0);
    snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&limit=1", adv);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    next = tc_str(r, "next_cursor");
    cr_assert_not_null(next);
    snprintf(cursor, sizeof cursor, "%s", next);
    link = tc_header(r, "Link");
    cr_expect_not_null(link);
    cr_expect_null(strstr(link ? link : "", "Quokk"));
    raw = cl_b64url_decode(cursor, strlen(cursor), &len);
    if (raw) {
        cr_expect_null(memmem(raw, len, "Quokk", 5), "the cursor shows a name");
        cr_expect_null(memmem(raw, len, "Philomena", 9), "the cursor shows a name");
    }
    free(raw);
    tc_free(r);

    /* the cursor still works, and a changed one is refused */
    snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&limit=1&cursor=%s", adv, cursor);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_cursor")));
    tc_free(r);
    cursor[10] = cursor[10] == 'A' ? 'B' : 'A';
    snprintf(path, sizeof path, "/v1/care-leavers?adviser_id=%s&limit=1&cursor=%s", adv, cursor);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 400, "%s", r->body);
    tc_free(r);
    free(adv);
    free(a);
    free(b);
    free(mgr);
}

/* Every PATCH operation, whatever the resource, answers 428 without If-Match. */
Test(privacy, patch_without_if_match_is_428)
{
    char *admin = tc_token("admin", NULL, NULL), *adv = tc_seed_adviser(), path[256], sql[256];
    char *org = tc_seed_partner("housing_provider"), *partner = tc_token("partner", NULL, org);
    struct tc_resp *r;
    int patches = 0;

    for (int i = 0; i < cl_routes_count; i++) {
        const char *t = cl_routes[i].path;
        size_t n = 0;

        if (strcmp(cl_routes[i].method, "PATCH") != 0)
            continue;
        patches++;
        while (*t && n < sizeof path - 40) {
            if (*t == '{') {
                n += (size_t)snprintf(path + n, sizeof path - n, "%s", adv);
                t = strchr(t, '}') + 1;
            } else {
                path[n++] = *t++;
            }
        }
        path[n] = '\0';
        /* as an administrator, or a partner for the routes only partners may use */
        r = tc_req("PATCH", path, (cl_routes[i].roles & CL_ROLE_ADMIN) ? admin : partner, "{}",
                   NULL);
        cr_expect_eq(r->status, 428, "%s %s: %s", cl_routes[i].method, path, r->body);
        cr_expect(has_problem_type(r), "%s: problem+json", path);
        cr_expect_not_null(strstr(r->body, "precondition-required"), "%s", r->body);
        tc_free(r);
    }
    cr_expect_gt(patches, 10);

    /* nothing written without it; written with it */
    snprintf(path, sizeof path, "/v1/advisers/%s", adv);
    r = tc_req("PATCH", path, admin, "{\"caseload_limit\":7}", NULL);
    cr_expect_eq(r->status, 428, "%s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql, "SELECT caseload_limit FROM advisers WHERE id = '%s'", adv);
    cr_expect_neq(tc_sql_long(sql), 7);
    r = tc_req("PATCH", path, admin, "{\"caseload_limit\":7}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long(sql), 7);
    free(admin);
    free(adv);
    free(org);
    free(partner);
}

Test(privacy, a_clients_request_id_is_kept_apart_from_the_audit_rows_own)
{
    char *admin = tc_token("admin", NULL, NULL), mine[64], hdr[96], sql[384], *id, *server;
    struct tc_resp *r;
    const cJSON *item;

    snprintf(mine, sizeof mine, "client-chosen-%d", (int)getpid());
    snprintf(hdr, sizeof hdr, "X-Request-Id: %s\r\n", mine);
    r = tc_req("POST", "/v1/advisers", admin,
               "{\"name\":\"Request Id\",\"email\":\"rid-audit@council.example\"}", hdr);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "X-Request-Id"), mine, "the client's id is echoed");
    id = strdup(tc_str(r, "id"));
    tc_free(r);

    snprintf(sql, sizeof sql,
             "SELECT request_id FROM audit_log WHERE resource_id = '%s' AND action = 'create'", id);
    server = tc_seed_text(sql);
    cr_assert_not_null(server);
    cr_expect_str_neq(server, mine, "the audit row's request id is the server's own");
    cr_expect_eq(strlen(server), 36, "a UUID the server made: %s", server);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id = '%s' AND action = 'create' "
             "AND client_request_id = '%s'",
             id, mine);
    cr_expect_eq(tc_sql_long(sql), 1, "the client's id is kept in its own column");

    snprintf(sql, sizeof sql, "/v1/audit-events?resource_id=%s", id);
    r = tc_get(sql, admin);
    cr_expect_eq(r->status, 200, "%s", r->body);
    item = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(item, "request_id")), server);
    cr_expect_str_eq(cJSON_GetStringValue(cJSON_GetObjectItem(item, "client_request_id")), mine);
    tc_free(r);
    free(server);
    free(id);
    free(admin);
}
