/* Forward-only schema migrations. The SQL files of schema/migrations are compiled into the
 * binaries (see scripts/embed.py), applied in name order, each in its own transaction, and
 * recorded with a sha256 checksum in schema_migrations. An applied migration whose text has
 * since changed is refused. */
#ifndef CL_MIGRATE_H
#define CL_MIGRATE_H

#include "cl_db.h"

struct cl_migration {
    const char *name; /* e.g. "0001_base.sql" */
    const char *sql;
};

extern const struct cl_migration cl_migrations[];
extern const int cl_migrations_count;

/* Applies what is missing. CL_EINVAL when an applied migration was edited (logged by name). */
int cl_migrate_apply(struct cl_conn *conn) CL_WARN_UNUSED;

/* Number of migrations not yet applied (or edited since); -1 when it cannot be read. */
int cl_migrate_pending(struct cl_conn *conn);

#endif
