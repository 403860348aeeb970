/* Each SSDA903 rule of the table on its own (s903_validate_rule): a row that breaks it is named,
 * with the rule's field and severity, and a near miss beside it is not. And README.md's rule
 * list is the table's. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_buf.h"
#include "cl_mem.h"
#include "ssda903_rules.h"

#define MAXROWS 4

struct rule_case {
    const char *code;
    int year;
    struct s903_header h[MAXROWS];
    int nh;
    struct s903_oc3 o[MAXROWS];
    int no;
    const char *field; /* the field BAD's issue names */
    const char *bad;   /* the bad row's CHILD when it cannot be "BAD" (NULL: "BAD") */
};

/* Header and OC3 rows of a young person who breaks nothing, for collection year 2026. */
#define HROW(child)                                                                                \
    {                                                                                              \
        child, "F", "01/06/2007", "WBRI", "", "", ""                                               \
    }
#define OROW(child)                                                                                \
    {                                                                                              \
        child, "01/06/2007", "YES", "F2", "U1"                                                     \
    }

static const struct rule_case cases[] = {
    {"101",
     2026,
     {{"BAD", "X", "01/06/2007", "WBRI", "", "", ""},
      {"OK", "U", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "SEX"},
    {"102",
     2026,
     {{"BAD", "F", "31/02/2007", "WBRI", "", "", ""},
      {"OK", "F", "28/02/2007", "WBRI", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "DOB"},
    {"103",
     2026,
     {{"BAD", "F", "01/06/2007", "XXXX", "", "", ""},
      {"OK", "F", "01/06/2007", "wbri", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "ETHNIC"},
    {"131",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "MAYBE", "F2", "U1"}, {"OK", "01/06/2007", "yes", "F2", "U1"}},
     2,
     "IN_TOUCH"},
    {"132",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "YES", "F3", "U1"}, {"OK", "01/06/2007", "YES", "F2", "U1"}},
     2,
     "ACTIV"},
    {"133",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "NO", "0", "X1"}, {"OK", "01/06/2007", "NO", "0", "0"}},
     2,
     "ACCOM"},
    {"153",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "YES", "", "U1"}, {"OK", "01/06/2007", "", "", ""}},
     2,
     "IN_TOUCH"},
    {"168",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "S123456789012", "", ""},
      {"OK", "F", "01/06/2007", "WBRI", "A123456789012", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "UPN"},
    {"171",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "", "1", "32/01/2024"},
      {"OK", "F", "01/06/2007", "WBRI", "", "1", "31/01/2024"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MC_DOB"},
    {"174",
     2026,
     {{"BAD", "M", "01/06/2007", "WBRI", "", "", "01/01/2024"},
      {"OK", "F", "01/06/2007", "WBRI", "", "1", "01/01/2024"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MC_DOB"},
    /* school age on 31 August 2024: born on or before 31 August 2020 */
    {"209",
     2026,
     {{"BAD", "F", "31/08/2020", "WBRI", "UN1", "", ""},
      {"OK", "F", "01/09/2020", "WBRI", "UN1", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "UPN"},
    {"232",
     2026,
     {{"BAD", "U", "01/06/2007", "WBRI", "", "", ""},
      {"OK", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "SEX"},
    {"301",
     2026,
     {{"BAD", "F", "01/04/2026", "WBRI", "", "", ""},
      {"OK", "F", "31/03/2026", "WBRI", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "DOB"},
    {"344",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "DIED", "F2", "0"}, {"OK", "01/06/2007", "DIED", "0", "0"}},
     2,
     "IN_TOUCH"},
    {"345",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "YES", "0", "U1"}, {"OK", "01/06/2007", "NO", "0", "0"}},
     2,
     "ACTIV"},
    {"345",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/06/2007", "YES", "F2", "0"}, {"OK", "01/06/2007", "YES", "F2", "U1"}},
     2,
     "ACCOM"},
    /* 18 on 1 April 2025, the first day of the year, may live in a foyer */
    {"347",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "02/04/2007", "YES", "F2", "T1"}, {"OK", "01/04/2007", "YES", "F2", "T1"}},
     2,
     "ACCOM"},
    {"351",
     2026,
     {{"BAD", "F", "31/03/2000", "WBRI", "", "", ""},
      {"OK", "F", "01/04/2000", "WBRI", "", "", ""}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "DOB"},
    {"391",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {{"BAD", "01/04/2009", "NO", "0", "0"}, {"OK", "31/03/2009", "NO", "0", "0"}},
     2,
     "DOB"},
    {"444",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "A123456789012", "", ""},
      {"BAD2", "F", "01/06/2007", "WBRI", "a123456789012", "", ""},
      {"OK", "F", "01/06/2007", "WBRI", "UN2", "", ""},
      {"OK2", "F", "01/06/2007", "WBRI", "UN2", "", ""}},
     4,
     {OROW("BAD"), OROW("BAD2"), OROW("OK"), OROW("OK2")},
     4,
     "UPN"},
    {"611",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "", "1", ""},
      {"OK", "F", "01/06/2007", "WBRI", "", "1", "01/01/2024"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MC_DOB"},
    {"612",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "", "0", "01/01/2024"},
      {"OK", "F", "01/06/2007", "WBRI", "", "1", "01/01/2024"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MOTHER"},
    /* 11 on 1 April 2025, the first day of the year, may be a mother */
    {"620",
     2026,
     {{"BAD", "F", "02/04/2014", "WBRI", "", "1", "01/01/2025"},
      {"OK", "F", "01/04/2014", "WBRI", "", "1", "01/01/2025"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MOTHER"},
    {"621",
     2026,
     {{"BAD", "F", "01/06/2007", "WBRI", "", "1", "01/06/2007"},
      {"OK", "F", "01/06/2007", "WBRI", "", "1", "02/06/2007"}},
     2,
     {OROW("BAD"), OROW("OK")},
     2,
     "MC_DOB"},
    /* 17th birthday in the year (BAD) or the day before it (OK) */
    {"3001",
     2026,
     {{"BAD", "F", "01/04/2008", "WBRI", "", "", ""},
      {"OK", "F", "31/03/2008", "WBRI", "", "", ""}},
     2,
     {{"BAD", "01/04/2008", "YES", "F2", "Z1"}, {"OK", "31/03/2008", "YES", "F2", "Z2"}},
     2,
     "ACCOM"},
    /* eleven characters or a hyphen (BAD) against ten letters and digits (OK) */
    {"CHILD",
     2026,
     {HROW("BAD-1"), HROW("OK34567890"), HROW("BAD4567890X")},
     3,
     {OROW("OK34567890")},
     1,
     "CHILD",
     "BAD-1"},
    {"EPI", 2026, {HROW("BAD"), HROW("OK")}, 2, {OROW("OK")}, 1, "CHILD"},
    {"INT06", 2026, {HROW("OK")}, 1, {OROW("BAD"), OROW("OK")}, 2, "CHILD"},
    {"INT15",
     2026,
     {HROW("BAD"), {"OK", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {{"BAD", "02/06/2007", "YES", "F2", "U1"}, {"OK", "1/6/2007", "YES", "F2", "U1"}},
     2,
     "DOB"},
    {"INT32",
     2026,
     {HROW("BAD"), HROW("bad"), HROW("OK")},
     3,
     {OROW("BAD"), OROW("OK")},
     2,
     "CHILD"},
    {"INT34",
     2026,
     {HROW("BAD"), HROW("OK")},
     2,
     {OROW("BAD"), OROW("bad"), OROW("OK")},
     3,
     "CHILD"},
};

static const struct s903_rule *
rule(const char *code)
{
    for (int i = 0; i < s903_rules_count; i++)
        if (strcmp(s903_rules[i].code, code) == 0)
            return &s903_rules[i];
    return NULL;
}

#define NCASES (sizeof cases / sizeof cases[0])

/* Criterion runs each case in a process of its own, where pointers of this one mean nothing:
 * a case travels as its index into cases. */
ParameterizedTestParameters(s903_rule, breaks_on_the_bad_row_not_the_near_miss)
{
    static int index[NCASES];

    for (size_t i = 0; i < NCASES; i++)
        index[i] = (int)i;
    return cr_make_param_array(int, index, NCASES);
}

ParameterizedTest(int *at, s903_rule, breaks_on_the_bad_row_not_the_near_miss)
{
    const struct rule_case *k = &cases[*at];
    const struct s903_rule *r = rule(k->code);
    struct s903_issues is = {0};
    int bad = 0;

    cl_mem_init();
    cr_assert_not_null(r, "rule %s is in the table", k->code);
    s903_validate_rule(r, k->year, k->h, k->nh, k->o, k->no, &is);
    for (int i = 0; i < is.n; i++) {
        const struct s903_issue *s = &is.items[i];

        cr_expect_str_eq(s->rule, k->code);
        cr_expect_str_eq(s->file, s903_file_name(r->file));
        cr_expect_eq(s->warning, r->warning, "rule %s severity", k->code);
        cr_expect(strncmp(s->child, "OK", 2) != 0, "rule %s leaves the near miss %s alone", k->code,
                  s->child);
        if (strcmp(s->child, k->bad ? k->bad : "BAD") == 0) {
            bad++;
            cr_expect_str_eq(s->field, k->field, "rule %s names %s", k->code, k->field);
        }
    }
    cr_expect_eq(bad, 1, "rule %s names BAD once (got %d)", k->code, bad);
    s903_issues_free(&is);
}

Test(s903_rule, every_rule_in_the_table_has_a_case)
{
    for (int r = 0; r < s903_rules_count; r++) {
        int found = 0;

        for (size_t c = 0; c < NCASES; c++)
            found |= strcmp(cases[c].code, s903_rules[r].code) == 0;
        cr_expect(found, "rule %s has a case here", s903_rules[r].code);
        cr_expect_str_eq(s903_rule_ids[r], s903_rules[r].code);
    }
    cr_expect_null(s903_rule_ids[s903_rules_count]);
}

/* The README's list, as the table gives it. */
static char *
rules_markdown(void)
{
    struct cl_buf b;

    cl_buf_init(&b, 1 << 20);
    cr_assert_eq(cl_buf_adds(&b, "| rule | file | field | severity | message |\n"
                                 "| --- | --- | --- | --- | --- |\n"),
                 CL_OK);
    for (int i = 0; i < s903_rules_count; i++) {
        const struct s903_rule *r = &s903_rules[i];

        cr_assert_eq(cl_buf_printf(&b, "| %s | %s | %s%s%s | %s | %s |\n", r->code,
                                   s903_file_name(r->file), r->fields[0], r->fields[1] ? ", " : "",
                                   r->fields[1] ? r->fields[1] : "",
                                   r->warning ? "warning" : "error", r->message),
                     CL_OK);
    }
    return cl_buf_take(&b, NULL);
}

Test(s903_rule, the_readme_lists_the_table)
{
    static const char begin[] = "<!-- ssda903-rules: from worker/ssda903_rules.c -->\n";
    static const char end[] = "<!-- /ssda903-rules -->";
    FILE *f = fopen("README.md", "r");
    char *readme, *want = rules_markdown(), *a, *z;
    long n;

    cl_mem_init();
    cr_assert_not_null(f, "README.md is readable from the checkout's root");
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    rewind(f);
    readme = cl_calloc((size_t)n + 1, 1);
    cr_assert_eq(fread(readme, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    a = strstr(readme, begin);
    z = a ? strstr(a, end) : NULL;
    cr_assert(a && z, "README.md has the rule list between its markers");
    a += strlen(begin);
    *z = '\0';
    cr_expect_str_eq(a, want, "README.md's rule list should read:\n%s", want);
    free(readme);
    free(want);
}
