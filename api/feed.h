/* Lists a partner system or the app keeps in step with (DESIGN §5): besides the usual page,
 * GET with updated_since=<token> answers the changes since that token, in commit order, each
 * row once at its latest change, a deleted row (or one that left the caller's view) as a
 * tombstone {"id", "deleted": true}; every answer carries change_token, the token to send
 * next. A client that stores the last token it was given misses nothing and sees nothing
 * twice, across restarts and concurrent writers (schema/functions/change_feed.sql:
 * change_feed reads only changes of transactions that have finished, below the oldest one
 * still running). Tokens are sealed like cursors (cursor.h), so a client can neither read nor
 * make one, and one list's token is refused by another, as is a nested list's token under
 * another parent. The lists: the registry feed_lists() in
 * schema/functions/change_feed.sql. */
#ifndef CL_FEED_H
#define CL_FEED_H

#include "resource.h"

/* The page half of a feed list: answers the ordinary page (ctx: what the handler gave). */
typedef int (*cl_feed_page)(struct cl_req *req, struct cl_resp *resp, const void *ctx);

/* GET of the feed list named list (in feed_lists()), nested under req->params[0] when the
 * route has a path parameter: with updated_since, the changes (400 with any other parameter
 * but limit beside it, or a token this list did not issue); without, page(req, resp, ctx)
 * with the change_token taken before the page was read. arg: the list's argument for its
 * items (the casework days), or NULL. */
int cl_api_feed(struct cl_req *req, struct cl_resp *resp, const char *list, const char *arg,
                cl_feed_page page, const void *ctx) CL_WARN_UNUSED;

/* cl_api_feed whose page is cl_api_list_query(req, resp, stmt, npath, filters, nkeys). */
int cl_api_feed_list(struct cl_req *req, struct cl_resp *resp, const char *list,
                     struct cl_stmt *stmt, int npath, const struct cl_api_query *filters,
                     int nkeys) CL_WARN_UNUSED;

#endif
