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

int
board_small(long long n, int below)
{
    return n >= 1 && n < below;
}

void
board_suppress_fig(enum board_kind kind, struct board_fig *f, int below)
{
    f->sup_num = f->sup_den = f->sup_value = 0;
    if (!f->present)
        return;
    switch (kind) {
    case BK_COUNT:
        f->sup_num = f->sup_value = board_small(f->num, below);
        break;
    case BK_PCT:
        /* A percentage of a small group, or of a small count, gives the count away. */
        f->sup_num = board_small(f->num, below);
        f->sup_den = f->has_den && board_small(f->den, below);
        f->sup_value = f->sup_num || f->sup_den;
        break;
    case BK_MONEY:
        /* The total of one or two payments says what a young person received. */
        f->sup_den = f->has_den && board_small(f->den, below);
        f->sup_num = f->sup_value = f->sup_den;
        break;
    case BK_MEAN:
        /* Caseloads describe advisers' workloads, not young people. */
        break;
    case BK_MAX:
        /* A maximum or median of a group of young people (den: how many) says too much of a
         * small group; caseload maxima have no den and are never hidden. */
        f->sup_num = f->sup_den = f->sup_value = f->has_den && board_small(f->den, below);
        break;
    }
}

/* Within one breakdown (rows[first..last) that add up to a total shown beside them), when
 * exactly one count is suppressed the total would give it away: suppress the smallest other
 * non-zero count as well. member(i) says which rows are the parts; which: 0 num, 1 den. */
static void
secondary(struct board_report *r, int first, int last, int (*member)(const struct board_row *),
          int prev, int which)
{
    int nsup = 0, pick = -1;
    long long best = 0;

    for (int i = first; i < last; i++) {
        struct board_fig *f = prev ? &r->rows[i].prev : &r->rows[i].now;
        int sup = which ? f->sup_den : f->sup_num;
        long long v = which ? f->den : f->num;

        if (!member(&r->rows[i]) || !f->present)
            continue;
        if (sup) {
            nsup++;
            continue;
        }
        if (v > 0 && (pick < 0 || v < best)) {
            pick = i;
            best = v;
        }
    }
    if (nsup == 1 && pick >= 0) {
        struct board_fig *f = prev ? &r->rows[pick].prev : &r->rows[pick].now;

        if (which)
            f->sup_den = 1;
        else
            f->sup_num = 1;
        f->sup_value = 1;
    }
}

/* The parts of a district breakdown, and of a category breakdown of the report total. */
static int
is_district(const struct board_row *w)
{
    return w->district != NULL;
}

static int
is_category_total(const struct board_row *w)
{
    return w->category != NULL && w->district == NULL;
}

static int
same_code(const struct board_row *a, const struct board_row *b)
{
    return strcmp(a->code, b->code) == 0;
}

static int
same_group(const struct board_row *a, const struct board_row *b)
{
    if (!same_code(a, b))
        return 0;
    if ((a->category == NULL) != (b->category == NULL))
        return 0;
    return a->category == NULL || strcmp(a->category, b->category) == 0;
}

static void
secondary_all(struct board_report *r, int first, int last, int (*member)(const struct board_row *),
              enum board_kind k)
{
    for (int prev = 0; prev < 2; prev++) {
        secondary(r, first, last, member, prev, 0);
        if (k != BK_COUNT)
            secondary(r, first, last, member, prev, 1);
    }
}

/* Secondary suppression over each run of rows that same() holds together, among the rows
 * that member() picks, for the indicators that suppress small counts. */
static void
secondary_groups(struct board_report *r,
                 int (*same)(const struct board_row *, const struct board_row *),
                 int (*member)(const struct board_row *))
{
    for (int first = 0; first < r->nrows;) {
        int last = first + 1;
        enum board_kind k = r->rows[first].kind;
        int applies = r->rows[first].suppress && (k == BK_COUNT || k == BK_PCT || k == BK_MONEY);

        while (last < r->nrows && same(&r->rows[first], &r->rows[last]))
            last++;
        if (applies)
            secondary_all(r, first, last, member, k);
        first = last;
    }
}

void
board_suppress(struct board_report *r)
{
    int below = r->suppress_below;

    for (int i = 0; i < r->nrows; i++) {
        int b = r->rows[i].suppress ? below : 1;

        board_suppress_fig(r->rows[i].kind, &r->rows[i].now, b);
        board_suppress_fig(r->rows[i].kind, &r->rows[i].prev, b);
    }
    for (int i = 0; i < r->ntrend; i++)
        board_suppress_fig(BK_PCT, &r->trend[i].fig, below);
    /* Rows arrive grouped by code, then by category (the total first), each with its
     * districts after it. */
    secondary_groups(r, same_group, is_district);
    secondary_groups(r, same_code, is_category_total);
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

const char *
board_kind_name(enum board_kind k)
{
    switch (k) {
    case BK_PCT:
        return "percentage";
    case BK_COUNT:
        return "count";
    case BK_MEAN:
        return "mean";
    case BK_MAX:
        return "maximum";
    case BK_MONEY:
        return "money_pence";
    }
    return "count";
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
    free(r);
}
