#include "casework.h"

#include <stdio.h>

#include "cl_config.h"
#include "cl_validate.h"

struct cl_casework_days
cl_casework_days(const struct cl_req *req)
{
    struct cl_casework_days out;

    snprintf(out.in_touch, sizeof out.in_touch, "%d", req->app->cfg->in_touch_days);
    snprintf(out.recorded, sizeof out.recorded, "%d", req->app->cfg->visit_recorded_days);
    return out;
}

void
cl_casework_check_age(struct cl_resp *resp, const char *field, const char *date, int min_age,
                      int max_age, const char *message)
{
    char today[11];
    int y, m, d, ty, tm, td, age;

    cl_date_today(today);
    if (sscanf(date, "%4d-%2d-%2d", &y, &m, &d) != 3 ||
        sscanf(today, "%4d-%2d-%2d", &ty, &tm, &td) != 3)
        return;
    age = ty - y - ((tm < m || (tm == m && td < d)) ? 1 : 0);
    if (age < min_age || age > max_age)
        cl_resp_field_error(resp, field, message);
}
