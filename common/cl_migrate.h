/* The schema, applied by api --migrate. Two kinds of SQL files are compiled into the binaries
 * (see scripts/embed.py), and both are recorded with a sha256 checksum in schema_migrations:
 *
 *   schema/migrations/NNNN_name.sql  tables, constraints, indexes, grants, policies and data:
 *                                    applied once each, in name order; an applied migration
 *                                    whose text has since changed is refused.
 *   schema/functions/NAME.sql        the one current definition of every function, trigger and
 *                                    the policies that call them ("repeatable"): applied whole,
 *                                    in the Makefile's fixed order, after the migrations,
 *                                    whenever a migration was applied or any of their
 *                                    checksums changed (recorded as "functions/NAME.sql").
 *
 * Everything pending is applied in ONE transaction: a failure leaves the database as it was. */
#ifndef CL_MIGRATE_H
#define CL_MIGRATE_H

#include "cl_db.h"

struct cl_migration {
    const char *name; /* e.g. "0001_baseline.sql", "functions/scope.sql" */
    const char *sql;
};

extern const struct cl_migration cl_migrations[];
extern const int cl_migrations_count;
extern const struct cl_migration cl_functions[];
extern const int cl_functions_count;

/* Applies what is missing. CL_EINVAL when an applied migration was edited (logged by name). */
int cl_migrate_apply(struct cl_conn *conn) CL_WARN_UNUSED;

/* Number of migrations not yet applied (or edited since) plus functions files not current
 * (changed, missing, or recorded but no longer shipped); -1 when it cannot be read. */
int cl_migrate_pending(struct cl_conn *conn);

#endif
