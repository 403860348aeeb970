/* Grant payments: a care leaver's payments under entitlements of kind grant
 * (/v1/care-leavers/{care_leaver_id}/grant-payments). */
#ifndef CL_GRANTS_H
#define CL_GRANTS_H

#include "http.h"

int cl_h_grant_payments_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_payments_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_payments_get(struct cl_req *req, struct cl_resp *resp);

#endif
