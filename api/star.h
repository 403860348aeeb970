/* Outcome Star readings (/v1/care-leavers/{id}/star-readings) and the editions the council
 * licenses (/v1/star-editions). */
#ifndef CL_STAR_H
#define CL_STAR_H

#include "http.h"

int cl_h_star_editions_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_star_readings_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_star_readings_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_star_readings_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_star_progress(struct cl_req *req, struct cl_resp *resp);

#endif
