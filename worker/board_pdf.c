/* The Board report as a typeset PDF (A4), drawn with cairo and laid out with pango: the
 * same header block, scorecards, district breakdown (on a landscape page), trend charts and
 * definitions as the HTML. Pango shapes the text with HarfBuzz and cairo embeds subsets of the
 * DejaVu fonts, so the PDF's text can be searched and extracted; the charts use the same
 * geometry as the SVG charts (board_chart.c). */
#include "board_pdf.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <cairo-pdf.h>
#include <cairo.h>
#include <fontconfig/fontconfig.h>
#include <pango/pangocairo.h>

#include "cl_log.h"

#define MOD "board.pdf"

#define A4_W 595.276
#define A4_H 841.890
#define FONT "DejaVu Sans"

/* At exit, fontconfig's and cairo's process-wide caches are released, so a leak checker
 * sees only real leaks. */
static void
release_font_caches(void)
{
    cairo_debug_reset_static_data();
    FcFini();
}

static void
register_cleanup(void)
{
    atexit(release_font_caches);
}

static cairo_status_t
write_cb(void *closure, const unsigned char *data, unsigned int length)
{
    struct board_pdf *p = closure;

    if (p->err == CL_OK)
        p->err = cl_buf_add(p->out, data, length);
    return p->err == CL_OK ? CAIRO_STATUS_SUCCESS : CAIRO_STATUS_WRITE_ERROR;
}

static double
bottom(const struct board_pdf *p)
{
    return p->page_h - BOARD_PDF_MARGIN - 14; /* room for the footer */
}

double
board_pdf_content_w(const struct board_pdf *p)
{
    return p->page_w - 2 * BOARD_PDF_MARGIN;
}

/* A layout of text in font (e.g. "9", "Bold 9") wrapped to width (0: no wrap). The caller
 * unrefs it. */
static PangoLayout *
layout(struct board_pdf *p, const char *text, const char *font, double width, PangoAlignment align)
{
    PangoLayout *l = pango_layout_new(p->pango);
    char spec[64];
    PangoFontDescription *fd;

    snprintf(spec, sizeof spec, FONT " %s", font);
    fd = pango_font_description_from_string(spec);
    pango_layout_set_font_description(l, fd);
    pango_font_description_free(fd);
    if (width > 0) {
        pango_layout_set_width(l, (int)(width * PANGO_SCALE));
        pango_layout_set_wrap(l, PANGO_WRAP_WORD_CHAR);
    }
    pango_layout_set_alignment(l, align);
    pango_layout_set_text(l, text, -1);
    return l;
}

static double
layout_h(PangoLayout *l)
{
    int w, h;

    pango_layout_get_size(l, &w, &h);
    return (double)h / PANGO_SCALE;
}

void
board_pdf_colour(struct board_pdf *p, unsigned rgb)
{
    cairo_set_source_rgb(p->cr, ((rgb >> 16) & 0xff) / 255.0, ((rgb >> 8) & 0xff) / 255.0,
                         (rgb & 0xff) / 255.0);
}

/* Draws text at (x, y) (top left of the box) and returns its height. */
double
board_pdf_text(struct board_pdf *p, double x, double y, double width, const char *text,
               const char *font, PangoAlignment align, unsigned rgb)
{
    PangoLayout *l = layout(p, text, font, width, align);
    double h = layout_h(l);

    board_pdf_colour(p, rgb);
    cairo_move_to(p->cr, x, y);
    pango_cairo_show_layout(p->cr, l);
    g_object_unref(l);
    return h;
}

static double
text_h(struct board_pdf *p, const char *text, const char *font, double width)
{
    PangoLayout *l = layout(p, text, font, width, PANGO_ALIGN_LEFT);
    double h = layout_h(l);

    g_object_unref(l);
    return h;
}

static void
footer(struct board_pdf *p)
{
    char line[512];

    snprintf(line, sizeof line, "%s – %s", p->r->title, p->r->la_name);
    cairo_set_line_width(p->cr, 0.5);
    board_pdf_colour(p, 0xb1b4b6);
    cairo_move_to(p->cr, BOARD_PDF_MARGIN, p->page_h - BOARD_PDF_MARGIN + 2);
    cairo_line_to(p->cr, p->page_w - BOARD_PDF_MARGIN, p->page_h - BOARD_PDF_MARGIN + 2);
    cairo_stroke(p->cr);
    board_pdf_text(p, BOARD_PDF_MARGIN, p->page_h - BOARD_PDF_MARGIN + 6,
                   board_pdf_content_w(p) - 80, line, "7.5", PANGO_ALIGN_LEFT, 0x505a5f);
    snprintf(line, sizeof line, "Page %d", p->page);
    board_pdf_text(p, p->page_w - BOARD_PDF_MARGIN - 80, p->page_h - BOARD_PDF_MARGIN + 6, 80, line,
                   "7.5", PANGO_ALIGN_RIGHT, 0x505a5f);
}

static void
new_page(struct board_pdf *p, int landscape)
{
    footer(p);
    cairo_show_page(p->cr);
    p->page++;
    p->landscape = landscape;
    p->page_w = landscape ? A4_H : A4_W;
    p->page_h = landscape ? A4_W : A4_H;
    cairo_pdf_surface_set_size(p->surface, p->page_w, p->page_h);
    p->y = BOARD_PDF_MARGIN;
}

/* Starts a new page unless h more points fit on this one. */
void
board_pdf_need(struct board_pdf *p, double h)
{
    if (p->y + h > bottom(p))
        new_page(p, p->landscape);
}

static void
heading(struct board_pdf *p, const char *text, int level)
{
    const char *font = level == 1 ? "Bold 13" : "Bold 10.5";
    double h = text_h(p, text, font, board_pdf_content_w(p));

    board_pdf_need(p, h + 120); /* keep a heading with the start of what follows */
    p->y += level == 1 ? 14 : 8;
    if (level == 1) {
        char attrs[32];

        snprintf(attrs, sizeof attrs, "page=%d", p->page);
        cairo_pdf_surface_add_outline(p->surface, CAIRO_PDF_OUTLINE_ROOT, text, attrs, 0);
    }
    board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), text, font, PANGO_ALIGN_LEFT,
                   0x0b0c0c);
    p->y += h + 2;
    if (level == 1) {
        cairo_set_line_width(p->cr, 1.5);
        board_pdf_colour(p, 0x1d70b8);
        cairo_move_to(p->cr, BOARD_PDF_MARGIN, p->y);
        cairo_line_to(p->cr, BOARD_PDF_MARGIN + board_pdf_content_w(p), p->y);
        cairo_stroke(p->cr);
        p->y += 6;
    }
}

static void
paragraph(struct board_pdf *p, const char *text, const char *font, unsigned rgb)
{
    double h = text_h(p, text, font, board_pdf_content_w(p));

    board_pdf_need(p, h);
    board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), text, font, PANGO_ALIGN_LEFT,
                   rgb);
    p->y += h + 6;
}

/* ---- tables ----------------------------------------------------------------------------- */

/* style: 0 plain, 1 header, 2 total (bold, shaded), 3 category (indented first cell) */
static int
cell_bold(int style, int col)
{
    return style == 1 || style == 2 || (col == 0 && style == 0);
}

static double
cell_indent(int style, int col)
{
    return col == 0 && style == 3 ? 10 : 0;
}

static double
cell_h(struct board_pdf *p, const struct board_pdf_table *t, const struct board_pdf_cell *c,
       int col, int style)
{
    char font[32];
    double h, w = t->widths[col] - 8 - cell_indent(style, col);

    snprintf(font, sizeof font, "%s%.1f", cell_bold(style, col) ? "Bold " : "", t->font_pt);
    h = text_h(p, c->main, font, w);
    if (c->sub[0]) {
        snprintf(font, sizeof font, "%.1f", t->font_pt - 1.5);
        h += text_h(p, c->sub, font, w);
    }
    return h + 6;
}

static double
row_h(struct board_pdf *p, const struct board_pdf_table *t, const struct board_pdf_cell *cells,
      int style)
{
    double h = 0;

    for (int c = 0; c < t->ncols; c++) {
        double ch = cell_h(p, t, &cells[c], c, style);

        if (ch > h)
            h = ch;
    }
    return h;
}

void
board_pdf_draw_row(struct board_pdf *p, const struct board_pdf_table *t,
                   const struct board_pdf_cell *cells, int style)
{
    double h = row_h(p, t, cells, style), x = BOARD_PDF_MARGIN;
    char font[32], subfont[32];

    if (style == 1 || style == 2) {
        board_pdf_colour(p, style == 1 ? 0xf3f2f1 : 0xf8f8f8);
        cairo_rectangle(p->cr, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), h);
        cairo_fill(p->cr);
    }
    snprintf(subfont, sizeof subfont, "%.1f", t->font_pt - 1.5);
    for (int c = 0; c < t->ncols; c++) {
        int bold = cell_bold(style, c);
        double indent = cell_indent(style, c), th;
        PangoAlignment al = t->right[c] ? PANGO_ALIGN_RIGHT : PANGO_ALIGN_LEFT;

        snprintf(font, sizeof font, "%s%.1f", bold ? "Bold " : "", t->font_pt);
        th = board_pdf_text(p, x + 4 + indent, p->y + 3, t->widths[c] - 8 - indent, cells[c].main,
                            font, al, 0x0b0c0c);
        if (cells[c].sub[0])
            board_pdf_text(p, x + 4 + indent, p->y + 3 + th, t->widths[c] - 8 - indent,
                           cells[c].sub, subfont, al, 0x505a5f);
        x += t->widths[c];
    }
    cairo_set_line_width(p->cr, 0.5);
    board_pdf_colour(p, 0xb1b4b6);
    cairo_move_to(p->cr, BOARD_PDF_MARGIN, p->y + h);
    cairo_line_to(p->cr, BOARD_PDF_MARGIN + board_pdf_content_w(p), p->y + h);
    cairo_stroke(p->cr);
    p->y += h;
}

static void
table_start(struct board_pdf *p, const struct board_pdf_table *t, const char *caption)
{
    double ch = text_h(p, caption, "Bold 9.5", board_pdf_content_w(p));
    double hh = row_h(p, t, t->head, 1);

    board_pdf_need(p, ch + hh + 40);
    board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), caption, "Bold 9.5",
                   PANGO_ALIGN_LEFT, 0x0b0c0c);
    p->y += ch + 3;
    board_pdf_draw_row(p, t, t->head, 1);
}

/* Draws a body row, starting a new page (with the header repeated) when it does not fit. */
void
board_pdf_table_row(struct board_pdf *p, const struct board_pdf_table *t,
                    const struct board_pdf_cell *cells, int style)
{
    double h = row_h(p, t, cells, style);

    if (p->y + h > bottom(p)) {
        new_page(p, p->landscape);
        board_pdf_draw_row(p, t, t->head, 1);
    }
    board_pdf_draw_row(p, t, cells, style);
}

void
board_pdf_set_cell(struct board_pdf_cell *c, const char *main, const char *sub)
{
    board_copy_text(c->main, sizeof c->main, main);
    board_copy_text(c->sub, sizeof c->sub, sub ? sub : "");
}

/* ---- sections --------------------------------------------------------------------------- */

static void
districts_text(const struct board_report *r, char *out, size_t outlen)
{
    size_t used = 0;

    if (r->ndistricts == 0) {
        snprintf(out, outlen, "All districts");
        return;
    }
    out[0] = '\0';
    for (int i = 0; i < r->ndistricts && used < outlen; i++) {
        int n = snprintf(out + used, outlen - used, "%s%s",
                         i == 0                   ? ""
                         : i == r->ndistricts - 1 ? " and "
                                                  : ", ",
                         r->districts[i]);

        if (n < 0)
            break;
        used += (size_t)n;
    }
}

/* One label and value row of a two-column table. */
static void
detail_row(struct board_pdf *p, const struct board_pdf_table *t, const char *label,
           const char *value)
{
    struct board_pdf_cell c[2];

    board_pdf_set_cell(&c[0], label, NULL);
    board_pdf_set_cell(&c[1], value, NULL);
    board_pdf_table_row(p, t, c, 0);
}

static void
header_block(struct board_pdf *p)
{
    const struct board_report *r = p->r;
    struct board_pdf_table t = {
        .ncols = 2, .widths = {170, board_pdf_content_w(p) - 170}, .font_pt = 9};
    char d1[40], d2[40], d3[40], buf[512];

    p->y += board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p),
                           "CORPORATE PARENTING BOARD", "Bold 10", PANGO_ALIGN_LEFT, 0x505a5f) +
            4;
    p->y += board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), r->title, "Bold 20",
                           PANGO_ALIGN_LEFT, 0x0b0c0c) +
            10;
    board_pdf_set_cell(&t.head[0], "Report details", NULL);
    board_pdf_set_cell(&t.head[1], "", NULL);
    board_pdf_draw_row(p, &t, t.head, 1);
    board_fmt_date(d1, sizeof d1, r->board_date);
    detail_row(p, &t, "Board date", d1);
    detail_row(p, &t, "Report title", r->title);
    detail_row(p, &t, "Local authority", r->la_name);
    detail_row(p, &t, "Cabinet member with lead responsibility", r->lead_member);
    detail_row(p, &t, "Accountable director", r->director);
    districts_text(r, buf, sizeof buf);
    detail_row(p, &t, "Districts covered", buf);
    board_fmt_date(d1, sizeof d1, r->as_at);
    detail_row(p, &t, "Data as at", d1);
    board_fmt_date(d2, sizeof d2, r->compare_to);
    detail_row(p, &t, "Compared with", d2);
    board_fmt_date(d3, sizeof d3, r->period_from);
    snprintf(buf, sizeof buf, "after %s, up to and including %s", d3, d1);
    detail_row(p, &t, "Period for counts of events", buf);
    p->y += 8;
}

static void
intro(struct board_pdf *p)
{
    const struct board_report *r = p->r;
    char d1[40], d2[40], text[1200];
    double h;
    static const char rec[] =
        "The Corporate Parenting Board is recommended to note the performance of the service "
        "for care leavers set out in this report, to consider the district breakdown, and to "
        "identify any areas on which it wants further information.";

    heading(p, "Recommendation", 1);
    h = text_h(p, rec, "10", board_pdf_content_w(p) - 16);
    board_pdf_need(p, h + 16);
    board_pdf_colour(p, 0xf3f8fc);
    cairo_rectangle(p->cr, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), h + 12);
    cairo_fill(p->cr);
    board_pdf_colour(p, 0x1d70b8);
    cairo_rectangle(p->cr, BOARD_PDF_MARGIN, p->y, 4, h + 12);
    cairo_fill(p->cr);
    board_pdf_text(p, BOARD_PDF_MARGIN + 12, p->y + 6, board_pdf_content_w(p) - 16, rec, "10",
                   PANGO_ALIGN_LEFT, 0x0b0c0c);
    p->y += h + 18;
    heading(p, "1. Purpose", 1);
    board_fmt_date(d1, sizeof d1, r->as_at);
    board_fmt_date(d2, sizeof d2, r->compare_to);
    snprintf(text, sizeof text,
             "This report sets out how the council is meeting its duties to young people "
             "leaving its care, as at %s, compared with %s. The three national indicators (in "
             "touch, in education, employment or training, and in suitable accommodation) "
             "follow the Department for Education's definitions for the SSDA903 return and are "
             "set beside the latest England average. All figures are counts of young people or "
             "events; no young person can be identified. Counts from 1 to %d are shown as <%d, "
             "and percentages or totals that would reveal them as %s.",
             d1, d2, r->suppress_below - 1, r->suppress_below, BOARD_SUPPRESSED);
    paragraph(p, text, "10", 0x0b0c0c);
}

/* Baseline, target and RAG status (its text label) of a report total; dashes otherwise. */
static void
standards_cells(const struct board_row *row, struct board_pdf_cell c[3])
{
    char v[64];
    enum board_rag rag = row->category == NULL ? board_rag(row) : RAG_NONE;

    if (row->category == NULL && row->has_baseline) {
        board_fmt_standard(v, sizeof v, row->kind, row->baseline);
        board_pdf_set_cell(&c[0], v, row->baseline_entered ? "entered by hand" : NULL);
    } else {
        board_pdf_set_cell(&c[0], "–", NULL);
    }
    if (row->category == NULL && row->has_target) {
        board_fmt_standard(v, sizeof v, row->kind, row->target);
        board_pdf_set_cell(&c[1], v, row->target_higher ? "higher is better" : "lower is better");
    } else {
        board_pdf_set_cell(&c[1], "–", NULL);
    }
    board_pdf_set_cell(&c[2], rag == RAG_NONE ? "–" : board_rag_label(rag), NULL);
}

/* The RAG labels and what each means. */
static void
rag_legend(struct board_pdf *p)
{
    double w = board_pdf_content_w(p);
    struct board_pdf_table t = {.ncols = 2, .widths = {w * 0.2, w * 0.8}, .font_pt = 8.5};

    board_pdf_set_cell(&t.head[0], "Status", NULL);
    board_pdf_set_cell(&t.head[1], "Meaning", NULL);
    table_start(p, &t, "Status against target (RAG): what each label means");
    for (enum board_rag g = RAG_NOT_RATED; g <= RAG_RED; g++) {
        struct board_pdf_cell c[2];

        board_pdf_set_cell(&c[0], board_rag_label(g), NULL);
        board_pdf_set_cell(&c[1], board_rag_meaning(g), NULL);
        board_pdf_table_row(p, &t, c, 0);
    }
    p->y += 6;
}

static void
actions(struct board_pdf *p, int *section_no)
{
    const struct board_report *r = p->r;
    double w = board_pdf_content_w(p);
    struct board_pdf_table t = {
        .ncols = 5, .widths = {w * 0.08, w * 0.30, w * 0.17, w * 0.12, w * 0.33}, .font_pt = 8};
    char title[80];

    snprintf(title, sizeof title, "%d. Actions from previous meetings", ++*section_no);
    heading(p, title, 1);
    if (r->nactions == 0) {
        paragraph(p, "No actions from previous meetings are open.", "10", 0x0b0c0c);
        return;
    }
    board_pdf_set_cell(&t.head[0], "No.", NULL);
    board_pdf_set_cell(&t.head[1], "Action", NULL);
    board_pdf_set_cell(&t.head[2], "Owner", NULL);
    board_pdf_set_cell(&t.head[3], "Due and status", NULL);
    board_pdf_set_cell(&t.head[4], "Updates", NULL);
    table_start(p, &t, "Actions from previous meetings: open, or closed since the last meeting");
    for (int i = 0; i < r->nactions; i++) {
        const struct board_action *a = &r->actions[i];
        struct board_pdf_cell c[5];
        char d[40], d2[40], sub[128];
        struct cl_buf hist;

        board_pdf_set_cell(&c[0], a->number, NULL);
        board_fmt_date_short(d, sizeof d, a->raised_on);
        snprintf(sub, sizeof sub, "raised %s", d);
        board_pdf_set_cell(&c[1], a->text, sub);
        board_pdf_set_cell(&c[2], a->owner_name, a->owner_role);
        board_fmt_date_short(d, sizeof d, a->due_on);
        if (a->closed_on[0]) {
            board_fmt_date_short(d2, sizeof d2, a->closed_on);
            snprintf(sub, sizeof sub, "%s %s", a->status, d2);
        } else {
            snprintf(sub, sizeof sub, "%s", a->status);
        }
        board_pdf_set_cell(&c[3], d, sub);
        cl_buf_init(&hist, 1u << 20);
        for (int j = 0; j < a->nupdates; j++) {
            board_fmt_date_short(d, sizeof d, a->updates[j].on);
            if (cl_buf_printf(&hist, "%s%s (%s): %s", j ? "\n" : "", d, a->updates[j].status,
                              a->updates[j].note) != CL_OK)
                p->err = CL_ENOMEM;
        }
        board_pdf_set_cell(&c[4], a->nupdates && hist.data ? hist.data : "No update yet.", NULL);
        cl_buf_free(&hist);
        board_pdf_table_row(p, &t, c, 0);
    }
}

/* A placeholder: the text in a dashed box, so a missing section cannot pass unnoticed. */
static void
placeholder(struct board_pdf *p, const char *text)
{
    double w = board_pdf_content_w(p), h = text_h(p, text, "Bold 10", w - 16);
    static const double dash[] = {4, 3};

    board_pdf_need(p, h + 16);
    board_pdf_colour(p, 0xd4351c);
    cairo_set_line_width(p->cr, 2);
    cairo_set_dash(p->cr, dash, 2, 0);
    cairo_rectangle(p->cr, BOARD_PDF_MARGIN, p->y, w, h + 12);
    cairo_stroke(p->cr);
    cairo_set_dash(p->cr, NULL, 0, 0);
    board_pdf_text(p, BOARD_PDF_MARGIN + 8, p->y + 6, w - 16, text, "Bold 10", PANGO_ALIGN_LEFT,
                   0x0b0c0c);
    p->y += h + 20;
}

static void
pdf_para(void *ctx, const char *para)
{
    paragraph(ctx, para, "10", 0x0b0c0c);
}

static void
sections(struct board_pdf *p, int *section_no)
{
    const struct board_report *r = p->r;
    char title[80];

    if (r->nsections == 0)
        return;
    snprintf(title, sizeof title, "%d. Reports from officers", ++*section_no);
    heading(p, title, 1);
    for (int i = 0; i < r->nsections; i++) {
        const struct board_section *s = &r->sections[i];
        char text[2600], d[40];

        heading(p, s->title, 2);
        if (s->placeholder) {
            char ph[2500];

            board_fmt_placeholder(ph, sizeof ph, s);
            snprintf(text, sizeof text, "Placeholder: %s", ph);
            placeholder(p, text);
            continue;
        }
        if (s->approved_by) {
            board_fmt_date(d, sizeof d, s->approved_on);
            snprintf(text, sizeof text, "By %s, %s. Approved by %s on %s.", s->author_name,
                     s->author_role, s->approved_by, d);
        } else {
            snprintf(text, sizeof text, "By %s, %s. Not yet approved.", s->author_name,
                     s->author_role);
        }
        paragraph(p, text, "Italic 9", 0x505a5f);
        board_paragraphs(s->body, pdf_para, p);
    }
}

static void
scorecards(struct board_pdf *p, int *section_no)
{
    const struct board_report *r = p->r;
    double w = board_pdf_content_w(p);
    struct board_pdf_table t = {
        .ncols = 8,
        .widths = {w * 0.27, w * 0.11, w * 0.11, w * 0.09, w * 0.11, w * 0.10, w * 0.10, w * 0.11},
        .right = {0, 1, 1, 1, 1, 1, 1, 0},
        .font_pt = 8};
    char d1[40], d2[40], head[64], caption[512];
    const char *open = NULL;

    board_fmt_date_short(d1, sizeof d1, r->as_at);
    board_fmt_date_short(d2, sizeof d2, r->compare_to);
    board_pdf_set_cell(&t.head[0], "Indicator", NULL);
    snprintf(head, sizeof head, "As at %s", d1);
    board_pdf_set_cell(&t.head[1], head, NULL);
    snprintf(head, sizeof head, "At %s", d2);
    board_pdf_set_cell(&t.head[2], head, NULL);
    board_pdf_set_cell(&t.head[3], "Change", NULL);
    board_pdf_set_cell(&t.head[4], "England average", NULL);
    board_pdf_set_cell(&t.head[5], "Baseline", NULL);
    board_pdf_set_cell(&t.head[6], "Target", NULL);
    board_pdf_set_cell(&t.head[7], "Status (RAG)", NULL);
    if (r->baseline_name || r->has_targets) {
        char title[80];

        snprintf(title, sizeof title, "%d. Baselines, targets and status", ++*section_no);
        heading(p, title, 1);
    }
    if (r->baseline_name) {
        char bd[40], text[600];

        board_fmt_date(bd, sizeof bd, r->baseline_on);
        snprintf(text, sizeof text,
                 "The baseline column gives each figure at %s (%s): computed from the records "
                 "as at that date unless marked \"entered by hand\".",
                 r->baseline_name, bd);
        paragraph(p, text, "9", 0x0b0c0c);
    }
    if (r->has_targets)
        rag_legend(p);
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *row = &r->rows[i];
        struct board_pdf_cell c[8];
        char v[64], basis[96], eng[64] = "–", engsub[64] = "";

        if (row->district != NULL)
            continue;
        if (open == NULL || strcmp(open, row->section) != 0) {
            char title[300];

            open = row->section;
            snprintf(title, sizeof title, "%d. %s", ++*section_no, row->section);
            p->y += 4;
            heading(p, title, 1);
            snprintf(caption, sizeof caption, "%s: ", row->section);
            if (r->ndistricts == 0)
                snprintf(caption + strlen(caption), sizeof caption - strlen(caption),
                         "all districts");
            else
                districts_text(r, caption + strlen(caption), sizeof caption - strlen(caption));
            table_start(p, &t, caption);
        }
        board_pdf_set_cell(&c[0], row->category ? row->category : row->label, NULL);
        board_fmt_value(v, sizeof v, row->kind, &row->now, r->suppress_below);
        board_fmt_basis(basis, sizeof basis, row->kind, &row->now, r->suppress_below);
        board_pdf_set_cell(&c[1], v, basis);
        board_fmt_value(v, sizeof v, row->kind, &row->prev, r->suppress_below);
        board_fmt_basis(basis, sizeof basis, row->kind, &row->prev, r->suppress_below);
        board_pdf_set_cell(&c[2], v, basis);
        board_fmt_change(v, sizeof v, row);
        board_pdf_set_cell(&c[3], v, NULL);
        if (row->has_england && row->category == NULL) {
            snprintf(eng, sizeof eng, "%.0f%%", row->england);
            snprintf(engsub, sizeof engsub, "year to March %s",
                     row->england_year ? row->england_year : "");
        }
        board_pdf_set_cell(&c[4], eng, engsub);
        standards_cells(row, &c[5]);
        board_pdf_table_row(p, &t, c, row->category ? 3 : 0);
    }
}

static void
breakdown(struct board_pdf *p, int *section_no)
{
    const struct board_report *r = p->r;
    const char *districts[256];
    int nd = board_districts(r, districts, 256), cols[15], ncols = 0;
    struct board_pdf_table t = {.font_pt = 7.5};
    char title[64], d1[40], caption[128];

    for (int i = 0; i < r->nrows && ncols < 15; i++)
        if (r->rows[i].in_breakdown && r->rows[i].district == NULL && r->rows[i].category == NULL)
            cols[ncols++] = i;
    new_page(p, 1);
    snprintf(title, sizeof title, "%d. District breakdown", ++*section_no);
    heading(p, title, 1);
    board_fmt_date(d1, sizeof d1, r->as_at);
    snprintf(caption, sizeof caption, "Main indicators by district, as at %s", d1);
    t.ncols = ncols + 1;
    t.widths[0] = 120;
    board_pdf_set_cell(&t.head[0], "District", NULL);
    for (int c = 0; c < ncols; c++) {
        t.widths[c + 1] = (board_pdf_content_w(p) - 120) / ncols;
        t.right[c + 1] = 1;
        board_pdf_set_cell(&t.head[c + 1],
                           r->rows[cols[c]].short_label ? r->rows[cols[c]].short_label
                                                        : r->rows[cols[c]].label,
                           NULL);
    }
    table_start(p, &t, caption);
    for (int d = -1; d < nd; d++) {
        struct board_pdf_cell cells[16];

        board_pdf_set_cell(&cells[0], d < 0 ? "All" : districts[d], NULL);
        for (int c = 0; c < ncols; c++) {
            const struct board_row *w =
                board_find_row(r, r->rows[cols[c]].code, d < 0 ? NULL : districts[d]);
            char v[64] = "–";

            if (w)
                board_fmt_value(v, sizeof v, w->kind, &w->now, r->suppress_below);
            board_pdf_set_cell(&cells[c + 1], v, NULL);
        }
        board_pdf_table_row(p, &t, cells, d < 0 ? 2 : 0);
    }
}

static void
trends(struct board_pdf *p, int *section_no)
{
    struct board_chart charts[8];
    int n = board_charts(p->r, charts, 8);
    char title[64];

    new_page(p, 0);
    snprintf(title, sizeof title, "%d. Twelve-month trends", ++*section_no);
    heading(p, title, 1);
    paragraph(p,
              "Each point is the national indicator for the twelve months to that month end "
              "(young people whose 17th to 21st birthday fell in those twelve months, as the "
              "DfE measures it). Dashed lines show the England average.",
              "9", 0x0b0c0c);
    for (int c = 0; c < n; c++)
        if (charts[c].nmonths > 0)
            board_pdf_chart(p, &charts[c]);
}

static void
definitions(struct board_pdf *p, int *section_no)
{
    const struct board_report *r = p->r;
    char title[64], text[3200];

    snprintf(title, sizeof title, "%d. Definitions and sources", ++*section_no);
    heading(p, title, 1);
    for (int i = 0; i < r->nrows; i++) {
        const struct board_row *w = &r->rows[i];
        double h1, h2;

        if (w->district != NULL || w->category != NULL)
            continue;
        if (w->has_england)
            snprintf(text, sizeof text, "%s England average: %.0f%% in the year to March %s (%s).",
                     w->definition, w->england, w->england_year ? w->england_year : "",
                     w->england_source ? w->england_source : "");
        else
            snprintf(text, sizeof text, "%s", w->definition);
        if (w->has_target) {
            size_t n = strlen(text);

            snprintf(text + n, sizeof text - n, " ");
            board_fmt_rag_rule(text + n + 1, sizeof text - n - 1, w);
        }
        h1 = text_h(p, w->label, "Bold 8.5", board_pdf_content_w(p));
        h2 = text_h(p, text, "8.5", board_pdf_content_w(p) - 12);
        board_pdf_need(p, h1 + h2 + 4);
        p->y += board_pdf_text(p, BOARD_PDF_MARGIN, p->y, board_pdf_content_w(p), w->label,
                               "Bold 8.5", PANGO_ALIGN_LEFT, 0x0b0c0c);
        p->y += board_pdf_text(p, BOARD_PDF_MARGIN + 12, p->y, board_pdf_content_w(p) - 12, text,
                               "8.5", PANGO_ALIGN_LEFT, 0x0b0c0c) +
                4;
    }
    snprintf(text, sizeof text,
             "Small numbers: counts from 1 to %d are shown as <%d; percentages, totals and "
             "changes that would reveal such a count are shown as %s; where only one figure of a "
             "breakdown (by district, reason, partner or category) would be suppressed, the next "
             "smallest is too, shown as %s. A dash means no figure (for example, no young "
             "people in the group).",
             r->suppress_below - 1, r->suppress_below, BOARD_SUPPRESSED, BOARD_SUPPRESSED);
    p->y += 6;
    paragraph(p, text, "8.5", 0x505a5f);
    if (r->has_targets) {
        size_t n = (size_t)snprintf(text, sizeof text,
                                    "Status against target (RAG), for each indicator with a "
                                    "target, by the rule given with its definition above:");

        for (enum board_rag g = RAG_NOT_RATED; g <= RAG_RED && n < sizeof text; g++)
            n += (size_t)snprintf(text + n, sizeof text - n, " %s: %s.", board_rag_label(g),
                                  board_rag_meaning(g));
        paragraph(p, text, "8.5", 0x505a5f);
    }
    snprintf(text, sizeof text,
             "Produced by the leaving care service system on %s from the case records.",
             r->generated_at);
    paragraph(p, text, "8", 0x505a5f);
}

int
board_render_pdf(const struct board_report *r, struct cl_buf *out)
{
    struct board_pdf p;
    PangoFontMap *fontmap;
    int section_no = 1;
    cairo_status_t st;
    static pthread_once_t once = PTHREAD_ONCE_INIT;

    pthread_once(&once, register_cleanup);

    memset(&p, 0, sizeof p);
    p.r = r;
    p.out = out;
    p.err = CL_OK;
    p.page_w = A4_W;
    p.page_h = A4_H;
    p.page = 1;
    p.y = BOARD_PDF_MARGIN;
    p.surface = cairo_pdf_surface_create_for_stream(write_cb, &p, A4_W, A4_H);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_TITLE, r->title);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_AUTHOR, r->la_name);
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_SUBJECT,
                                   "Corporate Parenting Board: care leavers performance");
    cairo_pdf_surface_set_metadata(p.surface, CAIRO_PDF_METADATA_CREATOR,
                                   "leaving care service worker");
    p.cr = cairo_create(p.surface);
    /* A font map of its own, released with the document, so no font cache outlives it. */
    fontmap = pango_cairo_font_map_new();
    p.pango = pango_font_map_create_context(fontmap);
    pango_cairo_update_context(p.cr, p.pango);
    pango_cairo_context_set_resolution(p.pango, 72);

    header_block(&p);
    intro(&p);
    actions(&p, &section_no);
    sections(&p, &section_no);
    scorecards(&p, &section_no);
    breakdown(&p, &section_no);
    trends(&p, &section_no);
    definitions(&p, &section_no);
    footer(&p);

    g_object_unref(p.pango);
    g_object_unref(fontmap);
    st = cairo_status(p.cr);
    cairo_destroy(p.cr);
    cairo_surface_finish(p.surface);
    if (st == CAIRO_STATUS_SUCCESS)
        st = cairo_surface_status(p.surface);
    cairo_surface_destroy(p.surface);
    if (st != CAIRO_STATUS_SUCCESS) {
        cl_log_error(MOD, "cairo: %s", cairo_status_to_string(st));
        return p.err != CL_OK ? p.err : CL_EIO;
    }
    return p.err;
}
