/* ssda903 parameters: validation and decoding (see cl_jobspec_ssda903.h). */
#include "cl_jobspec_ssda903.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_jobspec.h"
#include "cl_la_time.h"
#include "cl_role.h"
#include "cl_validate.h"

static const char *const formats[] = {"csv", "xml", "both", NULL};

void
cl_jobspec_ssda903_validate(const cJSON *params, const char *role, cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"collection_year", CL_F_INT, CL_F_REQUIRED, CL_SSDA903_FIRST_YEAR, 2100},
        {"format", CL_F_ENUM, 0, 0, 0, formats},
        {"window_months_before", CL_F_INT, 0, 0, 12},
        {"window_months_after", CL_F_INT, 0, 0, 12},
        {NULL},
    };
    int before = cJSON_GetArraySize(errors), current = cl_collection_year(time(NULL));
    const cJSON *year;

    (void)role; /* every role that may request it gets the same return */
    cl_validate(params, fields, CL_V_CREATE, errors);
    year = cJSON_GetObjectItemCaseSensitive(params, "collection_year");
    /* Only when the field itself was fine: one problem per field. */
    if (cJSON_GetArraySize(errors) == before && cJSON_IsNumber(year) && year->valueint > current) {
        char msg[96];

        snprintf(msg, sizeof msg, "must not be after the current collection year (%d)", current);
        cl_validate_add(errors, "collection_year", msg);
    }
}

static int
int_or(const cJSON *params, const char *name, int def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);

    return cJSON_IsNumber(v) ? v->valueint : def;
}

void
cl_jobspec_ssda903_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                          void *out, cJSON *errors)
{
    struct cl_ssda903_params *p = out;
    const cJSON *fmt = cJSON_GetObjectItemCaseSensitive(params, "format");
    int before = cJSON_GetArraySize(errors);

    cl_jobspec_ssda903_validate(params, role, errors);
    if (cJSON_GetArraySize(errors) != before)
        return;
    p->collection_year = int_or(params, "collection_year", 0);
    p->format = formats[2];
    for (int i = 0; formats[i]; i++)
        if (cJSON_IsString(fmt) && strcmp(fmt->valuestring, formats[i]) == 0)
            p->format = formats[i];
    p->csv = strcmp(p->format, "xml") != 0;
    p->xml = strcmp(p->format, "csv") != 0;
    p->window_before = int_or(params, "window_months_before", cfg->ssda903_window_before);
    p->window_after = int_or(params, "window_months_after", cfg->ssda903_window_after);
}

cJSON *
cl_jobspec_ssda903_encode(const struct cl_ssda903_params *p)
{
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "collection_year", p->collection_year);
    cJSON_AddStringToObject(o, "format", p->format);
    if (p->window_before != CL_SSDA903_WINDOW_DEFAULT)
        cJSON_AddNumberToObject(o, "window_months_before", p->window_before);
    if (p->window_after != CL_SSDA903_WINDOW_DEFAULT)
        cJSON_AddNumberToObject(o, "window_months_after", p->window_after);
    return o;
}

/* The nightly draft return: the collection year containing today, both formats, the windows
 * of the worker that runs it. */
static cJSON *
nightly(const struct tm *today)
{
    struct cl_ssda903_params p = {
        .collection_year = cl_collection_year_of(today),
        .format = formats[2],
        .csv = 1,
        .xml = 1,
        .window_before = CL_SSDA903_WINDOW_DEFAULT,
        .window_after = CL_SSDA903_WINDOW_DEFAULT,
    };

    return cl_jobspec_ssda903_encode(&p);
}

/* Requested by managers, admins and services, who all see every return. */
static const struct cl_jobspec ssda903 = {
    "ssda903",
    CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE,
    CL_ROLE_NONE,
    sizeof(struct cl_ssda903_params),
    cl_jobspec_ssda903_decode,
    NULL,
    nightly,
};
CL_JOBSPEC_REGISTER(ssda903);
