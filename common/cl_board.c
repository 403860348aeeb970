/* Small-number suppression of the Corporate Parenting Board's figures, shared by the worker's
 * report (worker/board_fmt.c) and the api's /v1/indicators (api/indicators.c), so a figure
 * the report hides is hidden the same way wherever the board role reads it. */
#include "cl_board.h"

#include <string.h>

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
secondary(struct board_row *rows, int first, int last, int (*member)(const struct board_row *),
          int prev, int which)
{
    int nsup = 0, pick = -1;
    long long best = 0;

    for (int i = first; i < last; i++) {
        struct board_fig *f = prev ? &rows[i].prev : &rows[i].now;
        int sup = which ? f->sup_den : f->sup_num;
        long long v = which ? f->den : f->num;

        if (!member(&rows[i]) || !f->present)
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
        struct board_fig *f = prev ? &rows[pick].prev : &rows[pick].now;

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
secondary_all(struct board_row *rows, int first, int last, int (*member)(const struct board_row *),
              enum board_kind k)
{
    for (int prev = 0; prev < 2; prev++) {
        secondary(rows, first, last, member, prev, 0);
        if (k != BK_COUNT)
            secondary(rows, first, last, member, prev, 1);
    }
}

/* Secondary suppression over each run of rows that same() holds together, among the rows
 * that member() picks, for the indicators that suppress small counts. */
static void
secondary_groups(struct board_row *rows, int nrows,
                 int (*same)(const struct board_row *, const struct board_row *),
                 int (*member)(const struct board_row *))
{
    for (int first = 0; first < nrows;) {
        int last = first + 1;
        enum board_kind k = rows[first].kind;
        int applies = rows[first].suppress && (k == BK_COUNT || k == BK_PCT || k == BK_MONEY);

        while (last < nrows && same(&rows[first], &rows[last]))
            last++;
        if (applies)
            secondary_all(rows, first, last, member, k);
        first = last;
    }
}

void
board_suppress_rows(struct board_row *rows, int nrows, int below)
{
    for (int i = 0; i < nrows; i++) {
        int b = rows[i].suppress ? below : 1;

        board_suppress_fig(rows[i].kind, &rows[i].now, b);
        board_suppress_fig(rows[i].kind, &rows[i].prev, b);
    }
    /* Rows arrive grouped by code, then by category (the total first), each with its
     * districts after it. */
    secondary_groups(rows, nrows, same_group, is_district);
    secondary_groups(rows, nrows, same_code, is_category_total);
}

/* The kind from its name in board_indicators.kind. */
enum board_kind
board_kind_parse(const char *s)
{
    if (strcmp(s, "pct") == 0)
        return BK_PCT;
    if (strcmp(s, "mean") == 0)
        return BK_MEAN;
    if (strcmp(s, "max") == 0)
        return BK_MAX;
    if (strcmp(s, "money") == 0)
        return BK_MONEY;
    return BK_COUNT;
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
