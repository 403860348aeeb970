/* The route table: every path and method the server answers, the roles that may call it and
 * the OpenAPI operationId it implements. The table is the access matrix a reviewer checks;
 * tests check it against openapi/openapi.yaml (x-roles) both ways. */
#ifndef CL_ROUTES_H
#define CL_ROUTES_H

#include <stddef.h>

#include "cl_role.h"
#include "http.h"

typedef int (*cl_handler)(struct cl_req *req, struct cl_resp *resp);

enum { CL_RT_BODY = 1 /* takes a JSON request body */, CL_RT_RAW = 2 /* sends its own bytes */ };

struct cl_route {
    const char *method;
    const char *path; /* template: {name} matches one segment; {…id} must be a UUID */
    cl_handler fn;
    unsigned roles; /* CL_ROLE_* bits; CL_ROLE_NONE: no token needed */
    const char *op_id;
    unsigned flags;
};

extern const struct cl_route cl_routes[];
extern const int cl_routes_count;

/* Finds the route for method and path, filling req->params. Returns NULL with *status 404
 * (no such path) or 405 (path known; allow then lists its methods, comma-separated). */
const struct cl_route *cl_route_match(const char *method, const char *path, struct cl_req *req,
                                      char *allow, size_t allowlen, int *status);

/* A route's roles as the spec's x-roles names them, "board,partner,...", into out. */
void cl_route_roles_str(unsigned roles, char *out, size_t outlen);

#endif
