/* Partners tell us first: /v1/partner-notifications (a partner's notice, the managers' triage
 * queue, acknowledging and matching), /v1/advisers/{id}/inbox and /v1/manager-tasks. The rules
 * are in schema/functions/partner_notices.sql. */
#ifndef CL_PARTNER_NOTICES_H
#define CL_PARTNER_NOTICES_H

#include "http.h"

int cl_h_partner_notifications_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_partner_notifications_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_partner_notifications_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_partner_notifications_acknowledge(struct cl_req *req, struct cl_resp *resp);
int cl_h_partner_notifications_match(struct cl_req *req, struct cl_resp *resp);
int cl_h_adviser_inbox(struct cl_req *req, struct cl_resp *resp);
int cl_h_manager_tasks_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_manager_tasks_close(struct cl_req *req, struct cl_resp *resp);

#endif
