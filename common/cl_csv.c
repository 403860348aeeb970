#include "cl_csv.h"

#include <string.h>

int
cl_csv_field(struct cl_buf *b, const char *s, unsigned flags)
{
    int guard, err;

    if (s == NULL)
        s = "";
    guard = (flags & CL_CSV_FORMULA_GUARD) && s[0] != '\0' && strchr("=+-@\t\r", s[0]) != NULL;
    if (!guard && strpbrk(s, ",\"\r\n") == NULL)
        return cl_buf_adds(b, s);
    err = cl_buf_adds(b, guard ? "\"'" : "\"");
    for (const char *p = s; *p && err == CL_OK; p++)
        err = *p == '"' ? cl_buf_adds(b, "\"\"") : cl_buf_add(b, p, 1);
    if (err == CL_OK)
        err = cl_buf_adds(b, "\"");
    return err;
}
