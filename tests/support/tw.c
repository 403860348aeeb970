#include "tw.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <libpq-fe.h>

#include "tc.h"

#define MAX_WORKERS 32

static struct {
    pid_t pid;
    char log[512];
} started[MAX_WORKERS];
static int nstarted;

static void
sleep_ms(int ms)
{
    struct timespec ts = {ms / 1000, (long)(ms % 1000) * 1000000L};

    nanosleep(&ts, NULL);
}

pid_t
tw_start(const char *queue, const char *const *env)
{
    const char *build = getenv("CL_TEST_BUILD"), *tmp = getenv("CL_TEST_TMP");
    char path[512], log[512];
    pid_t pid;

    snprintf(path, sizeof path, "%s/worker", build ? build : "build/san");
    snprintf(log, sizeof log, "%s/%s-%d.log", tmp ? tmp : "/tmp", queue, nstarted);
    pid = fork();
    if (pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_APPEND, 0644);

        if (fd >= 0) {
            dup2(fd, 2);
            dup2(fd, 1);
            close(fd);
        }
        if (getenv("CL_TEST_WORKER_DATABASE_URL"))
            setenv("DATABASE_URL", getenv("CL_TEST_WORKER_DATABASE_URL"), 1);
        setenv("WORKER_QUEUE", queue, 1);
        setenv("NIGHTLY_AT", "off", 1);
        for (const char *const *e = env; e && *e; e++) {
            const char *eq = strchr(*e, '=');
            char name[64];

            if (eq == NULL || (size_t)(eq - *e) >= sizeof name)
                continue;
            memcpy(name, *e, (size_t)(eq - *e));
            name[eq - *e] = '\0';
            setenv(name, eq + 1, 1);
        }
        execl(path, "worker", (char *)NULL);
        _exit(127);
    }
    if (pid > 0 && nstarted < MAX_WORKERS) {
        started[nstarted].pid = pid;
        snprintf(started[nstarted].log, sizeof started[nstarted].log, "%s", log);
        nstarted++;
    }
    return pid;
}

static void
forget(pid_t pid)
{
    for (int i = 0; i < nstarted; i++)
        if (started[i].pid == pid)
            started[i].pid = 0;
}

int
tw_wait(pid_t pid, int timeout_ms)
{
    double t0 = tc_now_ms();
    int st;

    for (;;) {
        pid_t r = waitpid(pid, &st, WNOHANG);

        if (r == pid) {
            forget(pid);
            if (WIFEXITED(st))
                return WEXITSTATUS(st);
            return 128 + (WIFSIGNALED(st) ? WTERMSIG(st) : 0);
        }
        if (r < 0 && errno != EINTR)
            return -1;
        if (tc_now_ms() - t0 > timeout_ms)
            return -1;
        sleep_ms(20);
    }
}

int
tw_stop(pid_t pid, int sig, int timeout_ms)
{
    int st;

    kill(pid, sig);
    st = tw_wait(pid, timeout_ms);
    if (st == -1) {
        kill(pid, SIGKILL);
        waitpid(pid, NULL, 0);
        forget(pid);
    }
    return st;
}

void
tw_kill_all(void)
{
    for (int i = 0; i < nstarted; i++) {
        if (started[i].pid > 0) {
            kill(started[i].pid, SIGKILL);
            waitpid(started[i].pid, NULL, 0);
            started[i].pid = 0;
        }
    }
}

int
tw_log_has_sanitizer_report(pid_t pid)
{
    for (int i = 0; i < nstarted; i++) {
        char line[1024];
        FILE *f;
        int found = 0;

        if (started[i].pid != pid && pid != 0)
            continue;
        f = fopen(started[i].log, "r");
        if (f == NULL)
            continue;
        while (!found && fgets(line, sizeof line, f))
            found = strstr(line, "ERROR: AddressSanitizer") || strstr(line, "LeakSanitizer") ||
                    strstr(line, "runtime error:");
        fclose(f);
        if (found)
            return 1;
    }
    return 0;
}

int
tw_sql_text(const char *sql, char *out, size_t outlen)
{
    PGconn *c = tc_db();
    PGresult *res = PQexec(c, sql);
    int rc = -1;

    out[0] = '\0';
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0) {
        snprintf(out, outlen, "%s", PQgetisnull(res, 0, 0) ? "" : PQgetvalue(res, 0, 0));
        rc = 0;
    }
    PQclear(res);
    PQfinish(c);
    return rc;
}

int
tw_until(const char *sql, int timeout_ms)
{
    PGconn *c = tc_db();
    double t0 = tc_now_ms();
    int ok = 0;

    while (!ok) {
        PGresult *res = PQexec(c, sql);

        ok = PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) > 0 &&
             strcmp(PQgetvalue(res, 0, 0), "t") == 0;
        PQclear(res);
        if (ok || tc_now_ms() - t0 > timeout_ms)
            break;
        sleep_ms(50);
    }
    PQfinish(c);
    return ok;
}

int
tw_insert_job(const char *kind, const char *params, const char *queue, int max_attempts,
              char id[37])
{
    PGconn *c = tc_db();
    char max[16];
    const char *p[4] = {kind, params, queue, max};
    PGresult *res;
    int rc = -1;

    snprintf(max, sizeof max, "%d", max_attempts);
    res = PQexecParams(c,
                       "INSERT INTO jobs (id, kind, params, queue, max_attempts, created_by, "
                       "created_role) VALUES (gen_random_uuid(), $1, $2::jsonb, $3, $4::int, "
                       "'test-queue', 'service') RETURNING id",
                       4, NULL, p, NULL, NULL, 0);
    id[0] = '\0';
    if (PQresultStatus(res) == PGRES_TUPLES_OK && PQntuples(res) == 1) {
        snprintf(id, 37, "%s", PQgetvalue(res, 0, 0));
        rc = 0;
    }
    PQclear(res);
    PQfinish(c);
    return rc;
}

void
tw_queue_name(const char *prefix, char *out, size_t outlen)
{
    snprintf(out, outlen, "%s-%d", prefix, (int)getpid());
}
