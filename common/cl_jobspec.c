#include "cl_jobspec.h"

#include <string.h>

#include "cl_jobspec_board.h"
#include "cl_jobspec_ssda903.h"
#include "cl_role.h"
#include "cl_validate.h"

/* "noop": exercises the queue itself (tests, smoke checks). */
static void
validate_noop(const cJSON *params, const char *role, cJSON *errors)
{
    (void)role;
    static const struct cl_field fields[] = {
        {"fail", CL_F_BOOL},
        {"sleep_ms", CL_F_INT, 0, 0, 600000},
        {"date", CL_F_DATE},
        {NULL},
    };

    cl_validate(params, fields, CL_V_CREATE, errors);
}

const struct cl_jobspec cl_jobspecs[] = {
    {"noop", CL_ROLE_ADMIN | CL_ROLE_SERVICE, CL_ROLE_NONE, validate_noop},
    {"ssda903", CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE, CL_ROLE_NONE,
     cl_jobspec_ssda903_validate},
    {"board_report", CL_ROLE_BOARD | CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE,
     CL_ROLE_BOARD, cl_jobspec_board_validate},
};

const int cl_jobspecs_count = (int)(sizeof cl_jobspecs / sizeof cl_jobspecs[0]);

const struct cl_jobspec *
cl_jobspec_find(const char *kind)
{
    for (int i = 0; i < cl_jobspecs_count; i++)
        if (strcmp(cl_jobspecs[i].kind, kind) == 0)
            return &cl_jobspecs[i];
    return NULL;
}

int
cl_jobspec_allows(const struct cl_jobspec *spec, const char *role)
{
    return (spec->roles & (unsigned)cl_role_from_name(role)) != 0;
}

enum cl_jobspec_sight
cl_jobspec_sight(const struct cl_jobspec *spec, const char *role)
{
    if (!cl_jobspec_allows(spec, role))
        return CL_JOBS_NONE;
    return spec->own_roles & (unsigned)cl_role_from_name(role) ? CL_JOBS_OWN_ROLE : CL_JOBS_ALL;
}
