#include "readiness.h"

#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <time.h>

#include "cl_clock.h"
#include "cl_db.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "cl_migrate.h"

#define MOD "readiness"

struct cl_readiness {
    const char *conninfo;
    int interval_ms, timeout_ms;
    pthread_t thread;
    pthread_mutex_t mu;
    pthread_cond_t cv; /* signalled to stop */
    int stopping;
    enum cl_ready state;
    double checked_ms; /* cl_clock_ms() of the last check; 0 before the first */
};

/* Unreachable, or reachable only as a read-only server (a standby, with
 * target_session_attrs=read-write refusing it): which, for /readyz to say. */
static enum cl_ready
not_connected(struct cl_readiness *r)
{
    return cl_db_reaches_read_only(r->conninfo, r->timeout_ms) ? CL_READY_READ_ONLY : CL_READY_DOWN;
}

static enum cl_ready
check(struct cl_readiness *r, struct cl_conn **conn)
{
    int pending;

    if (*conn != NULL && cl_conn_ensure(*conn) != CL_OK) {
        cl_conn_close(*conn);
        *conn = NULL;
        return not_connected(r);
    }
    if (*conn == NULL)
        *conn = cl_conn_open(r->conninfo, "cl-api-readiness", r->timeout_ms);
    if (*conn == NULL)
        return not_connected(r);
    if (cl_conn_read_only(*conn) == 1)
        return CL_READY_READ_ONLY;
    pending = cl_migrate_pending(*conn);
    return pending == 0 ? CL_READY : pending > 0 ? CL_READY_BEHIND : CL_READY_DOWN;
}

static void *
run(void *arg)
{
    struct cl_readiness *r = arg;
    struct cl_conn *conn = NULL;
    enum cl_ready last = CL_READY;

    pthread_mutex_lock(&r->mu);
    while (!r->stopping) {
        enum cl_ready st;
        struct timespec now, until;

        pthread_mutex_unlock(&r->mu);
        st = check(r, &conn);
        if (st != last)
            cl_log_info(MOD, "readiness %s",
                        st == CL_READY             ? "ready"
                        : st == CL_READY_BEHIND    ? "migrations behind"
                        : st == CL_READY_READ_ONLY ? "connected to a read-only server"
                                                   : "database unreachable");
        last = st;
        clock_gettime(CLOCK_MONOTONIC, &now);
        pthread_mutex_lock(&r->mu);
        r->state = st;
        r->checked_ms = cl_clock_ms();
        until = now;
        until.tv_sec += r->interval_ms / 1000;
        until.tv_nsec += (long)(r->interval_ms % 1000) * 1000000L;
        if (until.tv_nsec >= 1000000000L) {
            until.tv_sec++;
            until.tv_nsec -= 1000000000L;
        }
        while (!r->stopping && pthread_cond_timedwait(&r->cv, &r->mu, &until) != ETIMEDOUT)
            ;
    }
    pthread_mutex_unlock(&r->mu);
    cl_conn_close(conn);
    return NULL;
}

struct cl_readiness *
cl_readiness_start(const char *conninfo, int interval_ms, int timeout_ms)
{
    struct cl_readiness *r = cl_calloc(1, sizeof *r);
    pthread_condattr_t ca;

    r->conninfo = conninfo;
    r->interval_ms = interval_ms;
    r->timeout_ms = timeout_ms;
    r->state = CL_READY_DOWN;
    pthread_mutex_init(&r->mu, NULL);
    pthread_condattr_init(&ca);
    pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
    pthread_cond_init(&r->cv, &ca);
    pthread_condattr_destroy(&ca);
    if (pthread_create(&r->thread, NULL, run, r) != 0) {
        pthread_cond_destroy(&r->cv);
        pthread_mutex_destroy(&r->mu);
        free(r);
        return NULL;
    }
    return r;
}

void
cl_readiness_stop(struct cl_readiness *r)
{
    if (r == NULL)
        return;
    pthread_mutex_lock(&r->mu);
    r->stopping = 1;
    pthread_cond_signal(&r->cv);
    pthread_mutex_unlock(&r->mu);
    pthread_join(r->thread, NULL);
    pthread_cond_destroy(&r->cv);
    pthread_mutex_destroy(&r->mu);
    free(r);
}

enum cl_ready
cl_readiness_state(struct cl_readiness *r)
{
    enum cl_ready st;
    double age_ms;

    pthread_mutex_lock(&r->mu);
    st = r->state;
    age_ms = cl_clock_ms() - r->checked_ms;
    pthread_mutex_unlock(&r->mu);
    if (age_ms > 2.0 * r->interval_ms + r->timeout_ms)
        return CL_READY_DOWN;
    return st;
}
