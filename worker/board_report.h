/* Job kind "board_report" (the Corporate Parenting Board report), registered in jobs.c. */
#ifndef CL_BOARD_REPORT_H
#define CL_BOARD_REPORT_H

#include "job.h"

/* Produces the report's artifacts for job->params (see common/cl_jobspec_board.h). */
int cl_board_report_run(struct cl_job *job);

#endif
