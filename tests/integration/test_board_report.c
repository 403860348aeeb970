/* The Corporate Parenting Board report (job kind board_report), end to end: a small data set
 * built here in two districts no other test uses, every figure of the report worked out by
 * hand below, and the report requested through POST /v1/jobs with a manager's token (the
 * board role gets only every district, at quarter ends: tested below), run by the shared
 * worker and downloaded. The JSON and CSV must hold exactly those figures, the HTML and
 * the PDF's text (pdftotext) must show them; small numbers are suppressed (and not when a
 * worker is configured with BOARD_SUPPRESS_BELOW=1); no personal data appears anywhere; the
 * set-based SQL the report uses agrees with the per-person rules and with the SSDA903 return
 * on every care leaver in the database.
 *
 * The data (as_at 2025-03-31, compared with 2024-03-31; events counted after the comparison
 * date up to as_at), districts "H8 Northvale" (N) and "H8 Southdown" (S):
 *   A01-A12 N former relevant, born 2004-06-15 (20th birthday 2024-06-15), out of care
 *           2022-06-15. A01-A10 visited 2024-05-01 (recorded that day), 2024-06-20 (recorded
 *           2024-06-28: 6 working days, late) and 2024-08-10 (recorded 2024-08-16: 5, in
 *           time); A11-A12 never contacted. Activity from 2024-01-01: A01-A05 F2, A06-A07 F1,
 *           A08-A10 G5. Accommodation from 2023-01-01: A01-A09 U suitable, A10-A11 D
 *           unsuitable, A12 R (left out of suitability). Plan started 2024-12-01.
 *   B01-B03 N relevant, born 2007-09-01 (17th birthday 2024-09-01), out of care and case
 *           opened 2024-08-01, phoned 2024-08-15; B01 in bed and breakfast 2024-09-10.
 *   C01-C05 N former relevant, born 2002-01-10; plan started 2024-01-01 (never reviewed);
 *           bed and breakfast 2024-07-01 (C01-C04 "Emergency after eviction", C05
 *           "Placement broke down"); twelve outreach attempts.
 *   D01-D08 S former relevant, born 2004-10-20 (20th birthday 2024-10-20), out of care
 *           2022-10-20, staying put (Z) since then, visited 2024-10-01 and 2024-12-20 (both
 *           late), activity from 2024-01-01 D01-D06 F5, D07-D08 G4, plan started 2024-12-01.
 *   Advisers: North (limit 15) holds every N case, South (limit 24) every S case.
 * Visit standard for former relevant young people to 20: every 56 days. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tw.h"

TestSuite(board_report, .init = cl_mem_init, .timeout = 300);

#define N_DISTRICT "H8 Northvale"
#define S_DISTRICT "H8 Southdown"
#define PARAMS                                                                                     \
    "{\"as_at\":\"2025-03-31\",\"compare_to\":\"2024-03-31\",\"board_date\":\"2025-04-24\","       \
    "\"districts\":[\"" N_DISTRICT "\",\"" S_DISTRICT "\"]}"

static const char seed_sql[] =
    "INSERT INTO advisers (name, email, team, caseload_limit) VALUES "
    " ('H8 Adviser North', 'h8.north@board.example', 'H8', 15),"
    " ('H8 Adviser South', 'h8.south@board.example', 'H8', 24);"
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
    "  ethnicity, category, care_ceased_on, district, adviser_id, opened_on) "
    "SELECT 'H8' || g.grp || lpad(g.i::text, 2, '0'), 'Zebedee', 'Quintrell', g.dob, 'F', "
    "  'WBRI', g.cat, g.ceased, g.district, (SELECT id FROM advisers WHERE email = g.adv), "
    "  g.ceased "
    "FROM (SELECT 'A' AS grp, i, date '2004-06-15' AS dob, 'former_relevant' AS cat,"
    "        date '2022-06-15' AS ceased, '" N_DISTRICT "' AS district,"
    "        'h8.north@board.example' AS adv FROM generate_series(1, 12) i"
    "      UNION ALL SELECT 'B', i, '2007-09-01', 'relevant', '2024-08-01', '" N_DISTRICT "',"
    "        'h8.north@board.example' FROM generate_series(1, 3) i"
    "      UNION ALL SELECT 'C', i, '2002-01-10', 'former_relevant', '2020-01-10',"
    "        '" N_DISTRICT "', 'h8.north@board.example' FROM generate_series(1, 5) i"
    "      UNION ALL SELECT 'D', i, '2004-10-20', 'former_relevant', '2022-10-20',"
    "        '" S_DISTRICT "', 'h8.south@board.example' FROM generate_series(1, 8) i) g;"
    /* contacts and statutory visits */
    "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
    "  recorded_on) "
    "SELECT c.id, v.occ, 'home_visit', true, true, v.rec FROM care_leavers c,"
    "  (VALUES (date '2024-05-01', date '2024-05-01'), ('2024-06-20', '2024-06-28'),"
    "          ('2024-08-10', '2024-08-16')) v (occ, rec) "
    "WHERE c.la_child_id BETWEEN 'H8A01' AND 'H8A10';"
    "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, statutory_visit,"
    "  recorded_on) "
    "SELECT c.id, v.occ, 'home_visit', true, true, v.occ FROM care_leavers c,"
    "  (VALUES (date '2024-10-01'), ('2024-12-20')) v (occ) "
    "WHERE c.la_child_id LIKE 'H8D%';"
    "INSERT INTO contacts (care_leaver_id, occurred_on, method, successful, recorded_on) "
    "SELECT c.id, '2024-08-15', 'phone', true, '2024-08-15' FROM care_leavers c "
    "WHERE c.la_child_id LIKE 'H8B%';"
    /* pathway plans */
    "INSERT INTO pathway_plans (care_leaver_id, version_no, status, started_on) "
    "SELECT c.id, 1, 'current', CASE WHEN c.la_child_id LIKE 'H8C%' THEN date '2024-01-01'"
    "  ELSE date '2024-12-01' END FROM care_leavers c "
    "WHERE c.la_child_id LIKE 'H8A%' OR c.la_child_id LIKE 'H8C%' OR c.la_child_id LIKE 'H8D%';"
    /* activity */
    "INSERT INTO eet_activities (care_leaver_id, code, started_on) "
    "SELECT c.id, CASE WHEN c.la_child_id <= 'H8A05' THEN 'F2' WHEN c.la_child_id <= 'H8A07' "
    "  THEN 'F1' WHEN c.la_child_id <= 'H8A10' THEN 'G5' WHEN c.la_child_id <= 'H8D06' "
    "  THEN 'F5' ELSE 'G4' END, '2024-01-01' FROM care_leavers c "
    "WHERE c.la_child_id BETWEEN 'H8A01' AND 'H8A10' OR c.la_child_id LIKE 'H8D%';"
    /* accommodation */
    "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, unsuitable_reason,"
    "  staying_put, started_on, ended_on, reason) "
    "SELECT c.id, x.code, x.ok, CASE WHEN NOT x.ok THEN 'Too far from college' END,"
    "  x.code = 'Z', x.from_, x.to_, x.why FROM care_leavers c, LATERAL (SELECT"
    "  CASE WHEN c.la_child_id <= 'H8A09' THEN 'U' WHEN c.la_child_id <= 'H8A11' THEN 'D'"
    "       WHEN c.la_child_id = 'H8A12' THEN 'R' WHEN c.la_child_id LIKE 'H8D%' THEN 'Z'"
    "       ELSE 'W' END AS code,"
    "  c.la_child_id NOT IN ('H8A10', 'H8A11') AS ok,"
    "  CASE WHEN c.la_child_id LIKE 'H8A%' THEN date '2023-01-01'"
    "       WHEN c.la_child_id LIKE 'H8D%' THEN date '2022-10-20'"
    "       WHEN c.la_child_id = 'H8B01' THEN date '2024-09-10' ELSE date '2024-07-01' END"
    "    AS from_,"
    "  CASE WHEN c.la_child_id = 'H8B01' THEN date '2024-09-14'"
    "       WHEN c.la_child_id LIKE 'H8C%' THEN date '2024-07-10' END AS to_,"
    "  CASE WHEN c.la_child_id = 'H8C05' THEN 'Placement broke down'"
    "       WHEN c.la_child_id LIKE 'H8C%' OR c.la_child_id = 'H8B01'"
    "       THEN 'Emergency after eviction' END AS why) x "
    "WHERE c.la_child_id LIKE 'H8A%' OR c.la_child_id LIKE 'H8D%' OR c.la_child_id LIKE 'H8C%'"
    "   OR c.la_child_id = 'H8B01';"
    /* 21-25 outreach: 12 sent, 10 replies (6 want a service, 2 moved, 2 declined) */
    "INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, response, responded_on) "
    "SELECT c.id, o.sent, o.channel, o.response,"
    "  CASE WHEN o.response <> 'none' THEN o.sent + 10 END "
    "FROM (VALUES ('H8C01', date '2024-06-01', 'letter', 'wants_service'),"
    "  ('H8C02', '2024-06-01', 'letter', 'wants_service'),"
    "  ('H8C03', '2024-06-01', 'letter', 'wants_service'),"
    "  ('H8C04', '2024-06-01', 'letter', 'wants_service'),"
    "  ('H8C05', '2024-06-01', 'letter', 'wants_service'),"
    "  ('H8C01', '2024-09-01', 'text', 'wants_service'),"
    "  ('H8C02', '2024-09-01', 'text', 'not_at_address'),"
    "  ('H8C03', '2024-09-01', 'text', 'not_at_address'),"
    "  ('H8C04', '2024-09-01', 'text', 'declined'),"
    "  ('H8C05', '2024-09-01', 'text', 'declined'),"
    "  ('H8C01', '2024-11-01', 'email', 'none'), ('H8C02', '2024-11-01', 'email', 'none'))"
    "  o (child, sent, channel, response) JOIN care_leavers c ON c.la_child_id = o.child;"
    /* EET opportunities, referrals and starts */
    "INSERT INTO eet_opportunities (kind, title, places, ring_fenced_for_care_leavers, source,"
    "  district, created_at) VALUES"
    " ('apprenticeship', 'H8 Apprenticeship', 5, true, 'council_department', '" N_DISTRICT
    "', '2024-01-01'),"
    " ('work_experience', 'H8 Work experience', 3, false, 'council_department', '" N_DISTRICT
    "', '2024-01-01');"
    "INSERT INTO eet_referrals (opportunity_id, care_leaver_id, status, status_on, referred_on,"
    "  created_by) "
    "SELECT (SELECT id FROM eet_opportunities WHERE title = 'H8 Apprenticeship'), c.id,"
    "  CASE WHEN c.la_child_id <= 'H8A06' THEN 'started' ELSE 'referred' END,"
    "  CASE WHEN c.la_child_id <= 'H8A06' THEN date '2024-06-01' ELSE date '2024-05-10' END,"
    "  '2024-05-10', 'h8-board-test' FROM care_leavers c "
    "WHERE c.la_child_id BETWEEN 'H8A01' AND 'H8A07';"
    "INSERT INTO eet_referral_events (referral_id, from_status, to_status, on_date, actor_sub,"
    "  actor_role) "
    "SELECT r.id, 'offered', 'started', '2024-06-01', 'h8-board-test', 'manager' "
    "FROM eet_referrals r WHERE r.created_by = 'h8-board-test' AND r.status = 'started';"
    /* joint housing protocol: N's council answers 6 of 8 in time, S's council 6 of 6 */
    "INSERT INTO partners (name, kind, districts) VALUES"
    " ('H8 Northvale District Council', 'district_council', ARRAY['" N_DISTRICT "']),"
    " ('H8 Southdown District Council', 'district_council', ARRAY['" S_DISTRICT "']);"
    "INSERT INTO housing_protocols (title, edition) VALUES ('H8 test protocol', 9878);"
    "INSERT INTO housing_protocol_parties (protocol_id, partner_id) "
    "SELECT h.id, p.id FROM housing_protocols h, partners p "
    "WHERE h.edition = 9878 AND p.name LIKE 'H8 %';"
    "INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referred_on,"
    "  response_due_on, responded_on, outcome) "
    "SELECT c.id, p.id, (SELECT id FROM housing_protocols WHERE edition = 9878), x.ref,"
    "  x.ref + 10, x.ans, 'accepted' FROM care_leavers c "
    "JOIN partners p ON p.districts = ARRAY[c.district] CROSS JOIN LATERAL (SELECT"
    "  CASE WHEN c.district = '" N_DISTRICT "' THEN date '2024-07-01' ELSE date '2024-11-01' END"
    "    AS ref,"
    "  CASE WHEN c.la_child_id IN ('H8A07', 'H8A08') THEN date '2024-07-20'"
    "       WHEN c.district = '" N_DISTRICT "' THEN date '2024-07-05'"
    "       ELSE date '2024-11-05' END AS ans) x "
    "WHERE c.la_child_id BETWEEN 'H8A01' AND 'H8A08' OR c.la_child_id BETWEEN 'H8D01' AND 'H8D06';"
    /* grants: seven payments of 500 pounds */
    "INSERT INTO entitlements (name, kind) VALUES ('H8 Setting up home test grant', 'grant');"
    "INSERT INTO entitlement_versions (entitlement_id, effective_from, cap_pence) "
    "SELECT id, '2000-01-01', 300000 FROM entitlements "
    "WHERE name = 'H8 Setting up home test grant';"
    "INSERT INTO grant_payments (care_leaver_id, entitlement_id, entitlement_version_id,"
    "  amount_pence, paid_on, method, created_by) "
    "SELECT c.id, v.entitlement_id, v.id,"
    "  50000, '2024-10-01', 'bank', 'h8-board-test' FROM care_leavers c, entitlement_versions v "
    "  JOIN entitlements e ON e.id = v.entitlement_id "
    "  AND e.name = 'H8 Setting up home test grant' "
    "WHERE c.la_child_id BETWEEN 'H8A01' AND 'H8A07';";

/* Loads the data set once per database, whichever test gets there first. */
static void
seed(void)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, "BEGIN; SELECT pg_advisory_xact_lock(8808);"
                              "SELECT count(*) FROM care_leavers WHERE la_child_id = 'H8A01'");

    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
        PQclear(res);
        res = PQexec(c, seed_sql);
        cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK, "seed: %s", PQerrorMessage(c));
    }
    PQclear(res);
    res = PQexec(c, "COMMIT");
    PQclear(res);
    PQfinish(c);
}

static char *
token(const char *role, const char *sub)
{
    char claims[256];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims, "{\"sub\":\"%s\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld}", sub,
             role, now + 3600, now);
    return tc_token_claims(claims);
}

/* Waits for the job id to succeed; returns id. */
static char *
wait_report(const char *tok, char *id)
{
    char path[96];
    struct tc_resp *r;
    double t0 = tc_now_ms();

    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        const char *st;

        r = tc_get(path, tok);
        cr_assert_eq(r->status, 200, "%s", r->body);
        st = tc_str(r, "status");
        if (st && (strcmp(st, "succeeded") == 0 || strcmp(st, "failed") == 0)) {
            cr_assert_str_eq(st, "succeeded", "%s", r->body);
            tc_free(r);
            return id;
        }
        tc_free(r);
        cr_assert(tc_now_ms() - t0 < 240000, "the report did not finish in time");
        struct timespec ts = {0, 200 * 1000000L};
        nanosleep(&ts, NULL);
    }
}

/* Requests a board report and waits for it; returns the job id (caller frees). */
static char *
run_report(const char *tok, const char *params)
{
    char body[1024];
    struct tc_resp *r;
    char *id;

    snprintf(body, sizeof body, "{\"kind\":\"board_report\",\"params\":%s}", params);
    r = tc_post("/v1/jobs", tok, body);
    cr_assert_eq(r->status, 202, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return wait_report(tok, id);
}

/* Downloads the job's artifact whose name ends in suffix; returns its response. */
static struct tc_resp *
download(const char *tok, const char *job_id, const char *suffix, const char *media_prefix)
{
    char path[128], aid[40] = "";
    struct tc_resp *r;
    const cJSON *it;
    size_t sl = strlen(suffix);

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", job_id);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        const char *name = cJSON_GetObjectItem(it, "name")->valuestring;
        size_t nl = strlen(name);

        if (nl > sl && strcmp(name + nl - sl, suffix) == 0)
            snprintf(aid, sizeof aid, "%s", cJSON_GetObjectItem(it, "id")->valuestring);
    }
    tc_free(r);
    cr_assert(aid[0], "an artifact ending %s", suffix);
    snprintf(path, sizeof path, "/v1/artifacts/%s", aid);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect(strncmp(tc_header(r, "Content-Type"), media_prefix, strlen(media_prefix)) == 0,
              "%s is %s", suffix, tc_header(r, "Content-Type"));
    return r;
}

/* ---- JSON -------------------------------------------------------------------------------- */

static const cJSON *
indicator(const cJSON *report, const char *code)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(report, "indicators"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "code")->valuestring, code) == 0)
            return it;
    }
    cr_assert_fail("indicator %s is in the report", code);
    return NULL;
}

static const cJSON *
part(const cJSON *ind, const char *array, const char *key, const char *name)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(ind, array))
    {
        if (strcmp(cJSON_GetObjectItem(it, key)->valuestring, name) == 0)
            return it;
    }
    cr_assert_fail("%s has %s %s", cJSON_GetObjectItem(ind, "code")->valuestring, key, name);
    return NULL;
}

/* -1 means null (suppressed or none); -2 means the member is absent. */
static void
expect_num(const cJSON *o, const char *member, double want, const char *what)
{
    const cJSON *v = cJSON_GetObjectItem(o, member);

    if (want == -2) {
        cr_expect(v == NULL, "%s: no %s", what, member);
    } else if (want == -1) {
        cr_expect(cJSON_IsNull(v), "%s: %s is null", what, member);
    } else {
        cr_expect(cJSON_IsNumber(v) && v->valuedouble == want, "%s: %s is %g, not %g", what, member,
                  cJSON_IsNumber(v) ? v->valuedouble : -99, want);
    }
}

/* One figure: fig is the "as_at" or "compare_to" object of an indicator (or a part). */
static void
expect_fig(const cJSON *holder, const char *when, double num, double den, double value,
           const char *display, const char *what)
{
    const cJSON *f = cJSON_GetObjectItem(holder, when);
    char w[160];

    snprintf(w, sizeof w, "%s %s", what, when);
    cr_assert_not_null(f, "%s", w);
    expect_num(f, "numerator", num, w);
    if (den != -3)
        expect_num(f, "denominator", den, w);
    expect_num(f, "value", value, w);
    cr_expect_str_eq(cJSON_GetObjectItem(f, "display")->valuestring, display, "%s display", w);
}

static void
expect_change(const cJSON *holder, const char *display, const char *what)
{
    cr_expect_str_eq(cJSON_GetObjectItem(holder, "change_display")->valuestring, display,
                     "%s change", what);
}

/* ---- CSV --------------------------------------------------------------------------------- */

/* Splits one RFC 4180 record starting at *p into fields (max n); advances *p past its CRLF.
 * Returns the number of fields. Field text is copied into buf. */
static int
csv_record(const char **p, char fields[][256], int n)
{
    const char *s = *p;
    int nf = 0;

    for (;;) {
        size_t len = 0;
        char *out = fields[nf < n ? nf : n - 1];

        if (*s == '"') {
            s++;
            while (*s && !(*s == '"' && s[1] != '"')) {
                if (*s == '"')
                    s++;
                if (len < 255)
                    out[len++] = *s;
                s++;
            }
            if (*s == '"')
                s++;
        } else {
            while (*s && *s != ',' && *s != '\r' && *s != '\n') {
                if (len < 255)
                    out[len++] = *s;
                s++;
            }
        }
        out[len] = '\0';
        nf++;
        if (*s == ',') {
            s++;
            continue;
        }
        break;
    }
    if (*s == '\r')
        s++;
    if (*s == '\n')
        s++;
    *p = s;
    return nf;
}

enum {
    C_SECTION,
    C_CODE,
    C_LABEL,
    C_CATEGORY,
    C_DISTRICT,
    C_KIND,
    C_ASAT,
    C_VALUE,
    C_NUM,
    C_DEN,
    C_DISPLAY,
    C_CMP,
    C_PVALUE,
    C_PNUM,
    C_PDEN,
    C_PDISPLAY,
    C_CHANGE,
    C_ENGLAND,
    C_EYEAR,
    C_BASELINE,
    C_BSOURCE,
    C_TARGET,
    C_TDIR,
    C_TTOL,
    C_RAG,
    C_NCOLS
};

/* Checks the CSV row of code/category/district: value, numerator, denominator, display at as_at
 * and value and change as text exactly as written. */
static void
expect_csv(const char *csv, const char *code, const char *category, const char *district,
           const char *value, const char *num, const char *den, const char *pvalue,
           const char *change)
{
    const char *p = csv;
    char f[C_NCOLS + 2][256];
    int rows = 0;

    csv_record(&p, f, C_NCOLS + 2); /* header */
    while (*p) {
        int nf = csv_record(&p, f, C_NCOLS + 2);

        cr_assert_eq(nf, C_NCOLS, "every CSV row has %d fields (row of %s has %d)", C_NCOLS,
                     f[C_CODE], nf);
        if (strcmp(f[C_CODE], code) != 0 || strcmp(f[C_CATEGORY], category) != 0 ||
            strcmp(f[C_DISTRICT], district) != 0 || strcmp(f[C_SECTION], "Twelve-month trend") == 0)
            continue;
        rows++;
        cr_expect_str_eq(f[C_ASAT], "2025-03-31");
        cr_expect_str_eq(f[C_VALUE], value, "%s/%s/%s value", code, category, district);
        cr_expect_str_eq(f[C_NUM], num, "%s/%s/%s numerator", code, category, district);
        cr_expect_str_eq(f[C_DEN], den, "%s/%s/%s denominator", code, category, district);
        cr_expect_str_eq(f[C_CMP], "2024-03-31");
        cr_expect_str_eq(f[C_PVALUE], pvalue, "%s/%s/%s previous value", code, category, district);
        cr_expect_str_eq(f[C_CHANGE], change, "%s/%s/%s change", code, category, district);
    }
    cr_expect_eq(rows, 1, "one CSV row for %s/%s/%s", code, category, district);
}

/* ---- the tests --------------------------------------------------------------------------- */

Test(board_report, figures_by_hand_in_every_format)
{
    char *mgr = token("manager", "h8-board-figures"), *id;
    struct tc_resp *r;
    const cJSON *ind, *p;
    cJSON *report;

    seed();
    id = run_report(mgr, PARAMS);

    /* JSON */
    r = download(mgr, id, ".json", "application/json");
    report = cJSON_Parse(r->body);
    cr_assert_not_null(report, "the JSON parses");
    tc_free(r);
    cr_expect_str_eq(cJSON_GetObjectItem(report, "as_at")->valuestring, "2025-03-31");
    cr_expect_str_eq(cJSON_GetObjectItem(report, "compare_to")->valuestring, "2024-03-31");
    cr_expect_str_eq(cJSON_GetObjectItem(report, "board_date")->valuestring, "2025-04-24");
    cr_expect_str_eq(cJSON_GetObjectItem(report, "title")->valuestring,
                     "Care leavers performance report");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(report, "districts")), 2);
    expect_num(cJSON_GetObjectItem(report, "suppression"), "below", 6, "suppression");

    ind = indicator(report, "cohort_open");
    expect_fig(ind, "as_at", 28, -2, 28, "28", "open");
    expect_fig(ind, "compare_to", 25, -2, 25, "25", "open");
    expect_change(ind, "+3", "open");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 20, -2, 20, "20", "open N");
    expect_fig(p, "compare_to", 17, -2, 17, "17", "open N");
    p = part(ind, "districts", "district", S_DISTRICT);
    expect_fig(p, "as_at", 8, -2, 8, "8", "open S");

    /* Relevant (3) is small; Former relevant (25) is then suppressed as well, or the total
     * (28) would give the 3 away. */
    ind = indicator(report, "cohort_category");
    p = part(ind, "categories", "category", "Relevant");
    expect_fig(p, "as_at", -1, -2, -1, "<6", "relevant");
    expect_fig(p, "compare_to", 0, -2, 0, "0", "relevant");
    p = part(ind, "categories", "category", "Former relevant");
    expect_fig(p, "as_at", -1, -2, -1, "[c]", "former relevant");
    expect_fig(p, "compare_to", 25, -2, 25, "25", "former relevant");
    ind = indicator(report, "cohort_age");
    p = part(ind, "categories", "category", "Aged 18-20");
    expect_fig(p, "as_at", 20, -2, 20, "20", "18-20");
    expect_fig(p, "compare_to", -1, -2, -1, "[c]", "18-20 (protects the 5 aged 21-25)");
    p = part(ind, "categories", "category", "Aged 21-25");
    expect_fig(p, "as_at", -1, -2, -1, "<6", "21-25");

    /* National indicators, 19-21: A (12, N) and D (8, S) at their 20th birthdays. */
    ind = indicator(report, "in_touch_19_21");
    expect_fig(ind, "as_at", 18, 20, 90, "90%", "in touch 19-21");
    expect_fig(ind, "compare_to", 0, 20, 0, "0%", "in touch 19-21");
    expect_change(ind, "+90 pts", "in touch 19-21");
    expect_num(cJSON_GetObjectItem(ind, "england_average"), "value", 91, "england in touch");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 10, 12, 83, "83%", "in touch N");
    p = part(ind, "districts", "district", S_DISTRICT);
    expect_fig(p, "as_at", 8, 8, 100, "100%", "in touch S");
    ind = indicator(report, "eet_19_21");
    expect_fig(ind, "as_at", 13, 20, 65, "65%", "eet 19-21");
    expect_change(ind, "+65 pts", "eet 19-21");
    expect_num(cJSON_GetObjectItem(ind, "england_average"), "value", 54, "england eet");
    cr_expect_str_eq(
        cJSON_GetObjectItem(cJSON_GetObjectItem(ind, "england_average"), "year_ending_march")
            ->valuestring,
        "2025");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 7, 12, 58, "58%", "eet N");
    p = part(ind, "districts", "district", S_DISTRICT);
    expect_fig(p, "as_at", 6, 8, 75, "75%", "eet S");
    ind = indicator(report, "neet_19_21"); /* 5 NEET: the count and the percentage go */
    expect_fig(ind, "as_at", -1, 20, -1, "[c]", "neet 19-21");
    expect_fig(ind, "compare_to", 0, 20, 0, "0%", "neet 19-21");
    expect_change(ind, "[c]", "neet 19-21");
    ind = indicator(report, "suitable_19_21"); /* A12 (residence not known) left out */
    expect_fig(ind, "as_at", 17, 19, 89, "89%", "suitable 19-21");
    expect_fig(ind, "compare_to", 17, 19, 89, "89%", "suitable 19-21");
    expect_change(ind, "no change", "suitable 19-21");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 9, 11, 82, "82%", "suitable N");
    /* 17-18: only B (3): everything suppressed; no cohort a year earlier. */
    ind = indicator(report, "in_touch_17_18");
    expect_fig(ind, "as_at", -1, -1, -1, "[c]", "in touch 17-18");
    expect_fig(ind, "compare_to", 0, 0, -1, "–", "in touch 17-18 (no cohort)");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(ind, "england_average")));

    /* Plans and visits */
    ind = indicator(report, "plans_up_to_date");
    expect_fig(ind, "as_at", 20, 28, 71, "71%", "plans");
    expect_fig(ind, "compare_to", -1, 25, -1, "[c]", "plans (5 of 25)");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 12, 20, 60, "60%", "plans N");
    ind = indicator(report, "visits_on_time");
    expect_fig(ind, "as_at", 20, 46, 43, "43%", "visits on time");
    expect_fig(ind, "compare_to", 0, 0, -1, "–", "visits on time");
    p = part(ind, "districts", "district", N_DISTRICT);
    expect_fig(p, "as_at", 20, 30, 67, "67%", "visits on time N");
    p = part(ind, "districts", "district", S_DISTRICT);
    expect_fig(p, "as_at", 0, 16, 0, "0%", "visits on time S");
    ind = indicator(report, "visits_recorded_in_time");
    expect_fig(ind, "as_at", 36, 46, 78, "78%", "visits recorded");
    ind = indicator(report, "visits_up_to_date");
    expect_fig(ind, "as_at", 0, 28, 0, "0%", "visits up to date");
    expect_change(ind, "no change", "visits up to date");

    /* Advisers: North 20 cases (limit 15), South 8; a year earlier 17 and 8. */
    ind = indicator(report, "pa_advisers");
    expect_fig(ind, "as_at", 2, -2, 2, "2", "advisers");
    ind = indicator(report, "pa_caseload_mean");
    expect_fig(ind, "as_at", 28, 2, 14, "14.0", "mean caseload");
    expect_fig(ind, "compare_to", 25, 2, 12.5, "12.5", "mean caseload");
    expect_change(ind, "+1.5", "mean caseload");
    ind = indicator(report, "pa_caseload_max");
    expect_fig(ind, "as_at", 20, -2, 20, "20", "max caseload");
    expect_change(ind, "+3", "max caseload");
    ind = indicator(report, "pa_over_limit");
    expect_fig(ind, "as_at", 1, -2, 1, "1", "over limit (advisers are not suppressed)");

    /* Accommodation */
    expect_fig(indicator(report, "staying_put"), "as_at", 8, -2, 8, "8", "staying put");
    expect_fig(indicator(report, "independent_living"), "as_at", 9, -2, 9, "9", "independent");
    ind = indicator(report, "university");
    expect_fig(ind, "as_at", -1, -2, -1, "<6", "university");
    expect_change(ind, "[c]", "university");
    ind = indicator(report, "bnb_placements");
    expect_fig(ind, "as_at", 6, -2, 6, "6", "b&b");
    expect_fig(ind, "compare_to", 0, -2, 0, "0", "b&b");
    p = part(ind, "categories", "category", "Emergency after eviction");
    expect_fig(p, "as_at", -1, -2, -1, "<6", "b&b eviction");
    p = part(ind, "categories", "category", "Placement broke down");
    expect_fig(p, "as_at", -1, -2, -1, "<6", "b&b breakdown");

    /* Outreach */
    expect_fig(indicator(report, "outreach_sent"), "as_at", 12, -2, 12, "12", "sent");
    expect_fig(indicator(report, "outreach_replies"), "as_at", 10, -2, 10, "10", "replies");
    expect_fig(indicator(report, "outreach_response_rate"), "as_at", 10, 12, 83, "83%", "rate");
    expect_fig(indicator(report, "outreach_wants_service"), "as_at", 6, 10, 60, "60%", "wants");
    expect_fig(indicator(report, "outreach_not_at_address"), "as_at", -1, 10, -1, "[c]",
               "not at address (2)");

    /* EET opportunities: places are not people, so 5 is shown */
    expect_fig(indicator(report, "eet_places"), "as_at", 8, -2, 8, "8", "places");
    expect_fig(indicator(report, "eet_ringfenced_places"), "as_at", 5, -2, 5, "5", "ring-fenced");
    expect_fig(indicator(report, "eet_referrals"), "as_at", 7, -2, 7, "7", "referrals");
    expect_fig(indicator(report, "eet_starts"), "as_at", 6, -2, 6, "6", "starts");

    /* Housing protocol, by partner */
    ind = indicator(report, "housing_in_time");
    expect_fig(ind, "as_at", 12, 14, 86, "86%", "housing");
    p = part(ind, "categories", "category", "H8 Northvale District Council");
    expect_fig(p, "as_at", 6, 8, 75, "75%", "housing N council");
    p = part(ind, "categories", "category", "H8 Southdown District Council");
    expect_fig(p, "as_at", 6, 6, 100, "100%", "housing S council");
    ind = indicator(report, "housing_breaches");
    expect_fig(ind, "as_at", -1, -2, -1, "<6", "breaches (2 late answers)");
    p = part(ind, "categories", "category", "H8 Southdown District Council");
    expect_fig(p, "as_at", 0, -2, 0, "0", "breaches S council");

    /* Grants */
    ind = indicator(report, "grants_paid");
    expect_fig(ind, "as_at", 350000, 7, 350000, "£3,500.00", "grants");
    expect_fig(ind, "compare_to", 0, 0, 0, "£0.00", "grants");
    expect_change(ind, "+£3,500.00", "grants");
    p = part(ind, "categories", "category", "H8 Setting up home test grant");
    expect_fig(p, "as_at", 350000, 7, 350000, "£3,500.00", "grants by type");

    /* Trends: twelve month ends for each chart and series; the last point is the headline.
     * At 2024-09-30 the window holds A's 20th and D's 19th birthdays (D not yet in touch). */
    {
        const cJSON *chart, *series, *pt;
        int charts = 0;

        cJSON_ArrayForEach(chart, cJSON_GetObjectItem(report, "trends"))
        {
            charts++;
            cJSON_ArrayForEach(series, cJSON_GetObjectItem(chart, "series"))
            {
                const cJSON *pts = cJSON_GetObjectItem(series, "points");

                cr_expect_eq(cJSON_GetArraySize(pts), 12);
                if (strcmp(cJSON_GetObjectItem(series, "code")->valuestring, "in_touch_19_21"))
                    continue;
                pt = cJSON_GetArrayItem(pts, 11);
                cr_expect_str_eq(cJSON_GetObjectItem(pt, "month_end")->valuestring, "2025-03-31");
                expect_num(pt, "value", 90, "last trend point");
                pt = cJSON_GetArrayItem(pts, 5);
                cr_expect_str_eq(cJSON_GetObjectItem(pt, "month_end")->valuestring, "2024-09-30");
                expect_num(pt, "numerator", 10, "2024-09-30 point");
                expect_num(pt, "denominator", 20, "2024-09-30 point");
                expect_num(pt, "value", 50, "2024-09-30 point");
                pt = cJSON_GetArrayItem(pts, 6);
                expect_num(pt, "value", 90, "2024-10-31 point");
            }
        }
        cr_expect_eq(charts, 3, "three national indicators are charted");
    }
    cJSON_Delete(report);

    /* CSV: the same figures, one row per indicator per district */
    r = download(mgr, id, ".csv", "text/csv");
    cr_expect(strncmp(r->body, "section,indicator_code,indicator,category,district,", 51) == 0);
    expect_csv(r->body, "cohort_open", "", "Total", "28", "28", "", "25", "3");
    expect_csv(r->body, "cohort_open", "", N_DISTRICT, "20", "20", "", "17", "3");
    expect_csv(r->body, "in_touch_19_21", "", "Total", "90", "18", "20", "0", "90");
    expect_csv(r->body, "in_touch_19_21", "", S_DISTRICT, "100", "8", "8", "0", "100");
    expect_csv(r->body, "eet_19_21", "", "Total", "65", "13", "20", "0", "65");
    expect_csv(r->body, "neet_19_21", "", "Total", "[c]", "<6", "20", "0", "[c]");
    expect_csv(r->body, "suitable_19_21", "", "Total", "89", "17", "19", "89", "0");
    expect_csv(r->body, "in_touch_17_18", "", "Total", "[c]", "<6", "<6", "", "");
    expect_csv(r->body, "cohort_category", "Former relevant", "Total", "[c]", "[c]", "", "25",
               "[c]");
    expect_csv(r->body, "plans_up_to_date", "", "Total", "71", "20", "28", "[c]", "[c]");
    expect_csv(r->body, "visits_on_time", "", "Total", "43", "20", "46", "", "");
    expect_csv(r->body, "visits_recorded_in_time", "", "Total", "78", "36", "46", "", "");
    expect_csv(r->body, "pa_caseload_mean", "", "Total", "14.0", "28", "2", "12.5", "1.5");
    expect_csv(r->body, "pa_caseload_max", "", "Total", "20", "20", "", "17", "3");
    expect_csv(r->body, "staying_put", "", "Total", "8", "8", "", "8", "0");
    expect_csv(r->body, "university", "", "Total", "<6", "<6", "", "<6", "[c]");
    expect_csv(r->body, "bnb_placements", "", "Total", "6", "6", "", "0", "6");
    expect_csv(r->body, "bnb_placements", "Emergency after eviction", "Total", "<6", "<6", "", "0",
               "[c]");
    expect_csv(r->body, "outreach_response_rate", "", "Total", "83", "10", "12", "", "");
    expect_csv(r->body, "eet_ringfenced_places", "", "Total", "5", "5", "", "5", "0");
    expect_csv(r->body, "housing_in_time", "H8 Northvale District Council", "Total", "75", "6", "8",
               "", "");
    expect_csv(r->body, "grants_paid", "", "Total", "350000", "350000", "7", "0", "350000");
    tc_free(r);

    /* HTML: self-contained, accessible, and showing the same figures */
    r = download(mgr, id, ".html", "text/html");
    cr_expect(strstr(r->body, "<!DOCTYPE html>") == r->body);
    cr_expect(strstr(r->body, "18 of 20") != NULL, "in touch 19-21 basis");
    cr_expect(strstr(r->body, ">90%<") != NULL, "in touch 19-21");
    cr_expect(strstr(r->body, "£3,500.00") != NULL, "grants");
    cr_expect(strstr(r->body, "&lt;6") != NULL, "a suppressed count");
    cr_expect(strstr(r->body, "[c]") != NULL, "a suppressed percentage");
    cr_expect(strstr(r->body, "24 April 2025") != NULL, "the board date");
    cr_expect(strstr(r->body, "H8 Northvale and H8 Southdown") != NULL, "districts covered");
    cr_expect(strstr(r->body, "<th scope=\"col\"") != NULL, "column headers are scoped");
    cr_expect(strstr(r->body, "<th scope=\"row\"") != NULL, "row headers are scoped");
    cr_expect(strstr(r->body, "<svg") != NULL && strstr(r->body, "<title id=\"chart1-t\">") &&
                  strstr(r->body, "<desc id=\"chart1-d\">") && strstr(r->body, "role=\"img\""),
              "charts have a title and a description");
    cr_expect(strstr(r->body, "Data for the chart") != NULL, "charts have a text alternative");
    cr_expect(strstr(r->body, "src=") == NULL && strstr(r->body, "href=") == NULL &&
                  strstr(r->body, "<script") == NULL && strstr(r->body, "@import") == NULL &&
                  strstr(r->body, "url(") == NULL,
              "nothing is fetched");
    cr_expect(strstr(r->body, "@media print") != NULL, "printable");
    cr_expect(strstr(r->body, "Zebedee") == NULL && strstr(r->body, "Quintrell") == NULL &&
                  strstr(r->body, "H8A01") == NULL && strstr(r->body, "2004-06-15") == NULL,
              "no personal data");
    tc_free(r);

    /* PDF: a real document whose text carries the figures */
    r = download(mgr, id, ".pdf", "application/pdf");
    cr_expect(r->body_len > 1000 && memcmp(r->body, "%PDF-", 5) == 0);
    {
        char pdf[512], txt[512], cmd[1200];
        const char *tmp = getenv("CL_TEST_TMP");
        FILE *f;
        char *text = NULL;
        size_t tl = 0;

        snprintf(pdf, sizeof pdf, "%s/h8-board.pdf", tmp ? tmp : "/tmp");
        snprintf(txt, sizeof txt, "%s/h8-board.txt", tmp ? tmp : "/tmp");
        f = fopen(pdf, "wb");
        cr_assert_not_null(f);
        cr_assert_eq(fwrite(r->body, 1, r->body_len, f), r->body_len);
        fclose(f);
        snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' '%s'", pdf, txt);
        cr_assert_eq(system(cmd), 0, "pdftotext reads the PDF");
        f = fopen(txt, "rb");
        cr_assert_not_null(f);
        text = malloc(1 << 20);
        tl = fread(text, 1, (1 << 20) - 1, f);
        text[tl] = '\0';
        fclose(f);
        cr_expect(strstr(text, "Care leavers performance report") != NULL);
        cr_expect(strstr(text, "24 April 2025") != NULL, "board date");
        cr_expect(strstr(text, "18 of 20") != NULL, "in touch 19-21 basis");
        cr_expect(strstr(text, "90%") != NULL);
        cr_expect(strstr(text, "13 of 20") != NULL, "eet 19-21 basis");
        cr_expect(strstr(text, "17 of 19") != NULL, "suitable 19-21 basis");
        cr_expect(strstr(text, "20 of 46") != NULL, "visits on time basis");
        cr_expect(strstr(text, "£3,500.00") != NULL, "grants");
        cr_expect(strstr(text, "14.0") != NULL, "mean caseload");
        cr_expect(strstr(text, "<6") != NULL, "suppressed count");
        cr_expect(strstr(text, "[c]") != NULL, "suppressed percentage");
        cr_expect(strstr(text, "H8 Northvale District Council") != NULL, "partners");
        cr_expect(strstr(text, "District breakdown") != NULL);
        cr_expect(strstr(text, "Care leavers in touch") != NULL, "trend chart");
        cr_expect(strstr(text, "Zebedee") == NULL && strstr(text, "H8A01") == NULL,
                  "no personal data");
        free(text);
    }
    tc_free(r);
    free(id);
    free(mgr);
}

/* The same report from a worker configured with BOARD_SUPPRESS_BELOW=1 shows every count. */
Test(board_report, suppression_is_configurable)
{
    char queue[64], id[37], sql[256], out[64];
    const char *env[] = {"BOARD_SUPPRESS_BELOW=1", NULL};
    pid_t w;
    PGconn *c;
    PGresult *res;
    cJSON *report;
    const cJSON *ind;

    seed();
    tw_queue_name("h8-board", queue, sizeof queue);
    w = tw_start(queue, env);
    cr_assert_eq(tw_insert_job("board_report", PARAMS, queue, 1, id), 0);
    snprintf(sql, sizeof sql, "SELECT status IN ('succeeded', 'failed') FROM jobs WHERE id = '%s'",
             id);
    cr_assert(tw_until(sql, 240000), "the job finished");
    snprintf(sql, sizeof sql, "SELECT status FROM jobs WHERE id = '%s'", id);
    tw_sql_text(sql, out, sizeof out);
    cr_assert_str_eq(out, "succeeded");
    cr_expect_eq(tw_stop(w, 15, 20000), 0, "the worker stops cleanly");
    cr_expect(!tw_log_has_sanitizer_report(w));

    c = tc_db();
    snprintf(sql, sizeof sql,
             "SELECT convert_from(bytes, 'UTF8') FROM artifacts WHERE job_id = '%s' "
             "AND name LIKE '%%.json'",
             id);
    res = PQexec(c, sql);
    cr_assert_eq(PQntuples(res), 1, "%s", PQerrorMessage(c));
    report = cJSON_Parse(PQgetvalue(res, 0, 0));
    PQclear(res);
    PQfinish(c);
    cr_assert_not_null(report);
    expect_num(cJSON_GetObjectItem(report, "suppression"), "below", 1, "suppression");
    ind = indicator(report, "neet_19_21");
    expect_fig(ind, "as_at", 5, 20, 25, "25%", "neet unsuppressed");
    expect_change(ind, "+25 pts", "neet unsuppressed");
    ind = indicator(report, "in_touch_17_18");
    expect_fig(ind, "as_at", 3, 3, 100, "100%", "in touch 17-18 unsuppressed");
    ind = indicator(report, "cohort_category");
    expect_fig(part(ind, "categories", "category", "Relevant"), "as_at", 3, -2, 3, "3",
               "relevant unsuppressed");
    expect_fig(part(ind, "categories", "category", "Former relevant"), "as_at", 25, -2, 25, "25",
               "former relevant unsuppressed");
    ind = indicator(report, "housing_breaches");
    expect_fig(ind, "as_at", 2, -2, 2, "2", "breaches unsuppressed");
    cJSON_Delete(report);
}

/* One district: only its young people are counted. */
Test(board_report, districts_narrow_every_figure)
{
    char *manager = token("manager", "h8-board-one"), *id;
    struct tc_resp *r;
    cJSON *report;
    const cJSON *ind;

    seed();
    id = run_report(manager, "{\"as_at\":\"2025-03-31\",\"districts\":[\"" S_DISTRICT "\"],"
                             "\"formats\":[\"json\"]}");
    r = download(manager, id, ".json", "application/json");
    report = cJSON_Parse(r->body);
    tc_free(r);
    cr_assert_not_null(report);
    cr_expect_str_eq(cJSON_GetObjectItem(report, "compare_to")->valuestring, "2024-03-31",
                     "compare_to defaults to a year earlier");
    expect_fig(indicator(report, "cohort_open"), "as_at", 8, -2, 8, "8", "open S");
    expect_fig(indicator(report, "in_touch_19_21"), "as_at", 8, 8, 100, "100%", "in touch S");
    expect_fig(indicator(report, "pa_advisers"), "as_at", 1, -2, 1, "1", "advisers S");
    expect_fig(indicator(report, "pa_caseload_max"), "as_at", 8, -2, 8, "8", "max S");
    expect_fig(indicator(report, "eet_places"), "as_at", 0, -2, 0, "0", "places S");
    ind = indicator(report, "housing_in_time");
    expect_fig(ind, "as_at", 6, 6, 100, "100%", "housing S");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(ind, "categories")), 1,
                 "only the partner serving the district");
    cJSON_Delete(report);
    {
        char path[128];

        snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", id);
        r = tc_get(path, manager);
        cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1,
                     "only the formats asked for");
        tc_free(r);
    }
    free(id);
    free(manager);
}

static void
expect_error_field(const struct tc_resp *r, const char *field)
{
    const cJSON *e;
    int found = 0;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "errors")) found |=
        strcmp(cJSON_GetObjectItem(e, "field")->valuestring, field) == 0;
    cr_expect(found, "%s is listed: %s", field, r->body);
}

Test(board_report, bad_params_are_422_with_every_field)
{
    char *board = token("board", "h8-board-bad");
    long before = tc_sql_long("SELECT count(*) FROM jobs WHERE created_by = 'h8-board-bad'");
    struct tc_resp *r;

    r = tc_post("/v1/jobs", board,
                "{\"kind\":\"board_report\",\"params\":{\"as_at\":\"2025-02-30\","
                "\"compare_to\":\"yesterday\",\"districts\":[],\"formats\":[\"pdf\",\"docx\"],"
                "\"colour\":\"red\"}}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 5, "%s", r->body);
    expect_error_field(r, "params.as_at");
    expect_error_field(r, "params.compare_to");
    expect_error_field(r, "params.districts");
    expect_error_field(r, "params.formats");
    expect_error_field(r, "params.colour");
    tc_free(r);
    r = tc_post("/v1/jobs", board, "{\"kind\":\"board_report\",\"params\":{}}");
    cr_expect_eq(r->status, 422);
    expect_error_field(r, "params.as_at");
    tc_free(r);
    r = tc_post("/v1/jobs", board,
                "{\"kind\":\"board_report\",\"params\":{\"as_at\":\"2025-03-31\","
                "\"compare_to\":\"2025-03-31\",\"formats\":[\"csv\",\"csv\"],"
                "\"districts\":[\"A\",\"A\"]}}");
    cr_expect_eq(r->status, 422);
    expect_error_field(r, "params.compare_to");
    expect_error_field(r, "params.formats");
    expect_error_field(r, "params.districts");
    tc_free(r);
    r = tc_post("/v1/jobs", board,
                "{\"kind\":\"board_report\",\"params\":{\"as_at\":\"2999-01-01\"}}");
    cr_expect_eq(r->status, 422, "a date in the future");
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE created_by = 'h8-board-bad'"), before,
                 "nothing queued");
    free(board);
}

/* The board role requests board reports and reads their artifacts, and nothing else. */
Test(board_report, board_role_reaches_reports_only)
{
    char *board = token("board", "h8-board-role"), *adviser, *partner;
    struct tc_resp *r;

    r = tc_post("/v1/jobs", board, "{\"kind\":\"noop\"}");
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/care-leavers", board);
    cr_expect_eq(r->status, 403, "no person records: %s", r->body);
    tc_free(r);
    adviser = tc_token("adviser", "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7e", NULL);
    r = tc_post("/v1/jobs", adviser,
                "{\"kind\":\"board_report\",\"params\":{\"as_at\":\"2025-03-31\"}}");
    cr_expect_eq(r->status, 403, "advisers do not request board reports: %s", r->body);
    tc_free(r);
    partner = tc_token("partner", NULL, "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d7f");
    r = tc_post("/v1/jobs", partner,
                "{\"kind\":\"board_report\",\"params\":{\"as_at\":\"2025-03-31\"}}");
    cr_expect_eq(r->status, 403);
    tc_free(r);
    free(board);
    free(adviser);
    free(partner);
}

/* ---- differencing (issue 15) -------------------------------------------------------------- */

/* Districts no other test uses: "H15 Bigton" with ten open cases and "H15 Smallton" with two,
 * all open since 2024, and a third Smallton case opened on 1 July 2025; qualifying young
 * people, so no SSDA903 cohort changes. Ten 21-25 outreach letters in 2023 to closed former
 * relevant cases (two sent on 31 December), one declined reply. */
static const char h15_sql[] =
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
    "  ethnicity, category, district, opened_on) "
    "SELECT 'H15' || g.grp || lpad(g.i::text, 2, '0'), 'Zebedee', 'Quintrell', '2004-01-01',"
    "  'F', 'WBRI', 'qualifying', g.district, g.opened "
    "FROM (SELECT 'B' AS grp, i, 'H15 Bigton' AS district, date '2024-01-01' AS opened "
    "      FROM generate_series(1, 10) i"
    "      UNION ALL SELECT 'S', i, 'H15 Smallton', date '2024-01-01' FROM generate_series(1, 2) i"
    "      UNION ALL SELECT 'S', 3, 'H15 Smallton', date '2025-07-01') g;"
    "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex,"
    "  ethnicity, category, district, opened_on, status, closed_on, closed_reason) "
    "SELECT 'H15O' || lpad(i::text, 2, '0'), 'Zebedee', 'Quintrell', '2000-05-01', 'F', 'WBRI',"
    "  'former_relevant', 'H15 Bigton', '2016-05-01', 'closed', '2021-05-01', 'Turned 21' "
    "FROM generate_series(1, 10) i;"
    "INSERT INTO outreach_contacts (care_leaver_id, sent_on, channel, response, responded_on) "
    "SELECT c.id, CASE WHEN c.la_child_id <= 'H15O08' THEN date '2023-06-01' "
    "  ELSE date '2023-12-31' END, 'letter',"
    "  CASE WHEN c.la_child_id = 'H15O01' THEN 'declined' ELSE 'none' END,"
    "  CASE WHEN c.la_child_id = 'H15O01' THEN date '2023-06-20' END "
    "FROM care_leavers c WHERE c.la_child_id LIKE 'H15O%';";

static void
seed_h15(void)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, "BEGIN; SELECT pg_advisory_xact_lock(8815);"
                              "SELECT count(*) FROM care_leavers WHERE la_child_id = 'H15B01'");

    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    if (strcmp(PQgetvalue(res, 0, 0), "0") == 0) {
        PQclear(res);
        res = PQexec(c, h15_sql);
        cr_assert(PQresultStatus(res) == PGRES_COMMAND_OK, "seed: %s", PQerrorMessage(c));
    }
    PQclear(res);
    res = PQexec(c, "COMMIT");
    PQclear(res);
    PQfinish(c);
}

/* The open cases in the report the board role asks for with params: -1 when the request is
 * refused, -2 when the figure is suppressed. */
static long
open_cases(const char *tok, const char *params)
{
    char body[512];
    struct tc_resp *r;
    const cJSON *f;
    cJSON *report;
    char *id;
    long n;

    snprintf(body, sizeof body, "{\"kind\":\"board_report\",\"params\":%s}", params);
    r = tc_post("/v1/jobs", tok, body);
    if (r->status != 202) {
        cr_expect_eq(r->status, 422, "%s", r->body);
        tc_free(r);
        return -1;
    }
    id = wait_report(tok, strdup(tc_str(r, "id")));
    tc_free(r);
    r = download(tok, id, ".json", "application/json");
    report = cJSON_Parse(r->body);
    cr_assert_not_null(report);
    f = cJSON_GetObjectItem(indicator(report, "cohort_open"), "as_at");
    n = cJSON_IsNumber(cJSON_GetObjectItem(f, "numerator"))
            ? (long)cJSON_GetObjectItem(f, "numerator")->valuedouble
            : -2;
    cJSON_Delete(report);
    tc_free(r);
    free(id);
    return n;
}

/* Two requests whose figures differ by a count suppressed in each: a subset of districts
 * against a larger set, and two dates a day apart. The board role may make neither pair; a
 * manager (who reads the records themselves) still may. */
Test(board_report, a_board_member_cannot_difference_two_reports)
{
    char *board = token("board", "h15-board-diff"), *mgr = token("manager", "h15-mgr-diff");
    long both, bigger, next_day;
    int refused = 0;

    seed_h15();
    both = open_cases(board, "{\"as_at\":\"2025-06-30\","
                             "\"districts\":[\"H15 Bigton\",\"H15 Smallton\"]}");
    bigger = open_cases(board, "{\"as_at\":\"2025-06-30\",\"districts\":[\"H15 Bigton\"]}");
    next_day = open_cases(board, "{\"as_at\":\"2025-07-01\","
                                 "\"districts\":[\"H15 Bigton\",\"H15 Smallton\"]}");
    refused += both == -1 || bigger == -1;
    cr_expect(refused || both < 0 || bigger < 0 || both - bigger < 1 || both - bigger > 5,
              "a district left out gives away its %ld cases", both - bigger);
    refused = both == -1 || next_day == -1;
    cr_expect(refused || both < 0 || next_day < 0 || next_day - both < 1 || next_day - both > 5,
              "a day later gives away %ld cases opened that day", next_day - both);
    cr_expect(open_cases(board, "{\"as_at\":\"2025-06-29\"}") == -1, "not a quarter end");
    cr_expect(open_cases(board, "{\"as_at\":\"2025-06-30\",\"compare_to\":\"2025-06-29\"}") == -1,
              "the comparison is a year earlier");

    /* what the board may ask for: every district at a quarter end, Smallton's 2 suppressed */
    {
        char *id = run_report(board, "{\"as_at\":\"2025-06-30\",\"formats\":[\"json\"]}");
        struct tc_resp *r = download(board, id, ".json", "application/json");
        cJSON *report = cJSON_Parse(r->body);
        const cJSON *p;

        cr_assert_not_null(report);
        p = part(indicator(report, "cohort_open"), "districts", "district", "H15 Smallton");
        expect_fig(p, "as_at", -1, -2, -1, "<6", "Smallton open");
        p = part(indicator(report, "cohort_open"), "districts", "district", "H15 Bigton");
        cr_expect(cJSON_IsNull(cJSON_GetObjectItem(cJSON_GetObjectItem(p, "as_at"), "numerator")),
                  "Bigton suppressed too, or the total less the others gives Smallton");
        cJSON_Delete(report);
        tc_free(r);
        free(id);
    }
    /* a manager is not held to the fixed form */
    cr_expect_eq(open_cases(mgr, "{\"as_at\":\"2025-07-01\","
                                 "\"districts\":[\"H15 Bigton\",\"H15 Smallton\"]}"),
                 13);
    free(board);
    free(mgr);
}

static long
summary_num(const struct tc_resp *r, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(r->json, name);

    cr_assert_not_null(v, "%s in %s", name, r->body);
    return cJSON_IsNumber(v) ? (long)v->valuedouble : -2;
}

/* The 21-25 outreach summary: the board reads the year to a quarter end, suppressed as the
 * report is; two periods a day apart are not to be had. */
Test(board_report, the_outreach_summary_is_suppressed_for_the_board)
{
    char *board = token("board", "h15-board-outreach"), *mgr = token("manager", "h15-mgr-o");
    struct tc_resp *r, *r2;

    seed_h15();
    r = tc_get("/v1/outreach-contacts/summary?from=2023-01-01&to=2023-12-31", board);
    cr_assert_eq(r->status, 200, "%s", r->body);
    r2 = tc_get("/v1/outreach-contacts/summary?from=2023-01-01&to=2023-12-30", board);
    if (r2->status == 200)
        cr_expect(summary_num(r, "sent") - summary_num(r2, "sent") > 5 ||
                      summary_num(r, "sent") - summary_num(r2, "sent") < 1,
                  "a day less gives away the %ld letters sent on 31 December",
                  summary_num(r, "sent") - summary_num(r2, "sent"));
    else
        cr_expect_eq(r2->status, 400, "%s", r2->body);
    tc_free(r2);
    /* one reply, and nine letters unanswered: */
    cr_expect_eq(summary_num(r, "declined"), -2, "a single reply is suppressed: %s", r->body);
    cr_expect_eq(summary_num(r, "replies"), -2, "%s", r->body);
    cr_expect_eq(summary_num(r, "response_rate_pct"), -2, "%s", r->body);
    cr_expect_eq(summary_num(r, "suppress_below"), 6, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/outreach-contacts/summary?to=2023-12-31", board);
    cr_expect_eq(r->status, 200, "from is the year to the quarter end: %s", r->body);
    cr_expect_str_eq(tc_str(r, "from"), "2023-01-01");
    tc_free(r);
    r = tc_get("/v1/outreach-contacts/summary", board);
    cr_expect_eq(r->status, 400, "the board names the period: %s", r->body);
    tc_free(r);
    r = tc_get("/v1/outreach-contacts/summary?from=2023-01-01&to=2023-12-31", mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect(summary_num(r, "replies") >= 1, "a manager sees the counts: %s", r->body);
    cr_expect_null(cJSON_GetObjectItem(r->json, "suppress_below"));
    tc_free(r);
    free(board);
    free(mgr);
}
