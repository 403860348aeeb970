/* The jobs the worker enqueues by itself every night (see schedule.c). */
#include "schedule.h"

#include <stdio.h>

/* A small job that proves the schedule ran; the statutory return is added beside it. */
static void
heartbeat_params(const struct tm *today, char *out, size_t outlen)
{
    snprintf(out, outlen, "{\"date\":\"%04d-%02d-%02d\"}", today->tm_year + 1900,
             today->tm_mon + 1, today->tm_mday);
}

const struct cl_nightly_job cl_nightly[] = {
    {"noop", "noop", heartbeat_params},
};

const int cl_nightly_count = (int)(sizeof cl_nightly / sizeof cl_nightly[0]);
