#include "tc_casework.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

void
tcw_uid(char out[11], const char *prefix)
{
    static unsigned counter;

    snprintf(out, 11, "%.3s%05u%02u", prefix, (unsigned)getpid() % 100000u, counter++ % 100u);
}

void
tcw_date(char out[11], int years_ago, int days_ago)
{
    time_t t = time(NULL);
    struct tm tm;

    gmtime_r(&t, &tm);
    tm.tm_year -= years_ago;
    tm.tm_mday -= days_ago;
    tm.tm_hour = 12;
    t = timegm(&tm);
    gmtime_r(&t, &tm);
    strftime(out, 11, "%Y-%m-%d", &tm);
}

static PGresult *
run(PGconn *c, const char *sql, int n, const char *const *params)
{
    return PQexecParams(c, sql, n, NULL, params, NULL, NULL, 0);
}

long
tcw_sql_long(const char *sql, int n, const char *const *params)
{
    PGconn *c = tc_db();
    PGresult *res = run(c, sql, n, params);
    long v = -1;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    PQfinish(c);
    return v;
}

char *
tcw_sql_str(const char *sql, int n, const char *const *params)
{
    PGconn *c = tc_db();
    PGresult *res = run(c, sql, n, params);
    char *v = NULL;

    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 && !PQgetisnull(res, 0, 0))
        v = strdup(PQgetvalue(res, 0, 0));
    else if (PQresultStatus(res) != PGRES_TUPLES_OK)
        fprintf(stderr, "tcw_sql_str: %s", PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return v;
}

int
tcw_sql(const char *sql, int n, const char *const *params)
{
    PGconn *c = tc_db();
    PGresult *res = run(c, sql, n, params);
    int ok = PQresultStatus(res) == PGRES_COMMAND_OK || PQresultStatus(res) == PGRES_TUPLES_OK;

    if (!ok)
        fprintf(stderr, "tcw_sql: %s", PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return ok ? 0 : -1;
}

char *
tcw_adviser(int caseload_limit)
{
    char limit[12], uid[11], email[64];

    tcw_uid(uid, "adv");
    snprintf(limit, sizeof limit, "%d", caseload_limit);
    snprintf(email, sizeof email, "%s.%ld@tests.example", uid, (long)random());
    return tcw_sql_str("INSERT INTO advisers (name, email, caseload_limit) "
                       "VALUES ('Test Adviser', $1, $2::int) RETURNING id",
                       2, (const char *[]){email, limit});
}

char *
tcw_care_leaver(const char *token, const char *uid, const char *dob, const char *category,
                const char *district, const char *adviser_id, const char *extra, int *status)
{
    char body[4096], adviser[64];
    struct tc_resp *r;
    char *id = NULL;

    if (adviser_id)
        snprintf(adviser, sizeof adviser, ",\"adviser_id\":\"%s\"", adviser_id);
    else
        adviser[0] = '\0';
    snprintf(body, sizeof body,
             "{\"la_child_id\":\"%s\",\"given_name\":\"Alex\",\"family_name\":\"Fenwick%s\","
             "\"date_of_birth\":\"%s\",\"sex\":\"F\",\"ethnicity\":\"WBRI\",\"category\":\"%s\","
             "\"district\":\"%s\"%s%s}",
             uid, uid, dob, category, district, adviser, extra ? extra : "");
    r = tc_post("/v1/care-leavers", token, body);
    if (status)
        *status = r->status;
    if (r->status == 201 && tc_str(r, "id"))
        id = strdup(tc_str(r, "id"));
    else if (r->status != 409 && r->status != 422 && r->status != 403)
        fprintf(stderr, "tcw_care_leaver: %d %s\n", r->status, r->body);
    tc_free(r);
    return id;
}

int
tcw_has_error(const struct tc_resp *r, const char *field)
{
    const cJSON *e, *errs = cJSON_GetObjectItem(r->json, "errors");

    cJSON_ArrayForEach(e, errs)
    {
        const cJSON *f = cJSON_GetObjectItem(e, "field");

        if (cJSON_IsString(f) && strcmp(f->valuestring, field) == 0)
            return 1;
    }
    return 0;
}

int
tcw_error_count(const struct tc_resp *r)
{
    const cJSON *errs = cJSON_GetObjectItem(r->json, "errors");

    return cJSON_IsArray(errs) ? cJSON_GetArraySize(errs) : -1;
}
