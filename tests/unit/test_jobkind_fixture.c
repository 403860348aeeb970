/* A made-up job kind, "fixture_copies", declared only in this file the way a new kind is
 * declared in its own common/ file (the struct, its decoder, its nightly builder, the roles,
 * CL_JOBSPEC_REGISTER) and its own worker file (the function, CL_JOB_KIND). No other file
 * names it, yet the one registry finds it for the api's checks, the schedule and the worker. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <string.h>

#include "cl_jobspec.h"
#include "cl_json.h"
#include "cl_mem.h"
#include "cl_role.h"
#include "cl_validate.h"
#include "job.h"

TestSuite(jobkind_fixture, .init = cl_mem_init);

/* ---- what would be its common/ file ---- */

struct fixture_params {
    int copies; /* 1-3, default 1 */
};

static void
decode_fixture(const cJSON *params, const char *role, const struct cl_config *cfg, void *out,
               cJSON *errors)
{
    static const struct cl_field fields[] = {{"copies", CL_F_INT, 0, 1, 3}, {NULL}};
    struct fixture_params *p = out;
    const cJSON *copies = cJSON_GetObjectItemCaseSensitive(params, "copies");
    int before = cJSON_GetArraySize(errors);

    (void)role;
    (void)cfg;
    cl_validate(params, fields, CL_V_CREATE, errors);
    if (cJSON_GetArraySize(errors) == before)
        p->copies = cJSON_IsNumber(copies) ? copies->valueint : 1;
}

/* Nightly: as many copies as the day of the month modulo 3, plus one. */
static cJSON *
nightly_fixture(const struct tm *today)
{
    struct fixture_params p = {.copies = today->tm_mday % 3 + 1};
    cJSON *o = cJSON_CreateObject();

    cJSON_AddNumberToObject(o, "copies", p.copies);
    return o;
}

static const struct cl_jobspec fixture_copies = {
    "fixture_copies", CL_ROLE_ADMIN | CL_ROLE_BOARD,
    CL_ROLE_BOARD,    sizeof(struct fixture_params),
    decode_fixture,   NULL,
    nightly_fixture,
};
CL_JOBSPEC_REGISTER(fixture_copies);

/* ---- what would be its worker/ file ---- */

static int
run_fixture(struct cl_job *job)
{
    const struct fixture_params *p = job->params;

    for (int i = 0; i < p->copies; i++)
        cl_job_add_artifact(job, "copy.txt", "text/plain; charset=utf-8", "copy\n", 5);
    return CL_OK;
}
CL_JOB_KIND(fixture_copies, run_fixture);

/* ---- the test ---- */

/* Decodes text as fixture_copies for role into *out; the number of problems. */
static int
decode(const char *text, const char *role, void **out)
{
    static const struct cl_config cfg;
    const char *why;
    cJSON *params = cl_json_parse(text, strlen(text), &why);
    cJSON *errors = cJSON_CreateArray();
    int n;

    cr_assert_not_null(params, "%s parses", text);
    (void)cl_jobspec_decode(cl_jobspec_find("fixture_copies"), params, role, &cfg, out, errors);
    n = cJSON_GetArraySize(errors);
    cJSON_Delete(params);
    cJSON_Delete(errors);
    return n;
}

Test(jobkind_fixture, is_found_decoded_scheduled_and_run_through_the_one_registry)
{
    const struct cl_jobspec *spec = cl_jobspec_find("fixture_copies");
    const struct cl_job_kind *kind = cl_job_kind_find("fixture_copies");
    struct tm today = {.tm_mday = 7};
    struct cl_job job = {0};
    cJSON *nightly;
    char *text;
    void *params = NULL;
    int listed = 0;

    cr_assert_not_null(spec, "the api's lookup finds the kind");
    for (int i = 0; i < cl_jobspec_count(); i++)
        listed += cl_jobspec_at(i) == spec;
    cr_expect_eq(listed, 1, "listed once among every kind (the schedule and the api's lists)");
    cr_expect(cl_jobspec_allows(spec, "admin"));
    cr_expect(!cl_jobspec_allows(spec, "manager"), "only the roles it names may request it");
    cr_expect_eq(cl_jobspec_sight(spec, "board"), CL_JOBS_OWN_ROLE);
    cr_expect_eq(cl_jobspec_sight(spec, "admin"), CL_JOBS_ALL);

    cr_expect_eq(decode("{\"copies\":4}", "admin", &params), 1, "out of range is refused");
    cr_expect_null(params);

    nightly = spec->nightly(&today);
    text = cl_json_print(nightly);
    cr_expect_str_eq(text, "{\"copies\":2}", "the nightly builder writes its struct");
    cr_assert_eq(decode(text, "admin", &params), 0, "and what it writes decodes");
    cr_expect_eq(((struct fixture_params *)params)->copies, 2);

    cr_assert_not_null(kind, "the worker finds the kind's function");
    job.params = params;
    job.spec = spec;
    cr_expect_eq(kind->run(&job), CL_OK);
    cr_expect_eq(job.nartifacts, 2, "run with the decoded struct");
    for (int i = 0; i < job.nartifacts; i++) {
        free(job.artifacts[i].name);
        free(job.artifacts[i].media_type);
        free(job.artifacts[i].bytes);
    }
    free(job.artifacts);
    cl_jobspec_params_free(spec, params);
    free(text);
    cJSON_Delete(nightly);
}

/* The kinds the service ships are in the same registry, each once, and each has a function in
 * the worker; only ssda903 has a nightly job, and what it writes decodes. */
Test(jobkind_fixture, every_shipped_kind_is_registered_once_with_a_worker_function)
{
    static const char *const shipped[] = {"noop", "ssda903", "board_report"};
    static const struct cl_config cfg = {.ssda903_window_before = 3, .ssda903_window_after = 1};
    struct tm today = {.tm_year = 125, .tm_mon = 5, .tm_mday = 1}; /* 1 June 2025 */

    for (size_t i = 0; i < sizeof shipped / sizeof shipped[0]; i++) {
        const struct cl_jobspec *spec = cl_jobspec_find(shipped[i]);
        int listed = 0;

        cr_assert_not_null(spec, "%s is registered", shipped[i]);
        for (int j = 0; j < cl_jobspec_count(); j++)
            listed += strcmp(cl_jobspec_at(j)->kind, shipped[i]) == 0;
        cr_expect_eq(listed, 1, "%s once", shipped[i]);
        cr_expect_not_null(cl_job_kind_find(shipped[i]), "the worker runs %s", shipped[i]);
        cr_expect_eq(spec->nightly != NULL, strcmp(shipped[i], "ssda903") == 0, "%s's nightly job",
                     shipped[i]);
        if (spec->nightly) {
            cJSON *params = spec->nightly(&today), *errors = cJSON_CreateArray();
            char *text = cl_json_print(params);
            void *out = NULL;

            cr_expect_str_eq(text, "{\"collection_year\":2026,\"format\":\"both\"}",
                             "the draft return of the year containing today, the windows left "
                             "to the worker's configuration");
            cr_expect_eq(cl_jobspec_decode(spec, params, "service", &cfg, &out, errors), CL_OK);
            cl_jobspec_params_free(spec, out);
            free(text);
            cJSON_Delete(params);
            cJSON_Delete(errors);
        }
    }
}
