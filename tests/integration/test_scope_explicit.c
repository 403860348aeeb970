/* The caller's scope written into the casework SQL functions themselves, not left to
 * row-level security alone (defence in depth, issue 4's follow-up).
 *
 * Each function is called straight from the test cluster's superuser connection
 * (CL_TEST_DATABASE_URL), which row-level security does not restrict, with the principal set
 * exactly as the api sets it (set_config of app.role, app.adviser_id, ...). That stands for
 * every way the policies could be missed: dropped, disabled, or a role with BYPASSRLS (the
 * owner no longer has a policy of its own, and the api and worker logins cannot do any of
 * these: test_db_roles.c).
 * So the only thing that can keep adviser A away from adviser B's care leaver here is the
 * function's own predicate. Every call runs in a transaction that is rolled back. Out of scope
 * must answer exactly like a missing id: the same SQLSTATE (CL404) and the same message. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(scope, .init = cl_mem_init, .timeout = 120);

/* What one call answered: SQLSTATE ("00000" on success), the primary message, the number of
 * rows and the first row's first column. */
struct outcome {
    char state[6];
    char msg[200];
    int rows;
    char first[200];
};

/* Runs sql (parameters as text) in a transaction on the superuser's connection with the principal
 * role / adviser / org set the way common/cl_db.c sets it, then rolls back. */
static struct outcome
as_principal(const char *role, const char *adviser, const char *org, const char *sql, int n,
             const char *const *params)
{
    struct outcome o = {"", "", 0, ""};
    PGconn *c = tc_db();
    PGresult *res;

    cr_assert_eq(PQstatus(c), CONNECTION_OK, "%s", PQerrorMessage(c));
    PQclear(PQexec(c, "BEGIN"));
    res = PQexecParams(c,
                       "SELECT set_config('app.sub', 'scope-test', true), "
                       "set_config('app.role', $1, true), set_config('app.adviser_id', $2, true), "
                       "set_config('app.org_id', $3, true), "
                       "set_config('app.request_id', 'scope-test', true)",
                       3, NULL, (const char *[]){role, adviser ? adviser : "", org ? org : ""},
                       NULL, NULL, 0);
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    PQclear(res);
    res = PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
    if (PQresultStatus(res) == PGRES_TUPLES_OK || PQresultStatus(res) == PGRES_COMMAND_OK) {
        snprintf(o.state, sizeof o.state, "00000");
        o.rows = PQntuples(res);
        if (o.rows > 0 && PQnfields(res) > 0 && !PQgetisnull(res, 0, 0))
            snprintf(o.first, sizeof o.first, "%s", PQgetvalue(res, 0, 0));
    } else {
        const char *st = PQresultErrorField(res, PG_DIAG_SQLSTATE);
        const char *msg = PQresultErrorField(res, PG_DIAG_MESSAGE_PRIMARY);

        snprintf(o.state, sizeof o.state, "%s", st ? st : "?????");
        snprintf(o.msg, sizeof o.msg, "%s", msg ? msg : "");
    }
    PQclear(res);
    PQclear(PQexec(c, "ROLLBACK"));
    PQfinish(c);
    return o;
}

/* Two advisers, each with one former relevant care leaver aged 22. */
struct pair {
    char *a, *b;         /* adviser ids */
    char *mine, *theirs; /* care leaver ids: A's and B's */
};

static struct pair
two_caseloads(void)
{
    struct pair p;
    char dob[11];

    tcw_date(dob, 22, 30);
    p.a = tc_seed_adviser();
    p.b = tc_seed_adviser();
    cr_assert(p.a && p.b);
    p.mine = tc_seed_care_leaver(p.a, dob);
    p.theirs = tc_seed_care_leaver(p.b, dob);
    cr_assert(p.mine && p.theirs);
    return p;
}

static void
pair_free(struct pair *p)
{
    free(p->a);
    free(p->b);
    free(p->mine);
    free(p->theirs);
}

/* The premise of every test here: this connection is not held back by row-level security, so
 * adviser A's principal still finds B's care leaver with a plain query. */
static void
expect_rls_not_in_the_way(const struct pair *p)
{
    struct outcome o =
        as_principal("adviser", p->a, NULL, "SELECT count(*) FROM care_leavers WHERE id = $1::uuid",
                     1, (const char *[]){p->theirs});

    cr_assert_str_eq(o.state, "00000", "%s", o.msg);
    cr_assert_str_eq(o.first, "1",
                     "the owner's connection must bypass row-level security for this test to "
                     "mean anything");
}

Test(scope, care_leaver_patch_checks_scope_itself)
{
    struct pair p = two_caseloads();
    const char *sql = "SELECT * FROM care_leaver_patch($1::uuid, '{\"district\":\"Elsewhere\"}', "
                      "NULL, 90)";
    struct outcome missing, out, own, partner, board, owner;

    expect_rls_not_in_the_way(&p);
    missing = as_principal("adviser", p.a, NULL, sql, 1,
                           (const char *[]){"00000000-0000-4000-8000-000000000000"});
    cr_expect_str_eq(missing.state, "CL404", "%s", missing.msg);
    out = as_principal("adviser", p.a, NULL, sql, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(out.state, "CL404", "another adviser's care leaver: %s", out.msg);
    cr_expect_str_eq(out.msg, missing.msg, "out of scope reads exactly like missing");
    partner = as_principal("partner", NULL, p.a, sql, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(partner.state, "CL404", "a partner it is not addressed to: %s", partner.msg);
    board = as_principal("board", NULL, NULL, sql, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(board.state, "CL404", "the Board sees no person: %s", board.msg);

    /* the same call in scope goes through, so the 404 above is the scope and nothing else */
    own = as_principal("adviser", p.a, NULL, sql, 1, (const char *[]){p.mine});
    cr_expect_str_eq(own.state, "00000", "its own care leaver: %s", own.msg);
    cr_expect_eq(own.rows, 1);
    owner = as_principal("adviser", p.b, NULL, sql, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(owner.state, "00000", "B's own: %s", owner.msg);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM care_leavers WHERE id = $1::uuid "
                              "AND district = 'Elsewhere'",
                              1, (const char *[]){p.theirs}),
                 0, "nothing written (every call here is rolled back)");
    pair_free(&p);
}

/* Everything nested under a care leaver goes through care_leaver_for_nested. */
Test(scope, nested_casework_functions_check_scope_themselves)
{
    struct pair p = two_caseloads();
    static const char *const calls[] = {
        "SELECT * FROM care_leaver_for_nested($1::uuid, false)",
        "SELECT * FROM care_leaver_for_nested($1::uuid, true)",
        "SELECT * FROM pathway_plan_list($1::uuid, NULL, NULL, 50)",
        "SELECT * FROM pathway_plan_create($1::uuid, '{\"started_on\":\"2025-01-01\"}')",
        "SELECT * FROM pathway_plan_read($1::uuid, gen_random_uuid())",
        "SELECT * FROM contact_list($1::uuid, NULL, NULL, NULL, NULL, NULL, NULL, 50, 5)",
        "SELECT * FROM contact_create($1::uuid, '{\"occurred_on\":\"2025-01-01\","
        "\"method\":\"phone\",\"successful\":true}', 5)",
        "SELECT * FROM contact_read($1::uuid, gen_random_uuid(), 5)",
        "SELECT * FROM contact_status_event_list($1::uuid, NULL, NULL, 50)",
        "SELECT * FROM contact_status_event_create($1::uuid, "
        "'{\"status\":\"refuses_contact\",\"occurred_on\":\"2025-01-01\"}')",
        "SELECT * FROM contact_status_event_read($1::uuid, gen_random_uuid())",
        "SELECT * FROM outreach_contact_list($1::uuid, NULL, NULL, NULL, NULL, NULL, NULL, 50)",
        "SELECT * FROM outreach_contact_create(jsonb_build_object('care_leaver_id', $1::text, "
        "'sent_on', current_date, 'channel', 'letter'))",
    };

    expect_rls_not_in_the_way(&p);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        struct outcome missing, out, own;

        missing = as_principal("adviser", p.a, NULL, calls[i], 1,
                               (const char *[]){"00000000-0000-4000-8000-000000000000"});
        out = as_principal("adviser", p.a, NULL, calls[i], 1, (const char *[]){p.theirs});
        own = as_principal("adviser", p.b, NULL, calls[i], 1, (const char *[]){p.theirs});
        cr_expect_str_eq(missing.state, "CL404", "%s: missing: %s", calls[i], missing.msg);
        cr_expect_str_eq(out.state, "CL404", "%s: another adviser's: %s %s", calls[i], out.state,
                         out.msg);
        cr_expect_str_eq(out.msg, missing.msg, "%s: out of scope reads like missing", calls[i]);
        cr_expect(strcmp(own.msg, "no such care leaver") != 0,
                  "%s: in scope the care leaver is found", calls[i]);
    }
    pair_free(&p);
}

/* Outreach attempts are reached by their own id, so their care leaver's scope is checked
 * there too: read, patch, and the list without a care leaver filter. */
Test(scope, outreach_by_id_and_unfiltered_list_check_scope_themselves)
{
    struct pair p = two_caseloads();
    const char *missing_id = "00000000-0000-4000-8000-000000000000";
    const char *list = "SELECT count(*) FROM outreach_contact_list(NULL, NULL, 'phone', "
                       "'1990-06-15', '1990-06-15', NULL, NULL, 200) l "
                       "WHERE l.body::jsonb->>'care_leaver_id' = $1";
    const char *calls[] = {"SELECT * FROM outreach_contact_read($1::uuid)",
                           "SELECT * FROM outreach_contact_patch($1::uuid, "
                           "'{\"notes\":\"seen\"}', NULL)"};
    struct outcome o;
    char *oc;

    /* an attempt on a date no other test uses, straight into the table */
    oc = tcw_sql_str("INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel) "
                     "VALUES ($1::uuid, '1990-06-15', 'phone') RETURNING id",
                     1, (const char *[]){p.theirs});
    cr_assert_not_null(oc);
    expect_rls_not_in_the_way(&p);
    for (size_t i = 0; i < sizeof calls / sizeof calls[0]; i++) {
        struct outcome missing, out, own;

        missing = as_principal("adviser", p.a, NULL, calls[i], 1, (const char *[]){missing_id});
        out = as_principal("adviser", p.a, NULL, calls[i], 1, (const char *[]){oc});
        own = as_principal("adviser", p.b, NULL, calls[i], 1, (const char *[]){oc});
        cr_expect_str_eq(missing.state, "CL404", "%s: %s", calls[i], missing.msg);
        cr_expect_str_eq(out.state, "CL404", "%s: another adviser's: %s %s", calls[i], out.state,
                         out.msg);
        cr_expect_str_eq(out.msg, missing.msg, "%s: out of scope reads like missing", calls[i]);
        cr_expect_str_eq(own.state, "00000", "%s: its own adviser: %s", calls[i], own.msg);
        o = as_principal("partner", NULL, p.b, calls[i], 1, (const char *[]){oc});
        cr_expect_str_eq(o.state, "CL404", "%s: a partner: %s", calls[i], o.msg);
    }

    o = as_principal("adviser", p.a, NULL, list, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(o.state, "00000", "%s", o.msg);
    cr_expect_str_eq(o.first, "0", "another adviser's attempt is not listed");
    o = as_principal("adviser", p.b, NULL, list, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(o.first, "1", "its own adviser lists it: %s", o.msg);
    o = as_principal("manager", NULL, NULL, list, 1, (const char *[]){p.theirs});
    cr_expect_str_eq(o.first, "1", "a manager lists it: %s", o.msg);
    free(oc);
    pair_free(&p);
}

/* The same over HTTP, through row-level security and the predicate together: another
 * adviser's outreach attempt answers exactly what a missing one answers. */
Test(scope, another_advisers_outreach_attempt_is_404_like_a_missing_one)
{
    struct pair p = two_caseloads();
    char *ta = tc_token("adviser", p.a, NULL), *tb = tc_token("adviser", p.b, NULL);
    char path[200];
    struct tc_resp *r, *m;
    char *oc;

    oc = tcw_sql_str("INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel) "
                     "VALUES ($1::uuid, '1990-06-15', 'phone') RETURNING id",
                     1, (const char *[]){p.theirs});
    cr_assert_not_null(oc);
    snprintf(path, sizeof path, "/v1/outreach-contacts/%s", oc);
    r = tc_get(path, tb);
    cr_expect_eq(r->status, 200, "its own adviser: %s", r->body);
    tc_free(r);
    r = tc_get(path, ta);
    m = tc_get("/v1/outreach-contacts/00000000-0000-4000-8000-000000000000", ta);
    cr_expect_eq(r->status, 404, "%s", r->body);
    cr_expect_eq(m->status, 404, "%s", m->body);
    cr_expect_str_eq(tc_str(r, "detail"), tc_str(m, "detail"));
    cr_expect_str_eq(tc_str(r, "title"), tc_str(m, "title"));
    tc_free(r);
    tc_free(m);
    r = tc_patch(path, ta, "{\"notes\":\"seen\"}");
    cr_expect_eq(r->status, 404, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tcw_sql_long("SELECT count(*) FROM outreach_contacts WHERE id = $1::uuid "
                              "AND notes = ''",
                              1, (const char *[]){oc}),
                 1, "not changed");
    free(oc);
    free(ta);
    free(tb);
    pair_free(&p);
}
