/* The Corporate Parenting Board report as the renderers see it: the figures read from SQL
 * (board_report, schema/functions/board.sql), already marked for
 * small-number suppression, plus the header block from configuration. Every number here
 * comes from the database; the renderers only format and lay out.
 *
 * Ownership: board_report_free releases everything a struct board_report holds. Renderers
 * append to a caller-owned struct cl_buf and return CL_OK or CL_EINVAL (buffer cap). */
#ifndef CL_BOARD_H
#define CL_BOARD_H

#include <stddef.h>

#include "cl_board.h"
#include "cl_buf.h"
#include "cl_err.h"

/* A point of a twelve-month trend line. */
struct board_point {
    char *chart;  /* chart key, e.g. "in_touch" */
    char *title;  /* chart title */
    char *series; /* e.g. "Aged 17-18" */
    char *code;   /* indicator code of the series */
    char month[11];
    struct board_fig fig;
    int has_england;
    double england;
};

/* An action from a previous meeting (board_report_actions) with its history up to the board
 * date. */
struct board_update {
    char on[11];
    char *status;
    char *note;
};
struct board_action {
    char raised_on[11];
    char *number;
    char *text;
    char *owner_name;
    char *owner_role;
    char due_on[11];
    char *status;       /* on the board date: "open", "done" or "dropped" */
    char closed_on[11]; /* "" while open */
    struct board_update *updates;
    int nupdates;
};

/* A narrative section of the meeting's report, or (placeholder) a section an open action asked
 * for that was not supplied: then title is the section asked for, body and author are NULL and
 * action_* name the action. */
struct board_section {
    char *title;
    char *body;
    char *author_name;
    char *author_role;
    char *approved_by; /* NULL: not yet approved */
    char approved_on[11];
    int placeholder;
    char *action_number;
    char action_raised_on[11];
    char *action_text;
};

struct board_report {
    char *title;
    char *la_name;
    char *lead_member;
    char *director;
    char as_at[11];
    char compare_to[11];
    char board_date[11];
    char period_from[11];      /* period figures (B&B, grants, ...) count (period_from, as_at] */
    char prev_period_from[11]; /* and (prev_period_from, compare_to] for the comparison */
    char generated_at[32];     /* RFC 3339 UTC */
    char **districts;          /* as requested; NULL with ndistricts 0 = every district */
    int ndistricts;
    int suppress_below; /* counts 1..suppress_below-1 are suppressed */
    struct board_row *rows;
    int nrows;
    struct board_point *trend;
    int ntrend;
    struct board_action *actions;
    int nactions;
    struct board_section *sections;
    int nsections;
    char *baseline_name; /* the baseline the rows' figures come from; NULL: none */
    char baseline_on[11];
    int has_targets; /* some row has a target: the report shows RAG statuses and their legend */
};

/* RAG status of a report total against its target (board_fmt.c), the rule in one place:
 * green when the figure is at the target or on its better side; amber when on the worse side
 * by no more than the tolerance; red beyond it. Not rated when the row has no target, no
 * figure, or its figure is suppressed (a status would narrow a hidden number down). */
enum board_rag { RAG_NONE, RAG_NOT_RATED, RAG_GREEN, RAG_AMBER, RAG_RED };
enum board_rag board_rag(const struct board_row *w);
/* "Green", "Amber", "Red", "Not rated" (RAG_NONE: ""); the label never relies on colour. */
const char *board_rag_label(enum board_rag rag);
/* "green", "amber", "red", "not_rated" for JSON and CSV ("" for RAG_NONE). */
const char *board_rag_key(enum board_rag rag);
/* What the status means: "At or better than the target", ... */
const char *board_rag_meaning(enum board_rag rag);
/* The rule of the row's status in words, e.g. "Target 70% or more; amber from 65% (tolerance
 * 5 points); red below 65%." ("" without a target). */
void board_fmt_rag_rule(char *out, size_t outlen, const struct board_row *w);
/* The text of a placeholder section: "Not supplied. The Board asked for this at its meeting
 * of 12 March 2026 (action 3: ...)." */
void board_fmt_placeholder(char *out, size_t outlen, const struct board_section *s);
/* Calls each(ctx, para) for each paragraph of text: the pieces between blank lines. */
void board_paragraphs(const char *text, void (*each)(void *ctx, const char *para), void *ctx);
/* s into out (always NUL-terminated); when it does not fit, cut at a UTF-8 character boundary
 * and ended with "…", so a cut never leaves half a character. */
void board_copy_text(char *out, size_t outlen, const char *s);
/* A baseline or target value in the row's unit: "48%", "24.3", "35", "£1,200.00". */
void board_fmt_standard(char *out, size_t outlen, enum board_kind kind, double v);

void board_report_free(struct board_report *r);

/* Suppression of every figure and trend point (board_suppress_rows, common/cl_board.h). */
void board_suppress(struct board_report *r);

/* 1 when the row's change can be shown as a number: both figures present and neither
 * suppressed. */
int board_change_shown(const struct board_row *row);

/* Text of figures (board_fmt.c), written into out (always NUL-terminated). */
#define BOARD_SUPPRESSED "[c]"
/* "1,234"; a suppressed count as "<6" (for below = 6) when it is small, or "[c]" when it was
 * suppressed only to protect another. */
void board_fmt_count(char *out, size_t outlen, long long n, int suppressed, int below);
/* The headline value: "87%", "<6", "24.3", "£12,345.67", "[c]", or "–" when absent. */
void board_fmt_value(char *out, size_t outlen, enum board_kind kind, const struct board_fig *f,
                     int below);
/* "(34 of 39)" for a percentage, "(12 payments)" for money, "" otherwise. */
void board_fmt_basis(char *out, size_t outlen, enum board_kind kind, const struct board_fig *f,
                     int below);
/* "+5 pts", "-2", "+£150.00", "no change", "[c]" or "–". */
void board_fmt_change(char *out, size_t outlen, const struct board_row *row);
/* "31 March 2025" from "2025-03-31". */
void board_fmt_date(char *out, size_t outlen, const char *iso);
/* "31 Mar 2025" from "2025-03-31". */
void board_fmt_date_short(char *out, size_t outlen, const char *iso);
/* "Mar 2025" from "2025-03-31". */
void board_fmt_month(char *out, size_t outlen, const char *iso);

/* A writer with a sticky error, so a renderer can write many pieces and check once. */
struct board_out {
    struct cl_buf *b;
    int err;
};
void board_puts(struct board_out *o, const char *s);
void board_printf(struct board_out *o, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* s with HTML/XML escaping. */
void board_esc(struct board_out *o, const char *s);

/* Escaping (board_fmt.c). */
int board_html_esc(struct cl_buf *b, const char *s) CL_WARN_UNUSED;
/* One CSV field per RFC 4180: quoted when it holds a comma, quote, CR or LF (quotes doubled).
 * Text that a spreadsheet would run as a formula (=, +, -, @, TAB or CR first) gets a leading
 * quote.
 * (cl_csv_field with CL_CSV_FORMULA_GUARD: the Board CSV is opened in spreadsheets.) */
int board_csv_text(struct cl_buf *b, const char *s) CL_WARN_UNUSED;

/* Chart geometry shared by the SVG and the PDF charts (board_chart.c). */
struct board_chart_geom {
    double x0, y0, w, h; /* plot area (y0 is the top) */
    double vmin, vmax;   /* value range on the y axis (percent) */
    int nticks;
    double ticks[11];
};
/* Plot area inside a width x height box with the given margins; y axis 0-100% by default,
 * widened to a lower floor of a multiple of 10 when every value is high, so differences show. */
void board_chart_geom(struct board_chart_geom *g, double width, double height, double left,
                      double right, double top, double bottom, const double *values, int n);
double board_chart_x(const struct board_chart_geom *g, int i, int npoints);
double board_chart_y(const struct board_chart_geom *g, double v);

/* The x axis label of month point i: "Nov" in mon, and the year in year for the first point
 * and each January ("" otherwise). */
void board_chart_month_label(const char *iso, int i, char mon[4], char year[5]);

/* The charts of the report in order: chart keys and the points of each (board_chart.c). */
struct board_chart {
    const char *key;
    const char *title;
    const char *series[4];
    int nseries;
    const char *months[24];
    int nmonths;
};
/* Collects up to max charts from r->trend (in order of first appearance). */
int board_charts(const struct board_report *r, struct board_chart *out, int max);
/* The values the chart of key plots (shown figures and England averages), at most max;
 * returns how many. */
int board_chart_values(const struct board_report *r, const char *key, double *out, int max);
/* The trend point of chart/series/month, or NULL. */
const struct board_point *board_point_at(const struct board_report *r, const char *chart,
                                         const char *series, const char *month);

/* The district names of the rows in the order they first appear, at most max (board_chart.c). */
int board_districts(const struct board_report *r, const char **out, int max);
/* The row of indicator code with no category, for district (NULL: the report total), or
 * NULL. */
const struct board_row *board_find_row(const struct board_report *r, const char *code,
                                       const char *district);

/* Renderers (board_json.c, board_csv.c, board_html.c, board_pdf.c). */
int board_render_json(const struct board_report *r, struct cl_buf *out) CL_WARN_UNUSED;
int board_render_csv(const struct board_report *r, struct cl_buf *out) CL_WARN_UNUSED;
int board_render_html(const struct board_report *r, struct cl_buf *out) CL_WARN_UNUSED;
int board_render_pdf(const struct board_report *r, struct cl_buf *out) CL_WARN_UNUSED;

#endif
