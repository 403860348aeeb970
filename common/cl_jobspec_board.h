/* Parameters of the "board_report" job kind (the Corporate Parenting Board report), checked
 * when the job is requested so a bad request is a 422 listing every bad field, never a failed
 * job later. The worker (worker/board_report.c) applies the defaults.
 *
 *   as_at       date, required: the date the figures describe (not in the future)
 *   compare_to  date, default as_at minus one year: the comparison date (before as_at)
 *   board_date  date, default as_at: the meeting date printed in the header
 *   districts   array of district names (optional; default every district), no repeats
 *   formats     array of "json", "csv", "html", "pdf" (default all four), no repeats */
#ifndef CL_JOBSPEC_BOARD_H
#define CL_JOBSPEC_BOARD_H

#include <cjson/cJSON.h>

#define CL_BOARD_MAX_DISTRICTS 50

/* Appends one {"field","message"} entry to errors per problem in params (a JSON object). */
void cl_jobspec_board_validate(const cJSON *params, cJSON *errors);

#endif
