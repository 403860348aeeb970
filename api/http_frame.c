#include "http_frame.h"

#include <ctype.h>
#include <string.h>
#include <strings.h>

#include <civetweb.h>
#include <uuid/uuid.h>

#include "cl_err.h"

const char *
cl_frame_problem(const struct mg_request_info *ri)
{
    int cl = 0, te = 0;

    for (int i = 0; i < ri->num_headers; i++) {
        const char *name = ri->http_headers[i].name, *v = ri->http_headers[i].value;

        if (strcasecmp(name, "Content-Length") == 0) {
            cl++;
            if (*v == '\0')
                return "Content-Length is empty";
            for (; *v; v++)
                if (!isdigit((unsigned char)*v))
                    return "Content-Length is not a number";
        } else if (strcasecmp(name, "Transfer-Encoding") == 0) {
            te++;
        }
    }
    if (cl > 1)
        return "more than one Content-Length";
    if (cl && te)
        return "both Transfer-Encoding and Content-Length";
    if (te > 1)
        return "more than one Transfer-Encoding";
    if (ri->request_uri && (strstr(ri->request_uri, "%00") || strchr(ri->request_uri, '\\')))
        return "NUL or backslash in the request target";
    return NULL;
}

size_t
cl_frame_head_size(const struct mg_request_info *ri)
{
    size_t n = strlen(ri->request_method) + strlen(ri->request_uri ? ri->request_uri : "") + 12;

    if (ri->query_string)
        n += strlen(ri->query_string) + 1;
    for (int i = 0; i < ri->num_headers; i++)
        n += strlen(ri->http_headers[i].name) + strlen(ri->http_headers[i].value) + 4;
    return n;
}

void
cl_frame_request_ids(struct mg_connection *conn, char server[65], char client[65])
{
    const char *h = mg_get_header(conn, "X-Request-Id");
    uuid_t u;

    uuid_generate_random(u);
    uuid_unparse_lower(u, server);
    client[0] = '\0';
    if (h && *h && strlen(h) <= 64 &&
        strspn(h, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"
                  "0123456789-_.") == strlen(h))
        memcpy(client, h, strlen(h) + 1);
}

int
cl_frame_read_body(struct mg_connection *conn, long long declared, size_t max, struct cl_buf *out)
{
    char chunk[8192];
    int n;

    if (declared > (long long)max)
        return 413;
    while ((n = mg_read(conn, chunk, sizeof chunk)) > 0)
        if (cl_buf_add(out, chunk, (size_t)n) != CL_OK)
            return 413;
    if (n < 0)
        return 400;
    if (declared >= 0 && (long long)out->len != declared)
        return 400;
    return 0;
}

int
cl_frame_is_json(const char *ct, int patch)
{
    size_t n;

    if (ct == NULL)
        return 0;
    n = strcspn(ct, ";");
    while (n && ct[n - 1] == ' ')
        n--;
    if (n == 16 && strncasecmp(ct, "application/json", 16) == 0)
        return 1;
    return patch && n == 28 && strncasecmp(ct, "application/merge-patch+json", 28) == 0;
}

int
cl_frame_origin_allowed(const struct cl_config *cfg, const char *origin)
{
    const char *p = cfg->cors_allowed_origins;
    size_t n;

    if (origin == NULL || *p == '\0')
        return 0;
    n = strlen(origin);
    while (*p) {
        size_t len = strcspn(p, ",");

        if (len == n && strncmp(p, origin, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}
