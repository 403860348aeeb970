/* The database credentials cannot undo the walls (issue 15, item 2; SECURITY.md).
 *
 * Each test logs in with the very conninfo the api (cl_app), the worker (cl_worker) or the
 * migration (cl_owner) is given by tests/integration/run.sh, and tries what an attacker holding
 * that credential would: change a table, switch a trigger off, erase the audit log, become a
 * more powerful role, or read outside its row-level security policies. The fixtures are made
 * by the cluster's superuser (CL_TEST_DATABASE_URL). */
#include <criterion/criterion.h>
#include <glob.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cl_mem.h"
#include "tc.h"
#include "tw.h"

TestSuite(dbroles, .init = cl_mem_init, .timeout = 60);

static PGconn *
login(const char *env)
{
    const char *url = getenv(env);
    PGconn *c;

    cr_assert_not_null(url, "%s is not set (tests/integration/run.sh sets it)", env);
    c = PQconnectdb(url);
    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s cannot log in: %s", env, PQerrorMessage(c));
    return c;
}

/* The SQLSTATE sql ended with ("00000" on success). */
static const char *
state_of(PGconn *c, const char *sql)
{
    static __thread char st[6];
    PGresult *res = PQexec(c, sql);
    ExecStatusType t = PQresultStatus(res);

    if (t == PGRES_COMMAND_OK || t == PGRES_TUPLES_OK)
        snprintf(st, sizeof st, "00000");
    else
        snprintf(st, sizeof st, "%s",
                 PQresultErrorField(res, PG_DIAG_SQLSTATE)
                     ? PQresultErrorField(res, PG_DIAG_SQLSTATE)
                     : "?????");
    PQclear(res);
    if (PQtransactionStatus(c) == PQTRANS_INERROR)
        PQclear(PQexec(c, "ROLLBACK"));
    return st;
}

static char *
text_of(PGconn *c, const char *sql)
{
    PGresult *res = PQexec(c, sql);
    char *v;

    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(c));
    v = cl_strdup(PQntuples(res) ? PQgetvalue(res, 0, 0) : "");
    PQclear(res);
    return v;
}

static void
expect_text(PGconn *c, const char *sql, const char *want, const char *why)
{
    char *v = text_of(c, sql);

    cr_expect_str_eq(v, want, "%s (%s)", why, sql);
    free(v);
}

/* What no login but the owner's may do: each is refused for lack of privilege (42501). */
static void
cannot_undo_the_walls(PGconn *c, const char *who)
{
    static const char *const tries[] = {
        "ALTER TABLE care_leavers DISABLE ROW LEVEL SECURITY",
        "ALTER TABLE care_leavers NO FORCE ROW LEVEL SECURITY",
        "DROP POLICY care_leavers_scope ON care_leavers",
        "ALTER TABLE audit_log DISABLE TRIGGER audit_log_append_only",
        "ALTER TABLE audit_log ADD COLUMN x int",
        "DELETE FROM audit_log",
        "UPDATE audit_log SET actor_sub = 'x'",
        "TRUNCATE audit_log",
        "SET session_replication_role = replica",
        "SET ROLE cl_owner",
        "SET ROLE cl_definer",
        "SET SESSION AUTHORIZATION postgres",
        "CREATE TABLE public.planted (x int)",
        "CREATE FUNCTION public.planted() RETURNS text LANGUAGE sql AS $$ SELECT 'admin' $$",
        "ALTER FUNCTION cl_partner_sees_via_housing(uuid) OWNER TO cl_app",
    };

    for (size_t i = 0; i < sizeof tries / sizeof tries[0]; i++) {
        const char *st = state_of(c, tries[i]);

        cr_expect_str_eq(st, "42501", "%s: \"%s\" answered SQLSTATE %s, not a refusal", who,
                         tries[i], st);
    }
    /* RESET ROLE leads back to the login itself, which is no more than it was. */
    cr_expect_str_eq(state_of(c, "RESET ROLE"), "00000");
    expect_text(c,
                "SELECT r.rolsuper OR r.rolbypassrls OR r.rolcreaterole OR r.rolcreatedb "
                "FROM pg_roles r WHERE r.rolname = current_user",
                "f", "the login has no special attribute");
    expect_text(c,
                "SELECT count(*) FROM pg_class k WHERE k.relnamespace = 'public'::regnamespace "
                "AND pg_has_role(current_user, k.relowner, 'MEMBER')",
                "0", "the login owns nothing, directly or through a role");
}

/* Two advisers with one care leaver each, and one audit row. */
static void
fixtures(void)
{
    cr_assert_eq(
        tc_sql("INSERT INTO advisers (id, name, email) VALUES "
               "('d8000000-0000-4000-8000-00000000000a', 'Role A', 'role-a@test.example'), "
               "('d8000000-0000-4000-8000-00000000000b', 'Role B', 'role-b@test.example') "
               "ON CONFLICT DO NOTHING;"
               "INSERT INTO care_leavers (id, la_child_id, given_name, family_name, date_of_birth, "
               "sex, ethnicity, category, district, adviser_id) VALUES "
               "('d8000000-0000-4000-8000-0000000000a1', 'ROLEA1', 'Ann', 'Roles', "
               "current_date - 7000, '2', 'WBRI', 'relevant', 'Roleton', "
               "'d8000000-0000-4000-8000-00000000000a'), "
               "('d8000000-0000-4000-8000-0000000000b1', 'ROLEB1', 'Bob', 'Roles', "
               "current_date - 7500, '1', 'WBRI', 'former_relevant', 'Roleton', "
               "'d8000000-0000-4000-8000-00000000000b') ON CONFLICT DO NOTHING;"
               "INSERT INTO audit_log (actor_sub, role, action, resource_type) "
               "VALUES ('dbroles-test', 'admin', 'read', 'test')"),
        0);
}

Test(dbroles, the_api_login_cannot_undo_the_walls)
{
    PGconn *c = login("CL_TEST_APP_DATABASE_URL");

    fixtures();
    expect_text(c, "SELECT session_user", "cl_app", "the api logs in as cl_app");
    cannot_undo_the_walls(c, "cl_app");
    PQfinish(c);
}

Test(dbroles, the_worker_login_cannot_undo_the_walls)
{
    PGconn *c = login("CL_TEST_WORKER_DATABASE_URL");

    fixtures();
    expect_text(c, "SELECT session_user", "cl_worker", "the worker logs in as cl_worker");
    cannot_undo_the_walls(c, "cl_worker");
    PQfinish(c);
}

/* The api's login reads only inside its policies, whatever it does to its session. */
Test(dbroles, the_api_login_reads_only_inside_its_policies)
{
    PGconn *c = login("CL_TEST_APP_DATABASE_URL");
    const char *theirs = "SELECT count(*) FROM care_leavers WHERE la_child_id = 'ROLEB1'";

    fixtures();
    expect_text(c, "SELECT count(*) FROM care_leavers WHERE district = 'Roleton'", "0",
                "no principal: no person");
    cr_expect_str_eq(state_of(c, "BEGIN"), "00000");
    expect_text(c,
                "SELECT set_config('app.role', 'adviser', true), "
                "set_config('app.adviser_id', 'd8000000-0000-4000-8000-00000000000a', true)",
                "adviser", "principal set");
    expect_text(c, "SELECT count(*) FROM care_leavers WHERE district = 'Roleton'", "1",
                "adviser A sees its own care leaver");
    expect_text(c, theirs, "0", "and not adviser B's");
    cr_expect_str_eq(state_of(c, "RESET ROLE"), "00000");
    expect_text(c, theirs, "0", "not after RESET ROLE either");
    cr_expect_str_eq(state_of(c, "SET LOCAL row_security = off"), "00000");
    cr_expect_str_eq(state_of(c, theirs), "42501",
                     "switching row security off makes the query fail, not see more");
    PQclear(PQexec(c, "ROLLBACK"));
    cr_expect_str_eq(state_of(c, "SELECT count(*) FROM idempotency_keys"), "00000");
    expect_text(c, "SELECT count(*) > 0 FROM audit_log WHERE actor_sub = 'dbroles-test'", "t",
                "the api reads the audit log (admins' GET /v1/audit-events)");
    PQfinish(c);
}

/* The worker reads the person tables whole (returns are about everyone) but writes none of
 * them and sees neither the audit log nor the api's idempotency records. */
Test(dbroles, the_worker_login_reads_and_writes_only_what_it_needs)
{
    PGconn *c = login("CL_TEST_WORKER_DATABASE_URL");

    fixtures();
    expect_text(c, "SELECT count(*) FROM care_leavers WHERE district = 'Roleton'", "2",
                "the worker reads every care leaver");
    cr_expect_str_eq(state_of(c, "UPDATE care_leavers SET district = 'x' WHERE false"), "42501");
    cr_expect_str_eq(state_of(c, "INSERT INTO contacts (care_leaver_id) SELECT NULL WHERE false"),
                     "42501");
    cr_expect_str_eq(state_of(c, "SELECT count(*) FROM audit_log"), "42501");
    cr_expect_str_eq(state_of(c, "INSERT INTO audit_log (actor_sub, role, action, resource_type) "
                                 "VALUES ('w', 'service', 'read', 'test')"),
                     "42501");
    cr_expect_str_eq(state_of(c, "SELECT count(*) FROM idempotency_keys"), "42501");
    cr_expect_str_eq(state_of(c, "SELECT cl_partner_sees_via_housing(gen_random_uuid())"), "42501",
                     "SECURITY DEFINER functions are not for everyone");
    PQfinish(c);
}

/* The owner has no policy of its own: without altering a table it reads no person. */
Test(dbroles, the_owner_is_not_exempt_from_row_level_security)
{
    PGconn *c = login("CL_TEST_OWNER_DATABASE_URL");

    fixtures();
    expect_text(c, "SELECT count(*) FROM care_leavers WHERE district = 'Roleton'", "0",
                "row-level security is forced for the owner too, with no owner policy");
    expect_text(c,
                "SELECT count(*) FROM pg_policies WHERE schemaname = 'public' "
                "AND NOT roles <@ ARRAY['cl_app', 'cl_worker', 'cl_definer']::name[]",
                "0", "every policy names the api, the worker or the definer role");
    expect_text(c,
                "SELECT count(*) FROM pg_class WHERE relnamespace = 'public'::regnamespace "
                "AND relrowsecurity AND NOT relforcerowsecurity",
                "0", "every table with policies forces them");
    expect_text(c,
                "SELECT count(*) FROM pg_proc WHERE pronamespace = 'public'::regnamespace "
                "AND prosecdef AND (has_function_privilege('public', oid, 'EXECUTE') "
                "OR proowner <> 'cl_definer'::regrole)",
                "0", "no SECURITY DEFINER function is executable by PUBLIC or owned by the owner");
    PQfinish(c);
}

/* 1 when a log of a test worker on queue q holds needle. */
static int
worker_log_has(const char *q, const char *needle)
{
    const char *tmp = getenv("CL_TEST_TMP");
    char pattern[512], line[1024];
    glob_t g;
    int found = 0;

    snprintf(pattern, sizeof pattern, "%s/%s-*.log", tmp ? tmp : "/tmp", q);
    if (glob(pattern, 0, NULL, &g) != 0)
        return 0;
    for (size_t i = 0; i < g.gl_pathc && !found; i++) {
        FILE *f = fopen(g.gl_pathv[i], "r");

        while (f && !found && fgets(line, sizeof line, f))
            found = strstr(line, needle) != NULL;
        if (f)
            fclose(f);
    }
    globfree(&g);
    return found;
}

/* A worker given the owner's login refuses it and says why, instead of running unwalled. */
Test(dbroles, the_worker_refuses_the_owner_login)
{
    const char *owner = getenv("CL_TEST_OWNER_DATABASE_URL");
    const char *needle = "refusing the database login cl_owner";
    char q[64], env[600];
    int found = 0;
    pid_t pid;

    cr_assert_not_null(owner);
    tw_queue_name("owner-login", q, sizeof q);
    snprintf(env, sizeof env, "DATABASE_URL=%s", owner);
    pid = tw_start(q, (const char *[]){env, NULL});
    cr_assert_gt(pid, 0);
    for (int i = 0; i < 100 && !found; i++) {
        usleep(100000);
        found = worker_log_has(q, needle);
    }
    tw_stop(pid, SIGTERM, 5000);
    cr_expect(found, "the worker's log names the refused login");
}

/* ---- partners and deactivated principals (issue 15, items 3 to 5) ---------------------------- */

/* The ids of one partner fixture set (tag 1 to 9, so tests running side by side do not share
 * what they change): an adviser, its care leaver, a college, its course and a referral. */
struct pset {
    char adviser[37], person[37], partner[37], opportunity[37], referral[37];
};

static struct pset
pset_of(int tag)
{
    struct pset p;

    snprintf(p.adviser, sizeof p.adviser, "d8000000-0000-4000-8000-00000000%d001", tag);
    snprintf(p.person, sizeof p.person, "d8000000-0000-4000-8000-00000000%d002", tag);
    snprintf(p.partner, sizeof p.partner, "d8000000-0000-4000-8000-00000000%d003", tag);
    snprintf(p.opportunity, sizeof p.opportunity, "d8000000-0000-4000-8000-00000000%d004", tag);
    snprintf(p.referral, sizeof p.referral, "d8000000-0000-4000-8000-00000000%d005", tag);
    return p;
}

/* One statement on the api's login as a principal, in a transaction rolled back after; its
 * SQLSTATE and first value into out. */
static void
as_principal(const char *role, const char *adviser, const char *org, const char *sql, char st[6],
             char *out, size_t outlen)
{
    PGconn *c = login("CL_TEST_APP_DATABASE_URL");
    PGresult *res;

    PQclear(PQexec(c, "BEGIN"));
    res = PQexecParams(c,
                       "SELECT set_config('app.sub', 'dbroles-test', true), "
                       "set_config('app.role', $1, true), set_config('app.adviser_id', $2, true), "
                       "set_config('app.org_id', $3, true)",
                       3, NULL, (const char *[]){role, adviser ? adviser : "", org ? org : ""},
                       NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    PQclear(res);
    res = PQexec(c, sql);
    out[0] = '\0';
    if (PQresultStatus(res) == PGRES_TUPLES_OK) {
        snprintf(st, 6, "00000");
        if (PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
            snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
    } else {
        snprintf(st, 6, "%s", PQresultErrorField(res, PG_DIAG_SQLSTATE));
    }
    PQclear(res);
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
}

/* sql_fmt holds one %s, replaced by id. */
static void
expect_as(const char *role, const char *adviser, const char *org, const char *sql_fmt,
          const char *id, const char *want_state, const char *want, const char *why)
{
    char st[6], out[4096], sql[1024];

    snprintf(sql, sizeof sql, sql_fmt, id);
    as_principal(role, adviser, org, sql, st, out, sizeof out);
    cr_expect_str_eq(st, want_state, "%s: SQLSTATE of %s", why, sql);
    if (want)
        cr_expect_str_eq(out, want, "%s: %s", why, sql);
}

/* A college with an EET referral (in status) of an adviser's care leaver, with the adviser's
 * notes and a step note. */
static struct pset
partner_fixtures(int tag, const char *status)
{
    struct pset p = pset_of(tag);
    char sql[4096];

    snprintf(sql, sizeof sql,
             "INSERT INTO advisers (id, name, email) VALUES ('%s', 'Role P%d', "
             "'role-p%d@test.example') ON CONFLICT DO NOTHING;"
             "INSERT INTO partners (id, name, kind) VALUES ('%s', 'Role College %d', 'college') "
             "ON CONFLICT DO NOTHING;"
             "INSERT INTO care_leavers (id, la_child_id, given_name, family_name, date_of_birth, "
             "sex, ethnicity, category, district, adviser_id) VALUES ('%s', 'ROLEP%d', 'Cath', "
             "'Roles', current_date - 7100, '2', 'WBRI', 'relevant', 'Partnerton', '%s') "
             "ON CONFLICT DO NOTHING;"
             "INSERT INTO eet_opportunities (id, kind, title, provider_id, places, source) VALUES "
             "('%s', 'course', 'Role course', '%s', 5, 'college') ON CONFLICT DO NOTHING;"
             "INSERT INTO eet_referrals (id, opportunity_id, care_leaver_id, status, status_on, "
             "referred_on, notes, created_by) VALUES ('%s', '%s', '%s', '%s', current_date, "
             "current_date, 'adviser only: history of self-harm', 'staff-sub') "
             "ON CONFLICT DO NOTHING;"
             "INSERT INTO eet_referral_events (referral_id, to_status, on_date, note, actor_sub, "
             "actor_role) SELECT '%s', 'referred', current_date, 'step note for staff', "
             "'staff-sub', 'adviser' WHERE NOT EXISTS (SELECT 1 FROM eet_referral_events "
             "WHERE referral_id = '%s')",
             p.adviser, tag, tag, p.partner, tag, p.person, tag, p.adviser, p.opportunity,
             p.partner, p.referral, p.opportunity, p.person, status, p.referral, p.referral);
    cr_assert_eq(tc_sql(sql), 0);
    return p;
}

/* The read functions and tables, called straight as the partner a live referral is addressed
 * to: no care leaver record and nothing hanging off it; only the referral's minimal view. */
Test(dbroles, a_partner_reads_no_care_leaver_record)
{
    struct pset p = partner_fixtures(1, "referred");

    expect_as("partner", NULL, p.partner, "SELECT count(*) FROM care_leavers WHERE id = '%s'",
              p.person, "00000", "0", "a partner reads no care_leavers row");
    expect_as("partner", NULL, p.partner, "SELECT body FROM care_leaver_read('%s', 92)", p.person,
              "CL404", NULL, "care_leaver_read as the partner");
    expect_as("partner", NULL, p.partner,
              "SELECT count(*) FROM eet_activity_list('%s', NULL, NULL, NULL, 50)", p.person,
              "CL404", NULL, "eet_activity_list as the partner");
    expect_as("partner", NULL, p.partner,
              "SELECT count(*) FROM accommodation_list('%s', NULL, NULL, NULL, 50)", p.person,
              "CL404", NULL, "accommodation_list as the partner");
    expect_as("partner", NULL, p.partner,
              "SELECT (SELECT count(*) FROM pathway_plans) + (SELECT count(*) FROM contacts) "
              "+ (SELECT count(*) FROM accommodation_episodes) "
              "+ (SELECT count(*) FROM grant_payments) + (SELECT count(*) FROM outreach_contacts) "
              "+ (SELECT count(*) FROM care_leavers WHERE id <> '%s')",
              p.person, "00000", "0", "nor any child table");
    expect_as("partner", NULL, p.partner,
              "SELECT (body::json->'care_leaver'->>'name') FROM eet_referral_get('%s')", p.referral,
              "00000", "Cath Roles", "the referral names the young person while open");
    expect_as("adviser", p.adviser, NULL, "SELECT count(*) FROM care_leavers WHERE id = '%s'",
              p.person, "00000", "1", "its adviser still sees the care leaver");
}

/* Once the referral is closed the partner keeps the referral but loses the person. */
Test(dbroles, a_partner_loses_the_person_when_no_referral_is_live)
{
    struct pset p = partner_fixtures(2, "withdrawn");

    expect_as("partner", NULL, p.partner,
              "SELECT coalesce(body::json->>'care_leaver', 'null') FROM eet_referral_get('%s')",
              p.referral, "00000", "null", "a withdrawn referral names no one");
    expect_as("partner", NULL, p.partner, "SELECT count(*) FROM cl_partner_person('%s')", p.person,
              "00000", "0", "the minimal projection is empty");
}

/* An employer or college does not get the adviser's notes or staff identities. */
Test(dbroles, a_partner_gets_no_adviser_notes)
{
    struct pset p = partner_fixtures(1, "referred");

    expect_as("partner", NULL, p.partner,
              "SELECT (body::json->>'notes') || '|' || (body::json->'history'->0->>'note') || '|' "
              "|| (body::json->'history'->0->>'actor') FROM eet_referral_get('%s')",
              p.referral, "00000", "||", "notes, step notes and actors are blank for the partner");
    expect_as("manager", NULL, NULL,
              "SELECT (body::json->>'notes') || '|' || (body::json->'history'->0->>'actor') "
              "FROM eet_referral_get('%s')",
              p.referral, "00000", "adviser only: history of self-harm|staff-sub",
              "the council sees them");
}

/* Deactivating an adviser or a partner closes the database to them at once. */
Test(dbroles, deactivated_principals_lose_access_at_once)
{
    struct pset p = partner_fixtures(3, "referred");
    char sql[512];

    expect_as("adviser", p.adviser, NULL, "SELECT body IS NOT NULL FROM care_leaver_read('%s', 92)",
              p.person, "00000", "t", "the adviser reads its care leaver while active");
    snprintf(sql, sizeof sql,
             "UPDATE advisers SET active = false WHERE id = '%s';"
             "UPDATE partners SET active = false WHERE id = '%s'",
             p.adviser, p.partner);
    cr_assert_eq(tc_sql(sql), 0);
    expect_as("adviser", p.adviser, NULL, "SELECT count(*) FROM care_leavers WHERE id = '%s'",
              p.person, "00000", "0", "a deactivated adviser sees no care leaver");
    expect_as("adviser", p.adviser, NULL, "SELECT body FROM care_leaver_read('%s', 92)", p.person,
              "CL404", NULL, "care_leaver_read as a deactivated adviser");
    expect_as("partner", NULL, p.partner, "SELECT body FROM eet_referral_get('%s')", p.referral,
              "CL404", NULL, "a deactivated partner reaches no referral");
}

/* ---- jobs and artifacts (issue 15, item 7) ----------------------------------------------------
 */

/* Three finished jobs on a queue no worker takes, one artifact each: f001 a board report a
 * manager requested (it may name a subset of districts or any date), f002 one the board
 * requested, f003 a noop an admin requested. Their ids begin with JOBS_PREFIX; the artifacts'
 * last four digits are f011 to f013; each job has one attempt. */
#define JOBS_PREFIX "d8000000-0000-4000-8000-00000000f0"
#define JOBS_SEEN                                                                                  \
    "SELECT coalesce(string_agg(right(id::text, 4), ',' ORDER BY id), '') FROM jobs "              \
    "WHERE id::text LIKE '%s%%'"
#define ARTIFACTS_SEEN                                                                             \
    "SELECT coalesce(string_agg(right(id::text, 4), ',' ORDER BY id), '') FROM artifacts "         \
    "WHERE id::text LIKE '%s%%'"
#define ATTEMPTS_SEEN                                                                              \
    "SELECT coalesce(string_agg(right(job_id::text, 4), ',' ORDER BY job_id), '') "                \
    "FROM job_attempts WHERE job_id::text LIKE '%s%%'"

static void
job_fixtures(void)
{
    cr_assert_eq(
        tc_sql("INSERT INTO jobs (id, kind, params, status, created_by, created_role, queue) "
               "VALUES ('" JOBS_PREFIX "01', 'board_report', '{\"as_at\":\"2025-06-29\"}', "
               "'succeeded', 'dbroles-mgr', 'manager', 'nobody'), "
               "('" JOBS_PREFIX "02', 'board_report', '{\"as_at\":\"2025-06-30\"}', "
               "'succeeded', 'dbroles-board', 'board', 'nobody'), "
               "('" JOBS_PREFIX "03', 'noop', '{}', 'succeeded', 'dbroles-admin', 'admin', "
               "'nobody') ON CONFLICT DO NOTHING;"
               "INSERT INTO artifacts (id, job_id, name, media_type, bytes, sha256, size) "
               "SELECT ('" JOBS_PREFIX "1' || i)::uuid, ('" JOBS_PREFIX "0' || i)::uuid, "
               "'report.json', 'application/json', '{}', 'h', 2 FROM generate_series(1, 3) i "
               "ON CONFLICT DO NOTHING;"
               "INSERT INTO job_attempts (job_id, attempt, worker, lease_token, finished_at, "
               "outcome, error) SELECT ('" JOBS_PREFIX "0' || i)::uuid, 1, 'dbroles-worker', "
               "gen_random_uuid(), now(), 'failed', 'error text' FROM generate_series(1, 3) i "
               "WHERE NOT EXISTS (SELECT 1 FROM job_attempts a "
               "WHERE a.job_id = ('" JOBS_PREFIX "0' || i)::uuid)"),
        0);
}

/* Row-level security repeats what api/jobs.c does: a role sees the kinds it may request, and
 * the board only the reports the board itself requested. */
Test(dbroles, jobs_and_artifacts_follow_the_kind_and_the_requester)
{
    PGconn *c = login("CL_TEST_APP_DATABASE_URL");
    char sql[256];

    job_fixtures();
    snprintf(sql, sizeof sql, JOBS_SEEN, JOBS_PREFIX);
    expect_text(c, sql, "", "no principal: no job");
    snprintf(sql, sizeof sql, ARTIFACTS_SEEN, JOBS_PREFIX);
    expect_text(c, sql, "", "no principal: no artifact");
    PQfinish(c);
    expect_as("", NULL, NULL, JOBS_SEEN, JOBS_PREFIX, "00000", "", "an empty role sees no job");
    expect_as("board", NULL, NULL, JOBS_SEEN, JOBS_PREFIX, "00000", "f002",
              "the board sees only the report the board requested");
    expect_as("board", NULL, NULL, ARTIFACTS_SEEN, JOBS_PREFIX, "00000", "f012",
              "and only that report's artifact");
    expect_as("board", NULL, NULL, ATTEMPTS_SEEN, JOBS_PREFIX, "00000", "f002",
              "and only that report's attempts (worker names, error text)");
    expect_as("", NULL, NULL, ATTEMPTS_SEEN, JOBS_PREFIX, "00000", "", "no role: no attempt");
    expect_as("board", NULL, NULL,
              "WITH u AS (UPDATE job_attempts SET outcome = 'cancelled' WHERE job_id::text LIKE "
              "'%s%%' RETURNING 1) SELECT count(*) FROM u",
              JOBS_PREFIX, "00000", "1", "a cancel closes only the attempts of jobs it sees");
    expect_as("manager", NULL, NULL, JOBS_SEEN, JOBS_PREFIX, "00000", "f001,f002",
              "a manager sees every board report, not the noop");
    expect_as("manager", NULL, NULL, ARTIFACTS_SEEN, JOBS_PREFIX, "00000", "f011,f012",
              "and their artifacts");
    expect_as("admin", NULL, NULL, JOBS_SEEN, JOBS_PREFIX, "00000", "f001,f002,f003", "admin");
    expect_as("service", NULL, NULL, ARTIFACTS_SEEN, JOBS_PREFIX, "00000", "f011,f012,f013",
              "service");
    expect_as("adviser", "d8000000-0000-4000-8000-00000000000a", NULL, JOBS_SEEN, JOBS_PREFIX,
              "00000", "", "an adviser requests no kind, so sees no job");
    expect_as("partner", NULL, "d8000000-0000-4000-8000-000000001003", ARTIFACTS_SEEN, JOBS_PREFIX,
              "00000", "", "nor does a partner see an artifact");
}

/* What the api's login may write to the queue: its own role's requests of kinds that role may
 * request, and a cancel of a job it sees; never who requested a job. */
Test(dbroles, the_api_login_writes_jobs_only_inside_its_policies)
{
    job_fixtures();
    expect_as("board", NULL, NULL,
              "WITH u AS (UPDATE jobs SET status = 'cancelled' WHERE id = '%s01' RETURNING 1) "
              "SELECT count(*) FROM u",
              JOBS_PREFIX, "00000", "0", "the board cannot cancel a manager's report");
    expect_as("board", NULL, NULL,
              "INSERT INTO jobs (id, kind, created_by, created_role) VALUES (gen_random_uuid(), "
              "'noop', 'dbroles-test', 'board') RETURNING '%s'",
              JOBS_PREFIX, "42501", NULL, "the board cannot queue a kind it may not request");
    expect_as("manager", NULL, NULL,
              "INSERT INTO jobs (id, kind, created_by, created_role) VALUES (gen_random_uuid(), "
              "'board_report', 'dbroles-test', 'board') RETURNING '%s'",
              JOBS_PREFIX, "42501", NULL, "a manager cannot pass a report off as the board's");
    expect_as("manager", NULL, NULL, "UPDATE jobs SET created_role = 'board' WHERE id = '%s01'",
              JOBS_PREFIX, "42501", NULL, "nor relabel one");
    expect_as("manager", NULL, NULL,
              "INSERT INTO job_kind_roles (kind, role, own_role_only) "
              "VALUES ('noop', 'manager', false) RETURNING '%s'",
              JOBS_PREFIX, "42501", NULL, "nor widen the mapping");
    expect_as("manager", NULL, NULL,
              "INSERT INTO jobs (id, kind, created_by, created_role) VALUES (gen_random_uuid(), "
              "'board_report', 'dbroles-test', 'manager') RETURNING '%s'",
              JOBS_PREFIX, "00000", NULL, "a manager queues its own report");
}

/* The worker claims, runs and finishes every kind, whoever requested it. */
Test(dbroles, the_worker_login_reaches_every_job)
{
    PGconn *c = login("CL_TEST_WORKER_DATABASE_URL");
    char sql[256];

    job_fixtures();
    snprintf(sql, sizeof sql, JOBS_SEEN, JOBS_PREFIX);
    expect_text(c, sql, "f001,f002,f003", "every job");
    snprintf(sql, sizeof sql, ARTIFACTS_SEEN, JOBS_PREFIX);
    expect_text(c, sql, "f011,f012,f013", "every artifact");
    snprintf(sql, sizeof sql,
             "WITH u AS (UPDATE jobs SET stage = stage WHERE id::text LIKE '%s%%' RETURNING 1) "
             "SELECT count(*) FROM u",
             JOBS_PREFIX);
    expect_text(c, sql, "3", "and updates them");
    PQfinish(c);
}

/* One function enqueues for the api and the schedule alike (job_enqueue): the api's login only
 * inside its policies, once per idempotency key, audited; the worker's login as the schedule,
 * with no audit row (its role writes none). Each statement list runs in a transaction that is
 * rolled back, so nothing stays. */
Test(dbroles, one_function_enqueues_for_the_api_and_the_schedule)
{
    PGconn *c;

    expect_as("board", NULL, NULL, "SELECT count(*) FROM job_enqueue('noop', '{}', NULL)%s", "",
              "42501", NULL, "the board cannot enqueue a kind it may not request");
    expect_as("manager", NULL, NULL,
              "SELECT job_enqueue('board_report', '{}', 2, 'dbroles-q', 'dbroles-key');"
              "SELECT job_enqueue('board_report', '{}', 2, 'dbroles-q', 'dbroles-key');"
              "SELECT string_agg(created_by || '/' || created_role || '/' || queue || '/' || "
              "max_attempts, ',') FROM jobs WHERE idempotency_key = 'dbroles-key'%s",
              "", "00000", "dbroles-test/manager/dbroles-q/2",
              "once per key, as the principal, into the queue asked for");
    expect_as("manager", NULL, NULL,
              "SELECT job_enqueue('board_report', '{}', NULL, 'dbroles-a');"
              "SELECT count(*) FROM jobs j JOIN audit_log a ON a.resource_id = j.id "
              "AND a.action = 'request' AND a.actor_sub = 'dbroles-test' "
              "WHERE j.queue = 'dbroles-a'%s",
              "", "00000", "1", "the api's request is audited with the job");
    c = login("CL_TEST_WORKER_DATABASE_URL");
    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "SELECT set_config('app.sub', 'scheduler', true), "
                      "set_config('app.role', 'service', true)"));
    expect_text(c, "SELECT count(*) FROM job_enqueue('noop', '{}', NULL, 'dbroles-q', 'dbroles-w')",
                "1", "the schedule enqueues through the same function");
    expect_text(c,
                "SELECT created_by || '/' || created_role || '/' || queue FROM jobs "
                "WHERE idempotency_key = 'dbroles-w'",
                "scheduler/service/dbroles-q", "as itself");
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
}
