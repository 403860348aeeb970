/* Writing the SSDA903 return's files from its rows: the Header and OC3 CSV files, the XML
 * file, the validation report (CSV and JSON) and the indicator summary (JSON). Pure functions
 * into a struct cl_buf, so tests can compare bytes.
 *
 * CSV: the DfE column order, a header line, RFC 4180 quoting (a cell holding a comma, a quote
 * or a line break is quoted, quotes doubled) and CRLF line ends.
 * XML: UTF-8, root EXPSSDA903, one CHILD per young person holding a HEADER (CHILDID, UPN,
 * SEX, DOB, ETHNIC, MOTHER, MC_DOB; empty items left out) and, for care leavers, the OC3
 * items IN_TOUCH, ACTIV and ACCOM as leaf elements of the CHILD; text escaped. */
#ifndef CL_SSDA903_RENDER_H
#define CL_SSDA903_RENDER_H

#include <cjson/cJSON.h>

#include "cl_buf.h"
#include "ssda903_rules.h"

/* Appends header.csv / oc3.csv for n rows. */
int s903_header_csv(struct cl_buf *b, const struct s903_header *h, int n) CL_WARN_UNUSED;
int s903_oc3_csv(struct cl_buf *b, const struct s903_oc3 *o, int n) CL_WARN_UNUSED;
/* Appends ssda903.xml: header row i goes with OC3 row i (o[i].child NULL: no OC3 items). */
int s903_xml(struct cl_buf *b, const struct s903_header *h, const struct s903_oc3 *o,
             int n) CL_WARN_UNUSED;
/* Appends the validation report as CSV (RULE,SEVERITY,FILE,CHILD,FIELD,MESSAGE). */
int s903_issues_csv(struct cl_buf *b, const struct s903_issues *issues) CL_WARN_UNUSED;
/* The validation report as JSON: {collection_year, status, errors, warnings, rules_checked,
 * issues: [{rule, severity, file, child, field, message}]}. Caller frees. */
cJSON *s903_issues_json(int year, const struct s903_issues *issues);

/* The return's own national indicators, computed as DfE does (domain doc §5) from the OC3
 * rows: for ages 17-18 and 19-21 (and each age 17 to 21) the cohort, DIED and RHOM left out of
 * the population, in touch, EET / NEET / not known with DfE's breakdown, and suitable /
 * unsuitable / no information over the population without G, H and R; for 22-25 year olds the
 * number who requested support out of every care leaver of that age (care_leavers_22_25[k]
 * for age 22+k, may be NULL) and the activity and accommodation of those reported. age[i] is
 * the age reached on the birthday in the year (= age on 31 March) of row i; cohort22[i] is 1
 * for the 22-25 rows. Caller frees. */
cJSON *s903_summary(int year, const struct s903_oc3 *o, const int *age, const int *cohort22, int n,
                    const long *care_leavers_22_25);

/* Percent as DfE publishes it: a whole number, rounded half up; -1 when den is 0. */
int s903_percent(long num, long den);

#endif
