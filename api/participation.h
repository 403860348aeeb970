/* /v1/participation-bodies: the Children in Care Council, the Care Leavers Forum, peer mentors
 * and champions, their memberships (joined and left) and their events with attendance. */
#ifndef CL_PARTICIPATION_H
#define CL_PARTICIPATION_H

#include "http.h"

int cl_h_participation_bodies_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_participation_bodies_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_participation_bodies_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_memberships_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_memberships_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_memberships_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_memberships_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_participation_events_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_participation_events_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_participation_events_get(struct cl_req *req, struct cl_resp *resp);

#endif
