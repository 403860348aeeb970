/* Records (issue 25): approving a listed disposal, placing and releasing legal holds, and
 * marking a subject access export reviewed; thin handlers over schema/functions/records.sql. */
#ifndef CL_RECORDS_H
#define CL_RECORDS_H

#include "http.h"

int cl_h_disposals_approve(struct cl_req *req, struct cl_resp *resp);
int cl_h_legal_holds_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_legal_holds_release(struct cl_req *req, struct cl_resp *resp);
int cl_h_subject_access_review(struct cl_req *req, struct cl_resp *resp);

#endif
