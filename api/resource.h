/* The shapes every resource handler shares, so each handler is a few lines: validate a body
 * against its field list, run one SQL statement that returns (body, version, id) and answer
 * with it, or run one list statement and answer with a page. The SQL functions do the work:
 * scope, rules, audit rows and the JSON representation live in schema/. */
#ifndef CL_RESOURCE_H
#define CL_RESOURCE_H

#include "cl_validate.h"
#include "http.h"
#include "page.h"

/* Checks req->body against fields; on problems fills resp->errors and returns CL_EINVAL. */
int cl_api_validate(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
                    enum cl_vmode mode) CL_WARN_UNUSED;

/* In one transaction, runs stmt, which returns one row (body text, version, id) or none
 * (404), and answers status with it. location: NULL, or a prefix such as "/v1/advisers" to
 * which "/<id>" is added for the Location header. */
int cl_api_row(struct cl_req *req, struct cl_resp *resp, struct cl_stmt *stmt, int nparams,
               const char *const *params, int status, const char *location) CL_WARN_UNUSED;

/* In one transaction, runs a list stmt (rows: item JSON, then the page's sort keys) and
 * answers with a page. */
int cl_api_list(struct cl_req *req, struct cl_resp *resp, const struct cl_page *page,
                struct cl_stmt *stmt, int nparams, const char *const *params) CL_WARN_UNUSED;

/* A filter from the query string: NULL when absent; on a malformed value adds a field error.
 * kind: 'u' UUID, 'd' date, 'b' true/false, 'i' integer, 's' text (max outlen-1), or an enum
 * given as a NULL-terminated choices list. */
const char *cl_api_filter(struct cl_req *req, struct cl_resp *resp, const char *name, char kind,
                          const char *const *choices, char *out, size_t outlen);

/* The three shapes most resources share. Each runs one statement whose parameters are the
 * first npath path parameters followed by the ones named below, in order. */

/* POST that creates: validates the body (create mode), runs stmt with (path..., body) and
 * answers 201. location is the collection for the Location header; a "%s" in it stands for
 * the first path parameter ("/v1/care-leavers/%s/contacts"). */
int cl_api_create(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
                  struct cl_stmt *stmt, int npath, const char *location) CL_WARN_UNUSED;

/* PATCH: reads If-Match, validates the body (patch mode), runs stmt with (path..., body,
 * version) and answers 200. */
int cl_api_patch(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
                 struct cl_stmt *stmt, int npath) CL_WARN_UNUSED;

/* One query-string filter of a list, as for cl_api_filter; size is its buffer with the NUL
 * (the longest text value plus one). A list's filters end with a row whose name is NULL. */
struct cl_api_query {
    const char *name;
    char kind;
    const char *const *choices;
    size_t size;
};

/* GET of a list: parses the page (nkeys sort keys) and the filters (NULL: none), answers 400
 * on a bad one, else runs stmt with (path..., filters..., keys..., limit + 1) as cl_api_list. */
int cl_api_list_query(struct cl_req *req, struct cl_resp *resp, struct cl_stmt *stmt, int npath,
                      const struct cl_api_query *filters, int nkeys) CL_WARN_UNUSED;

#endif
