/* The joint housing protocol: lifecycle and signatures, exactly one version in force, housing
 * referrals seen and answered only by the partner addressed (with the minimum fields about the
 * young person), and compliance figures on a constructed data set checked against figures
 * worked out by hand. Every test makes its own partners and care leavers. */
#include <criterion/criterion.h>
#include <libpq-fe.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_casework.h"
#include "tc_seed.h"

TestSuite(housing, .init = cl_mem_init, .timeout = 120);

#define NO_SUCH_ID "7d0b1a2c-0000-4000-8000-00000000abcd"
/* Held (session advisory lock) around every sign-off in this suite, so a test that checks which
 * version is in force is not raced by another test signing one off. */
#define IN_FORCE_LOCK "SELECT pg_advisory_lock(60606)"

/* First column of the first row of sql as text into out; 0 on success. */
static int
sql_text(const char *sql, char *out, size_t outlen)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, sql);
    int ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0;

    out[0] = '\0';
    if (ok)
        snprintf(out, outlen, "%s", PQgetvalue(res, 0, 0));
    else
        fprintf(stderr, "sql failed: %s\n", PQerrorMessage(c));
    PQclear(res);
    PQfinish(c);
    return ok ? 0 : -1;
}

/* A date relative to today in the database, as YYYY-MM-DD. */
static void
day(int offset, char out[16])
{
    char sql[96];

    snprintf(sql, sizeof sql, "SELECT (current_date + %d)::text", offset);
    cr_assert_eq(sql_text(sql, out, 16), 0);
}

/* A token for role with its own subject, so a test can count what that caller wrote. */
static char *
token_as(const char *role, const char *sub)
{
    char claims[256];
    long now = (long)time(NULL);

    snprintf(claims, sizeof claims, "{\"sub\":\"%s\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld}", sub,
             role, now + 3600, now);
    return tc_token_claims(claims);
}

/* Audit rows of writes by this subject: every write is audited, so 0 means nothing written. */
static long
writes_by(const char *sub)
{
    char sql[256];

    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE actor_sub = '%s' AND action <> 'read' "
             "AND action <> 'list'",
             sub);
    return tc_sql_long(sql);
}

static char *
mk_partner(const char *admin, const char *name, const char *kind)
{
    char body[256];
    struct tc_resp *r;
    char *id;

    snprintf(body, sizeof body,
             "{\"name\":\"%s\",\"kind\":\"%s\",\"districts\":[\"Redditch\"],"
             "\"contact_email\":\"lead@partner.example\"}",
             name, kind);
    r = tc_post("/v1/partners", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static char *
mk_adviser(const char *email)
{
    char sql[256], id[64];

    snprintf(sql, sizeof sql,
             "INSERT INTO advisers (name, email) VALUES ('Housing Test PA', '%s') RETURNING id",
             email);
    cr_assert_eq(sql_text(sql, id, sizeof id), 0);
    return strdup(id);
}

/* A care leaver whose 18th birthday is `eighteen_in` days from today. */
static char *
mk_care_leaver(const char *la_child_id, const char *adviser, int eighteen_in)
{
    char sql[1024], id[64];

    snprintf(sql, sizeof sql,
             "INSERT INTO care_leavers (la_child_id, given_name, family_name, date_of_birth, sex, "
             "ethnicity, category, district, adviser_id, phone, email, address, postcode) "
             "VALUES ('%s', 'Jordan', 'Testcase', "
             "(current_date + %d - interval '18 years')::date, '2', 'WBRI', 'former_relevant', "
             "'Redditch', %s%s%s, '07700 900123', 'jordan@example.org', '1 Secret Street', "
             "'B97 4AA') RETURNING id",
             la_child_id, eighteen_in, adviser ? "'" : "", adviser ? adviser : "NULL",
             adviser ? "'" : "");
    cr_assert_eq(sql_text(sql, id, sizeof id), 0, "care leaver %s", la_child_id);
    return strdup(id);
}

static char *
mk_protocol(const char *admin, const char *title, const char *const *parties, int nparties,
            const char *commitments)
{
    char body[2048];
    size_t n;
    struct tc_resp *r;
    char *id;

    n = (size_t)snprintf(body, sizeof body, "{\"title\":\"%s\",%s\"parties\":[", title,
                         commitments ? commitments : "");
    for (int i = 0; i < nparties; i++)
        n += (size_t)snprintf(body + n, sizeof body - n, "%s\"%s\"", i ? "," : "", parties[i]);
    snprintf(body + n, sizeof body - n, "]}");
    r = tc_post("/v1/housing-protocols", admin, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    cr_expect_str_eq(tc_str(r, "status"), "draft");
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static int
transition(const char *admin, const char *protocol, const char *to)
{
    char path[128], body[64];
    struct tc_resp *r;
    int st;

    snprintf(path, sizeof path, "/v1/housing-protocols/%s/transitions", protocol);
    snprintf(body, sizeof body, "{\"to\":\"%s\"}", to);
    r = tc_post(path, admin, body);
    st = r->status;
    if (st == 200)
        cr_expect_str_eq(tc_str(r, "status"), to);
    else
        cr_expect_str_eq(tc_header(r, "Content-Type"), "application/problem+json");
    tc_free(r);
    return st;
}

static int
sign(const char *token, const char *protocol, const char *partner)
{
    char path[128], body[256];
    struct tc_resp *r;
    int st;

    snprintf(path, sizeof path, "/v1/housing-protocols/%s/signatures", protocol);
    if (partner)
        snprintf(body, sizeof body,
                 "{\"partner_id\":\"%s\",\"signatory_name\":\"A. Signatory\","
                 "\"signatory_title\":\"Head of Housing\"}",
                 partner);
    else
        snprintf(body, sizeof body, "{\"signatory_name\":\"A. Signatory\"}");
    r = tc_post(path, token, body);
    st = r->status;
    tc_free(r);
    return st;
}

/* Takes the suite's in-force lock; PQfinish on the connection releases it. */
static PGconn *
lock_in_force(void)
{
    PGconn *lock = tc_db();

    PQclear(PQexec(lock, IN_FORCE_LOCK));
    return lock;
}

/* Takes a draft through consultation and approval, has the admin sign for every party and signs
 * it off. The caller holds the in-force lock. */
static void
sign_off(const char *admin, const char *protocol, const char *const *parties, int nparties)
{
    cr_assert_eq(transition(admin, protocol, "consultation"), 200);
    cr_assert_eq(transition(admin, protocol, "approved"), 200);
    for (int i = 0; i < nparties; i++)
        cr_assert_eq(sign(admin, protocol, parties[i]), 201);
    cr_assert_eq(transition(admin, protocol, "signed_off"), 200);
}

static char *
refer(const char *token, const char *care_leaver, const char *partner, const char *protocol,
      const char *extra, int want)
{
    char body[1024];
    struct tc_resp *r;
    char *id = NULL;

    snprintf(body, sizeof body, "{\"care_leaver_id\":\"%s\",\"partner_id\":\"%s\"%s%s%s%s%s}",
             care_leaver, partner, protocol ? ",\"protocol_id\":\"" : "", protocol ? protocol : "",
             protocol ? "\"" : "", extra ? "," : "", extra ? extra : "");
    r = tc_post("/v1/housing-referrals", token, body);
    cr_expect_eq(r->status, want, "%s -> %s", body, r->body);
    if (r->status == 201)
        id = strdup(tc_str(r, "id"));
    tc_free(r);
    return id;
}

static int
list_has(const struct tc_resp *r, const char *id)
{
    const cJSON *it;

    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        if (strcmp(cJSON_GetObjectItem(it, "id")->valuestring, id) == 0)
            return 1;
    }
    return 0;
}

static long
num(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    cr_assert(cJSON_IsNumber(v), "%s is a number", name);
    return (long)v->valuedouble;
}

static double
pct(const cJSON *obj, const char *name)
{
    const cJSON *v = cJSON_GetObjectItem(obj, name);

    cr_assert(cJSON_IsNumber(v), "%s is a number", name);
    return v->valuedouble;
}

/* The object's member names, sorted and comma-joined, into out. */
static void
keys_of(const cJSON *obj, char *out, size_t outlen)
{
    const char *names[64];
    int n = 0;
    const cJSON *e;
    size_t o = 0;

    cJSON_ArrayForEach(e, obj)
    {
        if (n < 64)
            names[n++] = e->string;
    }
    for (int i = 1; i < n; i++)
        for (int j = i; j > 0 && strcmp(names[j - 1], names[j]) > 0; j--) {
            const char *t = names[j];

            names[j] = names[j - 1];
            names[j - 1] = t;
        }
    out[0] = '\0';
    for (int i = 0; i < n && o < outlen; i++)
        o += (size_t)snprintf(out + o, outlen - o, "%s%s", i ? "," : "", names[i]);
}

Test(housing, lifecycle_and_signature_rules)
{
    char *admin = tc_token("admin", NULL, NULL);
    char *a = mk_partner(admin, "HT Life District A", "district_council");
    char *b = mk_partner(admin, "HT Life Provider B", "housing_provider");
    char *c = mk_partner(admin, "HT Life Outsider C", "district_council");
    const char *parties[] = {a, b};
    char *p = mk_protocol(admin, "HT lifecycle", parties, 2, "\"response_days\":14,");
    char *tok_a = tc_token("partner", NULL, a), *tok_c = tc_token("partner", NULL, c);
    char path[128];
    struct tc_resp *r;
    const cJSON *party;
    PGconn *lock;

    snprintf(path, sizeof path, "/v1/housing-protocols/%s", p);
    r = tc_get(path, admin);
    cr_expect_eq(r->status, 200);
    cr_expect_eq(num(r->json, "response_days"), 14);
    cr_expect_eq(num(r->json, "max_bnb_nights"), 0, "no bed and breakfast by default");
    cr_expect_eq(num(r->json, "referral_lead_days_before_18"), 180);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "parties")), 2);
    tc_free(r);

    /* Illegal moves from draft. */
    cr_expect_eq(transition(admin, p, "approved"), 409);
    cr_expect_eq(transition(admin, p, "signed_off"), 409);
    cr_expect_eq(transition(admin, p, "superseded"), 409);
    cr_expect_eq(transition(admin, p, "draft"), 409);
    cr_expect_eq(sign(tok_a, p, NULL), 409, "no signing a draft");
    /* A partner that is not a party cannot see it. */
    r = tc_get(path, tok_c);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    r = tc_get(path, tok_a);
    cr_expect_eq(r->status, 200, "a party reads it");
    tc_free(r);

    cr_expect_eq(transition(admin, p, "consultation"), 200);
    cr_expect_eq(transition(admin, p, "draft"), 200, "back for rework");
    cr_expect_eq(transition(admin, p, "consultation"), 200);
    r = tc_patch(path, admin, "{\"parties\":[]}");
    cr_expect_eq(r->status, 409, "parties change only in draft: %s", r->body);
    tc_free(r);
    r = tc_patch(path, admin, "{\"max_bnb_nights\":2,\"clauses\":[\"No B&B for 16/17s.\"]}");
    cr_expect_eq(r->status, 200, "commitments change in consultation: %s", r->body);
    tc_free(r);
    cr_expect_eq(transition(admin, p, "approved"), 200);
    r = tc_patch(path, admin, "{\"response_days\":5}");
    cr_expect_eq(r->status, 409, "an approved version is fixed");
    tc_free(r);

    /* Signatures. */
    cr_expect_eq(transition(admin, p, "signed_off"), 409, "nobody has signed");
    cr_expect_eq(sign(tok_a, p, NULL), 201, "a party signs for itself");
    cr_expect_eq(sign(tok_a, p, NULL), 409, "only once");
    cr_expect_eq(sign(tok_a, p, b), 422, "and only for itself");
    cr_expect_eq(sign(tok_c, p, NULL), 404, "a non-party cannot see it");
    cr_expect_eq(sign(admin, p, c), 409, "the admin signs only for parties");
    cr_expect_eq(sign(admin, p, NULL), 422, "the admin names the party");
    cr_expect_eq(transition(admin, p, "signed_off"), 409, "B has not signed");
    cr_expect_eq(sign(admin, p, b), 201, "the admin records B's signature");

    r = tc_get(path, admin);
    cJSON_ArrayForEach(party, cJSON_GetObjectItem(r->json, "parties"))
    {
        const char *who = cJSON_GetObjectItem(party, "partner_id")->valuestring;

        cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(party, "signed")));
        cr_expect_str_eq(cJSON_GetObjectItem(party, "signatory_name")->valuestring, "A. Signatory");
        cr_expect(cJSON_IsString(cJSON_GetObjectItem(party, "signed_at")));
        cr_expect_str_eq(cJSON_GetObjectItem(party, "recorded_by_role")->valuestring,
                         strcmp(who, a) == 0 ? "partner" : "admin");
    }
    tc_free(r);

    lock = lock_in_force();
    cr_expect_eq(transition(admin, p, "signed_off"), 200);
    PQfinish(lock);
    cr_expect_eq(transition(admin, p, "superseded"), 409, "only by a successor");
    cr_expect_eq(transition(admin, p, "draft"), 409);
    cr_expect_eq(transition(admin, p, "signed_off"), 409);
    cr_expect_eq(sign(admin, p, b), 409);
    r = tc_patch(path, admin, "{\"title\":\"Changed\"}");
    cr_expect_eq(r->status, 409);
    tc_free(r);
    r = tc_req("POST", "/v1/housing-protocols/" NO_SUCH_ID "/transitions", admin,
               "{\"to\":\"consultation\"}", NULL);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    {
        char sql[256];

        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM audit_log WHERE resource_id = '%s' "
                 "AND action IN ('transition', 'sign') "
                 "AND detail->>'to' IS DISTINCT FROM 'superseded'",
                 p);
        cr_expect_eq(tc_sql_long(sql), 7, "5 transitions and 2 signatures audited");
    }
    free(tok_a);
    free(tok_c);
    free(p);
    free(a);
    free(b);
    free(c);
    free(admin);
}

Test(housing, exactly_one_protocol_in_force)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *a = mk_partner(admin, "HT Force District", "district_council");
    const char *parties[] = {a};
    char *p1 = mk_protocol(admin, "HT force one", parties, 1, NULL);
    char *p2 = mk_protocol(admin, "HT force two", parties, 1, "\"response_days\":7,");
    char *cl = mk_care_leaver("HTFORCE1", NULL, -400);
    char path[128], sql[512], *ref;
    struct tc_resp *r;
    PGconn *lock;

    lock = lock_in_force();
    sign_off(admin, p1, parties, 1);
    sign_off(admin, p2, parties, 1);
    snprintf(path, sizeof path, "/v1/housing-protocols/%s", p1);
    r = tc_get(path, admin);
    cr_expect_str_eq(tc_str(r, "status"), "superseded");
    cr_expect_str_eq(tc_str(r, "superseded_by"), p2);
    cr_expect(cJSON_IsString(cJSON_GetObjectItem(r->json, "superseded_at")));
    tc_free(r);
    cr_expect_eq(tc_sql_long("SELECT count(*) FROM housing_protocols WHERE status = 'signed_off'"),
                 1);
    cr_expect_neq(tc_sql("UPDATE housing_protocols SET status = 'signed_off' "
                         "WHERE status = 'superseded'"),
                  0, "the partial unique index refuses a second version in force");
    r = tc_get("/v1/housing-protocols?status=signed_off", admin);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 1, "%s", r->body);
    cr_expect(list_has(r, p2));
    tc_free(r);

    /* A referral without protocol_id is made under the version in force. */
    ref = refer(mgr, cl, a, NULL, NULL, 201);
    cr_assert_not_null(ref);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM housing_referrals r WHERE r.id = '%s' AND r.protocol_id = '%s' "
             "AND r.response_due_on = r.referred_on + 7",
             ref, p2);
    cr_expect_eq(tc_sql_long(sql), 1, "under the version in force, due after its 7 days");
    PQfinish(lock);
    /* Under a draft: 409. */
    {
        char *d = mk_protocol(admin, "HT force draft", parties, 1, NULL);
        char *x = refer(mgr, cl, a, d, NULL, 409);

        free(x);
        free(d);
    }
    free(ref);
    free(cl);
    free(p1);
    free(p2);
    free(a);
    free(mgr);
    free(admin);
}

Test(housing, partner_sees_and_answers_only_its_own_referrals)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *x = mk_partner(admin, "HT Iso Partner X", "district_council");
    char *y = mk_partner(admin, "HT Iso Partner Y", "housing_provider");
    const char *parties[] = {x, y};
    char *p = mk_protocol(admin, "HT isolation", parties, 2, NULL);
    char *pa = mk_adviser("ht.iso.pa@council.example");
    char *other_pa = mk_adviser("ht.iso.other@council.example");
    char *cl = mk_care_leaver("HTISO1", pa, 100);
    char *tok_x = tc_token("partner", NULL, x), *tok_y = tc_token("partner", NULL, y);
    char *tok_pa = tc_token("adviser", pa, NULL), *tok_other = tc_token("adviser", other_pa, NULL);
    char *ref_y, *ref_x, path[256], keys[512], today[16], sql[512];
    struct tc_resp *r;
    const cJSON *it;
    PGconn *lock;

    lock = lock_in_force();
    sign_off(admin, p, parties, 2);
    PQfinish(lock);
    ref_y = refer(tok_pa, cl, y, p, "\"needed_by\":\"2099-01-01\"", 201);
    ref_x = refer(mgr, cl, x, p, NULL, 201);
    cr_assert(ref_y && ref_x);
    free(refer(tok_other, cl, y, p, NULL, 404));

    /* X cannot reach Y's referral. */
    snprintf(path, sizeof path, "/v1/housing-referrals/%s", ref_y);
    r = tc_get(path, tok_x);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    r = tc_patch(path, tok_x, "{\"outcome\":\"declined\"}");
    cr_expect_eq(r->status, 404);
    tc_free(r);
    r = tc_get("/v1/housing-referrals?limit=200", tok_x);
    cr_expect_eq(r->status, 200);
    cr_expect(!list_has(r, ref_y), "X's list leaves out Y's referral");
    cr_expect(list_has(r, ref_x));
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
        cr_expect_str_eq(cJSON_GetObjectItem(it, "partner_id")->valuestring, x);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/housing-referrals?partner_id=%s", y);
    r = tc_get(path, tok_x);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 0,
                 "filtering by another partner finds nothing");
    tc_free(r);
    /* Another adviser cannot either. */
    snprintf(path, sizeof path, "/v1/housing-referrals/%s", ref_y);
    r = tc_get(path, tok_other);
    cr_expect_eq(r->status, 404);
    tc_free(r);

    /* Y's view carries only the allowed fields. */
    r = tc_get(path, tok_y);
    cr_expect_eq(r->status, 200, "%s", r->body);
    keys_of(r->json, keys, sizeof keys);
    cr_expect_str_eq(keys, "adviser,care_leaver,care_leaver_id,created_at,id,needed_by,outcome,"
                           "partner_id,partner_name,protocol_id,referral_type,referred_on,"
                           "responded_on,response_due_on,tenancy_started_on,updated_at,version");
    keys_of(cJSON_GetObjectItem(r->json, "care_leaver"), keys, sizeof keys);
    cr_expect_str_eq(keys, "date_of_birth,district,family_name,given_name,id");
    cr_expect(strstr(r->body, "07700") == NULL && strstr(r->body, "jordan@example.org") == NULL &&
                  strstr(r->body, "Secret Street") == NULL && strstr(r->body, "B97") == NULL &&
                  strstr(r->body, "HTISO1") == NULL && strstr(r->body, pa) == NULL,
              "no phone, email, address, postcode, LA child id or adviser: %s", r->body);
    cr_expect(strstr(r->body, "plan") == NULL && strstr(r->body, "contact") == NULL,
              "no plan or contact history");
    tc_free(r);
    r = tc_get("/v1/housing-referrals?limit=200", tok_y);
    cJSON_ArrayForEach(it, cJSON_GetObjectItem(r->json, "items"))
    {
        cr_expect_str_eq(cJSON_GetObjectItem(it, "partner_id")->valuestring, y);
        cr_expect_null(cJSON_GetObjectItem(cJSON_GetObjectItem(it, "care_leaver"), "la_child_id"));
    }
    cr_expect(list_has(r, ref_y));
    tc_free(r);
    /* Staff see more. */
    r = tc_get(path, tok_pa);
    cr_expect_eq(r->status, 200);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetObjectItem(r->json, "care_leaver"), "la_child_id")
                         ->valuestring,
                     "HTISO1");
    tc_free(r);

    /* Y (and not X) reaches the young person only through the minimal projection, never the
     * care_leavers row itself (issue 15: partners are kept out by the database). */
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL ROLE cl_app; SELECT set_config('app.role', 'partner', true); "
             "SELECT set_config('app.org_id', '%s', true); "
             "SELECT count(*) FROM cl_partner_person('%s')",
             y, cl);
    cr_expect_eq(tc_sql_long(sql), 1);
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL ROLE cl_app; SELECT set_config('app.role', 'partner', true); "
             "SELECT set_config('app.org_id', '%s', true); "
             "SELECT count(*) FROM care_leavers WHERE id = '%s'",
             y, cl);
    cr_expect_eq(tc_sql_long(sql), 0);
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL ROLE cl_app; SELECT set_config('app.role', 'partner', true); "
             "SELECT set_config('app.org_id', '%s', true); "
             "SELECT count(*) FROM cl_partner_person('%s')",
             "7d0b1a2c-0000-4000-8000-000000000077", cl);
    cr_expect_eq(tc_sql_long(sql), 0);

    /* Y answers. */
    r = tc_patch(path, tok_y, "{\"needed_by\":\"2099-02-01\"}");
    cr_expect_eq(r->status, 422, "a partner changes only the answer");
    tc_free(r);
    r = tc_patch(path, tok_y, "{\"outcome\":\"withdrawn\"}");
    cr_expect_eq(r->status, 422, "a partner does not withdraw");
    tc_free(r);
    r = tc_patch(path, tok_y, "{\"referred_on\":\"2020-01-01\"}");
    cr_expect_eq(r->status, 422, "read-only once made");
    tc_free(r);
    /* The server dates a partner's answer: a partner answering a referral made 20 days ago
     * cannot say it answered 15 days ago, in time, nor clear the date. */
    {
        char made[16], said[16], extra[64], late_path[128], *late;

        day(-20, made);
        day(-15, said);
        snprintf(extra, sizeof extra, "\"referred_on\":\"%s\"", made);
        late = refer(tok_pa, cl, y, p, extra, 201);
        cr_assert_not_null(late);
        snprintf(late_path, sizeof late_path, "/v1/housing-referrals/%s", late);
        snprintf(sql, sizeof sql, "{\"outcome\":\"offered\",\"responded_on\":\"%s\"}", said);
        r = tc_patch(late_path, tok_y, sql);
        cr_expect_eq(r->status, 422, "a partner does not date its answer: %s", r->body);
        cr_expect(tcw_has_error(r, "responded_on"), "%s", r->body);
        tc_free(r);
        r = tc_patch(late_path, tok_y, "{\"responded_on\":null}");
        cr_expect_eq(r->status, 422, "nor clear it: %s", r->body);
        tc_free(r);
        snprintf(sql, sizeof sql,
                 "SELECT count(*) FROM housing_referrals WHERE id = '%s' AND version = 1", late);
        cr_expect_eq(tc_sql_long(sql), 1, "nothing written");
        r = tc_patch(late_path, tok_y, "{\"outcome\":\"offered\"}");
        cr_expect_eq(r->status, 200, "%s", r->body);
        day(0, today);
        cr_expect_str_eq(tc_str(r, "responded_on"), today, "dated today by the server");
        tc_free(r);
        /* staff record an answer received another way, with its date */
        snprintf(sql, sizeof sql, "{\"responded_on\":\"%s\"}", said);
        r = tc_patch(late_path, tok_pa, sql);
        cr_expect_eq(r->status, 200, "%s", r->body);
        cr_expect_str_eq(tc_str(r, "responded_on"), said);
        tc_free(r);
        free(late);
    }
    r = tc_req("PATCH", path, tok_y, "{\"outcome\":\"offered\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 200, "%s", r->body);
    day(0, today);
    cr_expect_str_eq(tc_str(r, "responded_on"), today, "dated today");
    cr_expect_str_eq(tc_header(r, "ETag"), "\"2\"");
    tc_free(r);
    r = tc_req("PATCH", path, tok_y, "{\"outcome\":\"accepted\"}", "If-Match: \"1\"\r\n");
    cr_expect_eq(r->status, 412);
    tc_free(r);
    r = tc_patch(path, tok_pa, "{\"outcome\":\"withdrawn\"}");
    cr_expect_eq(r->status, 200, "the adviser withdraws: %s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM audit_log WHERE resource_id = '%s' AND action = 'read'", ref_y);
    cr_expect_eq(tc_sql_long(sql), 2, "each read of the referral is audited (Y's and the PA's)");

    free(tok_x);
    free(tok_y);
    free(tok_pa);
    free(tok_other);
    free(ref_x);
    free(ref_y);
    free(cl);
    free(pa);
    free(other_pa);
    free(p);
    free(x);
    free(y);
    free(mgr);
    free(admin);
}

Test(housing, referral_bad_input_writes_nothing)
{
    char *mgr = token_as("manager", "ht-bad-referral");
    struct tc_resp *r;

    r = tc_post("/v1/housing-referrals", mgr,
                "{\"care_leaver_id\":\"nope\",\"referred_on\":\"2999-01-01\","
                "\"outcome\":\"maybe\",\"response_due_on\":\"2020-01-01\",\"x\":1}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 6,
                 "care_leaver_id, partner_id missing, future referred_on, outcome, read-only, "
                 "unknown: %s",
                 r->body);
    tc_free(r);
    r = tc_post("/v1/housing-referrals", mgr, "[1,2");
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_post("/v1/housing-referrals", mgr,
                "{\"care_leaver_id\":\"" NO_SUCH_ID "\",\"partner_id\":\"" NO_SUCH_ID "\"}");
    cr_expect_eq(r->status, 404, "no such care leaver");
    tc_free(r);
    r = tc_get("/v1/housing-referrals?pending=maybe", mgr);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_get("/v1/housing-protocols/" NO_SUCH_ID "/compliance?from=2026-02-30", mgr);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_get("/v1/housing-protocols/" NO_SUCH_ID "/compliance?from=2026-03-01&to=2026-02-01",
               mgr);
    cr_expect_eq(r->status, 400);
    tc_free(r);
    cr_expect_eq(writes_by("ht-bad-referral"), 0, "nothing written");
    free(mgr);
}

Test(housing, protocol_bad_input_writes_nothing)
{
    char *admin = token_as("admin", "ht-bad-protocol");
    struct tc_resp *r;

    r = tc_post("/v1/housing-protocols", admin,
                "{\"response_days\":0,\"max_bnb_nights\":-1,\"clauses\":[\"\"],"
                "\"parties\":[\"not-a-uuid-but-thirty-six-characters\"],\"status\":\"approved\"}");
    cr_expect_eq(r->status, 422);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "errors")), 5,
                 "title, response_days, max_bnb_nights, clauses, status: %s", r->body);
    tc_free(r);
    r = tc_post(
        "/v1/housing-protocols", admin,
        "{\"title\":\"HT bad parties\",\"parties\":[\"not-a-uuid-but-thirty-six-charactrs\"]}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/housing-protocols", admin,
                "{\"title\":\"HT unknown party\",\"parties\":[\"" NO_SUCH_ID "\"]}");
    cr_expect_eq(r->status, 422, "%s", r->body);
    tc_free(r);
    r = tc_post("/v1/housing-protocols", admin, "{\"title\":\"HT bad json\"");
    cr_expect_eq(r->status, 400);
    tc_free(r);
    r = tc_post("/v1/housing-protocols/" NO_SUCH_ID "/transitions", admin, "{\"to\":\"done\"}");
    cr_expect_eq(r->status, 422);
    tc_free(r);
    cr_expect_eq(writes_by("ht-bad-protocol"), 0, "nothing written");
    free(admin);
}

/* The constructed data set, with T = today and the period [T-365, T]:
 *   protocol: response_days 10, max_bnb_nights 3, referral lead 180 days before 18
 *   young (18th birthday at T+200), adult (18th birthday 400 days ago)
 *   A (council):  r1 young  referred T-60 answered T-55   due T-50  in time, by lead date
 *                 r2 adult  referred T-60 answered T-45   due T-50  late
 *                 r3 adult  referred T-30 unanswered      due T-20  overdue now
 *                 r4 young  referred T-5  unanswered      due T+5   awaiting, by lead date
 *                 r5 adult  referred T-40 withdrawn       due T-30  withdrawn unanswered
 *                 recorded move_without_notice on T-15
 *   B (provider): r6 adult  referred T-20 answered T-10   due T-10  in time (the last day)
 *                 r7 adult  referred T-400 (outside the period)
 *                 B&B: adult [T-10, T-6) 4 nights > 3: over the limit
 *                      adult [T-2, open) 2 nights so far
 *                      young [T-100, T-99) 1 night, under 18
 *                 recorded other on T-400 (outside the period)
 * By hand: A made 5, by lead date 2, answered 2, in time 1, late 1, overdue 1, awaiting 1,
 * withdrawn 1, 1/(2+1) = 33.3 %, moves 1, breaches 3 (late, no response, move);
 * B made 1, answered 1, in time 1, 100.0 %, B&B 3 placements, 7 nights, 1 over the limit,
 * breaches 2 (over limit, under 18); total made 6, in time 2 of 4 = 50.0 %, breaches 5. */
Test(housing, compliance_figures_match_a_hand_count)
{
    char *admin = tc_token("admin", NULL, NULL), *mgr = tc_token("manager", NULL, NULL);
    char *a = mk_partner(admin, "HT Comp District A", "district_council");
    char *b = mk_partner(admin, "HT Comp Provider B", "housing_provider");
    const char *parties[] = {a, b};
    char *p = mk_protocol(admin, "HT compliance", parties, 2,
                          "\"response_days\":10,\"max_bnb_nights\":3,"
                          "\"referral_lead_days_before_18\":180,");
    char *young = mk_care_leaver("HTCOMPY", NULL, 200);
    char *adult = mk_care_leaver("HTCOMPA", NULL, -400);
    char d[12][16], extra[256], path[256], sql[1024];
    static const int offs[] = {-60, -55, -45, -30, -5, -40, -20, -10, -400, -15, -365, 0};
    struct tc_resp *r;
    const cJSON *rows, *row, *tot, *br;
    char *ids[8] = {0};
    int n = 0;
    PGconn *lock;

    for (int i = 0; i < 12; i++)
        day(offs[i], d[i]);
    lock = lock_in_force();
    sign_off(admin, p, parties, 2);
    PQfinish(lock);

    snprintf(extra, sizeof extra,
             "\"referred_on\":\"%s\",\"responded_on\":\"%s\",\"outcome\":\"offered\"", d[0], d[1]);
    ids[n++] = refer(mgr, young, a, p, extra, 201);
    snprintf(extra, sizeof extra,
             "\"referred_on\":\"%s\",\"responded_on\":\"%s\",\"outcome\":\"declined\"", d[0], d[2]);
    ids[n++] = refer(mgr, adult, a, p, extra, 201);
    snprintf(extra, sizeof extra, "\"referred_on\":\"%s\"", d[3]);
    ids[n++] = refer(mgr, adult, a, p, extra, 201);
    snprintf(extra, sizeof extra, "\"referred_on\":\"%s\"", d[4]);
    ids[n++] = refer(mgr, young, a, p, extra, 201);
    snprintf(extra, sizeof extra, "\"referred_on\":\"%s\",\"outcome\":\"withdrawn\"", d[5]);
    ids[n++] = refer(mgr, adult, a, p, extra, 201);
    snprintf(extra, sizeof extra,
             "\"referred_on\":\"%s\",\"responded_on\":\"%s\",\"outcome\":\"more_information\"",
             d[6], d[7]);
    ids[n++] = refer(mgr, adult, b, p, extra, 201);
    snprintf(extra, sizeof extra, "\"referred_on\":\"%s\"", d[8]);
    ids[n++] = refer(mgr, adult, b, p, extra, 201);

    snprintf(sql, sizeof sql,
             "INSERT INTO accommodation_episodes (care_leaver_id, code, suitable, "
             "unsuitable_reason, provider_id, started_on, ended_on, reason) VALUES "
             "('%s', 'W', false, 'Bed and breakfast', '%s', current_date - 10, current_date - 6, "
             "'Emergency after eviction'), "
             "('%s', 'W', false, 'Bed and breakfast', '%s', current_date - 2, NULL, "
             "'Emergency after relationship breakdown'), "
             "('%s', 'W', false, 'Bed and breakfast', '%s', current_date - 100, "
             "current_date - 99, 'Emergency out of hours')",
             adult, b, adult, b, young, b);
    cr_assert_eq(tc_sql(sql), 0, "B&B episodes");

    snprintf(path, sizeof path, "/v1/housing-protocols/%s/breaches", p);
    snprintf(sql, sizeof sql,
             "{\"kind\":\"move_without_notice\",\"partner_id\":\"%s\",\"care_leaver_id\":\"%s\","
             "\"occurred_on\":\"%s\",\"details\":\"Moved without telling the PA\"}",
             a, adult, d[9]);
    r = tc_post(path, mgr, sql);
    cr_expect_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    snprintf(sql, sizeof sql, "{\"kind\":\"other\",\"partner_id\":\"%s\",\"occurred_on\":\"%s\"}",
             b, d[8]);
    r = tc_post(path, mgr, sql);
    cr_expect_eq(r->status, 201, "%s", r->body);
    tc_free(r);
    r = tc_get(path, mgr);
    cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2, "%s", r->body);
    tc_free(r);

    /* The manager's full report. */
    snprintf(path, sizeof path, "/v1/housing-protocols/%s/compliance?from=%s&to=%s", p, d[10],
             d[11]);
    r = tc_get(path, mgr);
    cr_assert_eq(r->status, 200, "%s", r->body);
    rows = cJSON_GetObjectItem(r->json, "partners");
    cr_assert_eq(cJSON_GetArraySize(rows), 2, "%s", r->body);
    row = cJSON_GetArrayItem(rows, 0); /* by name: District A first */
    cr_expect_str_eq(cJSON_GetObjectItem(row, "partner_id")->valuestring, a);
    cr_expect_eq(num(row, "referrals_made"), 5);
    cr_expect_eq(num(row, "referred_by_lead_date"), 2);
    cr_expect_eq(num(row, "answered"), 2);
    cr_expect_eq(num(row, "answered_in_time"), 1);
    cr_expect_eq(num(row, "answered_late"), 1);
    cr_expect_eq(num(row, "overdue_now"), 1);
    cr_expect_eq(num(row, "awaiting_in_time"), 1);
    cr_expect_eq(num(row, "withdrawn_unanswered"), 1);
    cr_expect_float_eq(pct(row, "answered_in_time_pct"), 33.3, 0.001);
    cr_expect_eq(num(row, "moves_without_notice"), 1);
    cr_expect_eq(num(row, "bnb_placements"), 0);
    cr_expect_eq(num(row, "breaches"), 3);
    row = cJSON_GetArrayItem(rows, 1);
    cr_expect_str_eq(cJSON_GetObjectItem(row, "partner_id")->valuestring, b);
    cr_expect_eq(num(row, "referrals_made"), 1);
    cr_expect_eq(num(row, "referred_by_lead_date"), 0);
    cr_expect_eq(num(row, "answered_in_time"), 1);
    cr_expect_float_eq(pct(row, "answered_in_time_pct"), 100.0, 0.001);
    cr_expect_eq(num(row, "overdue_now"), 0);
    cr_expect_eq(num(row, "bnb_placements"), 3);
    cr_expect_eq(num(row, "bnb_nights"), 7);
    cr_expect_eq(num(row, "bnb_placements_over_limit"), 1);
    cr_expect_eq(num(row, "moves_without_notice"), 0);
    cr_expect_eq(num(row, "breaches"), 2);
    tot = cJSON_GetObjectItem(r->json, "total");
    cr_expect_eq(num(tot, "referrals_made"), 6);
    cr_expect_eq(num(tot, "answered"), 3);
    cr_expect_eq(num(tot, "answered_in_time"), 2);
    cr_expect_eq(num(tot, "overdue_now"), 1);
    cr_expect_float_eq(pct(tot, "answered_in_time_pct"), 50.0, 0.001);
    cr_expect_eq(num(tot, "bnb_nights"), 7);
    cr_expect_eq(num(tot, "breaches"), 5);
    br = cJSON_GetObjectItem(r->json, "breaches");
    cr_expect_eq(cJSON_GetArraySize(br), 5, "%s", r->body);
    cr_expect_not_null(cJSON_GetObjectItem(cJSON_GetArrayItem(br, 0), "care_leaver_id"));
    cr_expect_eq(num(cJSON_GetObjectItem(r->json, "commitments"), "max_bnb_nights"), 3);
    tc_free(r);

    /* The board: same figures, breaches without people. */
    {
        char *board = tc_token("board", NULL, NULL), *tok_a = tc_token("partner", NULL, a);
        const cJSON *e;

        r = tc_get(path, board);
        cr_expect_eq(r->status, 200);
        cr_expect_eq(num(cJSON_GetObjectItem(r->json, "total"), "referrals_made"), 6);
        br = cJSON_GetObjectItem(r->json, "breaches");
        cr_expect_eq(cJSON_GetArraySize(br), 5);
        cJSON_ArrayForEach(e, br)
        {
            cr_expect_null(cJSON_GetObjectItem(e, "care_leaver_id"));
            cr_expect_null(cJSON_GetObjectItem(e, "details"));
        }
        cr_expect(strstr(r->body, adult) == NULL && strstr(r->body, young) == NULL);
        tc_free(r);
        /* Partner A: its own row only. */
        r = tc_get(path, tok_a);
        cr_expect_eq(r->status, 200);
        rows = cJSON_GetObjectItem(r->json, "partners");
        cr_expect_eq(cJSON_GetArraySize(rows), 1);
        cr_expect_str_eq(
            cJSON_GetObjectItem(cJSON_GetArrayItem(rows, 0), "partner_id")->valuestring, a);
        cr_expect_eq(num(cJSON_GetObjectItem(r->json, "total"), "referrals_made"), 5);
        cr_expect_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "breaches")), 3);
        cr_expect(strstr(r->body, adult) == NULL && strstr(r->body, b) == NULL);
        tc_free(r);
        free(board);
        free(tok_a);
    }
    /* The default period (the year to today) gives the same here. */
    snprintf(path, sizeof path, "/v1/housing-protocols/%s/compliance", p);
    r = tc_get(path, mgr);
    cr_expect_eq(num(cJSON_GetObjectItem(r->json, "total"), "referrals_made"), 6);
    tc_free(r);

    for (int i = 0; i < n; i++)
        free(ids[i]);
    free(young);
    free(adult);
    free(p);
    free(a);
    free(b);
    free(mgr);
    free(admin);
}

Test(housing, roles)
{
    static const struct {
        const char *method, *path, *body;
        const char *allowed; /* b p a m d s */
    } ops[] = {
        {"POST", "/v1/housing-protocols", "{}", "d"},
        {"GET", "/v1/housing-protocols", NULL, "bpamds"},
        {"GET", "/v1/housing-protocols/" NO_SUCH_ID, NULL, "bpamds"},
        {"PATCH", "/v1/housing-protocols/" NO_SUCH_ID, "{}", "d"},
        {"POST", "/v1/housing-protocols/" NO_SUCH_ID "/transitions", "{}", "d"},
        {"POST", "/v1/housing-protocols/" NO_SUCH_ID "/signatures", "{}", "pd"},
        {"GET", "/v1/housing-protocols/" NO_SUCH_ID "/compliance", NULL, "bpmds"},
        {"POST", "/v1/housing-protocols/" NO_SUCH_ID "/breaches", "{}", "md"},
        {"GET", "/v1/housing-protocols/" NO_SUCH_ID "/breaches", NULL, "mds"},
        {"GET", "/v1/housing-protocols/" NO_SUCH_ID "/breaches/" NO_SUCH_ID, NULL, "mds"},
        {"POST", "/v1/housing-referrals", "{}", "amd"},
        {"GET", "/v1/housing-referrals", NULL, "pamds"},
        {"GET", "/v1/housing-referrals/" NO_SUCH_ID, NULL, "pamds"},
        {"PATCH", "/v1/housing-referrals/" NO_SUCH_ID, "{}", "pamd"},
    };
    static const char *const roles[] = {"board",   "partner", "adviser",
                                        "manager", "admin",   "service"};
    static const char letters[] = "bpamds";
    /* an adviser's and a partner's token must name an active one (else 401) */
    char *adviser = tc_seed_adviser(), *partner = tc_seed_partner("housing_provider");

    for (size_t i = 0; i < sizeof ops / sizeof ops[0]; i++) {
        struct tc_resp *r = tc_req(ops[i].method, ops[i].path, NULL, ops[i].body, NULL);

        cr_expect_eq(r->status, 401, "%s %s without a token", ops[i].method, ops[i].path);
        tc_free(r);
        for (size_t k = 0; k < 6; k++) {
            char claims[320];
            char *tok;

            snprintf(claims, sizeof claims,
                     "{\"sub\":\"ht-roles\",\"role\":\"%s\",\"exp\":%ld,\"iat\":%ld,"
                     "\"adviser_id\":\"%s\",\"org_id\":\"%s\"}",
                     roles[k], (long)time(NULL) + 3600, (long)time(NULL), adviser, partner);
            tok = tc_token_claims(claims);
            int allowed = strchr(ops[i].allowed, letters[k]) != NULL;

            r = tc_req(ops[i].method, ops[i].path, tok, ops[i].body, NULL);
            if (allowed)
                cr_expect(r->status != 403 && r->status != 401 && r->status < 500,
                          "%s %s as %s: %d %s", ops[i].method, ops[i].path, roles[k], r->status,
                          r->body);
            else
                cr_expect_eq(r->status, 403, "%s %s as %s", ops[i].method, ops[i].path, roles[k]);
            tc_free(r);
            free(tok);
        }
    }
    cr_expect_eq(writes_by("ht-roles"), 0, "nothing written by any of them");
    free(adviser);
    free(partner);
}
