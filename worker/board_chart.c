/* Chart geometry and the grouping of trend points into charts, shared by the SVG (HTML) and
 * the cairo (PDF) charts so both draw the same picture; and the lookups of the district
 * breakdown that both lay out. */
#include "board.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

void
board_chart_geom(struct board_chart_geom *g, double width, double height, double left, double right,
                 double top, double bottom, const double *values, int n)
{
    double lo = 100;

    g->x0 = left;
    g->y0 = top;
    g->w = width - left - right;
    g->h = height - top - bottom;
    for (int i = 0; i < n; i++)
        if (values[i] < lo)
            lo = values[i];
    /* Start the axis at a round 10 below the lowest value when everything is above 50%, so a
     * few points' movement is visible; otherwise show the whole 0-100 scale. */
    g->vmin = lo >= 50 ? floor((lo - 10) / 10) * 10 : 0;
    if (g->vmin < 0)
        g->vmin = 0;
    g->vmax = 100;
    g->nticks = 0;
    {
        double step = (g->vmax - g->vmin) > 50 ? 20 : 10;

        for (double t = g->vmin; t <= g->vmax + 1e-9 && g->nticks < 11; t += step)
            g->ticks[g->nticks++] = t;
    }
}

double
board_chart_x(const struct board_chart_geom *g, int i, int npoints)
{
    if (npoints <= 1)
        return g->x0 + g->w / 2;
    return g->x0 + g->w * (double)i / (double)(npoints - 1);
}

double
board_chart_y(const struct board_chart_geom *g, double v)
{
    if (v < g->vmin)
        v = g->vmin;
    if (v > g->vmax)
        v = g->vmax;
    return g->y0 + g->h * (g->vmax - v) / (g->vmax - g->vmin);
}

static int
index_of(const char *const *list, int n, const char *s)
{
    for (int i = 0; i < n; i++)
        if (strcmp(list[i], s) == 0)
            return i;
    return -1;
}

int
board_charts(const struct board_report *r, struct board_chart *out, int max)
{
    int n = 0;

    for (int i = 0; i < r->ntrend; i++) {
        const struct board_point *p = &r->trend[i];
        struct board_chart *c = NULL;

        for (int k = 0; k < n; k++)
            if (strcmp(out[k].key, p->chart) == 0)
                c = &out[k];
        if (c == NULL) {
            if (n == max)
                continue;
            c = &out[n++];
            memset(c, 0, sizeof *c);
            c->key = p->chart;
            c->title = p->title;
        }
        if (index_of(c->series, c->nseries, p->series) < 0 && c->nseries < 4)
            c->series[c->nseries++] = p->series;
        if (index_of(c->months, c->nmonths, p->month) < 0 && c->nmonths < 24)
            c->months[c->nmonths++] = p->month;
    }
    return n;
}

int
board_chart_values(const struct board_report *r, const char *key, double *out, int max)
{
    int n = 0;

    /* Each point gives up to two values. */
    for (int i = 0; i < r->ntrend && n + 1 < max; i++) {
        const struct board_point *p = &r->trend[i];

        if (strcmp(p->chart, key) != 0)
            continue;
        if (p->fig.present && !p->fig.sup_value)
            out[n++] = p->fig.value;
        if (p->has_england)
            out[n++] = p->england;
    }
    return n;
}

const struct board_point *
board_point_at(const struct board_report *r, const char *chart, const char *series,
               const char *month)
{
    for (int i = 0; i < r->ntrend; i++) {
        const struct board_point *p = &r->trend[i];

        if (strcmp(p->chart, chart) == 0 && strcmp(p->series, series) == 0 &&
            strcmp(p->month, month) == 0)
            return p;
    }
    return NULL;
}

void
board_chart_month_label(const char *iso, int i, char mon[4], char year[5])
{
    char name[32];

    board_fmt_month(name, sizeof name, iso);
    snprintf(mon, 4, "%.3s", name);
    if (i == 0 || strncmp(iso + 5, "01", 2) == 0)
        snprintf(year, 5, "%.4s", iso);
    else
        year[0] = '\0';
}

int
board_districts(const struct board_report *r, const char **out, int max)
{
    int n = 0;

    for (int i = 0; i < r->nrows; i++) {
        const char *d = r->rows[i].district;
        int seen = 0;

        if (d == NULL)
            continue;
        for (int k = 0; k < n && !seen; k++)
            seen = strcmp(out[k], d) == 0;
        if (!seen && n < max)
            out[n++] = d;
    }
    return n;
}

const struct board_row *
board_find_row(const struct board_report *r, const char *code, const char *district)
{
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *w = &r->rows[i];

        if (w->category == NULL && strcmp(w->code, code) == 0 &&
            ((district == NULL && w->district == NULL) ||
             (district && w->district && strcmp(district, w->district) == 0)))
            return w;
    }
    return NULL;
}
