/* The Local Offer (schema/functions/local_offer.sql holds the content and its rules). The
 * public page is rendered here from the version's JSON: one self-contained HTML document with
 * a language, a heading outline (h1, then h2 per section), a contents list linking each
 * section, paragraphs from the blank-line breaks of the text, and every text escaped. Its ETag
 * is the content's hash with the renderer's revision, so a cache revalidates it cheaply. */
#include "local_offer.h"

#include <stdlib.h>
#include <string.h>

#include "cl_json.h"
#include "cl_markup.h"
#include "cl_mem.h"
#include "conflict.h"
#include "resource.h"

/* Bump when the HTML below changes, so caches drop pages rendered the old way. */
#define RENDERER "lo1"

static const struct cl_field offer_fields[] = {
    {"id", CL_F_UUID, CL_F_READONLY},
    {"title", CL_F_STRING, CL_F_REQUIRED, 1, 200},
    {"introduction", CL_F_STRING, 0, 0, 5000},
    {"published_on", CL_F_DATE, CL_F_REQUIRED | CL_F_NOPAST},
    {"sections", CL_F_ARRAY, CL_F_REQUIRED, 1, 100},
    {"created_at", CL_F_STRING, CL_F_READONLY},
    {NULL},
};

static struct cl_stmt offer_create = {"SELECT * FROM local_offer_create($1::jsonb)"};
static struct cl_stmt offer_get = {"SELECT * FROM local_offer_get($1::uuid)"};
static struct cl_stmt offer_page = {"SELECT body, etag, published FROM local_offer_page()"};

int
cl_h_local_offer_create(struct cl_req *req, struct cl_resp *resp)
{
    int err = cl_api_create(req, resp, offer_fields, &offer_create, 0, "/v1/local-offer-versions");

    cl_api_conflict_detail(req, resp, err, "a version is already published on that date");
    return err;
}

int
cl_h_local_offer_get(struct cl_req *req, struct cl_resp *resp)
{
    return cl_api_row(req, resp, &offer_get, 1, req->params, 200, NULL);
}

/* Text as paragraphs: each run of lines between blank lines is one <p>. */
static int
paragraphs(struct cl_buf *b, const char *text)
{
    int err = CL_OK;
    char *copy = cl_strdup(text), *p = copy;

    while (err == CL_OK && *p) {
        char *end = strstr(p, "\n\n");

        if (end)
            *end = '\0';
        if (*p) {
            err = cl_buf_adds(b, "<p>");
            if (err == CL_OK)
                err = cl_markup_text(b, p, 0);
            if (err == CL_OK)
                err = cl_buf_adds(b, "</p>\n");
        }
        if (end == NULL)
            break;
        p = end + 2;
        while (*p == '\n')
            p++;
    }
    free(copy);
    return err;
}

static const char *
str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(o, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

static int
render(struct cl_buf *b, const cJSON *offer, const char *published)
{
    const cJSON *sections = cJSON_GetObjectItemCaseSensitive(offer, "sections"), *s;
    int err, n = 0;

    err =
        cl_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                       "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                       "<title>");
    if (err == CL_OK)
        err = cl_markup_text(b, str(offer, "title"), 0);
    if (err == CL_OK)
        err = cl_buf_adds(b, "</title>\n<style>body{font-family:system-ui,sans-serif;"
                             "font-size:1.125rem;line-height:1.5;color:#0b0c0c;background:#fff;"
                             "max-width:42rem;margin:0 auto;padding:1rem}"
                             "a{color:#1d4ed8}a:focus{outline:3px solid #fd0;background:#fd0}"
                             "h2{margin-top:2rem}</style>\n</head>\n<body>\n<main>\n<h1>");
    if (err == CL_OK)
        err = cl_markup_text(b, str(offer, "title"), 0);
    if (err == CL_OK)
        err = cl_buf_printf(b, "</h1>\n<p>Published <time datetime=\"%s\">%s</time></p>\n",
                            str(offer, "published_on"), published);
    if (err == CL_OK)
        err = paragraphs(b, str(offer, "introduction"));
    if (err == CL_OK)
        err = cl_buf_adds(b, "<nav aria-labelledby=\"contents\">\n<h2 id=\"contents\">Contents</h2>"
                             "\n<ol>\n");
    cJSON_ArrayForEach(s, sections)
    {
        if (err == CL_OK)
            err = cl_buf_printf(b, "<li><a href=\"#section-%d\">", ++n);
        if (err == CL_OK)
            err = cl_markup_text(b, str(s, "heading"), 0);
        if (err == CL_OK)
            err = cl_buf_adds(b, "</a></li>\n");
    }
    if (err == CL_OK)
        err = cl_buf_adds(b, "</ol>\n</nav>\n");
    n = 0;
    cJSON_ArrayForEach(s, sections)
    {
        const cJSON *ents = cJSON_GetObjectItemCaseSensitive(s, "entitlements"), *e;

        n++;
        if (err == CL_OK)
            err = cl_buf_printf(
                b, "<section aria-labelledby=\"section-%d\">\n<h2 id=\"section-%d\">", n, n);
        if (err == CL_OK)
            err = cl_markup_text(b, str(s, "heading"), 0);
        if (err == CL_OK)
            err = cl_buf_adds(b, "</h2>\n");
        if (err == CL_OK)
            err = paragraphs(b, str(s, "body"));
        if (err == CL_OK && cJSON_GetArraySize(ents) > 0)
            err = cl_buf_printf(b,
                                "<h3 id=\"section-%d-entitlements\">What you are entitled to"
                                "</h3>\n<ul aria-labelledby=\"section-%d-entitlements\">\n",
                                n, n);
        cJSON_ArrayForEach(e, ents)
        {
            if (err == CL_OK)
                err = cl_buf_adds(b, "<li>");
            if (err == CL_OK)
                err = cl_markup_text(b, str(e, "name"), 0);
            if (err == CL_OK)
                err = cl_buf_adds(b, "</li>\n");
        }
        if (err == CL_OK && cJSON_GetArraySize(ents) > 0)
            err = cl_buf_adds(b, "</ul>\n");
        if (err == CL_OK)
            err = cl_buf_adds(b, "</section>\n");
    }
    if (err == CL_OK)
        err = cl_buf_adds(b, "</main>\n</body>\n</html>\n");
    return err;
}

int
cl_h_local_offer_page(struct cl_req *req, struct cl_resp *resp)
{
    PGresult *res = NULL;
    cJSON *offer = NULL;
    struct cl_buf b;
    char tag[48];
    const char *why;
    int err = cl_req_begin(req);

    cl_buf_init(&b, (size_t)4 << 20);
    if (err == CL_OK)
        err = cl_db_one(req->db, &offer_page, 0, NULL, &res);
    if (err == CL_ENOTFOUND)
        cl_resp_detail(resp, "no Local Offer has been published yet");
    if (err != CL_OK)
        goto done;
    snprintf(tag, sizeof tag, RENDERER "-%s", PQgetvalue(res, 0, 1));
    cl_resp_header(resp, "ETag", "\"%s\"", tag);
    resp->cache_control = "public, max-age=300";
    if (cl_req_none_match(req, tag)) {
        cl_resp_bytes(resp, 304, NULL, "", 0);
        goto done;
    }
    offer = cl_json_parse(PQgetvalue(res, 0, 0), (size_t)PQgetlength(res, 0, 0), &why);
    err = offer ? render(&b, offer, PQgetvalue(res, 0, 2)) : CL_EDB;
    if (err == CL_OK)
        cl_resp_bytes(resp, 200, "text/html; charset=utf-8", b.data, b.len);
done:
    if (req->db)
        cl_db_rollback(req->db);
    cJSON_Delete(offer);
    cl_buf_free(&b);
    PQclear(res);
    return err;
}
