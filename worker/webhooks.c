/* The "webhook_delivery" job (common/cl_jobspec_webhook.c): sends one subscription's pending
 * deliveries (schema/functions/partner_notices.sql) oldest first, signed as the Standard
 * Webhooks scheme describes, one at a time, stopping at the first that fails (the queue then
 * retries the job with backoff, so later messages never overtake it).
 *
 * Order and at-least-once:
 * - one sender per subscription: a session advisory lock on the worker's connection (freed by
 *   PostgreSQL if the worker dies); a job that finds it taken ends, because the holder looks
 *   again for pending deliveries after letting go and takes the lock again when it finds some;
 * - only deliveries of finished transactions are sent (tx below the oldest running one), in
 *   (tx, seq) order, so a transaction that commits late cannot slip a message in behind one
 *   already sent;
 * - a delivery is marked delivered only after a 2xx answer: a worker killed mid-request leaves
 *   it pending, and the job, retried once its lease runs out, sends it again with the same
 *   webhook-id.
 *
 * The target: the URL is checked again (https unless WEBHOOK_ALLOW_HTTP, its host resolved and
 * every address public unless WEBHOOK_ALLOW_PRIVATE), and libcurl connects to exactly the
 * checked address (CURLOPT_RESOLVE), follows no redirect and speaks no other protocol.
 *
 * libcurl (Debian's libcurl4-openssl-dev): TLS with certificate and host name checks by
 * default, pinning a resolved address, protocol and redirect limits, timeouts; the OpenSSL
 * flavour shares the TLS library libjwt and the cursors already use. */
#include "job.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <curl/curl.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cl_clock.h"
#include "cl_jobspec_webhook.h"
#include "cl_log.h"
#include "cl_mem.h"
#include "cl_url_guard.h"

#define MOD "webhooks"
/* How long a sender waits for an earlier transaction to finish before it lets the queue retry. */
#define WAIT_EARLIER_MS 20000

static struct cl_stmt lock = {"SELECT pg_try_advisory_lock(hashtextextended('webhook:' || $1, 0))"};
static struct cl_stmt unlock = {"SELECT pg_advisory_unlock(hashtextextended('webhook:' || $1, 0))"};
/* The next delivery that may go out: pending, of a finished transaction, oldest first. */
static struct cl_stmt next = {
    "SELECT d.id, d.message_id, d.payload::text, s.url, s.secret "
    "FROM webhook_deliveries d JOIN webhook_subscriptions s ON s.id = d.subscription_id "
    "WHERE d.subscription_id = $1 AND d.status = 'pending' AND s.active "
    "  AND d.tx < pg_snapshot_xmin(pg_current_snapshot()) "
    "ORDER BY d.tx, d.seq LIMIT 1"};
/* Pending deliveries, whether or not they may go out yet. */
static struct cl_stmt pending = {
    "SELECT count(*) FROM webhook_deliveries d "
    "JOIN webhook_subscriptions s ON s.id = d.subscription_id "
    "WHERE d.subscription_id = $1 AND d.status = 'pending' AND s.active"};
static struct cl_stmt record = {
    "WITH d AS (UPDATE webhook_deliveries SET attempts = attempts + 1, "
    "  status = CASE WHEN $2::boolean THEN 'delivered' ELSE status END, "
    "  delivered_at = CASE WHEN $2::boolean THEN now() END "
    "  WHERE id = $1 RETURNING id, attempts) "
    "INSERT INTO webhook_delivery_attempts (delivery_id, attempt, status_code, error, "
    "  duration_ms) SELECT d.id, d.attempts, $3::int, $4, $5::int FROM d"};

static pthread_once_t curl_once = PTHREAD_ONCE_INIT;

static void
curl_start(void)
{
    if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK)
        abort();
}

static size_t
discard(char *p, size_t size, size_t n, void *arg)
{
    (void)p;
    (void)arg;
    return size * n;
}

/* The Standard Webhooks signature of msg_id.timestamp.body with secret ("whsec_" and base64 of
 * the key): "v1," and base64 of the HMAC-SHA256, into out (at least 64 bytes). -1 when the
 * secret is not of that form. */
static int
sign(const char *secret, const char *msg_id, const char *ts, const char *body, char *out)
{
    const char *b64 = strncmp(secret, "whsec_", 6) == 0 ? secret + 6 : secret;
    size_t n = strlen(b64), signed_len;
    unsigned char key[96], mac[32];
    unsigned int mac_len = sizeof mac;
    int key_len;
    char *msg;

    if (n == 0 || n % 4 != 0 || n > 128)
        return -1;
    key_len = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)n);
    if (key_len < 0)
        return -1;
    key_len -= (b64[n - 1] == '=') + (b64[n - 2] == '=');
    signed_len = strlen(msg_id) + strlen(ts) + strlen(body) + 2;
    msg = cl_malloc(signed_len + 1);
    snprintf(msg, signed_len + 1, "%s.%s.%s", msg_id, ts, body);
    if (HMAC(EVP_sha256(), key, key_len, (unsigned char *)msg, signed_len, mac, &mac_len) == NULL)
        abort();
    free(msg);
    memcpy(out, "v1,", 3);
    EVP_EncodeBlock((unsigned char *)out + 3, mac, (int)mac_len);
    return 0;
}

/* POSTs body to url signed for msg_id. 0 on a 2xx answer; else -1 with why (no personal data:
 * the URL is the partner's own). *status is the HTTP status, 0 when none came. */
static int
post(const struct cl_config *cfg, const char *url, const char *secret, const char *msg_id,
     const char *body, long *status, char *why, size_t whylen)
{
    struct cl_url u;
    const char *bad = NULL;
    char addr[64], pin[400], ts[24], sig[64], h_id[80], h_ts[48], h_sig[96];
    struct curl_slist *headers = NULL, *resolve = NULL;
    CURL *c;
    CURLcode rc;

    *status = 0;
    if (cl_url_parse(url, cfg->webhook_allow_http, &u, &bad) != 0 ||
        cl_url_resolve(&u, cfg->webhook_allow_private, addr, sizeof addr, &bad) != 0) {
        snprintf(why, whylen, "the endpoint URL %s", bad);
        return -1;
    }
    snprintf(ts, sizeof ts, "%lld", (long long)time(NULL));
    if (sign(secret, msg_id, ts, body, sig) != 0) {
        snprintf(why, whylen, "the subscription's secret is not usable");
        return -1;
    }
    snprintf(pin, sizeof pin, strchr(addr, ':') ? "%s:%d:[%s]" : "%s:%d:%s", u.host, u.port, addr);
    snprintf(h_id, sizeof h_id, "webhook-id: %s", msg_id);
    snprintf(h_ts, sizeof h_ts, "webhook-timestamp: %s", ts);
    snprintf(h_sig, sizeof h_sig, "webhook-signature: %s", sig);
    pthread_once(&curl_once, curl_start);
    c = curl_easy_init();
    if (c == NULL)
        abort();
    headers = curl_slist_append(headers, "Content-Type: application/json");
    headers = curl_slist_append(headers, h_id);
    headers = curl_slist_append(headers, h_ts);
    headers = curl_slist_append(headers, h_sig);
    headers = curl_slist_append(headers, "Expect:");
    resolve = curl_slist_append(resolve, pin);
    curl_easy_setopt(c, CURLOPT_URL, url);
    curl_easy_setopt(c, CURLOPT_RESOLVE, resolve);
    curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, cfg->webhook_allow_http ? "http,https" : "https");
    curl_easy_setopt(c, CURLOPT_FOLLOWLOCATION, 0L);
    curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
    curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)cfg->webhook_timeout_ms);
    curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)cfg->webhook_timeout_ms);
    curl_easy_setopt(c, CURLOPT_HTTPHEADER, headers);
    curl_easy_setopt(c, CURLOPT_USERAGENT, "leaving-care-webhooks/1");
    curl_easy_setopt(c, CURLOPT_POSTFIELDS, body);
    curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
    curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, discard);
    rc = curl_easy_perform(c);
    if (rc == CURLE_OK)
        curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, status);
    curl_easy_cleanup(c);
    curl_slist_free_all(headers);
    curl_slist_free_all(resolve);
    if (rc != CURLE_OK) {
        snprintf(why, whylen, "%s", curl_easy_strerror(rc));
        return -1;
    }
    if (*status < 200 || *status > 299) {
        snprintf(why, whylen, "the endpoint answered %ld", *status);
        return -1;
    }
    return 0;
}

static long
pending_count(struct cl_job *job, const char *sub)
{
    PGresult *res = NULL;
    long n = -1;

    if (cl_db_one(job->db, &pending, 1, (const char *[]){sub}, &res) == CL_OK)
        n = strtol(PQgetvalue(res, 0, 0), NULL, 10);
    PQclear(res);
    return n;
}

/* Sends, while holding the lock, every delivery that may go out. CL_OK when none is left that
 * may go out now; an error (job->error set) when one failed or the database did. */
static int
send_ready(struct cl_job *job, const char *sub)
{
    for (;;) {
        PGresult *res = NULL;
        char why[300] = "", code[16], ms[16];
        long status = 0;
        double t0;
        int err, ok;

        if (cl_job_should_stop(job))
            return cl_job_stopped(job);
        err = cl_db_exec(job->db, &next, 1, (const char *[]){sub}, &res);
        if (err != CL_OK)
            return cl_job_fail(job, "could not read the pending deliveries");
        if (PQntuples(res) == 0) {
            PQclear(res);
            return CL_OK;
        }
        t0 = cl_clock_ms();
        ok = post(job->cfg, PQgetvalue(res, 0, 3), PQgetvalue(res, 0, 4), PQgetvalue(res, 0, 1),
                  PQgetvalue(res, 0, 2), &status, why, sizeof why) == 0;
        snprintf(code, sizeof code, "%ld", status);
        snprintf(ms, sizeof ms, "%ld", (long)(cl_clock_ms() - t0));
        err = cl_db_exec(job->db, &record, 5,
                         (const char *[]){PQgetvalue(res, 0, 0), ok ? "true" : "false",
                                          status ? code : NULL, ok ? NULL : why, ms},
                         NULL);
        PQclear(res);
        if (err != CL_OK)
            return cl_job_fail(job, "could not record a delivery attempt");
        if (!ok)
            return cl_job_fail(job, "delivery failed: %s", why);
    }
}

static int
run_webhook_delivery(struct cl_job *job)
{
    const struct cl_webhook_params *p = job->params;
    const char *sub = p->subscription_id;
    double waited_since = 0;

    for (;;) {
        PGresult *res = NULL;
        int got, err;
        long left;

        err = cl_db_one(job->db, &lock, 1, (const char *[]){sub}, &res);
        got = err == CL_OK && PQgetvalue(res, 0, 0)[0] == 't';
        PQclear(res);
        if (err != CL_OK)
            return cl_job_fail(job, "could not take the subscription's lock");
        if (!got)
            return CL_OK; /* another sender holds it and looks again after letting go */
        err = send_ready(job, sub);
        if (cl_db_exec(job->db, &unlock, 1, (const char *[]){sub}, NULL) != CL_OK && err == CL_OK)
            err = cl_job_fail(job, "could not let go of the subscription's lock");
        if (err != CL_OK)
            return err;
        left = pending_count(job, sub);
        if (left < 0)
            return cl_job_fail(job, "could not count the pending deliveries");
        if (left == 0)
            return CL_OK;
        /* Pending ones of a transaction still running, or queued since: look again shortly. */
        if (waited_since == 0)
            waited_since = cl_clock_ms();
        else if (cl_clock_ms() - waited_since > WAIT_EARLIER_MS)
            return cl_job_fail(job, "deliveries wait on a transaction that has not finished");
        if (cl_job_should_stop(job))
            return cl_job_stopped(job);
        nanosleep(&(struct timespec){0, 100 * 1000000L}, NULL);
    }
}

CL_JOB_KIND(webhook_delivery, run_webhook_delivery);
