/* common/cl_log: level names, and lines below the level are not written. */
#include <criterion/criterion.h>
#include <criterion/redirect.h>
#include <stdio.h>
#include <string.h>

#include "cl_log.h"

Test(log, level_names)
{
    cr_expect_eq(cl_log_parse_level("debug"), CL_LOG_DEBUG);
    cr_expect_eq(cl_log_parse_level("info"), CL_LOG_INFO);
    cr_expect_eq(cl_log_parse_level("warn"), CL_LOG_WARN);
    cr_expect_eq(cl_log_parse_level("error"), CL_LOG_ERROR);
    cr_expect_eq(cl_log_parse_level("verbose"), -1);
    cr_expect_eq(cl_log_parse_level(""), -1);
}

Test(log, one_json_line_at_or_above_the_level, .init = cr_redirect_stderr)
{
    int saved = cl_log_level;
    char out[1024] = "";
    size_t n;
    FILE *f;

    cl_log_level = CL_LOG_WARN;
    cl_log_info("test", "not written");
    cl_log_warn("test", "written %d", 1);
    cl_log_level = saved;
    fflush(stderr);
    f = cr_get_redirected_stderr();
    n = fread(out, 1, sizeof out - 1, f);
    out[n] = '\0';
    cr_expect_null(strstr(out, "not written"), "below the level: nothing (%s)", out);
    cr_expect_not_null(strstr(out, "\"msg\":\"written 1\""), "%s", out);
    cr_expect_not_null(strstr(out, "\"lvl\":\"warn\""), "%s", out);
    cr_expect_not_null(strstr(out, "\"mod\":\"test\""), "%s", out);
    cr_expect_eq(out[0], '{', "one JSON object per line");
    cr_expect_eq(strchr(out, '\n'), out + n - 1, "one line");
}
