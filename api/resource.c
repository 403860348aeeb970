#include "resource.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cl_api_validate(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
                enum cl_vmode mode)
{
    if (resp->errors == NULL)
        resp->errors = cJSON_CreateArray();
    if (cl_validate(req->body, fields, mode, resp->errors) == 0 &&
        cJSON_GetArraySize(resp->errors) == 0)
        return CL_OK;
    cl_resp_detail(resp, "the request has invalid fields");
    return CL_EINVAL;
}

/* Runs stmt as a transaction of its own: pipelined in one round trip, unless an
 * Idempotency-Key must be stored in the same transaction. */
static int
run_one(struct cl_req *req, struct cl_stmt *stmt, int nparams, const char *const *params,
        PGresult **res)
{
    int err;

    if (req->idempotency_key) {
        err = cl_req_begin(req);
        return err == CL_OK ? cl_db_exec(req->db, stmt, nparams, params, res) : err;
    }
    if (req->db == NULL) {
        err = cl_pool_get(req->app->pool, &req->db);
        if (err != CL_OK)
            return err;
    }
    return cl_db_txn_one(req->db, &req->who, stmt, nparams, params, res);
}

static int
finish(struct cl_req *req, const struct cl_resp *resp)
{
    return req->idempotency_key ? cl_req_commit(req, resp) : CL_OK;
}

int
cl_api_row(struct cl_req *req, struct cl_resp *resp, struct cl_stmt *stmt, int nparams,
           const char *const *params, int status, const char *location)
{
    PGresult *res = NULL;
    int err = run_one(req, stmt, nparams, params, &res);

    if (err == CL_OK && PQntuples(res) != 1)
        err = CL_ENOTFOUND;
    if (err == CL_OK) {
        char loc[160];

        if (location)
            snprintf(loc, sizeof loc, "%s/%s", location, PQgetvalue(res, 0, 2));
        cl_resp_row(resp, status, PQgetvalue(res, 0, 0),
                    PQgetisnull(res, 0, 1) ? NULL : PQgetvalue(res, 0, 1), location ? loc : NULL);
        err = finish(req, resp);
    }
    if (err == CL_ENOTFOUND && resp->detail[0] == '\0')
        cl_resp_detail(resp, "no such resource");
    PQclear(res);
    return err;
}

int
cl_api_list(struct cl_req *req, struct cl_resp *resp, const struct cl_page *page,
            struct cl_stmt *stmt, int nparams, const char *const *params)
{
    PGresult *res = NULL;
    int err = run_one(req, stmt, nparams, params, &res);

    if (err == CL_OK)
        err = cl_page_render(req, resp, page, res);
    if (err == CL_OK)
        err = finish(req, resp);
    if (err == CL_EINVAL) {
        cl_resp_detail(resp, "a filter or cursor value is not valid");
        err = CL_EBADREQ;
    }
    PQclear(res);
    return err;
}

const char *
cl_api_filter(struct cl_req *req, struct cl_resp *resp, const char *name, char kind,
              const char *const *choices, char *out, size_t outlen)
{
    int st = cl_req_query(req, name, out, outlen);
    const char *bad = NULL;

    if (st == 0)
        return NULL;
    if (st < 0) {
        bad = "is too long or not valid text";
    } else if (choices) {
        const char *const *c;

        for (c = choices; *c && strcmp(*c, out) != 0; c++)
            ;
        if (*c == NULL)
            bad = "is not one of the allowed values";
    } else if (kind == 'u' && !cl_uuid_valid(out)) {
        bad = "must be a UUID";
    } else if (kind == 'd' && !cl_date_valid(out)) {
        bad = "must be a date YYYY-MM-DD";
    } else if (kind == 'b' && strcmp(out, "true") != 0 && strcmp(out, "false") != 0) {
        bad = "must be true or false";
    } else if (kind == 'i') {
        char *end;
        long v = strtol(out, &end, 10);

        if (*out == '\0' || *end != '\0' || v < 0 || v > 1000000)
            bad = "must be a non-negative integer";
    }
    if (bad) {
        cl_resp_field_error(resp, name, bad);
        cl_resp_detail(resp, "invalid query parameter");
        return NULL;
    }
    return out;
}

int
cl_api_create(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
              struct cl_stmt *stmt, int npath, const char *location)
{
    const char *p[CL_MAX_PATH_PARAMS + 1];
    char loc[128];
    int err = cl_api_validate(req, resp, fields, CL_V_CREATE);

    if (err != CL_OK)
        return err;
    for (int i = 0; i < npath; i++)
        p[i] = req->params[i];
    p[npath] = req->body_raw;
    snprintf(loc, sizeof loc, location, req->nparams > 0 ? req->params[0] : "");
    return cl_api_row(req, resp, stmt, npath + 1, p, 201, loc);
}

int
cl_api_patch(struct cl_req *req, struct cl_resp *resp, const struct cl_field *fields,
             struct cl_stmt *stmt, int npath)
{
    const char *p[CL_MAX_PATH_PARAMS + 2];
    char buf[16];
    int err = cl_req_if_match(req, resp, &p[npath + 1], buf);

    if (err == CL_OK)
        err = cl_api_validate(req, resp, fields, CL_V_PATCH);
    if (err != CL_OK)
        return err;
    for (int i = 0; i < npath; i++)
        p[i] = req->params[i];
    p[npath] = req->body_raw;
    return cl_api_row(req, resp, stmt, npath + 2, p, 200, NULL);
}

#define LIST_MAX_FILTERS 8

int
cl_api_list_query(struct cl_req *req, struct cl_resp *resp, struct cl_stmt *stmt, int npath,
                  const struct cl_api_query *filters, int nkeys)
{
    const char *p[CL_MAX_PATH_PARAMS + LIST_MAX_FILTERS + CL_PAGE_MAX_KEYS + 1];
    char scratch[1024];
    size_t used = 0;
    struct cl_page page;
    int n = 0, err = cl_page_parse(req, resp, nkeys, &page);

    if (err != CL_OK)
        return err;
    for (int i = 0; i < npath; i++)
        p[n++] = req->params[i];
    for (const struct cl_api_query *f = filters; f && f->name; f++) {
        /* the tables are constants: outgrowing these bounds is a programming error */
        if (f - filters >= LIST_MAX_FILTERS || f->size > sizeof scratch - used)
            abort();
        p[n++] = cl_api_filter(req, resp, f->name, f->kind, f->choices, scratch + used, f->size);
        used += f->size;
    }
    if (resp->errors)
        return CL_EBADREQ;
    for (int i = 0; i < nkeys; i++)
        p[n++] = cl_page_key(&page, i);
    p[n++] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, stmt, n, p);
}
