/* The figures in http_server.h, measured on the installed Civetweb: the stack size of the
 * thread a request runs on, and how much of it Civetweb has used before our handler. */
#include <criterion/criterion.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include <civetweb.h>

#include "http_server.h"

static size_t stack_size, stack_used;

static int
measure(struct mg_connection *conn, void *cbdata)
{
    pthread_attr_t attr;
    void *low;
    char here;

    (void)cbdata;
    if (pthread_getattr_np(pthread_self(), &attr) == 0) {
        pthread_attr_getstack(&attr, &low, &stack_size);
        stack_used = (size_t)((uintptr_t)low + stack_size - (uintptr_t)&here);
        pthread_attr_destroy(&attr);
    }
    mg_printf(conn, "HTTP/1.1 204 No Content\r\nConnection: close\r\n\r\n");
    return 204;
}

Test(http_stack, civetweb_request_threads_have_the_stack_http_server_h_assumes)
{
    const char *opts[] = {"listening_ports", "127.0.0.1:0", "num_threads", "1", NULL};
    struct mg_callbacks cb;
    struct mg_server_port port;
    struct mg_context *ctx;
    struct sockaddr_in sa;
    const char req[] = "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n";
    char buf[256];
    int fd;

    memset(&cb, 0, sizeof cb);
    ctx = mg_start(&cb, NULL, opts);
    cr_assert_not_null(ctx);
    mg_set_request_handler(ctx, "**", measure, NULL);
    cr_assert_eq(mg_get_server_ports(ctx, 1, &port), 1);
    fd = socket(AF_INET, SOCK_STREAM, 0);
    memset(&sa, 0, sizeof sa);
    sa.sin_family = AF_INET;
    sa.sin_port = htons((uint16_t)port.port);
    sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    cr_assert_eq(connect(fd, (struct sockaddr *)&sa, sizeof sa), 0);
    cr_assert_eq(write(fd, req, sizeof req - 1), (ssize_t)(sizeof req - 1));
    while (read(fd, buf, sizeof buf) > 0)
        ;
    close(fd);
    mg_stop(ctx);
    cr_expect_eq(stack_size, CL_HTTP_THREAD_STACK, "request threads have %zu bytes of stack",
                 stack_size);
    cr_expect_gt(stack_used, 0);
    cr_expect_leq(stack_used, CL_HTTP_STACK_BEFORE_HANDLER,
                  "Civetweb used %zu bytes before the handler", stack_used);
}
