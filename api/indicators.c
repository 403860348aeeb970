/* /v1/indicators: every figure of the Corporate Parenting Board report as at a date, read from
 * that day's snapshot (the nightly indicator_snapshot job) or computed by the report's own
 * functions when there is none (board_indicator_figures, schema/functions/board_business.sql),
 * and /v1/indicators/{indicator}/series, one indicator's stored figures day by day.
 *
 * The figures are aggregates over every care leaver, so they are read in a transaction of
 * their own as the "service" principal (as the worker reads the Board report), whoever asks;
 * the route table has already decided who may ask. The board role then gets them suppressed by
 * the report's own rule (common/cl_board.c), over the whole breakdown of each indicator before
 * anything is filtered, so each figure is hidden exactly when the report hides it, and only for
 * the days its reports may be for (quarter ends: cl_jobspec_board.h), so that two readings can
 * no more be differenced than two reports; managers, admins and services get every day
 * unsuppressed. */
#include "indicators.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_board.h"
#include "cl_jobspec_board.h"
#include "cl_jobspec_indicator_snapshot.h"
#include "cl_mem.h"
#include "resource.h"

static struct cl_stmt figures_stmt = {
    "SELECT code, label, kind, suppress, category, district, num, den, value, source "
    "FROM board_indicator_figures($1::date, $2::int, $3::int, $4::int)"};
static struct cl_stmt series_stmt = {
    "SELECT code, label, kind, suppress, category, district, num, den, value, on_date AS source "
    "FROM board_indicator_series($1, $2::date, $3::date)"};

enum {
    C_CODE,
    C_LABEL,
    C_KIND,
    C_SUPPRESS,
    C_CATEGORY,
    C_DISTRICT,
    C_NUM,
    C_DEN,
    C_VALUE,
    C_SOURCE,
    C_NCOLS
};
static const char *const col_names[C_NCOLS] = {"code",     "label", "kind", "suppress", "category",
                                               "district", "num",   "den",  "value",    "source"};

/* The rows of a result as board rows (strings borrowed from res), suppressed for the board. */
struct figs {
    struct board_row *rows;
    const char **labels;
    const char **sources;
    int n;
};

static void
figs_free(struct figs *f)
{
    free(f->rows);
    free(f->labels);
    free(f->sources);
}

static const char *
val(const PGresult *res, int row, const int *at, int col)
{
    return PQgetisnull(res, row, at[col]) ? NULL : PQgetvalue(res, row, at[col]);
}

static int
read_figs(const PGresult *res, struct figs *f)
{
    int at[C_NCOLS], n = PQntuples(res);

    for (int c = 0; c < C_NCOLS; c++)
        if ((at[c] = PQfnumber(res, col_names[c])) < 0)
            return CL_EDB;
    f->n = n;
    f->rows = cl_calloc(n ? (size_t)n : 1, sizeof *f->rows);
    f->labels = cl_calloc(n ? (size_t)n : 1, sizeof *f->labels);
    f->sources = cl_calloc(n ? (size_t)n : 1, sizeof *f->sources);
    for (int i = 0; i < n; i++) {
        struct board_row *w = &f->rows[i];

        /* borrowed: the row is read only while res lives */
        w->code = (char *)val(res, i, at, C_CODE);
        w->category = (char *)val(res, i, at, C_CATEGORY);
        w->district = (char *)val(res, i, at, C_DISTRICT);
        w->kind = board_kind_parse(val(res, i, at, C_KIND));
        w->suppress = strcmp(val(res, i, at, C_SUPPRESS), "t") == 0;
        w->now.present = val(res, i, at, C_VALUE) != NULL;
        w->now.value = w->now.present ? strtod(val(res, i, at, C_VALUE), NULL) : 0;
        w->now.has_num = val(res, i, at, C_NUM) != NULL;
        w->now.num = w->now.has_num ? strtoll(val(res, i, at, C_NUM), NULL, 10) : 0;
        w->now.has_den = val(res, i, at, C_DEN) != NULL;
        w->now.den = w->now.has_den ? strtoll(val(res, i, at, C_DEN), NULL, 10) : 0;
        f->labels[i] = val(res, i, at, C_LABEL);
        f->sources[i] = val(res, i, at, C_SOURCE);
    }
    return CL_OK;
}

/* Suppression of rows[first..last) (whole breakdowns) for the board role. */
static void
suppress_for(const struct cl_req *req, struct figs *f, int first, int last)
{
    if (req->role == CL_ROLE_BOARD)
        board_suppress_rows(f->rows + first, last - first, req->app->cfg->board_suppress_below);
}

static void
add_num(cJSON *o, const char *name, int shown, double v)
{
    if (shown)
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

/* numerator, denominator, value and suppressed, as the Board report's JSON gives a figure. */
static void
add_fig(cJSON *o, const struct board_fig *f)
{
    add_num(o, "numerator", f->has_num && !f->sup_num, (double)f->num);
    add_num(o, "denominator", f->has_den && !f->sup_den, (double)f->den);
    add_num(o, "value", f->present && !f->sup_value, f->value);
    cJSON_AddBoolToObject(o, "suppressed", f->sup_num || f->sup_den || f->sup_value);
}

static void
add_text(cJSON *o, const char *name, const char *s)
{
    if (s)
        cJSON_AddStringToObject(o, name, s);
    else
        cJSON_AddNullToObject(o, name);
}

/* Runs stmt as the service principal in a transaction of its own. */
static int
run_aggregate(struct cl_req *req, struct cl_stmt *stmt, int n, const char *const *params,
              PGresult **res)
{
    struct cl_principal agg = req->who;
    int err;

    agg.role = "service";
    if (req->db == NULL && (err = cl_pool_get(req->app->pool, &req->db)) != CL_OK)
        return err;
    return cl_db_txn_one(req->db, &agg, stmt, n, params, res);
}

static int
bad_query(struct cl_resp *resp)
{
    cl_resp_detail(resp, "invalid query parameter");
    return CL_EBADREQ;
}

static void
today(char out[11])
{
    time_t now = time(NULL);
    struct tm tm;

    gmtime_r(&now, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static void
finish_json(struct cl_resp *resp, cJSON *root)
{
    char *text = cJSON_PrintUnformatted(root);

    cl_resp_json(resp, 200, text);
    cJSON_free(text);
    cJSON_Delete(root);
}

int
cl_h_indicators_get(struct cl_req *req, struct cl_resp *resp)
{
    const struct cl_config *cfg = req->app->cfg;
    char as_at[11], district[201], code[61], now[11], before[16], after[16], recorded[16];
    const char *a, *d, *c, *p[4];
    PGresult *res = NULL;
    struct figs f = {0};
    cJSON *root, *items;
    int err, known = 0;

    a = cl_api_filter(req, resp, "as_at", 'd', NULL, as_at, sizeof as_at);
    d = cl_api_filter(req, resp, "district", 's', NULL, district, sizeof district);
    c = cl_api_filter(req, resp, "indicator", 's', NULL, code, sizeof code);
    today(now);
    if (a == NULL) {
        snprintf(as_at, sizeof as_at, "%s", now);
        a = as_at;
    }
    if (resp->errors == NULL && strcmp(a, now) > 0)
        cl_resp_field_error(resp, "as_at", "must not be in the future");
    /* the board's fixed form, as for its reports: two days it may read are quarter ends three
     * months apart, so no two of its readings can be differenced to reveal a suppressed count */
    if (resp->errors == NULL && req->role == CL_ROLE_BOARD && !cl_board_quarter_end(a))
        cl_resp_field_error(resp, "as_at",
                            "must be a quarter end (31 March, 30 June, 30 September or 31 "
                            "December) for the board role");
    if (resp->errors)
        return bad_query(resp);
    snprintf(before, sizeof before, "%d", cfg->ssda903_window_before);
    snprintf(after, sizeof after, "%d", cfg->ssda903_window_after);
    snprintf(recorded, sizeof recorded, "%d", cfg->visit_recorded_days);
    p[0] = a;
    p[1] = before;
    p[2] = after;
    p[3] = recorded;
    err = run_aggregate(req, &figures_stmt, 4, p, &res);
    if (err == CL_OK)
        err = read_figs(res, &f);
    if (err != CL_OK) {
        figs_free(&f);
        PQclear(res);
        return err;
    }
    suppress_for(req, &f, 0, f.n);
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "as_at", a);
    cJSON_AddStringToObject(root, "source", f.n > 0 ? f.sources[0] : "computed");
    if (req->role == CL_ROLE_BOARD)
        cJSON_AddNumberToObject(root, "suppress_below", cfg->board_suppress_below);
    else
        cJSON_AddNullToObject(root, "suppress_below");
    items = cJSON_AddArrayToObject(root, "items");
    for (int i = 0; i < f.n; i++) {
        const struct board_row *w = &f.rows[i];
        cJSON *o;

        known |= c && strcmp(c, w->code) == 0;
        if ((c && strcmp(c, w->code) != 0) ||
            (d && (w->district == NULL || strcmp(d, w->district) != 0)))
            continue;
        o = cJSON_CreateObject();
        cJSON_AddStringToObject(o, "indicator", w->code);
        cJSON_AddStringToObject(o, "label", f.labels[i]);
        cJSON_AddStringToObject(o, "kind", board_kind_name(w->kind));
        add_text(o, "category", w->category);
        add_text(o, "district", w->district);
        add_fig(o, &w->now);
        cJSON_AddItemToArray(items, o);
    }
    figs_free(&f);
    PQclear(res);
    if (c && !known) {
        cJSON_Delete(root);
        cl_resp_field_error(resp, "indicator", "is not an indicator of the Board report");
        return bad_query(resp);
    }
    finish_json(resp, root);
    return CL_OK;
}

int
cl_h_indicators_series(struct cl_req *req, struct cl_resp *resp)
{
    char from[11], to[11], district[201], category[201], now[11];
    const char *fr, *t, *d, *cat, *p[3];
    PGresult *res = NULL;
    struct figs f = {0};
    cJSON *root, *points;
    int err;

    fr = cl_api_filter(req, resp, "from", 'd', NULL, from, sizeof from);
    t = cl_api_filter(req, resp, "to", 'd', NULL, to, sizeof to);
    d = cl_api_filter(req, resp, "district", 's', NULL, district, sizeof district);
    cat = cl_api_filter(req, resp, "category", 's', NULL, category, sizeof category);
    today(now);
    if (resp->errors == NULL && (fr == NULL || t == NULL))
        cl_resp_field_error(resp, fr == NULL ? "from" : "to", "is required");
    if (resp->errors == NULL && cl_days_between(fr, t) < 0)
        cl_resp_field_error(resp, "to", "must not be before from");
    else if (resp->errors == NULL && cl_days_between(fr, t) >= CL_SNAPSHOT_MAX_DAYS)
        cl_resp_field_error(resp, "to", "must be at most 400 days from from, counting both");
    if (resp->errors)
        return bad_query(resp);
    p[0] = req->params[0];
    p[1] = fr;
    p[2] = t;
    err = run_aggregate(req, &series_stmt, 3, p, &res);
    if (err == CL_OK)
        err = read_figs(res, &f);
    if (err != CL_OK) {
        figs_free(&f);
        PQclear(res);
        return err;
    }
    root = cJSON_CreateObject();
    cJSON_AddStringToObject(root, "indicator", req->params[0]);
    add_text(root, "district", d);
    add_text(root, "category", cat);
    points = cJSON_AddArrayToObject(root, "points");
    /* One day at a time (source holds the day): suppressed as that day's report would be. */
    for (int first = 0; first < f.n;) {
        int last = first + 1;

        while (last < f.n && strcmp(f.sources[last], f.sources[first]) == 0)
            last++;
        suppress_for(req, &f, first, last);
        for (int i = first; i < last; i++) {
            const struct board_row *w = &f.rows[i];
            cJSON *o;

            if ((req->role == CL_ROLE_BOARD && !cl_board_quarter_end(f.sources[i])) ||
                (d == NULL) != (w->district == NULL) || (d && strcmp(d, w->district) != 0) ||
                (cat == NULL) != (w->category == NULL) || (cat && strcmp(cat, w->category) != 0))
                continue;
            o = cJSON_CreateObject();
            cJSON_AddStringToObject(o, "on", f.sources[i]);
            add_fig(o, &w->now);
            cJSON_AddItemToArray(points, o);
        }
        first = last;
    }
    figs_free(&f);
    PQclear(res);
    finish_json(resp, root);
    return CL_OK;
}
