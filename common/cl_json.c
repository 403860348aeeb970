#include "cl_json.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"

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

#define STR_(x) #x
#define STR(x) STR_(x)

/* One pass over the raw bytes, without recursion, before cJSON sees them: refuses "\u0000"
 * (which cJSON would decode into a silent truncation), raw control characters in strings, and
 * documents beyond the limits in cl_json.h. Brackets count only outside strings, with the
 * same escape rule as cJSON's; on a well-formed prefix that is exactly the nesting cJSON
 * reaches, and cJSON stops at the first byte that is not well-formed. Values are counted from
 * above: the root, one per comma and one per opening bracket. */
static const char *
prescan(const char *s, size_t len)
{
    unsigned members[CL_JSON_MAX_DEPTH];
    unsigned char is_object[CL_JSON_MAX_DEPTH];
    size_t depth = 0, nodes = 1;
    int in_str = 0;

    for (size_t i = 0; i < len; i++) {
        if (in_str) {
            if (s[i] == '"') {
                in_str = 0;
            } else if (s[i] == '\\' && i + 1 < len) {
                if (s[i + 1] == 'u' && i + 5 < len && strncmp(s + i + 2, "0000", 4) == 0)
                    return "strings may not contain NUL or control characters";
                i++;
            } else if ((unsigned char)s[i] < 0x20) {
                return "strings may not contain NUL or control characters";
            }
            continue;
        }
        switch (s[i]) {
        case '"':
            in_str = 1;
            break;
        case '[':
        case '{':
            if (depth == CL_JSON_MAX_DEPTH)
                return "JSON nested deeper than " STR(CL_JSON_MAX_DEPTH) " arrays or objects";
            is_object[depth] = s[i] == '{';
            members[depth++] = 1;
            if (++nodes > CL_JSON_MAX_NODES)
                return "JSON has more than " STR(CL_JSON_MAX_NODES) " values";
            break;
        case ']':
        case '}':
            if (depth > 0)
                depth--;
            break;
        case ',':
            if (depth > 0 && is_object[depth - 1] && ++members[depth - 1] > CL_JSON_MAX_KEYS)
                return "a JSON object has more than " STR(CL_JSON_MAX_KEYS) " members";
            if (++nodes > CL_JSON_MAX_NODES)
                return "JSON has more than " STR(CL_JSON_MAX_NODES) " values";
            break;
        default:
            break;
        }
    }
    return NULL;
}

static int
key_cmp(const void *a, const void *b)
{
    return strcmp(*(const char *const *)a, *(const char *const *)b);
}

/* Appends ".name" (or "name" at the top) to the member path at, cut to its size. */
static void
path_push(char *at, size_t atlen, const char *name)
{
    size_t n = strlen(at);

    if (atlen > n + 1)
        snprintf(at + n, atlen - n, "%s%s", n ? "." : "", name);
}

/* Numbers in range and no key twice in an object: the first reason item breaks these rules,
 * with at holding the path of the member at fault (for an array's element, the array's
 * member). Each object's keys are sorted into keys (room for CL_JSON_MAX_KEYS) and neighbours
 * compared, so the cost grows as n log n, not n^2. The recursion is as deep as the tree, which
 * prescan bounded. */
static const char *
check_tree(const cJSON *item, const char **keys, char *at, size_t atlen)
{
    const cJSON *a;
    const char *why;

    if (cJSON_IsNumber(item)) {
        if (!isfinite(item->valuedouble) || fabs(item->valuedouble) > MAX_SAFE_INT)
            return "number out of range";
        return NULL;
    }
    if (cJSON_IsObject(item)) {
        size_t n = 0;

        for (a = item->child; a; a = a->next) {
            if (n == CL_JSON_MAX_KEYS)
                return "a JSON object has more than " STR(CL_JSON_MAX_KEYS) " members";
            keys[n++] = a->string;
        }
        qsort(keys, n, sizeof *keys, key_cmp);
        for (size_t i = 1; i < n; i++)
            if (strcmp(keys[i - 1], keys[i]) == 0) {
                path_push(at, atlen, keys[i]);
                return "duplicate key in JSON object";
            }
    }
    for (a = item->child; a; a = a->next) {
        size_t mark = strlen(at);

        if (cJSON_IsObject(item))
            path_push(at, atlen, a->string);
        why = check_tree(a, keys, at, atlen);
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
    const char *end = NULL, **keys;
    cJSON *root;

    *why = NULL;
    member[0] = '\0';
    if (cl_json_utf8_check(buf, len) != 0) {
        *why = "body is not valid UTF-8 or contains a NUL byte";
        return NULL;
    }
    *why = prescan(buf, len);
    if (*why)
        return NULL;
    root = cJSON_ParseWithLengthOpts(buf, len + 1, &end, 1);
    if (root == NULL) {
        *why = "body is not well-formed JSON";
        return NULL;
    }
    keys = cl_malloc(CL_JSON_MAX_KEYS * sizeof *keys);
    *why = check_tree(root, keys, member, memberlen);
    free(keys);
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
