/* subject_access: declaration and parameters (see cl_jobspec_records.h). */
#include <stdio.h>

#include "cl_jobspec.h"
#include "cl_jobspec_records.h"
#include "cl_role.h"
#include "cl_validate.h"

static void
decode(const cJSON *params, const char *role, const struct cl_config *cfg, void *out, cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"care_leaver_id", CL_F_UUID, CL_F_REQUIRED},
        {"reason", CL_F_STRING, CL_F_REQUIRED, 1, 500},
        {"request_reference", CL_F_STRING, CL_F_REQUIRED, 1, 100},
        {NULL},
    };
    struct cl_subject_access_params *p = out;

    (void)role;
    (void)cfg;
    cl_jobspec_decode_id(params, fields, "care_leaver_id", p->care_leaver_id,
                         sizeof p->care_leaver_id, errors);
}

/* Managers and admins request it; its artifacts are downloadable only by the requester and
 * admins (the restrictive policy artifacts_subject_access, schema/functions/security.sql). */
static const struct cl_jobspec subject_access = {
    "subject_access",
    CL_ROLE_MANAGER | CL_ROLE_ADMIN,
    CL_ROLE_NONE,
    sizeof(struct cl_subject_access_params),
    decode,
    NULL,
    NULL,
};
CL_JOBSPEC_REGISTER(subject_access);
