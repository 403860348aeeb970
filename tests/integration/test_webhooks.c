/* The change feed and signed webhooks (issue 23). A local receiver on 127.0.0.1 checks every
 * delivery's Standard Webhooks signature with the subscription's secret and records what came,
 * in order; a worker killed with SIGKILL mid-delivery leaves the message to be sent again, with
 * the same webhook-id, and nothing overtakes it. Concurrent writers whose transactions commit
 * out of order leave a change-feed reader missing nothing and seeing nothing twice. An api
 * without the development settings refuses plain http and private targets; a worker without
 * them refuses to send to one. */
#include <arpa/inet.h>
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <openssl/evp.h>
#include <openssl/hmac.h>

#include "cl_mem.h"
#include "tc.h"
#include "tc_api.h"
#include "tc_seed.h"
#include "tw.h"

TestSuite(webhooks, .init = cl_mem_init, .timeout = 180);

/* ---- the receiver ---------------------------------------------------------------------------- */

#define MAX_SEEN 64

struct receiver {
    int fd, port;
    pthread_t thread;
    pthread_mutex_t lock;
    char secret[128];
    volatile int hang_first; /* do not answer the first request until released */
    volatile int released;
    volatile int fail_status; /* answer this instead of 200 while non-zero */
    volatile int stop;
    int n;                  /* requests seen */
    int bad_signatures;     /* requests whose signature did not verify */
    char ids[MAX_SEEN][40]; /* webhook-id of each, in arrival order */
    char data_ids[MAX_SEEN][40];
};

static const char *
header(const char *head, const char *name, char *out, size_t outlen)
{
    const char *p = head;
    size_t n = strlen(name);

    out[0] = '\0';
    while ((p = strchr(p, '\n')) != NULL) {
        p++;
        if (strncasecmp(p, name, n) == 0 && p[n] == ':') {
            const char *v = p + n + 1, *end;

            while (*v == ' ')
                v++;
            end = v + strcspn(v, "\r\n");
            snprintf(out, outlen, "%.*s", (int)(end - v), v);
            return out;
        }
    }
    return NULL;
}

/* Standard Webhooks: v1,base64(HMAC-SHA256(base64-decoded secret, id.timestamp.body)). */
static int
verifies(const char *secret, const char *id, const char *ts, const char *body, const char *sig)
{
    const char *b64 = secret + 6; /* after whsec_ */
    unsigned char key[96], mac[32];
    char msg[8192], want[64];
    unsigned int mac_len = 32;
    int key_len = EVP_DecodeBlock(key, (const unsigned char *)b64, (int)strlen(b64));
    long age = labs((long)time(NULL) - strtol(ts, NULL, 10));

    key_len -= (b64[strlen(b64) - 1] == '=') + (b64[strlen(b64) - 2] == '=');
    snprintf(msg, sizeof msg, "%s.%s.%s", id, ts, body);
    HMAC(EVP_sha256(), key, key_len, (unsigned char *)msg, strlen(msg), mac, &mac_len);
    memcpy(want, "v1,", 3);
    EVP_EncodeBlock((unsigned char *)want + 3, mac, 32);
    return age < 300 && strcmp(want, sig) == 0;
}

static void
serve_one(struct receiver *rc, int c)
{
    char buf[16384], id[40], ts[32], sig[128], len[16], reply[128];
    size_t got = 0;
    char *body;
    int hang;

    while (got < sizeof buf - 1) {
        ssize_t k = recv(c, buf + got, sizeof buf - 1 - got, 0);

        if (k <= 0)
            return;
        got += (size_t)k;
        buf[got] = '\0';
        body = strstr(buf, "\r\n\r\n");
        if (body && header(buf, "Content-Length", len, sizeof len) &&
            got >= (size_t)(body + 4 - buf) + strtoul(len, NULL, 10))
            break;
    }
    body = strstr(buf, "\r\n\r\n");
    if (body == NULL)
        return;
    *body = '\0';
    body += 4;
    header(buf, "webhook-id", id, sizeof id);
    header(buf, "webhook-timestamp", ts, sizeof ts);
    header(buf, "webhook-signature", sig, sizeof sig);
    pthread_mutex_lock(&rc->lock);
    hang = rc->hang_first && rc->n == 0;
    if (rc->n < MAX_SEEN) {
        const char *d = strstr(body, "\"data\": {\"id\": \"");

        snprintf(rc->ids[rc->n], sizeof rc->ids[0], "%s", id);
        if (d)
            snprintf(rc->data_ids[rc->n], sizeof rc->data_ids[0], "%.36s", d + 16);
    }
    if (!verifies(rc->secret, id, ts, body, sig))
        rc->bad_signatures++;
    rc->n++;
    pthread_mutex_unlock(&rc->lock);
    while (hang && !rc->released)
        usleep(20000);
    snprintf(reply, sizeof reply, "HTTP/1.1 %d X\r\nContent-Length: 0\r\nConnection: close\r\n\r\n",
             rc->fail_status ? rc->fail_status : 200);
    send(c, reply, strlen(reply), MSG_NOSIGNAL);
}

static void *
serve(void *arg)
{
    struct receiver *rc = arg;

    while (!rc->stop) {
        int c = accept(rc->fd, NULL, NULL);

        if (c < 0)
            continue;
        serve_one(rc, c);
        close(c);
    }
    return NULL;
}

static void
receiver_start(struct receiver *rc)
{
    struct sockaddr_in a = {0};
    socklen_t alen = sizeof a;
    struct timeval tv = {0, 200000};

    memset(rc, 0, sizeof *rc);
    pthread_mutex_init(&rc->lock, NULL);
    rc->fd = socket(AF_INET, SOCK_STREAM, 0);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(bind(rc->fd, (struct sockaddr *)&a, sizeof a), 0);
    cr_assert_eq(listen(rc->fd, 16), 0);
    setsockopt(rc->fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    getsockname(rc->fd, (struct sockaddr *)&a, &alen);
    rc->port = ntohs(a.sin_port);
    pthread_create(&rc->thread, NULL, serve, rc);
}

static void
receiver_stop(struct receiver *rc)
{
    rc->stop = 1;
    rc->released = 1;
    pthread_join(rc->thread, NULL);
    close(rc->fd);
}

static int
receiver_count(struct receiver *rc)
{
    int n;

    pthread_mutex_lock(&rc->lock);
    n = rc->n;
    pthread_mutex_unlock(&rc->lock);
    return n;
}

static int
wait_count(struct receiver *rc, int n, int ms)
{
    for (int waited = 0; waited < ms; waited += 50) {
        if (receiver_count(rc) >= n)
            return 1;
        usleep(50000);
    }
    return receiver_count(rc) >= n;
}

/* ---- fixtures -------------------------------------------------------------------------------- */

/* A partner's subscription to notification.acknowledged at the receiver, its deliveries routed
 * to queue; the secret into secret. Returns the subscription id. */
static char *
subscribe(const char *ptok, int port, const char *queue, char *secret, size_t secretlen)
{
    char body[256], sql[256];
    struct tc_resp *r;
    char *id;

    snprintf(body, sizeof body,
             "{\"url\":\"http://127.0.0.1:%d/hook\",\"events\":[\"notification.acknowledged\"]}",
             port);
    r = tc_post("/v1/webhook-subscriptions", ptok, body);
    cr_assert_eq(r->status, 201, "%s", r->body);
    snprintf(secret, secretlen, "%s", tc_str(r, "secret"));
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(sql, sizeof sql, "UPDATE webhook_subscriptions SET queue = '%s' WHERE id = '%s'",
             queue, id);
    cr_assert_eq(tc_sql(sql), 0);
    return id;
}

/* n notifications from the partner, each acknowledged by a manager in its own transaction (one
 * notification.acknowledged event each, in this order); their ids into ids. */
static void
notices_acknowledged(const char *ptok, int n, char ids[][40])
{
    char *mgr = tc_token("manager", NULL, NULL), path[128];
    struct tc_resp *r;

    for (int i = 0; i < n; i++) {
        r = tc_post("/v1/partner-notifications", ptok,
                    "{\"kind\":\"rent_arrears\",\"la_child_id\":\"NOBODY1\","
                    "\"date_of_birth\":\"2007-01-01\",\"occurred_on\":\"2026-11-30\"}");
        cr_assert_eq(r->status, 202, "%s", r->body);
        snprintf(ids[i], 40, "%s", tc_str(r, "id"));
        tc_free(r);
    }
    for (int i = 0; i < n; i++) {
        snprintf(path, sizeof path, "/v1/partner-notifications/%s/acknowledge", ids[i]);
        r = tc_post(path, mgr, NULL);
        cr_assert_eq(r->status, 200, "%s", r->body);
        tc_free(r);
    }
    free(mgr);
}

/* ---- webhooks -------------------------------------------------------------------------------- */

Test(webhooks, every_event_once_in_order_after_a_worker_is_killed_mid_delivery)
{
    static const char *const env[] = {"JOB_LEASE_S=3", NULL};
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char queue[64], ids[5][40], sql[256], *sub;
    struct receiver rc;
    pid_t a, b;
    int first_dups = 0;

    receiver_start(&rc);
    rc.hang_first = 1;
    tw_queue_name("wh-kill", queue, sizeof queue);
    sub = subscribe(ptok, rc.port, queue, rc.secret, sizeof rc.secret);
    notices_acknowledged(ptok, 5, ids);
    a = tw_start(queue, env);
    cr_assert(wait_count(&rc, 1, 30000), "worker A sends the first message");
    /* the first request hangs at the receiver: kill the worker in the middle of it */
    cr_assert_eq(tw_stop(a, SIGKILL, 5000), 128 + SIGKILL);
    rc.released = 1;
    b = tw_start(queue, env);
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 5 FROM webhook_deliveries WHERE subscription_id = '%s' "
             "AND status = 'delivered'",
             sub);
    cr_assert(tw_until(sql, 60000), "worker B delivers all five");
    cr_expect_eq(tw_stop(b, SIGTERM, 10000), 0);
    receiver_stop(&rc);

    cr_expect_eq(rc.bad_signatures, 0, "every signature verifies");
    /* the killed delivery came again with the same webhook-id, and nothing overtook it */
    while (first_dups + 1 < rc.n && strcmp(rc.ids[first_dups + 1], rc.ids[0]) == 0)
        first_dups++;
    cr_expect_eq(first_dups, 1, "the interrupted message was sent again once");
    cr_expect_eq(rc.n, 6, "five messages, one of them twice: %d", rc.n);
    for (int i = 0; i < 5 && first_dups + i < rc.n; i++)
        cr_expect_str_eq(rc.data_ids[first_dups + i], ids[i], "message %d in order", i);
    for (int i = first_dups + 1; i < rc.n; i++)
        for (int j = 0; j < i; j++)
            cr_expect(strcmp(rc.ids[i], rc.ids[j]) != 0 || j == 0, "%d repeats %d", i, j);
    free(partner), free(ptok), free(sub);
}

Test(webhooks, a_failing_endpoint_is_retried_with_backoff_and_holds_the_order)
{
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char queue[64], ids[2][40], sql[256], path[160], *sub;
    struct receiver rc;
    struct tc_resp *r;
    pid_t w;

    receiver_start(&rc);
    rc.fail_status = 503;
    tw_queue_name("wh-retry", queue, sizeof queue);
    sub = subscribe(ptok, rc.port, queue, rc.secret, sizeof rc.secret);
    notices_acknowledged(ptok, 2, ids);
    w = tw_start(queue, NULL);
    cr_assert(wait_count(&rc, 2, 30000), "tried twice");
    /* each failed try is in the log, the second message waits behind the first */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '%s' "
             "AND status = 'delivered'",
             sub);
    cr_expect_eq(tc_sql_long(sql), 0);
    pthread_mutex_lock(&rc.lock);
    cr_expect_str_eq(rc.data_ids[0], ids[0]);
    cr_expect_str_eq(rc.data_ids[1], ids[0], "the same message again, not the next one");
    pthread_mutex_unlock(&rc.lock);
    rc.fail_status = 0;
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 2 FROM webhook_deliveries WHERE subscription_id = '%s' "
             "AND status = 'delivered'",
             sub);
    cr_assert(tw_until(sql, 60000), "both delivered once the endpoint is back");
    cr_expect_eq(tw_stop(w, SIGTERM, 10000), 0);
    receiver_stop(&rc);
    cr_expect_eq(rc.bad_signatures, 0);
    /* the partner reads the log: the first delivery's failed tries with their status */
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s/deliveries", sub);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    {
        const cJSON *items = cJSON_GetObjectItem(r->json, "items");
        const cJSON *oldest = cJSON_GetArrayItem(items, cJSON_GetArraySize(items) - 1);
        const cJSON *log = cJSON_GetObjectItem(oldest, "log");

        cr_expect_geq(cJSON_GetArraySize(log), 3, "%s", r->body);
        cr_expect_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(log, 0), "status_code")->valueint, 503);
    }
    tc_free(r);
    free(partner), free(ptok), free(sub);
}

/* Once a subscription's delivery job has used its attempts, nothing new need happen for its
 * pending deliveries to go out: the workers' sweep queues the job again (one per subscription
 * and period, two workers sweeping), at WEBHOOK_RETRY_MAX_S, until the endpoint is back. The job
 * here gets one attempt instead of eight, so its retries run out at once. */
Test(webhooks, a_sweep_retries_a_subscription_whose_job_gave_up_until_the_endpoint_is_back)
{
    static const char *const env[] = {"WEBHOOK_SWEEP_S=1", "WEBHOOK_RETRY_MAX_S=2", NULL};
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char queue[64], ids[2][40], sql[1024], *sub;
    struct receiver rc;
    pid_t w1, w2;

    receiver_start(&rc);
    rc.fail_status = 503;
    tw_queue_name("wh-sweep", queue, sizeof queue);
    sub = subscribe(ptok, rc.port, queue, rc.secret, sizeof rc.secret);
    notices_acknowledged(ptok, 2, ids);
    snprintf(sql, sizeof sql,
             "UPDATE jobs SET max_attempts = 1 WHERE queue = '%s' AND kind = 'webhook_delivery'",
             queue);
    cr_assert_eq(tc_sql(sql), 0);
    w1 = tw_start(queue, env);
    w2 = tw_start(queue, env);
    /* the job's one attempt fails: it is failed, and the sweep tries again, and again */
    cr_assert(wait_count(&rc, 3, 30000), "tried again after the job gave up: %d", rc.n);
    snprintf(sql, sizeof sql,
             "SELECT (count(*) > 0)::int FROM jobs WHERE queue = '%s' "
             "AND created_by <> 'webhook-sweep' AND status = 'failed'",
             queue);
    cr_expect_eq(tc_sql_long(sql), 1, "the event's job used its attempts");
    rc.fail_status = 0;
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 2 FROM webhook_deliveries WHERE subscription_id = '%s' "
             "AND status = 'delivered'",
             sub);
    cr_assert(tw_until(sql, 30000), "both delivered once the endpoint is back, no new event");
    cr_expect_eq(tw_stop(w1, SIGTERM, 10000), 0);
    cr_expect_eq(tw_stop(w2, SIGTERM, 10000), 0);
    receiver_stop(&rc);
    cr_expect_eq(rc.bad_signatures, 0);
    /* in order: the first message until it went through, then the second */
    pthread_mutex_lock(&rc.lock);
    cr_expect_str_eq(rc.data_ids[rc.n - 1], ids[1], "the second message last");
    for (int i = 0; i < rc.n - 1; i++)
        cr_expect_str_eq(rc.data_ids[i], ids[0], "try %d is of the first message", i);
    pthread_mutex_unlock(&rc.lock);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '%s'", sub);
    cr_expect_eq(tc_sql_long(sql), 2, "no delivery was made up");
    /* the sweep's jobs, two workers sweeping: never two open at once for the subscription */
    snprintf(
        sql, sizeof sql,
        "SELECT ((SELECT count(*) FROM jobs WHERE queue = '%s' AND created_by = 'webhook-sweep') "
        "> 0 AND NOT EXISTS (SELECT 1 FROM jobs a JOIN jobs b ON a.id < b.id "
        "AND tstzrange(a.created_at, a.finished_at) && tstzrange(b.created_at, b.finished_at) "
        "WHERE a.queue = '%s' AND b.queue = '%s' AND a.created_by = 'webhook-sweep' "
        "AND b.created_by = 'webhook-sweep'))::int",
        queue, queue, queue);
    cr_expect_eq(tc_sql_long(sql), 1, "sweep jobs ran, one at a time");
    free(partner), free(ptok), free(sub);
}

/* After WEBHOOK_FAIL_AFTER_S of failing (here its first attempt is moved back in time) the sweep
 * gives up: the subscription is failing and inactive, its deliveries failed in the partner's log,
 * an event meanwhile logged as failed, not sent; reactivated, a replay goes through. */
Test(webhooks, a_long_failure_marks_the_subscription_failing_and_loses_nothing)
{
    static const char *const env[] = {"WEBHOOK_SWEEP_S=1", "WEBHOOK_FAIL_AFTER_S=3600", NULL};
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char queue[64], ids[2][40], sql[512], path[200], *sub, *first;
    struct receiver rc;
    struct tc_resp *r;
    pid_t w;
    int seen;

    receiver_start(&rc);
    rc.fail_status = 500;
    tw_queue_name("wh-giveup", queue, sizeof queue);
    sub = subscribe(ptok, rc.port, queue, rc.secret, sizeof rc.secret);
    notices_acknowledged(ptok, 1, ids);
    w = tw_start(queue, env);
    cr_assert(wait_count(&rc, 1, 30000), "tried once");
    snprintf(sql, sizeof sql,
             "UPDATE webhook_delivery_attempts a SET at = a.at - interval '2 hours' "
             "FROM webhook_deliveries d WHERE d.id = a.delivery_id AND d.subscription_id = '%s'",
             sub);
    cr_assert_eq(tc_sql(sql), 0);
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 1 FROM webhook_subscriptions WHERE id = '%s' AND NOT active "
             "AND failing_since IS NOT NULL",
             sub);
    cr_assert(tw_until(sql, 30000), "the sweep marked the subscription failing");
    cr_expect_eq(tw_stop(w, SIGTERM, 10000), 0);
    seen = rc.n;
    /* an event while it is failing: kept as a failed delivery, not sent */
    notices_acknowledged(ptok, 1, ids + 1);
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM webhook_deliveries WHERE subscription_id = '%s' "
             "AND status = 'failed'",
             sub);
    cr_expect_eq(tc_sql_long(sql), 2, "both failed, none dropped");
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s", sub);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect_not_null(tc_str(r, "failing_since"), "%s", r->body);
    cr_expect(cJSON_IsFalse(cJSON_GetObjectItem(r->json, "active")), "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s/deliveries?status=failed", sub);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_assert_eq(cJSON_GetArraySize(cJSON_GetObjectItem(r->json, "items")), 2, "%s", r->body);
    {
        const cJSON *oldest = cJSON_GetArrayItem(cJSON_GetObjectItem(r->json, "items"), 1);

        cr_expect_geq(cJSON_GetArraySize(cJSON_GetObjectItem(oldest, "log")), 1, "its tries");
        first = strdup(cJSON_GetObjectItem(oldest, "id")->valuestring);
    }
    tc_free(r);

    /* the partner fixes its endpoint, reactivates and replays the first */
    rc.fail_status = 0;
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s", sub);
    r = tc_patch(path, ptok, "{\"active\":true}");
    cr_assert_eq(r->status, 200, "%s", r->body);
    cr_expect(cJSON_IsNull(cJSON_GetObjectItem(r->json, "failing_since")), "%s", r->body);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s/deliveries/%s/replay", sub, first);
    r = tc_post(path, ptok, NULL);
    cr_expect_eq(r->status, 202, "%s", r->body);
    tc_free(r);
    w = tw_start(queue, env);
    cr_assert(wait_count(&rc, seen + 1, 30000), "the replay arrived");
    cr_expect_eq(tw_stop(w, SIGTERM, 10000), 0);
    receiver_stop(&rc);
    cr_expect_eq(rc.bad_signatures, 0);
    cr_expect_str_eq(rc.data_ids[rc.n - 1], ids[0]);
    free(partner), free(ptok), free(sub), free(first);
}

Test(webhooks, without_the_development_settings_http_and_private_targets_are_refused)
{
    static const char *const env[] = {"WEBHOOK_ALLOW_HTTP=0", "WEBHOOK_ALLOW_PRIVATE=0", NULL};
    static const char *const urls[] = {
        "http://partner.example.org/hook", /* not https */
        "https://127.0.0.1/hook",          /* loopback */
        "https://10.1.2.3/hook",           /* private */
        "https://169.254.169.254/latest",  /* link-local: cloud metadata */
        "https://[::1]/hook",              /* IPv6 loopback */
        "https://[::ffff:192.168.0.1]/x",  /* IPv4 private mapped into IPv6 */
        "https://localhost/hook",          /* a name that resolves to loopback */
        "https://user@partner.example.org/hook",
        "ftp://partner.example.org/hook",
    };
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char body[256], sql[256], queue[64], secret[128], *sub;
    struct tc_api api;
    struct receiver rc;
    pid_t w;

    cr_assert_eq(tc_api_start(&api, env), 0);
    for (size_t i = 0; i < sizeof urls / sizeof urls[0]; i++) {
        char path[64];
        int fd;
        struct sockaddr_in a = {0};
        char req[1024], resp[4096];
        ssize_t n;

        snprintf(body, sizeof body, "{\"url\":\"%s\",\"events\":[\"housing_referral.created\"]}",
                 urls[i]);
        snprintf(path, sizeof path, "/v1/webhook-subscriptions");
        fd = socket(AF_INET, SOCK_STREAM, 0);
        a.sin_family = AF_INET;
        a.sin_port = htons((unsigned short)api.port);
        a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        cr_assert_eq(connect(fd, (struct sockaddr *)&a, sizeof a), 0);
        snprintf(req, sizeof req,
                 "POST %s HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer %s\r\nContent-Type: "
                 "application/json\r\nContent-Length: %zu\r\nConnection: close\r\n\r\n%s",
                 path, ptok, strlen(body), body);
        send(fd, req, strlen(req), MSG_NOSIGNAL);
        n = recv(fd, resp, sizeof resp - 1, MSG_WAITALL);
        resp[n > 0 ? n : 0] = '\0';
        close(fd);
        cr_expect(strncmp(resp, "HTTP/1.1 422", 12) == 0, "%s: %.200s", urls[i], resp);
        cr_expect_not_null(strstr(resp, "\"url\""), "%s names the field", urls[i]);
    }
    snprintf(sql, sizeof sql, "SELECT count(*) FROM webhook_subscriptions WHERE partner_id = '%s'",
             partner);
    cr_expect_eq(tc_sql_long(sql), 0, "nothing written");
    cr_expect_eq(tc_api_stop(&api), 0);

    /* a worker without WEBHOOK_ALLOW_PRIVATE checks the address itself and sends nothing */
    receiver_start(&rc);
    tw_queue_name("wh-ssrf", queue, sizeof queue);
    sub = subscribe(ptok, rc.port, queue, secret, sizeof secret);
    {
        char ids[1][40];
        static const char *const wenv[] = {"WEBHOOK_ALLOW_PRIVATE=0", NULL};

        notices_acknowledged(ptok, 1, ids);
        w = tw_start(queue, wenv);
    }
    snprintf(sql, sizeof sql,
             "SELECT count(*) > 0 FROM webhook_delivery_attempts a JOIN webhook_deliveries d "
             "ON d.id = a.delivery_id WHERE d.subscription_id = '%s' AND a.error LIKE "
             "'%%private, loopback%%'",
             sub);
    cr_expect(tw_until(sql, 30000), "the worker refused the loopback target");
    cr_expect_eq(tw_stop(w, SIGTERM, 10000), 0);
    receiver_stop(&rc);
    cr_expect_eq(rc.n, 0, "nothing reached the receiver");
    snprintf(sql, sizeof sql,
             "UPDATE jobs SET status = 'cancelled', finished_at = now(), locked_by = NULL, "
             "locked_until = NULL WHERE queue = '%s' AND status IN ('queued', 'running')",
             queue);
    cr_expect_eq(tc_sql(sql), 0);
    free(partner), free(ptok), free(sub);
}

/* ---- the change feed ------------------------------------------------------------------------- */

struct writer {
    const char *partner, *care_leaver, *protocol;
    int n, slow_ms;
};

static void *
write_referrals(void *arg)
{
    const struct writer *w = arg;
    PGconn *c = tc_db();
    char sql[768];

    for (int i = 0; i < w->n; i++) {
        PQclear(PQexec(c, "BEGIN"));
        snprintf(sql, sizeof sql,
                 "INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, "
                 "referred_on, response_due_on) VALUES ('%s', '%s', '%s', current_date, "
                 "current_date + 10)",
                 w->care_leaver, w->partner, w->protocol);
        PQclear(PQexec(c, sql));
        usleep((useconds_t)((w->slow_ms ? w->slow_ms : rand() % 15) * 1000));
        PQclear(PQexec(c, "COMMIT"));
    }
    PQfinish(c);
    return NULL;
}

/* Reads the feed from *token as the partner; adds each live item's id to seen (counting
 * repeats) and moves *token on. Returns the items read. */
static int
read_feed(const char *ptok, char *token, char seen[][40], int *nseen, int *repeats)
{
    char path[1024];
    struct tc_resp *r;
    const cJSON *e;
    int n = 0;

    snprintf(path, sizeof path, "/v1/housing-referrals?limit=7&updated_since=%s", token);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    cJSON_ArrayForEach(e, cJSON_GetObjectItem(r->json, "items"))
    {
        const char *id = cJSON_GetObjectItem(e, "id")->valuestring;

        for (int i = 0; i < *nseen; i++)
            *repeats += strcmp(seen[i], id) == 0;
        if (*nseen < 400)
            snprintf(seen[(*nseen)++], 40, "%s", id);
        n++;
    }
    snprintf(token, 512, "%s", tc_str(r, "change_token"));
    tc_free(r);
    return n;
}

Test(webhooks, the_change_feed_misses_nothing_and_repeats_nothing_under_concurrent_writers)
{
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char *adviser = tc_seed_adviser(), *cl = tc_seed_care_leaver(adviser, "2007-05-01");
    char *protocol = tc_seed_text("INSERT INTO housing_protocols (title, edition) SELECT 'feed', "
                                  "5000 + (random() * 4000)::int RETURNING id");
    char token[512], (*seen)[40] = cl_calloc(400, 40), sql[512];
    struct writer w[4];
    pthread_t t[4];
    struct tc_resp *r;
    int nseen = 0, repeats = 0;
    PGconn *early, *late;

    r = tc_get("/v1/housing-referrals", ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    snprintf(token, sizeof token, "%s", tc_str(r, "change_token"));
    tc_free(r);

    /* A transaction that began first commits last: its row must not be skipped by a reader who
     * has already read the later one (a plain sequence or clock would skip it). */
    early = tc_db();
    late = tc_db();
    PQclear(PQexec(early, "BEGIN"));
    snprintf(sql, sizeof sql,
             "INSERT INTO housing_referrals (care_leaver_id, partner_id, protocol_id, referred_on, "
             "response_due_on) VALUES ('%s', '%s', '%s', current_date, current_date + 10)",
             cl, partner, protocol);
    PQclear(PQexec(early, sql));
    PQclear(PQexec(late, sql)); /* autocommit: commits now */
    cr_expect_eq(read_feed(ptok, token, seen, &nseen, &repeats), 0,
                 "the later row waits while an earlier transaction runs");
    PQclear(PQexec(early, "COMMIT"));
    PQfinish(early);
    PQfinish(late);
    /* (other tests' transactions may hold the horizon back a moment) */
    for (int k = 0; k < 200 && nseen < 2; k++) {
        read_feed(ptok, token, seen, &nseen, &repeats);
        usleep(50000);
    }
    cr_expect_eq(nseen, 2, "both, once it finished");
    cr_expect_eq(repeats, 0);

    /* four writers, one of them holding each transaction open for a while */
    for (int i = 0; i < 4; i++) {
        w[i] = (struct writer){partner, cl, protocol, i == 0 ? 5 : 20, i == 0 ? 300 : 0};
        pthread_create(&t[i], NULL, write_referrals, &w[i]);
    }
    for (int k = 0; k < 200; k++) {
        read_feed(ptok, token, seen, &nseen, &repeats);
        if (nseen >= 67)
            break;
        usleep(30000);
    }
    for (int i = 0; i < 4; i++)
        pthread_join(t[i], NULL);
    for (int k = 0; k < 400 && nseen < 67; k++) {
        if (read_feed(ptok, token, seen, &nseen, &repeats) == 0)
            usleep(50000);
    }
    snprintf(sql, sizeof sql, "SELECT count(*) FROM housing_referrals WHERE partner_id = '%s'",
             partner);
    cr_expect_eq(tc_sql_long(sql), 67);
    cr_expect_eq(nseen, 67, "every referral seen");
    cr_expect_eq(repeats, 0, "none seen twice");
    /* the next read from the stored token is empty: nothing comes back after a restart */
    cr_expect_eq(read_feed(ptok, token, seen, &nseen, &repeats), 0);

    /* an update shows the row again, once; a token from another list is refused */
    snprintf(sql, sizeof sql,
             "UPDATE housing_referrals SET needed_by = current_date + 30 WHERE id = '%s'", seen[0]);
    cr_assert_eq(tc_sql(sql), 0);
    cr_expect_eq(read_feed(ptok, token, seen, &nseen, &repeats), 1);
    {
        char path[1024];

        snprintf(path, sizeof path, "/v1/webhook-subscriptions?updated_since=%s", token);
        r = tc_get(path, ptok);
        cr_expect_eq(r->status, 400, "%s", r->body);
        tc_free(r);
        snprintf(path, sizeof path, "/v1/housing-referrals?updated_since=%s&outcome=offered",
                 token);
        r = tc_get(path, ptok);
        cr_expect_eq(r->status, 400, "%s", r->body);
        tc_free(r);
    }
    free(partner), free(ptok), free(adviser), free(cl), free(protocol), free(seen);
}

Test(webhooks, a_deleted_subscription_is_a_tombstone_in_its_feed)
{
    char *partner = tc_seed_partner("housing_provider"), *ptok = tc_token("partner", NULL, partner);
    char token[512], path[1024], *id;
    struct tc_resp *r;
    const cJSON *items;

    r = tc_get("/v1/webhook-subscriptions", ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    snprintf(token, sizeof token, "%s", tc_str(r, "change_token"));
    tc_free(r);
    r = tc_post("/v1/webhook-subscriptions", ptok,
                "{\"url\":\"http://127.0.0.1:9/x\",\"events\":[\"eet_referral.updated\"]}");
    cr_assert_eq(r->status, 201, "%s", r->body);
    id = strdup(tc_str(r, "id"));
    tc_free(r);
    snprintf(path, sizeof path, "/v1/webhook-subscriptions/%s", id);
    r = tc_req("DELETE", path, ptok, NULL, NULL);
    cr_expect_eq(r->status, 204, "%s", r->body);
    tc_free(r);
    r = tc_get(path, ptok);
    cr_expect_eq(r->status, 404);
    tc_free(r);
    snprintf(path, sizeof path, "/v1/webhook-subscriptions?updated_since=%s", token);
    r = tc_get(path, ptok);
    cr_assert_eq(r->status, 200, "%s", r->body);
    items = cJSON_GetObjectItem(r->json, "items");
    cr_assert_eq(cJSON_GetArraySize(items), 1, "%s", r->body);
    cr_expect_str_eq(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "id")->valuestring, id);
    cr_expect(cJSON_IsTrue(cJSON_GetObjectItem(cJSON_GetArrayItem(items, 0), "deleted")));
    tc_free(r);
    free(partner), free(ptok), free(id);
}
