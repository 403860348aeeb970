/* The Board report's pure parts: small-number suppression (primary and secondary), the text
 * of figures, CSV and HTML escaping, chart geometry, the params validator, and each renderer
 * on a small report built here (no database). */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cl_json.h"
#include "cl_jobspec_board.h"
#include "cl_mem.h"

TestSuite(board, .init = cl_mem_init);

static struct board_fig
fig(long long num, long long den, int has_den, double value)
{
    struct board_fig f;

    memset(&f, 0, sizeof f);
    f.present = 1;
    f.num = num;
    f.has_num = 1;
    f.den = den;
    f.has_den = has_den;
    f.value = value;
    return f;
}

Test(board, small_means_one_to_below_minus_one)
{
    cr_expect(!board_small(0, 6));
    cr_expect(board_small(1, 6));
    cr_expect(board_small(5, 6));
    cr_expect(!board_small(6, 6));
    cr_expect(!board_small(3, 1), "1 turns suppression off");
}

Test(board, primary_suppression_by_kind)
{
    struct board_fig f;

    f = fig(3, 0, 0, 3);
    board_suppress_fig(BK_COUNT, &f, 6);
    cr_expect(f.sup_num && f.sup_value);
    f = fig(0, 0, 0, 0);
    board_suppress_fig(BK_COUNT, &f, 6);
    cr_expect(!f.sup_num, "zero is not suppressed");
    f = fig(4, 40, 1, 10);
    board_suppress_fig(BK_PCT, &f, 6);
    cr_expect(f.sup_num && !f.sup_den && f.sup_value, "a small numerator hides the percentage");
    f = fig(0, 3, 1, 0);
    board_suppress_fig(BK_PCT, &f, 6);
    cr_expect(!f.sup_num && f.sup_den && f.sup_value, "so does a small denominator");
    f = fig(30, 40, 1, 75);
    board_suppress_fig(BK_PCT, &f, 6);
    cr_expect(!f.sup_num && !f.sup_den && !f.sup_value);
    f = fig(100000, 2, 1, 100000);
    board_suppress_fig(BK_MONEY, &f, 6);
    cr_expect(f.sup_value && f.sup_num && f.sup_den, "the total of two payments");
    f = fig(3, 1, 1, 3);
    board_suppress_fig(BK_MEAN, &f, 6);
    cr_expect(!f.sup_value, "caseloads are not about young people");
    f = fig(3, 0, 0, 3);
    board_suppress_fig(BK_MAX, &f, 6);
    cr_expect(!f.sup_value, "a caseload maximum has no group of young people");
    f = fig(2, 4, 1, 2);
    board_suppress_fig(BK_MAX, &f, 6);
    cr_expect(f.sup_value && f.sup_num && f.sup_den, "a median over four young people");
    f = fig(2, 33, 1, 2);
    board_suppress_fig(BK_MAX, &f, 6);
    cr_expect(!f.sup_value, "a median over 33");
}

static struct board_row
row(const char *code, const char *category, const char *district, enum board_kind kind,
    struct board_fig now, struct board_fig prev)
{
    struct board_row w;

    memset(&w, 0, sizeof w);
    w.code = cl_strdup(code);
    w.section = cl_strdup("Section & <more>");
    w.label = cl_strdup(code);
    w.short_label = cl_strdup(code);
    w.definition = cl_strdup("How it is counted, \"exactly\".");
    w.category = cl_strdup(category);
    w.district = cl_strdup(district);
    w.kind = kind;
    w.suppress = 1;
    w.in_breakdown = category == NULL;
    w.now = now;
    w.prev = prev;
    w.has_change = 1;
    w.change = now.value - prev.value;
    return w;
}

static struct board_report *
report(void)
{
    struct board_report *r = cl_calloc(1, sizeof *r);
    static const char *const months[] = {"2024-04-30", "2024-05-31", "2024-06-30"};

    r->title = cl_strdup("Care leavers performance report");
    r->la_name = cl_strdup("Demo County Council");
    r->lead_member = cl_strdup("Cllr A. Member");
    r->director = cl_strdup("A. Director");
    snprintf(r->as_at, sizeof r->as_at, "2025-03-31");
    snprintf(r->compare_to, sizeof r->compare_to, "2024-03-31");
    snprintf(r->board_date, sizeof r->board_date, "2025-04-24");
    snprintf(r->period_from, sizeof r->period_from, "2024-03-31");
    snprintf(r->prev_period_from, sizeof r->prev_period_from, "2023-03-31");
    snprintf(r->generated_at, sizeof r->generated_at, "2025-04-01T09:00:00.000Z");
    r->suppress_below = 6;
    r->rows = cl_calloc(8, sizeof *r->rows);
    /* in touch: total 40 of 50, districts North 37 of 45 and South 3 of 5 */
    r->rows[r->nrows++] =
        row("in_touch", NULL, NULL, BK_PCT, fig(40, 50, 1, 80), fig(30, 50, 1, 60));
    r->rows[r->nrows++] =
        row("in_touch", NULL, "North", BK_PCT, fig(37, 45, 1, 82), fig(25, 40, 1, 63));
    r->rows[r->nrows++] =
        row("in_touch", NULL, "South", BK_PCT, fig(3, 5, 1, 60), fig(5, 10, 1, 50));
    /* placements by reason: total 12 = 9 + 3 */
    r->rows[r->nrows++] = row("bnb", NULL, NULL, BK_COUNT, fig(12, 0, 0, 12), fig(0, 0, 0, 0));
    r->rows[r->nrows++] =
        row("bnb", "Eviction, \"urgent\"", NULL, BK_COUNT, fig(9, 0, 0, 9), fig(0, 0, 0, 0));
    r->rows[r->nrows++] = row("bnb", "=SUM(A1)", NULL, BK_COUNT, fig(3, 0, 0, 3), fig(0, 0, 0, 0));
    r->rows[r->nrows++] =
        row("grants", NULL, NULL, BK_MONEY, fig(1234567, 9, 1, 1234567), fig(50000, 1, 1, 50000));
    r->trend = cl_calloc(6, sizeof *r->trend);
    for (int s = 0; s < 2; s++)
        for (int m = 0; m < 3; m++) {
            struct board_point *p = &r->trend[r->ntrend++];

            p->chart = cl_strdup("in_touch");
            p->title = cl_strdup("Care leavers in touch");
            p->series = cl_strdup(s ? "Aged 19-21" : "Aged 17-18");
            p->code = cl_strdup(s ? "in_touch_19_21" : "in_touch_17_18");
            snprintf(p->month, sizeof p->month, "%s", months[m]);
            p->fig = fig(s ? 90 + m : 3, 100, 1, s ? 90 + m : 3);
            p->has_england = s;
            p->england = 91;
        }
    return r;
}

Test(board, secondary_suppression_protects_the_one_small_cell)
{
    struct board_report *r = report();

    board_suppress(r);
    /* South's 3 of 5 is suppressed; North's 37 of 45 would give it away with the total. */
    cr_expect(r->rows[2].now.sup_num && r->rows[2].now.sup_den);
    cr_expect(r->rows[1].now.sup_num && r->rows[1].now.sup_den && r->rows[1].now.sup_value,
              "the other district goes too");
    cr_expect(!r->rows[0].now.sup_value, "the total stays");
    /* A year earlier South's 5 of 10: only the numerator is small. */
    cr_expect(r->rows[2].prev.sup_num && !r->rows[2].prev.sup_den);
    cr_expect(r->rows[1].prev.sup_num && !r->rows[1].prev.sup_den);
    /* The reasons: 3 is small, so 9 is hidden too (12 - 9 = 3). */
    cr_expect(r->rows[5].now.sup_num);
    cr_expect(r->rows[4].now.sup_num, "secondary suppression of a breakdown");
    cr_expect(!r->rows[3].now.sup_num);
    /* A year earlier one payment: total and count hidden. */
    cr_expect(r->rows[6].prev.sup_value && !r->rows[6].now.sup_value);
    {
        char out[32];

        board_fmt_count(out, sizeof out, r->rows[4].now.num, r->rows[4].now.sup_num, 6);
        cr_expect_str_eq(out, "[c]", "a count hidden only to protect another is not \"<6\"");
        board_fmt_count(out, sizeof out, r->rows[5].now.num, r->rows[5].now.sup_num, 6);
        cr_expect_str_eq(out, "<6");
    }
    board_report_free(r);
}

Test(board, text_of_figures)
{
    char out[64];
    struct board_fig f = fig(1234567, 0, 0, 1234567);
    struct board_row w;

    board_fmt_count(out, sizeof out, 1234567, 0, 6);
    cr_expect_str_eq(out, "1,234,567");
    board_fmt_count(out, sizeof out, -1234, 0, 6);
    cr_expect_str_eq(out, "-1,234");
    board_fmt_count(out, sizeof out, 999, 0, 6);
    cr_expect_str_eq(out, "999");
    board_fmt_value(out, sizeof out, BK_COUNT, &f, 6);
    cr_expect_str_eq(out, "1,234,567");
    f = fig(1234567, 9, 1, 1234567);
    board_fmt_value(out, sizeof out, BK_MONEY, &f, 6);
    cr_expect_str_eq(out, "£12,345.67");
    board_fmt_basis(out, sizeof out, BK_MONEY, &f, 6);
    cr_expect_str_eq(out, "9 payments");
    f = fig(34, 39, 1, 87);
    board_fmt_value(out, sizeof out, BK_PCT, &f, 6);
    cr_expect_str_eq(out, "87%");
    board_fmt_basis(out, sizeof out, BK_PCT, &f, 6);
    cr_expect_str_eq(out, "34 of 39");
    f = fig(3, 39, 1, 8);
    board_suppress_fig(BK_PCT, &f, 6);
    board_fmt_value(out, sizeof out, BK_PCT, &f, 6);
    cr_expect_str_eq(out, "[c]");
    board_fmt_basis(out, sizeof out, BK_PCT, &f, 6);
    cr_expect_str_eq(out, "<6 of 39");
    f = fig(49, 2, 1, 24.5);
    board_fmt_value(out, sizeof out, BK_MEAN, &f, 6);
    cr_expect_str_eq(out, "24.5");
    board_fmt_basis(out, sizeof out, BK_MEAN, &f, 6);
    cr_expect_str_eq(out, "2 advisers");
    f.present = 0;
    board_fmt_value(out, sizeof out, BK_PCT, &f, 6);
    cr_expect_str_eq(out, "–");

    memset(&w, 0, sizeof w);
    w.kind = BK_PCT;
    w.now = fig(1, 1, 1, 90);
    w.prev = fig(1, 1, 1, 85);
    w.has_change = 1;
    w.change = 5;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "+5 pts");
    w.change = -1;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "-1 pt");
    w.change = 0;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "no change");
    w.kind = BK_MONEY;
    w.change = -150;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "-£1.50");
    w.now.sup_value = 1;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "[c]", "a change from a hidden value is hidden");
    w.now.present = 0;
    board_fmt_change(out, sizeof out, &w);
    cr_expect_str_eq(out, "–");

    board_fmt_date(out, sizeof out, "2025-03-01");
    cr_expect_str_eq(out, "1 March 2025");
    board_fmt_date_short(out, sizeof out, "2025-09-07");
    cr_expect_str_eq(out, "7 Sep 2025");
    board_fmt_month(out, sizeof out, "2024-12-31");
    cr_expect_str_eq(out, "Dec 2024");
}

Test(board, csv_fields_follow_rfc_4180)
{
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    cr_assert_eq(board_csv_text(&b, "plain"), CL_OK);
    cr_assert_eq(cl_buf_adds(&b, "|"), CL_OK);
    cr_assert_eq(board_csv_text(&b, "a, b"), CL_OK);
    cr_assert_eq(cl_buf_adds(&b, "|"), CL_OK);
    cr_assert_eq(board_csv_text(&b, "say \"hi\""), CL_OK);
    cr_assert_eq(cl_buf_adds(&b, "|"), CL_OK);
    cr_assert_eq(board_csv_text(&b, "two\r\nlines"), CL_OK);
    cr_assert_eq(cl_buf_adds(&b, "|"), CL_OK);
    cr_assert_eq(board_csv_text(&b, "=HYPERLINK(\"x\")"), CL_OK);
    cr_assert_eq(cl_buf_adds(&b, "|"), CL_OK);
    cr_assert_eq(board_csv_text(&b, ""), CL_OK);
    cr_expect_str_eq(b.data, "plain|\"a, b\"|\"say \"\"hi\"\"\"|\"two\r\nlines\"|"
                             "\"'=HYPERLINK(\"\"x\"\")\"|");
    cl_buf_free(&b);
}

Test(board, html_escaping)
{
    struct cl_buf b;

    cl_buf_init(&b, 4096);
    cr_assert_eq(board_html_esc(&b, "<a href=\"x\">Tom & Jerry's</a>"), CL_OK);
    cr_expect_str_eq(b.data, "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;");
    cl_buf_free(&b);
}

Test(board, chart_scale)
{
    struct board_chart_geom g;
    double high[] = {91, 88, 97};
    double low[] = {40, 91};
    char mon[4], year[5];

    board_chart_geom(&g, 700, 300, 50, 150, 10, 40, high, 3);
    cr_expect_eq(g.vmin, 70, "starts at a round ten below the lowest value");
    cr_expect_eq(g.vmax, 100);
    cr_expect_float_eq(board_chart_y(&g, 100), 10, 1e-9, "the top of the plot");
    cr_expect_float_eq(board_chart_y(&g, 70), 260, 1e-9, "the bottom of the plot");
    cr_expect_float_eq(board_chart_y(&g, 10), 260, 1e-9, "values below the axis are clamped");
    cr_expect_float_eq(board_chart_x(&g, 0, 12), 50, 1e-9);
    cr_expect_float_eq(board_chart_x(&g, 11, 12), 550, 1e-9);
    cr_expect_eq(g.ticks[0], 70);
    cr_expect_eq(g.ticks[g.nticks - 1], 100);
    board_chart_geom(&g, 700, 300, 50, 150, 10, 40, low, 2);
    cr_expect_eq(g.vmin, 0, "the whole scale when a value is below half");
    cr_expect_eq(g.nticks, 6, "0, 20, ... 100");
    board_chart_geom(&g, 700, 300, 50, 150, 10, 40, NULL, 0);
    cr_expect_eq(g.vmin, 90, "no values: a narrow default");
    board_chart_month_label("2025-01-31", 3, mon, year);
    cr_expect_str_eq(mon, "Jan");
    cr_expect_str_eq(year, "2025", "each January carries its year");
    board_chart_month_label("2025-02-28", 4, mon, year);
    cr_expect_str_eq(year, "");
    board_chart_month_label("2024-11-30", 0, mon, year);
    cr_expect_str_eq(year, "2024", "and the first month");
}

static int
problems_as(const char *role, const char *params, const char *field)
{
    const char *why;
    cJSON *p = cl_json_parse(params, strlen(params), &why), *errors = cJSON_CreateArray();
    const cJSON *e;
    int n, hit = 0;

    cr_assert_not_null(p, "%s", params);
    cl_jobspec_board_validate(p, role, errors);
    n = cJSON_GetArraySize(errors);
    cJSON_ArrayForEach(e, errors) hit |=
        field && strcmp(cJSON_GetObjectItem(e, "field")->valuestring, field) == 0;
    cr_expect(field == NULL || hit, "%s: %s is reported", params, field);
    cJSON_Delete(p);
    cJSON_Delete(errors);
    return n;
}

static int
problems(const char *params, const char *field)
{
    return problems_as("manager", params, field);
}

Test(board, params_validation)
{
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\"}", NULL), 0);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"compare_to\":\"2024-12-31\","
                          "\"board_date\":\"2025-04-24\",\"districts\":[\"Redditch\"],"
                          "\"formats\":[\"pdf\",\"json\"]}",
                          NULL),
                 0);
    cr_expect_eq(problems("{}", "as_at"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-02-29\"}", "as_at"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"compare_to\":\"2025-04-01\"}", "compare_to"),
                 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"formats\":[\"pdf\",\"xls\"]}", "formats"),
                 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"formats\":[]}", "formats"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"formats\":\"pdf\"}", "formats"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"districts\":[\"a\",\"a\"]}", "districts"),
                 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"districts\":[\"\"]}", "districts"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"districts\":[]}", "districts"), 1);
    cr_expect_eq(problems("{\"as_at\":\"2025-03-31\",\"when\":1}", "when"), 1);
    cr_expect_eq(problems("{\"as_at\":1,\"compare_to\":true,\"formats\":[1],\"districts\":5,"
                          "\"x\":null}",
                          NULL),
                 5, "every bad field at once");
}

/* The board role gets fixed periods and every district: nothing it may request differs from
 * another of its reports by a day or by a district. */
Test(board, the_board_role_gets_the_fixed_form)
{
    static const char *const quarter_ends[] = {"2025-03-31", "2024-06-30", "2023-09-30",
                                               "2022-12-31"};
    static const char *const others[] = {"2025-03-30", "2025-04-01", "2024-06-31",
                                         "2024-02-29", "2023-09-01", "2022-12-30"};
    char body[128], from[11];

    for (size_t i = 0; i < sizeof quarter_ends / sizeof quarter_ends[0]; i++) {
        snprintf(body, sizeof body, "{\"as_at\":\"%s\"}", quarter_ends[i]);
        cr_expect_eq(problems_as("board", body, NULL), 0, "%s", body);
        cr_expect(cl_board_quarter_end(quarter_ends[i]));
    }
    for (size_t i = 0; i < sizeof others / sizeof others[0]; i++) {
        snprintf(body, sizeof body, "{\"as_at\":\"%s\"}", others[i]);
        cr_expect_eq(problems_as("board", body, "as_at"), 1, "%s", body);
        cr_expect_eq(problems_as("manager", body, NULL), strcmp(others[i], "2024-06-31") == 0,
                     "a manager may ask for any real date: %s", body);
        cr_expect_not(cl_board_quarter_end(others[i]), "%s", others[i]);
    }
    cr_expect_eq(problems_as("board", "{\"as_at\":\"2025-03-31\",\"compare_to\":\"2024-03-31\"}",
                             "compare_to"),
                 1, "even the default comparison is not asked for");
    cr_expect_eq(problems_as("board", "{\"as_at\":\"2025-03-31\",\"districts\":[\"Redditch\"]}",
                             "districts"),
                 1);
    cr_expect_eq(problems_as("board",
                             "{\"as_at\":\"2025-03-31\",\"board_date\":\"2025-04-24\","
                             "\"formats\":[\"pdf\"]}",
                             NULL),
                 0, "the meeting date and the formats are the board's to choose");
    cr_expect_eq(problems_as("board",
                             "{\"as_at\":\"2025-03-30\",\"compare_to\":\"x\","
                             "\"districts\":[]}",
                             NULL),
                 3, "each field once");
    cr_expect_eq(problems_as("manager",
                             "{\"as_at\":\"2025-03-30\",\"compare_to\":\"2025-01-01\","
                             "\"districts\":[\"Redditch\"]}",
                             NULL),
                 0, "other roles are not held to it");

    cl_board_year_from("2025-03-31", from);
    cr_expect_str_eq(from, "2024-04-01");
    cl_board_year_from("2025-06-30", from);
    cr_expect_str_eq(from, "2024-07-01");
    cl_board_year_from("2025-09-30", from);
    cr_expect_str_eq(from, "2024-10-01");
    cl_board_year_from("2025-12-31", from);
    cr_expect_str_eq(from, "2025-01-01");
}

Test(board, renderers_on_a_small_report)
{
    struct board_report *r = report();
    struct cl_buf b;
    const char *why;
    cJSON *j;

    board_suppress(r);
    cl_buf_init(&b, 1 << 24);
    cr_assert_eq(board_render_json(r, &b), CL_OK);
    j = cl_json_parse(b.data, b.len, &why);
    cr_assert_not_null(j, "the JSON parses: %s", why ? why : "");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(j, "indicators")), 3);
    cr_expect(strstr(b.data, "\"<6\"") != NULL, "a suppressed count");
    cJSON_Delete(j);
    cl_buf_reset(&b);

    cr_assert_eq(board_render_csv(r, &b), CL_OK);
    {
        int lines = 0;

        for (const char *p = b.data; (p = strstr(p, "\r\n")) != NULL; p += 2)
            lines++;
        /* header + rows (a quoted CRLF-free report) + 6 trend points */
        cr_expect_eq(lines, 1 + 7 + 6, "%s", b.data);
    }
    cr_expect(strstr(b.data, "\"Eviction, \"\"urgent\"\"\"") != NULL, "quoted and doubled");
    cr_expect(strstr(b.data, "\"'=SUM(A1)\"") != NULL, "no formula");
    cl_buf_reset(&b);

    cr_assert_eq(board_render_html(r, &b), CL_OK);
    cr_expect(strstr(b.data, "Section &amp; &lt;more&gt;") != NULL, "escaped");
    cr_expect(strstr(b.data, "<svg") != NULL && strstr(b.data, "</svg>") != NULL);
    cr_expect(strstr(b.data, "<title id=\"chart1-t\">Care leavers in touch</title>") != NULL);
    cr_expect(strstr(b.data, "England 91%") != NULL, "the England line is labelled");
    cl_buf_reset(&b);

    cr_assert_eq(board_render_pdf(r, &b), CL_OK);
    cr_expect(b.len > 2000 && memcmp(b.data, "%PDF-", 5) == 0);
    cr_expect(memcmp(b.data + b.len - 6, "%%EOF", 5) == 0 ||
                  memcmp(b.data + b.len - 5, "%%EOF", 5) == 0,
              "a complete PDF");
    cl_buf_free(&b);
    board_report_free(r);
}

/* The RAG rule, both directions, at each edge; never rated on a hidden or missing figure. */
Test(board, rag_status_by_target_direction_and_tolerance)
{
    struct board_row w;

    memset(&w, 0, sizeof w);
    w.kind = BK_PCT;
    cr_expect_eq(board_rag(&w), RAG_NONE, "no target, no status");
    w.has_target = 1;
    w.target_higher = 1;
    w.target = 90;
    w.tolerance = 5;
    w.now = fig(90, 100, 1, 90);
    cr_expect_eq(board_rag(&w), RAG_GREEN, "at the target");
    w.now.value = 85;
    cr_expect_eq(board_rag(&w), RAG_AMBER, "short by the tolerance");
    w.now.value = 84;
    cr_expect_eq(board_rag(&w), RAG_RED, "short by more");
    w.target_higher = 0;
    w.target = 35;
    w.now.value = 35;
    cr_expect_eq(board_rag(&w), RAG_GREEN, "lower is better: at the target");
    w.now.value = 40;
    cr_expect_eq(board_rag(&w), RAG_AMBER);
    w.now.value = 41;
    cr_expect_eq(board_rag(&w), RAG_RED);
    w.now.value = 10;
    cr_expect_eq(board_rag(&w), RAG_GREEN, "lower is better: below the target");
    w.now.sup_value = 1;
    cr_expect_eq(board_rag(&w), RAG_NOT_RATED, "a suppressed figure is not rated");
    w.now.sup_value = 0;
    w.now.present = 0;
    cr_expect_eq(board_rag(&w), RAG_NOT_RATED, "no figure");
    cr_expect_str_eq(board_rag_label(RAG_AMBER), "Amber", "a word, never colour alone");
}

/* Text cut to fit is cut between characters, never inside one. */
Test(board, copy_text_cuts_between_characters)
{
    char out[8];

    board_copy_text(out, sizeof out, "abc");
    cr_expect_str_eq(out, "abc");
    /* "ab" then three two-byte Arabic letters: 8 bytes of room leave "ab", one letter and "…" */
    board_copy_text(out, sizeof out, "ab\xd8\xaa\xd9\x82\xd8\xb1");
    cr_expect_str_eq(out, "ab\xd8\xaa\xe2\x80\xa6");
}
