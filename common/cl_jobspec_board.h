/* Parameters of the "board_report" job kind (the Corporate Parenting Board report), checked
 * when the job is requested so a bad request is a 422 listing every bad field, never a failed
 * job later. Decoded into struct cl_board_params, defaults applied, for the worker
 * (worker/board_report.c).
 *
 *   as_at       date, required: the date the figures describe (not in the future)
 *   compare_to  date, default as_at minus one year: the comparison date (before as_at)
 *   board_date  date, default as_at: the meeting date printed in the header
 *   districts   array of district names (optional; default every district), no repeats
 *   formats     array of "json", "csv", "html", "pdf" (default all four), no repeats
 *
 * Requested by the board role, the report has a fixed form, so that no two reports a board
 * member can obtain differ by a small count that suppression hid (a subset of districts
 * against every district, or two dates a day apart): as_at must be a quarter end, compare_to
 * and districts are not accepted (the comparison is a year earlier, the breakdown every
 * district). The outreach summary (api/outreach.c) holds the board to the same periods. */
#ifndef CL_JOBSPEC_BOARD_H
#define CL_JOBSPEC_BOARD_H

#include <cjson/cJSON.h>

#include "cl_config.h"

#define CL_BOARD_MAX_DISTRICTS 50

struct cl_board_params {
    char as_at[11];
    char compare_to[11]; /* "" for the default, a year before as_at (worked out in SQL) */
    char board_date[11]; /* as_at by default */
    char **districts;    /* none (NULL) for every district; owned */
    int ndistricts;
    unsigned formats; /* bit i: cl_board_formats[i] wanted; all four by default */
};

/* "json", "csv", "html", "pdf", NULL. */
extern const char *const cl_board_formats[];

/* Appends one {"field","message"} entry to errors per problem in params (a JSON object)
 * requested by role. */
void cl_jobspec_board_validate(const cJSON *params, const char *role, cJSON *errors);
/* The kind's decoder and its free (struct cl_jobspec): validates, then fills a struct
 * cl_board_params. */
void cl_jobspec_board_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                             void *out, cJSON *errors);
void cl_jobspec_board_free(void *params);
/* 1 when the report is wanted in format (one of cl_board_formats). */
int cl_board_params_wants(const struct cl_board_params *p, const char *format);

/* 1 when ymd (YYYY-MM-DD, a valid date) is the last day of a quarter: 31 March, 30 June,
 * 30 September or 31 December. */
int cl_board_quarter_end(const char *ymd);
/* The first day of the year that ends on the quarter end ymd (the day after the same date a
 * year earlier), as YYYY-MM-DD into out. */
void cl_board_year_from(const char *ymd, char out[11]);

#endif
