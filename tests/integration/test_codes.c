/* The DfE code lists and identifier rules of common/cl_codes.c are the schema's (issue 17,
 * item 3): each list equals the lookup table or CHECK constraint the live database holds, and
 * the UPN and CHILD identifier checks accept exactly what the columns' CHECK constraints
 * accept, shown on a table of identifiers fed to both. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_codes.h"
#include "cl_mem.h"
#include "tc.h"

TestSuite(codes, .init = cl_mem_init, .timeout = 60);

/* The first cell of sql's single row with params, copied into out (the test fails on error). */
static void
cell(PGconn *db, const char *sql, int n, const char *const *params, char *out, size_t outlen)
{
    PGresult *res = PQexecParams(db, sql, n, NULL, params, NULL, NULL, 0);

    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s: %s", sql, PQerrorMessage(db));
    cr_assert_eq(PQntuples(res), 1, "%s: one row", sql);
    snprintf(out, outlen, "%s", PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
    PQclear(res);
}

static int
by_bytes(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* The list's codes except skip (NULL: none), sorted bytewise and joined with commas. */
static void
joined(const char *const *list, const char *skip, char *out, size_t outlen)
{
    const char *v[64];
    size_t n = 0, used = 0;

    for (; *list; list++)
        if (skip == NULL || strcmp(*list, skip) != 0) {
            cr_assert_lt(n, sizeof v / sizeof v[0]);
            v[n++] = *list;
        }
    qsort(v, n, sizeof v[0], by_bytes);
    out[0] = '\0';
    for (size_t i = 0; i < n; i++)
        used += (size_t)snprintf(out + used, outlen - used, "%s%s", i ? "," : "", v[i]);
    cr_assert_lt(used, outlen);
}

/* The CHECK constraint on table.column alone, as pg_get_constraintdef gives it. */
static void
check_of(PGconn *db, const char *table, const char *column, char *out, size_t outlen)
{
    const char *p[2] = {table, column};

    cell(db,
         "SELECT pg_get_constraintdef(c.oid) FROM pg_constraint c JOIN pg_attribute a "
         "ON a.attrelid = c.conrelid AND c.conkey = ARRAY[a.attnum] "
         "WHERE c.conrelid = $1::regclass AND a.attname = $2 AND c.contype = 'c'",
         2, p, out, outlen);
}

/* The quoted literals of table.column's CHECK constraint, sorted and joined as `joined`. */
static void
check_literals(PGconn *db, const char *table, const char *column, char *out, size_t outlen)
{
    const char *p[2] = {table, column};

    cell(db,
         "SELECT string_agg(m[1], ',' ORDER BY m[1] COLLATE \"C\") FROM pg_constraint c "
         "JOIN pg_attribute a ON a.attrelid = c.conrelid AND c.conkey = ARRAY[a.attnum] "
         "CROSS JOIN regexp_matches(pg_get_constraintdef(c.oid), '''([^'']*)''', 'g') AS m "
         "WHERE c.conrelid = $1::regclass AND a.attname = $2 AND c.contype = 'c'",
         2, p, out, outlen);
}

Test(codes, the_code_lists_are_the_schemas)
{
    PGconn *db = tc_db();
    char c_side[1024], schema[1024];

    joined(cl_codes_ethnicity, NULL, c_side, sizeof c_side);
    check_literals(db, "care_leavers", "ethnicity", schema, sizeof schema);
    cr_expect_str_eq(c_side, schema, "ethnicity: C against care_leavers' CHECK");

    joined(cl_codes_category, NULL, c_side, sizeof c_side);
    check_literals(db, "care_leavers", "category", schema, sizeof schema);
    cr_expect_str_eq(c_side, schema, "legal status: C against care_leavers' CHECK");
    check_literals(db, "visit_standards", "category", schema, sizeof schema);
    cr_expect_str_eq(c_side, schema, "legal status: C against visit_standards' CHECK");

    joined(cl_codes_activity, "0", c_side, sizeof c_side);
    cell(db, "SELECT string_agg(code, ',' ORDER BY code COLLATE \"C\") FROM ssda903_activities", 0,
         NULL, schema, sizeof schema);
    cr_expect_str_eq(c_side, schema, "ACTIV: C against ssda903_activities");

    joined(cl_codes_accommodation, "0", c_side, sizeof c_side);
    cell(db,
         "SELECT string_agg(t.letter || d.digit, ',' ORDER BY t.letter || d.digit COLLATE \"C\") "
         "FROM ssda903_accommodation_types t CROSS JOIN (VALUES ('1'), ('2')) AS d (digit) "
         "WHERE d.digit = '2' OR t.may_be_suitable",
         0, NULL, schema, sizeof schema);
    cr_expect_str_eq(c_side, schema, "ACCOM: C against ssda903_accommodation_types");
    PQfinish(db);
}

/* Whether the CHECK constraint def (on column) accepts value: its expression evaluated on a
 * one-row relation whose column holds value. */
static int
check_accepts(PGconn *db, const char *def, const char *column, const char *value)
{
    char sql[1024], out[8];
    const char *p[1] = {value};

    cr_assert(strncmp(def, "CHECK ", 6) == 0, "%s", def);
    snprintf(sql, sizeof sql, "SELECT coalesce(%s, true) FROM (SELECT $1::text AS %s) AS row",
             def + 6, column);
    cell(db, sql, 1, p, out, sizeof out);
    return strcmp(out, "t") == 0;
}

struct id_case {
    const char *id;
    int upn, child; /* what DfE's rules say: a UPN (either case); a CHILD identifier */
};

static const struct id_case ids[] = {
    {"A12345678901B", 1, 0},
    {"a12345678901b", 1, 0},
    {"T123456789012", 1, 0},
    {"Z00000000000Z", 1, 0},
    {"H12345678901A", 1, 0},
    {"J12345678901A", 1, 0},
    {"I12345678901A", 0, 0},
    {"O12345678901A", 0, 0},
    {"S12345678901A", 0, 0},
    {"s12345678901a", 0, 0},
    {"112345678901A", 0, 0},
    {"A1234567890B", 0, 0},
    {"A12345678901BC", 0, 0},
    {"A1234567890XB", 0, 0},
    {"A12345678901-", 0, 0},
    {"A12345678901 ", 0, 0},
    {"A12345678901\xc3\x89", 0, 0},
    {"\xc3\x84"
     "12345678901B",
     0, 0},
    {"UN1", 1, 1},
    {"UN5", 1, 1},
    {"un3", 1, 1},
    {"Un2", 1, 1},
    {"UN0", 0, 1},
    {"UN6", 0, 1},
    {"UN", 0, 1},
    {"UN12", 0, 1},
    {"UN1 ", 0, 0},
    {"", 0, 0},
    {"1", 0, 1},
    {"ABC123", 0, 1},
    {"abcdefghij", 0, 1},
    {"abcdefghijk", 0, 0},
    {"AB-1", 0, 0},
    {"AB 1", 0, 0},
    {"a_b", 0, 0},
    {"\xc3\x84"
     "B",
     0, 0},
    {"0123456789", 0, 1},
};

Test(codes, the_upn_and_child_rules_are_the_schemas_checks)
{
    PGconn *db = tc_db();
    char upn_def[256], child_def[256];

    check_of(db, "care_leavers", "upn", upn_def, sizeof upn_def);
    check_of(db, "care_leavers", "la_child_id", child_def, sizeof child_def);
    cr_expect(strstr(upn_def, "'" CL_UPN_PATTERN "'") != NULL, "%s", upn_def);
    cr_expect(strstr(child_def, "'" CL_CHILD_ID_PATTERN "'") != NULL, "%s", child_def);
    for (size_t i = 0; i < sizeof ids / sizeof ids[0]; i++) {
        const char *id = ids[i].id;
        char upper[32];
        size_t n = strlen(id);

        /* The api stores a UPN upper-cased, so the column sees upper(id). */
        cr_assert_lt(n, sizeof upper);
        for (size_t k = 0; k <= n; k++)
            upper[k] = id[k] >= 'a' && id[k] <= 'z' ? (char)(id[k] - 'a' + 'A') : id[k];
        cr_expect_eq(cl_upn_ok(id), ids[i].upn, "cl_upn_ok(\"%s\")", id);
        cr_expect_eq(check_accepts(db, upn_def, "upn", upper), ids[i].upn, "UPN CHECK(\"%s\")",
                     upper);
        cr_expect_eq(cl_child_id_ok(id), ids[i].child, "cl_child_id_ok(\"%s\")", id);
        cr_expect_eq(check_accepts(db, child_def, "la_child_id", id), ids[i].child,
                     "la_child_id CHECK(\"%s\")", id);
        cr_expect_eq(cl_upn_unknown(id), ids[i].upn && ids[i].child, "cl_upn_unknown(\"%s\")", id);
    }
    PQfinish(db);
}
