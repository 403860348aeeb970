/* The nightly disposal review (job kind disposal_review, issue 25): every record the retention
 * schedule (retention_rules) makes due today and no legal hold keeps becomes a disposal
 * candidate (records_list_due, schema/functions/records.sql), and disposals-due.csv lists
 * every candidate still waiting, for a manager to approve (POST /v1/disposals/{id}/approve).
 * Nothing is deleted here. The file holds ids, record kinds and dates only. */
#include <stdio.h>
#include <stdlib.h>

#include "cl_buf.h"
#include "job.h"

static struct cl_stmt list_stmt = {"SELECT listed, added FROM records_list_due(current_date)"};
static struct cl_stmt waiting_stmt = {
    "SELECT id, care_leaver_id, record_kind, due_on, listed_on FROM disposal_candidates "
    "WHERE status = 'listed' ORDER BY due_on, id"};

static int
run_disposal_review(struct cl_job *job)
{
    PGresult *counts = NULL, *rows = NULL;
    struct cl_buf b;
    int err;

    cl_buf_init(&b, (size_t)1 << 28);
    err = cl_db_one(job->db, &list_stmt, 0, NULL, &counts);
    if (err == CL_OK)
        err = cl_db_exec(job->db, &waiting_stmt, 0, NULL, &rows);
    if (err != CL_OK) {
        if (err != CL_EDB_DOWN)
            err = cl_job_fail(job, "the disposal review failed (%s)", cl_db_last_sqlstate(job->db));
        goto done;
    }
    err = cl_buf_adds(&b, "disposal_id,care_leaver_id,record_kind,due_on,listed_on\n");
    for (int i = 0; err == CL_OK && i < PQntuples(rows); i++)
        err = cl_buf_printf(&b, "%s,%s,%s,%s,%s\n", PQgetvalue(rows, i, 0), PQgetvalue(rows, i, 1),
                            PQgetvalue(rows, i, 2), PQgetvalue(rows, i, 3), PQgetvalue(rows, i, 4));
    if (err != CL_OK) {
        err = cl_job_fail(job, "the list of disposals is too large");
        goto done;
    }
    cl_job_add_artifact(job, "disposals-due.csv", "text/csv; charset=utf-8", b.data, b.len);
    job->result = cJSON_CreateObject();
    cJSON_AddNumberToObject(job->result, "listed",
                            (double)strtol(PQgetvalue(counts, 0, 0), NULL, 10));
    cJSON_AddNumberToObject(job->result, "added_today",
                            (double)strtol(PQgetvalue(counts, 0, 1), NULL, 10));
done:
    PQclear(counts);
    PQclear(rows);
    cl_buf_free(&b);
    return err;
}

CL_JOB_KIND(disposal_review, run_disposal_review);
