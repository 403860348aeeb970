/* /v1/jobs and /v1/artifacts over HTTP, with the shared worker (run.sh) doing the work:
 * request, progress, artifacts and their download (bytes, type, disposition, ETag, 304,
 * audit), the data-driven role rules, bad input, idempotency, cancelling and the list. Each
 * test signs its tokens with its own subject, so it counts only its own jobs. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_jobspec.h"
#include "cl_mem.h"
#include "routes.h"
#include "tc.h"
#include "tw.h"

TestSuite(jobs, .init = cl_mem_init, .timeout = 120);

static char *
token(const char *role, const char *sub)
{
    char claims[320];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims, "{\"sub\":\"%s\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld%s}",
             sub, role, now + 3600, now,
             strcmp(role, "adviser") == 0
                 ? ",\"adviser_id\":\"0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e\""
                 : "");
    return tc_token_claims(claims);
}

/* Requests a job and returns its id (caller frees), asserting 202. */
static char *
request(const char *tok, const char *body)
{
    struct tc_resp *r = tc_post("/v1/jobs", tok, body);
    char *id;

    cr_assert_eq(r->status, 202, "%s", r->body);
    cr_assert_not_null(tc_str(r, "id"));
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

/* Polls GET /v1/jobs/{id} until it reaches status; returns the last response. */
static struct tc_resp *
wait_status(const char *tok, const char *id, const char *status, int timeout_ms)
{
    char path[96];
    double t0 = tc_now_ms();
    struct tc_resp *r;

    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        r = tc_get(path, tok);
        if ((r->status == 200 && tc_str(r, "status") && strcmp(tc_str(r, "status"), status) == 0) ||
            tc_now_ms() - t0 > timeout_ms)
            return r;
        tc_free(r);
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

static long
count_sql(const char *fmt, const char *arg)
{
    char sql[1024];

    snprintf(sql, sizeof sql, fmt, arg);
    return tc_sql_long(sql);
}

Test(jobs, request_run_and_download_artifacts)
{
    char *admin = token("admin", "h7-jobs-dl"), *id, path[128], art[64], sha[80], want[96];
    struct tc_resp *r;
    const cJSON *items, *it;

    id = request(admin, "{\"kind\":\"noop\",\"params\":{}}");
    r = wait_status(admin, id, "succeeded", 60000);
    cr_assert_str_eq(tc_str(r, "status"), "succeeded", "%s", r->body);
    cr_expect_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "progress"), "percent")->valueint,
                 100);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "attempts")->valueint, 1);
    cr_expect_eq(cJSON_GetObjectItem(r->json, "artifacts")->valueint, 2);
    cr_expect_not_null(tc_str(r, "finished_at"));
    tc_free(r);

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_eq(cJSON_GetArraySize(items), 2);
    it = cJSON_GetArrayItem(items, 0);
    cr_expect_str_eq(cJSON_GetObjectItem(it, "name")->valuestring, "noop.json");
    cr_expect_str_eq(cJSON_GetObjectItem(it, "media_type")->valuestring, "application/json");
    cr_expect_eq(cJSON_GetObjectItem(it, "size")->valueint, 24);
    snprintf(art, sizeof art, "%s", cJSON_GetObjectItem(it, "id")->valuestring);
    snprintf(sha, sizeof sha, "%s", cJSON_GetObjectItem(it, "sha256")->valuestring);
    cr_expect_eq(strlen(sha), 64);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/artifacts/%s", art);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(r->body_len, 24);
    cr_expect_str_eq(r->body, "{\"ok\":true,\"attempt\":1}\n");
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/json");
    cr_expect_str_eq(tc_header(r, "Content-Disposition"), "attachment; filename=\"noop.json\"");
    snprintf(want, sizeof want, "\"%s\"", sha);
    cr_expect_str_eq(tc_header(r, "ETag"), want);
    tc_free(r);
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                           "AND action = 'download' AND actor_sub = 'h7-jobs-dl'",
                           art),
                 1, "the download is audited");

    /* Conditional GET: the tag answers 304 with no bytes, and is not a download. */
    {
        char extra[128];

        snprintf(extra, sizeof extra, "If-None-Match: W/\"x\", %s\r\n", want);
        r = tc_req("GET", path, admin, NULL, extra);
        cr_expect_eq(r->status, 304);
        cr_expect_eq(r->body_len, 0);
        cr_expect_str_eq(tc_header(r, "ETag"), want);
        tc_free(r);
        r = tc_req("GET", path, admin, NULL, "If-None-Match: \"stale\"\r\n");
        cr_expect_eq(r->status, 200);
        tc_free(r);
    }
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                           "AND action = 'download'",
                           art),
                 2);
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                           "AND action = 'request' AND actor_sub = 'h7-jobs-dl'",
                           id),
                 1, "the request is audited with the job");
    free(id);
    free(admin);
}

Test(jobs, roles_come_from_the_kind)
{
    char *manager = token("manager", "h7-jobs-roles-m"), *board = token("board", "h7-jobs-roles-b");
    char *adviser = token("adviser", "h7-jobs-roles-a"), *admin = token("admin", "h7-jobs-roles-d");
    char *id, path[128], art[64];
    struct tc_resp *r;
    long before = tc_sql_long("SELECT count(*) FROM jobs WHERE created_by LIKE 'h7-jobs-roles-%'");

    r = tc_post("/v1/jobs", manager, "{\"kind\":\"noop\"}");
    cr_expect_eq(r->status, 403, "manager may not request noop: %s", r->body);
    tc_free(r);
    r = tc_post("/v1/jobs", board, "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":2026}}");
    cr_expect_eq(r->status, 403, "board may not request the return: %s", r->body);
    tc_free(r);
    r = tc_post("/v1/jobs", adviser,
                "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":2026}}");
    cr_expect_eq(r->status, 403);
    tc_free(r);
    r = tc_get("/v1/jobs", adviser);
    cr_expect_eq(r->status, 403);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE created_by LIKE 'h7-jobs-roles-%'"),
                 before, "nothing queued");

    /* A noop job exists only for the roles that may request noop. */
    id = request(admin, "{\"kind\":\"noop\"}");
    r = wait_status(admin, id, "succeeded", 60000);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    r = tc_get(path, manager);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
    r = tc_get(path, board);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200);
    snprintf(art, sizeof art, "%s",
             cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "id")
                 ->valuestring);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/artifacts/%s", art);
    r = tc_get(path, manager);
    cr_expect_eq(r->status, 404, "not downloadable by a role that may not request the kind");
    tc_free(r);
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                           "AND action = 'download'",
                           art),
                 0);
    r = tc_get("/v1/jobs?created_by=h7-jobs-roles-d", manager);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "the list hides kinds the role may not request");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s/cancel", id);
    r = tc_post(path, manager, NULL);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    free(id);
    free(manager);
    free(board);
    free(adviser);
    free(admin);
}

static void
expect_field(const struct tc_resp *r, const char *field)
{
    const cJSON *e;
    int found = 0;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "errors")) found |=
        strcmp(cJSON_GetObjectItem(e, "field")->valuestring, field) == 0;
    cr_expect(found, "%s is listed: %s", field, r->body);
}

Test(jobs, bad_requests_list_every_field_and_queue_nothing)
{
    char *manager = token("manager", "h7-jobs-bad");
    struct tc_resp *r;
    char body[256];

    r = tc_post("/v1/jobs", manager,
                "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":\"2026\",\"format\":\"pdf\","
                "\"window_months_after\":13,\"colour\":1},\"max_attempts\":11,\"priority\":1}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 6, "%s", r->body);
    expect_field(r, "params.collection_year");
    expect_field(r, "params.format");
    expect_field(r, "params.window_months_after");
    expect_field(r, "params.colour");
    expect_field(r, "max_attempts");
    expect_field(r, "priority");
    tc_free(r);

    r = tc_post("/v1/jobs", manager, "{\"kind\":\"ssda903\",\"params\":{}}");
    cr_expect_eq(r->status, 422);
    expect_field(r, "params.collection_year");
    tc_free(r);
    snprintf(body, sizeof body, "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":%d}}",
             (int)(time(NULL) / 31556952) + 1970 + 3);
    r = tc_post("/v1/jobs", manager, body);
    cr_expect_eq(r->status, 422, "a future collection year: %s", r->body);
    tc_free(r);
    r = tc_post("/v1/jobs", manager,
                "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":2015}}");
    cr_expect_eq(r->status, 422, "before 17-18s were collected");
    tc_free(r);
    r = tc_post("/v1/jobs", manager, "{\"kind\":\"teleport\"}");
    cr_expect_eq(r->status, 422);
    expect_field(r, "kind");
    tc_free(r);
    r = tc_post("/v1/jobs", manager, "{\"params\":{}}");
    cr_expect_eq(r->status, 422);
    expect_field(r, "kind");
    tc_free(r);
    r = tc_post("/v1/jobs", manager, "{\"kind\":7}");
    cr_expect_eq(r->status, 422);
    expect_field(r, "kind");
    tc_free(r);
    r = tc_post("/v1/jobs", manager, "{\"kind\":\"ssda903\",\"params\":[2026]}");
    cr_expect_eq(r->status, 422);
    expect_field(r, "params");
    tc_free(r);
    r = tc_post("/v1/jobs", manager, "{\"kind\":\"ssda903\"");
    cr_expect_eq(r->status, 400, "malformed JSON");
    tc_free(r);
    r = tc_req("POST", "/v1/jobs", manager, NULL,
               "Content-Type: text/plain\r\nContent-Length: 4\r\n\r\nkind");
    cr_expect_eq(r->status, 415);
    tc_free(r);
    r = tc_post("/v1/jobs", NULL, "{\"kind\":\"noop\"}");
    cr_expect_eq(r->status, 401);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE created_by = 'h7-jobs-bad'"), 0,
                 "nothing queued");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM audit_log WHERE actor_sub = 'h7-jobs-bad'"), 0);
    free(manager);
}

Test(jobs, idempotency_key_queues_one_job)
{
    char *admin = token("admin", "h7-jobs-idem");
    const char *body = "{\"kind\":\"noop\",\"params\":{\"date\":\"2026-01-02\"}}";
    struct tc_resp *a, *b, *c;

    a = tc_req("POST", "/v1/jobs", admin, body, "Idempotency-Key: h7-idem-1\r\n");
    b = tc_req("POST", "/v1/jobs", admin, body, "Idempotency-Key: h7-idem-1\r\n");
    c = tc_req("POST", "/v1/jobs", admin, "{\"kind\":\"noop\"}", "Idempotency-Key: h7-idem-1\r\n");
    cr_expect_eq(a->status, 202, "%s", a->body);
    cr_expect_eq(b->status, 202, "replayed: %s", b->body);
    cr_expect_str_eq(tc_str(a, "id"), tc_str(b, "id"));
    cr_expect_str_eq(tc_header(b, "Idempotent-Replayed"), "true");
    cr_expect_not_null(tc_header(b, "Location"));
    cr_expect_eq(c->status, 422, "same key, another body");
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE created_by = 'h7-jobs-idem'"), 1);
    tc_free(a);
    tc_free(b);
    tc_free(c);
    free(admin);
}

Test(jobs, cancel_queued_and_running_jobs)
{
    char *admin = token("admin", "h7-jobs-cancel"), id[37], path[128], queue[64], *run;
    struct tc_resp *r;

    /* Queued on a queue no worker serves: it waits until cancelled. */
    tw_queue_name("h7-parked", queue, sizeof queue);
    cr_assert_eq(tw_insert_job("noop", "{}", queue, 5, id), 0);
    snprintf(path, sizeof path, "/v1/jobs/%s/cancel", id);
    r = tc_post(path, admin, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "cancelled");
    cr_expect_not_null(tc_str(r, "finished_at"));
    tc_free(r);
    r = tc_post(path, admin, NULL);
    cr_expect_eq(r->status, 409, "already cancelled: %s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    tc_free(r);
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                           "AND action = 'transition'",
                           id),
                 1);

    /* Running: the worker stops at its next safe point and nothing it made survives. */
    run = request(admin, "{\"kind\":\"noop\",\"params\":{\"sleep_ms\":30000}}");
    r = wait_status(admin, run, "running", 60000);
    cr_assert_str_eq(tc_str(r, "status"), "running");
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s/cancel", run);
    r = tc_post(path, admin, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    cr_expect(tw_until("SELECT count(*) = 1 FROM job_attempts a JOIN jobs j ON j.id = a.job_id "
                       "WHERE j.created_by = 'h7-jobs-cancel' AND a.outcome = 'cancelled'",
                       5000));
    {
        struct timespec ts = {3, 0};

        nanosleep(&ts, NULL); /* longer than a heartbeat: the worker has noticed by now */
    }
    cr_expect_eq(
        count_sql("SELECT count(*) FROM jobs WHERE id = '%s' AND status = 'cancelled'", run), 1);
    cr_expect_eq(count_sql("SELECT count(*) FROM artifacts WHERE job_id = '%s'", run), 0);
    r = tc_post("/v1/jobs/00000000-0000-4000-8000-000000000000/cancel", admin, NULL);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    free(run);
    free(admin);
}

Test(jobs, list_filters_and_pages)
{
    char *admin = token("admin", "h7-jobs-list"), *ids[3], path[640];
    struct tc_resp *r;
    const char *cursor;
    char next[512];

    for (int i = 0; i < 3; i++)
        ids[i] = request(admin, "{\"kind\":\"noop\"}");
    r = tc_get("/v1/jobs?created_by=h7-jobs-list&limit=2", admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "id")
            ->valuestring,
        ids[2], "newest first");
    cursor = tc_str(r, "next_cursor");
    cr_assert_not_null(cursor);
    cr_expect_not_null(tc_header(r, "Link"));
    snprintf(next, sizeof next, "%s", cursor);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs?created_by=h7-jobs-list&limit=2&cursor=%s", next);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "id")
            ->valuestring,
        ids[0]);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "next_cursor")));
    tc_free(r);
    r = tc_get("/v1/jobs?created_by=h7-jobs-list&kind=ssda903", admin);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    r = tc_get("/v1/jobs?created_by=h7-jobs-list&from=2000-01-01&to=2000-12-31", admin);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    r = tc_get("/v1/jobs?created_by=h7-jobs-list&status=cancelled", admin);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0);
    tc_free(r);
    r = tc_get("/v1/jobs?status=done", admin);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_get("/v1/jobs?from=2026-02-30", admin);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_get("/v1/jobs?cursor=WyJ4IiwieSJd", admin);
    cr_expect_eq(r->status, 400, "a forged cursor: %s", r->body);
    tc_free(r);
    r = tc_get("/v1/jobs?limit=0", admin);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    for (int i = 0; i < 3; i++)
        free(ids[i]);
    free(admin);
}

/* A finished board_report job requested by role (created_by sub) on a queue no worker takes,
 * with one artifact; its id and the artifact's into job and art. */
static void
seed_report(const char *role, const char *sub, char job[37], char art[37])
{
    char sql[768];

    snprintf(sql, sizeof sql,
             "INSERT INTO jobs (id, kind, params, status, created_by, created_role, queue) "
             "VALUES (gen_random_uuid(), 'board_report', '{\"as_at\":\"2025-06-30\"}', "
             "'succeeded', '%s', '%s', 'nobody') RETURNING id",
             sub, role);
    cr_assert_eq(tw_sql_text(sql, job, 37), 0);
    snprintf(sql, sizeof sql,
             "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size) VALUES "
             "(gen_random_uuid(), '%s', 'report.json', 'application/json', '{}', "
             "encode(sha256('{}'), 'hex'), 2) RETURNING id",
             job);
    cr_assert_eq(tw_sql_text(sql, art, 37), 0);
}

/* The status of GET (or POST when post) path as tok. */
static int
status_of(const char *method, const char *fmt, const char *id, const char *tok)
{
    char path[160];
    struct tc_resp *r;
    int st;

    snprintf(path, sizeof path, fmt, id);
    r = tc_req(method, path, tok, NULL, NULL);
    st = r->status;
    tc_free(r);
    return st;
}

/* The number of jobs GET /v1/jobs?created_by=sub lists for tok. */
static int
listed(const char *sub, const char *tok)
{
    char path[160];
    struct tc_resp *r;
    int n;

    snprintf(path, sizeof path, "/v1/jobs?kind=board_report&created_by=%s", sub);
    r = tc_get(path, tok);
    cr_expect_eq(r->status, 200, "%s", r->body);
    n = cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items"));
    tc_free(r);
    return n;
}

/* A manager's board report may cover a subset of districts or any date; the board role sees
 * only the reports the board requested (fixed form), or two of them could be differenced. */
Test(jobs, the_board_sees_only_board_requested_reports)
{
    char *board = token("board", "h15-rls-board"), *mgr = token("manager", "h15-rls-mgr");
    char mjob[37], mart[37], bjob[37], bart[37];

    seed_report("manager", "h15-rls-mgr", mjob, mart);
    seed_report("board", "h15-rls-board", bjob, bart);
    cr_expect_eq(status_of("GET", "/v1/jobs/%s", mjob, board), 404);
    cr_expect_eq(status_of("GET", "/v1/jobs/%s/artifacts", mjob, board), 404);
    cr_expect_eq(status_of("GET", "/v1/artifacts/%s", mart, board), 404);
    cr_expect_eq(status_of("POST", "/v1/jobs/%s/cancel", mjob, board), 404);
    cr_expect_eq(listed("h15-rls-mgr", board), 0, "the manager's report is not listed");
    cr_expect_eq(count_sql("SELECT count(*) FROM audit_log WHERE resource_id = '%s'", mart), 0,
                 "nothing was downloaded");

    cr_expect_eq(status_of("GET", "/v1/jobs/%s", bjob, board), 200);
    cr_expect_eq(status_of("GET", "/v1/jobs/%s/artifacts", bjob, board), 200);
    cr_expect_eq(status_of("GET", "/v1/artifacts/%s", bart, board), 200);
    cr_expect_eq(listed("h15-rls-board", board), 1, "the board's own report is listed");

    cr_expect_eq(status_of("GET", "/v1/jobs/%s", mjob, mgr), 200, "a manager sees both");
    cr_expect_eq(status_of("GET", "/v1/artifacts/%s", mart, mgr), 200);
    cr_expect_eq(status_of("GET", "/v1/jobs/%s", bjob, mgr), 200);
    cr_expect_eq(listed("h15-rls-mgr", mgr), 1);
    free(board);
    free(mgr);
}

/* The database's copy of which roles may see which kind (job_kind_roles, read by the row-level
 * security policies of jobs and artifacts) says what common/cl_jobspec.c says, for every role. */
Test(jobs, the_sql_kind_roles_mirror_cl_jobspecs)
{
    char want[2048] = "", sorted[2048], got[2048], sql[2560], role[16];
    size_t used = 0;

    for (int i = 0; i < cl_jobspec_count(); i++)
        for (unsigned bit = 1; bit < 64; bit <<= 1) {
            int sight;

            cl_route_roles_str(bit, role, sizeof role);
            sight = cl_jobspec_sight(cl_jobspec_at(i), role);
            if (sight != CL_JOBS_NONE)
                used += (size_t)snprintf(want + used, sizeof want - used, "%s%s:%s:%s",
                                         used ? "," : "", cl_jobspec_at(i)->kind, role,
                                         sight == CL_JOBS_OWN_ROLE ? "own" : "all");
        }
    cr_assert_lt(used, sizeof want - 1);
    snprintf(sql, sizeof sql,
             "SELECT string_agg(x, ',' ORDER BY x) FROM unnest(string_to_array('%s', ',')) x",
             want);
    cr_assert_eq(tw_sql_text(sql, sorted, sizeof sorted), 0);
    cr_assert_eq(tw_sql_text("SELECT string_agg(x, ',' ORDER BY x) FROM (SELECT kind || ':' || "
                             "role || ':' || CASE WHEN own_role_only THEN 'own' ELSE 'all' END "
                             "FROM job_kind_roles) m(x)",
                             got, sizeof got),
                 0, "job_kind_roles is readable");
    cr_expect_str_eq(got, sorted, "job_kind_roles says %s, cl_jobspecs %s", got, sorted);
}
