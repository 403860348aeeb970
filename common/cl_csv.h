/* CSV fields per RFC 4180, for the worker's report and return files. */
#ifndef CL_CSV_H
#define CL_CSV_H

#include "cl_buf.h"

/* Flag for cl_csv_field: text a spreadsheet would run as a formula (=, +, -, @ first, or a TAB
 * or CR, which spreadsheets strip before looking) is quoted with a leading apostrophe,
 * "'=...". */
#define CL_CSV_FORMULA_GUARD 0x1

/* Appends s (NULL is taken as "") as one CSV field, with no separator: quoted when it holds a
 * comma, a quote, CR or LF, quotes doubled; otherwise as it is. On error (the buffer's cap) the
 * field may be partly written; the caller drops the buffer. */
int cl_csv_field(struct cl_buf *b, const char *s, unsigned flags) CL_WARN_UNUSED;

#endif
