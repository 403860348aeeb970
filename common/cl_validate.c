#include "cl_validate.h"

#include <ctype.h>
#include <math.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_json.h"

#define DEFAULT_MAX_LEN 200

void
cl_validate_add(cJSON *errors, const char *field, const char *message)
{
    cJSON *e = cJSON_CreateObject();

    cJSON_AddStringToObject(e, "field", field);
    cJSON_AddStringToObject(e, "message", message);
    cJSON_AddItemToArray(errors, e);
}

/* The length of the "field: " prefix of the pair at p (ending at end), or 0 when there is none. */
static size_t
pair_field_len(const char *p, const char *end)
{
    const char *colon = strstr(p, ": ");
    const char *q;

    if (colon == NULL || colon >= end || colon == p || !islower((unsigned char)*p))
        return 0;
    for (q = p; q < colon; q++)
        if (!islower((unsigned char)*q) && !isdigit((unsigned char)*q) && *q != '_')
            return 0;
    return (size_t)(colon - p);
}

static const char *
pair_end(const char *p)
{
    const char *end = strstr(p, "; ");

    return end ? end : p + strlen(p);
}

int
cl_validate_add_pairs(cJSON *errors, const char *list)
{
    const char *p, *end;

    if (*list == '\0')
        return -1;
    for (p = list; *p; p = *end ? end + 2 : end) {
        end = pair_end(p);
        if (pair_field_len(p, end) == 0)
            return -1;
    }
    for (p = list; *p; p = *end ? end + 2 : end) {
        size_t n;
        char field[64], message[256];

        end = pair_end(p);
        n = pair_field_len(p, end);
        snprintf(field, sizeof field, "%.*s", (int)n, p);
        snprintf(message, sizeof message, "%.*s", (int)(end - p - n - 2), p + n + 2);
        cl_validate_add(errors, field, message);
    }
    return 0;
}

int
cl_validate_has(const cJSON *errors, const char *field)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, errors)
    {
        const cJSON *f = cJSON_GetObjectItemCaseSensitive(e, "field");

        if (cJSON_IsString(f) && strcmp(f->valuestring, field) == 0)
            return 1;
    }
    return 0;
}

int
cl_date_valid(const char *s)
{
    static const int mdays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
    int y, m, d, leap;

    if (strlen(s) != 10 || s[4] != '-' || s[7] != '-')
        return 0;
    for (int i = 0; i < 10; i++)
        if (i != 4 && i != 7 && !isdigit((unsigned char)s[i]))
            return 0;
    y = (s[0] - '0') * 1000 + (s[1] - '0') * 100 + (s[2] - '0') * 10 + (s[3] - '0');
    m = (s[5] - '0') * 10 + (s[6] - '0');
    d = (s[8] - '0') * 10 + (s[9] - '0');
    if (y < 1900 || m < 1 || m > 12 || d < 1)
        return 0;
    leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    return d <= mdays[m - 1] + (m == 2 && leap);
}

int
cl_uuid_valid(const char *s)
{
    if (strlen(s) != 36)
        return 0;
    for (int i = 0; i < 36; i++) {
        if (i == 8 || i == 13 || i == 18 || i == 23) {
            if (s[i] != '-')
                return 0;
        } else if (!isxdigit((unsigned char)s[i])) {
            return 0;
        }
    }
    return 1;
}

void
cl_date_today(char out[11])
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

/* Characters, not bytes: the body is valid UTF-8 by now. */
static size_t
utf8_len(const char *s)
{
    size_t n = 0;

    for (; *s; s++)
        n += ((unsigned char)*s & 0xc0) != 0x80;
    return n;
}

static int
email_ok(const char *s)
{
    const char *at = strchr(s, '@');

    return at && at != s && strchr(at + 1, '@') == NULL && strchr(at, '.') &&
           at[strlen(at) - 1] != '.' && strpbrk(s, " \t\r\n<>,;\"") == NULL;
}

/* 10 to 15 digits, spaces anywhere and a leading +; at most 32 characters (the column's limit). */
static int
phone_ok(const char *s)
{
    int digits = 0;

    if (strlen(s) > 32)
        return 0;

    for (const char *p = s; *p; p++) {
        if (isdigit((unsigned char)*p))
            digits++;
        else if (*p != ' ' && !(*p == '+' && p == s))
            return 0;
    }
    return digits >= 10 && digits <= 15;
}

/* UK postcode: outward code (A9, A99, AA9, AA99, A9A, AA9A), a space, inward code 9AA. */
static int
postcode_ok(const char *s)
{
    size_t n = strlen(s), i;
    const char *in;

    if (n < 6 || n > 8 || s[n - 4] != ' ')
        return 0;
    in = s + n - 3;
    if (!isdigit((unsigned char)in[0]) || !isupper((unsigned char)in[1]) ||
        !isupper((unsigned char)in[2]))
        return 0;
    if (!isupper((unsigned char)s[0]))
        return 0;
    for (i = 1; i < n - 4; i++)
        if (!isalnum((unsigned char)s[i]) || islower((unsigned char)s[i]))
            return 0;
    return isdigit((unsigned char)s[1]) || isdigit((unsigned char)s[2]);
}

static const char *
check_string(const struct cl_field *f, const char *s)
{
    size_t len = utf8_len(s);
    size_t max = f->max > 0 ? (size_t)f->max : DEFAULT_MAX_LEN;

    if (len < (size_t)f->min)
        return f->min <= 1 ? "must not be empty" : "is too short";
    if (len > max)
        return "is too long";
    return NULL;
}

static const char *
check_value(const struct cl_field *f, const cJSON *v, char *msg, size_t msglen)
{
    const char *s = cJSON_IsString(v) ? v->valuestring : NULL;
    char today[11];

    switch (f->type) {
    case CL_F_STRING:
        return s ? check_string(f, s) : "must be a string";
    case CL_F_DATE:
        if (s == NULL || !cl_date_valid(s))
            return "must be a real date as YYYY-MM-DD";
        cl_date_today(today);
        if ((f->flags & CL_F_NOFUTURE) && strcmp(s, today) > 0)
            return "must not be in the future";
        if ((f->flags & CL_F_NOPAST) && strcmp(s, today) < 0)
            return "must not be in the past";
        return NULL;
    case CL_F_BOOL:
        return cJSON_IsBool(v) ? NULL : "must be true or false";
    case CL_F_INT:
        if (!cJSON_IsNumber(v) || floor(v->valuedouble) != v->valuedouble)
            return "must be an integer";
        if (v->valuedouble < f->min || v->valuedouble > f->max) {
            snprintf(msg, msglen, "must be from %.0f to %.0f", f->min, f->max);
            return msg;
        }
        return NULL;
    case CL_F_NUMBER:
        if (!cJSON_IsNumber(v))
            return "must be a number";
        if (v->valuedouble < f->min || v->valuedouble > f->max) {
            snprintf(msg, msglen, "must be from %g to %g", f->min, f->max);
            return msg;
        }
        return NULL;
    case CL_F_UUID:
        return s && cl_uuid_valid(s) ? NULL : "must be a UUID";
    case CL_F_ENUM:
        if (s)
            for (const char *const *c = f->choices; *c; c++)
                if (strcmp(*c, s) == 0)
                    return NULL;
        snprintf(msg, msglen, "must be one of:");
        for (const char *const *c = f->choices; *c; c++) {
            size_t used = strlen(msg);

            snprintf(msg + used, msglen - used, "%s %s", c == f->choices ? "" : ",", *c);
        }
        return msg;
    case CL_F_EMAIL:
        return s && check_string(f, s) == NULL && email_ok(s) ? NULL : "must be an email address";
    case CL_F_PHONE:
        return s && phone_ok(s)
                   ? NULL
                   : "must be a phone number of 10 to 15 digits, at most 32 characters";
    case CL_F_POSTCODE:
        return s && postcode_ok(s) ? NULL : "must be a UK postcode in capitals, e.g. LE1 6ZG";
    case CL_F_STRINGS:
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) > 100)
            return "must be an array of at most 100 strings";
        for (const cJSON *e = v->child; e; e = e->next)
            if (!cJSON_IsString(e) || check_string(f, e->valuestring))
                return "must hold only non-empty strings within the length limit";
        return NULL;
    case CL_F_OBJECT:
        return cJSON_IsObject(v) ? NULL : "must be an object";
    case CL_F_ARRAY:
        if (!cJSON_IsArray(v) || cJSON_GetArraySize(v) < f->min || cJSON_GetArraySize(v) > f->max) {
            snprintf(msg, msglen, "must be an array of %g to %g items", f->min, f->max);
            return msg;
        }
        return NULL;
    }
    return "is not allowed";
}

int
cl_validate(const cJSON *body, const struct cl_field *fields, enum cl_vmode mode, cJSON *errors)
{
    int before = cJSON_GetArraySize(errors);
    const struct cl_field *f;
    const cJSON *v;

    if (!cJSON_IsObject(body)) {
        cl_validate_add(errors, "", "body must be a JSON object");
        return 1;
    }
    for (v = body->child; v; v = v->next) {
        for (f = fields; f->name; f++)
            if (strcmp(f->name, v->string) == 0)
                break;
        if (f->name == NULL)
            cl_validate_add(errors, v->string, "unknown field");
        else if (f->flags & CL_F_READONLY)
            cl_validate_add(errors, v->string, "read-only field");
    }
    for (f = fields; f->name; f++) {
        char msg[512];
        const char *why;

        if (f->flags & CL_F_READONLY)
            continue;
        v = cJSON_GetObjectItemCaseSensitive(body, f->name);
        if (v == NULL) {
            if (mode == CL_V_CREATE && (f->flags & CL_F_REQUIRED))
                cl_validate_add(errors, f->name, "is required");
            continue;
        }
        if (cJSON_IsNull(v)) {
            if (!(f->flags & CL_F_NULLABLE) || (f->flags & CL_F_REQUIRED))
                cl_validate_add(errors, f->name, "may not be null");
            continue;
        }
        why = check_value(f, v, msg, sizeof msg);
        if (why)
            cl_validate_add(errors, f->name, why);
    }
    return cJSON_GetArraySize(errors) - before;
}
