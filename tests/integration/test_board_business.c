/* The Board's own business (issue 22), end to end through the api and the shared worker:
 * an action raised at one meeting is carried in the next reports until it is closed (and
 * once more, as closed), a section the Board asked for and nobody supplied shows its
 * placeholder, narrative text with markup and right-to-left script is escaped in the HTML and
 * laid out as text in the PDF, bad input is 422 naming the field with nothing written,
 * GET /v1/indicators for a date equals that day's Board report JSON figure by figure (computed
 * and from the snapshot, suppressed for the board role only), and the nightly snapshot is
 * stored once with three workers running.
 *
 * Meetings are dated in 2001-2002, where no other test has one, so the actions in these
 * reports are this file's. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cl_la_time.h"
#include "cl_mem.h"
#include "tc.h"
#include "tw.h"

TestSuite(board_business, .init = cl_mem_init, .fini = tw_kill_all, .timeout = 300);

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* POSTs body to path and asserts the status; returns the response (caller frees). */
static struct tc_resp *
post_ok(const char *path, const char *tok, const char *body, int status)
{
    struct tc_resp *r = tc_post(path, tok, body);

    cr_assert_eq(r->status, status, "POST %s: %d %s", path, r->status, r->body);
    return r;
}

/* Creates a meeting on date; its id into id[37]. */
static void
meeting(const char *tok, const char *date, char id[37])
{
    char body[128];
    struct tc_resp *r;

    snprintf(body, sizeof body, "{\"held_on\":\"%s\",\"title\":\"Corporate Parenting Board\"}",
             date);
    r = post_ok("/v1/board-meetings", tok, body, 201);
    snprintf(id, 37, "%s", tc_str(r, "id"));
    tc_free(r);
}

/* Waits for job id to succeed. */
static void
wait_job(const char *tok, const char *id)
{
    char path[96];
    double t0 = tc_now_ms();

    snprintf(path, sizeof path, "/v1/jobs/%s", id);
    for (;;) {
        struct tc_resp *r = tc_get(path, tok);
        const char *st = tc_str(r, "status");

        cr_assert_eq(r->status, 200, "%s", r->body);
        if (st && (strcmp(st, "succeeded") == 0 || strcmp(st, "failed") == 0)) {
            cr_assert_str_eq(st, "succeeded", "%s", r->body);
            tc_free(r);
            return;
        }
        tc_free(r);
        cr_assert(tc_now_ms() - t0 < 240000, "the job did not finish in time");
        sleep_ms(200);
    }
}

/* Requests a job of kind with params and waits for it; its id into id[37]. */
static void
run_job(const char *tok, const char *kind, const char *params, char id[37])
{
    char body[1024];
    struct tc_resp *r;

    snprintf(body, sizeof body, "{\"kind\":\"%s\",\"params\":%s}", kind, params);
    r = post_ok("/v1/jobs", tok, body, 202);
    snprintf(id, 37, "%s", tc_str(r, "id"));
    tc_free(r);
    wait_job(tok, id);
}

/* The job's artifact whose name ends in suffix. */
static struct tc_resp *
artifact(const char *tok, const char *job, const char *suffix)
{
    char path[128], aid[40] = "";
    struct tc_resp *r;
    const cJSON *it;

    snprintf(path, sizeof path, "/v1/jobs/%s/artifacts", job);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        const char *name = cJSON_GetObjectItem(it, "name")->valuestring;
        size_t n = strlen(name), s = strlen(suffix);

        if (n > s && strcmp(name + n - s, suffix) == 0)
            snprintf(aid, sizeof aid, "%s", cJSON_GetObjectItem(it, "id")->valuestring);
    }
    tc_free(r);
    cr_assert(aid[0], "an artifact ending %s", suffix);
    snprintf(path, sizeof path, "/v1/artifacts/%s", aid);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    return r;
}

/* The Board report JSON for a meeting on board_date (as at 2025-03-31). */
static cJSON *
report_json(const char *tok, const char *board_date)
{
    char params[256], job[37];
    struct tc_resp *r;
    cJSON *doc;

    snprintf(params, sizeof params,
             "{\"as_at\":\"2025-03-31\",\"board_date\":\"%s\",\"formats\":[\"json\"]}", board_date);
    run_job(tok, "board_report", params, job);
    r = artifact(tok, job, ".json");
    doc = cJSON_Parse(r->body);
    tc_free(r);
    cr_assert_not_null(doc);
    return doc;
}

/* The report's action whose text is text, or NULL. */
static const cJSON *
find_action(const cJSON *doc, const char *text)
{
    const cJSON *a;

    cJSON_ArrayForEach(a, cJSON_GetObjectItem(doc, "actions"))
    {
        if (strcmp(cJSON_GetObjectItem(a, "text")->valuestring, text) == 0)
            return a;
    }
    return NULL;
}

/* The report's placeholder section titled title, or NULL. */
static const cJSON *
find_placeholder(const cJSON *doc, const char *title)
{
    const cJSON *s;

    cJSON_ArrayForEach(s, cJSON_GetObjectItem(doc, "sections"))
    {
        if (cJSON_IsTrue(cJSON_GetObjectItem(s, "placeholder")) &&
            strcmp(cJSON_GetObjectItem(s, "title")->valuestring, title) == 0)
            return s;
    }
    return NULL;
}

static const char *
member_str(const cJSON *o, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(o, name);

    return cJSON_IsString(v) ? v->valuestring : "";
}

/* 1 when the problem's errors name field. */
static int
names_field(const struct tc_resp *r, const char *field)
{
    const cJSON *e;

    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "errors"))
    {
        if (strcmp(member_str(e, "field"), field) == 0)
            return 1;
    }
    return 0;
}

#define ACTION_TEXT "A statement on health and well-being should be included in future reports."
#define ASKED_FOR "Health and well-being"

Test(board_business, an_action_is_carried_until_closed_and_a_missing_section_shows_its_placeholder)
{
    char *tok = tc_token("manager", NULL, NULL), *board = tc_token("board", NULL, NULL);
    char m1[37], m2[37], m3[37], m4[37], m5[37], path[160], action[37];
    struct tc_resp *r;
    cJSON *doc;
    const cJSON *a, *ph;

    meeting(tok, "2001-01-10", m1);
    meeting(tok, "2001-04-10", m2);
    meeting(tok, "2001-07-10", m3);
    meeting(tok, "2001-10-10", m4);
    meeting(tok, "2002-01-10", m5);
    snprintf(path, sizeof path, "/v1/board-meetings/%s/actions", m1);
    r = post_ok(path, tok,
                "{\"number\":\"7\",\"text\":\"" ACTION_TEXT "\",\"owner_name\":\"Sam Okafor\","
                "\"owner_role\":\"Head of Service\",\"due_on\":\"2001-06-01\","
                "\"requests_section\":\"" ASKED_FOR "\"}",
                201);
    snprintf(action, sizeof action, "%s", tc_str(r, "id"));
    cr_expect_str_eq(tc_str(r, "status"), "open");
    tc_free(r);
    /* the board reads the meeting's actions; it may not write them */
    r = tc_get(path, board);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1);
    tc_free(r);
    r = tc_post(path, board,
                "{\"number\":\"8\",\"text\":\"x\",\"owner_name\":\"x\","
                "\"owner_role\":\"x\",\"due_on\":\"2001-06-01\"}");
    cr_expect_eq(r->status, 403, "%s", r->body);
    tc_free(r);

    /* the next two meetings' reports carry it, open, with the placeholder it asked for */
    for (int i = 0; i < 2; i++) {
        doc = report_json(tok, i == 0 ? "2001-04-10" : "2001-07-10");
        a = find_action(doc, ACTION_TEXT);
        cr_assert_not_null(a, "the action is in report %d", i + 1);
        cr_expect_str_eq(member_str(a, "status"), "open");
        cr_expect_str_eq(member_str(a, "raised_on"), "2001-01-10");
        ph = find_placeholder(doc, ASKED_FOR);
        cr_assert_not_null(ph, "the missing section shows a placeholder in report %d", i + 1);
        cr_expect(strstr(member_str(ph, "body"), "Not supplied") != NULL, "%s",
                  member_str(ph, "body"));
        cr_expect_str_eq(member_str(cJSON_GetObjectItem(ph, "requested_by_action"), "number"), "7");
        cJSON_Delete(doc);
    }

    /* closing needs a note: 422 naming note, nothing written */
    snprintf(path, sizeof path, "/v1/board-meetings/%s/actions/%s/updates", m1, action);
    r = tc_post(path, tok, "{\"on\":\"2001-08-01\",\"status\":\"done\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(names_field(r, "note"), "%s", r->body);
    tc_free(r);
    r = tc_post(path, tok, "{\"on\":\"2001-08-01\",\"status\":\"done\",\"note\":\"   \"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM board_action_updates u JOIN board_actions a "
                             "ON a.id = u.action_id WHERE a.text = '" ACTION_TEXT "'"),
                 0, "nothing written");
    r = post_ok(path, tok,
                "{\"on\":\"2001-08-01\",\"status\":\"done\",\"note\":\"The statement is in the "
                "October report.\"}",
                200);
    cr_expect_str_eq(tc_str(r, "status"), "done");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "updates")), 1);
    tc_free(r);
    r = tc_post(path, tok, "{\"on\":\"2001-09-01\",\"note\":\"again\"}");
    cr_expect_eq(r->status, 409, "a closed action takes no update: %s", r->body);
    tc_free(r);

    /* the meeting after the closure hears it was closed; the one after that no longer */
    doc = report_json(tok, "2001-10-10");
    a = find_action(doc, ACTION_TEXT);
    cr_assert_not_null(a, "reported once more as closed");
    cr_expect_str_eq(member_str(a, "status"), "done");
    cr_expect_str_eq(member_str(a, "closed_on"), "2001-08-01");
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(a, "updates")), 1, "with its history");
    cr_expect_null(find_placeholder(doc, ASKED_FOR), "no placeholder once the action is closed");
    cJSON_Delete(doc);
    doc = report_json(tok, "2002-01-10");
    cr_expect_null(find_action(doc, ACTION_TEXT), "gone after it has been reported closed");
    cJSON_Delete(doc);
    (void)m2;
    (void)m3;
    (void)m4;
    (void)m5;
    free(tok);
    free(board);
}

#define MARKUP "<script>alert('x')</script> & <b>bold</b>"
#define ARABIC "\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1 \xd8\xa7\xd9\x84\xd8\xb5\xd8\xad\xd8\xa9"

Test(board_business, narrative_text_is_escaped_in_html_and_laid_out_as_text_in_pdf)
{
    char *tok = tc_token("manager", NULL, NULL);
    char m[37], path[128], job[37], pdf[256], txt[256], cmd[600];
    struct tc_resp *r;
    FILE *f;
    char *text;
    long n;

    meeting(tok, "2002-03-14", m);
    snprintf(path, sizeof path, "/v1/board-meetings/%s/sections", m);
    r = post_ok(path, tok,
                "{\"title\":\"<i>Voice</i> of care leavers\",\"body\":\"" MARKUP "\\n\\n" ARABIC
                "\",\"author_name\":\"Alex <Morgan>\",\"author_role\":\"Participation "
                "Officer\"}",
                201);
    tc_free(r);
    run_job(tok, "board_report",
            "{\"as_at\":\"2025-03-31\",\"board_date\":\"2002-03-14\",\"formats\":[\"html\","
            "\"pdf\"]}",
            job);
    r = artifact(tok, job, ".html");
    cr_expect_null(strstr(r->body, "<script>"), "no script element from the text");
    cr_expect_null(strstr(r->body, "<i>Voice"), "no markup from the title");
    cr_expect_null(strstr(r->body, "<Morgan>"));
    cr_expect_not_null(strstr(r->body, "&lt;script&gt;alert("), "the markup shown as text");
    cr_expect_not_null(strstr(r->body, "&amp; &lt;b&gt;bold&lt;/b&gt;"));
    cr_expect_not_null(strstr(r->body, "<p dir=\"auto\">" ARABIC "</p>"),
                       "the right-to-left paragraph in its own direction");
    tc_free(r);
    r = artifact(tok, job, ".pdf");
    snprintf(pdf, sizeof pdf, "%s/bb-%d.pdf", getenv("CL_TEST_TMP"), (int)getpid());
    snprintf(txt, sizeof txt, "%s/bb-%d.txt", getenv("CL_TEST_TMP"), (int)getpid());
    f = fopen(pdf, "wb");
    cr_assert_not_null(f);
    fwrite(r->body, 1, r->body_len, f);
    fclose(f);
    tc_free(r);
    snprintf(cmd, sizeof cmd, "pdftotext -enc UTF-8 '%s' '%s'", pdf, txt);
    cr_assert_eq(system(cmd), 0, "pdftotext reads the PDF");
    f = fopen(txt, "rb");
    cr_assert_not_null(f);
    fseek(f, 0, SEEK_END);
    n = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = calloc(1, (size_t)n + 1);
    cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
    fclose(f);
    cr_expect_not_null(strstr(text, MARKUP), "the markup printed as text in the PDF");
    cr_expect_not_null(strstr(text, "<i>Voice</i> of care leavers"));
    /* pdftotext marks the right-to-left run (U+202B ... U+202C) and spaces its glyph clusters:
     * the letters, in their logical order, are what must be there */
    {
        size_t o = 0;

        for (size_t i = 0; text[i]; i++) {
            if (text[i] == ' ')
                continue;
            if ((unsigned char)text[i] == 0xe2 && (unsigned char)text[i + 1] == 0x80 &&
                ((unsigned char)text[i + 2] == 0xab || (unsigned char)text[i + 2] == 0xac)) {
                i += 2;
                continue;
            }
            text[o++] = text[i];
        }
        text[o] = '\0';
    }
    cr_expect_not_null(strstr(text, "\xd8\xaa\xd9\x82\xd8\xb1\xd9\x8a\xd8\xb1\xd8\xa7\xd9\x84"
                                    "\xd8\xb5\xd8\xad\xd8\xa9"),
                       "the Arabic words are in the PDF's text, in their order");
    free(text);
    free(tok);
}

Test(board_business, bad_input_is_422_naming_the_field_and_writes_nothing)
{
    char *tok = tc_token("manager", NULL, NULL);
    char m[37], path[128];
    struct tc_resp *r;
    long targets = tc_sql_long("SELECT count(*) FROM board_targets");
    long baselines = tc_sql_long("SELECT count(*) FROM board_baselines");
    long jobs = tc_sql_long("SELECT count(*) FROM jobs WHERE kind = 'indicator_snapshot'");

    meeting(tok, "2002-05-16", m);
    snprintf(path, sizeof path, "/v1/board-meetings/%s/actions", m);
    r = tc_post(path, tok,
                "{\"number\":\"1\",\"text\":\"Too early\",\"owner_name\":\"A\","
                "\"owner_role\":\"B\",\"due_on\":\"2002-05-15\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(names_field(r, "due_on"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM board_actions WHERE text = 'Too early'"), 0);

    r = tc_post("/v1/board-targets", tok,
                "{\"indicator\":\"no_such_indicator\",\"value\":50,\"direction\":\"higher\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(names_field(r, "indicator"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM board_targets"), targets);

    r = tc_post("/v1/board-baselines", tok,
                "{\"name\":\"Next inspection\",\"on_date\":\"2099-01-01\"}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    cr_expect(names_field(r, "on_date"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM board_baselines"), baselines);

    r = tc_post("/v1/jobs", tok,
                "{\"kind\":\"indicator_snapshot\",\"params\":{\"from\":\"2024-01-01\","
                "\"to\":\"2025-02-04\"}}");
    cr_expect_eq(r->status, 422, "401 days: %s", r->body);
    cr_expect(names_field(r, "params.to"), "%s", r->body);
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM jobs WHERE kind = 'indicator_snapshot'"), jobs);
    free(tok);
}

/* The report's figures as at as_at: (indicator, category, district) -> figure object. */
static const cJSON *
report_fig(const cJSON *doc, const char *code, const char *cat, const char *dist)
{
    const cJSON *ind;

    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(doc, "indicators"))
    {
        const cJSON *p;

        if (strcmp(member_str(ind, "code"), code) != 0)
            continue;
        if (cat == NULL && dist == NULL)
            return cJSON_GetObjectItem(ind, "as_at");
        cJSON_ArrayForEach(p, cJSON_GetObjectItem(ind, dist ? "districts" : "categories"))
        {
            if (strcmp(member_str(p, dist ? "district" : "category"), dist ? dist : cat) == 0)
                return cJSON_GetObjectItem(p, "as_at");
        }
    }
    return NULL;
}

static int
same_num(const cJSON *a, const cJSON *b)
{
    if (a == NULL || cJSON_IsNull(a))
        return b == NULL || cJSON_IsNull(b);
    return cJSON_IsNumber(b) && a->valuedouble == b->valuedouble;
}

/* Every item of /v1/indicators equals the report's figure, and every report figure has one;
 * returns how many items are suppressed. */
static int
expect_equal(const cJSON *doc, const cJSON *items)
{
    const cJSON *it;
    int n = 0, nsup = 0, nreport = 0;
    const cJSON *ind;

    cJSON_ArrayForEach(ind, cJSON_GetObjectItem(doc, "indicators"))
    {
        nreport += 1 + cJSON_GetArraySize(cJSON_GetObjectItem(ind, "districts")) +
                   cJSON_GetArraySize(cJSON_GetObjectItem(ind, "categories"));
    }
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(items, "items"))
    {
        const cJSON *c = cJSON_GetObjectItem(it, "category"),
                    *d = cJSON_GetObjectItem(it, "district");
        const char *code = member_str(it, "indicator");
        const cJSON *f = report_fig(doc, code, cJSON_IsString(c) ? c->valuestring : NULL,
                                    cJSON_IsString(d) ? d->valuestring : NULL);

        n++;
        nsup += cJSON_IsTrue(cJSON_GetObjectItem(it, "suppressed"));
        cr_assert_not_null(f, "the report has %s/%s/%s", code,
                           cJSON_IsString(c) ? c->valuestring : "",
                           cJSON_IsString(d) ? d->valuestring : "");
        for (int k = 0; k < 3; k++) {
            const char *m = (const char *[]){"numerator", "denominator", "value"}[k];

            cr_expect(same_num(cJSON_GetObjectItem(f, m), cJSON_GetObjectItem(it, m)),
                      "%s/%s/%s %s: report %s, api %s", code,
                      cJSON_IsString(c) ? c->valuestring : "",
                      cJSON_IsString(d) ? d->valuestring : "", m,
                      cJSON_PrintUnformatted(cJSON_GetObjectItem(f, m)),
                      cJSON_PrintUnformatted(cJSON_GetObjectItem(it, m)));
        }
    }
    cr_expect_eq(n, nreport, "one item per report figure (%d items, %d figures)", n, nreport);
    return nsup;
}

/* GET /v1/indicators as at the date, twice around nothing, so a run of other tests writing
 * in between shows as a difference (then it is read again). */
static cJSON *
indicators(const char *tok, const char *date)
{
    char path[96];
    struct tc_resp *r;
    cJSON *doc;

    snprintf(path, sizeof path, "/v1/indicators?as_at=%s", date);
    r = tc_get(path, tok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    doc = cJSON_Parse(r->body);
    tc_free(r);
    return doc;
}

Test(board_business, indicators_for_a_date_equal_that_days_board_report_json)
{
    char *board = tc_token("board", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char job[37];
    struct tc_resp *r;
    cJSON *doc = NULL, *before = NULL, *after = NULL, *snap = NULL, *unsup;
    int tries = 0, nsup;

    /* two young people alone in a district, open only around the date: a count the board must
     * not see (qualifying, so no national indicator moves; closed before any other test's
     * date) */
    cr_assert_eq(tc_sql("INSERT INTO care_leavers (la_child_id, given_name, family_name, "
                        "date_of_birth, sex, ethnicity, category, district, opened_on, status, "
                        "closed_on, closed_reason) "
                        "SELECT 'BBZ' || i, 'Zebedee', 'Quintrell', '2005-05-05', 'F', 'WBRI', "
                        "'qualifying', 'BB Lonely', '2025-03-01', 'closed', '2025-04-15', "
                        "'Moved away' FROM generate_series(1, 2) i "
                        "WHERE NOT EXISTS (SELECT 1 FROM care_leavers WHERE la_child_id = 'BBZ1')"),
                 0);
    /* the board's own report (its fixed form: every district, a year earlier), read between
     * two identical readings of the indicators, so other tests' writes cannot explain a
     * difference */
    do {
        cJSON_Delete(before);
        cJSON_Delete(after);
        cJSON_Delete(doc);
        before = indicators(board, "2025-03-31");
        run_job(board, "board_report", "{\"as_at\":\"2025-03-31\",\"formats\":[\"json\"]}", job);
        r = artifact(board, job, ".json");
        doc = cJSON_Parse(r->body);
        tc_free(r);
        after = indicators(board, "2025-03-31");
    } while (!cJSON_Compare(before, after, 1) && ++tries < 3);
    cr_assert(cJSON_Compare(before, after, 1), "the data stood still for one comparison");
    cr_expect_str_eq(member_str(after, "source"), "computed");
    cr_expect_eq(cJSON_GetObjectItem(after, "suppress_below")->valueint, 6);
    nsup = expect_equal(doc, after);
    cr_expect_gt(nsup, 0, "some figures are small enough to be suppressed for the board");

    /* a manager sees the same figures unsuppressed */
    unsup = indicators(mgr, "2025-03-31");
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(unsup, "suppress_below")));
    {
        const cJSON *it;
        int shown = 0;

        cJSON_ArrayForEach(it, cJSON_GetObjectItem(unsup, "items"))
        {
            cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(it, "suppressed")));
            shown += !cJSON_IsNull(cJSON_GetObjectItem(it, "numerator"));
        }
        cr_expect_gt(shown, 0);
    }
    cJSON_Delete(unsup);

    /* stored by a back-fill, the day answers from its snapshot with the figures computed just
     * before and just after it was taken (read again when other tests wrote in between) */
    tries = 0;
    do {
        cJSON_Delete(before);
        cJSON_Delete(after);
        cJSON_Delete(snap);
        cr_assert_eq(tc_sql("DELETE FROM board_snapshots WHERE on_date = '2025-03-31';"
                            "DELETE FROM board_snapshot_days WHERE on_date = '2025-03-31'"),
                     0);
        before = indicators(board, "2025-03-31");
        run_job(mgr, "indicator_snapshot", "{\"from\":\"2025-03-31\"}", job);
        snap = indicators(board, "2025-03-31");
        cr_assert_eq(tc_sql("DELETE FROM board_snapshots WHERE on_date = '2025-03-31';"
                            "DELETE FROM board_snapshot_days WHERE on_date = '2025-03-31'"),
                     0);
        after = indicators(board, "2025-03-31");
    } while (!cJSON_Compare(before, after, 1) && ++tries < 3);
    cr_assert(cJSON_Compare(before, after, 1), "the data stood still around the snapshot");
    cr_expect_str_eq(member_str(snap, "source"), "snapshot");
    cr_expect(
        cJSON_Compare(cJSON_GetObjectItem(before, "items"), cJSON_GetObjectItem(snap, "items"), 1),
        "the snapshot holds the figures computed");
    run_job(mgr, "indicator_snapshot", "{\"from\":\"2025-03-30\",\"to\":\"2025-03-31\"}", job);
    /* a re-run stores nothing */
    run_job(mgr, "indicator_snapshot", "{\"from\":\"2025-03-31\"}", job);
    {
        char sql[160];

        snprintf(sql, sizeof sql,
                 "SELECT (result->>'days_already_stored')::int FROM jobs WHERE id = '%s'", job);
        cr_expect_eq(tc_sql_long(sql), 1, "idempotent");
    }
    r = tc_get("/v1/indicators/in_touch_19_21/series?from=2025-03-01&to=2025-03-31", mgr);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "points")), 2, "%s", r->body);
    tc_free(r);
    /* the board reads quarter ends only, as its reports */
    r = tc_get("/v1/indicators/in_touch_19_21/series?from=2025-03-01&to=2025-03-31", board);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "points")), 1, "%s", r->body);
    tc_free(r);
    r = tc_get("/v1/indicators?as_at=2025-03-30", board);
    cr_expect_eq(r->status, 400, "%s", r->body);
    tc_free(r);
    cJSON_Delete(before);
    cJSON_Delete(after);
    cJSON_Delete(snap);
    cJSON_Delete(doc);
    free(board);
    free(mgr);
}

Test(board_business, the_nightly_snapshot_is_stored_once_with_three_workers)
{
    /* Their own LA code keeps the day's job key apart from the shared worker's. */
    static const char *const env[] = {"NIGHTLY_AT=00:00", "LA_CODE=995", NULL};
    char queue[64], key[128], sql[512], day[11];
    time_t now = time(NULL);
    struct tm lt;
    pid_t w[3];

    cl_la_time_use("Europe/London");
    cl_la_time(now, &lt);
    strftime(day, sizeof day, "%Y-%m-%d", &lt);
    snprintf(key, sizeof key, "nightly:indicator_snapshot:%s:995", day);
    tw_queue_name("bb-nightly", queue, sizeof queue);
    for (int i = 0; i < 3; i++)
        w[i] = tw_start(queue, env);
    snprintf(sql, sizeof sql, "SELECT status = 'succeeded' FROM jobs WHERE idempotency_key = '%s'",
             key);
    cr_assert(tw_until(sql, 180000), "the nightly snapshot job ran");
    sleep_ms(3000); /* every worker has had its turn at the schedule by now */
    snprintf(sql, sizeof sql, "SELECT count(*) FROM jobs WHERE idempotency_key = '%s'", key);
    cr_expect_eq(tc_sql_long(sql), 1, "one job, however many workers run");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM board_snapshot_days WHERE on_date = '%s'::date - 1", day);
    cr_expect_eq(tc_sql_long(sql), 1, "yesterday stored once");
    snprintf(sql, sizeof sql, "SELECT count(*) FROM board_snapshots WHERE on_date = '%s'::date - 1",
             day);
    cr_expect_gt(tc_sql_long(sql), 0, "with its figures");
    for (int i = 0; i < 3; i++)
        cr_expect_eq(tw_stop(w[i], 15, 30000), 0);
}

Test(board_business, baselines_are_entered_by_hand_or_computed_and_targets_set)
{
    char *tok = tc_token("manager", NULL, NULL), *board = tc_token("board", NULL, NULL);
    struct tc_resp *r;
    const cJSON *f;
    int computed = 0;

    r = post_ok("/v1/board-baselines", tok,
                "{\"name\":\"Ofsted inspection\",\"on_date\":\"2016-11-30\",\"figures\":"
                "[{\"indicator\":\"in_touch_19_21\",\"value\":86}]}",
                201);
    f = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "figures"), 0);
    cr_expect_str_eq(member_str(f, "source"), "entered", "marked as entered by hand");
    tc_free(r);
    r = post_ok("/v1/board-baselines", tok, "{\"name\":\"Year end\",\"on_date\":\"2025-03-31\"}",
                201);
    cJSON_ArrayForEach(f, cJSON_GetObjectItem(r->json, "figures"))
    {
        cr_expect_str_eq(member_str(f, "source"), "computed");
        computed++;
    }
    cr_expect_gt(computed, 10, "every indicator's total, computed as at the date");
    tc_free(r);
    r = post_ok("/v1/board-targets", tok,
                "{\"indicator\":\"in_touch_19_21\",\"value\":90,\"direction\":\"higher\","
                "\"tolerance\":5}",
                201);
    tc_free(r);
    r = tc_get("/v1/board-targets/in_touch_19_21", board);
    cr_expect_eq(r->status, 200, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "direction"), "higher");
    tc_free(r);
    free(tok);
    free(board);
}
