/* Every 422 our SQL functions raise names the offending field in the problem's errors.
 *
 * The scan reads the effective definitions (pg_proc: a later migration's redefinition is what
 * counts): no function but cl_fail_fields may raise CL422 itself, every cl_fail call names its
 * code as a literal, and each cl_fail_field('<field>', '<message>...') raise is one entry. Each
 * entry must have a request below that reaches it through the api (and each request a raise),
 * so a new raise without one fails here. Each request must answer problem+json listing the
 * field; where the SQL raise answers (sql = 1) its message too. A few SQL checks repeat a rule
 * the api checks first (sql = 0): the request still proves that field is named. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_seed.h"

TestSuite(sql_fields, .init = cl_mem_init, .timeout = 120);

#define MAX_RAISES 128

struct raise {
    char fn[64], field[64], message[160];
    int driven;
};

struct drive {
    const char *fn, *field, *message; /* the raise: function, field, its message's first literal */
    int sql;                          /* 1: the SQL raise answers; 0: the api's own check does */
    const char *who, *method, *path, *body; /* {name} placeholders: see expand() */
};

static const struct drive drives[] = {
    /* POST /v1/care-leavers/{id}/accommodation (the care leaver was born on 2005-03-01) */
    {"accommodation_check", "code", "must be a DfE accommodation type letter: ", 1, "adviser",
     "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"Q\",\"suitable\":true,\"started_on\":\"2025-01-01\"}"},
    {"accommodation_check", "ended_on", "must be after started_on", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\",\"ended_on\":\"2024-12-"
     "01\"}"},
    {"accommodation_check", "started_on", "must not be before the date of birth", 1, "adviser",
     "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2004-01-01\"}"},
    {"accommodation_check", "suitable", "accommodation of type ", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"S\",\"suitable\":true,\"started_on\":\"2025-01-01\"}"},
    {"accommodation_check", "unsuitable_reason", "is required when suitable is false", 1, "adviser",
     "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":false,\"started_on\":\"2025-01-01\"}"},
    {"accommodation_check", "unsuitable_reason", "is only for unsuitable accommodation", 1,
     "adviser", "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"unsuitable_reason\":\"x\",\"started_on\":\"2025-01-"
     "01\"}"},
    {"accommodation_check", "reason", "is required for bed and breakfast (W) and emergency ", 1,
     "adviser", "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"W\",\"suitable\":false,\"unsuitable_reason\":\"x\",\"started_on\":\"2025-01-"
     "01\"}"},
    {"accommodation_check", "staying_put", "is true exactly when the code is Z (with former ", 1,
     "adviser", "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"staying_put\":true,\"started_on\":\"2025-01-01\"}"},
    {"accommodation_check", "started_on", "staying put (Z) starts at 18 at the earliest", 1,
     "adviser", "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"Z\",\"suitable\":true,\"staying_put\":true,\"started_on\":\"2022-06-01\"}"},
    {"accommodation_check", "provider_id", "is not a partner", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\",\"provider_id\":\"{x}\"}"},
    /* POST /v1/care-leavers/{id}/eet-activities */
    {"eet_activity_check", "code", "must be a DfE activity code: ", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/eet-activities", "{\"code\":\"ZZ\",\"started_on\":\"2025-01-01\"}"},
    {"eet_activity_check", "ended_on", "must be after started_on", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/eet-activities",
     "{\"code\":\"F1\",\"started_on\":\"2025-01-01\",\"ended_on\":\"2025-01-01\"}"},
    {"eet_activity_check", "started_on", "must not be before the date of birth", 1, "adviser",
     "POST", "/v1/care-leavers/{cl}/eet-activities",
     "{\"code\":\"F1\",\"started_on\":\"2004-01-01\"}"},
    {"eet_activity_check", "provider_id", "is not a partner", 1, "adviser", "POST",
     "/v1/care-leavers/{cl}/eet-activities",
     "{\"code\":\"F1\",\"started_on\":\"2025-01-01\",\"provider_id\":\"{x}\"}"},
    /* EET opportunities and referrals */
    {"eet_opportunity_check", "provider_id", "is not a partner", 1, "manager", "POST",
     "/v1/eet-opportunities",
     "{\"kind\":\"job\",\"title\":\"Fields\",\"places\":1,\"provider_id\":\"{x}\"}"},
    {"eet_opportunity_check", "provider_id",
     "must be your organisation: a partner offers only its own ", 1, "employer", "POST",
     "/v1/eet-opportunities",
     "{\"kind\":\"job\",\"title\":\"Fields\",\"places\":1,\"provider_id\":\"{h}\"}"},
    {"eet_opportunity_check", "activity_code", "must be a DfE EET activity code: ", 1, "manager",
     "POST", "/v1/eet-opportunities",
     "{\"kind\":\"job\",\"title\":\"Fields\",\"places\":1,\"activity_code\":\"G4\"}"},
    {"eet_referral_create", "care_leaver_id", "is not a care leaver you may refer", 1, "adviser",
     "POST", "/v1/eet-opportunities/{opp}/referrals", "{\"care_leaver_id\":\"{cl2}\"}"},
    {"eet_referral_transition", "on", "must not be before the date of the previous step", 1,
     "adviser", "POST", "/v1/eet-referrals/{eref}/transitions",
     "{\"to\":\"applied\",\"on\":\"2020-01-01\"}"},
    /* grants: the api checks amount_pence >= 1 before the SQL does */
    {"grant_payment_create", "entitlement_id", "is not a grant", 1, "manager", "POST",
     "/v1/care-leavers/{cl}/grant-payments",
     "{\"entitlement_id\":\"{x}\",\"amount_pence\":100,\"paid_on\":\"2025-01-02\","
     "\"method\":\"card\"}"},
    {"grant_payment_create", "amount_pence", "must be more than 0", 0, "manager", "POST",
     "/v1/care-leavers/{cl}/grant-payments",
     "{\"entitlement_id\":\"{x}\",\"amount_pence\":0,\"paid_on\":\"2025-01-02\","
     "\"method\":\"card\"}"},
    {"grant_payment_create", "paid_on", "no version of the entitlement was in force on that day", 1,
     "manager", "POST", "/v1/care-leavers/{cl}/grant-payments",
     "{\"entitlement_id\":\"{suha}\",\"amount_pence\":100,\"paid_on\":\"1999-12-31\","
     "\"method\":\"card\"}"},
    /* council tax schemes and the Local Offer */
    {"council_tax_scheme_create", "effective_to", "must be after effective_from", 1, "admin",
     "POST", "/v1/council-tax-schemes",
     "{\"district\":\"Fields\",\"exempt_until_age\":25,\"effective_from\":\"2025-04-01\","
     "\"effective_to\":\"2025-04-01\",\"needs_application\":false}"},
    {"local_offer_create", "sections", "must be 1 to 100 objects, each with a heading (1-200 ", 1,
     "admin", "POST", "/v1/local-offer-versions",
     "{\"title\":\"T\",\"published_on\":\"2099-02-01\",\"sections\":[{\"heading\":\"H\","
     "\"body\":\"B\",\"colour\":1}]}"},
    {"local_offer_create", "sections", "name an entitlement that does not exist", 1, "admin",
     "POST", "/v1/local-offer-versions",
     "{\"title\":\"T\",\"published_on\":\"2099-02-01\",\"sections\":[{\"heading\":\"H\","
     "\"body\":\"B\",\"entitlement_ids\":[\"{x}\"]}]}"},
    /* housing protocols, signatures, breaches and compliance (the api checks from <= to) */
    {"housing_protocol_set_parties", "parties", "every party must be an active partner", 1, "admin",
     "POST", "/v1/housing-protocols", "{\"title\":\"Fields\",\"parties\":[\"{off}\"]}"},
    {"housing_protocol_sign", "partner_id", "a partner signs only for itself", 1, "housing", "POST",
     "/v1/housing-protocols/{approved}/signatures",
     "{\"partner_id\":\"{p}\",\"signatory_name\":\"A Signatory\"}"},
    {"housing_protocol_sign", "partner_id", "is required when signing on behalf of a party", 1,
     "admin", "POST", "/v1/housing-protocols/{approved}/signatures",
     "{\"signatory_name\":\"A Signatory\"}"},
    {"housing_breach_create", "partner_id", "is not a partner", 1, "manager", "POST",
     "/v1/housing-protocols/{approved}/breaches",
     "{\"kind\":\"other\",\"partner_id\":\"{x}\",\"occurred_on\":\"2025-01-02\"}"},
    {"housing_breach_create", "care_leaver_id", "is not a care leaver", 1, "manager", "POST",
     "/v1/housing-protocols/{approved}/breaches",
     "{\"kind\":\"other\",\"partner_id\":\"{h}\",\"care_leaver_id\":\"{x}\","
     "\"occurred_on\":\"2025-01-02\"}"},
    {"housing_protocol_compliance", "from", "must not be after to", 0, "manager", "GET",
     "/v1/housing-protocols/{approved}/compliance?from=2025-02-01&to=2025-01-01", NULL},
    /* housing referrals */
    {"housing_referral_create", "protocol_id", "is not a housing protocol", 1, "manager", "POST",
     "/v1/housing-referrals",
     "{\"care_leaver_id\":\"{cl}\",\"partner_id\":\"{h}\",\"protocol_id\":\"{x}\"}"},
    {"housing_referral_create", "partner_id", "is not an active partner", 1, "manager", "POST",
     "/v1/housing-referrals",
     "{\"care_leaver_id\":\"{cl}\",\"partner_id\":\"{off}\",\"protocol_id\":\"{superseded}\"}"},
    {"housing_referral_patch", "needed_by", "a partner may change only the answer", 1, "housing",
     "PATCH", "/v1/housing-referrals/{href}", "{\"needed_by\":\"2030-01-01\"}"},
    {"housing_referral_patch", "outcome", "only the leaving care service withdraws a referral", 1,
     "housing", "PATCH", "/v1/housing-referrals/{href}", "{\"outcome\":\"withdrawn\"}"},
    /* surveys (the survey: 1 scale, 2 and 3 free text; the response answered 1 and 2) */
    {"survey_theme_create", "code", "must be 1 to 60 of a-z, 0-9 and _", 1, "manager", "POST",
     "/v1/survey-themes", "{\"code\":\"Not A Code\",\"label\":\"x\"}"},
    {"survey_response_theme_add", "question", "must be a free-text question of the survey", 1,
     "manager", "POST", "/v1/surveys/{survey}/responses/{sresp}/themes",
     "{\"question\":1,\"theme\":\"money\"}"},
    {"survey_response_theme_add", "question", "the response did not answer this question", 1,
     "manager", "POST", "/v1/surveys/{survey}/responses/{sresp}/themes",
     "{\"question\":3,\"theme\":\"money\"}"},
    {"survey_response_theme_add", "theme", "must be an active theme of the list", 1, "manager",
     "POST", "/v1/surveys/{survey}/responses/{sresp}/themes",
     "{\"question\":2,\"theme\":\"no_such_theme\"}"},
    /* the Board's business (board_business.sql): {bm} is a meeting on 2003-01-01 with a section
     * "Fields", and a baseline "Fields" is dated that day */
    {"board_meeting_create", "report_job_id", "is not a Board report job", 1, "manager", "POST",
     "/v1/board-meetings",
     "{\"held_on\":\"2003-02-02\",\"title\":\"x\",\"report_job_id\":\"{x}\"}"},
    {"board_meeting_create", "held_on", "there is already a meeting on this date", 1, "manager",
     "POST", "/v1/board-meetings", "{\"held_on\":\"2003-01-01\",\"title\":\"x\"}"},
    {"board_section_create", "title", "the meeting already has a section with this title", 1,
     "manager", "POST", "/v1/board-meetings/{bm}/sections",
     "{\"title\":\"fields\",\"body\":\"x\",\"author_name\":\"a\",\"author_role\":\"b\"}"},
    {"board_section_create", "approved_on", "is given with approved_by, and only with it", 1,
     "manager", "POST", "/v1/board-meetings/{bm}/sections",
     "{\"title\":\"Other\",\"body\":\"x\",\"author_name\":\"a\",\"author_role\":\"b\","
     "\"approved_by\":\"c\"}"},
    {"board_target_set", "indicator", "is not an indicator of the Board report", 1, "manager",
     "POST", "/v1/board-targets",
     "{\"indicator\":\"no_such\",\"value\":1,\"direction\":\"higher\"}"},
    {"board_target_set", "value", "a percentage target is at most 100", 1, "manager", "POST",
     "/v1/board-targets",
     "{\"indicator\":\"in_touch_19_21\",\"value\":101,\"direction\":\"higher\"}"},
    {"board_baseline_create", "on_date", "must not be in the future", 1, "manager", "POST",
     "/v1/board-baselines", "{\"name\":\"x\",\"on_date\":\"2099-01-01\"}"},
    {"board_baseline_create", "figures", "names an indicator the Board report does not have", 1,
     "manager", "POST", "/v1/board-baselines",
     "{\"name\":\"y\",\"on_date\":\"2003-01-01\",\"figures\":[{\"indicator\":\"no_such\","
     "\"value\":1}]}"},
    {"board_baseline_create", "figures", "names an indicator twice", 1, "manager", "POST",
     "/v1/board-baselines",
     "{\"name\":\"y\",\"on_date\":\"2003-01-01\",\"figures\":[{\"indicator\":\"cohort_open\","
     "\"value\":1},{\"indicator\":\"cohort_open\",\"value\":2}]}"},
    {"board_baseline_create", "name", "there is already a baseline of this name on this date", 1,
     "manager", "POST", "/v1/board-baselines",
     "{\"name\":\"Fields\",\"on_date\":\"2003-01-01\",\"figures\":[{\"indicator\":"
     "\"cohort_open\",\"value\":1}]}"},
    /* partners tell us first (issue 23) */
    {"accommodation_check", "provider_id", "names the partner that placed the move when ", 1,
     "adviser", "POST", "/v1/care-leavers/{cl}/accommodation",
     "{\"code\":\"U\",\"suitable\":true,\"started_on\":\"2025-01-01\",\"placed_by\":\"partner\"}"},
    {"housing_commitment_compliance", "from", "must not be after to", 0, "manager", "GET",
     "/v1/housing-protocols/{approved}/commitment-compliance?from=2025-02-01&to=2025-01-01", NULL},
    {"housing_commitment_create", "partner_id", "is not a partner", 1, "admin", "POST",
     "/v1/housing-protocols/{draft}/commitments",
     "{\"kind\":\"bnb_max_nights\",\"target\":1,\"partner_id\":\"{x}\"}"},
    {"housing_commitment_create", "partner_kind", "name a partner or a kind of partner, not both",
     1, "admin", "POST", "/v1/housing-protocols/{draft}/commitments",
     "{\"kind\":\"bnb_max_nights\",\"target\":1,\"partner_id\":\"{h}\","
     "\"partner_kind\":\"college\"}"},
    {"housing_commitment_create", "target", "is 0 for bnb_under_18", 1, "admin", "POST",
     "/v1/housing-protocols/{draft}/commitments", "{\"kind\":\"bnb_under_18\",\"target\":3}"},
    {"partner_notification_create", "referral_id", "name the young person by the referral or by ",
     1, "housing", "POST", "/v1/partner-notifications",
     "{\"kind\":\"rent_arrears\",\"occurred_on\":\"2025-01-01\",\"referral_id\":\"{href}\","
     "\"la_child_id\":\"A1\"}"},
    {"partner_notification_create", "referral_id",
     "is required unless la_child_id and date_of_birth ", 1, "housing", "POST",
     "/v1/partner-notifications",
     "{\"kind\":\"rent_arrears\",\"occurred_on\":\"2025-01-01\",\"la_child_id\":\"A1\"}"},
    {"partner_notification_list", "triage", "is a filter for the leaving care service only", 0,
     "housing", "GET", "/v1/partner-notifications?triage=true", NULL},
    {"partner_notification_match_to", "care_leaver_id", "is not a care leaver", 1, "manager",
     "POST", "/v1/partner-notifications/{note}/match", "{\"care_leaver_id\":\"{x}\"}"},
    {"manager_task_close", "note", "closing a task needs a note", 1, "manager", "POST",
     "/v1/manager-tasks/{task}/close", "{\"note\":\"   \"}"},
    {"webhook_events_check", "events", "must be one or more of ", 1, "housing", "POST",
     "/v1/webhook-subscriptions", "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"nope\"]}"},
};

/* What the requests refer to, made for this test. */
struct world {
    char *adviser, *cl, *cl2, *p, *h, *off, *approved, *superseded, *href, *opp, *eref, *bm;
    char *survey, *sresp, *draft, *note, *suha, *task;
    char *tok_adviser, *tok_manager, *tok_admin, *tok_employer, *tok_housing;
};

/* tc_seed_text of fmt with up to three string arguments (those fmt does not use are ignored). */
static char *
seed(const char *fmt, const char *a, const char *b, const char *c)
{
    char sql[1024];

    snprintf(sql, sizeof sql, fmt, a, b, c);
    return tc_seed_text(sql);
}

/* A housing protocol with status, its edition the next one (under the lock the api takes), and
 * h as its one party. */
static char *
seed_protocol(const char *status, const char *h)
{
    char *id = tc_seed_text("SELECT gen_random_uuid()");
    char sql[1024];

    cr_assert_not_null(id);
    snprintf(sql, sizeof sql,
             "BEGIN; SELECT pg_advisory_xact_lock(hashtext('housing_protocols.edition'));"
             "INSERT INTO housing_protocols (id, title, edition, status, signed_off_at,"
             " superseded_at) SELECT '%s', 'Field names test', coalesce(max(edition), 0) + 1,"
             " '%s', CASE WHEN '%s' = 'superseded' THEN now() - interval '1 day' END,"
             " CASE WHEN '%s' = 'superseded' THEN now() END FROM housing_protocols;"
             "INSERT INTO housing_protocol_parties (protocol_id, partner_id) VALUES ('%s', '%s');"
             "COMMIT;",
             id, status, status, status, id, h);
    cr_assert_eq(tc_sql(sql), 0, "seeding a %s protocol", status);
    return id;
}

static void
world_make(struct world *w)
{
    memset(w, 0, sizeof *w);
    w->adviser = tc_seed_adviser();
    cr_assert_not_null(w->adviser);
    w->cl = tc_seed_care_leaver(w->adviser, "2005-03-01");
    w->cl2 = tc_seed_care_leaver(NULL, "2005-03-01");
    w->p = tc_seed_partner("employer");
    w->h = tc_seed_partner("housing_provider");
    w->off = tc_seed_partner("other");
    cr_assert(w->cl && w->cl2 && w->p && w->h && w->off);
    free(seed("UPDATE partners SET active = false WHERE id = '%s' RETURNING id", w->off, NULL,
              NULL));
    w->approved = seed_protocol("approved", w->h);
    w->superseded = seed_protocol("superseded", w->h);
    w->draft = seed_protocol("draft", w->h);
    w->note =
        seed("INSERT INTO partner_notifications (partner_id, kind, la_child_id, date_of_birth,"
             " occurred_on) VALUES ('%s', 'rent_arrears', 'A1', '2005-03-01', current_date)"
             " RETURNING id",
             w->h, NULL, NULL);
    cr_assert(w->draft && w->note);
    w->href = seed("INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id,"
                   " referred_on, response_due_on) VALUES ('%s', '%s', '%s', current_date,"
                   " current_date + 10) RETURNING id",
                   w->cl, w->h, w->superseded);
    w->opp = tc_seed_text("INSERT INTO eet_opportunities (kind, title, places, source)"
                          " VALUES ('job', 'Field names test', 5, 'employer') RETURNING id");
    cr_assert(w->href && w->opp);
    w->eref = seed("INSERT INTO eet_referrals (opportunity_id, care_leaver_id, status, status_on,"
                   " referred_on, created_by) VALUES ('%s', '%s', 'referred', current_date,"
                   " current_date, 'test') RETURNING id",
                   w->opp, w->cl, NULL);
    cr_assert_not_null(w->eref);
    w->survey =
        tc_seed_text("WITH s AS (INSERT INTO surveys (title, anonymous, opens_on, closes_on)"
                     " VALUES ('Field names test', true, '2025-01-01', '2025-12-31')"
                     " RETURNING id), q AS (INSERT INTO survey_questions (survey_id,"
                     " position, text, type) SELECT s.id, g, 'Q', CASE g WHEN 1 THEN"
                     " 'scale' ELSE 'free_text' END FROM s, generate_series(1, 3) g)"
                     " SELECT id FROM s");
    cr_assert_not_null(w->survey);
    w->sresp = seed("WITH r AS (INSERT INTO survey_responses (survey_id, anonymous, responded_on)"
                    " VALUES ('%s', true, '2025-06-01') RETURNING id), a AS (INSERT INTO"
                    " survey_answers (response_id, survey_id, position, text_value, scale)"
                    " SELECT r.id, '%s', g, CASE g WHEN 2 THEN 'words' END, CASE g WHEN 1 THEN 3"
                    " END FROM r, generate_series(1, 2) g) SELECT id FROM r",
                    w->survey, w->survey, NULL);
    cr_assert_not_null(w->sresp);
    w->bm = tc_seed_text("INSERT INTO board_meetings (held_on, title, created_by)"
                         " VALUES ('2003-01-01', 'Fields', 'test') RETURNING id");
    cr_assert_not_null(w->bm);
    free(seed("INSERT INTO board_sections (meeting_id, title, body, author_name, author_role,"
              " created_by) VALUES ('%s', 'Fields', 'x', 'a', 'b', 'test');"
              "INSERT INTO board_baselines (name, on_date, created_by)"
              " VALUES ('Fields', '2003-01-01', 'test') RETURNING id",
              w->bm, NULL, NULL));
    w->suha = tc_seed_text("SELECT id FROM entitlements WHERE name = 'Setting up home allowance'");
    cr_assert_not_null(w->suha);
    w->task =
        seed("INSERT INTO manager_tasks (kind, notification_id) VALUES ('emergency_move', '%s')"
             " RETURNING id",
             w->note, NULL, NULL);
    cr_assert_not_null(w->task);
    w->tok_adviser = tc_token("adviser", w->adviser, NULL);
    w->tok_manager = tc_token("manager", NULL, NULL);
    w->tok_admin = tc_token("admin", NULL, NULL);
    w->tok_employer = tc_token("partner", NULL, w->p);
    w->tok_housing = tc_token("partner", NULL, w->h);
}

static void
world_free(struct world *w)
{
    char **all[] = {&w->adviser,   &w->cl,           &w->cl2,         &w->p,
                    &w->h,         &w->off,          &w->approved,    &w->superseded,
                    &w->href,      &w->opp,          &w->eref,        &w->bm,
                    &w->survey,    &w->sresp,        &w->draft,       &w->note,
                    &w->suha,      &w->task,         &w->tok_adviser, &w->tok_manager,
                    &w->tok_admin, &w->tok_employer, &w->tok_housing};

    for (size_t i = 0; i < sizeof all / sizeof all[0]; i++) {
        free(*all[i]);
        *all[i] = NULL;
    }
}

static const char *
token_for(const struct world *w, const char *who)
{
    if (strcmp(who, "adviser") == 0)
        return w->tok_adviser;
    if (strcmp(who, "manager") == 0)
        return w->tok_manager;
    if (strcmp(who, "admin") == 0)
        return w->tok_admin;
    if (strcmp(who, "employer") == 0)
        return w->tok_employer;
    cr_assert_str_eq(who, "housing");
    return w->tok_housing;
}

/* Replaces each {name} in template with the world's value (x: an id nothing has). */
static void
expand(const struct world *w, const char *template, char *out, size_t outlen)
{
    const struct {
        const char *name, *value;
    } names[] = {{"{cl}", w->cl},
                 {"{cl2}", w->cl2},
                 {"{p}", w->p},
                 {"{h}", w->h},
                 {"{off}", w->off},
                 {"{approved}", w->approved},
                 {"{superseded}", w->superseded},
                 {"{href}", w->href},
                 {"{opp}", w->opp},
                 {"{eref}", w->eref},
                 {"{survey}", w->survey},
                 {"{sresp}", w->sresp},
                 {"{bm}", w->bm},
                 {"{draft}", w->draft},
                 {"{note}", w->note},
                 {"{suha}", w->suha},
                 {"{task}", w->task},
                 {"{x}", "0b6d5f0e-8f5a-4c55-9d0e-2a3f4b5c6d70"}};
    size_t n = 0;

    for (const char *t = template; *t;) {
        size_t i;

        for (i = 0; i < sizeof names / sizeof names[0]; i++)
            if (strncmp(t, names[i].name, strlen(names[i].name)) == 0)
                break;
        if (i < sizeof names / sizeof names[0]) {
            n += (size_t)snprintf(out + n, outlen - n, "%s", names[i].value);
            t += strlen(names[i].name);
        } else {
            out[n++] = *t++;
        }
        cr_assert_lt(n, outlen - 1, "%s is too long", template);
    }
    out[n] = '\0';
}

/* Copies the SQL literal at *p (just past its opening quote) into out and moves *p past it. */
static void
literal(const char **p, char *out, size_t outlen)
{
    const char *end = strchr(*p, '\'');

    cr_assert_not_null(end);
    snprintf(out, outlen, "%.*s", (int)(end - *p), *p);
    *p = end + 1;
}

/* The CL422 raises of the effective definitions; fails on any that names no field. */
static int
scan(struct raise *out)
{
    static const char call[] = "cl_fail_field('";
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, "SELECT p.proname, p.prosrc FROM pg_proc p"
                              " JOIN pg_namespace n ON n.oid = p.pronamespace"
                              " WHERE n.nspname NOT IN ('pg_catalog', 'information_schema')"
                              "   AND p.prolang = (SELECT oid FROM pg_language"
                              "                    WHERE lanname = 'plpgsql')"
                              " ORDER BY 1");
    int n = 0;

    cr_assert_eq(PQresultStatus(res), PGRES_TUPLES_OK, "%s", PQerrorMessage(c));
    for (int i = 0; i < PQntuples(res); i++) {
        const char *fn = PQgetvalue(res, i, 0), *src = PQgetvalue(res, i, 1), *q;

        if (strcmp(fn, "cl_fail_fields") != 0)
            cr_expect_null(strstr(src, "CL422"), "%s raises CL422 without naming its field", fn);
        for (q = src; (q = strstr(q, "cl_fail(")) != NULL; q++) {
            const char *arg = q + strlen("cl_fail(");

            arg += strspn(arg, " \n");
            cr_expect(strncmp(arg, "'CL", 3) == 0 || strcmp(fn, "cl_fail_fields") == 0,
                      "%s calls cl_fail with a code that is not a literal", fn);
        }
        for (q = src; (q = strstr(q, call)) != NULL;) {
            cr_assert_lt(n, MAX_RAISES);
            q += strlen(call);
            snprintf(out[n].fn, sizeof out[n].fn, "%s", fn);
            literal(&q, out[n].field, sizeof out[n].field);
            q += strspn(q, ", \n");
            cr_assert_eq(*q, '\'', "%s: the message of cl_fail_field('%s' is not a literal", fn,
                         out[n].field);
            q++;
            literal(&q, out[n].message, sizeof out[n].message);
            out[n++].driven = 0;
        }
    }
    PQclear(res);
    PQfinish(c);
    return n;
}

static int
names_field(const struct tc_resp *r, const char *field, const char *message)
{
    const cJSON *e, *errs = r->json ? cJSON_GetObjectItem(r->json, "errors") : NULL;

    cJSON_ArrayForEach(e, errs)
    {
        const cJSON *f = cJSON_GetObjectItem(e, "field"), *m = cJSON_GetObjectItem(e, "message");

        if (cJSON_IsString(f) && strcmp(f->valuestring, field) == 0 && cJSON_IsString(m) &&
            (message == NULL || strncmp(m->valuestring, message, strlen(message)) == 0))
            return 1;
    }
    return 0;
}

Test(sql_fields, every_cl422_raise_names_its_field_through_the_api)
{
    static struct raise raises[MAX_RAISES];
    int n = scan(raises);
    struct world w;

    cr_expect_gt(n, 0, "no cl_fail_field raise found: the scan is not reading the schema");
    world_make(&w);
    for (size_t d = 0; d < sizeof drives / sizeof drives[0]; d++) {
        const struct drive *dv = &drives[d];
        char path[512], body[1024];
        struct tc_resp *r;
        int found = 0;

        for (int i = 0; i < n; i++)
            if (strcmp(raises[i].fn, dv->fn) == 0 && strcmp(raises[i].field, dv->field) == 0 &&
                strcmp(raises[i].message, dv->message) == 0) {
                raises[i].driven = 1;
                found = 1;
            }
        cr_expect(found, "no raise %s(%s: %s) in the schema for this request", dv->fn, dv->field,
                  dv->message);
        expand(&w, dv->path, path, sizeof path);
        if (dv->body)
            expand(&w, dv->body, body, sizeof body);
        r = tc_req(dv->method, path, token_for(&w, dv->who), dv->body ? body : NULL,
                   strcmp(dv->method, "PATCH") == 0 ? "If-Match: *\r\n" : NULL);
        cr_expect(r->status == 422 || r->status == 400, "%s %s (%s): status %d: %s", dv->method,
                  dv->path, dv->field, r->status, r->body);
        cr_expect(tc_header(r, "Content-Type") &&
                      strstr(tc_header(r, "Content-Type"), "problem+json"),
                  "%s %s: not a problem", dv->method, dv->path);
        cr_expect(names_field(r, dv->field, dv->sql ? dv->message : NULL),
                  "%s %s: errors do not name %s%s%s: %s", dv->method, dv->path, dv->field,
                  dv->sql ? " with " : "", dv->sql ? dv->message : "", r->body);
        tc_free(r);
    }
    for (int i = 0; i < n; i++)
        cr_expect(raises[i].driven, "the raise %s(%s: %s) has no request driving it here",
                  raises[i].fn, raises[i].field, raises[i].message);
    world_free(&w);
}
