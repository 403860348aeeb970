/* Records (issue 25): every table about a person is covered by personal_data_tables; a subject
 * access export holds every row of a constructed person in every such table and nothing of
 * anyone else, is for review until marked reviewed, and is downloadable by its requester and
 * admins only; bad requests change nothing; the nightly disposal review lists what is due and
 * no legal hold keeps; an approved disposal removes the person from every table, leaves a
 * tombstone without personal data and their rows in stored return files redacted; a disposal
 * under a legal hold or not yet due is 409 and changes nothing. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(records, .init = cl_mem_init, .timeout = 180);

/* One row in every table of personal_data_tables for the care leaver $1 (and the partner,
 * protocol, opportunity and grant type those rows need); answers the rows made. A table added
 * to personal_data_tables needs a row here too, or export_is_complete fails naming it. */
static const char *const fixture_sql =
    "WITH p AS (INSERT INTO partners (name, kind) VALUES ('Records fixture ' || gen_random_uuid(), "
    "'housing_provider') RETURNING id), "
    /* an edition well below the 9999 cap, so the next max(edition) + 1 another test takes
       still fits */
    "hp AS (INSERT INTO housing_protocols (title, edition) SELECT 'Records fixture', min(e) FROM "
    "generate_series(5000 + (random() * 3000)::int, 8999) e "
    "WHERE e NOT IN (SELECT edition FROM housing_protocols) RETURNING id), "
    "o AS (INSERT INTO eet_opportunities (kind, title, places, source) VALUES ('job', 'Records "
    "fixture', 1, 'employer') RETURNING id), "
    "g AS (INSERT INTO entitlements (name, kind) VALUES ('Records fixture ' || "
    "gen_random_uuid(), 'grant') RETURNING id), "
    "gv AS (INSERT INTO entitlement_versions (entitlement_id, effective_from, cap_pence) SELECT "
    "g.id, '2000-01-01', 300000 FROM g RETURNING id, entitlement_id), "
    "cs AS (INSERT INTO council_tax_schemes (district, exempt_until_age, effective_from, "
    "needs_application) VALUES ('Records fixture ' || gen_random_uuid(), 25, current_date - 400, "
    "false) RETURNING id), "
    "ct AS (INSERT INTO council_tax_statuses (care_leaver_id, scheme_id, status, created_by) "
    "SELECT $1, cs.id, 'eligible', 'fixture' FROM cs RETURNING id), "
    "pl AS (INSERT INTO pathway_plans (care_leaver_id, version_no, started_on, "
    "health_and_wellbeing) VALUES ($1, 1, current_date - 30, 'Sees the GP.') RETURNING id), "
    "k AS (INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, notes) VALUES "
    "($1, current_date - 3, 'phone', true, 'Spoke about college.') RETURNING id), "
    "cse AS (INSERT INTO contact_status_events (care_leaver_id, status, occurred_on, notes) VALUES "
    "($1, 'refuses_contact', current_date - 2, 'Asked for no calls.') RETURNING id), "
    "oc AS (INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, notes) VALUES ($1, "
    "current_date - 5, 'letter', 'Letter sent.') RETURNING id), "
    "ae AS (INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, started_on) VALUES "
    "($1, 'H', true, current_date - 100) RETURNING id), "
    "r AS (INSERT INTO eet_referrals (opportunity_id, care_leaver_id, status_on, referred_on, "
    "created_by, notes) SELECT o.id, $1, current_date - 10, current_date - 10, 'fixture', 'Keen on "
    "it.' FROM o RETURNING id), "
    "re AS (INSERT INTO eet_referral_events (referral_id, to_status, on_date, actor_sub, "
    "actor_role, note) SELECT r.id, 'referred', current_date - 10, 'fixture', 'manager', "
    "'Referred.' FROM r RETURNING id), "
    "ea AS (INSERT INTO eet_activities (care_leaver_id, code, started_on) VALUES ($1, 'F1', "
    "current_date - 50) RETURNING id), "
    "gp AS (INSERT INTO grant_payments (care_leaver_id, entitlement_id, entitlement_version_id, "
    "amount_pence, paid_on, method, created_by, reference) SELECT $1, gv.entitlement_id, gv.id, "
    "1000, current_date - 7, 'card', 'fixture', 'Kettle' FROM gv RETURNING id), "
    "gb AS (INSERT INTO grant_balances (care_leaver_id, entitlement_id) SELECT $1, g.id FROM g "
    "RETURNING care_leaver_id), "
    "hr AS (INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referred_on, "
    "response_due_on) SELECT $1, p.id, hp.id, current_date - 20, current_date - 6 FROM p, hp "
    "RETURNING id), "
    "hb AS (INSERT INTO housing_protocol_breaches (protocol_id, kind, partner_id, care_leaver_id, "
    "occurred_on, details) SELECT hp.id, 'other', p.id, $1, current_date - 4, 'Moved without "
    "notice.' FROM p, hp RETURNING id), "
    "lh AS (INSERT INTO legal_holds (care_leaver_id, reason, placed_by, released_at, released_by) "
    "VALUES ($1, 'Old claim.', 'fixture', now(), 'fixture') RETURNING id), "
    "dc AS (INSERT INTO disposal_candidates (care_leaver_id, record_kind, due_on, listed_on, "
    "status) VALUES ($1, 'relevant', current_date, current_date, 'disposed') RETURNING id), "
    "au AS (INSERT INTO audit_log (actor_sub, role, action, resource_type, resource_id) SELECT "
    "'fixture', 'manager', 'read', 'contact', k.id FROM k RETURNING id), "
    /* the voice: a statement, a Star reading, a named survey response, a forum */
    "st AS (INSERT INTO statements (care_leaver_id, received_on, about, source, text) VALUES "
    "($1, current_date - 3, 'plan', 'app', 'I want to stay near my sister.') RETURNING id), "
    "se AS (INSERT INTO star_editions (code, name) VALUES ('records_' || "
    "replace(gen_random_uuid()::text, '-', '_'), 'Records fixture') RETURNING code), "
    "sa AS (INSERT INTO star_areas (edition, code, position, label) SELECT se.code, 'home', 1, "
    "'Home' FROM se RETURNING code), "
    "sr AS (INSERT INTO star_readings (care_leaver_id, edition, read_on, participants) SELECT $1, "
    "se.code, current_date - 9, 'The young person and their adviser' FROM se RETURNING id), "
    "ss AS (INSERT INTO star_scores (reading_id, edition, area, score) SELECT sr.id, se.code, "
    "'home', 6 FROM sr, se RETURNING reading_id), "
    "sv AS (INSERT INTO surveys (title, anonymous, opens_on, closes_on) VALUES ('Records "
    "fixture', false, current_date - 30, current_date + 30) RETURNING id), "
    "sq AS (INSERT INTO survey_questions (survey_id, position, text, type) SELECT sv.id, 1, "
    "'Anything else?', 'free_text' FROM sv RETURNING position), "
    "th AS (INSERT INTO survey_themes (code, label) VALUES ('records_fixture', 'Records fixture') "
    "ON CONFLICT (code) DO NOTHING RETURNING code), "
    "sp AS (INSERT INTO survey_responses (survey_id, anonymous, care_leaver_id, responded_on) "
    "SELECT sv.id, false, $1, current_date - 1 FROM sv RETURNING id), "
    "sn AS (INSERT INTO survey_answers (response_id, survey_id, position, text_value) SELECT "
    "sp.id, sv.id, 1, 'More help with money.' FROM sp, sv RETURNING response_id), "
    "sth AS (INSERT INTO survey_answer_themes (response_id, position, theme) SELECT sp.id, 1, "
    "'records_fixture' FROM sp RETURNING response_id), "
    "pb AS (INSERT INTO participation_bodies (kind, name) VALUES ('care_leavers_forum', 'Records "
    "fixture ' || gen_random_uuid()) RETURNING id), "
    "pm AS (INSERT INTO participation_memberships (body_id, care_leaver_id, joined_on) SELECT "
    "pb.id, $1, current_date - 60 FROM pb RETURNING id), "
    "pe AS (INSERT INTO participation_events (body_id, kind, held_on, title) SELECT pb.id, "
    "'meeting', current_date - 20, 'Forum meeting' FROM pb RETURNING id), "
    "pa AS (INSERT INTO participation_attendance (event_id, care_leaver_id) SELECT pe.id, $1 FROM "
    "pe RETURNING event_id), "
    /* a partner's notice matched to them, and the manager's task it raised */
    "pn AS (INSERT INTO partner_notifications (partner_id, kind, referral_id, care_leaver_id, "
    "occurred_on, details) SELECT p.id, 'emergency_move', hr.id, $1, current_date - 2, 'Moved "
    "after a fire.' FROM p, hr RETURNING id), "
    "mt AS (INSERT INTO manager_tasks (kind, notification_id) SELECT 'emergency_move', pn.id FROM "
    "pn RETURNING id) "
    "SELECT (SELECT count(*) FROM pl) + (SELECT count(*) FROM cse) + (SELECT count(*) FROM oc) + "
    "(SELECT count(*) FROM ae) + (SELECT count(*) FROM re) + (SELECT count(*) FROM ea) + (SELECT "
    "count(*) FROM gp) + (SELECT count(*) FROM gb) + (SELECT count(*) FROM hr) + (SELECT count(*) "
    "FROM hb) + (SELECT count(*) FROM lh) + (SELECT count(*) FROM dc) + (SELECT count(*) FROM au) "
    "+ (SELECT count(*) FROM st) + (SELECT count(*) FROM sr) + (SELECT count(*) FROM ss) + "
    "(SELECT count(*) FROM sp) + (SELECT count(*) FROM sn) + (SELECT count(*) FROM sth) + "
    "(SELECT count(*) FROM pm) + (SELECT count(*) FROM pa) + (SELECT count(*) FROM pn) + "
    "(SELECT count(*) FROM mt) + (SELECT count(*) FROM ct) ";

static char *
token(const char *role, const char *sub)
{
    char claims[256];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims, "{\"sub\":\"%s\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld}", sub,
             role, now + 3600, now);
    return tc_token_claims(claims);
}

/* A care leaver born on dob with a row in every personal data table; its id (malloc'd). */
static char *
person(const char *dob)
{
    char *id = tc_seed_care_leaver(NULL, dob);

    cr_assert_not_null(id);
    cr_assert_eq(tcw_sql_long(fixture_sql, 1, (const char *[]){id}), 24, "fixture rows");
    return id;
}

/* Requests a job, waits for it to succeed; returns its id (malloc'd). */
static char *
run_job(const char *tok, const char *body)
{
    struct tc_resp *r = tc_post("/v1/jobs", tok, body);
    char path[96], *id;
    double t0 = tc_now_ms();

    cr_assert_eq(r->status, 202, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        r = tc_get(path, tok);
        if (r->status == 200 && strcmp(tc_str(r, "status"), "succeeded") == 0)
            break;
        cr_assert(tc_now_ms() - t0 < 60000, "job %s did not succeed: %s", id, r->body);
        tc_free(r);
        struct timespec ts = {0, 100 * 1000000L};
        nanosleep(&ts, NULL);
    }
    tc_free(r);
    return id;
}

/* The id of the job's artifact called name (malloc'd), or NULL. */
static char *
artifact(const char *job, const char *name)
{
    return tcw_sql_str("SELECT id FROM artifacts WHERE job_id = $1::uuid AND name = $2", 2,
                       (const char *[]){job, name});
}

static int
status_of(const char *method, const char *path, const char *tok)
{
    struct tc_resp *r = tc_req(method, path, tok, NULL, NULL);
    int st = r->status;

    tc_free(r);
    return st;
}

Test(records, every_personal_table_is_covered)
{
    PGconn *c = tc_db();
    PGresult *res;
    char *gaps = tcw_sql_str(
        "SELECT coalesce(string_agg(t, ', '), '') FROM records_uncovered_tables() t", 0, NULL);
    /* cl_definer reads each listed table and deletes from each it disposes of, through a policy
       where it has row-level security */
    char *rights = tcw_sql_str(
        "SELECT coalesce(string_agg(table_name, ', '), '') FROM personal_data_tables p "
        "JOIN pg_class c ON c.oid = p.table_name::regclass "
        "WHERE table_name <> 'audit_log' AND NOT (has_table_privilege('cl_definer', table_name, "
        "'SELECT') AND (p.disposal = 'keep' OR has_table_privilege('cl_definer', table_name, "
        "'DELETE')) "
        "AND (NOT c.relrowsecurity OR (SELECT bool_or(k.polcmd = '*') OR count(DISTINCT k.polcmd) "
        "FILTER (WHERE k.polcmd IN ('r', 'd')) = 2 FROM pg_policy k "
        "WHERE k.polrelid = c.oid AND 'cl_definer'::regrole = ANY (k.polroles))))",
        0, NULL);

    cr_expect_str_eq(gaps, "",
                     "tables holding a person's rows without a row in personal_data_tables "
                     "(schema/migrations/0320_records.sql): %s",
                     gaps);
    cr_expect_str_eq(rights, "", "cl_definer may not read and delete: %s", rights);
    /* the check itself sees a new table, by its column or by its foreign key */
    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "CREATE TABLE records_probe_a (id int, care_leaver_id uuid)"));
    PQclear(PQexec(
        c, "CREATE TABLE records_probe_b (id int, contact_id uuid REFERENCES contacts (id))"));
    res = PQexec(c, "SELECT string_agg(t, ',') FROM records_uncovered_tables() t");
    cr_expect_str_eq(PQgetvalue(res, 0, 0), "records_probe_a,records_probe_b");
    PQclear(res);
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    free(gaps);
    free(rights);
}

Test(records, subject_access_export_is_complete_and_only_theirs)
{
    char *a = person("2005-03-04"), *b = person("2005-03-04");
    char *mgr = token("manager", "rec-sar-mgr"), *other = token("manager", "rec-sar-other");
    char *admin = token("admin", "rec-sar-admin"), body[512], path[128], *job, *json_id, *html_id;
    char *b_child = tcw_sql_str("SELECT la_child_id FROM care_leavers WHERE id = $1::uuid", 1,
                                (const char *[]){b});
    struct tc_resp *r;
    const cJSON *t, *tables, *free_text;
    cJSON *doc;

    snprintf(body, sizeof body,
             "{\"kind\":\"subject_access\",\"params\":{\"care_leaver_id\":\"%s\","
             "\"reason\":\"Request received by letter\",\"request_reference\":\"SAR-T-1\"}}",
             a);
    job = run_job(mgr, body);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid "
                              "AND action = 'request' AND actor_sub = 'rec-sar-mgr' "
                              "AND detail ->> 'reason' = 'Request received by letter' "
                              "AND detail ->> 'request_reference' = 'SAR-T-1'",
                              1, (const char *[]){a}),
                 1, "the request is audited with its reason and reference");
    snprintf(path, sizeof path, "/v1/jobs/%s", job);
    r = tc_get(path, mgr);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "result"), "review")->valuestring,
        "for_review");
    tc_free(r);
    json_id = artifact(job, "subject-access.json");
    html_id = artifact(job, "subject-access.html");
    cr_assert_not_null(json_id);
    cr_assert_not_null(html_id);

    /* the requester and admins download; another manager sees no file */
    snprintf(path, sizeof path, "/v1/artifacts/%s", json_id);
    cr_expect_eq(status_of("GET", path, other), 404);
    cr_expect_eq(status_of("GET", path, admin), 200);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid "
                              "AND action = 'download'",
                              1, (const char *[]){json_id}),
                 2, "every download audited");
    cr_expect_null(strstr(r->body, b), "the other person's id is not in the export");
    cr_expect_null(strstr(r->body, b_child), "the other person's CHILD id is not in the export");
    doc = cJSON_Parse(r->body);
    tc_free(r);
    cr_assert_not_null(doc);
    tables = cJSON_GetObjectItem(doc, "tables");
    cr_expect_eq(cJSON_GetArraySize(tables),
                 tc_sql_long("SELECT count(*) FROM personal_data_tables"), "one entry per table");
    cJSON_ArrayForEach(t, tables)
    {
        const char *name = cJSON_GetObjectItem(t, "table")->valuestring;
        int got = cJSON_GetArraySize(cJSON_GetObjectItem(t, "rows"));
        /* the person's rows as the database holds them: by the care leaver's id, or for a
           child table by its parent's rows of theirs, or for the audit log the rows about
           any of those */
        long want =
            tcw_sql_long("SELECT CASE WHEN p.export = 'audit_trail' THEN -1 ELSE 0 END FROM "
                         "personal_data_tables p WHERE p.table_name = $1",
                         1, (const char *[]){name});

        if (want == 0) {
            char sql[512];
            char *parent = tcw_sql_str("SELECT parent_table FROM personal_data_tables "
                                       "WHERE table_name = $1",
                                       1, (const char *[]){name});
            char *key = tcw_sql_str("SELECT key_column FROM personal_data_tables "
                                    "WHERE table_name = $1",
                                    1, (const char *[]){name});

            if (parent)
                snprintf(sql, sizeof sql,
                         "SELECT count(*) FROM %s WHERE %s IN (SELECT id FROM %s "
                         "WHERE care_leaver_id = $1::uuid)",
                         name, key, parent);
            else
                snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s = $1::uuid", name, key);
            want = tcw_sql_long(sql, 1, (const char *[]){a});
            free(parent);
            free(key);
            cr_expect_eq(got, want, "%s: %d rows exported, %ld held", name, got, want);
        }
        cr_expect_gt(got, 0, "%s: the constructed person has a row here, the export none", name);
    }
    free_text = cJSON_GetObjectItem(doc, "free_text_for_review");
    {
        char *text = cJSON_PrintUnformatted(free_text);

        cr_expect(strstr(text, "Spoke about college.") != NULL, "the notes are listed for review");
        free(text);
    }
    cJSON_Delete(doc);

    snprintf(path, sizeof path, "/v1/artifacts/%s", html_id);
    r = tc_get(path, mgr);
    cr_expect_eq(r->status, 200);
    cr_expect(strstr(r->body, "<h2>Contents</h2>") && strstr(r->body, "Free text to review"));
    cr_expect(strstr(r->body, "Spoke about college.") != NULL);
    tc_free(r);

    /* for review until a manager marks it reviewed, once */
    snprintf(path, sizeof path, "/v1/jobs/%s/review", job);
    r = tc_post(path, other, NULL);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "result"), "review")->valuestring,
        "reviewed");
    tc_free(r);
    cr_expect_eq(status_of("POST", path, mgr), 409);
    free(a), free(b), free(b_child), free(mgr), free(other), free(admin), free(job);
    free(json_id), free(html_id);
}

Test(records, subject_access_bad_input_changes_nothing)
{
    char *a = tc_seed_care_leaver(NULL, "2005-03-04"), *mgr = token("manager", "rec-sar-bad");
    char *adviser = tc_seed_adviser(), *adv = tc_token("adviser", adviser, NULL), body[512];
    const char *bodies[] = {
        "{\"care_leaver_id\":\"%s\",\"reason\":\"x\"}",
        "{\"care_leaver_id\":\"%s\",\"request_reference\":\"R-1\"}",
        "{\"care_leaver_id\":\"%s\",\"reason\":\"\",\"request_reference\":\"R-1\"}",
        "{\"care_leaver_id\":\"not-%s\",\"reason\":\"x\",\"request_reference\":\"R-1\"}",
    };
    const char *fields[] = {"params.request_reference", "params.reason", "params.reason",
                            "params.care_leaver_id"};
    struct tc_resp *r;

    for (int i = 0; i < 4; i++) {
        char params[400];

        snprintf(params, sizeof params, bodies[i], a);
        snprintf(body, sizeof body, "{\"kind\":\"subject_access\",\"params\":%s}", params);
        r = tc_post("/v1/jobs", mgr, body);
        cr_expect_eq(r->status, 422, "%s: %d", body, r->status);
        cr_expect(tcw_has_error(r, fields[i]), "%s: %s", body, r->body);
        tc_free(r);
    }
    /* a care leaver that does not exist (for a manager, out of scope is the same) */
    r = tc_post("/v1/jobs", mgr,
                "{\"kind\":\"subject_access\",\"params\":{\"care_leaver_id\":"
                "\"00000000-0000-4000-8000-00000000dead\",\"reason\":\"x\","
                "\"request_reference\":\"R-1\"}}");
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    snprintf(body, sizeof body,
             "{\"kind\":\"subject_access\",\"params\":{\"care_leaver_id\":\"%s\","
             "\"reason\":\"x\",\"request_reference\":\"R-1\"}}",
             a);
    r = tc_post("/v1/jobs", adv, body);
    cr_expect_eq(r->status, 403);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE created_by = 'rec-sar-bad'"), 0);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM audit_log WHERE resource_id = $1::uuid", 1,
                              (const char *[]){a}),
                 0);
    free(a), free(mgr), free(adv), free(adviser);
}

/* A stored SSDA903 return, declared final, naming the disposed person and another: header.csv
 * and ssda903.xml. */
static char *
stored_return(const char *child, const char *other)
{
    char csv[256], xml[512];
    char *job = tcw_sql_str("INSERT INTO jobs (id, kind, params, status, created_by, created_role) "
                            "VALUES (gen_random_uuid(), 'ssda903', '{\"collection_year\":2026}', "
                            "'succeeded', 'rec-test', 'manager') RETURNING id",
                            0, NULL);

    snprintf(csv, sizeof csv, "CHILD,SEX,DOB\n%s,F,04/03/1940\n%s,F,04/03/2005\n", child, other);
    snprintf(xml, sizeof xml,
             "<EXPSSDA903>\n  <CHILD>\n    <HEADER>\n      <CHILDID>%s</CHILDID>\n    </HEADER>\n"
             "  </CHILD>\n  <CHILD>\n    <HEADER>\n      <CHILDID>%s</CHILDID>\n    </HEADER>\n"
             "  </CHILD>\n</EXPSSDA903>\n",
             child, other);
    cr_assert_eq(
        tcw_sql("INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size) "
                "SELECT gen_random_uuid(), $1::uuid, n, m, convert_to(b, 'UTF8'), "
                "encode(sha256(convert_to(b, 'UTF8')), 'hex'), octet_length(b) "
                "FROM (VALUES ('header.csv', 'text/csv; charset=utf-8', $2), "
                "('ssda903.xml', 'application/xml', $3)) v(n, m, b)",
                3, (const char *[]){job, csv, xml}),
        0);
    /* declared final (history's ssda903_finals): a disposal still redacts it */
    cr_assert_eq(tcw_sql("INSERT INTO ssda903_finals (collection_year, job_id, finalised_by) "
                         "SELECT min(y), $1::uuid, 'rec-test' FROM generate_series(2030, 2099) y "
                         "WHERE y NOT IN (SELECT collection_year FROM ssda903_finals "
                         "WHERE superseded_at IS NULL)",
                         1, (const char *[]){job}),
                 0);
    return job;
}

static char *
listed(const char *cl)
{
    return tcw_sql_str("SELECT id FROM disposal_candidates WHERE care_leaver_id = $1::uuid "
                       "AND status = 'listed'",
                       1, (const char *[]){cl});
}

Test(records, disposal_after_review_removes_the_person_and_keeps_a_tombstone)
{
    char *a = person("1940-03-04"), *b = tc_seed_care_leaver(NULL, "2005-03-04");
    char *mgr = token("manager", "rec-disp-mgr"), path[160], *hold_id, *cand, *ret;
    char *child = tcw_sql_str("SELECT la_child_id FROM care_leavers WHERE id = $1::uuid", 1,
                              (const char *[]){a});
    char *other = tcw_sql_str("SELECT la_child_id FROM care_leavers WHERE id = $1::uuid", 1,
                              (const char *[]){b});
    struct tc_resp *r;

    /* former relevant, 75th birthday passed: due; but a legal hold keeps it off the list */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/legal-holds", a);
    r = tc_post(path, mgr, "{\"reason\":\"Claim notified\"}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    hold_id = strdup(tc_str(r, "id"));
    tc_free(r);
    r = tc_post(path, mgr, "{\"reason\":\"Again\"}");
    cr_expect_eq(r->status, 409, "one open hold");
    tc_free(r);
    free(run_job(mgr, "{\"kind\":\"disposal_review\"}"));
    cr_expect_null(listed(a), "a record under a legal hold is not listed");
    snprintf(path, sizeof path, "/v1/legal-holds/%s/release", hold_id);
    cr_expect_eq(status_of("POST", path, mgr), 200);
    cr_expect_eq(status_of("POST", path, mgr), 409);
    free(run_job(mgr, "{\"kind\":\"disposal_review\"}"));
    cand = listed(a);
    cr_assert_not_null(cand, "listed once no hold keeps it");
    ret = stored_return(child, other);

    /* a hold placed after listing still stops the disposal, and nothing changes */
    snprintf(path, sizeof path, "/v1/care-leavers/%s/legal-holds", a);
    r = tc_post(path, mgr, "{\"reason\":\"Second claim\"}");
    cr_assert_eq(r->status, 201);
    free(hold_id);
    hold_id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/disposals/%s/approve", cand);
    r = tc_post(path, mgr, NULL);
    cr_expect_eq(r->status, 409, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM contacts WHERE care_leaver_id = $1::uuid", 1,
                              (const char *[]){a}),
                 1, "nothing disposed under a hold");
    snprintf(path, sizeof path, "/v1/legal-holds/%s/release", hold_id);
    cr_expect_eq(status_of("POST", path, mgr), 200);

    snprintf(path, sizeof path, "/v1/disposals/%s/approve", cand);
    r = tc_post(path, mgr, NULL);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "disposed");
    tc_free(r);
    cr_expect_eq(status_of("POST", path, mgr), 409, "disposed once");

    /* gone from every table that is not kept; the kept ones hold no personal data */
    {
        PGconn *c = tc_db();
        PGresult *res = PQexec(c, "SELECT table_name, key_column, parent_table FROM "
                                  "personal_data_tables WHERE disposal = 'delete'");

        for (int i = 0; i < PQntuples(res); i++) {
            char sql[256];

            if (!PQgetisnull(res, i, 2))
                continue; /* a child table's rows hang off its parent's: checked below */
            snprintf(sql, sizeof sql, "SELECT count(*) FROM %s WHERE %s = $1::uuid",
                     PQgetvalue(res, i, 0), PQgetvalue(res, i, 1));
            cr_expect_eq(tcw_sql_long(sql, 1, (const char *[]){a}), 0, "%s still holds rows",
                         PQgetvalue(res, i, 0));
        }
        PQclear(res);
        PQfinish(c);
    }
    cr_expect_eq(
        tc_sql_long("SELECT count(*) FROM eet_referral_events e WHERE note = 'Referred.' "
                    "AND NOT EXISTS (SELECT 1 FROM eet_referrals r WHERE r.id = e.referral_id)"),
        0);
    {
        char *tomb = tcw_sql_str("SELECT detail::text FROM audit_log WHERE resource_id = $1::uuid "
                                 "AND action = 'delete' AND resource_type = 'care_leaver'",
                                 1, (const char *[]){a});

        cr_assert_not_null(tomb, "a tombstone");
        cr_expect_null(strstr(tomb, child), "the tombstone names no CHILD id: %s", tomb);
        cr_expect_null(strstr(tomb, "1940"), "the tombstone holds no date of birth: %s", tomb);
        cr_expect_null(strstr(tomb, "Seed"), "the tombstone holds no name: %s", tomb);
        free(tomb);
    }
    /* the stored return: the person's rows gone, the other's kept, checksums true */
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM artifacts WHERE job_id = $1::uuid AND "
                              "position(convert_to($2, 'UTF8') IN bytes) > 0",
                              2, (const char *[]){ret, child}),
                 0, "the disposed person is still in a stored return");
    cr_expect_eq(
        tcw_sql_long("SELECT count(*) FROM artifacts WHERE job_id = $1::uuid AND "
                     "position(convert_to($2, 'UTF8') IN bytes) > 0 "
                     "AND sha256 = encode(sha256(bytes), 'hex') AND size = octet_length(bytes)",
                     2, (const char *[]){ret, other}),
        2, "the other young person's rows stay, with true checksums");
    free(a), free(b), free(mgr), free(hold_id), free(cand), free(ret), free(child), free(other);
}

Test(records, disposal_not_yet_due_is_refused)
{
    char *a = tc_seed_care_leaver(NULL, "2005-03-04"), *mgr = token("admin", "rec-disp-early");
    char path[128];
    char *cand = tcw_sql_str("INSERT INTO disposal_candidates (care_leaver_id, record_kind, "
                             "due_on, listed_on) VALUES ($1::uuid, 'former_relevant', "
                             "current_date, current_date) RETURNING id",
                             1, (const char *[]){a});
    struct tc_resp *r;

    snprintf(path, sizeof path, "/v1/disposals/%s/approve", cand);
    r = tc_post(path, mgr, NULL);
    cr_expect_eq(r->status, 409, "%s", r->body);
    cr_expect(strstr(r->body, "not yet due") != NULL, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM care_leavers WHERE id = $1::uuid", 1,
                              (const char *[]){a}),
                 1);
    cr_expect_eq(
        status_of("POST", "/v1/disposals/00000000-0000-4000-8000-00000000dead/approve", mgr), 404);
    free(a), free(mgr), free(cand);
}
