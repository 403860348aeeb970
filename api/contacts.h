/* /v1/care-leavers/{care_leaver_id}/contacts and /contact-status-events: keeping-in-touch
 * contacts and statutory visits, and the recorded IN_TOUCH meanings (refuses contact, no
 * longer requires services, died, returned home). Both are records: created, never changed. */
#ifndef CL_CONTACTS_H
#define CL_CONTACTS_H

#include "http.h"

int cl_h_contacts_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_contacts_list(struct cl_req *req, struct cl_resp *resp);
int cl_h_contacts_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_contact_status_events_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_contact_status_events_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_contact_status_events_list(struct cl_req *req, struct cl_resp *resp);

#endif
