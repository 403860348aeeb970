/* Strict JSON decoding over cJSON, and small helpers for reading decoded values.
 *
 * cJSON 1.7.15 accepts duplicate keys, "\u0000", invalid UTF-8, trailing garbage and numbers
 * out of range; cl_json_parse rejects each, so what a handler sees is what the client meant. */
#ifndef CL_JSON_H
#define CL_JSON_H

#include <stddef.h>

#include <cjson/cJSON.h>

/* The shape any decoded document may have. They are checked on the raw bytes, without
 * recursion, before cJSON (which recurses once per level) sees them, so nothing recursive ever
 * runs deeper than CL_JSON_MAX_DEPTH on a Civetweb thread's small stack, and checking a
 * document costs time linear in its size. */
#define CL_JSON_MAX_DEPTH 32     /* arrays and objects nested inside one another */
#define CL_JSON_MAX_KEYS 1000    /* members of one object */
#define CL_JSON_MAX_NODES 100000 /* values in the whole document */

/* Parses len bytes at buf (buf[len] must be '\0'). On success returns the tree (caller frees
 * with cJSON_Delete); on failure NULL, with a client-safe reason in why. */
cJSON *cl_json_parse(const char *buf, size_t len, const char **why);
/* The same, and when the failure is one member's (a repeated key, a number out of range, too
 * deep), its path in member ("a.b", cut to memberlen; an array element's is the array's);
 * otherwise member is "". memberlen is at least 1. */
cJSON *cl_json_parse_at(const char *buf, size_t len, const char **why, char *member,
                        size_t memberlen);

/* Checks that s (len bytes) is well-formed UTF-8 with no NUL; 0 when it is. */
int cl_json_utf8_check(const char *s, size_t len);

/* Prints item compactly; the caller frees with free(). */
char *cl_json_print(const cJSON *item);

#endif
