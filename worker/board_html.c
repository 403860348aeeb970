/* The Board report as one self-contained HTML file: inline CSS (screen and print), inline SVG
 * charts each with a title, a description and a data table as its text alternative, and
 * tables with scoped headers. Nothing is fetched: no scripts, fonts, images or links out. */
#include "board.h"

#include <stdio.h>
#include <string.h>

static const char css[] =
    "body{font-family:'DejaVu Sans',Arial,Helvetica,sans-serif;color:#0b0c0c;margin:0;"
    "background:#fff;font-size:15px;line-height:1.4}"
    "main{max-width:1000px;margin:0 auto;padding:24px 32px}"
    "h1{font-size:26px;margin:0 0 4px}"
    "h2{font-size:20px;margin:32px 0 8px;border-bottom:2px solid #1d70b8;padding-bottom:4px;"
    "break-after:avoid}"
    "h3{font-size:16px;margin:20px 0 6px;break-after:avoid}"
    ".board{font-size:16px;color:#505a5f;margin:0 0 12px;text-transform:uppercase;"
    "letter-spacing:.04em}"
    "table{border-collapse:collapse;width:100%;margin:6px 0 16px;font-size:14px}"
    "caption{text-align:left;font-weight:bold;padding:4px 0;font-size:15px}"
    "th,td{border:1px solid #b1b4b6;padding:5px 8px;vertical-align:top}"
    "thead th{background:#f3f2f1;text-align:left}"
    "td.n,th.n{text-align:right;white-space:nowrap}"
    "table.scorecard{table-layout:fixed}table.scorecard thead th:first-child{width:40%}"
    "table.meta th{width:32%;background:#f3f2f1;text-align:left;font-weight:bold}"
    "tr.cat th{font-weight:normal;padding-left:28px}"
    "tbody th{text-align:left;font-weight:bold}"
    "tr.total th,tr.total td{font-weight:bold;background:#f8f8f8}"
    ".basis{display:block;color:#505a5f;font-size:12px}"
    ".rec{border-left:5px solid #1d70b8;background:#f3f8fc;padding:10px 14px;margin:12px 0}"
    "figure{margin:12px 0 24px;break-inside:avoid}"
    "figcaption{font-weight:bold;margin-bottom:4px}"
    "table.chartdata{font-size:12px;width:auto;min-width:50%}"
    "table.chartdata th,table.chartdata td{padding:2px 8px}"
    "svg{max-width:100%;height:auto}"
    "dt{font-weight:bold;margin-top:8px}dd{margin:2px 0 0 0}"
    ".note{color:#505a5f;font-size:13px}"
    ".rag{display:inline-block;padding:1px 6px;border:1px solid #0b0c0c;font-weight:bold}"
    ".rag-green{background:#cce2d8}.rag-amber{background:#fff7bf}.rag-red{background:#f4cdc6}"
    ".rag-not_rated{background:#f3f2f1}"
    ".placeholder{border:3px dashed #d4351c;padding:10px 14px;margin:12px 0;background:#fff}"
    ".byline{color:#505a5f;font-size:13px;margin:0 0 6px}"
    "footer{margin-top:32px;color:#505a5f;font-size:12px;border-top:1px solid #b1b4b6;"
    "padding-top:8px}"
    "@media print{@page{size:A4;margin:15mm}main{padding:0;max-width:none}body{font-size:11pt}"
    "table{font-size:9.5pt}tr,figure{break-inside:avoid}h2{break-before:auto}}";

static const char *const series_colour[] = {"#1d70b8", "#b35900", "#4c2c92", "#00703c"};

/* The scope of the report in words. */
static void
districts_text(struct board_out *o, const struct board_report *r)
{
    if (r->ndistricts == 0) {
        board_puts(o, "All districts");
        return;
    }
    for (int i = 0; i < r->ndistricts; i++) {
        if (i)
            board_puts(o, i == r->ndistricts - 1 ? " and " : ", ");
        board_esc(o, r->districts[i]);
    }
}

static void
meta_row(struct board_out *o, const char *th, const char *td)
{
    board_puts(o, "<tr><th scope=\"row\">");
    board_esc(o, th);
    board_puts(o, "</th><td>");
    board_esc(o, td);
    board_puts(o, "</td></tr>\n");
}

static void
header_block(struct board_out *o, const struct board_report *r)
{
    char d1[40], d2[40], d3[40], line[128];

    board_puts(o, "<header>\n<p class=\"board\">Corporate Parenting Board</p>\n<h1>");
    board_esc(o, r->title);
    board_puts(o, "</h1>\n<table class=\"meta\">\n<caption>Report details</caption>\n<tbody>\n");
    board_fmt_date(d1, sizeof d1, r->board_date);
    meta_row(o, "Board date", d1);
    meta_row(o, "Report title", r->title);
    meta_row(o, "Local authority", r->la_name);
    meta_row(o, "Cabinet member with lead responsibility", r->lead_member);
    meta_row(o, "Accountable director", r->director);
    board_puts(o, "<tr><th scope=\"row\">Districts covered</th><td>");
    districts_text(o, r);
    board_puts(o, "</td></tr>\n");
    board_fmt_date(d1, sizeof d1, r->as_at);
    meta_row(o, "Data as at", d1);
    board_fmt_date(d2, sizeof d2, r->compare_to);
    meta_row(o, "Compared with", d2);
    board_fmt_date(d3, sizeof d3, r->period_from);
    snprintf(line, sizeof line, "after %s, up to and including %s", d3, d1);
    meta_row(o, "Period for counts of events", line);
    board_puts(o, "</tbody>\n</table>\n</header>\n");
}

static void
intro(struct board_out *o, const struct board_report *r)
{
    char d1[40], d2[40];

    board_fmt_date(d1, sizeof d1, r->as_at);
    board_fmt_date(d2, sizeof d2, r->compare_to);
    board_puts(o, "<h2 id=\"recommendation\">Recommendation</h2>\n<p class=\"rec\">The "
                  "Corporate Parenting Board is recommended to note the performance of the "
                  "service for care leavers set out in this report, to consider the district "
                  "breakdown, and to identify any areas on which it wants further "
                  "information.</p>\n");
    board_printf(o,
                 "<h2 id=\"purpose\">1. Purpose</h2>\n<p>This report sets out how the "
                 "council is meeting its duties to young people leaving its care, as at %s, "
                 "compared with %s. The three national indicators (in touch, in education, "
                 "employment or training, and in suitable accommodation) follow the "
                 "Department for Education's definitions for the SSDA903 return and are set "
                 "beside the latest England average. ",
                 d1, d2);
    board_printf(o,
                 "All figures are counts of young people or events; no young person can be "
                 "identified. Counts from 1 to %d are shown as &lt;%d, and percentages or "
                 "totals that would reveal them as %s.</p>\n",
                 r->suppress_below - 1, r->suppress_below, BOARD_SUPPRESSED);
}

static void
fig_cell(struct board_out *o, const struct board_report *r, const struct board_row *w,
         const struct board_fig *f)
{
    char v[64], basis[96];

    board_fmt_value(v, sizeof v, w->kind, f, r->suppress_below);
    board_fmt_basis(basis, sizeof basis, w->kind, f, r->suppress_below);
    board_puts(o, "<td class=\"n\">");
    board_esc(o, v);
    if (basis[0]) {
        board_puts(o, "<span class=\"basis\">");
        board_esc(o, basis);
        board_puts(o, "</span>");
    }
    board_puts(o, "</td>");
}

/* The RAG status as a text label in a coloured box (the colour only repeats the word). */
static void
rag_cell(struct board_out *o, const struct board_row *w)
{
    enum board_rag rag = w->category == NULL ? board_rag(w) : RAG_NONE;

    board_puts(o, "<td>");
    if (rag == RAG_NONE)
        board_puts(o, "–");
    else
        board_printf(o, "<span class=\"rag rag-%s\">%s</span>", board_rag_key(rag),
                     board_rag_label(rag));
    board_puts(o, "</td>");
}

static void
standards_cells(struct board_out *o, const struct board_row *w)
{
    char v[64];

    board_puts(o, "<td class=\"n\">");
    if (w->category == NULL && w->has_baseline) {
        board_fmt_standard(v, sizeof v, w->kind, w->baseline);
        board_esc(o, v);
        if (w->baseline_entered)
            board_puts(o, "<span class=\"basis\">entered by hand</span>");
    } else {
        board_puts(o, "–");
    }
    board_puts(o, "</td><td class=\"n\">");
    if (w->category == NULL && w->has_target) {
        board_fmt_standard(v, sizeof v, w->kind, w->target);
        board_esc(o, v);
        board_printf(o, "<span class=\"basis\">%s is better</span>",
                     w->target_higher ? "higher" : "lower");
    } else {
        board_puts(o, "–");
    }
    board_puts(o, "</td>");
    rag_cell(o, w);
}

/* One paragraph; dir="auto" lays out a paragraph in a right-to-left script right to left. */
static void
html_para(void *ctx, const char *para)
{
    struct board_out *o = ctx;

    board_puts(o, "<p dir=\"auto\">");
    board_esc(o, para);
    board_puts(o, "</p>\n");
}

static void
actions(struct board_out *o, const struct board_report *r, int *section_no)
{
    char d[40];

    board_printf(o, "<h2 id=\"actions\">%d. Actions from previous meetings</h2>\n", ++*section_no);
    if (r->nactions == 0) {
        board_puts(o, "<p>No actions from previous meetings are open.</p>\n");
        return;
    }
    board_puts(o, "<table class=\"actions\">\n<caption>Actions from previous meetings: open, or "
                  "closed since the last meeting</caption>\n<thead><tr>"
                  "<th scope=\"col\">No.</th><th scope=\"col\">Raised</th>"
                  "<th scope=\"col\">Action</th><th scope=\"col\">Owner</th>"
                  "<th scope=\"col\">Due</th><th scope=\"col\">Status</th>"
                  "<th scope=\"col\">Updates</th></tr></thead>\n<tbody>\n");
    for (int i = 0; i < r->nactions; i++) {
        const struct board_action *a = &r->actions[i];

        board_puts(o, "<tr><th scope=\"row\">");
        board_esc(o, a->number);
        board_fmt_date_short(d, sizeof d, a->raised_on);
        board_puts(o, "</th><td>");
        board_esc(o, d);
        board_puts(o, "</td><td dir=\"auto\">");
        board_esc(o, a->text);
        board_puts(o, "</td><td>");
        board_esc(o, a->owner_name);
        board_puts(o, "<span class=\"basis\">");
        board_esc(o, a->owner_role);
        board_fmt_date_short(d, sizeof d, a->due_on);
        board_puts(o, "</span></td><td>");
        board_esc(o, d);
        board_puts(o, "</td><td>");
        board_esc(o, a->status);
        if (a->closed_on[0]) {
            board_fmt_date_short(d, sizeof d, a->closed_on);
            board_puts(o, "<span class=\"basis\">closed ");
            board_esc(o, d);
            board_puts(o, "</span>");
        }
        board_puts(o, "</td><td>");
        if (a->nupdates == 0)
            board_puts(o, "No update yet.");
        for (int j = 0; j < a->nupdates; j++) {
            board_fmt_date_short(d, sizeof d, a->updates[j].on);
            board_puts(o, "<p dir=\"auto\"><strong>");
            board_esc(o, d);
            board_puts(o, " (");
            board_esc(o, a->updates[j].status);
            board_puts(o, "):</strong> ");
            board_esc(o, a->updates[j].note);
            board_puts(o, "</p>");
        }
        board_puts(o, "</td></tr>\n");
    }
    board_puts(o, "</tbody>\n</table>\n");
}

static void
sections(struct board_out *o, const struct board_report *r, int *section_no)
{
    if (r->nsections == 0)
        return;
    board_printf(o, "<h2 id=\"narrative\">%d. Reports from officers</h2>\n", ++*section_no);
    for (int i = 0; i < r->nsections; i++) {
        const struct board_section *s = &r->sections[i];
        char d[40], text[2400];

        board_puts(o, "<section>\n<h3 dir=\"auto\">");
        board_esc(o, s->title);
        board_puts(o, "</h3>\n");
        if (s->placeholder) {
            board_fmt_placeholder(text, sizeof text, s);
            board_puts(o, "<p class=\"placeholder\" dir=\"auto\"><strong>Placeholder:</strong> ");
            board_esc(o, text);
            board_puts(o, "</p>\n</section>\n");
            continue;
        }
        board_puts(o, "<p class=\"byline\">By ");
        board_esc(o, s->author_name);
        board_puts(o, ", ");
        board_esc(o, s->author_role);
        if (s->approved_by) {
            board_fmt_date(d, sizeof d, s->approved_on);
            board_puts(o, ". Approved by ");
            board_esc(o, s->approved_by);
            board_puts(o, " on ");
            board_esc(o, d);
            board_puts(o, ".</p>\n");
        } else {
            board_puts(o, ". <strong>Not yet approved.</strong></p>\n");
        }
        board_paragraphs(s->body, html_para, o);
        board_puts(o, "</section>\n");
    }
}

/* What the status labels mean, beside the tables that use them. */
static void
rag_legend(struct board_out *o)
{
    board_puts(o, "<table class=\"legend\">\n<caption>Status against target (RAG): what each "
                  "label means</caption>\n<thead><tr><th scope=\"col\">Status</th>"
                  "<th scope=\"col\">Meaning</th></tr></thead>\n<tbody>\n");
    for (enum board_rag g = RAG_NOT_RATED; g <= RAG_RED; g++)
        board_printf(o,
                     "<tr><th scope=\"row\"><span class=\"rag rag-%s\">%s</span></th>"
                     "<td>%s</td></tr>\n",
                     board_rag_key(g), board_rag_label(g), board_rag_meaning(g));
    board_puts(o, "</tbody>\n</table>\n");
}

static void
scorecard_row(struct board_out *o, const struct board_report *r, const struct board_row *w)
{
    char change[64];

    board_fmt_change(change, sizeof change, w);
    board_printf(o, "<tr%s><th scope=\"row\">", w->category ? " class=\"cat\"" : "");
    board_esc(o, w->category ? w->category : w->label);
    board_puts(o, "</th>");
    fig_cell(o, r, w, &w->now);
    fig_cell(o, r, w, &w->prev);
    board_puts(o, "<td class=\"n\">");
    board_esc(o, change);
    board_puts(o, "</td><td class=\"n\">");
    if (w->has_england && w->category == NULL)
        board_printf(o, "%.0f%%<span class=\"basis\">year to March %s</span>", w->england,
                     w->england_year ? w->england_year : "");
    else
        board_puts(o, "–");
    board_puts(o, "</td>");
    standards_cells(o, w);
    board_puts(o, "</tr>\n");
}

static void
scorecards(struct board_out *o, const struct board_report *r, int *section_no)
{
    char d1[40], d2[40];
    const char *open = NULL;

    board_fmt_date(d1, sizeof d1, r->as_at);
    board_fmt_date(d2, sizeof d2, r->compare_to);
    if (r->baseline_name || r->has_targets)
        board_printf(o, "<h2 id=\"standards\">%d. Baselines, targets and status</h2>\n",
                     ++*section_no);
    if (r->baseline_name) {
        char d3[40];

        board_fmt_date(d3, sizeof d3, r->baseline_on);
        board_puts(o, "<p>The baseline column gives each figure at ");
        board_esc(o, r->baseline_name);
        board_printf(o,
                     " (%s): computed from the records as at that date unless marked "
                     "\"entered by hand\".</p>\n",
                     d3);
    }
    if (r->has_targets)
        rag_legend(o);
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *w = &r->rows[i];

        if (w->district != NULL)
            continue;
        if (open == NULL || strcmp(open, w->section) != 0) {
            if (open)
                board_puts(o, "</tbody>\n</table>\n");
            open = w->section;
            board_printf(o, "<h2>%d. ", ++*section_no);
            board_esc(o, w->section);
            board_puts(o, "</h2>\n<table class=\"scorecard\">\n<caption>");
            board_esc(o, w->section);
            board_puts(o, ": ");
            if (r->ndistricts == 0)
                board_puts(o, "all districts");
            else
                districts_text(o, r);
            board_printf(o,
                         "</caption>\n<thead><tr><th scope=\"col\">Indicator</th>"
                         "<th scope=\"col\" class=\"n\">As at %s</th>"
                         "<th scope=\"col\" class=\"n\">At %s</th>"
                         "<th scope=\"col\" class=\"n\">Change</th>"
                         "<th scope=\"col\" class=\"n\">England average</th>"
                         "<th scope=\"col\" class=\"n\">Baseline</th>"
                         "<th scope=\"col\" class=\"n\">Target</th>"
                         "<th scope=\"col\">Status (RAG)</th></tr></thead>\n"
                         "<tbody>\n",
                         d1, d2);
        }
        scorecard_row(o, r, w);
    }
    if (open)
        board_puts(o, "</tbody>\n</table>\n");
}

static void
breakdown(struct board_out *o, const struct board_report *r, int *section_no)
{
    const char *districts[256];
    int nd = board_districts(r, districts, 256);
    char d1[40];

    board_fmt_date(d1, sizeof d1, r->as_at);
    board_printf(o, "<h2 id=\"districts\">%d. District breakdown</h2>\n", ++*section_no);
    board_printf(o,
                 "<p>The main indicators for each district (of the young person's current "
                 "address) as at %s.</p>\n",
                 d1);
    board_puts(o, "<table class=\"districts\">\n<caption>Main indicators by district, as at ");
    board_esc(o, d1);
    board_puts(o, "</caption>\n<thead><tr><th scope=\"col\">District</th>");
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *w = &r->rows[i];

        if (w->in_breakdown && w->district == NULL && w->category == NULL) {
            board_puts(o, "<th scope=\"col\" class=\"n\">");
            board_esc(o, w->short_label ? w->short_label : w->label);
            board_puts(o, "</th>");
        }
    }
    board_puts(o, "</tr></thead>\n<tbody>\n");
    for (int d = -1; d < nd; d++) {
        board_printf(o, "<tr%s><th scope=\"row\">", d < 0 ? " class=\"total\"" : "");
        board_esc(o, d < 0 ? "All" : districts[d]);
        board_puts(o, "</th>");
        for (int i = 0; i < r->nrows; i++) {
            const struct board_row *h = &r->rows[i], *w;
            char v[64];

            if (!h->in_breakdown || h->district != NULL || h->category != NULL)
                continue;
            w = board_find_row(r, h->code, d < 0 ? NULL : districts[d]);
            if (w)
                board_fmt_value(v, sizeof v, w->kind, &w->now, r->suppress_below);
            else
                snprintf(v, sizeof v, "–");
            board_puts(o, "<td class=\"n\">");
            board_esc(o, v);
            board_puts(o, "</td>");
        }
        board_puts(o, "</tr>\n");
    }
    board_puts(o, "</tbody>\n</table>\n");
}

static void
marker(struct board_out *o, int s, double x, double y, const char *colour)
{
    if (s % 3 == 0)
        board_printf(o, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" fill=\"%s\"/>", x, y, colour);
    else if (s % 3 == 1)
        board_printf(o, "<rect x=\"%.1f\" y=\"%.1f\" width=\"7\" height=\"7\" fill=\"%s\"/>",
                     x - 3.5, y - 3.5, colour);
    else
        board_printf(o, "<path d=\"M%.1f %.1fl4 7h-8z\" fill=\"%s\"/>", x, y - 4.5, colour);
}

/* A short description of the chart for screen readers and the figure's <desc>. */
static void
chart_desc(struct board_out *o, const struct board_report *r, const struct board_chart *c)
{
    char m1[16], m2[16];

    board_fmt_month(m1, sizeof m1, c->months[0]);
    board_fmt_month(m2, sizeof m2, c->months[c->nmonths - 1]);
    board_printf(o, "Line chart of the percentage at each month end from %s to %s.", m1, m2);
    for (int s = 0; s < c->nseries; s++) {
        const struct board_point *first = NULL, *last = NULL;

        for (int m = 0; m < c->nmonths; m++) {
            const struct board_point *p = board_point_at(r, c->key, c->series[s], c->months[m]);

            if (p && p->fig.present && !p->fig.sup_value) {
                if (first == NULL)
                    first = p;
                last = p;
            }
        }
        board_puts(o, " ");
        board_esc(o, c->series[s]);
        if (first)
            board_printf(o, ": %.0f%% at the start, %.0f%% at the end", first->fig.value,
                         last->fig.value);
        else
            board_puts(o, ": no figures that can be shown");
        {
            const struct board_point *p = board_point_at(r, c->key, c->series[s], c->months[0]);

            if (p && p->has_england)
                board_printf(o, " (England average %.0f%%, dashed line)", p->england);
        }
        board_puts(o, ".");
    }
    board_puts(o, " The table below gives every value.");
}

static void
svg_chart(struct board_out *o, const struct board_report *r, const struct board_chart *c, int idx)
{
    const double W = 700, H = 290;
    double vals[121];
    int nv = board_chart_values(r, c->key, vals, 121);
    struct board_chart_geom g;

    board_chart_geom(&g, W, H, 48, 190, 14, 40, vals, nv);
    board_printf(o,
                 "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 %.0f %.0f\" "
                 "width=\"%.0f\" height=\"%.0f\" role=\"img\" aria-labelledby=\"chart%d-t "
                 "chart%d-d\" font-family=\"DejaVu Sans,Arial,sans-serif\" font-size=\"11\">\n"
                 "<title id=\"chart%d-t\">",
                 W, H, W, H, idx, idx, idx);
    board_esc(o, c->title);
    board_printf(o, "</title>\n<desc id=\"chart%d-d\">", idx);
    chart_desc(o, r, c);
    board_puts(o, "</desc>\n");
    /* Grid and y axis labels. */
    for (int t = 0; t < g.nticks; t++) {
        double y = board_chart_y(&g, g.ticks[t]);

        board_printf(o,
                     "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                     "stroke-width=\"1\"/><text x=\"%.1f\" y=\"%.1f\" text-anchor=\"end\" "
                     "fill=\"#505a5f\">%.0f%%</text>\n",
                     g.x0, y, g.x0 + g.w, y, t == 0 ? "#505a5f" : "#dddddd", g.x0 - 6, y + 4,
                     g.ticks[t]);
    }
    /* Month labels, with the year under the first month and each January. */
    for (int m = 0; m < c->nmonths; m++) {
        char mon[4], year[5];
        double x = board_chart_x(&g, m, c->nmonths);

        board_chart_month_label(c->months[m], m, mon, year);
        board_printf(o,
                     "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                     "fill=\"#505a5f\">%s</text>\n",
                     x, g.y0 + g.h + 16, mon);
        if (year[0])
            board_printf(o,
                         "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
                         "fill=\"#505a5f\">%s</text>\n",
                         x, g.y0 + g.h + 30, year);
    }
    for (int s = 0; s < c->nseries; s++) {
        const char *col = series_colour[s % 4];
        const struct board_point *p0 = board_point_at(r, c->key, c->series[s], c->months[0]);
        int pen = 0;

        if (p0 && p0->has_england) {
            double y = board_chart_y(&g, p0->england);

            board_printf(o,
                         "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                         "stroke-width=\"1.5\" stroke-dasharray=\"6 4\" opacity=\"0.8\"/>\n",
                         g.x0, y, g.x0 + g.w, y, col);
        }
        board_printf(o, "<path fill=\"none\" stroke=\"%s\" stroke-width=\"2.5\" d=\"", col);
        for (int m = 0; m < c->nmonths; m++) {
            const struct board_point *p = board_point_at(r, c->key, c->series[s], c->months[m]);

            if (p == NULL || !p->fig.present || p->fig.sup_value) {
                pen = 0;
                continue;
            }
            board_printf(o, "%s%.1f %.1f ", pen ? "L" : "M", board_chart_x(&g, m, c->nmonths),
                         board_chart_y(&g, p->fig.value));
            pen = 1;
        }
        board_puts(o, "\"/>\n");
        for (int m = 0; m < c->nmonths; m++) {
            const struct board_point *p = board_point_at(r, c->key, c->series[s], c->months[m]);

            if (p && p->fig.present && !p->fig.sup_value)
                marker(o, s, board_chart_x(&g, m, c->nmonths), board_chart_y(&g, p->fig.value),
                       col);
        }
        board_puts(o, "\n");
        /* Legend. */
        {
            double lx = g.x0 + g.w + 16, ly = g.y0 + 10 + s * 44;

            board_printf(o,
                         "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" stroke=\"%s\" "
                         "stroke-width=\"2.5\"/>",
                         lx, ly, lx + 24, ly, col);
            marker(o, s, lx + 12, ly, col);
            board_printf(o, "<text x=\"%.1f\" y=\"%.1f\">", lx + 30, ly + 4);
            board_esc(o, c->series[s]);
            board_puts(o, "</text>\n");
            if (p0 && p0->has_england)
                board_printf(o,
                             "<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
                             "stroke=\"%s\" stroke-width=\"1.5\" stroke-dasharray=\"6 4\"/>"
                             "<text x=\"%.1f\" y=\"%.1f\">England %.0f%%</text>\n",
                             lx, ly + 18, lx + 24, ly + 18, col, lx + 30, ly + 22, p0->england);
        }
    }
    board_puts(o, "</svg>\n");
}

static void
chart_table(struct board_out *o, const struct board_report *r, const struct board_chart *c)
{
    board_puts(o, "<table class=\"chartdata\">\n<caption>Data for the chart: ");
    board_esc(o, c->title);
    board_puts(o, "</caption>\n<thead><tr><th scope=\"col\">Month end</th>");
    for (int s = 0; s < c->nseries; s++) {
        board_puts(o, "<th scope=\"col\" class=\"n\">");
        board_esc(o, c->series[s]);
        board_puts(o, "</th>");
    }
    board_puts(o, "</tr></thead>\n<tbody>\n");
    for (int m = 0; m < c->nmonths; m++) {
        char d[40];

        board_fmt_date(d, sizeof d, c->months[m]);
        board_puts(o, "<tr><th scope=\"row\">");
        board_esc(o, d);
        board_puts(o, "</th>");
        for (int s = 0; s < c->nseries; s++) {
            const struct board_point *p = board_point_at(r, c->key, c->series[s], c->months[m]);
            char v[64] = "–", basis[96] = "";

            if (p) {
                board_fmt_value(v, sizeof v, BK_PCT, &p->fig, r->suppress_below);
                board_fmt_basis(basis, sizeof basis, BK_PCT, &p->fig, r->suppress_below);
            }
            board_puts(o, "<td class=\"n\">");
            board_esc(o, v);
            if (basis[0]) {
                board_puts(o, " <span class=\"note\">(");
                board_esc(o, basis);
                board_puts(o, ")</span>");
            }
            board_puts(o, "</td>");
        }
        board_puts(o, "</tr>\n");
    }
    board_puts(o, "</tbody>\n</table>\n");
}

static void
trends(struct board_out *o, const struct board_report *r, int *section_no)
{
    struct board_chart charts[8];
    int n = board_charts(r, charts, 8);

    board_printf(o, "<h2 id=\"trends\">%d. Twelve-month trends</h2>\n", ++*section_no);
    board_puts(o, "<p>Each point is the national indicator for the twelve months to that "
                  "month end (young people whose 17th to 21st birthday fell in those twelve "
                  "months, as the DfE measures it). Dashed lines show the England average.</p>\n");
    for (int c = 0; c < n; c++) {
        if (charts[c].nmonths == 0)
            continue;
        board_puts(o, "<figure>\n<figcaption>");
        board_esc(o, charts[c].title);
        board_puts(o, "</figcaption>\n");
        svg_chart(o, r, &charts[c], c + 1);
        chart_table(o, r, &charts[c]);
        board_puts(o, "</figure>\n");
    }
}

static void
definitions(struct board_out *o, const struct board_report *r, int *section_no)
{
    board_printf(o, "<h2 id=\"definitions\">%d. Definitions and sources</h2>\n<dl>\n",
                 ++*section_no);
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *w = &r->rows[i];

        if (w->district != NULL || w->category != NULL)
            continue;
        board_puts(o, "<dt>");
        board_esc(o, w->label);
        board_puts(o, "</dt><dd>");
        board_esc(o, w->definition);
        if (w->has_england) {
            board_printf(o, " England average: %.0f%% in the year to March ", w->england);
            board_esc(o, w->england_year ? w->england_year : "");
            board_puts(o, " (");
            board_esc(o, w->england_source ? w->england_source : "");
            board_puts(o, ").");
        }
        if (w->has_target) {
            char rule[512];

            board_fmt_rag_rule(rule, sizeof rule, w);
            board_puts(o, " ");
            board_esc(o, rule);
        }
        board_puts(o, "</dd>\n");
    }
    board_puts(o, "</dl>\n");
    board_printf(o,
                 "<p class=\"note\">Small numbers: counts from 1 to %d are shown as &lt;%d; "
                 "percentages, totals and changes that would reveal such a count are shown "
                 "as %s; where only one figure of a breakdown (by district, reason, partner or "
                 "category) would be suppressed, the next smallest is too, shown as %s. "
                 "&ndash; means no figure (for example, no young people in the group).</p>\n",
                 r->suppress_below - 1, r->suppress_below, BOARD_SUPPRESSED, BOARD_SUPPRESSED);
    if (r->has_targets) {
        board_puts(o, "<p class=\"note\">Status against target (RAG), for each indicator with a "
                      "target, by the rule given with its definition above:");
        for (enum board_rag g = RAG_NOT_RATED; g <= RAG_RED; g++)
            board_printf(o, " %s: %s.", board_rag_label(g), board_rag_meaning(g));
        board_puts(o, "</p>\n");
    }
}

int
board_render_html(const struct board_report *r, struct cl_buf *out)
{
    struct board_out o = {out, CL_OK};
    int section_no = 1;

    board_puts(&o, "<!DOCTYPE html>\n<html lang=\"en-GB\">\n<head>\n<meta charset=\"utf-8\">\n"
                   "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                   "<title>");
    board_esc(&o, r->title);
    board_puts(&o, " – ");
    board_esc(&o, r->la_name);
    board_puts(&o, "</title>\n<style>");
    board_puts(&o, css);
    board_puts(&o, "</style>\n</head>\n<body>\n<main>\n");
    header_block(&o, r);
    intro(&o, r);
    actions(&o, r, &section_no);
    sections(&o, r, &section_no);
    scorecards(&o, r, &section_no);
    breakdown(&o, r, &section_no);
    trends(&o, r, &section_no);
    definitions(&o, r, &section_no);
    board_puts(&o, "<footer>Produced by the leaving care service system on ");
    board_esc(&o, r->generated_at);
    board_puts(&o, " from the case records; figures are reproducible from the same data.</footer>"
                   "\n</main>\n</body>\n</html>\n");
    return o.err;
}
