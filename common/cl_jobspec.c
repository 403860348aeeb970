#include "cl_jobspec.h"

#include <string.h>

#include "cl_jobspec_board.h"
#include "cl_jobspec_ssda903.h"
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
    {"noop", "admin,service", "", validate_noop},
    {"ssda903", "manager,admin,service", "", cl_jobspec_ssda903_validate},
    {"board_report", "board,manager,admin,service", "board", cl_jobspec_board_validate},
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

/* 1 when role appears in the comma-separated list. */
static int
listed(const char *list, const char *role)
{
    size_t n = strlen(role);
    const char *p = list;

    while (*p) {
        size_t len = strcspn(p, ",");

        if (len == n && strncmp(p, role, n) == 0)
            return 1;
        p += len;
        if (*p == ',')
            p++;
    }
    return 0;
}

int
cl_jobspec_allows(const struct cl_jobspec *spec, const char *role)
{
    return listed(spec->roles, role);
}

enum cl_jobspec_sight
cl_jobspec_sight(const struct cl_jobspec *spec, const char *role)
{
    if (!listed(spec->roles, role))
        return CL_JOBS_NONE;
    return listed(spec->own_roles, role) ? CL_JOBS_OWN_ROLE : CL_JOBS_ALL;
}
