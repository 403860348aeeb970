/* Authentication, the role matrix over every route (the route table drives it, so a route added
 * anywhere is covered, for every role including young_person), row-level security as a second
 * wall, and the append-only audit log. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_b64.h"
#include "cl_mem.h"
#include "routes.h"
#include "tc.h"
#include "tc_seed.h"

#define SOME_ID "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e"

TestSuite(security, .init = cl_mem_init, .timeout = 120);

static const char *const role_names[] = {"board", "partner", "adviser",     "manager",
                                         "admin", "service", "young_person"};
#define NROLES (int)(sizeof role_names / sizeof role_names[0])

/* The route's template with every {param} replaced by a syntactically valid id. */
static void
concrete_path(const char *tmpl, char *out, size_t outlen)
{
    size_t o = 0;

    while (*tmpl && o + 40 < outlen) {
        if (*tmpl == '{') {
            const char *close = strchr(tmpl, '}');

            o += (size_t)snprintf(out + o, outlen - o, "%s", SOME_ID);
            tmpl = close + 1;
        } else {
            out[o++] = *tmpl++;
        }
    }
    out[o] = '\0';
}

Test(security, role_matrix_over_every_route)
{
    char path[512];
    /* an adviser's and a partner's token must name an active one (else 401) */
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("housing_provider");
    /* and a young person's, an open record */
    char *young = tc_seed_care_leaver(NULL, "2006-05-01");

    for (int i = 0; i < cl_routes_count; i++) {
        const struct cl_route *r = &cl_routes[i];
        const char *body = (r->flags & CL_RT_BODY) ? "{}" : NULL;
        struct tc_resp *resp;

        concrete_path(r->path, path, sizeof path);
        resp = tc_req(r->method, path, NULL, body, NULL);
        if (r->roles == CL_ROLE_NONE)
            cr_expect(resp->status != 401 && resp->status != 403, "%s %s public, got %d", r->method,
                      r->path, resp->status);
        else
            cr_expect_eq(resp->status, 401, "%s %s without a token: %d", r->method, r->path,
                         resp->status);
        tc_free(resp);
        if (r->roles == CL_ROLE_NONE)
            continue;
        for (int k = 0; k < NROLES; k++) {
            char *tok = (1u << k) == CL_ROLE_YOUNG_PERSON
                            ? tc_token_young_person(young)
                            : tc_token(role_names[k], adviser, partner);
            int allowed = (r->roles & (1u << k)) != 0;

            resp = tc_req(r->method, path, tok, body, NULL);
            if (allowed)
                cr_expect(resp->status != 401 && resp->status != 403 && resp->status < 500,
                          "%s %s as %s (allowed) got %d: %s", r->method, r->path, role_names[k],
                          resp->status, resp->body);
            else
                cr_expect_eq(resp->status, 403, "%s %s as %s (not allowed) got %d", r->method,
                             r->path, role_names[k], resp->status);
            tc_free(resp);
            free(tok);
        }
    }
    free(adviser);
    free(partner);
    free(young);
}

/* RFC 6750 §3.1: a refused bearer token is error="invalid_token"; a request with no bearer
 * token at all (none, or another scheme) gets the bare challenge, without an error code. */
static void
expect_401(const char *authorization, const char *why)
{
    char extra[16384];
    struct tc_resp *r;
    const char *challenge =
        strncmp(authorization, "Bearer ", 7) == 0 ? "Bearer error=\"invalid_token\"" : "Bearer";

    snprintf(extra, sizeof extra, "Authorization: %s\r\n", authorization);
    r = tc_req("GET", "/v1/me", NULL, NULL, extra);
    cr_expect_eq(r->status, 401, "%s: got %d", why, r->status);
    cr_expect_str_eq(tc_header(r, "WWW-Authenticate") ? tc_header(r, "WWW-Authenticate") : "",
                     challenge, "%s", why);
    cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    tc_free(r);
}

Test(security, bad_tokens_get_401_with_www_authenticate)
{
    char claims[256], buf[1024], *tok, *h, *p;
    long now = (long)time(NULL);

    expect_401("Basic dXNlcjpwYXNz", "another scheme");
    expect_401("Bearer not.a.token", "malformed");
    snprintf(claims, sizeof claims, "{\"sub\":\"x\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now + 600, now);
    h = cl_b64url_encode("{\"alg\":\"none\",\"typ\":\"JWT\"}", 27);
    p = cl_b64url_encode(claims, strlen(claims));
    snprintf(buf, sizeof buf, "Bearer %s.%s.", h, p);
    expect_401(buf, "alg none");
    free(h);
    free(p);
    snprintf(claims, sizeof claims, "{\"sub\":\"x\",\"role\":\"admin\",\"exp\":%ld,\"iat\":%ld}",
             now - 3600, now - 7200);
    tok = tc_token_claims(claims);
    snprintf(buf, sizeof buf, "Bearer %s", tok);
    expect_401(buf, "expired");
    buf[strlen(buf) - 2] ^= 1;
    expect_401(buf, "bad signature");
    free(tok);
    snprintf(claims, sizeof claims,
             "{\"sub\":\"x\",\"role\":\"superuser\",\"exp\":%ld,\"iat\":%ld}", now + 600, now);
    tok = tc_token_claims(claims);
    snprintf(buf, sizeof buf, "Bearer %s", tok);
    expect_401(buf, "unknown role");
    free(tok);
}

Test(security, scheme_is_case_insensitive_and_tokens_are_capped)
{
    char *tok = tc_token("manager", NULL, NULL), extra[1024];
    struct tc_resp *r;
    char *big;

    snprintf(extra, sizeof extra, "Authorization: bearer %s\r\n", tok);
    r = tc_req("GET", "/v1/me", NULL, NULL, extra);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(tc_str(r, "role"), "manager");
    tc_free(r);
    free(tok);
    big = malloc(9000 + 32);
    memcpy(big, "Bearer ", 7);
    memset(big + 7, 'a', 9000);
    big[100] = '.';
    big[200] = '.';
    big[9007] = '\0';
    expect_401(big, "a token over 8 KiB");
    free(big);
}

/* A query with its WHERE scope forgotten still sees only the caller's rows, because row-level
 * security is enforced for the application role. */
Test(security, rls_is_a_second_wall)
{
    PGconn *c = tc_db();
    PGresult *res;
    const char *setup =
        "INSERT INTO advisers (id, name, email) VALUES "
        "('11111111-1111-4111-8111-111111111111', 'RLS A', 'rls-a@test.example'), "
        "('22222222-2222-4222-8222-222222222222', 'RLS B', 'rls-b@test.example') "
        "ON CONFLICT DO NOTHING;"
        "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
        "ethnicity, category, district, adviser_id) VALUES "
        "('RLSA1', 'Ann', 'Rls', '2007-05-01', '2', 'WBRI', 'relevant', 'Rlsville', "
        "'11111111-1111-4111-8111-111111111111'), "
        "('RLSB1', 'Bob', 'Rls', '2006-05-01', '1', 'WBRI', 'former_relevant', 'Rlsville', "
        "'22222222-2222-4222-8222-222222222222') ON CONFLICT DO NOTHING";

    res = PQexec(c, setup);
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK, "%s", PQerrorMessage(c));
    PQclear(res);
    res = PQexec(c, "BEGIN; SET LOCAL ROLE cl_app; "
                    "SELECT set_config('app.role', 'adviser', true), "
                    "set_config('app.adviser_id', '11111111-1111-4111-8111-111111111111', true)");
    PQclear(res);
    res = PQexec(c, "SELECT la_child_id FROM care_leavers WHERE district = 'Rlsville' ORDER BY 1");
    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    cr_expect_eq(PQntuples(res), 1, "the adviser sees only its own care leaver");
    if (PQntuples(res) == 1)
        cr_expect_str_eq(PQgetvalue(res, 0, 0), "RLSA1");
    PQclear(res);
    res = PQexec(c, "UPDATE care_leavers SET district = 'Moved' WHERE la_child_id = 'RLSB1'");
    cr_expect_str_eq(PQcmdTuples(res), "0", "nor can it change another's");
    PQclear(res);
    res = PQexec(c, "ROLLBACK; BEGIN; SET LOCAL ROLE cl_app");
    PQclear(res);
    res = PQexec(c, "SELECT count(*) FROM care_leavers WHERE district = 'Rlsville'");
    cr_expect_str_eq(PQgetvalue(res, 0, 0), "0", "with no principal set, nothing is visible");
    PQclear(res);
    res = PQexec(c, "ROLLBACK; BEGIN; SET LOCAL ROLE cl_app; "
                    "SELECT set_config('app.role', 'board', true)");
    PQclear(res);
    res = PQexec(c, "SELECT count(*) FROM care_leavers WHERE district = 'Rlsville'");
    cr_expect_str_eq(PQgetvalue(res, 0, 0), "0", "the board sees no person");
    PQclear(res);
    res = PQexec(c, "ROLLBACK");
    PQclear(res);
    PQfinish(c);
}

Test(security, audit_log_is_append_only)
{
    PGconn *c = tc_db();
    PGresult *res;

    res = PQexec(c, "INSERT INTO audit_log (actor_sub, role, action, resource_type) "
                    "VALUES ('t', 'admin', 'read', 'test')");
    cr_expect_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    res = PQexec(c, "BEGIN; SET LOCAL ROLE cl_app; UPDATE audit_log SET actor_sub = 'x'");
    cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "the application role cannot update");
    cr_expect_str_eq(PQresultErrorField(res, PG_DIAG_SQLSTATE), "42501");
    PQclear(res);
    res = PQexec(c, "ROLLBACK; BEGIN; SET LOCAL ROLE cl_app; DELETE FROM audit_log");
    cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "nor delete");
    PQclear(res);
    res = PQexec(c, "ROLLBACK; UPDATE audit_log SET actor_sub = 'x' WHERE resource_type = 'test'");
    cr_expect_eq(PQresultStatus(res), PGRES_FATAL_ERROR, "the trigger refuses even the owner");
    PQclear(res);
    PQfinish(c);
}

Test(security, writes_leave_audit_rows_and_admins_can_read_them)
{
    char *admin = tc_token("admin", NULL, NULL), path[200];
    struct tc_resp *r = tc_post("/v1/advisers", admin,
                                "{\"name\":\"Audit Me\",\"email\":\"audit-me@test.example\"}");
    const char *id;

    cr_assert_eq(r->status, 201, "%s", r->body);
    id = tc_str(r, "id");
    snprintf(path, sizeof path, "/v1/audit-events?resource_id=%s", id);
    tc_free(tc_patch(strstr(tc_header(r, "Location"), "/v1/"), admin, "{\"team\":\"X\"}"));
    {
        struct tc_resp *a = tc_get(path, admin);
        const cJSON *items = cJSON_GetObjectItem(a->json, "items");

        cr_expect_eq(a->status, 200);
        cr_expect_eq(cJSON_GetArraySize(items), 2, "create and update: %s", a->body);
        cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "action")->valuestring,
                         "update");
        cr_expect_str_eq(
            cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "actor_sub")->valuestring,
            "test-admin");
        tc_free(a);
    }
    tc_free(r);
    free(admin);
}
