/* The CSV, XML and HTML writers' escaping (SSDA903 files and the Board report) over arbitrary
 * text, plus the SSDA903 validator over arbitrary rows. Invariants: escaped HTML/XML text has
 * no raw markup characters, and a CSV field with a quote, comma or line break is quoted. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "board.h"
#include "cl_buf.h"
#include "cl_mem.h"
#include "ssda903_render.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NF 12

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    char *text = malloc(size + 1), *f[NF];
    struct s903_header h;
    struct s903_oc3 o;
    struct s903_issues issues;
    struct cl_buf b;
    size_t start = 0;
    int n = 0;

    cl_mem_init();
    memcpy(text, data, size);
    text[size] = '\0';
    /* fields are separated by 0x1f; missing ones are empty */
    for (size_t i = 0; i <= size && n < NF; i++)
        if (i == size || text[i] == 0x1f) {
            text[i] = '\0';
            f[n++] = text + start;
            start = i + 1;
        }
    while (n < NF)
        f[n++] = "";

    cl_buf_init(&b, (size_t)1 << 24);
    if (board_html_esc(&b, f[0]) == CL_OK && b.data)
        for (const char *p = b.data; *p; p++)
            if (*p == '<' || *p == '>' || *p == '"')
                abort();
    cl_buf_reset(&b);
    if (board_csv_text(&b, f[1]) == CL_OK && strpbrk(f[1], "\",\r\n") && b.data[0] != '"')
        abort();
    cl_buf_reset(&b);

    h = (struct s903_header){f[2], f[3], f[4], f[5], f[6], f[7], f[8]};
    o = (struct s903_oc3){f[2], f[4], f[9], f[10], f[11]};
    if (s903_header_csv(&b, &h, 1) != CL_OK || s903_oc3_csv(&b, &o, 1) != CL_OK ||
        s903_xml(&b, &h, &o, 1) != CL_OK)
        abort();
    memset(&issues, 0, sizeof issues);
    s903_validate(2026, &h, 1, &o, 1, &issues);
    cl_buf_reset(&b);
    if (s903_issues_csv(&b, &issues) != CL_OK)
        abort();
    s903_issues_free(&issues);
    cl_buf_free(&b);
    free(text);
    return 0;
}
