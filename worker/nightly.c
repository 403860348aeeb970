/* The jobs the worker enqueues by itself every night (see schedule.c).
 *
 * "ssda903": the current collection year's draft SSDA903 return with its validation report
 * and indicator summary. The validation is part of the return's job (one snapshot of the
 * records for the files and the report that describes them), so one job per night carries
 * both; its result says valid or has_errors. */
#include "schedule.h"

#include <stdio.h>

#include "cl_la_time.h"

/* The collection year containing today. */
static void
ssda903_params(const struct tm *today, char *out, size_t outlen)
{
    snprintf(out, outlen, "{\"collection_year\":%d,\"format\":\"both\"}",
             cl_collection_year_of(today));
}

const struct cl_nightly_job cl_nightly[] = {
    {"ssda903", "ssda903", ssda903_params},
};

const int cl_nightly_count = (int)(sizeof cl_nightly / sizeof cl_nightly[0]);
