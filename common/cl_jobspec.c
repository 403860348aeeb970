#include "cl_jobspec.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "cl_validate.h"
#include "cl_role.h"
#include "cl_validate.h"

static void
decode_noop(const cJSON *params, const char *role, const struct cl_config *cfg, void *out,
            cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"fail", CL_F_BOOL},
        {"sleep_ms", CL_F_INT, 0, 0, 600000},
        {"date", CL_F_DATE},
        {NULL},
    };
    struct cl_noop_params *p = out;
    const cJSON *sleep_ms = cJSON_GetObjectItemCaseSensitive(params, "sleep_ms");
    int before = cJSON_GetArraySize(errors);

    (void)role;
    (void)cfg;
    cl_validate(params, fields, CL_V_CREATE, errors);
    if (cJSON_GetArraySize(errors) != before)
        return;
    p->fail = cJSON_IsTrue(cJSON_GetObjectItemCaseSensitive(params, "fail"));
    p->sleep_ms = cJSON_IsNumber(sleep_ms) ? (long)sleep_ms->valuedouble : 0;
}

static const struct cl_jobspec noop = {
    "noop",       CL_ROLE_ADMIN | CL_ROLE_SERVICE,
    CL_ROLE_NONE, sizeof(struct cl_noop_params),
    decode_noop,  NULL,
    NULL,
};
CL_JOBSPEC_REGISTER(noop);

/* The section CL_JOBSPEC_REGISTER fills; weak, so that a binary with no kind still links. */
extern const struct cl_jobspec *const __start_cl_jobspecs[] __attribute__((weak));
extern const struct cl_jobspec *const __stop_cl_jobspecs[] __attribute__((weak));

int
cl_jobspec_count(void)
{
    /* As addresses: the two symbols bound one section, not one C object. */
    return (int)(((uintptr_t)__stop_cl_jobspecs - (uintptr_t)__start_cl_jobspecs) /
                 sizeof __start_cl_jobspecs[0]);
}

const struct cl_jobspec *
cl_jobspec_at(int i)
{
    return __start_cl_jobspecs[i];
}

int
cl_jobspec_decode(const struct cl_jobspec *spec, const cJSON *params, const char *role,
                  const struct cl_config *cfg, void **out, cJSON *errors)
{
    cJSON *empty = params ? NULL : cJSON_CreateObject();
    int before = cJSON_GetArraySize(errors);
    void *p = cl_calloc(1, spec->params_size);

    spec->decode(params ? params : empty, role, cfg, p, errors);
    cJSON_Delete(empty);
    if (cJSON_GetArraySize(errors) != before) {
        cl_jobspec_params_free(spec, p);
        *out = NULL;
        return CL_EINVAL;
    }
    *out = p;
    return CL_OK;
}

void
cl_jobspec_params_free(const struct cl_jobspec *spec, void *params)
{
    if (params && spec->params_free)
        spec->params_free(params);
    free(params);
}

const struct cl_jobspec *
cl_jobspec_find(const char *kind)
{
    for (int i = 0; i < cl_jobspec_count(); i++)
        if (strcmp(cl_jobspec_at(i)->kind, kind) == 0)
            return cl_jobspec_at(i);
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

void
cl_jobspec_decode_id(const cJSON *params, const struct cl_field *fields, const char *id, char *out,
                     size_t outlen, cJSON *errors)
{
    int before = cJSON_GetArraySize(errors);

    cl_validate(params, fields, CL_V_CREATE, errors);
    if (cJSON_GetArraySize(errors) == before)
        snprintf(out, outlen, "%s", cJSON_GetObjectItemCaseSensitive(params, id)->valuestring);
}
