/* Job kinds: which roles may request each kind, which of its jobs each of them sees, and its
 * parameters as a typed struct with one decoder that applies the defaults and range checks and
 * lists the problems. The api decodes when the job is requested (422 then, not a failed job
 * later); the worker decodes again when it runs the job and hands the job function the struct.
 * Each kind is declared once, in its own file, and registered there with CL_JOBSPEC_REGISTER;
 * the api, the schedule and the worker all read that one registry (cl_jobspec_find,
 * cl_jobspec_count, cl_jobspec_at). The worker binds its function to the kind in its own file
 * (CL_JOB_KIND, worker/job.h). */
#ifndef CL_JOBSPEC_H
#define CL_JOBSPEC_H

#include <stddef.h>
#include <time.h>

#include <cjson/cJSON.h>

#include "cl_config.h"
#include "cl_err.h"

struct cl_jobspec {
    const char *kind;
    unsigned roles; /* CL_ROLE_* bits (cl_role.h) that may request and download it */
    /* Those of roles that see only the jobs of this kind their own role requested (CL_ROLE_NONE
     * when none): the board sees its own fixed-form reports, never a manager's narrower ones. */
    unsigned own_roles;
    size_t params_size; /* the kind's parameter struct */
    /* Appends {"field","message"} problems to errors; params is a JSON object, role the name of
     * the requester's role (a kind may allow a role less than others). With none, fills out
     * (params_size bytes, zeroed) with the parameters, defaults applied (cfg: the worker's). */
    void (*decode)(const cJSON *params, const char *role, const struct cl_config *cfg, void *out,
                   cJSON *errors);
    void (*params_free)(void *params); /* what decode allocated inside; NULL when nothing */
    /* The parameters of the kind's nightly job for the council's date today (cl_la_time.h), a
     * new JSON object written from the kind's struct; NULL when the kind has no nightly job.
     * worker/schedule.c enqueues one such job a day. */
    cJSON *(*nightly)(const struct tm *today);
};

/* Registers spec (a struct cl_jobspec with static storage, named by an identifier) as a job
 * kind, from the file that declares it: the linker gathers every registration into one section
 * (the binaries link common/ whole, see the Makefile), so no list elsewhere names the kind. */
#define CL_JOBSPEC_REGISTER(spec)                                                                  \
    static const struct cl_jobspec *const cl_jobspec_entry_##spec                                  \
        __attribute__((used, section("cl_jobspecs"))) = &(spec)

/* The registered kinds: cl_jobspec_at(i) for 0 <= i < cl_jobspec_count(), in link order. */
int cl_jobspec_count(void);
const struct cl_jobspec *cl_jobspec_at(int i);

/* "noop": exercises the queue itself (tests, smoke checks). */
struct cl_noop_params {
    int fail;      /* fail every attempt */
    long sleep_ms; /* take this long first (0-600000) */
};

/* Decodes params (a JSON object, NULL for none) as requested by role: CL_OK with *out, a new
 * struct freed with cl_jobspec_params_free, or CL_EINVAL with each problem in errors. */
int cl_jobspec_decode(const struct cl_jobspec *spec, const cJSON *params, const char *role,
                      const struct cl_config *cfg, void **out, cJSON *errors);
void cl_jobspec_params_free(const struct cl_jobspec *spec, void *params);

struct cl_field;
/* For a kind whose params are checked by a field list and name one row by id: validates params
 * (a create) into errors and, when nothing was wrong, copies the id member named id into out. */
void cl_jobspec_decode_id(const cJSON *params, const struct cl_field *fields, const char *id,
                          char *out, size_t outlen, cJSON *errors);

/* The spec for kind, or NULL. */
const struct cl_jobspec *cl_jobspec_find(const char *kind);
/* 1 when role (a name) is one of spec->roles. */
int cl_jobspec_allows(const struct cl_jobspec *spec, const char *role);

/* Which jobs of a kind a role sees. schema/migrations/0160_jobs_row_security.sql keeps the same
 * table in SQL (job_kind_roles) for row-level security; a test checks that they agree. */
enum cl_jobspec_sight {
    CL_JOBS_NONE,     /* none: the role may not request the kind */
    CL_JOBS_ALL,      /* every job of the kind, whoever requested it */
    CL_JOBS_OWN_ROLE, /* only those requested by a principal of the same role */
};
enum cl_jobspec_sight cl_jobspec_sight(const struct cl_jobspec *spec, const char *role);

#endif
