/* What the casework resources (care leavers, pathway plans, contacts, contact-status events,
 * outreach contacts, caseloads) share: the configured numbers their SQL rules take as
 * parameters and the checks of their fields. */
#ifndef CL_CASEWORK_H
#define CL_CASEWORK_H

#include "http.h"

/* The configured IN_TOUCH_DAYS and VISIT_RECORDED_DAYS as SQL parameter text. */
struct cl_casework_days {
    char in_touch[12];
    char recorded[12];
};
struct cl_casework_days cl_casework_days(const struct cl_req *req);

/* Adds a field error when the date (YYYY-MM-DD, already valid) gives an age on today's date
 * outside min_age..max_age. */
void cl_casework_check_age(struct cl_resp *resp, const char *field, const char *date, int min_age,
                           int max_age, const char *message);

#endif
