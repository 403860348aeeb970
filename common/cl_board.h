/* The figures of the Corporate Parenting Board report as the worker's renderers and the api's
 * /v1/indicators hold them, and their small-number suppression (common/cl_board.c): one rule,
 * so the board role sees the same figures hidden in the report and through the api. */
#ifndef CL_BOARD_COMMON_H
#define CL_BOARD_COMMON_H

enum board_kind {
    BK_PCT,   /* num of den, value = whole percentage */
    BK_COUNT, /* value = num */
    BK_MEAN,  /* num / den to one decimal place (e.g. caseload per adviser) */
    BK_MAX,   /* value = num (e.g. largest caseload) */
    BK_MONEY, /* num pence over den payments */
};

/* One indicator (or one category of it) at one date, for the report scope or one district. */
struct board_fig {
    int present; /* 0: no data (empty denominator, no advisers, ...) */
    long long num;
    int has_num; /* 0: no numerator (e.g. the largest caseload when there are no advisers) */
    long long den;
    int has_den;
    double value;  /* as computed by SQL */
    int sup_num;   /* suppressed: the count num */
    int sup_den;   /* suppressed: the count den */
    int sup_value; /* suppressed: the value (and any change computed from it) */
};

struct board_row {
    char *code;
    char *section;
    char *label;
    char *short_label; /* heading of its column in the district breakdown */
    char *definition;
    char *category; /* NULL, or a breakdown (a B&B reason, a partner, a status) */
    char *district; /* NULL: every district in the report */
    enum board_kind kind;
    int in_breakdown; /* a column of the district breakdown table */
    int suppress;     /* small counts are suppressed (counts of young people or events) */
    struct board_fig now, prev;
    int has_change;
    double change; /* value - prev value, from SQL (percentage points for BK_PCT) */
    int has_england;
    double england;
    char *england_year; /* e.g. "2025" (year ending 31 March) */
    char *england_source;
    /* The report total's standards (board_report_standards, schema/functions/
     * board_business.sql): the baseline's figure (entered: typed in by hand, not computed) and
     * the target, in the unit of value (whole percentage points for a percentage). */
    int has_baseline, baseline_entered;
    double baseline;
    int has_target, target_higher; /* target_higher: higher is better */
    double target, tolerance;
};

/* The kind of board_indicators.kind ("pct", "count", "mean", "max", "money"). */
enum board_kind board_kind_parse(const char *s);

/* The kind's name in the JSON and CSV files: "percentage", "count", "mean", "maximum",
 * "money_pence". */
const char *board_kind_name(enum board_kind k);

/* Suppression. A count is small when 1 <= n < below. board_suppress_fig sets one figure's
 * sup_* flags by its kind; board_suppress_rows does every row (rows whose suppress is 0 are
 * left shown), then suppresses secondarily across each district breakdown and each category
 * breakdown of the total, so a suppressed cell cannot be recovered by subtracting the others
 * from the total. rows must be in the report's order: grouped by code, then category (the
 * total first), each with its districts after it. */
int board_small(long long n, int below);
void board_suppress_fig(enum board_kind kind, struct board_fig *f, int below);
void board_suppress_rows(struct board_row *rows, int nrows, int below);

#endif
