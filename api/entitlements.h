/* Entitlements as effective-dated policy (/v1/entitlements and their versions), a care
 * leaver's status under each (/v1/care-leavers/{care_leaver_id}/entitlements), and council tax
 * exemption: the district schemes (/v1/council-tax-schemes) and each care leaver's status
 * (/v1/care-leavers/{care_leaver_id}/council-tax-statuses). */
#ifndef CL_ENTITLEMENTS_H
#define CL_ENTITLEMENTS_H

#include "http.h"

int cl_h_entitlements_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlements_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlements_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlements_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlement_versions_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlement_versions_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_entitlement_versions_patch(struct cl_req *req, struct cl_resp *resp);
int cl_h_care_leaver_entitlements(struct cl_req *req, struct cl_resp *resp);

int cl_h_council_tax_schemes_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_council_tax_schemes_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_council_tax_statuses_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_council_tax_statuses_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_council_tax_statuses_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_council_tax_statuses_patch(struct cl_req *req, struct cl_resp *resp);

#endif
