/* The contract check itself (run.sh puts a validating proxy between the suite and the api) and
 * HTTP rules it relies on: responses without content carry no Content-Length. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"

TestSuite(contract, .init = cl_mem_init, .timeout = 120);

Test(contract, requests_pass_the_validating_proxy_and_raw_bytes_do_not)
{
    struct tc_resp *r;
    const char *raw = "GET /v1/me HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";

    if (tc_api_port() == tc_direct_port())
        cr_skip("no validating proxy in this run (CL_TEST_DIRECT_PORT unset)");
    /* No token breaks the document's security rule: the proxy says so about the request, and
     * passes the api's own 401 through. */
    r = tc_get("/v1/me", NULL);
    cr_expect_eq(r->status, 401, "%s", r->body);
    cr_expect_not_null(tc_header(r, "sl-violations"), "the proxy validated the request");
    cr_expect_not_null(strstr(tc_header(r, "sl-violations"), "\"request\""));
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    tc_free(r);
    r = tc_raw(raw, strlen(raw));
    cr_expect_eq(r->status, 401, "%s", r->body);
    cr_expect_null(tc_header(r, "sl-violations"), "raw bytes go straight to the api");
    tc_free(r);
}

Test(contract, not_modified_has_no_content_headers)
{
    char *admin = tc_token("admin", NULL, NULL);
    char path[128], id[40], art[40], tag[80], extra[128];
    struct tc_resp *r = tc_post("/v1/jobs", admin, "{\"kind\":\"noop\",\"params\":{}}");
    const char *status = NULL;
    const cJSON *it;
    double t0 = tc_now_ms();

    cr_assert_eq(r->status, 202, "%s", r->body);
    snprintf(id, sizeof id, "%s", tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        struct timespec ts = {0, 100 * 1000000L};

        r = tc_get(path, admin);
        status = tc_str(r, "status");
        if ((status && strcmp(status, "succeeded") == 0) || tc_now_ms() - t0 > 60000)
            break;
        tc_free(r);
        nanosleep(&ts, NULL);
    }
    cr_assert_str_eq(status, "succeeded", "%s", r->body);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
    r = tc_get(path, admin);
    cr_assert_eq(r->status, 200, "%s", r->body);
    it = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0);
    cr_assert_not_null(it);
    snprintf(art, sizeof art, "%s", cJSON_GetObjectItem(it, "id")->valuestring);
    snprintf(tag, sizeof tag, "\"%s\"", cJSON_GetObjectItem(it, "sha256")->valuestring);
    tc_free(r);

    snprintf(path, sizeof path, "/v1/artifacts/%s", art);
    snprintf(extra, sizeof extra, "If-None-Match: %s\r\n", tag);
    r = tc_req("GET", path, admin, NULL, extra);
    cr_expect_eq(r->status, 304, "%s", r->body);
    cr_expect_eq(r->body_len, 0);
    cr_expect_str_eq(tc_header(r, "ETag"), tag);
    /* RFC 9110 8.6: a 304's Content-Length would have to be the 200's length; none is sent. */
    cr_expect_null(tc_header(r, "Content-Length"));
    cr_expect_null(tc_header(r, "Content-Type"));
    tc_free(r);
    free(admin);
}
