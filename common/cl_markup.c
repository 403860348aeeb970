#include "cl_markup.h"

#include <string.h>

int
cl_markup_text(struct cl_buf *b, const char *s, unsigned flags)
{
    int xml = (flags & CL_MARKUP_XML) != 0, err = CL_OK;
    size_t plain = strcspn(s, "&<>\"'");

    /* The common case (codes, ids, dates, names): nothing to escape. */
    if (s[plain] == '\0') {
        size_t i = 0;

        while (xml && i < plain && (unsigned char)s[i] >= 0x20)
            i++;
        if (!xml || i == plain)
            return cl_buf_add(b, s, plain);
    }
    for (const char *p = s; *p && err == CL_OK; p++) {
        unsigned char c = (unsigned char)*p;

        switch (c) {
        case '&':
            err = cl_buf_adds(b, "&amp;");
            break;
        case '<':
            err = cl_buf_adds(b, "&lt;");
            break;
        case '>':
            err = cl_buf_adds(b, "&gt;");
            break;
        case '"':
            err = cl_buf_adds(b, "&quot;");
            break;
        case '\'':
            err = cl_buf_adds(b, xml ? "&apos;" : "&#39;");
            break;
        default:
            if (!xml || c >= 0x20 || c == '\t' || c == '\n' || c == '\r')
                err = cl_buf_add(b, p, 1);
        }
    }
    return err;
}
