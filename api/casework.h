/* What the casework resources (care leavers, pathway plans, contacts, contact-status events,
 * outreach contacts, caseloads) share: the configured numbers their SQL rules take as
 * parameters, and turning the cross-field validation our SQL raises into a 422's errors. */
#ifndef CL_CASEWORK_H
#define CL_CASEWORK_H

#include "http.h"

/* The configured IN_TOUCH_DAYS and VISIT_RECORDED_DAYS as SQL parameter text. */
struct cl_casework_days {
    char in_touch[12];
    char recorded[12];
};
struct cl_casework_days cl_casework_days(const struct cl_req *req);

/* After a statement failed with err: a CL422 from our SQL, whose message is
 * "field: message; field: message", becomes one errors entry per field (detail "the request
 * has invalid fields"). Returns err unchanged. (A constraint conflict's detail: conflict.h.) */
int cl_casework_sql_error(struct cl_req *req, struct cl_resp *resp, int err);

/* Checks that s is 1 to 10 ASCII letters and digits (the SSDA903 CHILD id). */
int cl_casework_child_id_ok(const char *s);

/* Adds a field error when the date (YYYY-MM-DD, already valid) gives an age on today's date
 * outside min_age..max_age. */
void cl_casework_check_age(struct cl_resp *resp, const char *field, const char *date, int min_age,
                           int max_age, const char *message);

#endif
