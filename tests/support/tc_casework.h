/* Test helpers for the casework suites (care leavers, plans, contacts, outreach): unique
 * CHILD ids, dates relative to today, advisers and care leavers made for one test. */
#ifndef TC_CASEWORK_H
#define TC_CASEWORK_H

#include "tc.h"

/* A CHILD id unique to this test process: prefix (up to 3 letters) + pid + a counter. */
void tcw_uid(char out[11], const char *prefix);
/* Today (UTC) minus years and days, as YYYY-MM-DD. Negative values go forward. */
void tcw_date(char out[11], int years_ago, int days_ago);
/* First column of the first row of sql with text parameters: a long (-1 when none) or a
 * malloc'd string (NULL when none). */
long tcw_sql_long(const char *sql, int n, const char *const *params);
char *tcw_sql_str(const char *sql, int n, const char *const *params);
/* Runs sql with parameters; 0 on success. */
int tcw_sql(const char *sql, int n, const char *const *params);
/* A new active adviser with this caseload limit; its id (malloc'd). */
char *tcw_adviser(int caseload_limit);
/* POSTs a valid care leaver (la_child_id uid, born dob, category, district, adviser_id or NULL;
 * extra: more JSON members starting with a comma, or ""). Returns the new id (malloc'd) or NULL,
 * with the status in *status when not NULL. */
char *tcw_care_leaver(const char *token, const char *uid, const char *dob, const char *category,
                      const char *district, const char *adviser_id, const char *extra, int *status);
/* 1 when the problem's errors list names field. */
int tcw_has_error(const struct tc_resp *r, const char *field);
/* Number of entries in the problem's errors list (-1 when there is none). */
int tcw_error_count(const struct tc_resp *r);

#endif
