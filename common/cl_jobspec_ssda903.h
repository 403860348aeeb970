/* Parameters of the "ssda903" job kind (the SSDA903 care leavers return), checked when the job
 * is requested so a bad request is a 422 listing every bad field, never a failed job later.
 * Decoded into struct cl_ssda903_params, defaults applied, for the worker (worker/ssda903.c).
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

#include "cl_config.h"

#define CL_SSDA903_FIRST_YEAR 2016
/* A window left to the worker's configuration (SSDA903_WINDOW_MONTHS_*): only in parameters
 * being written (cl_jobspec_ssda903_encode), never in decoded ones. */
#define CL_SSDA903_WINDOW_DEFAULT (-1)

struct cl_ssda903_params {
    int collection_year;
    const char *format; /* "csv", "xml" or "both" (the default); static */
    int csv, xml;       /* the files that format wants */
    int window_before;  /* months; default cfg->ssda903_window_before */
    int window_after;   /* months; default cfg->ssda903_window_after */
};

/* Appends one {"field","message"} entry to errors per problem in params (a JSON object); the
 * same for every role. */
void cl_jobspec_ssda903_validate(const cJSON *params, const char *role, cJSON *errors);
/* The kind's decoder (struct cl_jobspec): validates, then fills a struct cl_ssda903_params. */
void cl_jobspec_ssda903_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                               void *out, cJSON *errors);
/* The JSON parameters that decode to p (a new object); a window of CL_SSDA903_WINDOW_DEFAULT is
 * left out. The nightly job's are written this way. */
cJSON *cl_jobspec_ssda903_encode(const struct cl_ssda903_params *p);

#endif
