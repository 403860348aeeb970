/* The "webhook_delivery" job kind's parameters (cl_jobspec_webhook.c). */
#ifndef CL_JOBSPEC_WEBHOOK_H
#define CL_JOBSPEC_WEBHOOK_H

#include "cl_jobspec.h"

struct cl_webhook_params {
    char subscription_id[37]; /* the subscription whose pending deliveries go out */
};

#endif
