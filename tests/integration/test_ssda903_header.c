/* The SSDA903 Header's UPN, MOTHER and MC_DOB from stored records: written through the api
 * (create and merge patch, with their validation: every bad field at once, nothing written),
 * given by care_leaver_extra_json, and carried into the return's header.csv and ssda903.xml,
 * where the return's own validation names the records an officer must fix (rules 209, 444,
 * 611, 612).
 *
 * The return covers every care leaver in the database and other suites make care leavers too,
 * so the 2026 return is compared on this suite's own rows only: CHILD ids P2H.., contiguous in
 * the files because rows are in CHILD order. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"

TestSuite(ssda903_header, .init = cl_mem_init, .timeout = 240);

static const char *
jstr(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    return cJSON_IsString(v) ? v->valuestring : NULL;
}

static char *
stored(const char *sql, const char *child)
{
    return tcw_sql_str(sql, 1, (const char *[]){child});
}

static long
rows_with(const char *child)
{
    return tcw_sql_long("SELECT count(*) FROM care_leavers WHERE la_child_id = $1", 1,
                        (const char *[]){child});
}

/* ---- the api ----------------------------------------------------------------------------- */

Test(ssda903_header, the_api_validates_and_writes_the_header_items)
{
    char *mgr = tc_token("manager", NULL, NULL), uid[11], bad[11], path[128], *id, *v;
    char dob[11], before_dob[11], child[11], future[11], body[1024], extra[256], want[64];
    struct tc_resp *r;
    int st;

    tcw_date(dob, 20, 0);
    tcw_date(before_dob, 20, 1);
    tcw_date(child, 2, 0);
    tcw_date(future, -1, 0);

    /* Malformed values: each named at once, nothing written. */
    tcw_uid(bad, "P2A");
    snprintf(body, sizeof body,
             "{\"la_child_id\":\"%s\",\"given_name\":\"Ann\",\"family_name\":\"Lee\","
             "\"date_of_birth\":\"%s\",\"sex\":\"F\",\"ethnicity\":\"WBRI\","
             "\"category\":\"former_relevant\",\"district\":\"North\","
             "\"upn\":\"S88520002500A\",\"mother\":2,\"first_child_dob\":\"%s\"}",
             bad, dob, future);
    r = tc_post("/v1/care-leavers", mgr, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "upn"), "a UPN cannot start with S: %s", r->body);
    cr_expect(tcw_has_error(r, "mother"), "MOTHER is 0 or 1: %s", r->body);
    cr_expect(tcw_has_error(r, "first_child_dob"), "not in the future: %s", r->body);
    cr_expect_eq(tcw_error_count(r), 3, "%s", r->body);
    tc_free(r);
    for (size_t i = 0; i < 5; i++) {
        static const char *const upns[] = {"A88520002500", "UN6", "A8852000250!1", "O885200025001",
                                           "A885200025001X"};

        snprintf(body, sizeof body,
                 "{\"la_child_id\":\"%s\",\"given_name\":\"Ann\",\"family_name\":\"Lee\","
                 "\"date_of_birth\":\"%s\",\"sex\":\"F\",\"ethnicity\":\"WBRI\","
                 "\"category\":\"former_relevant\",\"district\":\"North\",\"upn\":\"%s\"}",
                 bad, dob, upns[i]);
        r = tc_post("/v1/care-leavers", mgr, body);
        cr_expect_eq(r->status, 422, "%s: %s", upns[i], r->body);
        cr_expect(tcw_has_error(r, "upn"), "%s: %s", upns[i], r->body);
        tc_free(r);
    }
    /* Rules over the whole record: not for a male, a child born after the young person. */
    snprintf(body, sizeof body,
             "{\"la_child_id\":\"%s\",\"given_name\":\"Ben\",\"family_name\":\"Lee\","
             "\"date_of_birth\":\"%s\",\"sex\":\"M\",\"ethnicity\":\"WBRI\","
             "\"category\":\"former_relevant\",\"district\":\"North\",\"mother\":0,"
             "\"first_child_dob\":\"%s\"}",
             bad, dob, before_dob);
    r = tc_post("/v1/care-leavers", mgr, body);
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "mother"), "%s", r->body);
    cr_expect(tcw_has_error(r, "first_child_dob"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(rows_with(bad), 0, "nothing written");

    /* A valid record: the UPN in either case, stored in capitals. */
    tcw_uid(uid, "P2A");
    snprintf(extra, sizeof extra,
             ",\"upn\":\"a885200025001\",\"mother\":1,\"first_child_dob\":\"%s\"", child);
    id = tcw_care_leaver(mgr, uid, dob, "former_relevant", "North", NULL, extra, &st);
    cr_assert_eq(st, 201);
    cr_assert_not_null(id);
    v = stored("SELECT upn || ',' || mother || ',' || first_child_dob FROM care_leavers "
               "WHERE la_child_id = $1",
               uid);
    snprintf(want, sizeof want, "A885200025001,1,%s", child);
    cr_expect_str_eq(v, want);
    free(v);
    v = stored("SELECT care_leaver_extra_json(c)::text FROM care_leavers c WHERE la_child_id = $1",
               uid);
    snprintf(want, sizeof want, "{\"upn\": \"A885200025001\", \"mother\": 1, ");
    cr_expect(strncmp(v, want, strlen(want)) == 0, "%s", v);
    cr_expect_not_null(strstr(v, child), "%s", v);
    free(v);

    /* Merge patch: a new UPN, a change of sex refused while she is recorded as a mother, then
     * the motherhood items cleared. */
    snprintf(path, sizeof path, "/v1/care-leavers/%s", id);
    r = tc_patch(path, mgr, "{\"upn\":\"UN4\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    tc_free(r);
    r = tc_patch(path, mgr, "{\"sex\":\"M\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(tcw_has_error(r, "mother"), "%s", r->body);
    cr_expect(tcw_has_error(r, "first_child_dob"), "%s", r->body);
    tc_free(r);
    r = tc_patch(path, mgr, "{\"mother\":\"1\",\"first_child_dob\":\"2024-02-30\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect_eq(tcw_error_count(r), 2, "%s", r->body);
    tc_free(r);
    r = tc_patch(path, mgr, "{\"mother\":null,\"first_child_dob\":null,\"sex\":\"M\"}");
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(jstr(r->json, "sex"), "M");
    tc_free(r);
    v = stored("SELECT coalesce(upn, '-') || ',' || coalesce(mother::text, '-') || ',' || "
               "coalesce(first_child_dob::text, '-') FROM care_leavers WHERE la_child_id = $1",
               uid);
    cr_expect_str_eq(v, "UN4,-,-");
    free(v);
    free(id);
    free(mgr);
}

/* ---- the return -------------------------------------------------------------------------- */

/* The suite's young people for the 2026 return (1 April 2025 to 31 March 2026), recorded
 * directly as the database owner (as a migration of an authority's history would be) so the
 * dates can sit anywhere. None has a contact or episode recorded: IN_TOUCH NO, 0, 0. */
static const char people[] =
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
    "ethnicity, category, care_ceased_on, district, upn, mother, first_child_dob) VALUES "
    /* left care on her 18th birthday in the year: MOTHER and MC_DOB given */
    "('P2H01', 'A', 'B', '2007-06-01', 'F', 'WBRI', 'former_relevant', '2025-06-01', 'North', "
    " 'A885200025001', 1, '2025-01-10'),"
    /* not looked after in the year (left in 2024): UPN only (DfE rule 628) */
    "('P2H02', 'A', 'B', '2006-05-01', 'F', 'WBRI', 'former_relevant', '2024-05-01', 'North', "
    " 'C885210024002', 1, '2024-02-02'),"
    /* a male: never MOTHER */
    "('P2H03', 'A', 'B', '2007-07-01', 'M', 'WBRI', 'former_relevant', '2025-07-01', 'North', "
    " 'UN2', NULL, NULL),"
    /* first child born after the year: not a mother at 31 March 2026 */
    "('P2H04', 'A', 'B', '2007-08-01', 'F', 'WBRI', 'former_relevant', '2025-08-01', 'North', "
    " 'D885220025004', 1, '2026-05-01'),"
    /* not a mother */
    "('P2H05', 'A', 'B', '2007-09-01', 'F', 'WBRI', 'former_relevant', '2025-09-01', 'North', "
    " 'E88523002500F', 0, NULL),"
    /* a mother with no child's date of birth: rule 611 */
    "('P2H06', 'A', 'B', '2007-10-01', 'F', 'WBRI', 'former_relevant', '2025-10-01', 'North', "
    " 'F885240025006', 1, NULL),"
    /* a child's date of birth but MOTHER 0: rule 612 */
    "('P2H07', 'A', 'B', '2007-11-01', 'F', 'WBRI', 'former_relevant', '2025-11-01', 'North', "
    " 'G885250025007', 0, '2025-03-01'),"
    /* two young people recorded with one UPN: rule 444 on both */
    "('P2H08', 'A', 'B', '2005-06-15', 'M', 'WBRI', 'former_relevant', '2023-06-15', 'North', "
    " 'H885260023008', NULL, NULL),"
    "('P2H09', 'A', 'B', '2005-07-15', 'F', 'WBRI', 'former_relevant', '2023-07-15', 'North', "
    " 'H885260023008', NULL, NULL),"
    /* UN1 (under 6, no UPN yet) for a young adult: rule 209 */
    "('P2H10', 'A', 'B', '2006-12-01', 'M', 'WBRI', 'former_relevant', '2024-12-01', 'North', "
    " 'UN1', NULL, NULL) "
    "ON CONFLICT (la_child_id) DO NOTHING";

static const char header_rows[] = "P2H01,F,01/06/2007,WBRI,A885200025001,1,10/01/2025\r\n"
                                  "P2H02,F,01/05/2006,WBRI,C885210024002,,\r\n"
                                  "P2H03,M,01/07/2007,WBRI,UN2,,\r\n"
                                  "P2H04,F,01/08/2007,WBRI,D885220025004,0,\r\n"
                                  "P2H05,F,01/09/2007,WBRI,E88523002500F,0,\r\n"
                                  "P2H06,F,01/10/2007,WBRI,F885240025006,1,\r\n"
                                  "P2H07,F,01/11/2007,WBRI,G885250025007,0,01/03/2025\r\n"
                                  "P2H08,M,15/06/2005,WBRI,H885260023008,,\r\n"
                                  "P2H09,F,15/07/2005,WBRI,H885260023008,,\r\n"
                                  "P2H10,M,01/12/2006,WBRI,UN1,,\r\n";

static const char xml_p2h01[] = "  <CHILD>\n"
                                "    <HEADER>\n"
                                "      <CHILDID>P2H01</CHILDID>\n"
                                "      <UPN>A885200025001</UPN>\n"
                                "      <SEX>F</SEX>\n"
                                "      <DOB>01/06/2007</DOB>\n"
                                "      <ETHNIC>WBRI</ETHNIC>\n"
                                "      <MOTHER>1</MOTHER>\n"
                                "      <MC_DOB>10/01/2025</MC_DOB>\n"
                                "    </HEADER>\n"
                                "    <IN_TOUCH>NO</IN_TOUCH>\n"
                                "    <ACTIV>0</ACTIV>\n"
                                "    <ACCOM>0</ACCOM>\n"
                                "  </CHILD>\n";

/* Requests the 2026 return and waits until it succeeded; returns the job id (caller frees). */
static char *
run_return(const char *tok)
{
    char path[96], *id;
    struct tc_resp *r;
    double t0 = tc_now_ms();

    r = tc_post("/v1/jobs", tok,
                "{\"kind\":\"ssda903\",\"params\":{\"collection_year\":2026,\"format\":\"both\"}}");
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
    tc_free(r);
    return id;
}

/* The bytes of the job's artifact called name (caller frees). */
static char *
artifact(const char *tok, const char *job, const char *name)
{
    char path[128] = "";
    struct tc_resp *r;
    const cJSON *it;
    char *bytes;

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", job);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    path[0] = '\0';
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(jstr(it, "name"), name) == 0)
            snprintf(path, sizeof path, "/v1/artifacts/%s", jstr(it, "id"));
    }
    tc_free(r);
    cr_assert(path[0] != '\0', "%s is among the artifacts", name);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    bytes = r->body;
    r->body = NULL;
    tc_free(r);
    return bytes;
}

/* The lines of text that contain needle, with their line ends, in order (caller frees). */
static char *
lines_with(const char *text, const char *needle)
{
    size_t used = 0;
    char *out = calloc(1, strlen(text) + 1);

    for (const char *p = text; *p;) {
        const char *e = strchr(p, '\n');
        size_t len = e ? (size_t)(e - p) + 1 : strlen(p);

        if (memmem(p, len, needle, strlen(needle))) {
            memcpy(out + used, p, len);
            used += len;
        }
        p += len;
    }
    return out;
}

Test(ssda903_header, the_return_carries_upn_mother_and_first_child)
{
    char *tok = tc_token("manager", NULL, NULL), *id, *text, *mine, *block;

    cr_assert_eq(tc_sql(people), 0, "the suite's young people are recorded");
    id = run_return(tok);

    text = artifact(tok, id, "header.csv");
    cr_expect(strncmp(text, "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\r\n", 40) == 0);
    mine = lines_with(text, "P2H");
    cr_expect_str_eq(mine, header_rows);
    free(mine);
    free(text);

    text = artifact(tok, id, "ssda903.xml");
    block = strstr(text, "<CHILDID>P2H01</CHILDID>");
    cr_assert_not_null(block, "P2H01 is in the XML");
    cr_expect(strncmp(block - strlen("  <CHILD>\n    <HEADER>\n      "), xml_p2h01,
                      strlen(xml_p2h01)) == 0,
              "P2H01's XML: %.600s", block - strlen("  <CHILD>\n    <HEADER>\n      "));
    free(text);

    /* The return's validation names exactly the records to fix, by rule. */
    text = artifact(tok, id, "validation.csv");
    mine = lines_with(text, ",P2H");
    cr_expect_str_eq(
        mine, "209,error,Header,P2H10,UPN,Young person is of school age and should not have the "
              "unknown UPN code UN1.\r\n"
              "444,error,Header,P2H08,UPN,Duplicate UPN reported.\r\n"
              "444,error,Header,P2H09,UPN,Duplicate UPN reported.\r\n"
              "611,error,Header,P2H06,MC_DOB,Young person is recorded as a mother but the "
              "child's date of birth is missing.\r\n"
              "612,error,Header,P2H07,MOTHER,A child's date of birth is recorded but MOTHER says "
              "she is not a mother.\r\n");
    free(mine);
    free(text);
    free(id);
    free(tok);
}
