#include "casework.h"

#include <ctype.h>
#include <stdio.h>
#include <string.h>

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

/* 1 when every "; "-separated part of msg is "field: message" with a snake_case field. */
static int
field_list_ok(const char *msg)
{
    const char *p = msg;

    while (*p) {
        const char *end = strstr(p, "; ");
        const char *colon = strstr(p, ": ");
        const char *q;

        if (end == NULL)
            end = p + strlen(p);
        if (colon == NULL || colon >= end || colon == p)
            return 0;
        for (q = p; q < colon; q++)
            if (!islower((unsigned char)*q) && *q != '_')
                return 0;
        p = *end ? end + 2 : end;
    }
    return 1;
}

int
cl_casework_sql_error(struct cl_req *req, struct cl_resp *resp, int err)
{
    const char *msg, *p;

    if (err != CL_EINVAL || req->db == NULL || strcmp(cl_db_last_sqlstate(req->db), "CL422") != 0)
        return err;
    msg = cl_db_last_message(req->db);
    if (*msg == '\0' || !field_list_ok(msg))
        return err;
    for (p = msg; *p;) {
        const char *end = strstr(p, "; ");
        const char *colon = strstr(p, ": ");
        char field[64], message[256];

        if (end == NULL)
            end = p + strlen(p);
        snprintf(field, sizeof field, "%.*s", (int)(colon - p), p);
        snprintf(message, sizeof message, "%.*s", (int)(end - colon - 2), colon + 2);
        cl_resp_field_error(resp, field, message);
        p = *end ? end + 2 : end;
    }
    cl_resp_detail(resp, "the request has invalid fields");
    return err;
}

int
cl_casework_child_id_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 1 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!isalnum((unsigned char)s[i]) || (unsigned char)s[i] > 127)
            return 0;
    return 1;
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
