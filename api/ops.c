#include "ops.h"

#include <stdlib.h>
#include <string.h>

#include "assets.h"
#include "cl_log.h"
#include "me.h"
#include "metrics.h"
#include "readiness.h"

/* Counts only (a SECURITY DEFINER function): /metrics sets no principal, and row-level
 * security would show it no job. */
static struct cl_stmt job_counts = {"SELECT status, jobs, oldest_queued_s FROM job_queue_counts()"};

int
cl_h_healthz(struct cl_req *req, struct cl_resp *resp)
{
    (void)req;
    cl_resp_json(resp, 200, "{\"status\":\"ok\"}");
    return CL_OK;
}

int
cl_h_readyz(struct cl_req *req, struct cl_resp *resp)
{
    enum cl_ready st = cl_readiness_state(req->app->ready);

    if (st == CL_READY) {
        cl_resp_json(resp, 200, "{\"status\":\"ready\"}");
        return CL_OK;
    }
    resp->retry_after = 5;
    cl_resp_problem(resp, req, 503,
                    st == CL_READY_BEHIND ? "database migrations are behind: run api --migrate"
                    : st == CL_READY_READ_ONLY
                        ? "connected to a read-only server: DATABASE_URL reaches no primary "
                          "(a standby not yet promoted, or target_session_attrs missing)"
                        : "the database is unreachable");
    return CL_OK;
}

int
cl_h_metrics(struct cl_req *req, struct cl_resp *resp)
{
    struct cl_buf b;
    struct cl_conn *db = NULL;
    PGresult *res = NULL;
    int err;

    cl_buf_init(&b, (size_t)16 << 20);
    err = cl_metrics_render(&b);
    if (err == CL_OK)
        err = cl_buf_printf(&b,
                            "# HELP cl_db_pool_connections_in_use Pooled database connections "
                            "lent out.\n# TYPE cl_db_pool_connections_in_use gauge\n"
                            "cl_db_pool_connections_in_use %d\n"
                            "# HELP cl_db_pool_connections Size of the database pool.\n"
                            "# TYPE cl_db_pool_connections gauge\ncl_db_pool_connections %d\n",
                            cl_pool_in_use(req->app->pool), cl_pool_size(req->app->pool));
    if (err == CL_OK && cl_pool_get(req->app->pool, &db) == CL_OK &&
        cl_db_exec(db, &job_counts, 0, NULL, &res) == CL_OK) {
        double oldest = 0;

        err = cl_buf_adds(&b, "# HELP cl_jobs Jobs in the queue by status.\n"
                              "# TYPE cl_jobs gauge\n");
        for (int i = 0; i < PQntuples(res) && err == CL_OK; i++) {
            err = cl_buf_printf(&b, "cl_jobs{status=\"%s\"} %s\n", PQgetvalue(res, i, 0),
                                PQgetvalue(res, i, 1));
            if (strcmp(PQgetvalue(res, i, 0), "queued") == 0)
                oldest = strtod(PQgetvalue(res, i, 2), NULL);
        }
        if (err == CL_OK)
            err = cl_buf_printf(&b,
                                "# HELP cl_jobs_oldest_queued_age_seconds Age of the oldest "
                                "queued job.\n# TYPE cl_jobs_oldest_queued_age_seconds gauge\n"
                                "cl_jobs_oldest_queued_age_seconds %.3f\n",
                                oldest);
    }
    PQclear(res);
    if (db)
        cl_pool_put(req->app->pool, db);
    if (err == CL_OK)
        cl_resp_bytes(resp, 200, "text/plain; version=0.0.4; charset=utf-8", b.data, b.len);
    cl_buf_free(&b);
    return err == CL_OK ? CL_OK : CL_EDB;
}

int
cl_h_openapi(struct cl_req *req, struct cl_resp *resp)
{
    (void)req;
    cl_resp_bytes(resp, 200, "application/json", cl_asset_openapi_json, cl_asset_openapi_json_len);
    return CL_OK;
}

int
cl_h_docs(struct cl_req *req, struct cl_resp *resp)
{
    static const char page[] =
        "<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
        "<title>Leaving care service API reference</title>"
        "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
        "<style>body{margin:0;padding:0}</style></head><body>"
        "<redoc spec-url=\"/v1/openapi.json\" hide-download-button></redoc>"
        "<script src=\"/docs/redoc.standalone.js\"></script></body></html>\n";

    (void)req;
    cl_resp_bytes(resp, 200, "text/html; charset=utf-8", page, sizeof page - 1);
    cl_resp_header(resp, "Content-Security-Policy",
                   "default-src 'self'; script-src 'self' blob:; worker-src 'self' blob:; "
                   "style-src 'self' 'unsafe-inline'; img-src 'self' data:; "
                   "font-src 'self' data:");
    return CL_OK;
}

int
cl_h_docs_js(struct cl_req *req, struct cl_resp *resp)
{
    (void)req;
    cl_resp_bytes(resp, 200, "text/javascript; charset=utf-8", cl_asset_redoc_js,
                  cl_asset_redoc_js_len);
    return CL_OK;
}

/* Reads nothing, but begins a transaction like every other operation so that a token whose
 * adviser or partner is no longer active is refused here too. A young person gets their own
 * record's projection (me.c). */
int
cl_h_me(struct cl_req *req, struct cl_resp *resp)
{
    cJSON *o;
    int err;

    if (req->role == CL_ROLE_YOUNG_PERSON)
        return cl_h_me_young_person(req, resp);
    err = cl_req_begin(req);

    if (err != CL_OK)
        return err;
    cl_db_rollback(req->db);
    o = cJSON_CreateObject();

    cJSON_AddStringToObject(o, "sub", req->sub);
    cJSON_AddStringToObject(o, "role", req->role_name);
    if (req->adviser_id[0])
        cJSON_AddStringToObject(o, "adviser_id", req->adviser_id);
    if (req->org_id[0])
        cJSON_AddStringToObject(o, "org_id", req->org_id);
    cl_resp_cjson(resp, 200, o);
    cJSON_Delete(o);
    return CL_OK;
}
