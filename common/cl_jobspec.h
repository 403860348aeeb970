/* Job kinds as the api sees them: which roles may request each kind, and how its params are
 * validated when the job is requested (422 then, not a failed job later). The worker runs
 * the same kinds (worker/jobs.c). One row per kind in cl_jobspec.c. */
#ifndef CL_JOBSPEC_H
#define CL_JOBSPEC_H

#include <cjson/cJSON.h>

struct cl_jobspec {
    const char *kind;
    const char *roles; /* comma-separated role names that may request and download it */
    /* Appends {"field","message"} problems to errors; params is a JSON object, role the name of
     * the requester's role (a kind may allow a role less than others). */
    void (*validate)(const cJSON *params, const char *role, cJSON *errors);
};

extern const struct cl_jobspec cl_jobspecs[];
extern const int cl_jobspecs_count;

/* The spec for kind, or NULL. */
const struct cl_jobspec *cl_jobspec_find(const char *kind);
/* 1 when role (a name) appears in spec->roles. */
int cl_jobspec_allows(const struct cl_jobspec *spec, const char *role);

#endif
