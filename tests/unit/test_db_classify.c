/* SQLSTATEs to error codes: what decides between a 503 the client may retry and a 500. */
#include <criterion/criterion.h>

#include "cl_db.h"

/* A write that reaches a read-only server (a standby, or a primary being demoted during a
 * failover) is the database being unavailable for writes, answered 503 with Retry-After, not
 * a server error. */
Test(db_classify, a_read_only_server_is_unavailable)
{
    cr_expect_eq(cl_db_classify("25006"), CL_EDB_DOWN);
    cr_expect_eq(cl_db_classify("08006"), CL_EDB_DOWN);
    cr_expect_eq(cl_db_classify("57P01"), CL_EDB_DOWN);
}

Test(db_classify, other_states_keep_their_meaning)
{
    cr_expect_eq(cl_db_classify("25001"), CL_EDB);
    cr_expect_eq(cl_db_classify("23505"), CL_ECONFLICT);
    cr_expect_eq(cl_db_classify("40001"), CL_EDB_RETRY);
    cr_expect_eq(cl_db_classify(NULL), CL_EDB);
}
