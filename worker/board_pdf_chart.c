/* The Board report's trend charts in the PDF, drawn with cairo on the geometry the SVG charts
 * share (board_chart.c): axes, one line per series with England's average dashed, a legend, and
 * the values as a compact table under each chart. */
#include "board_pdf.h"

#include <stdio.h>
#include <string.h>

#define CHART_H 200

static const unsigned series_rgb[] = {0x1d70b8, 0xb35900, 0x4c2c92, 0x00703c};

static void
marker(struct board_pdf *p, int s, double x, double y)
{
    if (s % 3 == 0) {
        cairo_arc(p->cr, x, y, 3, 0, 6.283185307);
    } else if (s % 3 == 1) {
        cairo_rectangle(p->cr, x - 3, y - 3, 6, 6);
    } else {
        cairo_move_to(p->cr, x, y - 4);
        cairo_line_to(p->cr, x + 3.5, y + 2.5);
        cairo_line_to(p->cr, x - 3.5, y + 2.5);
        cairo_close_path(p->cr);
    }
    cairo_fill(p->cr);
}

/* Gridlines with percentage labels, and the months under the plot. */
static void
axes(struct board_pdf *p, const struct board_chart *c, const struct board_chart_geom *g)
{
    for (int t = 0; t < g->nticks; t++) {
        double y = board_chart_y(g, g->ticks[t]);
        char lab[16];

        board_pdf_colour(p, t == 0 ? 0x505a5f : 0xdddddd);
        cairo_set_line_width(p->cr, t == 0 ? 0.8 : 0.5);
        cairo_move_to(p->cr, g->x0, y);
        cairo_line_to(p->cr, g->x0 + g->w, y);
        cairo_stroke(p->cr);
        snprintf(lab, sizeof lab, "%.0f%%", g->ticks[t]);
        board_pdf_text(p, 0, y - 5, g->x0 - 5, lab, "7", PANGO_ALIGN_RIGHT, 0x505a5f);
    }
    for (int m = 0; m < c->nmonths; m++) {
        char mon[4], year[5];
        double x = board_chart_x(g, m, c->nmonths);

        board_chart_month_label(c->months[m], m, mon, year);
        board_pdf_text(p, x - 20, g->y0 + g->h + 4, 40, mon, "7", PANGO_ALIGN_CENTER, 0x505a5f);
        if (year[0])
            board_pdf_text(p, x - 20, g->y0 + g->h + 13, 40, year, "7", PANGO_ALIGN_CENTER,
                           0x505a5f);
    }
}

/* The point of series s at month m when it is shown (present, not suppressed), else NULL. */
static const struct board_point *
shown_at(const struct board_pdf *p, const struct board_chart *c, int s, int m)
{
    const struct board_point *pt = board_point_at(p->r, c->key, c->series[s], c->months[m]);

    return pt && pt->fig.present && !pt->fig.sup_value ? pt : NULL;
}

/* Series s: England's average dashed across the plot (and in the legend at lx, ly), the line
 * through the shown points, broken where one is not, and a marker on each. */
static void
series_line(struct board_pdf *p, const struct board_chart *c, const struct board_chart_geom *g,
            int s, const struct board_point *p0, double lx, double ly)
{
    int pen = 0;

    board_pdf_colour(p, series_rgb[s % 4]);
    if (p0 && p0->has_england) {
        double dash[] = {5, 3};
        double y = board_chart_y(g, p0->england);

        cairo_set_dash(p->cr, dash, 2, 0);
        cairo_set_line_width(p->cr, 1.2);
        cairo_move_to(p->cr, g->x0, y);
        cairo_line_to(p->cr, g->x0 + g->w, y);
        cairo_stroke(p->cr);
        cairo_move_to(p->cr, lx, ly + 15);
        cairo_line_to(p->cr, lx + 20, ly + 15);
        cairo_stroke(p->cr);
        cairo_set_dash(p->cr, NULL, 0, 0);
    }
    cairo_set_line_width(p->cr, 2);
    for (int m = 0; m < c->nmonths; m++) {
        const struct board_point *pt = shown_at(p, c, s, m);
        double x, y;

        if (pt == NULL) {
            pen = 0;
            continue;
        }
        x = board_chart_x(g, m, c->nmonths);
        y = board_chart_y(g, pt->fig.value);
        if (pen)
            cairo_line_to(p->cr, x, y);
        else
            cairo_move_to(p->cr, x, y);
        pen = 1;
    }
    cairo_stroke(p->cr);
    for (int m = 0; m < c->nmonths; m++) {
        const struct board_point *pt = shown_at(p, c, s, m);

        if (pt)
            marker(p, s, board_chart_x(g, m, c->nmonths), board_chart_y(g, pt->fig.value));
    }
}

/* Series s's legend entry at lx, ly: its line and marker, its name, and England's average. */
static void
legend(struct board_pdf *p, const struct board_chart *c, int s, const struct board_point *p0,
       double lx, double ly)
{
    cairo_set_line_width(p->cr, 2);
    cairo_move_to(p->cr, lx, ly);
    cairo_line_to(p->cr, lx + 20, ly);
    cairo_stroke(p->cr);
    marker(p, s, lx + 10, ly);
    board_pdf_text(p, lx + 25, ly - 5, 95, c->series[s], "7.5", PANGO_ALIGN_LEFT, 0x0b0c0c);
    if (p0 && p0->has_england) {
        char lab[48];

        snprintf(lab, sizeof lab, "England %.0f%%", p0->england);
        board_pdf_text(p, lx + 25, ly + 10, 95, lab, "7.5", PANGO_ALIGN_LEFT, 0x0b0c0c);
    }
}

/* The chart's values as a compact table: a column per month (at most 15), a row per series. */
static void
values_table(struct board_pdf *p, const struct board_chart *c, double width)
{
    struct board_pdf_table t = {.ncols = c->nmonths + 1, .font_pt = 6.5};
    double cw = (width - 70) / (c->nmonths ? c->nmonths : 1);

    t.widths[0] = 70;
    board_pdf_set_cell(&t.head[0], "Month end", NULL);
    for (int m = 0; m < c->nmonths && m < 15; m++) {
        char mon[16], lab[16];

        board_fmt_month(mon, sizeof mon, c->months[m]);
        snprintf(lab, sizeof lab, "%.3s %.2s", mon, strlen(mon) == 8 ? mon + 6 : "");
        t.widths[m + 1] = cw;
        t.right[m + 1] = 1;
        board_pdf_set_cell(&t.head[m + 1], lab, NULL);
    }
    if (t.ncols > 16)
        t.ncols = 16;
    board_pdf_draw_row(p, &t, t.head, 1);
    for (int s = 0; s < c->nseries; s++) {
        struct board_pdf_cell cells[16];

        board_pdf_set_cell(&cells[0], c->series[s], NULL);
        for (int m = 0; m + 1 < t.ncols; m++) {
            const struct board_point *pt = board_point_at(p->r, c->key, c->series[s], c->months[m]);
            char v[32] = "–";

            if (pt)
                board_fmt_value(v, sizeof v, BK_PCT, &pt->fig, p->r->suppress_below);
            board_pdf_set_cell(&cells[m + 1], v, NULL);
        }
        board_pdf_table_row(p, &t, cells, 0);
    }
}

void
board_pdf_chart(struct board_pdf *p, const struct board_chart *c)
{
    const double W = board_pdf_content_w(p), H = CHART_H;
    double vals[121], oy;
    int nv = board_chart_values(p->r, c->key, vals, 121);
    struct board_chart_geom g;

    board_pdf_need(p, H + 20 + 70);
    p->y += board_pdf_text(p, BOARD_PDF_MARGIN, p->y, W, c->title, "Bold 10", PANGO_ALIGN_LEFT,
                           0x0b0c0c) +
            4;
    oy = p->y;
    board_chart_geom(&g, W, H, 36, 120, 8, 26, vals, nv);
    cairo_save(p->cr);
    cairo_translate(p->cr, BOARD_PDF_MARGIN, oy);
    axes(p, c, &g);
    for (int s = 0; s < c->nseries; s++) {
        const struct board_point *p0 = board_point_at(p->r, c->key, c->series[s], c->months[0]);
        double lx = g.x0 + g.w + 12, ly = g.y0 + 8 + s * 36;

        series_line(p, c, &g, s, p0, lx, ly);
        legend(p, c, s, p0, lx, ly);
    }
    cairo_restore(p->cr);
    p->y = oy + H + 4;
    values_table(p, c, W);
    p->y += 14;
}
