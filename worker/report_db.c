#include "report_db.h"

#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_log.h"

#define MOD "reports"
#define CATCH_UP_MS 10000 /* how long a standby may take to replay up to the primary's now */

static struct cl_stmt primary_lsn = {"SELECT pg_current_wal_lsn()::text"};
/* NULL on a server in recovery that has replayed nothing yet, and on a primary (nothing to
 * wait for there): the caller treats a primary as caught up. */
static struct cl_stmt replayed = {
    "SELECT NOT pg_is_in_recovery() OR pg_last_wal_replay_lsn() >= $1::pg_lsn"};

static void
sleep_ms(long ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* 1 once conn has replayed the primary's WAL as it stands now, 0 after CATCH_UP_MS. */
static int
caught_up(struct cl_conn *conn, struct cl_conn *primary)
{
    PGresult *res = NULL;
    char lsn[32];
    const char *p[1] = {lsn};

    if (cl_db_one(primary, &primary_lsn, 0, NULL, &res) != CL_OK)
        return 0;
    snprintf(lsn, sizeof lsn, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    for (int waited = 0; waited <= CATCH_UP_MS; waited += 50) {
        int done;

        if (cl_db_one(conn, &replayed, 1, p, &res) != CL_OK)
            return 0;
        done = strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        if (done)
            return 1;
        sleep_ms(50);
    }
    return 0;
}

static struct cl_conn *
fall_back(struct cl_report_db *r, struct cl_conn *primary, const char **conninfo, const char *why)
{
    if (!r->warned)
        cl_log_warn(MOD, "REPORT_DATABASE_URL %s; reports read from the primary until it is back",
                    why);
    r->warned = 1;
    *conninfo = r->cfg->database_url;
    return primary;
}

struct cl_conn *
cl_report_db_get(struct cl_report_db *r, struct cl_conn *primary, const char **conninfo)
{
    char why[300], reason[256];
    PGconn *pg;

    *conninfo = r->cfg->database_url;
    if (r->cfg->report_database_url[0] == '\0')
        return primary;
    pg = cl_conn_pg(r->conn);
    if (pg && (PQstatus(pg) != CONNECTION_OK || cl_conn_read_only(r->conn) < 0)) {
        cl_conn_close(r->conn);
        r->conn = NULL;
    }
    if (r->conn == NULL) {
        r->conn = cl_conn_open_quiet(r->cfg->report_database_url, "cl-worker-reports",
                                     r->cfg->db_timeout_ms, reason, sizeof reason);
        if (r->conn == NULL) {
            snprintf(why, sizeof why, "cannot be reached (%s)", reason);
            return fall_back(r, primary, conninfo, why);
        }
    }
    if (!caught_up(r->conn, primary))
        return fall_back(r, primary, conninfo, "is more than 10 s behind the primary");
    if (r->warned)
        cl_log_info(MOD, "REPORT_DATABASE_URL reachable again: reports read there");
    r->warned = 0;
    *conninfo = r->cfg->report_database_url;
    return r->conn;
}

void
cl_report_db_close(struct cl_report_db *r)
{
    cl_conn_close(r->conn);
    r->conn = NULL;
}
