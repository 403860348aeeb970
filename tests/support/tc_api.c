#include "tc_api.h"

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "tc.h"

/* A port nothing listens on now (the kernel's choice for an ephemeral bind). */
static int
free_port(void)
{
    struct sockaddr_in a;
    socklen_t n = sizeof a;
    int fd = socket(AF_INET, SOCK_STREAM, 0), port = -1;

    memset(&a, 0, sizeof a);
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    if (bind(fd, (struct sockaddr *)&a, sizeof a) == 0 &&
        getsockname(fd, (struct sockaddr *)&a, &n) == 0)
        port = ntohs(a.sin_port);
    close(fd);
    return port;
}

int
tc_api_start(struct tc_api *api, const char *const *env)
{
    char bin[1024], log[1024], port[16];

    api->port = free_port();
    if (api->port < 0)
        return -1;
    snprintf(bin, sizeof bin, "%s/api", getenv("CL_TEST_BUILD"));
    snprintf(log, sizeof log, "%s/api-%d.log", getenv("CL_TEST_TMP"), api->port);
    snprintf(port, sizeof port, "%d", api->port);
    api->pid = fork();
    if (api->pid < 0)
        return -1;
    if (api->pid == 0) {
        int fd = open(log, O_WRONLY | O_CREAT | O_TRUNC, 0644);

        if (fd >= 0)
            dup2(fd, 2);
        setenv("PORT", port, 1);
        for (int i = 0; env && env[i]; i++)
            putenv((char *)env[i]);
        execl(bin, bin, (char *)NULL);
        _exit(127);
    }
    for (int i = 0; i < 200; i++) {
        struct timespec ts = {0, 50 * 1000000L};
        struct tc_resp *r =
            tc_req_at(api->port, "GET", "/healthz", NULL, "X-Forwarded-For: 192.0.2.254\r\n");
        int up = r->status == 200;

        tc_free(r);
        if (up)
            return 0;
        nanosleep(&ts, NULL);
    }
    tc_api_stop(api);
    return -1;
}

int
tc_api_stop(struct tc_api *api)
{
    int st = 0;

    if (api->pid <= 0)
        return -1;
    kill(api->pid, SIGTERM);
    if (waitpid(api->pid, &st, 0) != api->pid)
        return -1;
    api->pid = 0;
    return WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
}
