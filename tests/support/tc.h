/* Test client: raw HTTP/1.1 over loopback to the api under test, tokens signed like a real
 * identity provider would, and direct SQL for checking what was (not) written. */
#ifndef TC_H
#define TC_H

#include <stddef.h>

#include <cjson/cJSON.h>
#include <libpq-fe.h>

struct tc_resp {
    int status;
    char *head; /* status line and headers */
    char *body;
    size_t body_len;
    cJSON *json; /* parsed body when it is JSON, else NULL */
};

/* Sends method path with an optional bearer token and JSON body; extra is NULL or more
 * header lines each ending in \r\n. The caller frees with tc_free. */
struct tc_resp *tc_req(const char *method, const char *path, const char *token, const char *body,
                       const char *extra);
#define tc_get(path, token) tc_req("GET", (path), (token), NULL, NULL)
#define tc_post(path, token, body) tc_req("POST", (path), (token), (body), NULL)
/* A PATCH with If-Match: * (any version), for tests that are not about versions: the api
 * answers 428 to a PATCH without If-Match. */
#define tc_patch(path, token, body) tc_req("PATCH", (path), (token), (body), "If-Match: *\r\n")
/* A bodiless request to the api listening on port (one a test started: tc_api.h), straight,
 * not through the contract-checking proxy. */
struct tc_resp *tc_req_at(int port, const char *method, const char *path, const char *token,
                          const char *extra);
/* Sends bytes exactly as given (for framing tests), always straight to the api
 * (CL_TEST_DIRECT_PORT), never through the contract-checking proxy. */
struct tc_resp *tc_raw(const char *bytes, size_t len);
void tc_free(struct tc_resp *r);
/* A response header's value (copied into a static per-thread buffer), or NULL. */
const char *tc_header(const struct tc_resp *r, const char *name);
/* The string member of the JSON body, or NULL. */
const char *tc_str(const struct tc_resp *r, const char *member);

/* A token for role signed with the test secret, valid for an hour. adviser_id and org_id may
 * be NULL. The caller frees with free(). */
char *tc_token(const char *role, const char *adviser_id, const char *org_id);
/* A young_person token for the care leaver (claim care_leaver_id, sub "yp-<id>"). */
char *tc_token_young_person(const char *care_leaver_id);
/* A token from raw claims JSON, signed with the test secret (HS256). */
char *tc_token_claims(const char *claims);

/* A connection to the test database as its owner. The caller PQfinishes it. */
PGconn *tc_db(void);
/* First column of the first row of sql as a long (-1 on error). */
long tc_sql_long(const char *sql);
/* Runs sql (no result wanted); returns 0 on success. */
int tc_sql(const char *sql);

/* GETs path (no token) until it answers status or ms have passed; the last status. For state
 * the api refreshes in the background, such as /readyz. */
int tc_wait_status(const char *path, int status, double ms);

/* Milliseconds since an arbitrary point. */
double tc_now_ms(void);
/* The port requests go to (CL_TEST_API_PORT: the validating proxy during make test), and the
 * api's own port (CL_TEST_DIRECT_PORT, else the same). */
int tc_api_port(void);
int tc_direct_port(void);

#endif
