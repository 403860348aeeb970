/* Lists a partner system or the app keeps in step with (DESIGN §5): besides the usual page,
 * GET with updated_since=<token> answers the changes since that token, in commit order, each
 * row once at its latest change, a deleted row as a tombstone {"id", "deleted": true}; every
 * answer carries change_token, the token to send next. A client that stores the last token it
 * was given misses nothing and sees nothing twice, across restarts and concurrent writers
 * (schema/functions/partner_notices.sql: change_feed reads only changes of transactions that
 * have finished, below the oldest one still running). Tokens are sealed like cursors
 * (cursor.h), so a client can neither read nor make one, and one list's token is refused by
 * another. */
#ifndef CL_FEED_H
#define CL_FEED_H

#include "resource.h"

/* GET of a feed list of resource (the change log's name, e.g. "housing_referral"): with
 * updated_since, the changes (400 with a filter or cursor beside it, or a token this list did
 * not issue); without, cl_api_list_query(req, resp, stmt, npath, filters, nkeys) with the
 * change_token taken before the page was read. */
int cl_api_feed_list(struct cl_req *req, struct cl_resp *resp, const char *resource,
                     struct cl_stmt *stmt, int npath, const struct cl_api_query *filters,
                     int nkeys) CL_WARN_UNUSED;

#endif
