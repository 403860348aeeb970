/* Board report helpers with no I/O: small-number suppression, the text of each figure, and
 * HTML and CSV escaping. Shared by every renderer so the four formats say the same thing. */
#include "board.h"

#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_csv.h"
#include "cl_markup.h"
#include "cl_mem.h"

void
board_suppress(struct board_report *r)
{
    board_suppress_rows(r->rows, r->nrows, r->suppress_below);
    for (int i = 0; i < r->ntrend; i++)
        board_suppress_fig(BK_PCT, &r->trend[i].fig, r->suppress_below);
}

/* Digits with thousands separators; n may be negative. */
static void
grouped(char *out, size_t outlen, long long n)
{
    char digits[32], tmp[48];
    unsigned long long u = n < 0 ? (unsigned long long)(-(n + 1)) + 1 : (unsigned long long)n;
    int len, j = 0;

    len = snprintf(digits, sizeof digits, "%llu", u);
    if (n < 0)
        tmp[j++] = '-';
    for (int i = 0; i < len; i++) {
        if (i > 0 && (len - i) % 3 == 0)
            tmp[j++] = ',';
        tmp[j++] = digits[i];
    }
    tmp[j] = '\0';
    snprintf(out, outlen, "%s", tmp);
}

static void
money(char *out, size_t outlen, long long pence, int sign)
{
    char pounds[40];
    long long a = pence < 0 ? -pence : pence;

    grouped(pounds, sizeof pounds, a / 100);
    snprintf(out, outlen, "%s£%s.%02lld",
             pence < 0           ? "-"
             : sign && pence > 0 ? "+"
                                 : "",
             pounds, a % 100);
}

void
board_fmt_count(char *out, size_t outlen, long long n, int suppressed, int below)
{
    if (suppressed && board_small(n, below))
        snprintf(out, outlen, "<%d", below);
    else if (suppressed)
        snprintf(out, outlen, BOARD_SUPPRESSED);
    else
        grouped(out, outlen, n);
}

void
board_fmt_value(char *out, size_t outlen, enum board_kind kind, const struct board_fig *f,
                int below)
{
    if (!f->present) {
        snprintf(out, outlen, "–");
        return;
    }
    switch (kind) {
    case BK_COUNT:
        board_fmt_count(out, outlen, f->num, f->sup_num, below);
        return;
    case BK_MAX:
        board_fmt_count(out, outlen, f->num, 0, below);
        if (f->sup_value)
            snprintf(out, outlen, BOARD_SUPPRESSED);
        return;
    case BK_PCT:
        if (f->sup_value)
            snprintf(out, outlen, BOARD_SUPPRESSED);
        else
            snprintf(out, outlen, "%.0f%%", f->value);
        return;
    case BK_MEAN:
        snprintf(out, outlen, "%.1f", f->value);
        return;
    case BK_MONEY:
        if (f->sup_value)
            snprintf(out, outlen, BOARD_SUPPRESSED);
        else
            money(out, outlen, f->num, 0);
        return;
    }
    snprintf(out, outlen, "–");
}

void
board_fmt_basis(char *out, size_t outlen, enum board_kind kind, const struct board_fig *f,
                int below)
{
    char a[32], b[32];

    out[0] = '\0';
    if (!f->present || !f->has_den)
        return;
    if (kind == BK_PCT) {
        board_fmt_count(a, sizeof a, f->num, f->sup_num, below);
        board_fmt_count(b, sizeof b, f->den, f->sup_den, below);
        snprintf(out, outlen, "%s of %s", a, b);
    } else if (kind == BK_MONEY) {
        board_fmt_count(b, sizeof b, f->den, f->sup_den, below);
        snprintf(out, outlen, "%s payment%s", b, f->den == 1 && !f->sup_den ? "" : "s");
    } else if (kind == BK_MEAN) {
        board_fmt_count(b, sizeof b, f->den, 0, below);
        snprintf(out, outlen, "%s adviser%s", b, f->den == 1 ? "" : "s");
    }
}

int
board_change_shown(const struct board_row *row)
{
    return row->has_change && row->now.present && row->prev.present && !row->now.sup_value &&
           !row->prev.sup_value;
}

void
board_fmt_change(char *out, size_t outlen, const struct board_row *row)
{
    char tmp[48];

    if (!row->has_change || !row->now.present || !row->prev.present) {
        snprintf(out, outlen, "–");
        return;
    }
    if (row->now.sup_value || row->prev.sup_value) {
        snprintf(out, outlen, BOARD_SUPPRESSED);
        return;
    }
    if (row->change == 0) {
        snprintf(out, outlen, "no change");
        return;
    }
    switch (row->kind) {
    case BK_PCT:
        snprintf(out, outlen, "%+.0f %s", row->change, fabs(row->change) == 1 ? "pt" : "pts");
        return;
    case BK_MEAN:
        snprintf(out, outlen, "%+.1f", row->change);
        return;
    case BK_MONEY:
        money(out, outlen, llround(row->change), 1);
        return;
    case BK_COUNT:
    case BK_MAX:
        grouped(tmp, sizeof tmp, llround(row->change));
        snprintf(out, outlen, "%s%s", row->change > 0 ? "+" : "", tmp);
        return;
    }
}

static const char *const month_names[] = {"January",   "February", "March",    "April",
                                          "May",       "June",     "July",     "August",
                                          "September", "October",  "November", "December"};

/* y, m, d of "YYYY-MM-DD"; 0 when iso is not such a date (out then holds iso as it is). */
static int
ymd(char *out, size_t outlen, const char *iso, int *y, int *m, int *d)
{
    if (sscanf(iso, "%4d-%2d-%2d", y, m, d) != 3 || *m < 1 || *m > 12) {
        snprintf(out, outlen, "%s", iso);
        return 0;
    }
    return 1;
}

void
board_fmt_date(char *out, size_t outlen, const char *iso)
{
    int y, m, d;

    if (ymd(out, outlen, iso, &y, &m, &d))
        snprintf(out, outlen, "%d %s %d", d, month_names[m - 1], y);
}

void
board_fmt_date_short(char *out, size_t outlen, const char *iso)
{
    int y, m, d;

    if (ymd(out, outlen, iso, &y, &m, &d))
        snprintf(out, outlen, "%d %.3s %d", d, month_names[m - 1], y);
}

void
board_fmt_month(char *out, size_t outlen, const char *iso)
{
    int y, m, d;

    if (ymd(out, outlen, iso, &y, &m, &d))
        snprintf(out, outlen, "%.3s %d", month_names[m - 1], y);
}

void
board_puts(struct board_out *o, const char *s)
{
    if (o->err == CL_OK)
        o->err = cl_buf_adds(o->b, s);
}

void
board_printf(struct board_out *o, const char *fmt, ...)
{
    char small[512];
    va_list ap;
    int n;

    if (o->err != CL_OK)
        return;
    va_start(ap, fmt);
    n = vsnprintf(small, sizeof small, fmt, ap);
    va_end(ap);
    if (n < 0) {
        o->err = CL_EINVAL;
    } else if ((size_t)n < sizeof small) {
        o->err = cl_buf_add(o->b, small, (size_t)n);
    } else {
        char *big = cl_malloc((size_t)n + 1);

        va_start(ap, fmt);
        vsnprintf(big, (size_t)n + 1, fmt, ap);
        va_end(ap);
        o->err = cl_buf_add(o->b, big, (size_t)n);
        free(big);
    }
}

void
board_esc(struct board_out *o, const char *s)
{
    if (o->err == CL_OK)
        o->err = board_html_esc(o->b, s);
}

int
board_html_esc(struct cl_buf *b, const char *s)
{
    return cl_markup_text(b, s, 0);
}

int
board_csv_text(struct cl_buf *b, const char *s)
{
    return cl_csv_field(b, s, CL_CSV_FORMULA_GUARD);
}

void
board_report_free(struct board_report *r)
{
    if (r == NULL)
        return;
    free(r->title);
    free(r->la_name);
    free(r->lead_member);
    free(r->director);
    for (int i = 0; i < r->ndistricts; i++)
        free(r->districts[i]);
    free(r->districts);
    for (int i = 0; i < r->nrows; i++) {
        struct board_row *w = &r->rows[i];

        free(w->code);
        free(w->section);
        free(w->label);
        free(w->short_label);
        free(w->definition);
        free(w->category);
        free(w->district);
        free(w->england_year);
        free(w->england_source);
    }
    free(r->rows);
    for (int i = 0; i < r->ntrend; i++) {
        free(r->trend[i].chart);
        free(r->trend[i].title);
        free(r->trend[i].series);
        free(r->trend[i].code);
    }
    free(r->trend);
    for (int i = 0; i < r->nactions; i++) {
        struct board_action *a = &r->actions[i];

        free(a->number);
        free(a->text);
        free(a->owner_name);
        free(a->owner_role);
        free(a->status);
        for (int j = 0; j < a->nupdates; j++) {
            free(a->updates[j].status);
            free(a->updates[j].note);
        }
        free(a->updates);
    }
    free(r->actions);
    for (int i = 0; i < r->nsections; i++) {
        struct board_section *s = &r->sections[i];

        free(s->title);
        free(s->body);
        free(s->author_name);
        free(s->author_role);
        free(s->approved_by);
        free(s->action_number);
        free(s->action_text);
    }
    free(r->sections);
    free(r->baseline_name);
    free(r);
}

enum board_rag
board_rag(const struct board_row *w)
{
    double gap;

    if (!w->has_target)
        return RAG_NONE;
    if (!w->now.present || w->now.sup_value || w->now.sup_num)
        return RAG_NOT_RATED;
    /* how far the figure is on the worse side of the target (<= 0: at or better) */
    gap = w->target_higher ? w->target - w->now.value : w->now.value - w->target;
    if (gap <= 0)
        return RAG_GREEN;
    return gap <= w->tolerance ? RAG_AMBER : RAG_RED;
}

const char *
board_rag_label(enum board_rag rag)
{
    static const char *const labels[] = {"", "Not rated", "Green", "Amber", "Red"};

    return labels[rag];
}

const char *
board_rag_key(enum board_rag rag)
{
    static const char *const keys[] = {"", "not_rated", "green", "amber", "red"};

    return keys[rag];
}

const char *
board_rag_meaning(enum board_rag rag)
{
    static const char *const meanings[] = {
        "",
        "no figure to compare, or the figure is suppressed",
        "at the target or better",
        "short of the target by no more than its tolerance",
        "short of the target by more than its tolerance",
    };

    return meanings[rag];
}

void
board_fmt_standard(char *out, size_t outlen, enum board_kind kind, double v)
{
    switch (kind) {
    case BK_PCT:
        snprintf(out, outlen, "%.0f%%", v);
        return;
    case BK_MEAN:
        snprintf(out, outlen, "%.1f", v);
        return;
    case BK_MONEY:
        money(out, outlen, llround(v), 0);
        return;
    case BK_COUNT:
    case BK_MAX:
        break;
    }
    grouped(out, outlen, llround(v));
}

void
board_fmt_rag_rule(char *out, size_t outlen, const struct board_row *w)
{
    char t[48], edge[48], tol[48];
    double e;

    if (!w->has_target) {
        out[0] = '\0';
        return;
    }
    e = w->target_higher ? w->target - w->tolerance : w->target + w->tolerance;
    board_fmt_standard(t, sizeof t, w->kind, w->target);
    board_fmt_standard(edge, sizeof edge, w->kind, e);
    if (w->kind == BK_PCT)
        snprintf(tol, sizeof tol, "%g percentage points", w->tolerance);
    else
        board_fmt_standard(tol, sizeof tol, w->kind, w->tolerance);
    snprintf(out, outlen,
             "Target %s or %s (%s is better). Green: %s or %s; amber: worse than %s but "
             "within %s of it (to %s); red: beyond %s.",
             t, w->target_higher ? "more" : "less", w->target_higher ? "higher" : "lower", t,
             w->target_higher ? "more" : "less", t, tol, edge, edge);
}

void
board_fmt_placeholder(char *out, size_t outlen, const struct board_section *s)
{
    char d[40];

    board_fmt_date(d, sizeof d, s->action_raised_on);
    snprintf(out, outlen,
             "Not supplied. The Board asked for this section at its meeting of %s (action %s: "
             "\"%s\"); the action is still open.",
             d, s->action_number ? s->action_number : "", s->action_text ? s->action_text : "");
}

void
board_copy_text(char *out, size_t outlen, const char *s)
{
    static const char ellipsis[] = "\xe2\x80\xa6";
    size_t n = strlen(s), cut;

    if (outlen == 0)
        return;
    if (n < outlen) {
        memcpy(out, s, n + 1);
        return;
    }
    if (outlen < sizeof ellipsis) {
        out[0] = '\0';
        return;
    }
    cut = outlen - sizeof ellipsis;
    while (cut > 0 && ((unsigned char)s[cut] & 0xC0) == 0x80)
        cut--; /* s[cut] is a continuation byte: the character starts earlier */
    memcpy(out, s, cut);
    memcpy(out + cut, ellipsis, sizeof ellipsis);
}

void
board_paragraphs(const char *text, void (*each)(void *ctx, const char *para), void *ctx)
{
    const char *p = text;

    while (*p) {
        const char *end = strstr(p, "\n\n");
        size_t n = end ? (size_t)(end - p) : strlen(p);
        char *para = cl_strndup(p, n);

        each(ctx, para);
        free(para);
        p += n;
        while (*p == '\n')
            p++;
    }
}
