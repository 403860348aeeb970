/* Idempotency-Key on POST: a key keeps the request's hash, the first answer's status and its
 * Location (ids only), never the response body, so a replay re-reads the resource as the caller
 * may see it now. Keys last 24 h; the worker deletes older rows (cl_purge_expired). */
#ifndef CL_IDEMPOTENCY_H
#define CL_IDEMPOTENCY_H

#include <stddef.h>

#include "http.h"

/* What a replay answers with: the first answer's status and Location. */
struct cl_idem_replay {
    int status;
    char location[160];
};

/* For a POST carrying an Idempotency-Key: 1 when this caller used the key before with the same
 * request (*replay filled), -1 with a problem in resp when the key is malformed, was used with
 * another request or cannot be looked up, 0 to run the request (req->idempotency_key then set
 * when there is a key to store). Borrows and returns its own pooled connection. */
int cl_idem_check(struct cl_req *req, struct cl_resp *resp, struct cl_idem_replay *replay);
/* Stores resp's status and Location under req->idempotency_key in req's open transaction;
 * CL_ECONFLICT when another request took the key meanwhile. */
int cl_idem_store(struct cl_req *req, const struct cl_resp *resp) CL_WARN_UNUSED;
/* The path whose GET answers a replay, into out: the Location the first answer gave, or, for a
 * POST that created nothing (a transition, a cancel), the resource it acted on, i.e. the path
 * without its last segment. */
void cl_idem_replay_target(const struct cl_req *req, const struct cl_idem_replay *replay, char *out,
                           size_t outlen);
/* Turns the GET's answer in resp into the replay's: the first status and Location, marked
 * Idempotent-Replayed. */
void cl_idem_replayed(struct cl_resp *resp, const struct cl_idem_replay *replay);

#endif
