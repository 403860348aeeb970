/* /v1/webhook-subscriptions: the endpoints partners register, their delivery log and replay
 * (schema/functions/partner_notices.sql; deliveries are sent by worker/webhooks.c). */
#ifndef CL_WEBHOOKS_H
#define CL_WEBHOOKS_H

#include "http.h"

int cl_h_webhook_subscriptions_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_subscriptions_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_subscriptions_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_subscriptions_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_subscriptions_delete(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_deliveries_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_deliveries_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_webhook_deliveries_replay(struct cl_req *req, struct cl_resp *resp);

#endif
