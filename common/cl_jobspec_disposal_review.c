/* disposal_review: declaration (see cl_jobspec_records.h). No parameters; run every night. */
#include "cl_jobspec.h"
#include "cl_role.h"
#include "cl_validate.h"

static void
decode(const cJSON *params, const char *role, const struct cl_config *cfg, void *out, cJSON *errors)
{
    static const struct cl_field fields[] = {{NULL}};

    (void)role;
    (void)cfg;
    (void)out;
    cl_validate(params, fields, CL_V_CREATE, errors);
}

static cJSON *
nightly(const struct tm *today)
{
    (void)today; /* the worker lists what is due on the database's date */
    return cJSON_CreateObject();
}

static const struct cl_jobspec disposal_review = {
    "disposal_review",
    CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE,
    CL_ROLE_NONE,
    0,
    decode,
    NULL,
    nightly,
};
CL_JOBSPEC_REGISTER(disposal_review);
