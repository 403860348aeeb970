/* Matching request paths against the route table's templates. */
#include "routes.h"

#include <stdio.h>
#include <string.h>

#include "cl_validate.h"

void
cl_route_roles_str(unsigned roles, char *out, size_t outlen)
{
    cl_role_list(roles, out, outlen);
}

/* Matches one template against path; fills params when out is not NULL. */
static int
match(const char *tmpl, const char *path, struct cl_req *out)
{
    int n = 0;

    while (*tmpl && *path) {
        if (*tmpl == '{') {
            const char *close = strchr(tmpl, '}');
            size_t seglen = strcspn(path, "/");
            int is_id = close - tmpl >= 3 && strncmp(close - 2, "id", 2) == 0;

            if (seglen == 0 || seglen >= 40 || n >= CL_MAX_PATH_PARAMS)
                return 0;
            if (out) {
                memcpy(out->param_buf[n], path, seglen);
                out->param_buf[n][seglen] = '\0';
                if (is_id && !cl_uuid_valid(out->param_buf[n]))
                    return 0;
                out->params[n] = out->param_buf[n];
            } else if (is_id && seglen != 36) {
                return 0;
            }
            n++;
            tmpl = close + 1;
            path += seglen;
            continue;
        }
        if (*tmpl != *path)
            return 0;
        tmpl++;
        path++;
    }
    if (*tmpl || *path)
        return 0;
    if (out)
        out->nparams = n;
    return 1;
}

const struct cl_route *
cl_route_match(const char *method, const char *path, struct cl_req *req, char *allow,
               size_t allowlen, int *status)
{
    size_t used = 0;

    allow[0] = '\0';
    *status = 404;
    for (int i = 0; i < cl_routes_count; i++) {
        const struct cl_route *r = &cl_routes[i];

        if (!match(r->path, path, NULL))
            continue;
        if (strcmp(r->method, method) == 0 && match(r->path, path, req))
            return r;
        if (strcmp(r->method, method) == 0)
            continue; /* a malformed id: that path does not exist */
        *status = 405;
        if (used + strlen(r->method) + 3 < allowlen) {
            used += (size_t)snprintf(allow + used, allowlen - used, "%s%s", used ? ", " : "",
                                     r->method);
        }
    }
    return NULL;
}
