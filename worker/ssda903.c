/* The "ssda903" job kind: the SSDA903 care leavers return for one collection year, validated
 * before release.
 *
 * One set-based query (ssda903_return_rows, schema/functions/ssda903.sql) selects the
 * cohort and codes every row; this file checks the rows against every DfE rule that runs on
 * Header and OC3 alone (ssda903_rules.c) and writes the files (ssda903_render.c). A return with
 * errors is still produced, flagged has_errors, so officers can fix the records and run it
 * again. The return's validation is part of the same job, and so of the same snapshot of the
 * records: the report always describes exactly the files beside it. The nightly schedule
 * enqueues this job for the current collection year (the kind's nightly builder,
 * common/cl_jobspec_ssda903.c).
 *
 * Artifacts: header.csv and oc3.csv (format csv or both), ssda903.xml (xml or both),
 * validation.json and validation.csv (rule, severity, file, CHILD, field, message),
 * summary.json (the return's own national indicators) and basis.csv (per young person: the
 * reference date, the window and the last successful contact the status rests on).
 * The job's result: status valid | has_errors, counts, and the headline indicators. */
#include "job.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_clock.h"
#include "cl_buf.h"
#include "cl_jobspec_ssda903.h"
#include "cl_json.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "ssda903_render.h"
#include "ssda903_rules.h"

#define MOD "ssda903"
#define MAX_FILE ((size_t)1 << 30)

static struct cl_stmt rows_stmt = {
    "SELECT child, sex, dob, ethnic, upn, mother, mc_dob, in_touch, activ, accom, age, cohort, "
    "to_char(reference_date, 'DD/MM/YYYY'), to_char(window_start, 'DD/MM/YYYY'), "
    "to_char(window_end, 'DD/MM/YYYY'), to_char(last_contact, 'DD/MM/YYYY') "
    "FROM ssda903_return_rows($1::int, $2::int, $3::int)"};
static struct cl_stmt older_stmt = {
    "SELECT age, care_leavers FROM ssda903_care_leavers_22_25($1::int)"};

enum {
    C_CHILD,
    C_SEX,
    C_DOB,
    C_ETHNIC,
    C_UPN,
    C_MOTHER,
    C_MC_DOB,
    C_IN_TOUCH,
    C_ACTIV,
    C_ACCOM,
    C_AGE,
    C_COHORT,
    C_REF,
    C_WS,
    C_WE,
    C_LAST
};

struct rows {
    int n;
    struct s903_header *h;
    struct s903_oc3 *o;
    int *age, *older;
};

/* Rows point into res, which must outlive them. */
static void
rows_from(const PGresult *res, struct rows *r)
{
    r->n = PQntuples(res);
    r->h = cl_calloc((size_t)r->n + 1, sizeof *r->h);
    r->o = cl_calloc((size_t)r->n + 1, sizeof *r->o);
    r->age = cl_calloc((size_t)r->n + 1, sizeof *r->age);
    r->older = cl_calloc((size_t)r->n + 1, sizeof *r->older);
    for (int i = 0; i < r->n; i++) {
        const char *child = PQgetvalue(res, i, C_CHILD), *dob = PQgetvalue(res, i, C_DOB);

        r->h[i] = (struct s903_header){child,
                                       PQgetvalue(res, i, C_SEX),
                                       dob,
                                       PQgetvalue(res, i, C_ETHNIC),
                                       PQgetvalue(res, i, C_UPN),
                                       PQgetvalue(res, i, C_MOTHER),
                                       PQgetvalue(res, i, C_MC_DOB)};
        r->o[i] = (struct s903_oc3){child, dob, PQgetvalue(res, i, C_IN_TOUCH),
                                    PQgetvalue(res, i, C_ACTIV), PQgetvalue(res, i, C_ACCOM)};
        r->age[i] = (int)strtol(PQgetvalue(res, i, C_AGE), NULL, 10);
        r->older[i] = strcmp(PQgetvalue(res, i, C_COHORT), "22-25") == 0;
    }
}

static void
rows_free(struct rows *r)
{
    free(r->h);
    free(r->o);
    free(r->age);
    free(r->older);
}

/* The basis of each row: what its codes rest on, for officers checking the return. */
static int
basis_csv(struct cl_buf *b, const PGresult *res)
{
    int err = cl_buf_adds(b, "CHILD,AGE,COHORT,REFERENCE_DATE,WINDOW_START,WINDOW_END,"
                             "LAST_CONTACT\r\n");

    static const int cols[] = {C_CHILD, C_AGE, C_COHORT, C_REF, C_WS, C_WE, C_LAST};

    for (int i = 0; i < PQntuples(res) && err == CL_OK; i++)
        for (int c = 0; c < 7 && err == CL_OK; c++) {
            err = cl_buf_add(b, PQgetvalue(res, i, cols[c]), (size_t)PQgetlength(res, i, cols[c]));
            if (err == CL_OK)
                err = cl_buf_adds(b, c < 6 ? "," : "\r\n");
        }
    return err;
}

/* Stages buffer b as an artifact and empties it. */
static void
stage(struct cl_job *job, struct cl_buf *b, const char *name, const char *media_type)
{
    cl_job_add_artifact(job, name, media_type, b->data ? b->data : "", b->len);
    cl_buf_reset(b);
}

static void
stage_json(struct cl_job *job, const cJSON *json, const char *name)
{
    char *text = cl_json_print(json);
    size_t n = strlen(text);

    text = cl_realloc(text, n + 2);
    text[n] = '\n';
    text[n + 1] = '\0';
    cl_job_add_artifact(job, name, "application/json", text, n + 1);
    free(text);
}

/* The headline figures of one age group of the summary, for the job's result. */
static cJSON *
headline(const cJSON *summary, const char *group)
{
    const cJSON *g = cJSON_GetObjectItemCaseSensitive(
        cJSON_GetObjectItemCaseSensitive(summary, "age_groups"), group);
    cJSON *h = cJSON_CreateObject();
    static const char *const picks[][3] = {
        {"population", NULL, "population"},
        {"in_touch", "in_touch_percent", "in_touch_percent"},
        {"activity", "eet_percent", "eet_percent"},
        {"accommodation", "suitable_percent", "suitable_accommodation_percent"},
    };

    for (size_t i = 0; i < sizeof picks / sizeof picks[0]; i++) {
        const cJSON *v = cJSON_GetObjectItemCaseSensitive(g, picks[i][0]);

        if (picks[i][1])
            v = cJSON_GetObjectItemCaseSensitive(v, picks[i][1]);
        cJSON_AddItemToObject(h, picks[i][2], v ? cJSON_Duplicate(v, 1) : cJSON_CreateNull());
    }
    return h;
}

static cJSON *
result_json(int year, const char *format, int before, int after, const struct rows *r,
            const struct s903_issues *issues, const cJSON *summary)
{
    cJSON *res = cJSON_CreateObject(), *ind;
    char today[11], end[24], start[24];
    time_t t = time(NULL);
    struct tm tm;
    int older = 0;

    gmtime_r(&t, &tm);
    strftime(today, sizeof today, "%Y-%m-%d", &tm);
    snprintf(start, sizeof start, "%04d-04-01", year - 1);
    snprintf(end, sizeof end, "%04d-03-31", year);
    for (int i = 0; i < r->n; i++)
        older += r->older[i];
    cJSON_AddNumberToObject(res, "collection_year", year);
    cJSON_AddStringToObject(res, "period_start", start);
    cJSON_AddStringToObject(res, "period_end", end);
    /* Draft while the year is still running: the figures can still change. */
    cJSON_AddBoolToObject(res, "draft", strcmp(today, end) <= 0);
    cJSON_AddStringToObject(res, "format", format);
    cJSON_AddNumberToObject(res, "window_months_before", before);
    cJSON_AddNumberToObject(res, "window_months_after", after);
    cJSON_AddStringToObject(res, "status", issues->errors ? "has_errors" : "valid");
    cJSON_AddNumberToObject(res, "errors", issues->errors);
    cJSON_AddNumberToObject(res, "warnings", issues->warnings);
    cJSON_AddNumberToObject(res, "children", r->n);
    cJSON_AddNumberToObject(res, "aged_17_21", r->n - older);
    cJSON_AddNumberToObject(res, "aged_22_25", older);
    ind = cJSON_AddObjectToObject(res, "indicators");
    cJSON_AddItemToObject(ind, "17-18", headline(summary, "17-18"));
    cJSON_AddItemToObject(ind, "19-21", headline(summary, "19-21"));
    return res;
}

static int
cl_ssda903_run(struct cl_job *job)
{
    const struct cl_ssda903_params *params = job->params;
    int year = params->collection_year, before = params->window_before;
    int after = params->window_after, csv = params->csv, xml = params->xml;
    const char *format = params->format;
    char ys[16], bs[16], as[16];
    const char *p[3] = {ys, bs, as};
    PGresult *res = NULL, *old = NULL;
    struct cl_conn *rdb;
    const char *conninfo;
    struct rows r;
    struct s903_issues issues;
    struct cl_buf b;
    cJSON *summary = NULL, *report = NULL;
    long older[4] = {0, 0, 0, 0};
    double t0 = cl_clock_ms(), t_sql, t_check;
    int err;

    memset(&r, 0, sizeof r);
    memset(&issues, 0, sizeof issues);
    cl_buf_init(&b, MAX_FILE);
    snprintf(ys, sizeof ys, "%d", year);
    snprintf(bs, sizeof bs, "%d", before);
    snprintf(as, sizeof as, "%d", after);
    cl_job_progress(job, 5, "selecting the cohort");
    rdb = cl_report_db_get(job->reports, job->db, &conninfo);
    err = cl_db_exec(rdb, &rows_stmt, 3, p, &res);
    if (err == CL_OK)
        err = cl_db_exec(rdb, &older_stmt, 1, p, &old);
    if (err != CL_OK) {
        if (err != CL_EDB_DOWN)
            cl_job_fail(job, "the return's query failed (%s)", cl_db_last_sqlstate(rdb));
        goto done;
    }
    t_sql = cl_clock_ms();
    for (int i = 0; i < PQntuples(old); i++) {
        int age = (int)strtol(PQgetvalue(old, i, 0), NULL, 10);

        if (age >= 22 && age <= 25)
            older[age - 22] = strtol(PQgetvalue(old, i, 1), NULL, 10);
    }
    if (cl_job_should_stop(job)) {
        err = cl_job_stopped(job);
        goto done;
    }
    rows_from(res, &r);

    cl_job_progress(job, 50, "validating");
    s903_validate(year, r.h, r.n, r.o, r.n, &issues);
    t_check = cl_clock_ms();

    cl_job_progress(job, 65, "writing the files");
    if (csv) {
        err = s903_header_csv(&b, r.h, r.n);
        if (err == CL_OK)
            stage(job, &b, "header.csv", "text/csv; charset=utf-8");
        if (err == CL_OK)
            err = s903_oc3_csv(&b, r.o, r.n);
        if (err == CL_OK)
            stage(job, &b, "oc3.csv", "text/csv; charset=utf-8");
    }
    if (err == CL_OK && xml) {
        err = s903_xml(&b, r.h, r.o, r.n);
        if (err == CL_OK)
            stage(job, &b, "ssda903.xml", "application/xml");
    }
    if (err == CL_OK)
        err = s903_issues_csv(&b, &issues);
    if (err == CL_OK)
        stage(job, &b, "validation.csv", "text/csv; charset=utf-8");
    if (err == CL_OK)
        err = basis_csv(&b, res);
    if (err == CL_OK)
        stage(job, &b, "basis.csv", "text/csv; charset=utf-8");
    if (err != CL_OK) {
        cl_job_fail(job, "a file of the return is larger than allowed");
        goto done;
    }
    report = s903_issues_json(year, &issues);
    stage_json(job, report, "validation.json");
    summary = s903_summary(year, r.o, r.age, r.older, r.n, older);
    stage_json(job, summary, "summary.json");
    job->result = result_json(year, format, before, after, &r, &issues, summary);
    cl_log_info(MOD,
                "collection year %d: %d young people, %d errors, %d warnings; query %.0f ms, "
                "checks %.0f ms, total %.0f ms",
                year, r.n, issues.errors, issues.warnings, t_sql - t0, t_check - t_sql,
                cl_clock_ms() - t0);
    cl_job_progress(job, 90, "saving");
done:
    cJSON_Delete(report);
    cJSON_Delete(summary);
    s903_issues_free(&issues);
    rows_free(&r);
    cl_buf_free(&b);
    PQclear(res);
    PQclear(old);
    return err;
}

CL_JOB_KIND(ssda903, cl_ssda903_run);
