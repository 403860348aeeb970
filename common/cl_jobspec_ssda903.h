/* Parameters of the "ssda903" job kind (the SSDA903 care leavers return), checked when the job
 * is requested so a bad request is a 422 listing every bad field, never a failed job later.
 * The worker (worker/ssda903.c) applies the defaults.
 *
 *   collection_year       integer, required: the year ending 31 March (2026 = 1 April 2025
 *                         to 31 March 2026); 2016 (the first year with 17-18s) up to the
 *                         current collection year on the council's date (cl_la_time.h)
 *   format                "csv" (header.csv, oc3.csv), "xml" (ssda903.xml) or "both"
 *                         (default)
 *   window_months_before  0-12: how long before the birthday a contact still describes the
 *                         young person "around the birthday" (default SSDA903_WINDOW_MONTHS_BEFORE)
 *   window_months_after   0-12: the same after the birthday (default SSDA903_WINDOW_MONTHS_AFTER)
 */
#ifndef CL_JOBSPEC_SSDA903_H
#define CL_JOBSPEC_SSDA903_H

#include <cjson/cJSON.h>

#define CL_SSDA903_FIRST_YEAR 2016

/* Appends one {"field","message"} entry to errors per problem in params (a JSON object); the
 * same for every role. */
void cl_jobspec_ssda903_validate(const cJSON *params, const char *role, cJSON *errors);

#endif
