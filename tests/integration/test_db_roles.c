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
