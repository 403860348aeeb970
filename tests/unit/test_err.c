/* common/cl_err: every code has its own short name for the logs; anything else is "unknown". */
#include <criterion/criterion.h>
#include <string.h>

#include "cl_err.h"

Test(err, every_code_has_its_own_name)
{
    for (int a = CL_OK; a <= CL_EIO; a++) {
        cr_expect_str_neq(cl_err_str(a), "unknown", "code %d is named", a);
        for (int b = a + 1; b <= CL_EIO; b++)
            cr_expect_str_neq(cl_err_str(a), cl_err_str(b), "codes %d and %d", a, b);
    }
    cr_expect_str_eq(cl_err_str(CL_OK), "ok");
    cr_expect_str_eq(cl_err_str(CL_EDB_DOWN), "db_down");
    cr_expect_str_eq(cl_err_str(CL_EIO + 1), "unknown");
    cr_expect_str_eq(cl_err_str(-1), "unknown");
}
