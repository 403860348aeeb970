/* common/cl_jobspec: each kind decodes its params into its struct with the defaults applied, or
 * lists the problems and gives no struct. */
#include <criterion/criterion.h>
#include <string.h>

#include "cl_jobspec.h"
#include "cl_jobspec_board.h"
#include "cl_jobspec_indicator_snapshot.h"
#include "cl_jobspec_ssda903.h"
#include "cl_json.h"
#include "cl_mem.h"

TestSuite(jobspec, .init = cl_mem_init);

/* Decodes text as kind for role; NULL with *nerrors set when refused. */
static void *
decode(const char *kind, const char *role, const char *text, int *nerrors)
{
    static struct cl_config cfg = {.ssda903_window_before = 3, .ssda903_window_after = 1};
    const struct cl_jobspec *spec = cl_jobspec_find(kind);
    const char *why;
    cJSON *params = text ? cl_json_parse(text, strlen(text), &why) : NULL;
    cJSON *errors = cJSON_CreateArray();
    void *out = NULL;
    int err;

    cr_assert_not_null(spec, "%s is a kind", kind);
    err = cl_jobspec_decode(spec, params, role, &cfg, &out, errors);
    *nerrors = cJSON_GetArraySize(errors);
    cr_expect_eq(err == CL_OK, *nerrors == 0, "CL_OK exactly when nothing is wrong");
    cr_expect_eq(out != NULL, *nerrors == 0, "a struct exactly when nothing is wrong");
    cJSON_Delete(params);
    cJSON_Delete(errors);
    return out;
}

Test(jobspec, ssda903_defaults_and_overrides)
{
    const struct cl_jobspec *spec = cl_jobspec_find("ssda903");
    struct cl_ssda903_params *p;
    int n;

    p = decode("ssda903", "manager", "{\"collection_year\":2024}", &n);
    cr_assert_not_null(p);
    cr_expect_eq(p->collection_year, 2024);
    cr_expect_str_eq(p->format, "both");
    cr_expect(p->csv && p->xml);
    cr_expect_eq(p->window_before, 3, "the configured default");
    cr_expect_eq(p->window_after, 1);
    cl_jobspec_params_free(spec, p);
    p = decode("ssda903", "manager",
               "{\"collection_year\":2024,\"format\":\"xml\",\"window_months_before\":0,"
               "\"window_months_after\":12}",
               &n);
    cr_assert_not_null(p);
    cr_expect(!p->csv && p->xml);
    cr_expect_eq(p->window_before, 0);
    cr_expect_eq(p->window_after, 12);
    cl_jobspec_params_free(spec, p);
    cr_expect_null(
        decode("ssda903", "manager", "{\"format\":\"pdf\",\"window_months_after\":13}", &n));
    cr_expect_eq(n, 3, "collection_year missing, format and window_months_after out of range");
}

Test(jobspec, board_defaults_districts_and_formats)
{
    const struct cl_jobspec *spec = cl_jobspec_find("board_report");
    struct cl_board_params *p;
    int n;

    p = decode("board_report", "manager", "{\"as_at\":\"2024-03-31\"}", &n);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->board_date, "2024-03-31", "board_date defaults to as_at");
    cr_expect_str_eq(p->compare_to, "", "compare_to is left to the SQL default");
    cr_expect_eq(p->ndistricts, 0);
    for (int i = 0; cl_board_formats[i]; i++)
        cr_expect(cl_board_params_wants(p, cl_board_formats[i]), "%s by default",
                  cl_board_formats[i]);
    cl_jobspec_params_free(spec, p);
    p = decode("board_report", "manager",
               "{\"as_at\":\"2024-03-31\",\"compare_to\":\"2023-12-31\",\"board_date\":"
               "\"2024-04-20\",\"districts\":[\"North\",\"South\"],\"formats\":[\"pdf\"]}",
               &n);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->compare_to, "2023-12-31");
    cr_expect_str_eq(p->board_date, "2024-04-20");
    cr_assert_eq(p->ndistricts, 2);
    cr_expect_str_eq(p->districts[1], "South");
    cr_expect(cl_board_params_wants(p, "pdf"));
    cr_expect_not(cl_board_params_wants(p, "json"));
    cl_jobspec_params_free(spec, p);
    cr_expect_null(decode("board_report", "board",
                          "{\"as_at\":\"2024-03-30\",\"districts\":[\"North\"]}", &n));
    cr_expect_eq(n, 2, "the board's fixed form: a quarter end, every district");
}

Test(jobspec, noop_and_no_params)
{
    const struct cl_jobspec *spec = cl_jobspec_find("noop");
    struct cl_noop_params *p;
    int n;

    p = decode("noop", "admin", NULL, &n);
    cr_assert_not_null(p, "no params: every default");
    cr_expect_eq(p->fail, 0);
    cr_expect_eq(p->sleep_ms, 0);
    cl_jobspec_params_free(spec, p);
    p = decode("noop", "admin", "{\"fail\":true,\"sleep_ms\":250}", &n);
    cr_assert_not_null(p);
    cr_expect_eq(p->fail, 1);
    cr_expect_eq(p->sleep_ms, 250);
    cl_jobspec_params_free(spec, p);
    cr_expect_null(decode("noop", "admin", "{\"sleep_ms\":-1,\"other\":1}", &n));
    cr_expect_eq(n, 2);
}

Test(jobspec, indicator_snapshot_back_fills_at_most_400_days)
{
    struct cl_snapshot_params *p;
    int n;

    p = decode("indicator_snapshot", "manager", "{\"from\":\"2024-01-01\",\"to\":\"2025-02-03\"}",
               &n);
    cr_assert_not_null(p, "400 days, counting both");
    cr_expect_eq(p->days, 400);
    cl_jobspec_params_free(cl_jobspec_find("indicator_snapshot"), p);
    p = decode("indicator_snapshot", "manager", "{\"from\":\"2024-01-01\",\"to\":\"2025-02-04\"}",
               &n);
    cr_expect_null(p, "401 days");
    cr_expect_eq(n, 1);
    p = decode("indicator_snapshot", "manager", "{\"from\":\"2024-01-02\",\"to\":\"2024-01-01\"}",
               &n);
    cr_expect_null(p, "to before from");
    p = decode("indicator_snapshot", "service", "{\"from\":\"2024-02-28\"}", &n);
    cr_assert_not_null(p);
    cr_expect_str_eq(p->to, "2024-02-28", "to defaults to from");
    cr_expect_eq(p->days, 1);
    cl_jobspec_params_free(cl_jobspec_find("indicator_snapshot"), p);
    cr_expect(cl_jobspec_find("indicator_snapshot")->nightly != NULL, "a nightly job");
}
