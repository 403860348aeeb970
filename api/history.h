/* History (issue 18): a care leaver's status periods
 * (/v1/care-leavers/{care_leaver_id}/status-periods) and the final SSDA903 returns
 * (/v1/ssda903-returns). The rules are in schema/functions/history.sql. */
#ifndef CL_HISTORY_H
#define CL_HISTORY_H

#include "http.h"

int cl_h_status_periods_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_status_periods_create(struct cl_req *req, struct cl_resp *resp);
/* GET /v1/care-leavers/{care_leaver_id}/allocation-periods and .../district-periods: the
 * adviser and district histories, written by the care leaver's PATCH (care_leavers_periods). */
int cl_h_allocation_periods_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_district_periods_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_ssda903_returns_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_ssda903_returns_finalise(struct cl_req *req, struct cl_resp *resp);

#endif
