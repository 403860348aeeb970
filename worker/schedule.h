/* What the nightly schedule enqueues: one row per job, with a function that writes its params
 * (JSON) for the council's date (cl_la_time). */
#ifndef CL_SCHEDULE_H
#define CL_SCHEDULE_H

#include <stddef.h>
#include <time.h>

struct cl_nightly_job {
    const char *name; /* part of the once-a-day key */
    const char *kind;
    void (*params)(const struct tm *today, char *out, size_t outlen);
};

extern const struct cl_nightly_job cl_nightly[];
extern const int cl_nightly_count;

#endif
