/* Test workers: real worker processes (the build's own binary, $CL_TEST_BUILD/worker) started
 * by a test with the test run's environment plus its own settings, each on its own queue so
 * the shared worker never takes their jobs; and small SQL helpers for jobs. */
#ifndef TW_H
#define TW_H

#include <sys/types.h>

/* Starts a worker on queue with extra "NAME=value" settings (NULL-terminated list, may be
 * NULL). NIGHTLY_AT defaults to off unless given. Its log goes to $CL_TEST_TMP/<queue>-<n>.log.
 * Returns the pid (registered, so tw_kill_all can clean up). */
pid_t tw_start(const char *queue, const char *const *env);
/* Sends sig and waits up to timeout_ms for the exit; returns the exit status (0-255), 128+signal
 * when killed by a signal, or -1 on timeout (the process is then killed). */
int tw_stop(pid_t pid, int sig, int timeout_ms);
/* Waits up to timeout_ms for pid to exit by itself; status as tw_stop, -1 on timeout. */
int tw_wait(pid_t pid, int timeout_ms);
/* SIGKILLs every worker tw_start started that is still registered (for .fini). */
void tw_kill_all(void);
/* 1 when the worker's log holds a sanitizer report. */
int tw_log_has_sanitizer_report(pid_t pid);

/* The first column of the first row of sql as text into out (empty on no row or error);
 * returns 0 when a row came back. */
int tw_sql_text(const char *sql, char *out, size_t outlen);
/* Polls sql (a boolean query) every 50 ms until it is true or timeout_ms passes; 1 if true. */
int tw_until(const char *sql, int timeout_ms);
/* Inserts a job directly (no api) into queue and returns its id into id[37]; params is JSON. */
int tw_insert_job(const char *kind, const char *params, const char *queue, int max_attempts,
                  char id[37]);
/* A unique queue name for this test process: prefix-<pid>. */
void tw_queue_name(const char *prefix, char *out, size_t outlen);

#endif
