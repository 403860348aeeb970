/* Job kind "board_report": the Corporate Parenting Board report. Reads every figure from the
 * SQL function board_report_part (schema/functions/board.sql) in two statements run
 * side by side on two connections sharing one snapshot, marks small numbers for suppression,
 * and renders the formats asked for (JSON, CSV, HTML, PDF) as the job's artifacts. Parameters
 * come decoded, defaults applied (common/cl_jobspec_board.c). */
#include "job.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "board.h"
#include "cl_clock.h"
#include "cl_jobspec_board.h"
#include "cl_json.h"
#include "cl_log.h"
#include "cl_mem.h"

#define MOD "board"
#define MAX_ARTIFACT (64u * 1024 * 1024)

static struct cl_stmt dates_stmt = {
    "SELECT to_char(c, 'YYYY-MM-DD') AS compare_to, "
    "  to_char(c - ($1::date - c), 'YYYY-MM-DD') AS prev_period_from, "
    "  cl_ts(now()) AS generated_at "
    "FROM (SELECT coalesce($2::date, ($1::date - interval '1 year')::date) AS c) d"};

/* $7: true for the national indicators, the statutory visits and the trend, false for every
 * other figure (0090); each part is in the report's order. */
static struct cl_stmt part_stmt = {
    "SELECT code, section, label, definition, kind, category, district, sort, in_breakdown, "
    "  suppress, num, den, value, prev_num, prev_den, prev_value, change, "
    "  england_value, england_year, england_source, short_label, "
    "  to_char(month_end, 'YYYY-MM-DD') AS month_end, chart, chart_title, series "
    "FROM board_report_part($1::date, $2::date, "
    "  CASE WHEN $3::jsonb IS NULL THEN NULL "
    "       ELSE ARRAY(SELECT jsonb_array_elements_text($3::jsonb)) END, "
    "  $4::int, $5::int, $6::int, $7::boolean)"};

static struct cl_stmt snapshot_stmt = {"SELECT pg_export_snapshot()"};

/* The Board's own business for the meeting on the board date (schema/functions/
 * board_business.sql): actions from previous meetings with their history, the meeting's
 * narrative sections and placeholders, and each indicator's baseline and target. */
static struct cl_stmt actions_stmt = {
    "SELECT action_id, to_char(raised_on, 'YYYY-MM-DD') AS raised_on, number, text, "
    "  owner_name, owner_role, to_char(due_on, 'YYYY-MM-DD') AS due_on, status, "
    "  coalesce(to_char(closed_on, 'YYYY-MM-DD'), '') AS closed_on, "
    "  to_char(update_on, 'YYYY-MM-DD') AS update_on, update_status, update_note "
    "FROM board_report_actions($1::date)"};
static struct cl_stmt sections_stmt = {
    "SELECT title, body, author_name, author_role, approved_by, "
    "  coalesce(to_char(approved_on, 'YYYY-MM-DD'), '') AS approved_on, placeholder, "
    "  action_number, coalesce(to_char(action_raised_on, 'YYYY-MM-DD'), '') AS action_raised_on, "
    "  action_text "
    "FROM board_report_sections($1::date)"};
static struct cl_stmt standards_stmt = {
    "SELECT code, baseline_name, coalesce(to_char(baseline_on, 'YYYY-MM-DD'), '') AS baseline_on, "
    "  baseline_value, baseline_entered, target_value, target_direction, target_tolerance "
    "FROM board_report_standards($1::date)"};

/* For this transaction only: the worker's identity for any function that asks, enough memory
 * for the report's sorts and hashes, plans made for the actual dates (the functions inline
 * into one query whose best plan depends on them), and no JIT: compiling that query's many
 * expressions costs seconds and saves nothing. */
static struct cl_stmt settings_stmt = {
    "SELECT set_config('app.role', 'service', true), set_config('work_mem', '128MB', true), "
    "set_config('plan_cache_mode', 'force_custom_plan', true), set_config('jit', 'off', true)"};

/* Result columns are read by name: each result's column numbers are looked up once, so
 * reordering a SELECT list cannot put one figure in another's place. */
enum dates_col { D_COMPARE_TO, D_PREV_PERIOD_FROM, D_GENERATED_AT, D_NCOLS };
static const char *const dates_names[D_NCOLS] = {"compare_to", "prev_period_from", "generated_at"};

enum part_col {
    P_CODE,
    P_SECTION,
    P_LABEL,
    P_DEFINITION,
    P_KIND,
    P_CATEGORY,
    P_DISTRICT,
    P_SORT,
    P_IN_BREAKDOWN,
    P_SUPPRESS,
    P_NUM,
    P_DEN,
    P_VALUE,
    P_PREV_NUM,
    P_PREV_DEN,
    P_PREV_VALUE,
    P_CHANGE,
    P_ENGLAND_VALUE,
    P_ENGLAND_YEAR,
    P_ENGLAND_SOURCE,
    P_SHORT_LABEL,
    P_MONTH_END,
    P_CHART,
    P_CHART_TITLE,
    P_SERIES,
    P_NCOLS
};
static const char *const part_names[P_NCOLS] = {
    "code",        "section",   "label",         "definition",   "kind",
    "category",    "district",  "sort",          "in_breakdown", "suppress",
    "num",         "den",       "value",         "prev_num",     "prev_den",
    "prev_value",  "change",    "england_value", "england_year", "england_source",
    "short_label", "month_end", "chart",         "chart_title",  "series"};

/* A part's result and where each of its columns is. */
struct part_res {
    const PGresult *res;
    int at[P_NCOLS];
};

/* Fills at[i] with the number of the column named names[i]; CL_EDB when one is missing. */
static int
find_cols(const PGresult *res, const char *const *names, int n, int *at)
{
    for (int i = 0; i < n; i++) {
        at[i] = PQfnumber(res, names[i]);
        if (at[i] < 0) {
            cl_log_error(MOD, "the result has no column %s", names[i]);
            return CL_EDB;
        }
    }
    return CL_OK;
}

static int
is_null(const struct part_res *p, int row, enum part_col col)
{
    return PQgetisnull(p->res, row, p->at[col]);
}

static const char *
col_str(const struct part_res *p, int row, enum part_col col)
{
    return PQgetvalue(p->res, row, p->at[col]);
}

static char *
col_dup(const struct part_res *p, int row, enum part_col col)
{
    return is_null(p, row, col) ? NULL : cl_strdup(col_str(p, row, col));
}

static long long
col_ll(const struct part_res *p, int row, enum part_col col)
{
    return is_null(p, row, col) ? 0 : strtoll(col_str(p, row, col), NULL, 10);
}

static double
col_d(const struct part_res *p, int row, enum part_col col)
{
    return is_null(p, row, col) ? 0 : strtod(col_str(p, row, col), NULL);
}

/* A figure from its num, den and value columns. */
static void
read_fig(const struct part_res *p, int row, enum part_col num, enum part_col den,
         enum part_col value, struct board_fig *f)
{
    f->present = !is_null(p, row, value);
    f->num = col_ll(p, row, num);
    f->has_num = !is_null(p, row, num);
    f->has_den = !is_null(p, row, den);
    f->den = col_ll(p, row, den);
    f->value = col_d(p, row, value);
}

static void
read_point(struct board_point *pt, const struct part_res *p, int i)
{
    pt->chart = col_dup(p, i, P_CHART);
    pt->title = col_dup(p, i, P_CHART_TITLE);
    pt->series = col_dup(p, i, P_SERIES);
    pt->code = col_dup(p, i, P_CODE);
    snprintf(pt->month, sizeof pt->month, "%s", col_str(p, i, P_MONTH_END));
    read_fig(p, i, P_NUM, P_DEN, P_VALUE, &pt->fig);
    pt->has_england = !is_null(p, i, P_ENGLAND_VALUE);
    pt->england = col_d(p, i, P_ENGLAND_VALUE);
}

static void
read_row(struct board_row *w, const struct part_res *p, int i)
{
    w->code = col_dup(p, i, P_CODE);
    w->section = col_dup(p, i, P_SECTION);
    w->label = col_dup(p, i, P_LABEL);
    w->definition = col_dup(p, i, P_DEFINITION);
    w->kind = board_kind_parse(col_str(p, i, P_KIND));
    w->category = col_dup(p, i, P_CATEGORY);
    w->district = col_dup(p, i, P_DISTRICT);
    w->in_breakdown = strcmp(col_str(p, i, P_IN_BREAKDOWN), "t") == 0;
    w->suppress = strcmp(col_str(p, i, P_SUPPRESS), "t") == 0;
    read_fig(p, i, P_NUM, P_DEN, P_VALUE, &w->now);
    read_fig(p, i, P_PREV_NUM, P_PREV_DEN, P_PREV_VALUE, &w->prev);
    w->has_change = !is_null(p, i, P_CHANGE);
    w->change = col_d(p, i, P_CHANGE);
    w->has_england = !is_null(p, i, P_ENGLAND_VALUE);
    w->england = col_d(p, i, P_ENGLAND_VALUE);
    w->england_year = col_dup(p, i, P_ENGLAND_YEAR);
    w->england_source = col_dup(p, i, P_ENGLAND_SOURCE);
    w->short_label = col_dup(p, i, P_SHORT_LABEL);
}

static void
read_at(struct board_report *r, const struct part_res *p, int i)
{
    if (is_null(p, i, P_MONTH_END))
        read_row(&r->rows[r->nrows++], p, i);
    else
        read_point(&r->trend[r->ntrend++], p, i);
}

/* Where row i stands in the report's order: figure rows (no month_end) before trend points,
 * then by the indicator's sort. No indicator has rows in both parts. */
static long long
order_key(const struct part_res *p, int i)
{
    return (is_null(p, i, P_MONTH_END) ? 0 : 1LL << 40) + col_ll(p, i, P_SORT);
}

/* Figure rows and trend points of the two parts, merged into the report's order. */
static int
read_report(struct board_report *r, const PGresult *res_a, const PGresult *res_b)
{
    struct part_res a = {res_a, {0}}, b = {res_b, {0}};
    int na = PQntuples(res_a), nb = PQntuples(res_b), i = 0, j = 0;
    size_t n = (size_t)na + (size_t)nb;

    if (find_cols(res_a, part_names, P_NCOLS, a.at) != CL_OK ||
        find_cols(res_b, part_names, P_NCOLS, b.at) != CL_OK)
        return CL_EDB;
    r->rows = cl_calloc(n ? n : 1, sizeof *r->rows);
    r->trend = cl_calloc(n ? n : 1, sizeof *r->trend);
    while (i < na || j < nb) {
        if (j >= nb || (i < na && order_key(&a, i) <= order_key(&b, j)))
            read_at(r, &a, i++);
        else
            read_at(r, &b, j++);
    }
    return CL_OK;
}

/* A result's column by name (the numbers looked up once per result by find_cols). */
struct named_res {
    const PGresult *res;
    int at[16];
};

static const char *
nv(const struct named_res *n, int row, int col)
{
    return PQgetisnull(n->res, row, n->at[col]) ? NULL : PQgetvalue(n->res, row, n->at[col]);
}

static char *
ndup(const struct named_res *n, int row, int col)
{
    const char *s = nv(n, row, col);

    return s ? cl_strdup(s) : NULL;
}

static void
ncopy(char out[11], const struct named_res *n, int row, int col)
{
    const char *s = nv(n, row, col);

    snprintf(out, 11, "%s", s ? s : "");
}

enum {
    A_ID,
    A_RAISED,
    A_NUMBER,
    A_TEXT,
    A_OWNER,
    A_ROLE,
    A_DUE,
    A_STATUS,
    A_CLOSED,
    A_UON,
    A_USTATUS,
    A_UNOTE,
    A_NCOLS
};
static const char *const action_names[A_NCOLS] = {
    "action_id", "raised_on", "number",    "text",      "owner_name",    "owner_role",
    "due_on",    "status",    "closed_on", "update_on", "update_status", "update_note"};

/* One row per action and update, the updates of an action together, in order. */
static int
read_actions(struct board_report *r, const PGresult *res)
{
    struct named_res n = {res, {0}};
    int rows = PQntuples(res);

    if (find_cols(res, action_names, A_NCOLS, n.at) != CL_OK)
        return CL_EDB;
    r->actions = cl_calloc(rows ? (size_t)rows : 1, sizeof *r->actions);
    for (int i = 0; i < rows; i++) {
        struct board_action *a;

        if (i == 0 || strcmp(nv(&n, i, A_ID), nv(&n, i - 1, A_ID)) != 0) {
            a = &r->actions[r->nactions++];
            ncopy(a->raised_on, &n, i, A_RAISED);
            a->number = ndup(&n, i, A_NUMBER);
            a->text = ndup(&n, i, A_TEXT);
            a->owner_name = ndup(&n, i, A_OWNER);
            a->owner_role = ndup(&n, i, A_ROLE);
            ncopy(a->due_on, &n, i, A_DUE);
            a->status = ndup(&n, i, A_STATUS);
            ncopy(a->closed_on, &n, i, A_CLOSED);
            a->updates = cl_calloc((size_t)rows, sizeof *a->updates);
        }
        a = &r->actions[r->nactions - 1];
        if (nv(&n, i, A_UON)) {
            struct board_update *u = &a->updates[a->nupdates++];

            ncopy(u->on, &n, i, A_UON);
            u->status = ndup(&n, i, A_USTATUS);
            u->note = ndup(&n, i, A_UNOTE);
        }
    }
    return CL_OK;
}

enum {
    S_TITLE,
    S_BODY,
    S_AUTHOR,
    S_ROLE,
    S_APPROVER,
    S_APPROVED,
    S_PLACEHOLDER,
    S_NUMBER,
    S_RAISED,
    S_TEXT,
    S_NCOLS
};
static const char *const section_names[S_NCOLS] = {
    "title",       "body",        "author_name",   "author_role",      "approved_by",
    "approved_on", "placeholder", "action_number", "action_raised_on", "action_text"};

static int
read_sections(struct board_report *r, const PGresult *res)
{
    struct named_res n = {res, {0}};
    int rows = PQntuples(res);

    if (find_cols(res, section_names, S_NCOLS, n.at) != CL_OK)
        return CL_EDB;
    r->sections = cl_calloc(rows ? (size_t)rows : 1, sizeof *r->sections);
    for (int i = 0; i < rows; i++) {
        struct board_section *s = &r->sections[r->nsections++];

        s->title = ndup(&n, i, S_TITLE);
        s->body = ndup(&n, i, S_BODY);
        s->author_name = ndup(&n, i, S_AUTHOR);
        s->author_role = ndup(&n, i, S_ROLE);
        s->approved_by = ndup(&n, i, S_APPROVER);
        ncopy(s->approved_on, &n, i, S_APPROVED);
        s->placeholder = strcmp(nv(&n, i, S_PLACEHOLDER), "t") == 0;
        s->action_number = ndup(&n, i, S_NUMBER);
        ncopy(s->action_raised_on, &n, i, S_RAISED);
        s->action_text = ndup(&n, i, S_TEXT);
    }
    return CL_OK;
}

enum { T_CODE, T_BNAME, T_BON, T_BVALUE, T_BENTERED, T_TVALUE, T_TDIR, T_TTOL, T_NCOLS };
static const char *const standard_names[T_NCOLS] = {
    "code",         "baseline_name",    "baseline_on",     "baseline_value", "baseline_entered",
    "target_value", "target_direction", "target_tolerance"};

/* Baselines and targets onto the report totals of their indicators. */
static int
read_standards(struct board_report *r, const PGresult *res)
{
    struct named_res n = {res, {0}};

    if (find_cols(res, standard_names, T_NCOLS, n.at) != CL_OK)
        return CL_EDB;
    for (int i = 0; i < PQntuples(res); i++) {
        struct board_row *w = (struct board_row *)board_find_row(r, nv(&n, i, T_CODE), NULL);

        if (w == NULL)
            continue;
        if (nv(&n, i, T_BVALUE)) {
            w->has_baseline = 1;
            w->baseline = strtod(nv(&n, i, T_BVALUE), NULL);
            w->baseline_entered = strcmp(nv(&n, i, T_BENTERED), "t") == 0;
            if (r->baseline_name == NULL) {
                r->baseline_name = ndup(&n, i, T_BNAME);
                ncopy(r->baseline_on, &n, i, T_BON);
            }
        }
        if (nv(&n, i, T_TVALUE)) {
            w->has_target = r->has_targets = 1;
            w->target = strtod(nv(&n, i, T_TVALUE), NULL);
            w->target_higher = strcmp(nv(&n, i, T_TDIR), "higher") == 0;
            w->tolerance = strtod(nv(&n, i, T_TTOL), NULL);
        }
    }
    return CL_OK;
}

/* The actions, sections and standards for the report, in the report's transaction. */
static int
read_business(struct cl_conn *db, struct board_report *r)
{
    const char *date[1] = {r->board_date}, *as_at[1] = {r->as_at};
    PGresult *res = NULL;
    int err = cl_db_exec(db, &actions_stmt, 1, date, &res);

    if (err == CL_OK)
        err = read_actions(r, res);
    PQclear(res);
    res = NULL;
    if (err == CL_OK)
        err = cl_db_exec(db, &sections_stmt, 1, date, &res);
    if (err == CL_OK)
        err = read_sections(r, res);
    PQclear(res);
    res = NULL;
    if (err == CL_OK)
        err = cl_db_exec(db, &standards_stmt, 1, as_at, &res);
    if (err == CL_OK)
        err = read_standards(r, res);
    PQclear(res);
    return err;
}

/* One part of the report on one connection; run on its own thread for the second. */
struct part {
    struct cl_conn *db;
    const char *params[7];
    PGresult *res;
    int err;
};

static void *
run_part(void *arg)
{
    struct part *p = arg;

    p->err = cl_db_exec(p->db, &part_stmt, 7, p->params, &p->res);
    return NULL;
}

/* A snapshot name as pg_export_snapshot gives it (hex digits and dashes). */
static int
snapshot_ok(const char *s)
{
    size_t n = strlen(s);

    return n >= 1 && n < 64 && strspn(s, "0123456789ABCDEFabcdef-") == n;
}

/* A second connection to conninfo in a transaction on the snapshot of db's (which is open,
 * repeatable read, with the settings), for the other part; NULL when there is none to be had,
 * and then both parts run on db, one after the other. SET TRANSACTION SNAPSHOT takes no
 * parameters, so the name the server gave is checked and put in the statement. A standby
 * exports and imports snapshots as a primary does. */
static struct cl_conn *
open_second(struct cl_job *job, struct cl_conn *first, const char *conninfo)
{
    PGresult *res = NULL;
    struct cl_conn *db;
    char snapshot[64], sql[128];

    if (cl_db_one(first, &snapshot_stmt, 0, NULL, &res) != CL_OK)
        return NULL;
    snprintf(snapshot, sizeof snapshot, "%s", PQgetvalue(res, 0, 0));
    PQclear(res);
    if (!snapshot_ok(snapshot))
        return NULL;
    db = cl_conn_open(conninfo, "cl-worker-board", job->cfg->db_timeout_ms);
    if (db == NULL)
        return NULL;
    snprintf(sql, sizeof sql, "SET TRANSACTION SNAPSHOT '%s'", snapshot);
    if (cl_db_simple(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY") != CL_OK ||
        cl_db_simple(db, sql) != CL_OK || cl_db_exec(db, &settings_stmt, 0, NULL, NULL) != CL_OK) {
        cl_log_warn(MOD, "no second connection; the report's parts run one after the other");
        cl_conn_close(db);
        return NULL;
    }
    return db;
}

/* Reads the report in two parts of about the same size, on this connection and a second one
 * side by side, both in read-only repeatable read transactions on one snapshot that carry the
 * settings above, so the figures are those of one moment as when one statement read them. Both
 * read from a standby when REPORT_DATABASE_URL names one (report_db.h). No progress is recorded
 * inside: the job row is written on the primary. */
static int
load(struct cl_job *job, struct board_report *r, const char *districts_json)
{
    char before[16], after[16], recorded[16];
    struct part national = {
        NULL,
        {r->as_at, r->compare_to, districts_json, before, after, recorded, "true"},
        NULL,
        CL_OK};
    struct part rest = {NULL,
                        {r->as_at, r->compare_to, districts_json, before, after, recorded, "false"},
                        NULL,
                        CL_OK};
    const char *conninfo;
    struct cl_conn *db = cl_report_db_get(job->reports, job->db, &conninfo);
    pthread_t thread;
    int err, threaded = 0;

    /* The national indicators use the SSDA903 return's birthday window. */
    snprintf(before, sizeof before, "%d", job->cfg->ssda903_window_before);
    snprintf(after, sizeof after, "%d", job->cfg->ssda903_window_after);
    snprintf(recorded, sizeof recorded, "%d", job->cfg->visit_recorded_days);
    national.db = db;
    err = cl_db_simple(db, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY");
    if (err == CL_OK)
        err = cl_db_exec(db, &settings_stmt, 0, NULL, NULL);
    if (err == CL_OK) {
        rest.db = open_second(job, db, conninfo);
        threaded = rest.db && pthread_create(&thread, NULL, run_part, &rest) == 0;
        run_part(&national);
        if (threaded) {
            pthread_join(thread, NULL);
        } else {
            if (rest.db == NULL)
                rest.db = db;
            if (national.err == CL_OK)
                run_part(&rest);
        }
        err = national.err != CL_OK ? national.err : rest.err;
    }
    if (err == CL_OK)
        err = read_report(r, national.res, rest.res);
    if (err == CL_OK)
        err = read_business(db, r);
    if (err == CL_OK) {
        err = cl_db_simple(db, "COMMIT");
    } else {
        cl_db_rollback(db);
    }
    PQclear(national.res);
    PQclear(rest.res);
    if (rest.db && rest.db != db)
        cl_conn_close(rest.db);
    return err;
}

/* Header fields, dates and districts from the params and the configuration. */
static int
prepare(struct cl_job *job, struct board_report *r, char **districts_json)
{
    const struct cl_board_params *params = job->params;
    const char *p[2] = {params->as_at, params->compare_to[0] ? params->compare_to : NULL};
    PGresult *res = NULL;
    int at[D_NCOLS], err;

    snprintf(r->as_at, sizeof r->as_at, "%s", params->as_at);
    snprintf(r->board_date, sizeof r->board_date, "%s", params->board_date);
    err = cl_db_one(job->db, &dates_stmt, 2, p, &res);
    if (err == CL_OK)
        err = find_cols(res, dates_names, D_NCOLS, at);
    if (err != CL_OK) {
        PQclear(res);
        return err;
    }
    snprintf(r->compare_to, sizeof r->compare_to, "%s", PQgetvalue(res, 0, at[D_COMPARE_TO]));
    snprintf(r->period_from, sizeof r->period_from, "%s", r->compare_to);
    snprintf(r->prev_period_from, sizeof r->prev_period_from, "%s",
             PQgetvalue(res, 0, at[D_PREV_PERIOD_FROM]));
    snprintf(r->generated_at, sizeof r->generated_at, "%s", PQgetvalue(res, 0, at[D_GENERATED_AT]));
    PQclear(res);

    r->title = cl_strdup(job->cfg->board_title);
    r->la_name = cl_strdup(job->cfg->la_name);
    r->lead_member = cl_strdup(job->cfg->board_lead_member);
    r->director = cl_strdup(job->cfg->board_director);
    r->suppress_below = job->cfg->board_suppress_below;
    *districts_json = NULL;
    if (params->ndistricts > 0) {
        cJSON *d = cJSON_CreateArray();

        r->districts = cl_calloc((size_t)params->ndistricts, sizeof *r->districts);
        for (int i = 0; i < params->ndistricts; i++) {
            r->districts[r->ndistricts++] = cl_strdup(params->districts[i]);
            cJSON_AddItemToArray(d, cJSON_CreateString(params->districts[i]));
        }
        *districts_json = cl_json_print(d);
        cJSON_Delete(d);
    }
    return CL_OK;
}

struct format {
    const char *name;
    const char *ext;
    const char *media_type;
    int (*render)(const struct board_report *r, struct cl_buf *out);
};

static const struct format formats[] = {
    {"json", "json", "application/json", board_render_json},
    {"csv", "csv", "text/csv; charset=utf-8", board_render_csv},
    {"html", "html", "text/html; charset=utf-8", board_render_html},
    {"pdf", "pdf", "application/pdf", board_render_pdf},
};

static int
cl_board_report_run(struct cl_job *job)
{
    struct board_report *r = cl_calloc(1, sizeof *r);
    char *districts_json = NULL;
    cJSON *done = cJSON_CreateArray();
    int err, step = 0;
    double t0 = cl_clock_ms(), t1 = t0;

    cl_job_progress(job, 5, "figures");
    err = prepare(job, r, &districts_json);
    if (err == CL_OK)
        err = load(job, r, districts_json);
    t1 = cl_clock_ms();
    if (err == CL_OK && r->nrows == 0)
        err = cl_job_fail(job, "the report has no indicators: are the migrations applied?");
    if (err == CL_OK)
        board_suppress(r);
    for (size_t i = 0; i < sizeof formats / sizeof formats[0] && err == CL_OK; i++) {
        const struct format *f = &formats[i];
        struct cl_buf out;
        char name[64];

        if (!cl_board_params_wants(job->params, f->name))
            continue;
        cl_job_progress(job, 50 + 12 * step++, f->name);
        cl_buf_init(&out, MAX_ARTIFACT);
        err = f->render(r, &out);
        if (err == CL_OK) {
            snprintf(name, sizeof name, "board-report-%s.%s", r->as_at, f->ext);
            cl_job_add_artifact(job, name, f->media_type, out.data, out.len);
            cJSON_AddItemToArray(done, cJSON_CreateString(name));
        } else {
            cl_job_fail(job, "rendering the %s report failed", f->name);
        }
        cl_buf_free(&out);
    }
    if (err == CL_OK) {
        cJSON *res = cJSON_CreateObject();

        cJSON_AddStringToObject(res, "as_at", r->as_at);
        cJSON_AddStringToObject(res, "compare_to", r->compare_to);
        cJSON_AddStringToObject(res, "board_date", r->board_date);
        cJSON_AddNumberToObject(res, "figures", r->nrows);
        cJSON_AddNumberToObject(res, "trend_points", r->ntrend);
        cJSON_AddItemToObject(res, "artifacts", done);
        done = NULL;
        cJSON_Delete(job->result);
        job->result = res;
        cl_log_info(MOD,
                    "board report as at %s: %d figures, %d trend points; query %.0f ms, "
                    "rendering %.0f ms",
                    r->as_at, r->nrows, r->ntrend, t1 - t0, cl_clock_ms() - t1);
    }
    cJSON_Delete(done);
    free(districts_json);
    board_report_free(r);
    return err;
}

CL_JOB_KIND(board_report, cl_board_report_run);
