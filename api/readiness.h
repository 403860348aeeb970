/* Readiness (/readyz) from a state that a background thread refreshes every
 * READYZ_INTERVAL_MS on a database connection of its own: the database answers and every
 * migration is applied. Asking reads that state and never borrows a pooled connection, so
 * probes (or anyone else) cannot use up the pool, and the answer is immediate when the pool is
 * busy or the database is down. A state older than two intervals plus the connect timeout (a
 * check that hangs) counts as not ready. */
#ifndef CL_READINESS_H
#define CL_READINESS_H

enum cl_ready { CL_READY = 0, CL_READY_BEHIND, CL_READY_READ_ONLY, CL_READY_DOWN };

struct cl_readiness;

/* Starts the checking thread (the first check runs at once). conninfo is borrowed for the
 * object's life. NULL when the thread cannot be started. Stop and free with
 * cl_readiness_stop. */
struct cl_readiness *cl_readiness_start(const char *conninfo, int interval_ms, int timeout_ms);
void cl_readiness_stop(struct cl_readiness *r);

/* The state from the last check: CL_READY, CL_READY_BEHIND (migrations missing or edited),
 * CL_READY_READ_ONLY (the only server reached takes no writes: a standby) or CL_READY_DOWN
 * (unreachable, not checked yet, or the last check is stale). */
enum cl_ready cl_readiness_state(struct cl_readiness *r);

#endif
