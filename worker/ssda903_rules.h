/* The DfE validation rules that run on the SSDA903 Header and OC3 files alone
 * (../shared/domain/ssda903.md §4: 29 rules), checked on the files' text exactly as DfE's
 * tools read it: every cell is text, an empty cell is missing, text is compared upper-cased and
 * dates are dd/mm/yyyy. Pure functions over caller-owned rows, so purpose-broken rows can be
 * checked directly (tests/unit/test_ssda903.c).
 *
 * Where the community validator's implementation departs from the rule as DfE words it, this
 * follows DfE's wording and says so: 347 (foyers for under-18s) compares the accommodation
 * letter T, so T1/T2 are caught; 351 uses the 25-year limit of the 2022/23-onwards collection. */
#ifndef CL_SSDA903_RULES_H
#define CL_SSDA903_RULES_H

#include <stddef.h>

/* One Header row; every field is the cell's text ("" when empty), borrowed. */
struct s903_header {
    const char *child, *sex, *dob, *ethnic, *upn, *mother, *mc_dob;
};

/* One OC3 row, as Header. */
struct s903_oc3 {
    const char *child, *dob, *in_touch, *activ, *accom;
};

struct s903_issue {
    const char *rule;    /* DfE rule id ("345", "INT06", ...) */
    int warning;         /* 1: a query to check, not an error that blocks the return */
    const char *file;    /* "Header" or "OC3" */
    const char *child;   /* the CHILD cell of the row (borrowed from the rows) */
    const char *field;   /* the field the rule is about */
    const char *message; /* what is wrong, in DfE's terms (static text) */
};

struct s903_issues {
    struct s903_issue *items;
    int n, cap;
    int errors, warnings;
};

/* A rule as a row of the table: the DfE code, the file whose rows it checks, the field an
 * issue names (check returns 1 for fields[0], 2 for fields[1], 0 when the row is sound), its
 * severity and DfE's message. */
enum s903_file { S903_HEADER, S903_OC3 };
struct s903_ctx; /* the rows and what the rules read from them, worked out once per return */
struct s903_rule {
    const char *code;
    enum s903_file file;
    const char *fields[2];
    int warning; /* 1: a query to check, not an error that blocks the return */
    const char *message;
    int (*check)(const struct s903_ctx *c, int row);
};

/* The rules, in the order their issues are reported (README.md lists them from this table). */
extern const struct s903_rule s903_rules[];
extern const int s903_rules_count;
/* The codes of s903_rules in order, NULL-terminated, for reports. */
extern const char *s903_rule_ids[];

/* "Header" or "OC3". */
const char *s903_file_name(enum s903_file file);

/* Checks the return for collection year `year` (the year ending 31 March). Appends to out,
 * which the caller zero-initialises and frees with s903_issues_free. Issues come in row
 * order within each rule, rules in s903_rule_ids order. */
void s903_validate(int year, const struct s903_header *h, int nh, const struct s903_oc3 *o, int no,
                   struct s903_issues *out);
/* As s903_validate, with one rule only. */
void s903_validate_rule(const struct s903_rule *rule, int year, const struct s903_header *h, int nh,
                        const struct s903_oc3 *o, int no, struct s903_issues *out);
void s903_issues_free(struct s903_issues *issues);

/* dd/mm/yyyy (day and month may have one digit) as days since 1970-01-01; -1 when s is not a
 * real date. */
long s903_parse_date(const char *s);
/* y-m-d as days since 1970-01-01 (m 1-12; d may run past the month, as mktime). */
long s903_days(int y, int m, int d);
/* The date n years after the day `days` (29 February -> 28 February in a common year, as
 * DfE's tools compute "DOB + n years"). */
long s903_add_years(long days, int n);

#endif
