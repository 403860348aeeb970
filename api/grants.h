/* Grants: /v1/grant-types (types with a per-person cap) and a care leaver's payments and
 * balances (/v1/care-leavers/{care_leaver_id}/grant-payments, .../grant-balances). */
#ifndef CL_GRANTS_H
#define CL_GRANTS_H

#include "http.h"

int cl_h_grant_types_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_types_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_types_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_types_patch(struct cl_req *req, struct cl_resp *resp);

int cl_h_grant_payments_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_payments_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_payments_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_grant_balances_list(struct cl_req *req, struct cl_resp *resp);

#endif
