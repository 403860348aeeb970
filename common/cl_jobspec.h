/* Job kinds as the api sees them: which roles may request each kind, which of its jobs each
 * of them sees, and how its params are validated when the job is requested (422 then, not a failed
 * job later). The worker runs the same kinds (worker/jobs.c). One row per kind in cl_jobspec.c. */
#ifndef CL_JOBSPEC_H
#define CL_JOBSPEC_H

#include <cjson/cJSON.h>

struct cl_jobspec {
    const char *kind;
    unsigned roles; /* CL_ROLE_* bits (cl_role.h) that may request and download it */
    /* Those of roles that see only the jobs of this kind their own role requested (CL_ROLE_NONE
     * when none): the board sees its own fixed-form reports, never a manager's narrower ones. */
    unsigned own_roles;
    /* Appends {"field","message"} problems to errors; params is a JSON object, role the name of
     * the requester's role (a kind may allow a role less than others). */
    void (*validate)(const cJSON *params, const char *role, cJSON *errors);
};

extern const struct cl_jobspec cl_jobspecs[];
extern const int cl_jobspecs_count;

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
