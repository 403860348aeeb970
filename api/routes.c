/* The route table: path, method, handler, roles, operationId. This is the access matrix; the
 * OpenAPI document states the same roles per operation (x-roles) and a test checks both agree.
 *
 * Roles: B board, P partner, A adviser, M manager, D admin, S service. */
#include "routes.h"

#include "advisers.h"
#include "audit_events.h"
#include "ops.h"

#define B CL_ROLE_BOARD
#define P CL_ROLE_PARTNER
#define A CL_ROLE_ADVISER
#define M CL_ROLE_MANAGER
#define D CL_ROLE_ADMIN
#define S CL_ROLE_SERVICE
#define ANY CL_ROLES_ALL
#define PUBLIC CL_ROLE_NONE
#define BODY CL_RT_BODY

const struct cl_route cl_routes[] = {
    /* operational */
    {"GET", "/healthz", cl_h_healthz, PUBLIC, "getHealth", 0},
    {"GET", "/readyz", cl_h_readyz, PUBLIC, "getReadiness", 0},
    {"GET", "/metrics", cl_h_metrics, PUBLIC, "getMetrics", 0},
    {"GET", "/v1/openapi.json", cl_h_openapi, PUBLIC, "getOpenApi", 0},
    {"GET", "/docs", cl_h_docs, PUBLIC, "getDocs", 0},
    {"GET", "/docs/redoc.standalone.js", cl_h_docs_js, PUBLIC, "getDocsScript", 0},
    {"GET", "/v1/me", cl_h_me, ANY, "getMe", 0},

    /* personal advisers */
    {"POST", "/v1/advisers", cl_h_advisers_create, D, "createAdviser", BODY},
    {"GET", "/v1/advisers", cl_h_advisers_list, M | D | S, "listAdvisers", 0},
    {"GET", "/v1/advisers/{adviser_id}", cl_h_advisers_get, A | M | D | S, "getAdviser", 0},
    {"PATCH", "/v1/advisers/{adviser_id}", cl_h_advisers_patch, D, "updateAdviser", BODY},

    /* audit */
    {"GET", "/v1/audit-events", cl_h_audit_events_list, D, "listAuditEvents", 0},
};

const int cl_routes_count = (int)(sizeof cl_routes / sizeof cl_routes[0]);
