/* Declarative validation of decoded JSON request bodies. Each resource lists its fields once
 * (name, type, flags, bounds, allowed codes); cl_validate checks a body against that list and
 * appends one {"field", "message"} entry per problem, so a client learns every bad field at
 * once. Cross-field rules that need the database live in SQL. */
#ifndef CL_VALIDATE_H
#define CL_VALIDATE_H

#include <cjson/cJSON.h>

enum cl_ftype {
    CL_F_STRING, /* min..max characters (max 0: 200) */
    CL_F_DATE,   /* YYYY-MM-DD, a real calendar date */
    CL_F_BOOL,
    CL_F_INT,    /* integer from min to max */
    CL_F_NUMBER, /* number from min to max */
    CL_F_UUID,
    CL_F_ENUM, /* one of choices */
    CL_F_EMAIL,
    CL_F_PHONE,    /* UK-style: digits, spaces, +, 10-15 digits */
    CL_F_POSTCODE, /* UK postcode */
    CL_F_STRINGS,  /* array of strings, each min..max characters */
    CL_F_OBJECT,   /* any JSON object (validated elsewhere) */
    CL_F_ARRAY,    /* a JSON array of min..max items of any kind (validated elsewhere) */
};

enum {
    CL_F_REQUIRED = 1, /* must be present on create */
    CL_F_READONLY = 2, /* server-set: refused in any request body */
    CL_F_NULLABLE = 4, /* null accepted (clears the value) */
    CL_F_NOPAST = 8,   /* a date not in the past */
    CL_F_NOFUTURE = 16 /* a date not in the future */
};

struct cl_field {
    const char *name;
    enum cl_ftype type;
    unsigned flags;
    double min, max;
    const char *const *choices; /* CL_F_ENUM: NULL-terminated list */
};

enum cl_vmode { CL_V_CREATE, CL_V_PATCH };

/* Checks body against the NULL-name-terminated fields. Appends problems to errors (a cJSON
 * array the caller owns). Returns the number of problems found. */
int cl_validate(const cJSON *body, const struct cl_field *fields, enum cl_vmode mode,
                cJSON *errors);

/* Appends {"field": field, "message": message} to errors. */
void cl_validate_add(cJSON *errors, const char *field, const char *message);
/* Appends one entry per "field: message" pair of list, the pairs separated by "; " and each
 * field a snake_case name, as our SQL functions word a CL422 (schema/functions/base.sql). Returns
 * 0, or -1 with errors unchanged when list is not in that form. */
int cl_validate_add_pairs(cJSON *errors, const char *list);
/* 1 when errors (NULL: none) already holds an entry for field, for the checks a resource adds
 * after cl_validate so that a field is reported once. */
int cl_validate_has(const cJSON *errors, const char *field);

/* 1 when s is a real YYYY-MM-DD date. */
int cl_date_valid(const char *s);
/* 1 when s is a canonical lower- or upper-case UUID text. */
int cl_uuid_valid(const char *s);
/* Today's date (UTC) as YYYY-MM-DD in out[11]. */
void cl_date_today(char out[11]);

#endif
