/* The Header + OC3 validation rules (see ssda903_rules.h). Each rule is a loop over the rows in
 * file order; the cross-row rules (duplicates, a child in one file but not the other) use
 * sorted indexes, so a return of 100 000 young people is checked in well under a second. */
#include "ssda903_rules.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

#include "cl_codes.h"
#include "cl_mem.h"

const char *const s903_rule_ids[] = {
    "101", "102", "103", "131",  "132", "133",   "153",   "168",   "171",   "174",
    "209", "232", "301", "344",  "345", "347",   "351",   "391",   "444",   "611",
    "612", "620", "621", "3001", "EPI", "INT06", "INT15", "INT32", "INT34", NULL,
};

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

/* ---- the rules --------------------------------------------------------------------------- */

#define H "Header"
#define O "OC3"

void
s903_validate(int year, const struct s903_header *h, int nh, const struct s903_oc3 *o, int no,
              struct s903_issues *out)
{
    size_t hn = nh > 0 ? (size_t)nh : 0, on = no > 0 ? (size_t)no : 0;
    size_t fn = (hn > on ? hn : on) + 1;
    long start = s903_days(year - 1, 4, 1), end = s903_days(year, 3, 31);
    long aug31 = s903_days(year - 2, 8, 31); /* 209: 31 August of the year before the start */
    int new_sex = year >= 2025;              /* M/F/U from the 2024/25 collection */
    const char *male = new_sex ? "M" : "1", *female = new_sex ? "F" : "2";
    long *hdob = cl_calloc(hn + 1, sizeof *hdob);
    long *odob = cl_calloc(on + 1, sizeof *odob);
    int *ohead = cl_calloc(on + 1, sizeof *ohead); /* the Header row of each OC3 row, or -1 */
    const char **hchild = cl_calloc(hn + 1, sizeof *hchild);
    const char **ochild = cl_calloc(on + 1, sizeof *ochild);
    const char **upns = cl_calloc(hn + 1, sizeof *upns);
    unsigned char *flag = cl_calloc(fn, 1);
    unsigned char *skip = cl_calloc(hn + 1, 1);
    struct col hc, oc, uc;
    int i;

    for (i = 0; i < nh; i++) {
        hdob[i] = s903_parse_date(h[i].dob);
        hchild[i] = h[i].child ? h[i].child : "";
        upns[i] = h[i].upn ? h[i].upn : "";
        skip[i] = blank(upns[i]) || cl_upn_unknown(upns[i]);
    }
    for (i = 0; i < no; i++) {
        odob[i] = s903_parse_date(o[i].dob);
        ochild[i] = o[i].child ? o[i].child : "";
    }
    hc = (struct col){hchild, NULL, nh};
    oc = (struct col){ochild, NULL, no};
    uc = (struct col){upns, NULL, nh};
    col_sort(&hc);
    col_sort(&oc);
    col_sort(&uc);
    for (i = 0; i < no; i++)
        ohead[i] = col_find(&hc, ochild[i]);

    for (i = 0; i < nh; i++)
        if (!(new_sex ? in_list(h[i].sex, (const char *const[]){"M", "F", "U", NULL})
                      : in_list(h[i].sex, (const char *const[]){"1", "2", NULL})))
            add(out, "101", 0, H, h[i].child, "SEX", "The reported sex is not valid.");
    for (i = 0; i < nh; i++)
        if (hdob[i] < 0)
            add(out, "102", 0, H, h[i].child, "DOB",
                "Date of birth is not a valid date (dd/mm/yyyy).");
    for (i = 0; i < nh; i++)
        if (!in_list(h[i].ethnic, cl_codes_ethnicity))
            add(out, "103", 0, H, h[i].child, "ETHNIC", "The ethnicity code is not valid.");
    for (i = 0; i < no; i++)
        if (!in_list(o[i].in_touch, cl_codes_in_touch))
            add(out, "131", 0, O, o[i].child, "IN_TOUCH",
                "Data entry for being in touch after leaving care is invalid.");
    for (i = 0; i < no; i++)
        if (!in_list(o[i].activ, cl_codes_activity))
            add(out, "132", 0, O, o[i].child, "ACTIV",
                "Data entry for activity after leaving care is invalid.");
    for (i = 0; i < no; i++)
        if (!in_list(o[i].accom, cl_codes_accommodation))
            add(out, "133", 0, O, o[i].child, "ACCOM",
                "Data entry for accommodation after leaving care is invalid.");
    for (i = 0; i < no; i++) {
        int filled = !blank(o[i].in_touch) + !blank(o[i].activ) + !blank(o[i].accom);

        if (filled != 0 && filled != 3)
            add(out, "153", 0, O, o[i].child, "IN_TOUCH",
                "All data items on activity and accommodation after leaving care must be "
                "coded or all left blank.");
    }
    for (i = 0; i < nh; i++)
        if (!blank(h[i].upn) && !cl_upn_ok(h[i].upn))
            add(out, "168", 0, H, h[i].child, "UPN",
                "UPN is not valid; if unknown use UN1, UN2, UN3, UN4 or UN5.");
    for (i = 0; i < nh; i++)
        if (!blank(h[i].mc_dob) && s903_parse_date(h[i].mc_dob) < 0)
            add(out, "171", 0, H, h[i].child, "MC_DOB",
                "Date of birth of the mother's child is not a valid date.");
    for (i = 0; i < nh; i++)
        if (is(h[i].sex, male) && !blank(h[i].mc_dob))
            add(out, "174", 0, H, h[i].child, "MC_DOB",
                "Mother's child's date of birth is recorded but sex shows a male.");
    for (i = 0; i < nh; i++)
        if (is(h[i].upn, "UN1") && hdob[i] >= 0 && s903_add_years(hdob[i], 4) <= aug31)
            add(out, "209", 0, H, h[i].child, "UPN",
                "Young person is of school age and should not have the unknown UPN code UN1.");
    for (i = 0; i < nh; i++)
        if (new_sex && is(h[i].sex, "U"))
            add(out, "232", 1, H, h[i].child, "SEX",
                "Sex is recorded as unknown (U): check it before submitting.");
    for (i = 0; i < nh; i++)
        if (hdob[i] > end)
            add(out, "301", 0, H, h[i].child, "DOB",
                "Date of birth falls after the end of the collection year.");
    for (i = 0; i < no; i++)
        if ((is(o[i].in_touch, "DIED") || is(o[i].in_touch, "RHOM")) &&
            ((!blank(o[i].activ) && !is(o[i].activ, "0")) ||
             (!blank(o[i].accom) && !is(o[i].accom, "0"))))
            add(out, "344", 0, O, o[i].child, "IN_TOUCH",
                "The young person has died or returned home: activity and accommodation "
                "must be 0.");
    for (i = 0; i < no; i++)
        if (is(o[i].in_touch, "YES") && (is(o[i].activ, "0") || is(o[i].accom, "0")))
            add(out, "345", 0, O, o[i].child, is(o[i].activ, "0") ? "ACTIV" : "ACCOM",
                "The authority is in touch with the young person: activity and accommodation "
                "must be known, not 0.");
    for (i = 0; i < no; i++)
        if (o[i].accom && toupper((unsigned char)o[i].accom[0]) == 'T' && odob[i] >= 0 &&
            s903_add_years(odob[i], 18) > start)
            add(out, "347", 0, O, o[i].child, "ACCOM",
                "Care leavers under 18 cannot be accommodated in a foyer.");
    for (i = 0; i < nh; i++)
        if (hdob[i] >= 0 && s903_add_years(hdob[i], 25) < start)
            add(out, "351", 0, H, h[i].child, "DOB",
                "Young person was over 25 at the start of the collection year.");
    for (i = 0; i < no; i++)
        if (odob[i] >= 0 && s903_add_years(odob[i], 17) > end &&
            (!blank(o[i].in_touch) || !blank(o[i].activ) || !blank(o[i].accom)))
            add(out, "391", 0, O, o[i].child, "DOB",
                "Care leaver information is only for young people who are at least 17 by the "
                "end of the collection year.");
    col_mark_duplicates(&uc, skip, flag);
    for (i = 0; i < nh; i++)
        if (flag[i])
            add(out, "444", 0, H, h[i].child, "UPN", "Duplicate UPN reported.");
    for (i = 0; i < nh; i++)
        if (is(h[i].mother, "1") && blank(h[i].mc_dob))
            add(out, "611", 0, H, h[i].child, "MC_DOB",
                "Young person is recorded as a mother but the child's date of birth is missing.");
    for (i = 0; i < nh; i++)
        if (is(h[i].sex, female) && (blank(h[i].mother) || is(h[i].mother, "0")) &&
            !blank(h[i].mc_dob))
            add(out, "612", 0, H, h[i].child, "MOTHER",
                "A child's date of birth is recorded but MOTHER says she is not a mother.");
    for (i = 0; i < nh; i++)
        if (is(h[i].mother, "1") && hdob[i] >= 0 && s903_add_years(hdob[i], 11) > start)
            add(out, "620", 0, H, h[i].child, "MOTHER",
                "Recorded as a mother but under 11 at the start of the collection year.");
    for (i = 0; i < nh; i++) {
        long mc = blank(h[i].mc_dob) ? -1 : s903_parse_date(h[i].mc_dob);

        if (mc >= 0 && hdob[i] >= 0 && mc <= hdob[i])
            add(out, "621", 0, H, h[i].child, "MC_DOB",
                "The mother's child's date of birth is not after her own.");
    }
    for (i = 0; i < no; i++) {
        int hi = ohead[i];
        long d17 = hi >= 0 && hdob[hi] >= 0 ? s903_add_years(hdob[hi], 17) : -1;

        if ((is(o[i].accom, "Z1") || is(o[i].accom, "Z2")) && d17 >= start && d17 <= end)
            add(out, "3001", 0, O, o[i].child, "ACCOM",
                "Around the 17th birthday the accommodation cannot be with former foster "
                "carers (staying put starts at 18).");
    }
    for (i = 0; i < nh; i++)
        if (col_find(&oc, hchild[i]) < 0)
            add(out, "EPI", 1, H, h[i].child, "CHILD",
                "Header row with neither episodes nor care leaver (OC3) information.");
    for (i = 0; i < no; i++)
        if (ohead[i] < 0)
            add(out, "INT06", 0, O, o[i].child, "CHILD", "Care leaver is not in the Header.");
    for (i = 0; i < no; i++) {
        int hi = ohead[i];

        if (hi >= 0 && (odob[i] >= 0 && hdob[hi] >= 0
                            ? odob[i] != hdob[hi]
                            : strcmp(o[i].dob ? o[i].dob : "", h[hi].dob ? h[hi].dob : "")))
            add(out, "INT15", 0, O, o[i].child, "DOB",
                "Date of birth in OC3 differs from the Header.");
    }
    memset(flag, 0, fn);
    col_mark_duplicates(&hc, NULL, flag);
    for (i = 0; i < nh; i++)
        if (flag[i])
            add(out, "INT32", 0, H, h[i].child, "CHILD", "Child appears more than once in Header.");
    memset(flag, 0, fn);
    col_mark_duplicates(&oc, NULL, flag);
    for (i = 0; i < no; i++)
        if (flag[i])
            add(out, "INT34", 0, O, o[i].child, "CHILD", "Child appears more than once in OC3.");

    free(hc.idx);
    free(oc.idx);
    free(uc.idx);
    free(hdob);
    free(odob);
    free(ohead);
    free(hchild);
    free(ochild);
    free(upns);
    free(flag);
    free(skip);
}

void
s903_issues_free(struct s903_issues *issues)
{
    free(issues->items);
    memset(issues, 0, sizeof *issues);
}
