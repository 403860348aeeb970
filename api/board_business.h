/* The Corporate Parenting Board's own business (schema/functions/board_business.sql): meetings,
 * the actions raised at them and their updates, the narrative sections of a meeting's report,
 * targets and baselines per indicator. The board reads; managers and admins write. */
#ifndef CL_BOARD_BUSINESS_H
#define CL_BOARD_BUSINESS_H

#include "http.h"

int cl_h_board_meetings_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_meetings_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_meetings_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_actions_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_actions_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_actions_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_actions_update(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_sections_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_sections_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_sections_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_targets_set(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_targets_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_targets_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_baselines_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_baselines_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_board_baselines_get(struct cl_req *req, struct cl_resp *resp);

#endif
