/* The SSDA903 return end to end: young people constructed at the edges of the cohort rules,
 * the job requested through the api and run by the shared worker, the files downloaded and
 * compared byte for byte with files written by hand here.
 *
 * The return covers every care leaver in the database, and other suites create care leavers
 * too. So the 2026 return is compared on this suite's own rows (CHILD ids H7E..., contiguous
 * because rows are in CHILD order), and a complete return is compared whole for collection year
 * 2016, whose cohort (born 1994-1999) no other suite can create through the api (its service
 * window is 15-25 today). Records are written directly as the database owner, as a migration
 * of an authority's history would, so dates can sit anywhere. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tw.h"

TestSuite(ssda903, .init = cl_mem_init, .timeout = 240);

/* Loads a fixture once per database, whichever test gets there first: under an advisory lock,
 * only when the marker row is not there yet. */
static void
load_once(const char *marker, const char *fixture)
{
    PGconn *c = tc_db();
    const char *p[1] = {marker};
    PGresult *res;
    int loaded;

    PQclear(PQexec(c, "BEGIN"));
    PQclear(PQexec(c, "SELECT pg_advisory_xact_lock(707903)"));
    res = PQexecParams(c, "SELECT count(*) FROM care_leavers WHERE la_child_id = $1", 1, NULL, p,
                       NULL, NULL, 0);
    loaded = PQresultStatus(res) == PGRES_TUPLES_OK && strcmp(PQgetvalue(res, 0, 0), "1") == 0;
    PQclear(res);
    if (!loaded) {
        res = PQexec(c, fixture);
        cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK, "fixture: %s",
                  PQresultErrorMessage(res));
        PQclear(res);
    }
    res = PQexec(c, "COMMIT");
    cr_assert_eq(PQresultStatus(res), PGRES_COMMAND_OK);
    PQclear(res);
    PQfinish(c);
}

static char *
manager_token(void)
{
    return tc_token("manager", NULL, NULL);
}

/* Requests an ssda903 job and waits until it succeeded; returns its id (caller frees) and, in
 * *result, the job's representation (caller cJSON_Deletes). */
static char *
run_return(const char *tok, const char *params, cJSON **job)
{
    char body[256], path[96], *id;
    struct tc_resp *r;
    double t0 = tc_now_ms();

    snprintf(body, sizeof body, "{\"kind\":\"ssda903\",\"params\":%s}", params);
    r = tc_post("/v1/jobs", tok, body);
    cr_assert_eq(r->status, 202, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        struct timespec ts = {0, 200 * 1000000L};

        r = tc_get(path, tok);
        cr_assert_eq(r->status, 200, "%s", r->body);
        if (strcmp(tc_str(r, "status"), "succeeded") == 0)
            break;
        cr_assert(strcmp(tc_str(r, "status"), "failed") != 0, "the return failed: %s", r->body);
        cr_assert_lt(tc_now_ms() - t0, 180000.0, "the return finishes: %s", r->body);
        tc_free(r);
        nanosleep(&ts, NULL);
    }
    *job = r->json;
    r->json = NULL;
    tc_free(r);
    return id;
}

/* The bytes of the job's artifact called name, downloaded through the api (caller frees). */
static char *
artifact(const char *tok, const char *job, const char *name, const char *media_type)
{
    char path[128];
    struct tc_resp *r;
    const cJSON *it;
    char *bytes = NULL;

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", job);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "name")->valuestring, name) != 0)
            continue;
        snprintf(path, sizeof path, "/v1/artifacts/%s", cJSON_GetObjectItem(it, "id")->valuestring);
    }
    tc_free(r);
    cr_assert(strncmp(path, "/v1/artifacts/", 14) == 0, "%s is among the artifacts", name);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_header(r, "Content-Type"), media_type, "%s", name);
    bytes = r->body;
    r->body = NULL;
    tc_free(r);
    return bytes;
}

/* The lines of text that start with prefix, with their line ends, in order (caller frees). */
static char *
lines_with(const char *text, const char *prefix)
{
    size_t n = strlen(prefix), used = 0;
    char *out = calloc(1, strlen(text) + 1);

    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);

        if (strncmp(p, prefix, n) == 0) {
            memcpy(out + used, p, len);
            used += len;
        }
        p += len;
    }
    return out;
}

/* The <CHILD> blocks of an ssda903.xml whose CHILDID starts with prefix (caller frees). */
static char *
xml_children_with(const char *text, const char *prefix)
{
    char needle[64];
    size_t used = 0;
    char *out = calloc(1, strlen(text) + 1);

    snprintf(needle, sizeof needle, "<CHILDID>%s", prefix);
    for (const char *p = strstr(text, "  <CHILD>\n"); p; p = strstr(p, "  <CHILD>\n")) {
        const char *e = strstr(p, "  </CHILD>\n");
        size_t len;

        cr_assert_not_null(e);
        len = (size_t)(e - p) + strlen("  </CHILD>\n");
        if (memmem(p, len, needle, strlen(needle))) {
            memcpy(out + used, p, len);
            used += len;
        }
        p += len;
    }
    return out;
}

static const char *
str_at(const cJSON *j, const char *a, const char *b)
{
    const cJSON *v = cJSON_GetObjectItem(j, a);

    if (b)
        v = cJSON_GetObjectItem(v, b);
    return cJSON_IsString(v) ? v->valuestring : "";
}

static int
num_at(const cJSON *j, const char *path)
{
    char buf[256], *save = NULL;
    const cJSON *v = j;

    snprintf(buf, sizeof buf, "%s", path);
    for (char *t = strtok_r(buf, "/", &save); t; t = strtok_r(NULL, "/", &save))
        v = cJSON_GetObjectItem(v, t);
    cr_assert(cJSON_IsNumber(v), "%s is a number", path);
    return v->valueint;
}

/* ---- 2026: the edges ------------------------------------------------------------------- */

static const char edges[] =
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
    "ethnicity, category, care_ceased_on, district) VALUES "
    /* birthday on 1 April (18th: the first day of the year), care ended that day */
    "('H7E01', 'A', 'B', '2007-04-01', 'F', 'WBRI', 'former_relevant', '2025-04-01', 'North'),"
    /* birthday on 31 March (20th: the last day), contacted after it, inside the window */
    "('H7E02', 'A', 'B', '2006-03-31', 'M', 'BAFR', 'former_relevant', '2024-03-31', 'North'),"
    /* care ended on the 18th birthday */
    "('H7E03', 'A', 'B', '2007-09-10', 'F', 'MWBC', 'former_relevant', '2025-09-10', 'North'),"
    /* still looked after on the 18th birthday: not a care leaver at the birthday */
    "('H7E04', 'A', 'B', '2007-10-01', 'M', 'WBRI', 'former_relevant', '2025-12-01', 'North'),"
    /* died */
    "('H7E05', 'A', 'B', '2005-07-01', 'M', 'WBRI', 'former_relevant', '2023-07-01', 'North'),"
    /* returned home */
    "('H7E06', 'A', 'B', '2004-11-15', 'F', 'WBRI', 'former_relevant', '2022-11-15', 'North'),"
    /* 22-25, asked for support (a successful contact in the year) */
    "('H7E07', 'A', 'B', '2002-06-01', 'F', 'AIND', 'former_relevant', '2020-06-01', 'North'),"
    /* 22-25, no request this year */
    "('H7E08', 'A', 'B', '2001-08-01', 'M', 'WBRI', 'former_relevant', '2019-08-01', 'North'),"
    /* staying put at 17 (left care at 16, living with former foster carers) */
    "('H7E09', 'A', 'B', '2008-05-20', 'F', 'WBRI', 'relevant', '2025-02-01', 'North'),"
    /* homeless */
    "('H7E10', 'A', 'B', '2006-01-15', 'M', 'WBRI', 'former_relevant', '2024-01-15', 'North'),"
    /* no contact recorded in the window, nothing else recorded */
    "('H7E11', 'A', 'B', '2005-12-01', 'F', 'WBRI', 'former_relevant', '2023-12-01', 'North'),"
    /* qualifying: not the OC3 cohort */
    "('H7E12', 'A', 'B', '2007-06-01', 'M', 'WBRI', 'qualifying', '2025-06-01', 'North'),"
    /* refuses contact; accommodation known from a third party */
    "('H7E13', 'A', 'B', '2006-08-20', 'F', 'WBRI', 'former_relevant', '2024-08-20', 'North'),"
    /* in touch, but no activity or accommodation recorded: left 0, and rule 345 says so */
    "('H7E14', 'A', 'B', '2005-10-10', 'M', 'WBRI', 'former_relevant', '2023-10-10', 'North'),"
    /* 22-25, asked through an outreach reply only */
    "('H7E15', 'A', 'B', '2003-01-20', 'F', 'WBRI', 'former_relevant', '2021-01-20', 'North');"
    "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, recorded_on) "
    "SELECT c.id, v.on_::date, 'phone', v.ok, v.on_::date FROM (VALUES "
    "('H7E01', '2025-03-15', true), ('H7E02', '2026-04-20', true), "
    "('H7E03', '2025-08-01', true), ('H7E04', '2025-09-20', true), "
    "('H7E07', '2025-10-05', true), ('H7E08', '2024-12-01', true), "
    "('H7E09', '2025-05-01', true), ('H7E10', '2025-12-20', true), "
    "('H7E11', '2025-06-01', true), ('H7E13', '2025-08-01', false), "
    "('H7E14', '2025-10-01', true)) v (child, on_, ok) "
    "JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on) "
    "SELECT c.id, v.st, v.on_::date FROM (VALUES ('H7E05', 'died', '2025-05-01'), "
    "('H7E06', 'returned_home', '2025-01-10'), ('H7E13', 'refuses_contact', '2025-03-01')) "
    "v (child, st, on_) JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO eet_activities (care_leaver_id, code, started_on) "
    "SELECT c.id, v.code, v.on_::date FROM (VALUES ('H7E01', 'F2', '2024-09-01'), "
    "('H7E02', 'F5', '2025-01-01'), ('H7E03', 'G5', '2025-09-10'), "
    "('H7E05', 'F5', '2024-01-01'), ('H7E07', 'P5', '2025-01-01'), "
    "('H7E09', 'F2', '2024-09-01'), ('H7E10', 'G5', '2025-06-01')) v (child, code, on_) "
    "JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, unsuitable_reason, "
    "staying_put, reason, started_on) "
    "SELECT c.id, v.code, v.ok, CASE WHEN v.ok THEN NULL ELSE 'not suitable' END, "
    "v.code = 'Z', NULL, v.on_::date FROM (VALUES "
    "('H7E01', 'Z', true, '2025-04-01'), ('H7E02', 'U', true, '2023-06-01'), "
    "('H7E03', 'D', false, '2025-09-10'), ('H7E05', 'U', true, '2024-01-01'), "
    "('H7E06', 'B', true, '2025-01-10'), ('H7E07', 'U', true, '2024-01-01'), "
    "('H7E09', 'Z', true, '2025-02-01'), ('H7E10', 'S', false, '2025-11-01'), "
    "('H7E13', 'K', true, '2024-10-01')) v (child, code, ok, on_) "
    "JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, response, responded_on) "
    "SELECT c.id, '2025-06-01', 'letter', 'wants_service', '2025-06-10' FROM care_leavers c "
    "WHERE c.la_child_id = 'H7E15'";

static const char edges_oc3[] = "H7E01,01/04/2007,YES,F2,Z1\r\n"
                                "H7E02,31/03/2006,YES,F5,U1\r\n"
                                "H7E03,10/09/2007,YES,G5,D2\r\n"
                                "H7E05,01/07/2005,DIED,0,0\r\n"
                                "H7E06,15/11/2004,RHOM,0,0\r\n"
                                "H7E07,01/06/2002,YES,P5,U1\r\n"
                                "H7E09,20/05/2008,YES,F2,Y1\r\n"
                                "H7E10,15/01/2006,YES,G5,S2\r\n"
                                "H7E11,01/12/2005,NO,0,0\r\n"
                                "H7E13,20/08/2006,REFU,0,K1\r\n"
                                "H7E14,10/10/2005,YES,0,0\r\n"
                                "H7E15,20/01/2003,YES,0,0\r\n";

static const char edges_header[] = "H7E01,F,01/04/2007,WBRI,,,\r\n"
                                   "H7E02,M,31/03/2006,BAFR,,,\r\n"
                                   "H7E03,F,10/09/2007,MWBC,,,\r\n"
                                   "H7E05,M,01/07/2005,WBRI,,,\r\n"
                                   "H7E06,F,15/11/2004,WBRI,,,\r\n"
                                   "H7E07,F,01/06/2002,AIND,,,\r\n"
                                   "H7E09,F,20/05/2008,WBRI,,,\r\n"
                                   "H7E10,M,15/01/2006,WBRI,,,\r\n"
                                   "H7E11,F,01/12/2005,WBRI,,,\r\n"
                                   "H7E13,F,20/08/2006,WBRI,,,\r\n"
                                   "H7E14,M,10/10/2005,WBRI,,,\r\n"
                                   "H7E15,F,20/01/2003,WBRI,,,\r\n";

/* The XML block of one young person in the return. */
static void
xml_child(char *out, size_t outlen, const char *child, const char *sex, const char *dob,
          const char *ethnic, const char *in_touch, const char *activ, const char *accom)
{
    size_t used = strlen(out);

    snprintf(out + used, outlen - used,
             "  <CHILD>\n    <HEADER>\n      <CHILDID>%s</CHILDID>\n      <SEX>%s</SEX>\n"
             "      <DOB>%s</DOB>\n      <ETHNIC>%s</ETHNIC>\n    </HEADER>\n"
             "    <IN_TOUCH>%s</IN_TOUCH>\n    <ACTIV>%s</ACTIV>\n    <ACCOM>%s</ACCOM>\n"
             "  </CHILD>\n",
             child, sex, dob, ethnic, in_touch, activ, accom);
}

Test(ssda903, the_cohort_at_its_edges_byte_for_byte)
{
    char *tok = manager_token(), *id, *text, *mine, xml[8192] = "";
    cJSON *job;
    static const char *const rows[][7] = {
        {"H7E01", "F", "01/04/2007", "WBRI", "YES", "F2", "Z1"},
        {"H7E02", "M", "31/03/2006", "BAFR", "YES", "F5", "U1"},
        {"H7E03", "F", "10/09/2007", "MWBC", "YES", "G5", "D2"},
        {"H7E05", "M", "01/07/2005", "WBRI", "DIED", "0", "0"},
        {"H7E06", "F", "15/11/2004", "WBRI", "RHOM", "0", "0"},
        {"H7E07", "F", "01/06/2002", "AIND", "YES", "P5", "U1"},
        {"H7E09", "F", "20/05/2008", "WBRI", "YES", "F2", "Y1"},
        {"H7E10", "M", "15/01/2006", "WBRI", "YES", "G5", "S2"},
        {"H7E11", "F", "01/12/2005", "WBRI", "NO", "0", "0"},
        {"H7E13", "F", "20/08/2006", "WBRI", "REFU", "0", "K1"},
        {"H7E14", "M", "10/10/2005", "WBRI", "YES", "0", "0"},
        {"H7E15", "F", "20/01/2003", "WBRI", "YES", "0", "0"},
    };

    load_once("H7E01", edges);
    id = run_return(tok, "{\"collection_year\":2026,\"format\":\"both\"}", &job);
    cr_expect_str_eq(str_at(job, "result", "status"), "has_errors",
                     "H7E14 and H7E15 are flagged, and the return is still produced");

    text = artifact(tok, id, "oc3.csv", "text/csv; charset=utf-8");
    cr_expect(strncmp(text, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n", 32) == 0, "OC3 columns");
    mine = lines_with(text, "H7E");
    cr_expect_str_eq(mine, edges_oc3);
    free(mine);
    free(text);

    text = artifact(tok, id, "header.csv", "text/csv; charset=utf-8");
    cr_expect(strncmp(text, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n", 40) == 0,
              "Header columns");
    mine = lines_with(text, "H7E");
    cr_expect_str_eq(mine, edges_header);
    free(mine);
    free(text);

    text = artifact(tok, id, "ssda903.xml", "application/xml");
    cr_expect(strncmp(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<EXPSSDA903>\n", 52) == 0);
    for (size_t i = 0; i < sizeof rows / sizeof rows[0]; i++)
        xml_child(xml, sizeof xml, rows[i][0], rows[i][1], rows[i][2], rows[i][3], rows[i][4],
                  rows[i][5], rows[i][6]);
    mine = xml_children_with(text, "H7E");
    cr_expect_str_eq(mine, xml);
    free(mine);
    free(text);

    /* The validator names exactly the two young people whose records need fixing. */
    text = artifact(tok, id, "validation.csv", "text/csv; charset=utf-8");
    mine = lines_with(text, "345,error,OC3,H7E");
    cr_expect_str_eq(mine, "345,error,OC3,H7E14,ACTIV,\"The authority is in touch with the young "
                           "person: activity and accommodation must be known, not 0.\"\r\n"
                           "345,error,OC3,H7E15,ACTIV,\"The authority is in touch with the young "
                           "person: activity and accommodation must be known, not 0.\"\r\n");
    free(mine);
    cr_expect_null(strstr(text, ",H7E0"), "no other finding about these young people");
    free(text);

    text = artifact(tok, id, "basis.csv", "text/csv; charset=utf-8");
    mine = lines_with(text, "H7E02,");
    cr_expect_str_eq(mine, "H7E02,20,17-21,31/03/2026,31/12/2025,30/04/2026,20/04/2026\r\n");
    free(mine);
    mine = lines_with(text, "H7E07,");
    cr_expect_str_eq(mine, "H7E07,23,22-25,05/10/2025,05/07/2025,05/11/2025,05/10/2025\r\n");
    free(mine);
    free(text);
    cJSON_Delete(job);
    free(id);
    free(tok);
}

Test(ssda903, the_birthday_window_is_a_parameter)
{
    char *tok = manager_token(), *id, *text, *mine;
    cJSON *job;

    load_once("H7E01", edges);
    id = run_return(tok,
                    "{\"collection_year\":2026,\"format\":\"csv\",\"window_months_before\":0,"
                    "\"window_months_after\":0}",
                    &job);
    cr_expect_eq(num_at(job, "result/window_months_before"), 0);
    text = artifact(tok, id, "oc3.csv", "text/csv; charset=utf-8");
    mine = lines_with(text, "H7E");
    /* Only a contact on the birthday itself counts now. */
    cr_expect_str_eq(mine, "H7E01,01/04/2007,NO,F2,Z1\r\n"
                           "H7E02,31/03/2006,NO,F5,U1\r\n"
                           "H7E03,10/09/2007,NO,G5,D2\r\n"
                           "H7E05,01/07/2005,DIED,0,0\r\n"
                           "H7E06,15/11/2004,RHOM,0,0\r\n"
                           "H7E07,01/06/2002,YES,P5,U1\r\n"
                           "H7E09,20/05/2008,NO,F2,Y1\r\n"
                           "H7E10,15/01/2006,NO,G5,S2\r\n"
                           "H7E11,01/12/2005,NO,0,0\r\n"
                           "H7E13,20/08/2006,REFU,0,K1\r\n"
                           "H7E14,10/10/2005,NO,0,0\r\n"
                           "H7E15,20/01/2003,YES,0,0\r\n");
    free(mine);
    free(text);
    {
        char path[128];
        struct tc_resp *r;

        snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
        r = tc_get(path, tok);
        cr_expect_null(strstr(r->body, "ssda903.xml"), "format csv writes no XML");
        tc_free(r);
    }
    cJSON_Delete(job);
    free(id);
    free(tok);
}

/* ---- 2016: a whole return ---------------------------------------------------------------- */

static const char whole[] =
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
    "ethnicity, category, care_ceased_on, district) VALUES "
    "('H7V1', 'A', 'B', '1998-04-01', 'M', 'WBRI', 'relevant', '2014-10-01', 'North'),"
    "('H7V2', 'A', 'B', '1995-06-15', 'F', 'BCRB', 'former_relevant', '2013-06-15', 'North'),"
    "('H7V3', 'A', 'B', '1994-04-02', 'M', 'WBRI', 'former_relevant', '2012-04-02', 'North'),"
    "('H7V4', 'A', 'B', '1996-12-31', 'F', 'WIRI', 'former_relevant', '2014-12-31', 'North'),"
    "('H7V5', 'A', 'B', '1997-02-10', 'M', 'WBRI', 'qualifying', '2015-02-10', 'North');"
    "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, recorded_on) "
    "SELECT c.id, v.on_::date, 'home_visit', true, v.on_::date FROM (VALUES "
    "('H7V1', '2015-03-20'), ('H7V2', '2015-06-01'), ('H7V4', '2016-01-15'), "
    "('H7V5', '2015-06-01')) v (child, on_) JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO contact_status_events (care_leaver_id, status, occurred_on) "
    "SELECT c.id, 'no_longer_requires_services', '2014-01-01' FROM care_leavers c "
    "WHERE c.la_child_id = 'H7V3';"
    "INSERT INTO eet_activities (care_leaver_id, code, started_on, ended_on) "
    "SELECT c.id, v.code, v.s::date, v.e::date FROM (VALUES "
    "('H7V1', 'F2', '2014-09-01', '2015-07-01'), ('H7V2', 'F1', '2014-09-01', NULL), "
    "('H7V4', 'G6', '2015-05-01', NULL)) v (child, code, s, e) "
    "JOIN care_leavers c ON c.la_child_id = v.child;"
    "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, unsuitable_reason, "
    "started_on) SELECT c.id, v.code, v.ok, CASE WHEN v.ok THEN NULL ELSE 'overcrowded' END, "
    "v.s::date FROM (VALUES ('H7V1', 'E', true, '2014-10-01'), "
    "('H7V2', 'U', true, '2014-01-01'), ('H7V4', 'T', false, '2015-11-01')) v (child, code, ok, s) "
    "JOIN care_leavers c ON c.la_child_id = v.child";

Test(ssda903, a_whole_valid_return_byte_for_byte)
{
    char *tok = manager_token(), *id, *text;
    cJSON *job, *summary;

    load_once("H7V1", whole);
    id = run_return(tok, "{\"collection_year\":2016}", &job);
    cr_expect_str_eq(str_at(job, "result", "status"), "valid");
    cr_expect_eq(num_at(job, "result/errors"), 0);
    cr_expect_eq(num_at(job, "result/children"), 4);
    cr_expect_eq(cJSON_IsFalse(cJSON_GetObjectItem(cJSON_GetObjectItem(job, "result"), "draft")), 1,
                 "a past year is final");

    /* Before the 2024/25 collection SEX is 1 (male) or 2 (female). */
    text = artifact(tok, id, "header.csv", "text/csv; charset=utf-8");
    cr_expect_str_eq(text, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n"
                           "H7V1,1,01/04/1998,WBRI,,,\r\n"
                           "H7V2,2,15/06/1995,BCRB,,,\r\n"
                           "H7V3,1,02/04/1994,WBRI,,,\r\n"
                           "H7V4,2,31/12/1996,WIRI,,,\r\n");
    free(text);
    text = artifact(tok, id, "oc3.csv", "text/csv; charset=utf-8");
    cr_expect_str_eq(text, "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\r\n"
                           "H7V1,01/04/1998,YES,F2,E1\r\n"
                           "H7V2,15/06/1995,YES,F1,U1\r\n"
                           "H7V3,02/04/1994,NREQ,0,0\r\n"
                           "H7V4,31/12/1996,YES,G6,T2\r\n");
    free(text);
    text = artifact(tok, id, "ssda903.xml", "application/xml");
    cr_expect_str_eq(text, "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
                           "<EXPSSDA903>\n"
                           "  <CHILD>\n"
                           "    <HEADER>\n"
                           "      <CHILDID>H7V1</CHILDID>\n"
                           "      <SEX>1</SEX>\n"
                           "      <DOB>01/04/1998</DOB>\n"
                           "      <ETHNIC>WBRI</ETHNIC>\n"
                           "    </HEADER>\n"
                           "    <IN_TOUCH>YES</IN_TOUCH>\n"
                           "    <ACTIV>F2</ACTIV>\n"
                           "    <ACCOM>E1</ACCOM>\n"
                           "  </CHILD>\n"
                           "  <CHILD>\n"
                           "    <HEADER>\n"
                           "      <CHILDID>H7V2</CHILDID>\n"
                           "      <SEX>2</SEX>\n"
                           "      <DOB>15/06/1995</DOB>\n"
                           "      <ETHNIC>BCRB</ETHNIC>\n"
                           "    </HEADER>\n"
                           "    <IN_TOUCH>YES</IN_TOUCH>\n"
                           "    <ACTIV>F1</ACTIV>\n"
                           "    <ACCOM>U1</ACCOM>\n"
                           "  </CHILD>\n"
                           "  <CHILD>\n"
                           "    <HEADER>\n"
                           "      <CHILDID>H7V3</CHILDID>\n"
                           "      <SEX>1</SEX>\n"
                           "      <DOB>02/04/1994</DOB>\n"
                           "      <ETHNIC>WBRI</ETHNIC>\n"
                           "    </HEADER>\n"
                           "    <IN_TOUCH>NREQ</IN_TOUCH>\n"
                           "    <ACTIV>0</ACTIV>\n"
                           "    <ACCOM>0</ACCOM>\n"
                           "  </CHILD>\n"
                           "  <CHILD>\n"
                           "    <HEADER>\n"
                           "      <CHILDID>H7V4</CHILDID>\n"
                           "      <SEX>2</SEX>\n"
                           "      <DOB>31/12/1996</DOB>\n"
                           "      <ETHNIC>WIRI</ETHNIC>\n"
                           "    </HEADER>\n"
                           "    <IN_TOUCH>YES</IN_TOUCH>\n"
                           "    <ACTIV>G6</ACTIV>\n"
                           "    <ACCOM>T2</ACCOM>\n"
                           "  </CHILD>\n"
                           "</EXPSSDA903>\n");
    free(text);
    text = artifact(tok, id, "validation.csv", "text/csv; charset=utf-8");
    cr_expect_str_eq(text, "RULE,SEVERITY,FILE,CHILD,FIELD,MESSAGE\r\n");
    free(text);

    /* The indicators, as DfE computes them, for these four young people. */
    text = artifact(tok, id, "summary.json", "application/json");
    summary = cJSON_Parse(text);
    cr_assert_not_null(summary, "summary.json parses");
    cr_expect_eq(num_at(summary, "age_groups/17-18/population"), 1);
    cr_expect_eq(num_at(summary, "age_groups/17-18/in_touch/in_touch_percent"), 100);
    cr_expect_eq(num_at(summary, "age_groups/17-18/activity/eet_percent"), 100);
    cr_expect_eq(num_at(summary, "age_groups/17-18/accommodation/suitable_percent"), 100);
    cr_expect_eq(num_at(summary, "age_groups/19-21/population"), 3);
    cr_expect_eq(num_at(summary, "age_groups/19-21/in_touch/in_touch_percent"), 67);
    cr_expect_eq(num_at(summary, "age_groups/19-21/in_touch/no_longer_requires_services"), 1);
    cr_expect_eq(num_at(summary, "age_groups/19-21/activity/eet_percent"), 33);
    cr_expect_eq(num_at(summary, "age_groups/19-21/activity/neet_pregnancy_or_parenting"), 1);
    cr_expect_eq(num_at(summary, "age_groups/19-21/activity/not_known"), 1);
    cr_expect_eq(num_at(summary, "age_groups/19-21/accommodation/suitable_percent"), 33);
    cr_expect_eq(num_at(summary, "age_groups/19-21/accommodation/unsuitable"), 1);
    cr_expect_eq(num_at(summary, "age_groups/19-21/accommodation/no_information"), 1);
    cr_expect_eq(num_at(job, "result/indicators/19-21/eet_percent"), 33,
                 "the job's result carries the headline figures");
    cJSON_Delete(summary);
    free(text);

    /* The same data gives the same bytes again (reruns are safe). */
    {
        cJSON *again;
        char *id2 = run_return(tok, "{\"collection_year\":2016}", &again);
        char sql1[256], sql2[256];

        snprintf(sql1, sizeof sql1,
                 "SELECT string_agg(name || sha256, ',' ORDER BY name) FROM artifacts "
                 "WHERE job_id = '%s'",
                 id);
        snprintf(sql2, sizeof sql2,
                 "SELECT string_agg(name || sha256, ',' ORDER BY name) FROM artifacts "
                 "WHERE job_id = '%s'",
                 id2);
        {
            char a[2048], b[2048];

            cr_assert_eq(tw_sql_text(sql1, a, sizeof a), 0);
            cr_assert_eq(tw_sql_text(sql2, b, sizeof b), 0);
            cr_expect_str_eq(a, b);
        }
        cJSON_Delete(again);
        free(id2);
    }
    cJSON_Delete(job);
    free(id);
    free(tok);
}

Test(ssda903, only_returns_roles_may_download_the_return)
{
    char *tok = manager_token(), *id, path[128];
    char *board = tc_token("board", NULL, NULL);
    char *adviser = tc_token("adviser", "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e", NULL);
    char *service = tc_token("service", NULL, NULL);
    cJSON *job;
    struct tc_resp *r;
    const char *art;

    id = run_return(tok, "{\"collection_year\":2017,\"format\":\"csv\"}", &job);
    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
    r = tc_get(path, service);
    cr_assert_eq(r->status, 200);
    art = cJSON_GetObjectItem(cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 0), "id")
              ->valuestring;
    snprintf(path, sizeof path, "/v1/artifacts/%s", art);
    tc_free(r);
    r = tc_get(path, service);
    cr_expect_eq(r->status, 200);
    tc_free(r);
    r = tc_get(path, board);
    cr_expect_eq(r->status, 404, "the board never sees the return's records");
    tc_free(r);
    r = tc_get(path, adviser);
    cr_expect_eq(r->status, 403);
    tc_free(r);
    cJSON_Delete(job);
    free(id);
    free(tok);
    free(board);
    free(adviser);
    free(service);
}
