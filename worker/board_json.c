/* The Board report as JSON: every figure with its numerator, denominator, value and the text
 * the other formats print, the definition of each indicator, and the trend series. Suppressed
 * numbers are null (with "suppressed": true), never present in another field. */
#include "board.h"

#include <stdio.h>
#include <string.h>

#include <cjson/cJSON.h>

static void
add_num_or_null(cJSON *o, const char *name, int present, double v)
{
    if (present)
        cJSON_AddNumberToObject(o, name, v);
    else
        cJSON_AddNullToObject(o, name);
}

static cJSON *
fig_json(enum board_kind kind, const struct board_fig *f, int below)
{
    cJSON *o = cJSON_CreateObject();
    char text[64];

    board_fmt_value(text, sizeof text, kind, f, below);
    add_num_or_null(o, "numerator", f->has_num && !f->sup_num, (double)f->num);
    if (f->has_den || (!f->present && kind != BK_COUNT && kind != BK_MAX))
        add_num_or_null(o, "denominator", f->has_den && !f->sup_den, (double)f->den);
    add_num_or_null(o, "value", f->present && !f->sup_value, f->value);
    cJSON_AddStringToObject(o, "display", text);
    cJSON_AddBoolToObject(o, "suppressed", f->sup_num || f->sup_den || f->sup_value);
    return o;
}

static void
add_change(cJSON *o, const struct board_row *w)
{
    char text[64];

    board_fmt_change(text, sizeof text, w);
    add_num_or_null(o, "change", board_change_shown(w), w->change);
    cJSON_AddStringToObject(o, "change_display", text);
}

static void
add_figures(cJSON *o, const struct board_row *w, int below)
{
    cJSON_AddItemToObject(o, "as_at", fig_json(w->kind, &w->now, below));
    cJSON_AddItemToObject(o, "compare_to", fig_json(w->kind, &w->prev, below));
    add_change(o, w);
}

static void
add_str_or_null(cJSON *o, const char *name, const char *s)
{
    if (s && s[0])
        cJSON_AddStringToObject(o, name, s);
    else
        cJSON_AddNullToObject(o, name);
}

/* baseline, target and rag of a report total (null when it has none). */
static void
add_standards(cJSON *o, const struct board_row *w)
{
    enum board_rag rag = board_rag(w);
    cJSON *x;

    if (w->has_baseline) {
        x = cJSON_AddObjectToObject(o, "baseline");
        cJSON_AddNumberToObject(x, "value", w->baseline);
        cJSON_AddStringToObject(x, "source", w->baseline_entered ? "entered" : "computed");
    } else {
        cJSON_AddNullToObject(o, "baseline");
    }
    if (w->has_target) {
        char rule[512];

        x = cJSON_AddObjectToObject(o, "target");
        cJSON_AddNumberToObject(x, "value", w->target);
        cJSON_AddStringToObject(x, "direction", w->target_higher ? "higher" : "lower");
        cJSON_AddNumberToObject(x, "tolerance", w->tolerance);
        board_fmt_rag_rule(rule, sizeof rule, w);
        cJSON_AddStringToObject(x, "rule", rule);
        x = cJSON_AddObjectToObject(o, "rag");
        cJSON_AddStringToObject(x, "status", board_rag_key(rag));
        cJSON_AddStringToObject(x, "label", board_rag_label(rag));
    } else {
        cJSON_AddNullToObject(o, "target");
        cJSON_AddNullToObject(o, "rag");
    }
}

static cJSON *
actions_json(const struct board_report *r)
{
    cJSON *arr = cJSON_CreateArray();

    for (int i = 0; i < r->nactions; i++) {
        const struct board_action *a = &r->actions[i];
        cJSON *o = cJSON_CreateObject(), *owner, *ups;

        cJSON_AddStringToObject(o, "number", a->number);
        cJSON_AddStringToObject(o, "raised_on", a->raised_on);
        cJSON_AddStringToObject(o, "text", a->text);
        owner = cJSON_AddObjectToObject(o, "owner");
        cJSON_AddStringToObject(owner, "name", a->owner_name);
        cJSON_AddStringToObject(owner, "role", a->owner_role);
        cJSON_AddStringToObject(o, "due_on", a->due_on);
        cJSON_AddStringToObject(o, "status", a->status);
        add_str_or_null(o, "closed_on", a->closed_on);
        ups = cJSON_AddArrayToObject(o, "updates");
        for (int j = 0; j < a->nupdates; j++) {
            cJSON *u = cJSON_CreateObject();

            cJSON_AddStringToObject(u, "on", a->updates[j].on);
            cJSON_AddStringToObject(u, "status", a->updates[j].status);
            cJSON_AddStringToObject(u, "note", a->updates[j].note);
            cJSON_AddItemToArray(ups, u);
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *
sections_json(const struct board_report *r)
{
    cJSON *arr = cJSON_CreateArray();

    for (int i = 0; i < r->nsections; i++) {
        const struct board_section *s = &r->sections[i];
        cJSON *o = cJSON_CreateObject(), *x;

        cJSON_AddStringToObject(o, "title", s->title);
        cJSON_AddBoolToObject(o, "placeholder", s->placeholder);
        if (s->placeholder) {
            char text[2400];

            board_fmt_placeholder(text, sizeof text, s);
            cJSON_AddStringToObject(o, "body", text);
            x = cJSON_AddObjectToObject(o, "requested_by_action");
            cJSON_AddStringToObject(x, "number", s->action_number);
            cJSON_AddStringToObject(x, "raised_on", s->action_raised_on);
            cJSON_AddStringToObject(x, "text", s->action_text);
            cJSON_AddItemToArray(arr, o);
            continue;
        }
        cJSON_AddStringToObject(o, "body", s->body);
        x = cJSON_AddObjectToObject(o, "author");
        cJSON_AddStringToObject(x, "name", s->author_name);
        cJSON_AddStringToObject(x, "role", s->author_role);
        if (s->approved_by) {
            x = cJSON_AddObjectToObject(o, "approval");
            cJSON_AddStringToObject(x, "by", s->approved_by);
            cJSON_AddStringToObject(x, "on", s->approved_on);
        } else {
            cJSON_AddNullToObject(o, "approval");
        }
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *
rag_legend_json(void)
{
    cJSON *arr = cJSON_CreateArray();

    for (enum board_rag g = RAG_GREEN; g <= RAG_RED; g++) {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "status", board_rag_key(g));
        cJSON_AddStringToObject(o, "label", board_rag_label(g));
        cJSON_AddStringToObject(o, "meaning", board_rag_meaning(g));
        cJSON_AddItemToArray(arr, o);
    }
    {
        cJSON *o = cJSON_CreateObject();

        cJSON_AddStringToObject(o, "status", board_rag_key(RAG_NOT_RATED));
        cJSON_AddStringToObject(o, "label", board_rag_label(RAG_NOT_RATED));
        cJSON_AddStringToObject(o, "meaning", board_rag_meaning(RAG_NOT_RATED));
        cJSON_AddItemToArray(arr, o);
    }
    return arr;
}

static cJSON *
indicator_json(const struct board_report *r, int first, int last)
{
    const struct board_row *h = &r->rows[first];
    cJSON *o = cJSON_CreateObject(), *cats = cJSON_CreateArray(), *dists = cJSON_CreateArray();

    cJSON_AddStringToObject(o, "code", h->code);
    cJSON_AddStringToObject(o, "section", h->section);
    cJSON_AddStringToObject(o, "label", h->label);
    cJSON_AddStringToObject(o, "definition", h->definition);
    cJSON_AddStringToObject(o, "kind", board_kind_name(h->kind));
    if (h->has_england) {
        cJSON *e = cJSON_AddObjectToObject(o, "england_average");

        cJSON_AddNumberToObject(e, "value", h->england);
        cJSON_AddStringToObject(e, "year_ending_march", h->england_year ? h->england_year : "");
        cJSON_AddStringToObject(e, "source", h->england_source ? h->england_source : "");
    } else {
        cJSON_AddNullToObject(o, "england_average");
    }
    for (int i = first; i < last; i++) {
        const struct board_row *w = &r->rows[i];
        cJSON *x;

        if (w->category == NULL && w->district == NULL) {
            add_figures(o, w, r->suppress_below);
            add_standards(o, w);
            continue;
        }
        x = cJSON_CreateObject();
        if (w->category)
            cJSON_AddStringToObject(x, "category", w->category);
        if (w->district)
            cJSON_AddStringToObject(x, "district", w->district);
        add_figures(x, w, r->suppress_below);
        cJSON_AddItemToArray(w->category ? cats : dists, x);
    }
    if (cJSON_GetArraySize(cats) > 0)
        cJSON_AddItemToObject(o, "categories", cats);
    else
        cJSON_Delete(cats);
    cJSON_AddItemToObject(o, "districts", dists);
    return o;
}

static cJSON *
trends_json(const struct board_report *r)
{
    struct board_chart charts[8];
    int n = board_charts(r, charts, 8);
    cJSON *arr = cJSON_CreateArray();

    for (int c = 0; c < n; c++) {
        cJSON *chart = cJSON_CreateObject(), *series = cJSON_CreateArray();

        cJSON_AddStringToObject(chart, "chart", charts[c].key);
        cJSON_AddStringToObject(chart, "title", charts[c].title);
        for (int s = 0; s < charts[c].nseries; s++) {
            cJSON *so = cJSON_CreateObject(), *pts = cJSON_CreateArray();
            const struct board_point *any = NULL;

            for (int m = 0; m < charts[c].nmonths; m++) {
                const struct board_point *p =
                    board_point_at(r, charts[c].key, charts[c].series[s], charts[c].months[m]);
                cJSON *po;

                if (p == NULL)
                    continue;
                any = p;
                po = fig_json(BK_PCT, &p->fig, r->suppress_below);
                cJSON_AddStringToObject(po, "month_end", p->month);
                cJSON_AddItemToArray(pts, po);
            }
            cJSON_AddStringToObject(so, "label", charts[c].series[s]);
            cJSON_AddStringToObject(so, "code", any ? any->code : "");
            add_num_or_null(so, "england_average", any && any->has_england, any ? any->england : 0);
            cJSON_AddItemToObject(so, "points", pts);
            cJSON_AddItemToArray(series, so);
        }
        cJSON_AddItemToObject(chart, "series", series);
        cJSON_AddItemToArray(arr, chart);
    }
    return arr;
}

int
board_render_json(const struct board_report *r, struct cl_buf *out)
{
    cJSON *root = cJSON_CreateObject(), *inds, *d, *sup;
    char rule[512];
    char *text;
    int err;

    cJSON_AddStringToObject(root, "report", "corporate_parenting_board");
    cJSON_AddStringToObject(root, "title", r->title);
    cJSON_AddStringToObject(root, "local_authority", r->la_name);
    cJSON_AddStringToObject(root, "lead_member", r->lead_member);
    cJSON_AddStringToObject(root, "accountable_director", r->director);
    cJSON_AddStringToObject(root, "board_date", r->board_date);
    cJSON_AddStringToObject(root, "as_at", r->as_at);
    cJSON_AddStringToObject(root, "compare_to", r->compare_to);
    d = cJSON_AddObjectToObject(root, "period");
    cJSON_AddStringToObject(d, "after", r->period_from);
    cJSON_AddStringToObject(d, "to", r->as_at);
    d = cJSON_AddObjectToObject(root, "comparison_period");
    cJSON_AddStringToObject(d, "after", r->prev_period_from);
    cJSON_AddStringToObject(d, "to", r->compare_to);
    if (r->ndistricts > 0) {
        d = cJSON_AddArrayToObject(root, "districts");
        for (int i = 0; i < r->ndistricts; i++)
            cJSON_AddItemToArray(d, cJSON_CreateString(r->districts[i]));
    } else {
        cJSON_AddStringToObject(root, "districts", "all");
    }
    cJSON_AddStringToObject(root, "generated_at", r->generated_at);
    sup = cJSON_AddObjectToObject(root, "suppression");
    cJSON_AddNumberToObject(sup, "below", r->suppress_below);
    snprintf(rule, sizeof rule,
             "Counts from 1 to %d are shown as \"<%d\" and given as null; percentages, totals "
             "and changes that would reveal them are shown as \"%s\". Where only one figure "
             "of a breakdown would be suppressed, the next smallest is too (also \"%s\").",
             r->suppress_below - 1, r->suppress_below, BOARD_SUPPRESSED, BOARD_SUPPRESSED);
    cJSON_AddStringToObject(sup, "rule", rule);
    cJSON_AddItemToObject(root, "actions", actions_json(r));
    cJSON_AddItemToObject(root, "sections", sections_json(r));
    if (r->baseline_name) {
        d = cJSON_AddObjectToObject(root, "baseline");
        cJSON_AddStringToObject(d, "name", r->baseline_name);
        cJSON_AddStringToObject(d, "on_date", r->baseline_on);
    } else {
        cJSON_AddNullToObject(root, "baseline");
    }
    cJSON_AddItemToObject(root, "rag_legend", rag_legend_json());
    inds = cJSON_AddArrayToObject(root, "indicators");
    for (int first = 0; first < r->nrows;) {
        int last = first + 1;

        while (last < r->nrows && strcmp(r->rows[last].code, r->rows[first].code) == 0)
            last++;
        cJSON_AddItemToArray(inds, indicator_json(r, first, last));
        first = last;
    }
    cJSON_AddItemToObject(root, "trends", trends_json(r));
    text = cJSON_Print(root);
    cJSON_Delete(root);
    err = cl_buf_adds(out, text);
    if (err == CL_OK)
        err = cl_buf_adds(out, "\n");
    cJSON_free(text);
    return err;
}
