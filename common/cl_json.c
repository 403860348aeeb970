#include "cl_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define MAX_SAFE_INT 9007199254740991.0 /* 2^53 - 1 */

int
cl_json_utf8_check(const char *s, size_t len)
{
    const unsigned char *p = (const unsigned char *)s, *e = p + len;

    while (p < e) {
        unsigned c = *p;
        size_t n;
        unsigned cp;

        if (c == 0)
            return -1;
        if (c < 0x80) {
            p++;
            continue;
        }
        if (c >= 0xc2 && c <= 0xdf) {
            n = 1;
            cp = c & 0x1f;
        } else if (c >= 0xe0 && c <= 0xef) {
            n = 2;
            cp = c & 0x0f;
        } else if (c >= 0xf0 && c <= 0xf4) {
            n = 3;
            cp = c & 0x07;
        } else {
            return -1;
        }
        if ((size_t)(e - p) <= n)
            return -1;
        for (size_t i = 1; i <= n; i++) {
            if ((p[i] & 0xc0) != 0x80)
                return -1;
            cp = (cp << 6) | (p[i] & 0x3f);
        }
        if ((n == 2 && cp < 0x800) || (n == 3 && (cp < 0x10000 || cp > 0x10ffff)) ||
            (cp >= 0xd800 && cp <= 0xdfff))
            return -1;
        p += n + 1;
    }
    return 0;
}

/* Finds "\u0000" escapes inside strings, which cJSON would decode into a silent truncation. */
static int
has_nul_escape(const char *s, size_t len)
{
    int in_str = 0;

    for (size_t i = 0; i < len; i++) {
        if (!in_str) {
            if (s[i] == '"')
                in_str = 1;
            continue;
        }
        if (s[i] == '"') {
            in_str = 0;
        } else if (s[i] == '\\' && i + 1 < len) {
            if (s[i + 1] == 'u' && i + 5 < len && strncmp(s + i + 2, "0000", 4) == 0)
                return 1;
            i++;
        } else if ((unsigned char)s[i] < 0x20) {
            return 1; /* raw control characters are not JSON either */
        }
    }
    return 0;
}

/* Appends ".name" (or "name" at the top) to the member path at, cut to its size. */
static void
path_push(char *at, size_t atlen, const char *name)
{
    size_t n = strlen(at);

    if (atlen > n + 1)
        snprintf(at + n, atlen - n, "%s%s", n ? "." : "", name);
}

/* The first reason item breaks our rules, with at holding the path of the member at fault
 * (for an array's element, the array's member). */
static const char *
check_tree(const cJSON *item, int depth, char *at, size_t atlen)
{
    const cJSON *a, *b;
    const char *why;

    if (depth > CL_JSON_MAX_DEPTH)
        return "JSON nested too deeply";
    if (cJSON_IsNumber(item)) {
        if (!isfinite(item->valuedouble) || fabs(item->valuedouble) > MAX_SAFE_INT)
            return "number out of range";
        return NULL;
    }
    if (!cJSON_IsObject(item) && !cJSON_IsArray(item))
        return NULL;
    for (a = item->child; a; a = a->next) {
        size_t mark = strlen(at);

        if (cJSON_IsObject(item)) {
            path_push(at, atlen, a->string);
            for (b = a->next; b; b = b->next)
                if (strcmp(a->string, b->string) == 0)
                    return "duplicate key in JSON object";
        }
        why = check_tree(a, depth + 1, at, atlen);
        if (why)
            return why;
        at[mark] = '\0';
    }
    return NULL;
}

cJSON *
cl_json_parse(const char *buf, size_t len, const char **why)
{
    char member[1];

    return cl_json_parse_at(buf, len, why, member, sizeof member);
}

cJSON *
cl_json_parse_at(const char *buf, size_t len, const char **why, char *member, size_t memberlen)
{
    const char *end = NULL;
    cJSON *root;

    *why = NULL;
    member[0] = '\0';
    if (cl_json_utf8_check(buf, len) != 0) {
        *why = "body is not valid UTF-8 or contains a NUL byte";
        return NULL;
    }
    if (has_nul_escape(buf, len)) {
        *why = "strings may not contain NUL or control characters";
        return NULL;
    }
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (root == NULL) {
        *why = "body is not well-formed JSON";
        return NULL;
    }
    *why = check_tree(root, 0, member, memberlen);
    if (*why) {
        cJSON_Delete(root);
        return NULL;
    }
    return root;
}

char *
cl_json_print(const cJSON *item)
{
    return cJSON_PrintUnformatted(item);
}
