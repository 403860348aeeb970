/* Text escaped for HTML and XML, for the worker's report and return files. */
#ifndef CL_MARKUP_H
#define CL_MARKUP_H

#include "cl_buf.h"

/* Flag for cl_markup_text: XML 1.0 rules, i.e. the apostrophe as &apos; and control characters
 * other than tab, CR and LF left out (XML cannot carry them). Without it: HTML, the apostrophe
 * as &#39; and every other byte as it is. */
#define CL_MARKUP_XML 0x1

/* Appends s with &, <, >, " and ' escaped. On error (the buffer's cap) the text may be partly
 * written; the caller drops the buffer. */
int cl_markup_text(struct cl_buf *b, const char *s, unsigned flags) CL_WARN_UNUSED;

#endif
