/* common/cl_db without a database: how a SQLSTATE becomes an error code (cl_db.h), and a pool
 * that cannot reach its database answers "down" within its timeout instead of hanging. The
 * statements and transactions against a live database are driven by every integration test. */
#include <criterion/criterion.h>

#include "cl_clock.h"
#include "cl_db.h"
#include "cl_mem.h"

TestSuite(db, .init = cl_mem_init);

Test(db, sqlstates_map_to_error_codes)
{
    static const struct {
        const char *state;
        int err;
    } cases[] = {
        {"23505", CL_ECONFLICT}, {"23P01", CL_ECONFLICT},
        {"23503", CL_EINVAL},    {"23514", CL_EINVAL},
        {"22007", CL_EINVAL},    {"40001", CL_EDB_RETRY},
        {"40P01", CL_EDB_RETRY}, {"08006", CL_EDB_DOWN},
        {"57P01", CL_EDB_DOWN},  {"53300", CL_EDB_DOWN},
        {"CL404", CL_ENOTFOUND}, {"CL409", CL_ECONFLICT},
        {"CL412", CL_EPRECOND},  {"CL403", CL_EFORBIDDEN},
        {"CL401", CL_EAUTH},     {"CL422", CL_EINVAL},
        {"42501", CL_EDB},       {"XX000", CL_EDB},
        {"2350", CL_EDB},        {"", CL_EDB},
    };

    for (size_t i = 0; i < sizeof cases / sizeof cases[0]; i++)
        cr_expect_eq(cl_db_classify(cases[i].state), cases[i].err, "%s", cases[i].state);
    cr_expect_eq(cl_db_classify(NULL), CL_EDB);
}

Test(db, a_pool_without_a_database_answers_down_in_time)
{
    /* Port 1 on the loopback: refused at once, no server there. */
    struct cl_pool_opts opts = {"host=127.0.0.1 port=1 dbname=none connect_timeout=1", "test_db", 1,
                                300, 0};
    struct cl_pool *pool = cl_pool_new(&opts);
    struct cl_conn *conn = NULL;
    double t0 = cl_clock_ms();

    cr_assert_not_null(pool, "created without the database");
    cr_expect_eq(cl_pool_size(pool), 1);
    cr_expect_eq(cl_pool_get(pool, &conn), CL_EDB_DOWN);
    cr_expect_lt(cl_clock_ms() - t0, 3000.0, "answers within the connect timeout");
    cr_expect_eq(cl_pool_in_use(pool), 0, "nothing left borrowed");
    cl_pool_free(pool);
}
