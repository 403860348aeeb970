/* /v1/jobs and /v1/artifacts: thin handlers over the job_* SQL functions
 * (schema/functions/jobs.sql).
 *
 * Access is data-driven: common/cl_jobspec.c says which roles may request each job kind, and
 * the same table decides what a caller sees. A caller lists, reads, cancels and downloads only
 * jobs of kinds its role may request, and of a kind its role sees only when its own role
 * requested it (the board's board reports) only those; any other job is 404, as if it did not
 * exist. Asking for a kind the role may not request is 403. Row-level security on jobs and
 * artifacts (schema/migrations/0160_jobs_row_security.sql, the api's policies in
 * schema/functions/security.sql) repeats the same rule.
 *
 * Idempotency: POST /v1/jobs honours Idempotency-Key through the generic mechanism in
 * idempotency.c (the same key and body within 24 h replays the first 202 and creates nothing; the
 * same key with another body is 422; two concurrent requests with one key create one job and
 * the other gets 409). jobs.idempotency_key is left to the scheduler's once-a-day keys, so an
 * api key expires after 24 h like every other POST. */
#include "jobs.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_jobspec.h"
#include "cl_json.h"
#include "page.h"
#include "resource.h"

static const struct cl_field create_fields[] = {
    {"kind", CL_F_STRING, CL_F_REQUIRED, 1, 32},
    {"params", CL_F_OBJECT},
    {"max_attempts", CL_F_INT, 0, 1, 10},
    {NULL},
};

static struct cl_stmt create = {"SELECT * FROM job_enqueue($1, $2::jsonb, $3::int)"};
/* The two lists of struct kinds travel as $2 and $3 ($1 and $2 in the list). */
static struct cl_stmt get = {"SELECT job_json(j), j.version, j.id FROM jobs j "
                             "WHERE j.id = $1::uuid "
                             "AND job_listed(j.kind, j.created_role, $2::text[], $3::text[])"};
static struct cl_stmt cancel = {"SELECT * FROM job_cancel($1::uuid, $2::text[], $3::text[])"};
static struct cl_stmt list = {
    "SELECT job_json(j), "
    "  to_char(j.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.US'), j.id::text "
    "FROM jobs j WHERE job_listed(j.kind, j.created_role, $1::text[], $2::text[]) "
    "AND ($3::text IS NULL OR j.kind = $3) "
    "AND ($4::text IS NULL OR j.status = $4) "
    "AND ($5::text IS NULL OR j.created_by = $5) "
    "AND ($6::date IS NULL OR j.created_at >= ($6::date)::timestamp AT TIME ZONE 'UTC') "
    "AND ($7::date IS NULL OR j.created_at < ($7::date + 1)::timestamp AT TIME ZONE 'UTC') "
    "AND ($8::text IS NULL OR (j.created_at, j.id) < "
    "     ($8::timestamp AT TIME ZONE 'UTC', $9::uuid)) "
    "ORDER BY j.created_at DESC, j.id DESC LIMIT $10::int"};
static struct cl_stmt job_visible = {
    "SELECT 1 FROM jobs j WHERE j.id = $1::uuid "
    "AND job_listed(j.kind, j.created_role, $2::text[], $3::text[])"};
static struct cl_stmt artifacts = {
    "SELECT artifact_json(a), a.name, a.id::text FROM artifacts a "
    "WHERE a.job_id = $1::uuid AND ($2::text IS NULL OR (a.name, a.id) > ($2, $3::uuid)) "
    "ORDER BY a.name, a.id LIMIT $4::int"};
static struct cl_stmt artifact_meta = {
    "SELECT a.name, a.media_type, a.sha256 FROM artifacts a JOIN jobs j ON j.id = a.job_id "
    "WHERE a.id = $1::uuid AND job_listed(j.kind, j.created_role, $2::text[], $3::text[])"};
static struct cl_stmt artifact_bytes = {
    "SELECT bytes FROM artifact_download($1::uuid, $2::text[], $3::text[])"};

/* The jobs a role sees, as two PostgreSQL array literals ("{}" when none) for job_listed():
 * every job of the kinds in all, and of the kinds in own only those its own role requested
 * (cl_jobspec_sight). Kind names are [a-z0-9_] (cl_jobspec.c), so they need no quoting. */
struct kinds {
    char all[256], own[256];
};

/* Appends kind to the array literal being built in out, leaving room for its closing brace. */
static void
append_kind(char *out, size_t outlen, const char *kind)
{
    size_t used = strlen(out);

    if (used + strlen(kind) + 3 <= outlen)
        snprintf(out + used, outlen - used, "%s%s", used > 1 ? "," : "", kind);
}

static struct kinds
kinds_for(const char *role)
{
    struct kinds k = {"{", "{"};

    for (int i = 0; i < cl_jobspec_count(); i++) {
        const struct cl_jobspec *spec = cl_jobspec_at(i);
        enum cl_jobspec_sight sight = cl_jobspec_sight(spec, role);

        if (sight == CL_JOBS_ALL)
            append_kind(k.all, sizeof k.all, spec->kind);
        else if (sight == CL_JOBS_OWN_ROLE)
            append_kind(k.own, sizeof k.own, spec->kind);
    }
    snprintf(k.all + strlen(k.all), sizeof k.all - strlen(k.all), "}");
    snprintf(k.own + strlen(k.own), sizeof k.own - strlen(k.own), "}");
    return k;
}

/* Copies the kind's params problems into resp as "params.<field>". */
static void
add_param_errors(struct cl_resp *resp, const cJSON *errors)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, errors)
    {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");
        const cJSON *m = cJSON_GetObjectItemCaseSensitive(e, "message");
        char field[160];

        if (cJSON_IsString(f) && f->valuestring[0])
            snprintf(field, sizeof field, "params.%s", f->valuestring);
        else
            snprintf(field, sizeof field, "params");
        cl_resp_field_error(resp, field, cJSON_IsString(m) ? m->valuestring : "is not valid");
    }
}

int
cl_h_jobs_create(struct cl_req *req, struct cl_resp *resp)
{
    const cJSON *kind = cJSON_GetObjectItemCaseSensitive(req->body, "kind");
    const cJSON *params = cJSON_GetObjectItemCaseSensitive(req->body, "params");
    const cJSON *max = cJSON_GetObjectItemCaseSensitive(req->body, "max_attempts");
    const struct cl_jobspec *spec = NULL;
    char *params_text = NULL, max_text[16];
    const char *p[3];
    int err;

    if (resp->errors == NULL)
        resp->errors = cJSON_CreateArray();
    cl_validate(req->body, create_fields, CL_V_CREATE, resp->errors);
    if (cJSON_IsString(kind) && strlen(kind->valuestring) <= 32) {
        spec = cl_jobspec_find(kind->valuestring);
        if (spec == NULL) {
            cl_resp_field_error(resp, "kind", "is not a job kind");
        } else if (!cl_jobspec_allows(spec, req->role_name)) {
            cl_resp_detail(resp, "your role may not request %s jobs", spec->kind);
            return CL_EFORBIDDEN;
        }
    }
    if (spec && (params == NULL || cJSON_IsObject(params))) {
        cJSON *problems = cJSON_CreateArray();
        void *decoded = NULL;

        if (cl_jobspec_decode(spec, params, req->role_name, req->app->cfg, &decoded, problems) !=
            CL_OK)
            add_param_errors(resp, problems);
        cl_jobspec_params_free(spec, decoded);
        cJSON_Delete(problems);
    }
    if (cJSON_GetArraySize(resp->errors) > 0 || spec == NULL) {
        cl_resp_detail(resp, "the request has invalid fields");
        return CL_EINVAL;
    }
    params_text = params ? cl_json_print(params) : NULL;
    p[0] = spec->kind;
    p[1] = params_text ? params_text : "{}";
    p[2] = NULL;
    if (cJSON_IsNumber(max)) {
        snprintf(max_text, sizeof max_text, "%d", max->valueint);
        p[2] = max_text;
    }
    err = cl_api_row(req, resp, &create, 3, p, 202, "/v1/jobs");
    free(params_text);
    return err;
}

int
cl_h_jobs_get(struct cl_req *req, struct cl_resp *resp)
{
    struct kinds k = kinds_for(req->role_name);

    return cl_api_row(req, resp, &get, 3, (const char *[]){req->params[0], k.all, k.own}, 200,
                      NULL);
}

int
cl_h_jobs_cancel(struct cl_req *req, struct cl_resp *resp)
{
    struct kinds k = kinds_for(req->role_name);

    return cl_api_row(req, resp, &cancel, 3, (const char *[]){req->params[0], k.all, k.own}, 200,
                      NULL);
}

int
cl_h_jobs_list(struct cl_req *req, struct cl_resp *resp)
{
    static const char *const statuses[] = {"queued", "running",   "succeeded",
                                           "failed", "cancelled", NULL};
    char kind[33], status[16], created_by[128], from[16], to[16];
    struct kinds k = kinds_for(req->role_name);
    struct cl_page page;
    const char *p[10];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    p[0] = k.all;
    p[1] = k.own;
    p[2] = cl_api_filter(req, resp, "kind", 's', NULL, kind, sizeof kind);
    p[3] = cl_api_filter(req, resp, "status", 's', statuses, status, sizeof status);
    p[4] = cl_api_filter(req, resp, "created_by", 's', NULL, created_by, sizeof created_by);
    p[5] = cl_api_filter(req, resp, "from", 'd', NULL, from, sizeof from);
    p[6] = cl_api_filter(req, resp, "to", 'd', NULL, to, sizeof to);
    if (resp->errors)
        return CL_EBADREQ;
    p[7] = cl_page_key(&page, 0);
    p[8] = cl_page_key(&page, 1);
    p[9] = page.limit_plus_one;
    return cl_api_list(req, resp, &page, &list, 10, p);
}

int
cl_h_jobs_artifacts(struct cl_req *req, struct cl_resp *resp)
{
    struct kinds k = kinds_for(req->role_name);
    struct cl_page page;
    PGresult *res = NULL;
    const char *p[4];
    int err = cl_page_parse(req, resp, 2, &page);

    if (err != CL_OK)
        return err;
    err = cl_req_begin(req);
    if (err == CL_OK)
        err = cl_db_one(req->db, &job_visible, 3, (const char *[]){req->params[0], k.all, k.own},
                        &res);
    PQclear(res);
    res = NULL;
    if (err == CL_ENOTFOUND)
        cl_resp_detail(resp, "no such job");
    p[0] = req->params[0];
    p[1] = cl_page_key(&page, 0);
    p[2] = cl_page_key(&page, 1);
    p[3] = page.limit_plus_one;
    if (err == CL_OK)
        err = cl_db_exec(req->db, &artifacts, 4, p, &res);
    if (err == CL_OK)
        err = cl_page_render(req, resp, &page, res);
    if (err == CL_OK)
        err = cl_req_commit(req, resp);
    if (err == CL_EINVAL) {
        cl_resp_detail(resp, "the cursor is not one this list issued");
        err = CL_EBADREQ;
    }
    if (err != CL_OK && req->db)
        cl_db_rollback(req->db);
    PQclear(res);
    return err;
}

/* The media types the worker writes, as static strings; anything else is sent as opaque
 * bytes, so a stored value is never reflected into a header unchecked. */
static const char *
known_media_type(const char *mt)
{
    static const char *const known[] = {
        "text/csv; charset=utf-8",
        "text/csv",
        "application/xml",
        "application/json",
        "text/plain; charset=utf-8",
        "text/plain",
        "text/html; charset=utf-8",
        "text/html",
        "application/pdf",
        "image/png",
        "image/svg+xml",
        "application/zip",
        NULL,
    };

    for (const char *const *k = known; *k; k++)
        if (strcmp(*k, mt) == 0)
            return *k;
    return "application/octet-stream";
}

/* A file name safe inside a quoted Content-Disposition parameter. */
static void
safe_filename(const char *name, char *out, size_t outlen)
{
    size_t i;

    for (i = 0; name[i] && i + 1 < outlen; i++) {
        char c = name[i];

        out[i] = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') ||
                         c == '.' || c == '-' || c == '_'
                     ? c
                     : '_';
    }
    out[i] = '\0';
    if (i == 0)
        snprintf(out, outlen, "artifact");
}

int
cl_h_artifacts_get(struct cl_req *req, struct cl_resp *resp)
{
    char filename[128];
    struct kinds k = kinds_for(req->role_name);
    const char *p[3];
    PGresult *meta = NULL, *res = NULL;
    int err;

    p[0] = req->params[0];
    p[1] = k.all;
    p[2] = k.own;
    err = cl_req_begin(req);
    if (err == CL_OK)
        err = cl_db_one(req->db, &artifact_meta, 3, p, &meta);
    if (err == CL_ENOTFOUND)
        cl_resp_detail(resp, "no such artifact");
    if (err != CL_OK)
        goto done;
    if (cl_req_none_match(req, PQgetvalue(meta, 0, 2))) {
        err = cl_req_commit(req, resp);
        if (err == CL_OK) {
            cl_resp_bytes(resp, 304, NULL, "", 0);
            cl_resp_header(resp, "ETag", "\"%s\"", PQgetvalue(meta, 0, 2));
        }
        goto done;
    }
    /* Binary results: the bytes travel as they are, with no hex encoding either way. */
    err = cl_db_exec_ex(req->db, &artifact_bytes, 3, p, NULL, NULL, 1, &res);
    if (err == CL_OK && PQntuples(res) != 1) {
        cl_resp_detail(resp, "no such artifact");
        err = CL_ENOTFOUND;
    }
    if (err == CL_OK)
        err = cl_req_commit(req, resp);
    if (err == CL_OK) {
        safe_filename(PQgetvalue(meta, 0, 0), filename, sizeof filename);
        cl_resp_bytes(resp, 200, known_media_type(PQgetvalue(meta, 0, 1)), PQgetvalue(res, 0, 0),
                      (size_t)PQgetlength(res, 0, 0));
        cl_resp_header(resp, "Content-Disposition", "attachment; filename=\"%s\"", filename);
        cl_resp_header(resp, "ETag", "\"%s\"", PQgetvalue(meta, 0, 2));
    }
done:
    if (err != CL_OK && req->db)
        cl_db_rollback(req->db);
    PQclear(meta);
    PQclear(res);
    return err;
}
