/* The Board report's data annex as CSV (RFC 4180, CRLF line ends, UTF-8): one row per
 * indicator (and breakdown category) per district, the report total first as district
 * "Total" with its baseline, target and RAG status, then the twelve-month trend points, then
 * the actions from previous meetings (kind "action": number, text, status, owner and due
 * date, the latest update as display) and the narrative sections (kind "narrative", or
 * "placeholder" for a section asked for and not supplied). Suppressed cells hold "<6" or "[c]"
 * instead of a number. */
#include "board.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

static const char header[] =
    "section,indicator_code,indicator,category,district,kind,as_at,value,numerator,denominator,"
    "display,compare_to,previous_value,previous_numerator,previous_denominator,"
    "previous_display,change,england_average,england_year_ending_march,baseline,"
    "baseline_source,target,target_direction,target_tolerance,rag_status\r\n";

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
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && w->has_baseline)
        err = cl_buf_printf(b, "%g,%s", w->baseline, w->baseline_entered ? "entered" : "computed");
    else if (err == CL_OK)
        err = cl_buf_adds(b, ",");
    if (err == CL_OK && w->has_target)
        err = cl_buf_printf(b, ",%g,%s,%g,%s", w->target, w->target_higher ? "higher" : "lower",
                            w->tolerance, board_rag_key(board_rag(w)));
    else if (err == CL_OK)
        err = cl_buf_adds(b, ",,,,");
    if (err == CL_OK)
        err = cl_buf_adds(b, "\r\n");
    return err;
}

/* A row of text fields in the columns section, indicator_code, indicator, category, district,
 * kind, as_at and display; the rest empty. */
static int
text_row(struct cl_buf *b, const char *section, const char *code, const char *label,
         const char *category, const char *district, const char *kind, const char *on,
         const char *display)
{
    const char *const cells[7] = {section, code, label, category, district, kind, on};
    int err = CL_OK;

    for (int i = 0; i < 7 && err == CL_OK; i++) {
        if (i > 0)
            err = cl_buf_adds(b, ",");
        if (err == CL_OK && cells[i])
            err = board_csv_text(b, cells[i]);
    }
    /* value, numerator, denominator empty; display; the 14 columns after it empty */
    if (err == CL_OK)
        err = cl_buf_adds(b, ",,,,");
    if (err == CL_OK)
        err = board_csv_text(b, display ? display : "");
    if (err == CL_OK)
        err = cl_buf_adds(b, ",,,,,,,,,,,,,,\r\n");
    return err;
}

static int
actions_csv(struct cl_buf *b, const struct board_report *r)
{
    int err = CL_OK;

    for (int i = 0; i < r->nactions && err == CL_OK; i++) {
        const struct board_action *a = &r->actions[i];
        char owner[512], latest[4200];

        snprintf(owner, sizeof owner, "%s, %s; due %s", a->owner_name, a->owner_role, a->due_on);
        if (a->nupdates > 0)
            snprintf(latest, sizeof latest, "%s (%s): %s", a->updates[a->nupdates - 1].on,
                     a->updates[a->nupdates - 1].status, a->updates[a->nupdates - 1].note);
        else
            snprintf(latest, sizeof latest, "no update yet");
        err = text_row(b, "Actions from previous meetings", a->number, a->text, a->status, owner,
                       "action", a->raised_on, latest);
    }
    return err;
}

static int
sections_csv(struct cl_buf *b, const struct board_report *r)
{
    int err = CL_OK;

    for (int i = 0; i < r->nsections && err == CL_OK; i++) {
        const struct board_section *s = &r->sections[i];
        char author[512], text[2400];

        if (s->placeholder) {
            board_fmt_placeholder(text, sizeof text, s);
            err = text_row(b, "Narrative", "", s->title, NULL, NULL, "placeholder", r->board_date,
                           text);
            continue;
        }
        if (s->approved_by)
            snprintf(author, sizeof author, "%s, %s; approved by %s on %s", s->author_name,
                     s->author_role, s->approved_by, s->approved_on);
        else
            snprintf(author, sizeof author, "%s, %s; not yet approved", s->author_name,
                     s->author_role);
        err = text_row(b, "Narrative", "", s->title, author, NULL, "narrative", r->board_date,
                       s->body);
    }
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
        err = cl_buf_adds(b, ",,,,,,,\r\n");
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
    if (err == CL_OK)
        err = actions_csv(out, r);
    if (err == CL_OK)
        err = sections_csv(out, r);
    return err;
}
