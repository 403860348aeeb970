/* The Board report's data annex as CSV (RFC 4180, CRLF line ends, UTF-8): one row per
 * indicator (and breakdown category) per district, the report total first as district
 * "Total", then the twelve-month trend points. Suppressed cells hold "<6" or "[c]" instead of
 * a number. */
#include "board.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char header[] =
    "section,indicator_code,indicator,category,district,kind,as_at,value,numerator,denominator,"
    "display,compare_to,previous_value,previous_numerator,previous_denominator,"
    "previous_display,change,england_average,england_year_ending_march\r\n";

/* A number as CSV: integers without a decimal point, means with one decimal place. */
static int
num(struct cl_buf *b, double v, int decimals)
{
    if (decimals == 0)
        return cl_buf_printf(b, "%lld", (long long)llround(v));
    return cl_buf_printf(b, "%.*f", decimals, v);
}

/* value, numerator, denominator, display of one figure. */
static int
fig(struct cl_buf *b, enum board_kind k, const struct board_fig *f, int below)
{
    char text[64], n[32];
    int err;

    board_fmt_value(text, sizeof text, k, f, below);
    /* value */
    if (!f->present) {
        err = CL_OK;
    } else if (f->sup_value && k == BK_COUNT) {
        board_fmt_count(n, sizeof n, f->num, 1, below);
        err = cl_buf_adds(b, n);
    } else if (f->sup_value) {
        err = cl_buf_adds(b, BOARD_SUPPRESSED);
    } else {
        err = num(b, f->value, k == BK_MEAN ? 1 : 0);
    }
    /* numerator (money: the total, suppressed with its payments) */
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && f->sup_num && k == BK_MONEY) {
        err = cl_buf_adds(b, BOARD_SUPPRESSED);
    } else if (err == CL_OK && f->sup_num) {
        board_fmt_count(n, sizeof n, f->num, 1, below);
        err = cl_buf_adds(b, n);
    } else if (err == CL_OK && f->has_num) {
        err = num(b, (double)f->num, 0);
    }
    /* denominator */
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && f->has_den && f->sup_den) {
        board_fmt_count(n, sizeof n, f->den, 1, below);
        err = cl_buf_adds(b, n);
    } else if (err == CL_OK && f->has_den) {
        err = num(b, (double)f->den, 0);
    }
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = board_csv_text(b, text);
    return err;
}

static int
row_csv(struct cl_buf *b, const struct board_report *r, const struct board_row *w)
{
    int err;

    err = board_csv_text(b, w->section);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = board_csv_text(b, w->code);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = board_csv_text(b, w->label);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && w->category)
        err = board_csv_text(b, w->category);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = board_csv_text(b, w->district ? w->district : "Total");
    if (err == CL_OK)
        err = cl_buf_printf(b, ",%s,%s,", board_kind_name(w->kind), r->as_at);
    if (err == CL_OK)
        err = fig(b, w->kind, &w->now, r->suppress_below);
    if (err == CL_OK)
        err = cl_buf_printf(b, ",%s,", r->compare_to);
    if (err == CL_OK)
        err = fig(b, w->kind, &w->prev, r->suppress_below);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && w->has_change && w->now.present && w->prev.present)
        err = board_change_shown(w) ? num(b, w->change, w->kind == BK_MEAN ? 1 : 0)
                                    : cl_buf_adds(b, BOARD_SUPPRESSED);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && w->has_england)
        err = cl_buf_printf(b, "%.0f,%s", w->england, w->england_year ? w->england_year : "");
    else if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = cl_buf_adds(b, "\r\n");
    return err;
}

static int
point_csv(struct cl_buf *b, const struct board_report *r, const struct board_point *p)
{
    char label[256];
    int err;

    snprintf(label, sizeof label, "%s, %s", p->title, p->series);
    err = cl_buf_adds(b, "Twelve-month trend,");
    if (err == CL_OK)
        err = board_csv_text(b, p->code);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK)
        err = board_csv_text(b, label);
    if (err == CL_OK)
        err = cl_buf_printf(b, ",,Total,percentage,%s,", p->month);
    if (err == CL_OK)
        err = fig(b, BK_PCT, &p->fig, r->suppress_below);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",,,,,,,");
    if (err == CL_OK && p->has_england)
        err = cl_buf_printf(b, "%.0f", p->england);
    if (err == CL_OK)
        err = cl_buf_adds(b, ",\r\n");
    return err;
}

int
board_render_csv(const struct board_report *r, struct cl_buf *out)
{
    int err = cl_buf_adds(out, header);

    for (int i = 0; i < r->nrows && err == CL_OK; i++)
        err = row_csv(out, r, &r->rows[i]);
    for (int i = 0; i < r->ntrend && err == CL_OK; i++)
        err = point_csv(out, r, &r->trend[i]);
    return err;
}
