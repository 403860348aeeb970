/* The route table and openapi/openapi.yaml must agree both ways: every served route is in the
 * spec with the same roles (x-roles), and every operation in the spec is served. */
#include <criterion/criterion.h>
#include <ctype.h>
#include <string.h>

#include "assets.h"
#include "cl_json.h"
#include "cl_mem.h"
#include "routes.h"

static cJSON *spec;

static void
load(void)
{
    cl_mem_init();
    spec = cJSON_ParseWithLength(cl_asset_openapi_json, cl_asset_openapi_json_len);
    cr_assert_not_null(spec, "the embedded spec parses");
}

static void
unload(void)
{
    cJSON_Delete(spec);
}

static void
lower(const char *in, char *out)
{
    for (; *in; in++)
        *out++ = (char)tolower((unsigned char)*in);
    *out = '\0';
}

static unsigned
roles_of(const cJSON *op)
{
    const cJSON *r, *list = cJSON_GetObjectItem(op, "x-roles");
    unsigned mask = 0;

    cr_assert(cJSON_IsArray(list), "x-roles is a list");
    cJSON_ArrayForEach(r, list) mask |= (unsigned)cl_role_from_name(r->valuestring);
    return mask;
}

TestSuite(routes, .init = load, .fini = unload);

Test(routes, every_route_is_in_the_spec_with_the_same_roles)
{
    const cJSON *paths = cJSON_GetObjectItem(spec, "paths");

    for (int i = 0; i < cl_routes_count; i++) {
        const struct cl_route *r = &cl_routes[i];
        char m[16];
        const cJSON *op;

        lower(r->method, m);
        op = cJSON_GetObjectItem(cJSON_GetObjectItem(paths, r->path), m);
        cr_expect_not_null(op, "%s %s is not in openapi.yaml", r->method, r->path);
        if (op == NULL)
            continue;
        cr_expect_eq(roles_of(op), r->roles, "%s %s: x-roles differ from the route table",
                     r->method, r->path);
        cr_expect_str_eq(cJSON_GetObjectItem(op, "operationId")->valuestring, r->op_id,
                         "%s %s operationId", r->method, r->path);
    }
}

Test(routes, every_operation_in_the_spec_is_served)
{
    const cJSON *path, *op;

    cJSON_ArrayForEach(path, cJSON_GetObjectItem(spec, "paths"))
    {
        cJSON_ArrayForEach(op, path)
        {
            int found = 0;

            if (strcmp(op->string, "parameters") == 0)
                continue;
            for (int i = 0; i < cl_routes_count && !found; i++) {
                char m[16];

                lower(cl_routes[i].method, m);
                found = strcmp(cl_routes[i].path, path->string) == 0 && strcmp(m, op->string) == 0;
            }
            cr_expect(found, "%s %s is in the spec but not served", op->string, path->string);
        }
    }
}

Test(routes, matching_fills_parameters_and_refuses_bad_ids)
{
    struct cl_req req;
    char allow[128];
    int status;
    const struct cl_route *r;

    memset(&req, 0, sizeof req);
    r = cl_route_match("GET", "/healthz", &req, allow, sizeof allow, &status);
    cr_expect_not_null(r);
    r = cl_route_match("POST", "/healthz", &req, allow, sizeof allow, &status);
    cr_expect_null(r);
    cr_expect_eq(status, 405);
    cr_expect_str_eq(allow, "GET");
    r = cl_route_match("GET", "/nope", &req, allow, sizeof allow, &status);
    cr_expect_null(r);
    cr_expect_eq(status, 404);
}
