/* What the Board report's PDF renderer (board_pdf.c) shares with its chart drawing
 * (board_pdf_chart.c): the document being drawn, its text and table primitives. */
#ifndef BOARD_PDF_H
#define BOARD_PDF_H

#include <cairo.h>
#include <pango/pangocairo.h>

#include "board.h"

#define BOARD_PDF_MARGIN 50.0

struct board_pdf {
    cairo_surface_t *surface;
    cairo_t *cr;
    PangoContext *pango;
    const struct board_report *r;
    struct cl_buf *out;
    int err;
    double page_w, page_h;
    double y; /* cursor: top of the next thing */
    int page;
    int landscape;
};

struct board_pdf_cell {
    char main[4200]; /* longer text is cut at a character boundary, ending "…" */
    char sub[256];
};

struct board_pdf_table {
    int ncols;
    double widths[16];
    int right[16]; /* right-aligned column */
    struct board_pdf_cell head[16];
    double font_pt;
};

/* The width between the margins of the current page. */
double board_pdf_content_w(const struct board_pdf *p);
/* Sets the source colour, 0xRRGGBB. */
void board_pdf_colour(struct board_pdf *p, unsigned rgb);
/* Draws text at (x, y) (top left of the box) in font (e.g. "9", "Bold 9") wrapped to width (0:
 * no wrap) and returns its height. */
double board_pdf_text(struct board_pdf *p, double x, double y, double width, const char *text,
                      const char *font, PangoAlignment align, unsigned rgb);
/* Starts a new page unless h more points fit on this one. */
void board_pdf_need(struct board_pdf *p, double h);
/* Draws one table row at the cursor; style 0 plain, 1 header, 2 total (bold, shaded), 3
 * category (indented first cell). */
void board_pdf_draw_row(struct board_pdf *p, const struct board_pdf_table *t,
                        const struct board_pdf_cell *cells, int style);
/* Draws a body row, starting a new page (with the header repeated) when it does not fit. */
void board_pdf_table_row(struct board_pdf *p, const struct board_pdf_table *t,
                         const struct board_pdf_cell *cells, int style);
void board_pdf_set_cell(struct board_pdf_cell *c, const char *main, const char *sub);

/* Draws one trend chart (board_pdf_chart.c) with its values as a table under it. */
void board_pdf_chart(struct board_pdf *p, const struct board_chart *c);

#endif
