/* GET /v1/audit-events: the append-only audit trail (table audit_log), for administrators;
 * each row is written by cl_audit (schema/functions/base.sql). */
#ifndef CL_AUDIT_EVENTS_H
#define CL_AUDIT_EVENTS_H

#include "http.h"

int cl_h_audit_events_list(struct cl_req *req, struct cl_resp *resp);

#endif
