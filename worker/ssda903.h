/* The "ssda903" job kind: the SSDA903 care leavers return (Header + OC3), its validation
 * report and its indicator summary, for one collection year (see ssda903.c). */
#ifndef CL_SSDA903_H
#define CL_SSDA903_H

#include "job.h"

int cl_ssda903_run(struct cl_job *job);

#endif
