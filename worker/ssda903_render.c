/* The SSDA903 files and reports (see ssda903_render.h). */
#include "ssda903_render.h"

#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "cl_csv.h"
#include "cl_markup.h"

/* ---- CSV --------------------------------------------------------------------------------- */

/* One cell and its separator. No formula guard: the files go to DfE, not to a spreadsheet, and
 * a leading apostrophe would change the data. */
static int
csv_cell(struct cl_buf *b, const char *s, int last)
{
    int err = cl_csv_field(b, s, 0);

    if (err == CL_OK)
        err = cl_buf_adds(b, last ? "\r\n" : ",");
    return err;
}

int
s903_header_csv(struct cl_buf *b, const struct s903_header *h, int n)
{
    int err = cl_buf_adds(b, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n");

    for (int i = 0; i < n && err == CL_OK; i++) {
        const char *cells[7] = {h[i].child, h[i].sex,    h[i].dob,   h[i].ethnic,
                                h[i].upn,   h[i].mother, h[i].mc_dob};

        for (int c = 0; c < 7 && err == CL_OK; c++)
            err = csv_cell(b, cells[c], c == 6);
    }
    return err;
}

int
s903_oc3_csv(struct cl_buf *b, const struct s903_oc3 *o, int n)
{
    int err = cl_buf_adds(b, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n");

    for (int i = 0; i < n && err == CL_OK; i++) {
        const char *cells[5] = {o[i].child, o[i].dob, o[i].in_touch, o[i].activ, o[i].accom};

        for (int c = 0; c < 5 && err == CL_OK; c++)
            err = csv_cell(b, cells[c], c == 4);
    }
    return err;
}

/* ---- XML --------------------------------------------------------------------------------- */

/* <NAME>value</NAME> at the given indent, left out when the value is empty. */
static int
xml_leaf(struct cl_buf *b, int indent, const char *name, const char *value)
{
    int err;

    static const char spaces[] = "        ";

    if (value == NULL || *value == '\0')
        return CL_OK;
    err = cl_buf_add(b, spaces, (size_t)indent < sizeof spaces - 1 ? (size_t)indent : 8);
    if (err == CL_OK)
        err = cl_buf_adds(b, "<");
    if (err == CL_OK)
        err = cl_buf_adds(b, name);
    if (err == CL_OK)
        err = cl_buf_adds(b, ">");
    if (err == CL_OK)
        err = cl_markup_text(b, value, CL_MARKUP_XML);
    if (err == CL_OK)
        err = cl_buf_adds(b, "</");
    if (err == CL_OK)
        err = cl_buf_adds(b, name);
    if (err == CL_OK)
        err = cl_buf_adds(b, ">\n");
    return err;
}

int
s903_xml(struct cl_buf *b, const struct s903_header *h, const struct s903_oc3 *o, int n)
{
    int err = cl_buf_adds(b, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EXPSSDA903>\n");

    for (int i = 0; i < n && err == CL_OK; i++) {
        err = cl_buf_adds(b, "  <CHILD>\n    <HEADER>\n");
        if (err == CL_OK)
            err = xml_leaf(b, 6, "CHILDID", h[i].child);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "UPN", h[i].upn);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "SEX", h[i].sex);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "DOB", h[i].dob);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "ETHNIC", h[i].ethnic);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "MOTHER", h[i].mother);
        if (err == CL_OK)
            err = xml_leaf(b, 6, "MC_DOB", h[i].mc_dob);
        if (err == CL_OK)
            err = cl_buf_adds(b, "    </HEADER>\n");
        if (err == CL_OK && o && o[i].child) {
            err = xml_leaf(b, 4, "IN_TOUCH", o[i].in_touch);
            if (err == CL_OK)
                err = xml_leaf(b, 4, "ACTIV", o[i].activ);
            if (err == CL_OK)
                err = xml_leaf(b, 4, "ACCOM", o[i].accom);
        }
        if (err == CL_OK)
            err = cl_buf_adds(b, "  </CHILD>\n");
    }
    if (err == CL_OK)
        err = cl_buf_adds(b, "</EXPSSDA903>\n");
    return err;
}

/* ---- validation report ------------------------------------------------------------------- */

int
s903_issues_csv(struct cl_buf *b, const struct s903_issues *issues)
{
    int err = cl_buf_adds(b, "RULE,SEVERITY,FILE,CHILD,FIELD,MESSAGE\r\n");

    for (int i = 0; i < issues->n && err == CL_OK; i++) {
        const struct s903_issue *s = &issues->items[i];
        const char *cells[6] = {
            s->rule, s->warning ? "warning" : "error", s->file, s->child, s->field, s->message};

        for (int c = 0; c < 6 && err == CL_OK; c++)
            err = csv_cell(b, cells[c], c == 5);
    }
    return err;
}

cJSON *
s903_issues_json(int year, const struct s903_issues *issues)
{
    cJSON *root = cJSON_CreateObject(), *rules = cJSON_CreateArray(), *list;

    cJSON_AddNumberToObject(root, "collection_year", year);
    cJSON_AddStringToObject(root, "status", issues->errors ? "has_errors" : "valid");
    cJSON_AddNumberToObject(root, "errors", issues->errors);
    cJSON_AddNumberToObject(root, "warnings", issues->warnings);
    for (int r = 0; r < s903_rules_count; r++)
        cJSON_AddItemToArray(rules, cJSON_CreateString(s903_rules[r].code));
    cJSON_AddItemToObject(root, "rules_checked", rules);
    list = cJSON_AddArrayToObject(root, "issues");
    for (int i = 0; i < issues->n; i++) {
        const struct s903_issue *s = &issues->items[i];
        cJSON *e = cJSON_CreateObject();

        cJSON_AddStringToObject(e, "rule", s->rule);
        cJSON_AddStringToObject(e, "severity", s->warning ? "warning" : "error");
        cJSON_AddStringToObject(e, "file", s->file);
        cJSON_AddStringToObject(e, "child", s->child);
        cJSON_AddStringToObject(e, "field", s->field);
        cJSON_AddStringToObject(e, "message", s->message);
        cJSON_AddItemToArray(list, e);
    }
    return root;
}

/* ---- indicators -------------------------------------------------------------------------- */

int
s903_percent(long num, long den)
{
    if (den <= 0)
        return -1;
    return (int)((200 * num + den) / (2 * den)); /* round half up */
}

struct tally {
    long cohort, died, rhom;
    long yes, no, refu, nreq;
    long he, edu, appr, work, g4, g5, g6, activ_unknown;
    long suitable, unsuitable, accom_unknown, ghr;
};

static int
is(const char *s, const char *code)
{
    return s && strcasecmp(s, code) == 0;
}

static int
code_in(const char *s, const char *a, const char *b)
{
    return is(s, a) || is(s, b);
}

static void
count(struct tally *t, const struct s903_oc3 *o)
{
    char letter = o->accom ? o->accom[0] : '\0', digit;

    t->cohort++;
    if (is(o->in_touch, "DIED")) {
        t->died++;
        return;
    }
    if (is(o->in_touch, "RHOM")) {
        t->rhom++;
        return;
    }
    if (is(o->in_touch, "YES"))
        t->yes++;
    else if (is(o->in_touch, "NO"))
        t->no++;
    else if (is(o->in_touch, "REFU"))
        t->refu++;
    else if (is(o->in_touch, "NREQ"))
        t->nreq++;

    if (code_in(o->activ, "F1", "P1"))
        t->he++;
    else if (code_in(o->activ, "F2", "P2"))
        t->edu++;
    else if (code_in(o->activ, "F4", "P4"))
        t->appr++;
    else if (code_in(o->activ, "F5", "P5"))
        t->work++;
    else if (is(o->activ, "G4"))
        t->g4++;
    else if (is(o->activ, "G5"))
        t->g5++;
    else if (is(o->activ, "G6"))
        t->g6++;
    else
        t->activ_unknown++;

    if (letter >= 'a' && letter <= 'z')
        letter = (char)(letter - 'a' + 'A');
    digit = letter && o->accom[1] ? o->accom[1] : '\0';
    if (letter == 'G' || letter == 'H' || letter == 'R')
        t->ghr++;
    else if (digit == '1')
        t->suitable++;
    else if (digit == '2')
        t->unsuitable++;
    else
        t->accom_unknown++;
}

static void
add_count(cJSON *obj, const char *name, long n)
{
    cJSON_AddNumberToObject(obj, name, (double)n);
}

static void
add_percent(cJSON *obj, const char *name, long num, long den)
{
    int p = s903_percent(num, den);

    if (p < 0)
        cJSON_AddNullToObject(obj, name);
    else
        cJSON_AddNumberToObject(obj, name, p);
}

static cJSON *
tally_json(const struct tally *t)
{
    cJSON *g = cJSON_CreateObject(), *x;
    long pop = t->cohort - t->died - t->rhom;
    long eet = t->he + t->edu + t->appr + t->work, neet = t->g4 + t->g5 + t->g6;
    long accom_den = pop - t->ghr;

    add_count(g, "cohort", t->cohort);
    x = cJSON_AddObjectToObject(g, "excluded");
    add_count(x, "died", t->died);
    add_count(x, "returned_home", t->rhom);
    add_count(g, "population", pop);

    x = cJSON_AddObjectToObject(g, "in_touch");
    add_count(x, "in_touch", t->yes);
    add_percent(x, "in_touch_percent", t->yes, pop);
    add_count(x, "not_in_touch", t->no);
    add_count(x, "refuses_contact", t->refu);
    add_count(x, "no_longer_requires_services", t->nreq);

    x = cJSON_AddObjectToObject(g, "activity");
    add_count(x, "eet", eet);
    add_percent(x, "eet_percent", eet, pop);
    add_count(x, "neet", neet);
    add_percent(x, "neet_percent", neet, pop);
    add_count(x, "not_known", t->activ_unknown);
    add_percent(x, "not_known_percent", t->activ_unknown, pop);
    add_count(x, "higher_education", t->he);
    add_count(x, "other_education", t->edu);
    add_count(x, "apprenticeship", t->appr);
    add_count(x, "training_or_employment", t->work);
    add_count(x, "neet_illness_or_disability", t->g4);
    add_count(x, "neet_other_reasons", t->g5);
    add_count(x, "neet_pregnancy_or_parenting", t->g6);

    x = cJSON_AddObjectToObject(g, "accommodation");
    add_count(x, "population", accom_den);
    add_count(x, "left_out_abroad_deported_or_not_known", t->ghr);
    add_count(x, "suitable", t->suitable);
    add_percent(x, "suitable_percent", t->suitable, accom_den);
    add_count(x, "unsuitable", t->unsuitable);
    add_percent(x, "unsuitable_percent", t->unsuitable, accom_den);
    add_count(x, "no_information", t->accom_unknown);
    add_percent(x, "no_information_percent", t->accom_unknown, accom_den);
    return g;
}

cJSON *
s903_summary(int year, const struct s903_oc3 *o, const int *age, const int *cohort22, int n,
             const long *care_leavers_22_25)
{
    struct tally by_age[5], g1718, g1921, older, older_by_age[4];
    cJSON *root = cJSON_CreateObject(), *groups, *ages, *x, *y;
    char buf[24];
    long total = 0;

    memset(by_age, 0, sizeof by_age);
    memset(&g1718, 0, sizeof g1718);
    memset(&g1921, 0, sizeof g1921);
    memset(&older, 0, sizeof older);
    memset(older_by_age, 0, sizeof older_by_age);
    for (int i = 0; i < n; i++) {
        if (cohort22[i]) {
            count(&older, &o[i]);
            if (age[i] >= 22 && age[i] <= 25)
                count(&older_by_age[age[i] - 22], &o[i]);
        } else if (age[i] >= 17 && age[i] <= 21) {
            count(&by_age[age[i] - 17], &o[i]);
            count(age[i] <= 18 ? &g1718 : &g1921, &o[i]);
        }
    }
    cJSON_AddNumberToObject(root, "collection_year", year);
    snprintf(buf, sizeof buf, "%04d-04-01", year - 1);
    cJSON_AddStringToObject(root, "period_start", buf);
    snprintf(buf, sizeof buf, "%04d-03-31", year);
    cJSON_AddStringToObject(root, "period_end", buf);
    cJSON_AddStringToObject(root, "definitions",
                            "DfE, Children looked after in England: care leavers whose 17th-21st "
                            "birthday fell in the year; DIED and RHOM left out of the population; "
                            "suitability over the population without G, H and R; whole-number "
                            "percentages rounded half up");
    groups = cJSON_AddObjectToObject(root, "age_groups");
    cJSON_AddItemToObject(groups, "17-18", tally_json(&g1718));
    cJSON_AddItemToObject(groups, "19-21", tally_json(&g1921));
    ages = cJSON_AddObjectToObject(root, "ages");
    for (int a = 0; a < 5; a++) {
        snprintf(buf, sizeof buf, "%d", 17 + a);
        cJSON_AddItemToObject(ages, buf, tally_json(&by_age[a]));
    }
    /* 22-25: those who requested (and received) support, against every care leaver of that
     * age; activity and accommodation are for those reported. */
    x = cJSON_AddObjectToObject(root, "ages_22_25");
    for (int a = 0; a < 4; a++)
        total += care_leavers_22_25 ? care_leavers_22_25[a] : 0;
    add_count(x, "care_leavers", total);
    add_count(x, "requested_support", older.cohort);
    add_percent(x, "requested_support_percent", older.cohort, total);
    add_count(x, "not_in_touch", total - older.cohort);
    cJSON_AddItemToObject(x, "reported", tally_json(&older));
    y = cJSON_AddObjectToObject(x, "ages");
    for (int a = 0; a < 4; a++) {
        cJSON *z = cJSON_CreateObject();
        long all = care_leavers_22_25 ? care_leavers_22_25[a] : 0;

        add_count(z, "care_leavers", all);
        add_count(z, "requested_support", older_by_age[a].cohort);
        add_percent(z, "requested_support_percent", older_by_age[a].cohort, all);
        snprintf(buf, sizeof buf, "%d", 22 + a);
        cJSON_AddItemToObject(y, buf, z);
    }
    return root;
}
