/* Request-time validation of ssda903 parameters (see cl_jobspec_ssda903.h). */
#include "cl_jobspec_ssda903.h"

#include <stdio.h>
#include <time.h>

#include "cl_la_time.h"
#include "cl_validate.h"

void
cl_jobspec_ssda903_validate(const cJSON *params, const char *role, cJSON *errors)
{
    static const char *const formats[] = {"csv", "xml", "both", NULL};
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
