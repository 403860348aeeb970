/* Keyset pagination for list endpoints: `limit` (1..200, default 50) and an opaque `cursor`
 * that carries the sort key of the last row seen, sealed (cursor.h) so that it shows no names
 * or values and works only on the list that issued it. List queries fetch limit + 1 rows whose
 * column 0 is the item's JSON and columns 1..nkeys its sort key, in order. */
#ifndef CL_PAGE_H
#define CL_PAGE_H

#include <libpq-fe.h>

#include "http.h"

#define CL_PAGE_MAX_KEYS 4

struct cl_page {
    int limit;
    int has_cursor;
    int nkeys;
    char keys[CL_PAGE_MAX_KEYS][128];
    char limit_plus_one[12]; /* limit + 1 as text, the SQL LIMIT */
};

/* Reads limit and cursor from the query string. CL_EBADREQ (detail set) when malformed;
 * CL_EDB_DOWN while the cursor key cannot be read. */
int cl_page_parse(const struct cl_req *req, struct cl_resp *resp, int nkeys,
                  struct cl_page *out) CL_WARN_UNUSED;
/* Decodes an opened cursor (a JSON array of nkeys strings, len bytes) into out->keys; 0 when
 * valid. Pure: also a fuzzing entry point for cursors. */
int cl_page_decode_keys(const char *json, size_t len, int nkeys, struct cl_page *out);
/* The cursor key i as an SQL parameter: NULL on the first page. */
const char *cl_page_key(const struct cl_page *page, int i);
/* Writes {"items": [...], "next_cursor": ...} and a Link header from the rows of res. */
int cl_page_render(const struct cl_req *req, struct cl_resp *resp, const struct cl_page *page,
                   const PGresult *res) CL_WARN_UNUSED;

#endif
