/* /v1/care-leavers/{care_leaver_id}/accommodation: accommodation episodes. */
#ifndef CL_ACCOMMODATION_H
#define CL_ACCOMMODATION_H

#include "http.h"

int cl_h_accommodation_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_accommodation_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_accommodation_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_accommodation_patch(struct cl_req *req, struct cl_resp *resp);

#endif
