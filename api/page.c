#include "page.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_json.h"
#include "cursor.h"

/* The list a cursor belongs to: its route template. */
static const char *
page_scope(const struct cl_req *req)
{
    return req->route_path ? req->route_path : req->path;
}

int
cl_page_decode_keys(const char *json, size_t len, int nkeys, struct cl_page *out)
{
    const char *why;
    cJSON *arr = cl_json_parse(json, len, &why);
    int ok = nkeys <= CL_PAGE_MAX_KEYS && cJSON_IsArray(arr) && cJSON_GetArraySize(arr) == nkeys;
    int i = 0;
    const cJSON *e;

    cJSON_ArrayForEach(e, arr)
    {
        if (!ok || !cJSON_IsString(e) || strlen(e->valuestring) >= sizeof out->keys[0]) {
            ok = 0;
            break;
        }
        memcpy(out->keys[i++], e->valuestring, strlen(e->valuestring) + 1);
    }
    cJSON_Delete(arr);
    return ok ? 0 : -1;
}

int
cl_page_parse(const struct cl_req *req, struct cl_resp *resp, int nkeys, struct cl_page *out)
{
    const struct cl_cursor_key *key;
    char v[2048], *plain;
    size_t len = 0;
    int st, err;

    memset(out, 0, sizeof *out);
    out->limit = 50;
    out->nkeys = nkeys;
    st = cl_req_query(req, "limit", v, sizeof v);
    if (st < 0)
        goto bad_limit;
    if (st > 0) {
        char *end;
        long n = strtol(v, &end, 10);

        if (*v == '\0' || *end != '\0' || n < 1 || n > 200)
            goto bad_limit;
        out->limit = (int)n;
    }
    snprintf(out->limit_plus_one, sizeof out->limit_plus_one, "%d", out->limit + 1);
    st = cl_req_query(req, "cursor", v, sizeof v);
    if (st < 0)
        goto bad_cursor;
    if (st > 0) {
        err = cl_cursor_key(req->app->pool, req->db, &key);
        if (err != CL_OK)
            return err;
        plain = cl_cursor_open(key, page_scope(req), v, &len);
        st = plain ? cl_page_decode_keys(plain, len, nkeys, out) : -1;
        free(plain);
        if (st != 0)
            goto bad_cursor;
        out->has_cursor = 1;
    }
    return CL_OK;
bad_limit:
    cl_resp_detail(resp, "limit must be an integer from 1 to 200");
    return CL_EBADREQ;
bad_cursor:
    cl_resp_detail(resp, "cursor is not one this list issued");
    return CL_EBADREQ;
}

const char *
cl_page_key(const struct cl_page *page, int i)
{
    return page->has_cursor ? page->keys[i] : NULL;
}

/* The request's query string without its cursor parameter. */
static int
query_without_cursor(const char *q, struct cl_buf *out)
{
    int err = CL_OK;

    while (q && *q && err == CL_OK) {
        size_t n = strcspn(q, "&");

        if (n && strncmp(q, "cursor=", 7) != 0) {
            err = cl_buf_add(out, q, n);
            if (err == CL_OK)
                err = cl_buf_adds(out, "&");
        }
        q += n;
        if (*q == '&')
            q++;
    }
    return err;
}

int
cl_page_render(const struct cl_req *req, struct cl_resp *resp, const struct cl_page *page,
               const PGresult *res)
{
    int rows = PQntuples(res), shown = rows > page->limit ? page->limit : rows;
    char *cursor = NULL;
    struct cl_buf b;
    int err;

    if (rows > page->limit) {
        const struct cl_cursor_key *key;
        cJSON *keys;
        char *json;

        err = cl_cursor_key(req->app->pool, req->db, &key);
        if (err != CL_OK)
            return err;
        keys = cJSON_CreateArray();
        for (int k = 0; k < page->nkeys; k++)
            cJSON_AddItemToArray(keys, cJSON_CreateString(PQgetvalue(res, shown - 1, k + 1)));
        json = cl_json_print(keys);
        cursor = cl_cursor_seal(key, page_scope(req), json, strlen(json));
        free(json);
        cJSON_Delete(keys);
    }
    cl_buf_init(&b, (size_t)1 << 30);
    err = cl_buf_adds(&b, "{\"items\":[");
    for (int i = 0; i < shown && err == CL_OK; i++) {
        if (i)
            err = cl_buf_adds(&b, ",");
        if (err == CL_OK)
            err = cl_buf_add(&b, PQgetvalue(res, i, 0), (size_t)PQgetlength(res, i, 0));
    }
    if (err == CL_OK)
        err = cursor ? cl_buf_printf(&b, "],\"next_cursor\":\"%s\"}", cursor)
                     : cl_buf_adds(&b, "],\"next_cursor\":null}");
    if (err == CL_OK) {
        resp->status = 200;
        resp->content_type = "application/json";
        cl_buf_free(&resp->body);
        resp->body = b;
        cl_buf_init(&b, 0);
    }
    if (err == CL_OK && cursor) {
        struct cl_buf q;

        cl_buf_init(&q, 4096);
        if (query_without_cursor(req->query, &q) == CL_OK)
            cl_resp_header(resp, "Link", "<%s?%scursor=%s>; rel=\"next\"", req->path,
                           q.data ? q.data : "", cursor);
        cl_buf_free(&q);
    }
    cl_buf_free(&b);
    free(cursor);
    return err;
}
