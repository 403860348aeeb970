/* Parameters of the "indicator_snapshot" job kind: store the snapshot of every Board figure for
 * each day of a range (worker/indicator_snapshot.c; schema/functions/board_business.sql,
 * board_snapshot_take). A day already stored is left as it is, so a re-run changes nothing.
 *
 *   from  date, required: the first day
 *   to    date: the last day (default from); not before from, not in the future, and at most
 *         CL_SNAPSHOT_MAX_DAYS days from from to to, counting both
 *
 * The nightly job stores yesterday (the council's date, cl_la_time.h), the last whole day. */
#ifndef CL_JOBSPEC_INDICATOR_SNAPSHOT_H
#define CL_JOBSPEC_INDICATOR_SNAPSHOT_H

#include <cjson/cJSON.h>

#include "cl_config.h"

#define CL_SNAPSHOT_MAX_DAYS 400

struct cl_snapshot_params {
    char from[11];
    char to[11];
    int days; /* from to to, both counted */
};

/* The kind's decoder (struct cl_jobspec). */
void cl_jobspec_snapshot_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                                void *out, cJSON *errors);
/* Days from a to b (YYYY-MM-DD each, valid dates): b - a. */
long cl_days_between(const char *a, const char *b);

#endif
