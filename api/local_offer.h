/* The Local Offer: an administrator publishes a version (POST /v1/local-offer-versions), staff
 * read one back (GET /v1/local-offer-versions/{local_offer_id}), and anyone reads the one in
 * force today as an accessible, cacheable HTML page (GET /v1/local-offer, no token). */
#ifndef CL_LOCAL_OFFER_H
#define CL_LOCAL_OFFER_H

#include "http.h"

int cl_h_local_offer_create(struct cl_req *req, struct cl_resp *resp);
int cl_h_local_offer_get(struct cl_req *req, struct cl_resp *resp);
int cl_h_local_offer_page(struct cl_req *req, struct cl_resp *resp);

#endif
