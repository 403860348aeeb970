/* common/cl_role: names and bits both ways, and the job kinds' roles in those terms. */
#include <criterion/criterion.h>
#include <string.h>

#include "cl_jobspec.h"
#include "cl_role.h"

Test(role, every_name_maps_to_its_bit_and_back)
{
    char list[96];

    cl_role_list(CL_ROLES_ALL, list, sizeof list);
    cr_expect_str_eq(list, "board,partner,adviser,manager,admin,service,young_person");
    for (unsigned bit = 1; bit <= CL_ROLES_ALL; bit <<= 1) {
        char one[16];

        cl_role_list(bit, one, sizeof one);
        cr_expect_eq((unsigned)cl_role_from_name(one), bit, "%s", one);
    }
    cr_expect_eq(cl_role_from_name("Board"), 0, "names are exact");
    cr_expect_eq(cl_role_from_name(""), 0);
    cr_expect_eq(cl_role_from_name("superuser"), 0);
}

Test(role, a_list_that_does_not_fit_stops_at_a_whole_name)
{
    char small[12];

    cl_role_list(CL_ROLE_BOARD | CL_ROLE_PARTNER | CL_ROLE_ADMIN, small, sizeof small);
    cr_expect_str_eq(small, "board");
    cl_role_list(CL_ROLE_NONE, small, sizeof small);
    cr_expect_str_eq(small, "");
}

Test(role, job_kinds_grant_by_role_bit)
{
    const struct cl_jobspec *board = cl_jobspec_find("board_report");
    const struct cl_jobspec *ssda903 = cl_jobspec_find("ssda903");

    cr_assert_not_null(board);
    cr_assert_not_null(ssda903);
    cr_expect_eq(cl_jobspec_sight(board, "board"), CL_JOBS_OWN_ROLE);
    cr_expect_eq(cl_jobspec_sight(board, "manager"), CL_JOBS_ALL);
    cr_expect_eq(cl_jobspec_sight(board, "adviser"), CL_JOBS_NONE);
    cr_expect_eq(cl_jobspec_sight(ssda903, "board"), CL_JOBS_NONE);
    cr_expect_eq(cl_jobspec_sight(ssda903, "nobody"), CL_JOBS_NONE);
    cr_expect(cl_jobspec_allows(ssda903, "service"));
}
