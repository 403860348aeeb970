/* Where a report job reads its population: REPORT_DATABASE_URL (a hot standby, normally with
 * target_session_attrs=prefer-standby or standby) when it is set and reachable, else the
 * primary. Job state and artifacts are always written on the primary. Before a job reads, the
 * standby is given a moment to replay the primary's WAL up to now, so a report read there
 * equals one read on the primary when the job started. */
#ifndef CL_REPORT_DB_H
#define CL_REPORT_DB_H

#include "cl_config.h"
#include "cl_db.h"

struct cl_report_db {
    const struct cl_config *cfg;
    struct cl_conn *conn; /* to REPORT_DATABASE_URL, kept between jobs; NULL when none */
    int warned;           /* the fallback was logged; cleared once the standby is back */
};

/* The connection a job should read from, outside any transaction: r's own (and *conninfo
 * REPORT_DATABASE_URL) or, when it is unset, unreachable or too far behind, primary (and
 * *conninfo DATABASE_URL), with one warning until it is usable again. */
struct cl_conn *cl_report_db_get(struct cl_report_db *r, struct cl_conn *primary,
                                 const char **conninfo);
void cl_report_db_close(struct cl_report_db *r);

#endif
