/* The subject access export (job kind subject_access, issue 25): everything held about one
 * person, read by one SQL function (records_subject_access, schema/functions/records.sql, which
 * walks personal_data_tables and audits the read as the requester's), written as
 *   subject-access.json  the whole document, machine-readable, every row as stored;
 *   subject-access.html  the same for people: a table of contents, the free-text values to
 *                        review for third parties' personal data first, then one table per
 *                        source table.
 * The job's result says review "for_review" until a manager marks it reviewed
 * (POST /v1/jobs/{id}/review). It reads the primary, not REPORT_DATABASE_URL: the read and its
 * audit row are one transaction, and a standby takes no writes. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_buf.h"
#include "cl_json.h"
#include "cl_jobspec_records.h"
#include "cl_markup.h"
#include "job.h"

#define MAX_FILE ((size_t)1 << 30)

static struct cl_stmt export_stmt = {"SELECT records_subject_access($1::uuid, $2::uuid)::text"};

/* A value as a cell shows it: strings as they are, anything else as JSON text. */
static int
cell(struct cl_buf *b, const cJSON *v)
{
    char *text;
    int err;

    if (cJSON_IsString(v))
        return cl_markup_text(b, v->valuestring, 0);
    if (v == NULL || cJSON_IsNull(v))
        return CL_OK;
    text = cl_json_print(v);
    err = cl_markup_text(b, text, 0);
    free(text);
    return err;
}

/* One source table: its name as a heading and its rows, the columns of its first row. */
static int
table_html(struct cl_buf *b, const cJSON *t, int n)
{
    const cJSON *name = cJSON_GetObjectItemCaseSensitive(t, "table");
    const cJSON *rows = cJSON_GetObjectItemCaseSensitive(t, "rows");
    const cJSON *first = cJSON_GetArrayItem(rows, 0), *row, *col;
    int err = cl_buf_printf(b, "<section id=\"t%d\"><h2>%d. ", n, n);

    err = err ? err : cl_markup_text(b, name->valuestring, 0);
    err = err ? err : cl_buf_printf(b, " (%d)</h2>\n", cJSON_GetArraySize(rows));
    if (first == NULL)
        return err ? err : cl_buf_adds(b, "<p>Nothing held.</p></section>\n");
    err = err ? err : cl_buf_adds(b, "<table><thead><tr>");
    cJSON_ArrayForEach(col, first)
    {
        err = err ? err : cl_buf_adds(b, "<th>");
        err = err ? err : cl_markup_text(b, col->string, 0);
        err = err ? err : cl_buf_adds(b, "</th>");
    }
    err = err ? err : cl_buf_adds(b, "</tr></thead><tbody>\n");
    cJSON_ArrayForEach(row, rows)
    {
        err = err ? err : cl_buf_adds(b, "<tr>");
        cJSON_ArrayForEach(col, first)
        {
            err = err ? err : cl_buf_adds(b, "<td>");
            err = err ? err : cell(b, cJSON_GetObjectItemCaseSensitive(row, col->string));
            err = err ? err : cl_buf_adds(b, "</td>");
        }
        err = err ? err : cl_buf_adds(b, "</tr>\n");
    }
    return err ? err : cl_buf_adds(b, "</tbody></table></section>\n");
}

static int
review_html(struct cl_buf *b, const cJSON *free_text)
{
    const cJSON *f;
    int err = cl_buf_printf(b,
                            "<section id=\"review\"><h2>Free text to review before release "
                            "(%d)</h2>\n<p>Third parties' personal data in these values is not "
                            "redacted automatically: a person reviews each one.</p>\n<table>"
                            "<thead><tr><th>table</th><th>row</th><th>column</th><th>text</th>"
                            "</tr></thead><tbody>\n",
                            cJSON_GetArraySize(free_text));

    cJSON_ArrayForEach(f, free_text)
    {
        static const char *const cols[] = {"table", "row", "column", "text"};

        err = err ? err : cl_buf_adds(b, "<tr>");
        for (int i = 0; i < 4; i++) {
            err = err ? err : cl_buf_adds(b, "<td>");
            err = err ? err : cell(b, cJSON_GetObjectItemCaseSensitive(f, cols[i]));
            err = err ? err : cl_buf_adds(b, "</td>");
        }
        err = err ? err : cl_buf_adds(b, "</tr>\n");
    }
    return err ? err : cl_buf_adds(b, "</tbody></table></section>\n");
}

static int
export_html(struct cl_buf *b, const cJSON *doc)
{
    const cJSON *tables = cJSON_GetObjectItemCaseSensitive(doc, "tables");
    const cJSON *free_text = cJSON_GetObjectItemCaseSensitive(doc, "free_text_for_review");
    static const char *const head[] = {"request_reference", "reason", "care_leaver_id",
                                       "generated_at", "job_id"};
    const cJSON *t;
    int n = 0;
    int err = cl_buf_adds(b, "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                             "<title>Subject access export</title><style>"
                             "body{font-family:sans-serif;margin:2em}table{border-collapse:"
                             "collapse;font-size:90%}td,th{border:1px solid #999;padding:2px 4px;"
                             "vertical-align:top;text-align:left}</style></head><body>\n"
                             "<h1>Subject access export</h1>\n<p><strong>For review</strong>: "
                             "not to be released until a manager has reviewed it.</p>\n<dl>");

    for (int i = 0; i < 5; i++) {
        err = err ? err : cl_buf_printf(b, "<dt>%s</dt><dd>", head[i]);
        err = err ? err : cell(b, cJSON_GetObjectItemCaseSensitive(doc, head[i]));
        err = err ? err : cl_buf_adds(b, "</dd>");
    }
    err = err ? err
              : cl_buf_adds(b, "</dl>\n<nav><h2>Contents</h2><ol>\n"
                               "<li><a href=\"#review\">Free text to review</a></li>\n");
    cJSON_ArrayForEach(t, tables)
    {
        err = err ? err : cl_buf_printf(b, "<li><a href=\"#t%d\">", ++n);
        err = err ? err : cell(b, cJSON_GetObjectItemCaseSensitive(t, "table"));
        err = err ? err
                  : cl_buf_printf(b, "</a> (%d)</li>\n",
                                  cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "rows")));
    }
    err = err ? err : cl_buf_adds(b, "</ol></nav>\n");
    err = err ? err : review_html(b, free_text);
    n = 0;
    cJSON_ArrayForEach(t, tables) err = err ? err : table_html(b, t, ++n);
    return err ? err : cl_buf_adds(b, "</body></html>\n");
}

static cJSON *
result_json(const cJSON *doc)
{
    const cJSON *tables = cJSON_GetObjectItemCaseSensitive(doc, "tables"), *t;
    cJSON *r = cJSON_CreateObject();
    int rows = 0;

    cJSON_ArrayForEach(t, tables) rows +=
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(t, "rows"));
    cJSON_AddStringToObject(r, "review", "for_review");
    cJSON_AddNumberToObject(r, "tables", cJSON_GetArraySize(tables));
    cJSON_AddNumberToObject(r, "rows", rows);
    cJSON_AddNumberToObject(
        r, "free_text_fields",
        cJSON_GetArraySize(cJSON_GetObjectItemCaseSensitive(doc, "free_text_for_review")));
    return r;
}

static int
run_subject_access(struct cl_job *job)
{
    const struct cl_subject_access_params *p = job->params;
    PGresult *res = NULL;
    cJSON *doc = NULL;
    struct cl_buf b;
    const char *text;
    int err;

    cl_buf_init(&b, MAX_FILE);
    cl_job_progress(job, 10, "reading the record");
    err = cl_db_one(job->db, &export_stmt, 2, (const char *[]){p->care_leaver_id, job->id}, &res);
    if (err != CL_OK) {
        if (err != CL_EDB_DOWN)
            err = cl_job_fail(job, "the export's query failed (%s)", cl_db_last_sqlstate(job->db));
        goto done;
    }
    if (PQgetisnull(res, 0, 0)) {
        err = cl_job_fail(job, "the care leaver is no longer held");
        goto done;
    }
    text = PQgetvalue(res, 0, 0);
    doc = cJSON_Parse(text);
    if (doc == NULL) {
        err = cl_job_fail(job, "the export is not JSON");
        goto done;
    }
    cl_job_progress(job, 60, "writing the files");
    cl_job_add_artifact(job, "subject-access.json", "application/json", text, strlen(text));
    err = export_html(&b, doc);
    if (err != CL_OK) {
        err = cl_job_fail(job, "the HTML export is too large");
        goto done;
    }
    cl_job_add_artifact(job, "subject-access.html", "text/html; charset=utf-8", b.data, b.len);
    job->result = result_json(doc);
done:
    cJSON_Delete(doc);
    PQclear(res);
    cl_buf_free(&b);
    return err;
}

CL_JOB_KIND(subject_access, run_subject_access);
