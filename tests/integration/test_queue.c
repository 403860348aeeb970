/* The queue's guarantees, each shown with real worker processes (the build's worker binary)
 * against the test PostgreSQL. Every test starts its own workers on its own queue
 * (WORKER_QUEUE), so the shared worker that run.sh starts never takes these jobs and each test
 * knows exactly which processes may run them. Times are measured on the database's clock
 * (created_at, started_at, finished_at), the same clock the queue itself uses. */
#include <criterion/criterion.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cl_la_time.h"
#include "cl_mem.h"
#include "tc.h"
#include "tw.h"

static void
fini(void)
{
    tw_kill_all();
}

TestSuite(queue, .init = cl_mem_init, .fini = fini, .timeout = 180);

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

/* Stops a worker the polite way and checks it exits 0 with a clean sanitizer log. */
static void
stop_clean(pid_t pid)
{
    int st = tw_stop(pid, SIGTERM, 20000);

    cr_expect_eq(st, 0, "worker %d exits 0 on SIGTERM (status %d)", (int)pid, st);
    cr_expect_not(tw_log_has_sanitizer_report(pid), "worker %d log is clean", (int)pid);
}

static long
q_long(const char *fmt, const char *arg)
{
    char sql[1024];

    snprintf(sql, sizeof sql, fmt, arg);
    return tc_sql_long(sql);
}

static int
q_until(const char *fmt, const char *arg, int timeout_ms)
{
    char sql[1024];

    snprintf(sql, sizeof sql, fmt, arg);
    return tw_until(sql, timeout_ms);
}

Test(queue, several_workers_never_run_one_job_twice)
{
    char queue[64], sql[512];
    pid_t w[3];
    int njobs = 60;

    tw_queue_name("qt-many", queue, sizeof queue);
    for (int i = 0; i < 3; i++)
        w[i] = tw_start(queue, NULL);
    /* All three connected and waiting before any job exists, so they race for every one. */
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 3 FROM pg_stat_activity WHERE application_name = 'cl-worker:%s'",
             queue);
    cr_assert(tw_until(sql, 60000), "three workers are listening");
    snprintf(sql, sizeof sql,
             "INSERT INTO jobs (id, kind, params, queue, created_by, created_role) "
             "SELECT gen_random_uuid(), 'noop', '{\"sleep_ms\":50}', '%s', 'test-queue', "
             "'service' FROM generate_series(1, %d)",
             queue, njobs);
    cr_assert_eq(tc_sql(sql), 0);
    cr_assert(q_until("SELECT count(*) = 60 FROM jobs WHERE queue = '%s' "
                      "AND status = 'succeeded'",
                      queue, 120000),
              "all 60 jobs succeed");
    /* One attempt per job, ever: no job was claimed by two workers. */
    cr_expect_eq(q_long("SELECT count(*) FROM job_attempts a JOIN jobs j ON j.id = a.job_id "
                        "WHERE j.queue = '%s'",
                        queue),
                 njobs);
    cr_expect_eq(q_long("SELECT count(DISTINCT a.job_id) FROM job_attempts a "
                        "JOIN jobs j ON j.id = a.job_id WHERE j.queue = '%s'",
                        queue),
                 njobs);
    cr_expect_eq(q_long("SELECT max(attempts) FROM jobs WHERE queue = '%s'", queue), 1);
    cr_expect_eq(q_long("SELECT count(*) FROM artifacts a JOIN jobs j ON j.id = a.job_id "
                        "WHERE j.queue = '%s'",
                        queue),
                 2 * njobs, "one set of two artifacts per job");
    cr_expect_geq(q_long("SELECT count(DISTINCT a.worker) FROM job_attempts a "
                         "JOIN jobs j ON j.id = a.job_id WHERE j.queue = '%s'",
                         queue),
                  2, "the work was shared between workers");
    for (int i = 0; i < 3; i++)
        stop_clean(w[i]);
}

Test(queue, killed_worker_job_runs_again_once_lease_expires)
{
    static const char *const env[] = {"JOB_LEASE_S=3", NULL};
    char queue[64], id[37], body[256], sql[512];
    pid_t a, b;

    tw_queue_name("qt-kill", queue, sizeof queue);
    cr_assert_eq(tw_insert_job("noop", "{\"sleep_ms\":4000}", queue, 5, id), 0);
    a = tw_start(queue, env);
    cr_assert(q_until("SELECT status = 'running' FROM jobs WHERE id = '%s'", id, 30000),
              "worker A takes the job");
    cr_assert_eq(tw_stop(a, SIGKILL, 5000), 128 + SIGKILL);
    b = tw_start(queue, env);
    cr_assert(q_until("SELECT status = 'succeeded' FROM jobs WHERE id = '%s'", id, 60000),
              "worker B finishes it after the lease expired");
    cr_expect_eq(q_long("SELECT attempts FROM jobs WHERE id = '%s'", id), 2);
    cr_expect_eq(q_long("SELECT count(*) FROM artifacts WHERE job_id = '%s'", id), 2,
                 "exactly one set of artifacts");
    cr_expect_eq(q_long("SELECT count(DISTINCT worker) FROM job_attempts WHERE job_id = '%s'", id),
                 2);
    cr_expect_eq(q_long("SELECT count(*) FROM job_attempts WHERE job_id = '%s' "
                        "AND outcome = 'lost'",
                        id),
                 1, "the killed attempt is logged as lost");
    snprintf(sql, sizeof sql,
             "SELECT convert_from(bytes, 'UTF8') FROM artifacts WHERE job_id = '%s' "
             "AND name = 'noop.json'",
             id);
    cr_assert_eq(tw_sql_text(sql, body, sizeof body), 0);
    cr_expect_str_eq(body, "{\"ok\":true,\"attempt\":2}\n");
    stop_clean(b);
}

Test(queue, stalled_worker_cannot_complete_a_rescued_job)
{
    static const char *const env[] = {"JOB_LEASE_S=3", NULL};
    char queue[64], id[37], body[256], sql[512];
    pid_t a, b;

    tw_queue_name("qt-stall", queue, sizeof queue);
    cr_assert_eq(tw_insert_job("noop", "{\"sleep_ms\":2500}", queue, 5, id), 0);
    a = tw_start(queue, env);
    cr_assert(q_until("SELECT status = 'running' FROM jobs WHERE id = '%s'", id, 30000));
    kill(a, SIGSTOP); /* worker A and its heartbeat freeze past the lease */
    b = tw_start(queue, env);
    cr_assert(q_until("SELECT status = 'succeeded' FROM jobs WHERE id = '%s'", id, 60000),
              "worker B rescues and completes the job");
    kill(a, SIGCONT); /* A wakes up believing it still holds the job */
    sleep_ms(4000);
    cr_expect_eq(q_long("SELECT count(*) FROM artifacts WHERE job_id = '%s'", id), 2,
                 "still exactly one set of artifacts");
    snprintf(sql, sizeof sql,
             "SELECT convert_from(bytes, 'UTF8') FROM artifacts WHERE job_id = '%s' "
             "AND name = 'noop.json'",
             id);
    cr_assert_eq(tw_sql_text(sql, body, sizeof body), 0);
    cr_expect_str_eq(body, "{\"ok\":true,\"attempt\":2}\n", "the rescuer's result stands");
    cr_expect_eq(q_long("SELECT attempts FROM jobs WHERE id = '%s'", id), 2);
    cr_expect_eq(q_long("SELECT count(*) FROM jobs WHERE id = '%s' AND status = 'succeeded'", id),
                 1);
    stop_clean(a);
    stop_clean(b);
}

Test(queue, failing_job_backs_off_exponentially_then_fails)
{
    static const char *const env[] = {"WORKER_POLL_MS=200", NULL};
    char queue[64], id[37], sql[1024], err[256];
    PGconn *c;
    PGresult *res;
    pid_t w;

    tw_queue_name("qt-retry", queue, sizeof queue);
    cr_assert_eq(tw_insert_job("noop", "{\"fail\":true}", queue, 3, id), 0);
    w = tw_start(queue, env);
    cr_assert(q_until("SELECT status = 'failed' FROM jobs WHERE id = '%s'", id, 60000),
              "the job ends failed");
    cr_expect_eq(q_long("SELECT attempts FROM jobs WHERE id = '%s'", id), 3);
    snprintf(sql, sizeof sql, "SELECT error FROM jobs WHERE id = '%s'", id);
    cr_assert_eq(tw_sql_text(sql, err, sizeof err), 0);
    cr_expect_str_eq(err, "failed on request (attempt 3)");
    cr_expect_eq(
        q_long("SELECT count(*) FROM jobs WHERE id = '%s' AND finished_at IS NOT NULL", id), 1);
    /* Gap before attempt n+1 is 2^n s +-20 %, plus at most a poll interval to notice. */
    snprintf(sql, sizeof sql,
             "SELECT attempt, outcome, extract(epoch FROM started_at - lag(finished_at) "
             "OVER (ORDER BY attempt)) FROM job_attempts WHERE job_id = '%s' ORDER BY attempt",
             id);
    c = tc_db();
    res = PQexec(c, sql);
    cr_assert_eq(PQntuples(res), 3, "three attempts logged");
    for (int i = 0; i < 3; i++) {
        cr_expect_str_eq(PQgetvalue(res, i, 1), "failed");
        if (i > 0) {
            double gap = strtod(PQgetvalue(res, i, 2), NULL), base = i == 1 ? 2.0 : 4.0;

            cr_expect_geq(gap, 0.8 * base - 0.05, "gap before attempt %d: %.2f s", i + 1, gap);
            cr_expect_leq(gap, 1.2 * base + 0.2 + 2.0, "gap before attempt %d: %.2f s", i + 1, gap);
        }
    }
    PQclear(res);
    PQfinish(c);
    stop_clean(w);
}

/* Waits for a warm-up job so the worker is connected and idle in its wait. */
static void
warm_up(const char *queue)
{
    char id[37];

    cr_assert_eq(tw_insert_job("noop", "{}", queue, 5, id), 0);
    cr_assert(q_until("SELECT status = 'succeeded' FROM jobs WHERE id = '%s'", id, 60000),
              "the worker is up");
    sleep_ms(1500);
}

Test(queue, idle_worker_wakes_on_notify_within_one_second)
{
    /* Polling every 60 s: only the notification can explain a pick-up within a second. */
    static const char *const env[] = {"WORKER_POLL_MS=60000", NULL};
    char queue[64], id[37];
    pid_t w;

    tw_queue_name("qt-notify", queue, sizeof queue);
    w = tw_start(queue, env);
    warm_up(queue);
    for (int i = 0; i < 3; i++) {
        long ms;

        cr_assert_eq(tw_insert_job("noop", "{}", queue, 5, id), 0);
        cr_assert(q_until("SELECT status = 'succeeded' FROM jobs WHERE id = '%s'", id, 10000));
        ms = q_long("SELECT (extract(epoch FROM started_at - created_at) * 1000)::bigint "
                    "FROM jobs WHERE id = '%s'",
                    id);
        cr_expect_lt(ms, 1000, "picked up %ld ms after it was queued", ms);
        sleep_ms(1200);
    }
    stop_clean(w);
}

Test(queue, lost_notification_is_covered_by_polling)
{
    static const char *const env[] = {"WORKER_POLL_MS=1000", NULL};
    char queue[64], sql[512];
    pid_t w;
    long ms;

    tw_queue_name("qt-poll", queue, sizeof queue);
    w = tw_start(queue, env);
    warm_up(queue);
    /* In replica mode the insert fires no trigger: no NOTIFY is ever sent for this job. */
    snprintf(sql, sizeof sql,
             "BEGIN; SET LOCAL session_replication_role = replica; "
             "INSERT INTO jobs (id, kind, params, queue, created_by, created_role) "
             "VALUES (gen_random_uuid(), 'noop', '{}', '%s', 'test-queue', 'service'); COMMIT",
             queue);
    cr_assert_eq(tc_sql(sql), 0);
    cr_assert(q_until("SELECT count(*) = 2 FROM jobs WHERE queue = '%s' "
                      "AND status = 'succeeded'",
                      queue, 10000),
              "the silent job is found by polling");
    ms = q_long("SELECT max((extract(epoch FROM started_at - created_at) * 1000)::bigint) "
                "FROM jobs WHERE queue = '%s'",
                queue);
    cr_expect_lt(ms, 1000 + 1500, "found within a poll interval (%ld ms)", ms);
    stop_clean(w);
}

Test(queue, listener_cut_off_reconnects_and_listens_again)
{
    static const char *const env[] = {"WORKER_POLL_MS=60000", NULL};
    char queue[64], id[37], sql[512], old[32];
    pid_t w;
    long ms;

    tw_queue_name("qt-relisten", queue, sizeof queue);
    w = tw_start(queue, env);
    warm_up(queue);
    snprintf(sql, sizeof sql,
             "SELECT pid FROM pg_stat_activity WHERE application_name = 'cl-worker:%s'", queue);
    cr_assert_eq(tw_sql_text(sql, old, sizeof old), 0);
    snprintf(sql, sizeof sql, "SELECT pg_terminate_backend(%s)", old);
    cr_assert_eq(tc_sql(sql), 0, "the worker's listening connection is cut");
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 1 FROM pg_stat_activity WHERE application_name = 'cl-worker:%s' "
             "AND pid <> %s",
             queue, old);
    cr_assert(tw_until(sql, 10000), "the worker reconnects by itself");
    sleep_ms(1500); /* back to waiting, on its new connection */
    cr_assert_eq(tw_insert_job("noop", "{}", queue, 5, id), 0);
    cr_assert(q_until("SELECT status = 'succeeded' FROM jobs WHERE id = '%s'", id, 10000));
    ms = q_long("SELECT (extract(epoch FROM started_at - created_at) * 1000)::bigint "
                "FROM jobs WHERE id = '%s'",
                id);
    cr_expect_lt(ms, 1000, "woken by a notification again (%ld ms)", ms);
    stop_clean(w);
}

Test(queue, sigterm_releases_the_running_job_and_exits_zero)
{
    char queue[64], id[37];
    pid_t a, b;
    double t0;
    int st;

    tw_queue_name("qt-term", queue, sizeof queue);
    cr_assert_eq(tw_insert_job("noop", "{\"sleep_ms\":20000}", queue, 5, id), 0);
    a = tw_start(queue, NULL);
    cr_assert(q_until("SELECT status = 'running' AND stage = 'sleeping' FROM jobs "
                      "WHERE id = '%s'",
                      id, 30000));
    t0 = tc_now_ms();
    st = tw_stop(a, SIGTERM, 15000);
    cr_expect_eq(st, 0, "exit status %d", st);
    cr_expect_lt(tc_now_ms() - t0, 5000.0, "stopped at the job's next safe point");
    cr_expect_not(tw_log_has_sanitizer_report(a));
    cr_expect_eq(q_long("SELECT count(*) FROM jobs WHERE id = '%s' AND status = 'queued' "
                        "AND attempts = 0 AND locked_by IS NULL",
                        id),
                 1, "released without using an attempt");
    cr_expect_eq(q_long("SELECT count(*) FROM job_attempts WHERE job_id = '%s' "
                        "AND outcome = 'released'",
                        id),
                 1);
    b = tw_start(queue, NULL);
    cr_assert(
        q_until("SELECT status = 'running' AND attempts = 1 FROM jobs WHERE id = '%s'", id, 30000),
        "another worker takes the released job as its first attempt");
    stop_clean(b);
}

Test(queue, idle_worker_exits_zero_at_once_on_sigterm)
{
    char queue[64];
    pid_t w;
    double t0;

    tw_queue_name("qt-idle", queue, sizeof queue);
    w = tw_start(queue, (const char *const[]){"WORKER_POLL_MS=60000", NULL});
    warm_up(queue);
    t0 = tc_now_ms();
    stop_clean(w);
    cr_expect_lt(tc_now_ms() - t0, 3000.0, "an idle worker stops without waiting for a poll");
}

Test(queue, nightly_jobs_are_enqueued_once_however_many_workers_run)
{
    /* Their own LA code keeps this day's key apart from the shared worker's own nightly job. */
    static const char *const env[] = {"NIGHTLY_AT=00:00", "LA_CODE=998", NULL};
    char queue[64], key[96], sql[512], day[11], params[256], want[128];
    time_t now = time(NULL);
    struct tm lt;
    pid_t w[3];

    cl_la_time_use("Europe/London"); /* LA_TIMEZONE's default: the workers' calendar */
    cl_la_time(now, &lt);
    strftime(day, sizeof day, "%Y-%m-%d", &lt);
    snprintf(key, sizeof key, "nightly:ssda903:%s:998", day);
    tw_queue_name("qt-nightly", queue, sizeof queue);
    for (int i = 0; i < 3; i++)
        w[i] = tw_start(queue, env);
    snprintf(sql, sizeof sql,
             "SELECT count(*) >= 1 FROM jobs WHERE created_by = 'scheduler' "
             "AND idempotency_key = '%s'",
             key);
    cr_assert(tw_until(sql, 30000), "a nightly job is enqueued");
    sleep_ms(3000); /* every worker has had its turn at the schedule by now */
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM jobs WHERE created_by = 'scheduler' AND idempotency_key = '%s'",
             key);
    cr_expect_eq(tc_sql_long(sql), 1, "exactly one, however many workers run");
    snprintf(sql, sizeof sql,
             "SELECT kind || ' ' || queue || ' ' || (params->>'collection_year') || ' ' || "
             "(params->>'format') FROM jobs WHERE idempotency_key = '%s'",
             key);
    cr_assert_eq(tw_sql_text(sql, params, sizeof params), 0);
    snprintf(want, sizeof want, "ssda903 %s %d both", queue, cl_collection_year_of(&lt));
    cr_expect_str_eq(params, want, "the current collection year's return, in both formats");
    snprintf(sql, sizeof sql, "SELECT status = 'succeeded' FROM jobs WHERE idempotency_key = '%s'",
             key);
    cr_expect(tw_until(sql, 120000), "the draft return and its validation are produced");
    snprintf(sql, sizeof sql,
             "SELECT count(*) FROM artifacts a JOIN jobs j ON j.id = a.job_id "
             "WHERE j.idempotency_key = '%s' AND a.name IN ('header.csv', 'oc3.csv', "
             "'ssda903.xml', 'validation.json', 'validation.csv', 'summary.json')",
             key);
    cr_expect_eq(tc_sql_long(sql), 6);
    snprintf(sql, sizeof sql,
             "SELECT (result->>'draft')::boolean AND result->>'status' IN ('valid', 'has_errors') "
             "FROM jobs WHERE idempotency_key = '%s'",
             key);
    cr_expect(tw_until(sql, 1000), "a draft, flagged valid or has_errors");
    for (int i = 0; i < 3; i++)
        stop_clean(w[i]);
}

Test(queue, the_nightly_schedule_keeps_the_councils_date_not_the_machines)
{
    /* A zone whose date is not UTC's for the rest of the test: from 10:00 UTC to midnight
     * Kiritimati (UTC+14) is a day ahead, from midnight to 11:00 Pago Pago (UTC-11) a day
     * behind; the last two minutes before UTC midnight are waited out. The machine's own zone
     * is UTC (TZ), so only LA_TIMEZONE can give the worker that date. */
    time_t now = time(NULL);
    struct tm utc, lt;
    const char *zone;
    char env_zone[64], queue[64], key[96], sql[512], day[11], params[256], want[128];
    pid_t w;

    gmtime_r(&now, &utc);
    if (utc.tm_hour == 23 && utc.tm_min >= 58) {
        sleep_ms(((59 - utc.tm_min) * 60 + (60 - utc.tm_sec) + 2) * 1000);
        now = time(NULL);
        gmtime_r(&now, &utc);
    }
    zone = utc.tm_hour >= 10 ? "Pacific/Kiritimati" : "Pacific/Pago_Pago";
    cl_la_time_use(zone);
    cl_la_time(now, &lt);
    cr_assert_neq(lt.tm_mday, utc.tm_mday, "%s's date differs from UTC's", zone);
    strftime(day, sizeof day, "%Y-%m-%d", &lt);
    snprintf(key, sizeof key, "nightly:ssda903:%s:997", day);
    snprintf(env_zone, sizeof env_zone, "LA_TIMEZONE=%s", zone);
    tw_queue_name("qt-zone", queue, sizeof queue);
    w = tw_start(
        queue, (const char *const[]){"NIGHTLY_AT=00:00", "LA_CODE=997", "TZ=UTC", env_zone, NULL});
    snprintf(sql, sizeof sql,
             "SELECT count(*) = 1 FROM jobs WHERE created_by = 'scheduler' "
             "AND idempotency_key = '%s'",
             key);
    cr_expect(tw_until(sql, 30000), "the nightly job carries %s's date, %s", zone, day);
    snprintf(sql, sizeof sql,
             "SELECT kind || ' ' || (params->>'collection_year') FROM jobs "
             "WHERE idempotency_key = '%s'",
             key);
    tw_sql_text(sql, params, sizeof params);
    snprintf(want, sizeof want, "ssda903 %d", cl_collection_year_of(&lt));
    cr_expect_str_eq(params, want, "the collection year of that date");
    snprintf(sql, sizeof sql,
             "SELECT bool_and(status IN ('succeeded', 'failed')) FROM jobs "
             "WHERE queue = '%s'",
             queue);
    cr_expect(tw_until(sql, 120000), "its jobs are done before the worker stops");
    stop_clean(w);
}
