/* board_report parameters: validation and decoding (see cl_jobspec_board.h). */
#include "cl_jobspec_board.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_jobspec.h"
#include "cl_mem.h"
#include "cl_role.h"
#include "cl_validate.h"

const char *const cl_board_formats[] = {"json", "csv", "html", "pdf", NULL};

/* 1 when the array holds the same string twice. */
static int
has_repeats(const cJSON *arr)
{
    for (const cJSON *a = arr->child; a; a = a->next)
        for (const cJSON *b = a->next; b; b = b->next)
            if (cJSON_IsString(a) && cJSON_IsString(b) &&
                strcmp(a->valuestring, b->valuestring) == 0)
                return 1;
    return 0;
}

static int
is_format(const char *s)
{
    for (const char *const *f = cl_board_formats; *f; f++)
        if (strcmp(*f, s) == 0)
            return 1;
    return 0;
}

/* The checks cl_validate cannot express: array contents and the order of the two dates. Each
 * runs only when cl_validate found nothing wrong with the fields it looks at, so a field is
 * reported once. */
static void
check_arrays_and_dates(const cJSON *params, cJSON *errors)
{
    const cJSON *as_at = cJSON_GetObjectItemCaseSensitive(params, "as_at");
    const cJSON *cmp = cJSON_GetObjectItemCaseSensitive(params, "compare_to");
    const cJSON *districts = cJSON_GetObjectItemCaseSensitive(params, "districts");
    const cJSON *formats = cJSON_GetObjectItemCaseSensitive(params, "formats");

    if (cJSON_IsArray(districts) && !cl_validate_has(errors, "districts")) {
        int n = cJSON_GetArraySize(districts);

        if (n == 0)
            cl_validate_add(errors, "districts",
                            "must name at least one district (omit it for every district)");
        else if (n > CL_BOARD_MAX_DISTRICTS)
            cl_validate_add(errors, "districts", "must name at most 50 districts");
        else if (has_repeats(districts))
            cl_validate_add(errors, "districts", "must not name a district twice");
    }
    if (cJSON_IsArray(formats) && !cl_validate_has(errors, "formats")) {
        int bad = 0;

        for (const cJSON *f = formats->child; f; f = f->next)
            bad |= !cJSON_IsString(f) || !is_format(f->valuestring);
        if (bad)
            cl_validate_add(errors, "formats", "must hold only json, csv, html or pdf");
        else if (cJSON_GetArraySize(formats) == 0)
            cl_validate_add(errors, "formats", "must name at least one format");
        else if (has_repeats(formats))
            cl_validate_add(errors, "formats", "must not name a format twice");
    }
    if (!cl_validate_has(errors, "as_at") && !cl_validate_has(errors, "compare_to") &&
        cJSON_IsString(as_at) && cJSON_IsString(cmp) &&
        strcmp(cmp->valuestring, as_at->valuestring) >= 0)
        cl_validate_add(errors, "compare_to", "must be before as_at");
}

int
cl_board_quarter_end(const char *ymd)
{
    return strlen(ymd) == 10 && (strcmp(ymd + 4, "-03-31") == 0 || strcmp(ymd + 4, "-06-30") == 0 ||
                                 strcmp(ymd + 4, "-09-30") == 0 || strcmp(ymd + 4, "-12-31") == 0);
}

void
cl_board_year_from(const char *ymd, char out[11])
{
    unsigned year = (unsigned)strtol(ymd, NULL, 10) % 10000u;
    unsigned month = (unsigned)strtol(ymd + 5, NULL, 10) % 12u + 1u;

    /* the day after the quarter end a year earlier: the first of the next month */
    snprintf(out, 11, "%04u-%02u-01", month == 1 ? year : (year + 9999u) % 10000u, month);
}

/* The board role's fixed form (see cl_jobspec_board.h); each field reported once. */
static void
check_board_form(const cJSON *params, cJSON *errors)
{
    const cJSON *as_at = cJSON_GetObjectItemCaseSensitive(params, "as_at");

    if (cJSON_IsString(as_at) && !cl_validate_has(errors, "as_at") &&
        !cl_board_quarter_end(as_at->valuestring))
        cl_validate_add(errors, "as_at",
                        "must be a quarter end (31 March, 30 June, 30 September or 31 December) "
                        "for the board role");
    if (cJSON_GetObjectItemCaseSensitive(params, "compare_to") &&
        !cl_validate_has(errors, "compare_to"))
        cl_validate_add(errors, "compare_to",
                        "is not for the board role: its reports compare with a year earlier");
    if (cJSON_GetObjectItemCaseSensitive(params, "districts") &&
        !cl_validate_has(errors, "districts"))
        cl_validate_add(errors, "districts",
                        "is not for the board role: its reports cover every district, each in "
                        "the breakdown");
}

void
cl_jobspec_board_validate(const cJSON *params, const char *role, cJSON *errors)
{
    static const struct cl_field fields[] = {
        {"as_at", CL_F_DATE, CL_F_REQUIRED | CL_F_NOFUTURE},
        {"compare_to", CL_F_DATE, CL_F_NOFUTURE},
        {"board_date", CL_F_DATE},
        {"districts", CL_F_STRINGS, 0, 1, 100},
        {"formats", CL_F_STRINGS, 0, 1, 200},
        {NULL},
    };

    cl_validate(params, fields, CL_V_CREATE, errors);
    if (cJSON_IsObject(params))
        check_arrays_and_dates(params, errors);
    if (cJSON_IsObject(params) && cl_role_from_name(role) == CL_ROLE_BOARD)
        check_board_form(params, errors);
}

static void
copy_date(char out[11], const cJSON *params, const char *name, const char *def)
{
    const cJSON *v = cJSON_GetObjectItemCaseSensitive(params, name);

    snprintf(out, 11, "%s", cJSON_IsString(v) ? v->valuestring : def);
}

void
cl_jobspec_board_decode(const cJSON *params, const char *role, const struct cl_config *cfg,
                        void *out, cJSON *errors)
{
    struct cl_board_params *p = out;
    const cJSON *d = cJSON_GetObjectItemCaseSensitive(params, "districts");
    const cJSON *f = cJSON_GetObjectItemCaseSensitive(params, "formats");
    int before = cJSON_GetArraySize(errors);

    (void)cfg;
    cl_jobspec_board_validate(params, role, errors);
    if (cJSON_GetArraySize(errors) != before)
        return;
    copy_date(p->as_at, params, "as_at", "");
    copy_date(p->compare_to, params, "compare_to", "");
    copy_date(p->board_date, params, "board_date", p->as_at);
    if (cJSON_IsArray(d) && cJSON_GetArraySize(d) > 0) {
        const cJSON *e;

        p->districts = cl_calloc((size_t)cJSON_GetArraySize(d), sizeof *p->districts);
        cJSON_ArrayForEach(e, d)
        {
            if (cJSON_IsString(e))
                p->districts[p->ndistricts++] = cl_strdup(e->valuestring);
        }
    }
    for (int i = 0; cl_board_formats[i]; i++) {
        const cJSON *e;
        int wanted = !cJSON_IsArray(f);

        cJSON_ArrayForEach(e, f)
        {
            if (cJSON_IsString(e) && strcmp(e->valuestring, cl_board_formats[i]) == 0)
                wanted = 1;
        }
        if (wanted)
            p->formats |= 1u << i;
    }
}

void
cl_jobspec_board_free(void *params)
{
    struct cl_board_params *p = params;

    for (int i = 0; i < p->ndistricts; i++)
        free(p->districts[i]);
    free(p->districts);
}

int
cl_board_params_wants(const struct cl_board_params *p, const char *format)
{
    for (int i = 0; cl_board_formats[i]; i++)
        if (strcmp(cl_board_formats[i], format) == 0)
            return (p->formats >> i) & 1u;
    return 0;
}

/* Requested by the board, managers, admins and services; the board sees only its own. */
static const struct cl_jobspec board_report = {
    "board_report",
    CL_ROLE_BOARD | CL_ROLE_MANAGER | CL_ROLE_ADMIN | CL_ROLE_SERVICE,
    CL_ROLE_BOARD,
    sizeof(struct cl_board_params),
    cl_jobspec_board_decode,
    cl_jobspec_board_free,
    NULL,
};
CL_JOBSPEC_REGISTER(board_report);
