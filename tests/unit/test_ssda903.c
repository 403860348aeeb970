/* The SSDA903 validator catches every Header/OC3 rule on purpose-broken rows, leaves a clean
 * return alone, and the files and the indicator summary come out byte for byte as DfE reads
 * them. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_buf.h"
#include "cl_json.h"
#include "cl_mem.h"
#include "ssda903_render.h"
#include "ssda903_rules.h"

TestSuite(ssda903, .init = cl_mem_init);

/* A clean young person for collection year 2026 (1 April 2025 - 31 March 2026). */
#define CLEAN_H                                                                                    \
    {                                                                                              \
        "OK1", "M", "01/06/2007", "WBRI", "", "", ""                                               \
    }
#define CLEAN_O                                                                                    \
    {                                                                                              \
        "OK1", "01/06/2007", "YES", "F2", "U1"                                                     \
    }

struct rcase {
    const char *rule;
    const char *child; /* the row the rule must name */
    int year;
    struct s903_header h[3];
    int nh;
    struct s903_oc3 o[3];
    int no;
};

static const struct rcase cases[] = {
    {"101",
     "B1",
     2026,
     {CLEAN_H, {"B1", "X", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B1", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"101",
     "B1",
     2024,
     {{"B1", "M", "01/06/2005", "WBRI", "", "", ""}},
     1,
     {{"B1", "01/06/2005", "YES", "F2", "U1"}},
     1},
    {"102",
     "B2",
     2026,
     {CLEAN_H, {"B2", "M", "31/02/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B2", "31/02/2007", "YES", "F2", "U1"}},
     2},
    {"103",
     "B3",
     2026,
     {CLEAN_H, {"B3", "F", "01/06/2007", "XXXX", "", "", ""}},
     2,
     {CLEAN_O, {"B3", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"131",
     "B4",
     2026,
     {CLEAN_H, {"B4", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B4", "01/06/2007", "MAYBE", "F2", "U1"}},
     2},
    {"132",
     "B5",
     2026,
     {CLEAN_H, {"B5", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B5", "01/06/2007", "YES", "F3", "U1"}},
     2},
    {"133",
     "B6",
     2026,
     {CLEAN_H, {"B6", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B6", "01/06/2007", "NO", "0", "S1"}},
     2},
    {"133",
     "B7",
     2026,
     {CLEAN_H, {"B7", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B7", "01/06/2007", "NO", "0", "X1"}},
     2},
    {"153",
     "B8",
     2026,
     {CLEAN_H, {"B8", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"B8", "01/06/2007", "YES", "", "U1"}},
     2},
    {"168",
     "B9",
     2026,
     {CLEAN_H, {"B9", "F", "01/06/2007", "WBRI", "S123456789012", "", ""}},
     2,
     {CLEAN_O, {"B9", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"168",
     "C1",
     2026,
     {CLEAN_H, {"C1", "F", "01/06/2007", "WBRI", "UN6", "", ""}},
     2,
     {CLEAN_O, {"C1", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"171",
     "C2",
     2026,
     {CLEAN_H, {"C2", "F", "01/06/2007", "WBRI", "", "1", "32/01/2024"}},
     2,
     {CLEAN_O, {"C2", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"174",
     "C3",
     2026,
     {CLEAN_H, {"C3", "M", "01/06/2007", "WBRI", "", "", "01/01/2024"}},
     2,
     {CLEAN_O, {"C3", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"209",
     "C4",
     2026,
     {CLEAN_H, {"C4", "F", "01/06/2007", "WBRI", "UN1", "", ""}},
     2,
     {CLEAN_O, {"C4", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"232",
     "C5",
     2026,
     {CLEAN_H, {"C5", "U", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"C5", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"301",
     "C6",
     2026,
     {CLEAN_H, {"C6", "F", "01/04/2026", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"C6", "01/04/2026", "YES", "F2", "U1"}},
     2},
    {"344",
     "C7",
     2026,
     {CLEAN_H, {"C7", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"C7", "01/06/2007", "DIED", "F2", "0"}},
     2},
    {"344",
     "C8",
     2026,
     {CLEAN_H, {"C8", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"C8", "01/06/2007", "RHOM", "0", "B1"}},
     2},
    {"345",
     "C9",
     2026,
     {CLEAN_H, {"C9", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"C9", "01/06/2007", "YES", "F2", "0"}},
     2},
    {"347",
     "D1",
     2026,
     {CLEAN_H, {"D1", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"D1", "01/06/2007", "YES", "F2", "T1"}},
     2},
    {"351",
     "D2",
     2026,
     {CLEAN_H, {"D2", "F", "01/01/1999", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"D2", "01/01/1999", "YES", "F2", "U1"}},
     2},
    {"391",
     "D3",
     2026,
     {CLEAN_H, {"D3", "F", "01/06/2009", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"D3", "01/06/2009", "NO", "0", "0"}},
     2},
    {"444",
     "D4",
     2026,
     {CLEAN_H,
      {"D4", "F", "01/06/2007", "WBRI", "A123456789012", "", ""},
      {"D5", "F", "01/06/2007", "WBRI", "A123456789012", "", ""}},
     3,
     {CLEAN_O, {"D4", "01/06/2007", "YES", "F2", "U1"}, {"D5", "01/06/2007", "YES", "F2", "U1"}},
     3},
    {"611",
     "D6",
     2026,
     {CLEAN_H, {"D6", "F", "01/06/2007", "WBRI", "", "1", ""}},
     2,
     {CLEAN_O, {"D6", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"612",
     "D7",
     2026,
     {CLEAN_H, {"D7", "F", "01/06/2007", "WBRI", "", "0", "01/01/2024"}},
     2,
     {CLEAN_O, {"D7", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"620",
     "D8",
     2026,
     {CLEAN_H, {"D8", "F", "01/06/2015", "WBRI", "", "1", "01/01/2025"}},
     2,
     {CLEAN_O},
     1},
    {"621",
     "D9",
     2026,
     {CLEAN_H, {"D9", "F", "01/06/2007", "WBRI", "", "1", "01/01/2007"}},
     2,
     {CLEAN_O, {"D9", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"3001",
     "E1",
     2026,
     {CLEAN_H, {"E1", "F", "01/06/2008", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"E1", "01/06/2008", "YES", "F2", "Z1"}},
     2},
    {"CHILD",
     "E-7",
     2026,
     {CLEAN_H, {"E-7", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"E-7", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"EPI", "E2", 2026, {CLEAN_H, {"E2", "F", "01/06/2007", "WBRI", "", "", ""}}, 2, {CLEAN_O}, 1},
    {"INT06", "E3", 2026, {CLEAN_H}, 1, {CLEAN_O, {"E3", "01/06/2007", "YES", "F2", "U1"}}, 2},
    {"INT15",
     "E4",
     2026,
     {CLEAN_H, {"E4", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"E4", "02/06/2007", "YES", "F2", "U1"}},
     2},
    {"INT32",
     "E5",
     2026,
     {CLEAN_H,
      {"E5", "F", "01/06/2007", "WBRI", "", "", ""},
      {"e5", "F", "01/06/2007", "WBRI", "", "", ""}},
     3,
     {CLEAN_O, {"E5", "01/06/2007", "YES", "F2", "U1"}},
     2},
    {"INT34",
     "E6",
     2026,
     {CLEAN_H, {"E6", "F", "01/06/2007", "WBRI", "", "", ""}},
     2,
     {CLEAN_O, {"E6", "01/06/2007", "YES", "F2", "U1"}, {"E6", "01/06/2007", "YES", "F2", "U1"}},
     3},
};

static int
has(const struct s903_issues *is, const char *rule, const char *child)
{
    for (int i = 0; i < is->n; i++)
        if (strcmp(is->items[i].rule, rule) == 0 && strcmp(is->items[i].child, child) == 0)
            return 1;
    return 0;
}

static int
names_child(const struct s903_issues *is, const char *child)
{
    for (int i = 0; i < is->n; i++)
        if (strcmp(is->items[i].child, child) == 0)
            return 1;
    return 0;
}

Test(ssda903, a_clean_return_has_no_issues)
{
    static const struct s903_header h[] = {
        CLEAN_H,
        {"OK2", "F", "31/03/2009", "BAFR", "A123456789012", "", ""},
        {"OK3", "F", "01/04/2001", "MWBA", "UN2", "1", "01/05/2024"},
        {"OK4", "M", "29/02/2004", "WBRI", "UN2", "", ""},
        {"OK5", "F", "01/06/2005", "AIND", "B12345678901C", "0", ""},
    };
    static const struct s903_oc3 o[] = {
        CLEAN_O,
        {"OK2", "31/03/2009", "NO", "0", "0"},
        {"OK3", "01/04/2001", "YES", "G6", "U1"},
        {"OK4", "29/02/2004", "DIED", "0", "0"},
        {"OK5", "01/06/2005", "YES", "F4", "T2"},
    };
    struct s903_issues is = {0};

    s903_validate(2026, h, 5, o, 5, &is);
    for (int i = 0; i < is.n; i++)
        cr_log_error("unexpected %s for %s", is.items[i].rule, is.items[i].child);
    cr_expect_eq(is.n, 0);
    cr_expect_eq(is.errors, 0);
    s903_issues_free(&is);
}

Test(ssda903, every_rule_is_caught_on_purpose_broken_rows)
{
    int covered[64] = {0};

    for (size_t c = 0; c < sizeof cases / sizeof cases[0]; c++) {
        const struct rcase *k = &cases[c];
        struct s903_issues is = {0};

        s903_validate(k->year, k->h, k->nh, k->o, k->no, &is);
        cr_expect(has(&is, k->rule, k->child), "rule %s catches %s", k->rule, k->child);
        if (k->year == 2026)
            cr_expect_not(names_child(&is, "OK1"), "rule %s case: the clean row stays clean",
                          k->rule);
        for (int r = 0; s903_rule_ids[r]; r++)
            if (strcmp(s903_rule_ids[r], k->rule) == 0)
                covered[r] = 1;
        s903_issues_free(&is);
    }
    for (int r = 0; s903_rule_ids[r]; r++)
        cr_expect(covered[r], "rule %s has a purpose-broken case", s903_rule_ids[r]);
}

Test(ssda903, rules_keep_to_their_boundaries)
{
    static const struct s903_header h[] = {
        /* 18 on the first day of the year: a foyer is allowed (347) */
        {"F1", "F", "01/04/2007", "WBRI", "", "", ""},
        /* 17th birthday on the last day of the year: in range (391 quiet) */
        {"F2", "F", "31/03/2009", "WBRI", "", "", ""},
        /* exactly 25 on the first day: not over 25 (351 quiet) */
        {"F3", "F", "01/04/2000", "WBRI", "", "", ""},
        /* 17th birthday the day before the year: Z is fine (3001 quiet) */
        {"F4", "F", "31/03/2008", "WBRI", "", "", ""},
        /* UN codes may repeat (444 quiet) */
        {"F5", "F", "01/06/2005", "WBRI", "UN2", "", ""},
        {"F6", "F", "01/06/2005", "WBRI", "un2", "", ""},
    };
    static const struct s903_oc3 o[] = {
        {"F1", "01/04/2007", "YES", "F2", "T1"}, {"F2", "31/03/2009", "NO", "0", "0"},
        {"F3", "01/04/2000", "YES", "F2", "U1"}, {"F4", "31/03/2008", "YES", "F2", "Z1"},
        {"F5", "01/06/2005", "NO", "0", "0"},    {"F6", "01/06/2005", "NO", "0", "0"},
    };
    struct s903_issues is = {0};

    s903_validate(2026, h, 6, o, 6, &is);
    for (int i = 0; i < is.n; i++)
        cr_log_error("unexpected %s for %s", is.items[i].rule, is.items[i].child);
    cr_expect_eq(is.n, 0);
    s903_issues_free(&is);
}

Test(ssda903, dates_parse_as_dfe_reads_them)
{
    cr_expect_eq(s903_parse_date("01/04/2025"), s903_days(2025, 4, 1));
    cr_expect_eq(s903_parse_date("1/4/2025"), s903_days(2025, 4, 1));
    cr_expect_eq(s903_parse_date("29/02/2024"), s903_days(2024, 2, 29));
    cr_expect_eq(s903_parse_date("29/02/2025"), -1);
    cr_expect_eq(s903_parse_date("2025-04-01"), -1);
    cr_expect_eq(s903_parse_date("01/04/25"), -1);
    cr_expect_eq(s903_parse_date(""), -1);
    cr_expect_eq(s903_add_years(s903_days(2004, 2, 29), 21), s903_days(2025, 2, 28));
    cr_expect_eq(s903_add_years(s903_days(2004, 2, 29), 20), s903_days(2024, 2, 29));
}

Test(ssda903, csv_files_are_exact_with_quoting)
{
    static const struct s903_header h[] = {
        {"A1", "M", "01/06/2007", "WBRI", "", "", ""},
        {"A,2", "F", "02/06/2007", "W\"X", "", "1", "01/01/2024"},
    };
    static const struct s903_oc3 o[] = {
        {"A1", "01/06/2007", "YES", "F2", "U1"},
        {"A,2", "02/06/2007", "NO", "0", "0"},
    };
    struct cl_buf b;

    cl_buf_init(&b, 1 << 20);
    cr_assert_eq(s903_header_csv(&b, h, 2), 0);
    cr_expect_str_eq(b.data, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
                             "A1,M,01/06/2007,WBRI,,,\r\n"
                             "\"A,2\",F,02/06/2007,\"W\"\"X\",,1,01/01/2024\r\n");
    cl_buf_reset(&b);
    cr_assert_eq(s903_oc3_csv(&b, o, 2), 0);
    cr_expect_str_eq(b.data, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n"
                             "A1,01/06/2007,YES,F2,U1\r\n"
                             "\"A,2\",02/06/2007,NO,0,0\r\n");
    cl_buf_free(&b);
}

Test(ssda903, xml_file_is_exact_and_escaped)
{
    static const struct s903_header h[] = {
        {"A1", "M", "01/06/2007", "WBRI", "UN2", "", ""},
        {"A<&>", "F", "02/06/2007", "BAFR", "", "0", ""},
    };
    static const struct s903_oc3 o[] = {
        {"A1", "01/06/2007", "YES", "F2", "U1"},
        {NULL, NULL, NULL, NULL, NULL},
    };
    struct cl_buf b;

    cl_buf_init(&b, 1 << 20);
    cr_assert_eq(s903_xml(&b, h, o, 2), 0);
    cr_expect_str_eq(b.data, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                             "<EXPSSDA903>\n"
                             "  <CHILD>\n"
                             "    <HEADER>\n"
                             "      <CHILDID>A1</CHILDID>\n"
                             "      <UPN>UN2</UPN>\n"
                             "      <SEX>M</SEX>\n"
                             "      <DOB>01/06/2007</DOB>\n"
                             "      <ETHNIC>WBRI</ETHNIC>\n"
                             "    </HEADER>\n"
                             "    <IN_TOUCH>YES</IN_TOUCH>\n"
                             "    <ACTIV>F2</ACTIV>\n"
                             "    <ACCOM>U1</ACCOM>\n"
                             "  </CHILD>\n"
                             "  <CHILD>\n"
                             "    <HEADER>\n"
                             "      <CHILDID>A&lt;&amp;&gt;</CHILDID>\n"
                             "      <SEX>F</SEX>\n"
                             "      <DOB>02/06/2007</DOB>\n"
                             "      <ETHNIC>BAFR</ETHNIC>\n"
                             "      <MOTHER>0</MOTHER>\n"
                             "    </HEADER>\n"
                             "  </CHILD>\n"
                             "</EXPSSDA903>\n");
    cl_buf_free(&b);
}

Test(ssda903, validation_report_lists_rule_child_field_message)
{
    static const struct s903_header h[] = {{"Q1", "M", "01/06/2007", "WBRI", "", "", ""}};
    static const struct s903_oc3 o[] = {{"Q1", "01/06/2007", "YES", "0", "U1"}};
    struct s903_issues is = {0};
    struct cl_buf b;
    cJSON *j;
    char *text;

    s903_validate(2026, h, 1, o, 1, &is);
    cl_buf_init(&b, 1 << 20);
    cr_assert_eq(s903_issues_csv(&b, &is), 0);
    cr_expect_str_eq(b.data, "RULE,SEVERITY,FILE,CHILD,FIELD,MESSAGE\r\n"
                             "345,error,OC3,Q1,ACTIV,\"The authority is in touch with the young "
                             "person: activity and accommodation must be known, not 0.\"\r\n");
    j = s903_issues_json(2026, &is);
    text = cl_json_print(j);
    cr_expect(strstr(text, "\"status\":\"has_errors\",\"errors\":1,\"warnings\":0") != NULL, "%s",
              text);
    cr_expect(strstr(text, "{\"rule\":\"345\",\"severity\":\"error\",\"file\":\"OC3\","
                           "\"child\":\"Q1\",\"field\":\"ACTIV\"") != NULL,
              "%s", text);
    free(text);
    cJSON_Delete(j);
    cl_buf_free(&b);
    s903_issues_free(&is);
}

static int
num(const cJSON *root, const char *path)
{
    char buf[256], *save = NULL;
    const cJSON *v = root;

    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save))
        v = cJSON_GetObjectItemCaseSensitive(v, t);
    cr_assert(cJSON_IsNumber(v) || cJSON_IsNull(v), "%s is a number", path);
    return cJSON_IsNull(v) ? -1 : v->valueint;
}

Test(ssda903, indicators_are_computed_as_dfe_does)
{
    /* Eight 19-21s: one died and one returned home (left out of the population); of the six
     * left, four in touch; EET F1, P5, F4; NEET G4, G6; one not known; accommodation: U1, D1,
     * S2, G1 (abroad: out of the suitability figures), 0 and B2. */
    static const struct s903_oc3 o[] = {
        {"X1", "", "DIED", "0", "0"},  {"X2", "", "RHOM", "0", "0"},
        {"X3", "", "YES", "F1", "U1"}, {"X4", "", "YES", "P5", "D1"},
        {"X5", "", "YES", "G4", "S2"}, {"X6", "", "YES", "F4", "G1"},
        {"X7", "", "NO", "0", "0"},    {"X8", "", "REFU", "G6", "B2"},
        {"Y1", "", "YES", "F2", "Z1"}, {"Y2", "", "YES", "P1", "U1"},
    };
    static const int age[] = {19, 20, 21, 19, 20, 21, 19, 20, 18, 23};
    static const int older[] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 1};
    static const long all_22_25[4] = {0, 3, 0, 0};
    cJSON *s = s903_summary(2026, o, age, older, 10, all_22_25);

    cr_expect_eq(num(s, "age_groups/19-21/cohort"), 8);
    cr_expect_eq(num(s, "age_groups/19-21/excluded/died"), 1);
    cr_expect_eq(num(s, "age_groups/19-21/excluded/returned_home"), 1);
    cr_expect_eq(num(s, "age_groups/19-21/population"), 6);
    cr_expect_eq(num(s, "age_groups/19-21/in_touch/in_touch"), 4);
    cr_expect_eq(num(s, "age_groups/19-21/in_touch/in_touch_percent"), 67);
    cr_expect_eq(num(s, "age_groups/19-21/activity/eet"), 3);
    cr_expect_eq(num(s, "age_groups/19-21/activity/eet_percent"), 50);
    cr_expect_eq(num(s, "age_groups/19-21/activity/neet"), 2);
    cr_expect_eq(num(s, "age_groups/19-21/activity/not_known"), 1);
    cr_expect_eq(num(s, "age_groups/19-21/activity/neet_pregnancy_or_parenting"), 1);
    cr_expect_eq(num(s, "age_groups/19-21/accommodation/population"), 5);
    cr_expect_eq(num(s, "age_groups/19-21/accommodation/suitable"), 2);
    cr_expect_eq(num(s, "age_groups/19-21/accommodation/suitable_percent"), 40);
    cr_expect_eq(num(s, "age_groups/19-21/accommodation/unsuitable"), 2);
    cr_expect_eq(num(s, "age_groups/19-21/accommodation/no_information"), 1);
    cr_expect_eq(num(s, "age_groups/17-18/population"), 1);
    cr_expect_eq(num(s, "age_groups/17-18/accommodation/suitable_percent"), 100);
    cr_expect_eq(num(s, "ages/17/population"), 0);
    cr_expect_eq(num(s, "ages/17/in_touch/in_touch_percent"), -1, "no population: null");
    cr_expect_eq(num(s, "ages/19/cohort"), 3);
    cr_expect_eq(num(s, "ages_22_25/care_leavers"), 3);
    cr_expect_eq(num(s, "ages_22_25/requested_support"), 1);
    cr_expect_eq(num(s, "ages_22_25/requested_support_percent"), 33);
    cr_expect_eq(num(s, "ages_22_25/ages/23/requested_support"), 1);
    cr_expect_eq(s903_percent(1, 8), 13, "12.5 rounds half up");
    cr_expect_eq(s903_percent(0, 0), -1);
    cJSON_Delete(s);
}
