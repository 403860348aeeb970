/* A second api process a test starts for itself, on the suite's database, with settings the
 * shared one must not have (low rate limits, a pool of one). */
#ifndef TC_API_H
#define TC_API_H

#include <sys/types.h>

struct tc_api {
    pid_t pid;
    int port;
};

/* Starts CL_TEST_BUILD/api with the suite's environment plus env (NULL-terminated
 * "NAME=value" strings) on a free port, and waits until /healthz answers. 0 on success. Its
 * log goes to CL_TEST_TMP/api-PORT.log. */
int tc_api_start(struct tc_api *api, const char *const *env);
/* SIGTERM and wait; the exit status (0 when it stopped cleanly, sanitizers included). */
int tc_api_stop(struct tc_api *api);

#endif
