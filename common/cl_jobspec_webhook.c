/* The "webhook_delivery" job kind: sends one webhook subscription's pending deliveries in
 * order (worker/webhooks.c). Nobody requests it through the api: the database queues it in the
 * transaction that queues a delivery (webhook_kick, schema/functions/partner_notices.sql). */
#include "cl_jobspec_webhook.h"

#include <stdio.h>

#include "cl_role.h"
#include "cl_validate.h"

static void
decode_webhook(const cJSON *params, const char *role, const struct cl_config *cfg, void *out,
               cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"subscription_id", CL_F_UUID, CL_F_REQUIRED},
        {NULL},
    };
    struct cl_webhook_params *p = out;

    (void)role;
    (void)cfg;
    cl_jobspec_decode_id(params, fields, "subscription_id", p->subscription_id,
                         sizeof p->subscription_id, errors);
}

static const struct cl_jobspec webhook_delivery = {
    "webhook_delivery", CL_ROLE_NONE, CL_ROLE_NONE, sizeof(struct cl_webhook_params),
    decode_webhook,     NULL,         NULL,
};
CL_JOBSPEC_REGISTER(webhook_delivery);
