/* The DfE code lists and identifier rules, once for the api's validation and the worker's
 * SSDA903 rules. The schema holds the same lists (lookup tables ssda903_activities and
 * ssda903_accommodation_types, the CHECK constraints on care_leavers.ethnicity, .category, .upn
 * and .la_child_id); tests/integration/test_codes.c reads the schema and fails when the two
 * disagree, so a list changed on one side only does not reach main.
 *
 * Compiled in rather than read from the database at start-up: the rules stay pure functions
 * (the SSDA903 rules are unit-tested without a database), the api's field tables stay static,
 * and neither program depends on the migrations having run before it can start. The lists
 * change with a DfE collection year, which is a migration and an edit here in one commit. */
#ifndef CL_CODES_H
#define CL_CODES_H

/* NULL-terminated lists, compared exactly (the api) or ASCII case-insensitively (the return's
 * cells, as DfE's tools upper-case them). */
extern const char *const cl_codes_ethnicity[]; /* Header ETHNIC; care_leavers.ethnicity */
extern const char *const cl_codes_category[];  /* legal status; care_leavers.category */
/* OC3 ACTIV: the codes of ssda903_activities, then "0" (not known), which the return writes
 * when there is no activity and so is not a row of that table. */
extern const char *const cl_codes_activity[];
/* OC3 ACCOM: a letter of ssda903_accommodation_types with 1 (suitable, only where
 * may_be_suitable) or 2 (not suitable), then "0" (not known), as cl_codes_activity. */
extern const char *const cl_codes_accommodation[];
/* OC3 IN_TOUCH: derived by the return's SQL, held in no table. */
extern const char *const cl_codes_in_touch[];

/* The schema's CHECK on care_leavers.upn and .la_child_id, as PostgreSQL regular expressions;
 * tests/integration/test_codes.c checks the live constraints say exactly this. */
#define CL_UPN_PATTERN "^([A-HJ-NPQRT-Z][0-9]{11}[0-9A-Z]|UN[1-5])$"
#define CL_CHILD_ID_PATTERN "^[A-Za-z0-9]{1,10}$"

/* 1 when s is a Unique Pupil Number DfE accepts (SSDA903 rule 168): a letter other than I, O
 * or S, 11 digits, then a digit or a letter; or UN1 to UN5 when it is not known. Either case:
 * it is CL_UPN_PATTERN applied to s upper-cased (the api stores it upper-cased; DfE's tools
 * upper-case every cell). */
int cl_upn_ok(const char *s);
/* 1 when s is one of the unknown-UPN codes UN1 to UN5 (either case). */
int cl_upn_unknown(const char *s);
/* 1 when s is an SSDA903 CHILD identifier: 1 to 10 ASCII letters and digits
 * (CL_CHILD_ID_PATTERN). */
int cl_child_id_ok(const char *s);

#endif
