/* The Header + OC3 validation rules (see ssda903_rules.h): a table, one row and one small check
 * per rule. Each rule runs over its file's rows in order; what several rules read (dates, the
 * Header row of each OC3 row, duplicates) is worked out once per return, the cross-row parts
 * with sorted indexes, so a return of 100 000 young people is checked in well under a second. */
#include "ssda903_rules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cl_codes.h"
#include "cl_mem.h"

/* ---- dates ----------------------------------------------------------------------------- */

long
s903_days(int y, int m, int d)
{
    /* Days from civil (H. Hinnant's algorithm), proleptic Gregorian. */
    long yy = y - (m <= 2);
    long era = (yy >= 0 ? yy : yy - 399) / 400;
    long yoe = yy - era * 400;
    long doy = (153L * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
    long doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

    return era * 146097 + doe - 719468;
}

static void
civil(long days, int *y, int *m, int *d)
{
    long z = days + 719468;
    long era = (z >= 0 ? z : z - 146096) / 146097;
    long doe = z - era * 146097;
    long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
    long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    long mp = (5 * doy + 2) / 153;

    *d = (int)(doy - (153 * mp + 2) / 5 + 1);
    *m = (int)(mp < 10 ? mp + 3 : mp - 9);
    *y = (int)(yoe + era * 400 + (*m <= 2));
}

static int
leap(int y)
{
    return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
}

long
s903_add_years(long days, int n)
{
    int y, m, d;

    civil(days, &y, &m, &d);
    y += n;
    if (m == 2 && d == 29 && !leap(y))
        d = 28;
    return s903_days(y, m, d);
}

/* Reads 1-2 digits (day, month) or exactly 4 (year) up to the separator. */
static int
number(const char **p, int min_digits, int max_digits, char sep, int *out)
{
    int n = 0, v = 0;

    while (isdigit((unsigned char)**p) && n < max_digits) {
        v = v * 10 + (**p - '0');
        (*p)++;
        n++;
    }
    if (n < min_digits || **p != sep)
        return -1;
    if (sep)
        (*p)++;
    *out = v;
    return 0;
}

long
s903_parse_date(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    const char *p = s;
    int d, m, y;

    if (s == NULL || number(&p, 1, 2, '/', &d) || number(&p, 1, 2, '/', &m) ||
        number(&p, 4, 4, '\0', &y))
        return -1;
    if (m < 1 || m > 12 || d < 1 || d > mdays[m - 1] + (m == 2 && leap(y)) || y < 1900)
        return -1;
    return s903_days(y, m, d);
}

/* ---- helpers ----------------------------------------------------------------------------- */

static int
blank(const char *s)
{
    if (s == NULL)
        return 1;
    while (*s == ' ')
        s++;
    return *s == '\0';
}

/* ASCII case-insensitive comparison (DfE's tools upper-case every cell before the rules run);
 * cheaper than strcasecmp, which consults the locale, on 100 000 rows. */
static int
icmp(const char *a, const char *b)
{
    for (;; a++, b++) {
        int ca = (unsigned char)*a, cb = (unsigned char)*b;

        if (ca >= 'a' && ca <= 'z')
            ca -= 'a' - 'A';
        if (cb >= 'a' && cb <= 'z')
            cb -= 'a' - 'A';
        if (ca != cb || ca == 0)
            return ca - cb;
    }
}

static int
is(const char *s, const char *code)
{
    return s && icmp(s, code) == 0;
}

static int
in_list(const char *s, const char *const *list)
{
    for (; *list; list++)
        if (is(s, *list))
            return 1;
    return 0;
}

static void
add(struct s903_issues *out, const char *rule, int warning, const char *file, const char *child,
    const char *field, const char *message)
{
    struct s903_issue *i;

    if (out->n == out->cap) {
        out->cap = out->cap ? out->cap * 2 : 64;
        out->items = cl_realloc(out->items, (size_t)out->cap * sizeof *out->items);
    }
    i = &out->items[out->n++];
    i->rule = rule;
    i->warning = warning;
    i->file = file;
    i->child = child ? child : "";
    i->field = field;
    i->message = message;
    if (warning)
        out->warnings++;
    else
        out->errors++;
}

/* Sorted, case-insensitive indexes over a column of strings. */
struct col {
    const char **v;
    int *idx;
    int n;
};

static int
col_cmp(const void *a, const void *b, void *arg)
{
    const struct col *c = arg;
    int r = icmp(c->v[*(const int *)a], c->v[*(const int *)b]);

    return r ? r : *(const int *)a - *(const int *)b;
}

static void
col_sort(struct col *c)
{
    c->idx = cl_calloc((size_t)(c->n > 0 ? c->n : 0) + 1, sizeof *c->idx);
    for (int i = 0; i < c->n; i++)
        c->idx[i] = i;
    qsort_r(c->idx, (size_t)c->n, sizeof *c->idx, col_cmp, c);
}

/* The first row index whose value equals s (case-insensitive), or -1. */
static int
col_find(const struct col *c, const char *s)
{
    int lo = 0, hi = c->n;

    while (lo < hi) {
        int mid = lo + (hi - lo) / 2;

        if (icmp(c->v[c->idx[mid]], s) < 0)
            lo = mid + 1;
        else
            hi = mid;
    }
    return lo < c->n && icmp(c->v[c->idx[lo]], s) == 0 ? c->idx[lo] : -1;
}

/* Marks every row whose (non-skipped) value occurs more than once. */
static void
col_mark_duplicates(const struct col *c, const unsigned char *skip, unsigned char *dup)
{
    for (int i = 0; i < c->n;) {
        int j = i + 1;

        while (j < c->n && icmp(c->v[c->idx[i]], c->v[c->idx[j]]) == 0)
            j++;
        if (j - i > 1)
            for (int k = i; k < j; k++)
                if (!skip || !skip[c->idx[k]])
                    dup[c->idx[k]] = 1;
        i = j;
    }
}

/* ---- what the rules read ------------------------------------------------------------- */

struct s903_ctx {
    const struct s903_header *h;
    const struct s903_oc3 *o;
    int nh, no;
    long start, end; /* the collection year, 1 April to 31 March */
    long aug31;      /* 209: 31 August of the year before the start */
    int new_sex;     /* M/F/U from the 2024/25 collection, 1/2 before */
    const char *male, *female;
    long *hdob, *odob; /* parsed dates of birth, -1 when not a date */
    int *ohead;        /* the Header row of each OC3 row, or -1 */
    const char **hchild, **ochild, **upns;
    struct col hc, oc, uc;                  /* sorted CHILD (Header, OC3) and UPN indexes */
    unsigned char *upn_dup, *h_dup, *o_dup; /* rows whose UPN / CHILD repeats */
};

static void
ctx_init(struct s903_ctx *c, int year, const struct s903_header *h, int nh,
         const struct s903_oc3 *o, int no)
{
    size_t hn = nh > 0 ? (size_t)nh : 0, on = no > 0 ? (size_t)no : 0;
    unsigned char *skip = cl_calloc(hn + 1, 1);

    memset(c, 0, sizeof *c);
    c->h = h;
    c->o = o;
    c->nh = nh;
    c->no = no;
    c->start = s903_days(year - 1, 4, 1);
    c->end = s903_days(year, 3, 31);
    c->aug31 = s903_days(year - 2, 8, 31);
    c->new_sex = year >= 2025;
    c->male = c->new_sex ? "M" : "1";
    c->female = c->new_sex ? "F" : "2";
    c->hdob = cl_calloc(hn + 1, sizeof *c->hdob);
    c->odob = cl_calloc(on + 1, sizeof *c->odob);
    c->ohead = cl_calloc(on + 1, sizeof *c->ohead);
    c->hchild = cl_calloc(hn + 1, sizeof *c->hchild);
    c->ochild = cl_calloc(on + 1, sizeof *c->ochild);
    c->upns = cl_calloc(hn + 1, sizeof *c->upns);
    c->upn_dup = cl_calloc(hn + 1, 1);
    c->h_dup = cl_calloc(hn + 1, 1);
    c->o_dup = cl_calloc(on + 1, 1);
    for (int i = 0; i < nh; i++) {
        c->hdob[i] = s903_parse_date(h[i].dob);
        c->hchild[i] = h[i].child ? h[i].child : "";
        c->upns[i] = h[i].upn ? h[i].upn : "";
        skip[i] = blank(c->upns[i]) || cl_upn_unknown(c->upns[i]);
    }
    for (int i = 0; i < no; i++) {
        c->odob[i] = s903_parse_date(o[i].dob);
        c->ochild[i] = o[i].child ? o[i].child : "";
    }
    c->hc = (struct col){c->hchild, NULL, nh};
    c->oc = (struct col){c->ochild, NULL, no};
    c->uc = (struct col){c->upns, NULL, nh};
    col_sort(&c->hc);
    col_sort(&c->oc);
    col_sort(&c->uc);
    for (int i = 0; i < no; i++)
        c->ohead[i] = col_find(&c->hc, c->ochild[i]);
    col_mark_duplicates(&c->uc, skip, c->upn_dup);
    col_mark_duplicates(&c->hc, NULL, c->h_dup);
    col_mark_duplicates(&c->oc, NULL, c->o_dup);
    free(skip);
}

static void
ctx_free(struct s903_ctx *c)
{
    free(c->hc.idx);
    free(c->oc.idx);
    free(c->uc.idx);
    free(c->hdob);
    free(c->odob);
    free(c->ohead);
    free(c->hchild);
    free(c->ochild);
    free(c->upns);
    free(c->upn_dup);
    free(c->h_dup);
    free(c->o_dup);
}

/* ---- the rules: each says whether row i of its file breaks it ---------------------------- */

static int
r101(const struct s903_ctx *c, int i)
{
    static const char *const codes[] = {"M", "F", "U", NULL}, *const old[] = {"1", "2", NULL};

    return !in_list(c->h[i].sex, c->new_sex ? codes : old);
}

static int
r102(const struct s903_ctx *c, int i)
{
    return c->hdob[i] < 0;
}

static int
r103(const struct s903_ctx *c, int i)
{
    return !in_list(c->h[i].ethnic, cl_codes_ethnicity);
}

static int
r131(const struct s903_ctx *c, int i)
{
    return !in_list(c->o[i].in_touch, cl_codes_in_touch);
}

static int
r132(const struct s903_ctx *c, int i)
{
    return !in_list(c->o[i].activ, cl_codes_activity);
}

static int
r133(const struct s903_ctx *c, int i)
{
    return !in_list(c->o[i].accom, cl_codes_accommodation);
}

static int
r153(const struct s903_ctx *c, int i)
{
    int filled = !blank(c->o[i].in_touch) + !blank(c->o[i].activ) + !blank(c->o[i].accom);

    return filled != 0 && filled != 3;
}

static int
r168(const struct s903_ctx *c, int i)
{
    return !blank(c->h[i].upn) && !cl_upn_ok(c->h[i].upn);
}

static int
r171(const struct s903_ctx *c, int i)
{
    return !blank(c->h[i].mc_dob) && s903_parse_date(c->h[i].mc_dob) < 0;
}

static int
r174(const struct s903_ctx *c, int i)
{
    return is(c->h[i].sex, c->male) && !blank(c->h[i].mc_dob);
}

static int
r209(const struct s903_ctx *c, int i)
{
    return is(c->h[i].upn, "UN1") && c->hdob[i] >= 0 && s903_add_years(c->hdob[i], 4) <= c->aug31;
}

static int
r232(const struct s903_ctx *c, int i)
{
    return c->new_sex && is(c->h[i].sex, "U");
}

static int
r301(const struct s903_ctx *c, int i)
{
    return c->hdob[i] > c->end;
}

/* A code other than "not applicable" (0) recorded. */
static int
coded(const char *s)
{
    return !blank(s) && !is(s, "0");
}

static int
r344(const struct s903_ctx *c, int i)
{
    const struct s903_oc3 *o = &c->o[i];

    return (is(o->in_touch, "DIED") || is(o->in_touch, "RHOM")) &&
           (coded(o->activ) || coded(o->accom));
}

/* Names ACTIV (1) when it is 0, else ACCOM (2). */
static int
r345(const struct s903_ctx *c, int i)
{
    const struct s903_oc3 *o = &c->o[i];

    if (!is(o->in_touch, "YES") || !(is(o->activ, "0") || is(o->accom, "0")))
        return 0;
    return is(o->activ, "0") ? 1 : 2;
}

static int
r347(const struct s903_ctx *c, int i)
{
    const char *accom = c->o[i].accom;

    return accom && toupper((unsigned char)accom[0]) == 'T' && c->odob[i] >= 0 &&
           s903_add_years(c->odob[i], 18) > c->start;
}

static int
r351(const struct s903_ctx *c, int i)
{
    return c->hdob[i] >= 0 && s903_add_years(c->hdob[i], 25) < c->start;
}

static int
r391(const struct s903_ctx *c, int i)
{
    const struct s903_oc3 *o = &c->o[i];

    return c->odob[i] >= 0 && s903_add_years(c->odob[i], 17) > c->end &&
           (!blank(o->in_touch) || !blank(o->activ) || !blank(o->accom));
}

static int
r444(const struct s903_ctx *c, int i)
{
    return c->upn_dup[i];
}

static int
r611(const struct s903_ctx *c, int i)
{
    return is(c->h[i].mother, "1") && blank(c->h[i].mc_dob);
}

static int
r612(const struct s903_ctx *c, int i)
{
    const struct s903_header *h = &c->h[i];

    return is(h->sex, c->female) && (blank(h->mother) || is(h->mother, "0")) && !blank(h->mc_dob);
}

static int
r620(const struct s903_ctx *c, int i)
{
    return is(c->h[i].mother, "1") && c->hdob[i] >= 0 && s903_add_years(c->hdob[i], 11) > c->start;
}

static int
r621(const struct s903_ctx *c, int i)
{
    long mc = blank(c->h[i].mc_dob) ? -1 : s903_parse_date(c->h[i].mc_dob);

    return mc >= 0 && c->hdob[i] >= 0 && mc <= c->hdob[i];
}

static int
r3001(const struct s903_ctx *c, int i)
{
    int hi = c->ohead[i];
    long d17 = hi >= 0 && c->hdob[hi] >= 0 ? s903_add_years(c->hdob[hi], 17) : -1;

    return (is(c->o[i].accom, "Z1") || is(c->o[i].accom, "Z2")) && d17 >= c->start && d17 <= c->end;
}

static int
rEPI(const struct s903_ctx *c, int i)
{
    return col_find(&c->oc, c->hchild[i]) < 0;
}

static int
rINT06(const struct s903_ctx *c, int i)
{
    return c->ohead[i] < 0;
}

static int
rINT15(const struct s903_ctx *c, int i)
{
    int hi = c->ohead[i];
    const char *odob = c->o[i].dob, *hdob;

    if (hi < 0)
        return 0;
    if (c->odob[i] >= 0 && c->hdob[hi] >= 0)
        return c->odob[i] != c->hdob[hi];
    hdob = c->h[hi].dob;
    return strcmp(odob ? odob : "", hdob ? hdob : "") != 0;
}

static int
rCHILD(const struct s903_ctx *c, int i)
{
    return !cl_child_id_ok(c->h[i].child);
}

static int
rINT32(const struct s903_ctx *c, int i)
{
    return c->h_dup[i];
}

static int
rINT34(const struct s903_ctx *c, int i)
{
    return c->o_dup[i];
}

#define H S903_HEADER
#define O S903_OC3
#define E 0 /* an error */
#define W 1 /* a warning */

const struct s903_rule s903_rules[] = {
    {"101", H, {"SEX"}, E, "The reported sex is not valid.", r101},
    {"102", H, {"DOB"}, E, "Date of birth is not a valid date (dd/mm/yyyy).", r102},
    {"103", H, {"ETHNIC"}, E, "The ethnicity code is not valid.", r103},
    {"131",
     O,
     {"IN_TOUCH"},
     E,
     "Data entry for being in touch after leaving care is invalid.",
     r131},
    {"132", O, {"ACTIV"}, E, "Data entry for activity after leaving care is invalid.", r132},
    {"133", O, {"ACCOM"}, E, "Data entry for accommodation after leaving care is invalid.", r133},
    {"153",
     O,
     {"IN_TOUCH"},
     E,
     "All data items on activity and accommodation after leaving care must be coded or all left "
     "blank.",
     r153},
    {"168", H, {"UPN"}, E, "UPN is not valid; if unknown use UN1, UN2, UN3, UN4 or UN5.", r168},
    {"171", H, {"MC_DOB"}, E, "Date of birth of the mother's child is not a valid date.", r171},
    {"174",
     H,
     {"MC_DOB"},
     E,
     "Mother's child's date of birth is recorded but sex shows a male.",
     r174},
    {"209",
     H,
     {"UPN"},
     E,
     "Young person is of school age and should not have the unknown UPN code UN1.",
     r209},
    {"232", H, {"SEX"}, W, "Sex is recorded as unknown (U): check it before submitting.", r232},
    {"301", H, {"DOB"}, E, "Date of birth falls after the end of the collection year.", r301},
    {"344",
     O,
     {"IN_TOUCH"},
     E,
     "The young person has died or returned home: activity and accommodation must be 0.",
     r344},
    {"345",
     O,
     {"ACTIV", "ACCOM"},
     E,
     "The authority is in touch with the young person: activity and accommodation must be "
     "known, not 0.",
     r345},
    {"347", O, {"ACCOM"}, E, "Care leavers under 18 cannot be accommodated in a foyer.", r347},
    {"351", H, {"DOB"}, E, "Young person was over 25 at the start of the collection year.", r351},
    {"391",
     O,
     {"DOB"},
     E,
     "Care leaver information is only for young people who are at least 17 by the end of the "
     "collection year.",
     r391},
    {"444", H, {"UPN"}, E, "Duplicate UPN reported.", r444},
    {"611",
     H,
     {"MC_DOB"},
     E,
     "Young person is recorded as a mother but the child's date of birth is missing.",
     r611},
    {"612",
     H,
     {"MOTHER"},
     E,
     "A child's date of birth is recorded but MOTHER says she is not a mother.",
     r612},
    {"620",
     H,
     {"MOTHER"},
     E,
     "Recorded as a mother but under 11 at the start of the collection year.",
     r620},
    {"621", H, {"MC_DOB"}, E, "The mother's child's date of birth is not after her own.", r621},
    {"3001",
     O,
     {"ACCOM"},
     E,
     "Around the 17th birthday the accommodation cannot be with former foster carers (staying "
     "put starts at 18).",
     r3001},
    {"CHILD",
     H,
     {"CHILD"},
     E,
     "CHILD is not the authority's identifier of 1 to 10 letters and digits.",
     rCHILD},
    {"EPI",
     H,
     {"CHILD"},
     W,
     "Header row with neither episodes nor care leaver (OC3) information.",
     rEPI},
    {"INT06", O, {"CHILD"}, E, "Care leaver is not in the Header.", rINT06},
    {"INT15", O, {"DOB"}, E, "Date of birth in OC3 differs from the Header.", rINT15},
    {"INT32", H, {"CHILD"}, E, "Child appears more than once in Header.", rINT32},
    {"INT34", O, {"CHILD"}, E, "Child appears more than once in OC3.", rINT34},
};

#define NRULES (int)(sizeof s903_rules / sizeof s903_rules[0])
const int s903_rules_count = NRULES;

const char *s903_rule_ids[NRULES + 1];

/* s903_rule_ids from the table, before main runs. */
__attribute__((constructor)) static void
fill_rule_ids(void)
{
    for (int i = 0; i < NRULES; i++)
        s903_rule_ids[i] = s903_rules[i].code;
}

const char *
s903_file_name(enum s903_file file)
{
    return file == S903_OC3 ? "OC3" : "Header";
}

static void
run(const struct s903_rule *r, const struct s903_ctx *c, struct s903_issues *out)
{
    int n = r->file == S903_OC3 ? c->no : c->nh;

    for (int i = 0; i < n; i++) {
        int which = r->check(c, i);

        if (which)
            add(out, r->code, r->warning, s903_file_name(r->file),
                r->file == S903_OC3 ? c->o[i].child : c->h[i].child, r->fields[which - 1],
                r->message);
    }
}

void
s903_validate_rule(const struct s903_rule *rule, int year, const struct s903_header *h, int nh,
                   const struct s903_oc3 *o, int no, struct s903_issues *out)
{
    struct s903_ctx c;

    ctx_init(&c, year, h, nh, o, no);
    run(rule, &c, out);
    ctx_free(&c);
}

void
s903_validate(int year, const struct s903_header *h, int nh, const struct s903_oc3 *o, int no,
              struct s903_issues *out)
{
    struct s903_ctx c;

    ctx_init(&c, year, h, nh, o, no);
    for (int r = 0; r < NRULES; r++)
        run(&s903_rules[r], &c, out);
    ctx_free(&c);
}

void
s903_issues_free(struct s903_issues *issues)
{
    free(issues->items);
    memset(issues, 0, sizeof *issues);
}
