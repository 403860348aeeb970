/* What a job kind's function sees: its parameters decoded (common/cl_jobspec.h: the struct of
 * its kind, defaults applied), a way to report progress, and a place to
 * stage the files it produces. Artifacts are written in the same transaction that marks the
 * job succeeded, fenced by the lease, so a retried job leaves exactly one set. */
#ifndef CL_JOB_H
#define CL_JOB_H

#include <signal.h>
#include <stddef.h>

#include <cjson/cJSON.h>

#include "cl_config.h"
#include "cl_db.h"
#include "cl_err.h"
#include "cl_jobspec.h"
#include "report_db.h"

struct cl_artifact {
    char *name;
    char *media_type;
    char *bytes;
    size_t len;
};

struct cl_job {
    char id[37];
    char kind[33];
    char lease_token[37];
    int attempt;
    int max_attempts;
    void *params; /* the kind's parameter struct (cl_jobspec.h), read-only; owned by the queue */
    const struct cl_jobspec *spec; /* the kind's spec, which decoded params */
    struct cl_conn *db;            /* the worker's connection, outside any transaction */
    struct cl_report_db *reports;  /* where a report reads: cl_report_db_get(job->reports, ...) */
    const struct cl_config *cfg;
    struct cl_artifact *artifacts;
    int nartifacts;
    cJSON *result;   /* optional summary stored on the job row (owned by the queue) */
    char error[512]; /* set by a failing job: why (no personal data) */
    const volatile sig_atomic_t *shutdown; /* set when the worker was told to stop */
    int lost;    /* set (atomically) once the lease is gone: cancelled or rescued */
    int stopped; /* the job gave up early on cl_job_should_stop */
};

typedef int (*cl_job_fn)(struct cl_job *job);

struct cl_job_kind {
    const char *kind;
    cl_job_fn run;
};

/* Binds fn to the job kind named kind (a C identifier spelled as the kind, whose
 * struct cl_jobspec is registered in common/), from the worker file that runs it; the linker
 * gathers every binding into one section, as CL_JOBSPEC_REGISTER does for the specs. */
#define CL_JOB_KIND(kind, fn)                                                                      \
    static const struct cl_job_kind cl_job_kind_##kind = {#kind, fn};                              \
    static const struct cl_job_kind *const cl_job_kind_entry_##kind                                \
        __attribute__((used, section("cl_job_kinds"))) = &cl_job_kind_##kind

/* The function bound to kind, or NULL (jobs.c). */
const struct cl_job_kind *cl_job_kind_find(const char *kind);

/* Stages a file; the bytes are copied. */
void cl_job_add_artifact(struct cl_job *job, const char *name, const char *media_type,
                         const void *bytes, size_t len);
/* Records progress (0-100) and a stage name, visible on GET /v1/jobs/{id}. */
void cl_job_progress(struct cl_job *job, int percent, const char *stage);
/* Sets job->error with printf formatting and returns CL_EINVAL, for one-line failures. */
int cl_job_fail(struct cl_job *job, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
/* 1 when the job should stop at its next safe point: the worker is shutting down (SIGTERM)
 * or the job no longer holds its lease (cancelled, or rescued by another worker). A job that
 * stops returns cl_job_stopped(job); the queue then puts it back without using an attempt
 * (shutdown) or leaves it to whoever holds it now. Jobs that never check simply finish. */
int cl_job_should_stop(struct cl_job *job);
/* Marks the job as stopped early; returns a non-zero code for the job function to return. */
int cl_job_stopped(struct cl_job *job);

#endif
