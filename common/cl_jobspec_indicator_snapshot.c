/* indicator_snapshot parameters: validation, decoding and the nightly job (see
 * cl_jobspec_indicator_snapshot.h). */
#include "cl_jobspec_indicator_snapshot.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_jobspec.h"
#include "cl_role.h"
#include "cl_validate.h"

static time_t
day_start(const char *ymd)
{
    struct tm tm = {0};

    if (sscanf(ymd, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon, &tm.tm_mday) != 3)
        return 0;
    tm.tm_year -= 1900;
    tm.tm_mon -= 1;
    tm.tm_hour = 12;
    return timegm(&tm);
}

long
cl_days_between(const char *a, const char *b)
{
    return (long)((day_start(b) - day_start(a)) / 86400);
}

void
cl_jobspec_snapshot_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                           void *out, cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"from", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
        {"to", CL_F_DATE, CL_F_NOFUTURE},
        {NULL},
    };
    struct cl_snapshot_params *p = out;
    const cJSON *from, *to;
    int before = cJSON_GetArraySize(errors);
    long days;

    (void)role;
    (void)cfg;
    cl_validate(params, fields, CL_V_CREATE, errors);
    if (cJSON_GetArraySize(errors) != before)
        return;
    from = cJSON_GetObjectItemCaseSensitive(params, "from");
    to = cJSON_GetObjectItemCaseSensitive(params, "to");
    snprintf(p->from, sizeof p->from, "%s", from->valuestring);
    snprintf(p->to, sizeof p->to, "%s", cJSON_IsString(to) ? to->valuestring : p->from);
    days = cl_days_between(p->from, p->to) + 1;
    if (days < 1) {
        cl_validate_add(errors, "to", "must not be before from");
    } else if (days > CL_SNAPSHOT_MAX_DAYS) {
        char msg[96];

        snprintf(msg, sizeof msg, "must be at most %d days from from, counting both",
                 CL_SNAPSHOT_MAX_DAYS);
        cl_validate_add(errors, "to", msg);
    }
    p->days = (int)days;
}

/* Yesterday on the council's date: the last day that is over. */
static cJSON *
nightly(const struct tm *today)
{
    struct tm y = *today;
    char day[11];
    cJSON *o = cJSON_CreateObject();

    y.tm_mday -= 1;
    y.tm_hour = 12;
    y.tm_isdst = 0;
    timegm(&y); /* normalises the date */
    strftime(day, sizeof day, "%Y-%m-%d", &y);
    cJSON_AddStringToObject(o, "from", day);
    cJSON_AddStringToObject(o, "to", day);
    return o;
}

/* Requested by managers, admins and services (the nightly schedule), who all see every such
 * job; the board reads the snapshots through /v1/indicators. */
static const struct cl_jobspec indicator_snapshot = {
    "indicator_snapshot",
    CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE,
    CL_ROLE_NONE,
    sizeof(struct cl_snapshot_params),
    cl_jobspec_snapshot_decode,
    NULL,
    nightly,
};

CL_JOBSPEC_REGISTER(indicator_snapshot);
