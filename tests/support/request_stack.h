/* Runs a function the way Civetweb runs a request: on a thread of Civetweb's stack size with
 * the part Civetweb uses before calling the handler already taken, so recursion that fits the
 * main thread's 8 MiB but not a request thread crashes in a test too. Header-only, for the
 * unit tests and the fuzz targets. */
#ifndef REQUEST_STACK_H
#define REQUEST_STACK_H

#include <pthread.h>
#include <stdint.h>
#include <stdlib.h>

#include "http_server.h"

struct request_stack_call {
    void (*fn)(void *);
    void *arg;
};

static void *
request_stack_main(void *p)
{
    const struct request_stack_call *c = p;
    volatile char taken[CL_HTTP_STACK_BEFORE_HANDLER];

    taken[0] = taken[sizeof taken - 1] = 1;
    c->fn(c->arg);
    taken[0] = 0; /* keeps taken live across the call, so fn's frames lie below it */
    return NULL;
}

static void
run_on_request_stack(void (*fn)(void *), void *arg)
{
    struct request_stack_call c = {fn, arg};
    pthread_attr_t attr;
    pthread_t t;

    if (pthread_attr_init(&attr) != 0 ||
        pthread_attr_setstacksize(&attr, CL_HTTP_THREAD_STACK) != 0 ||
        pthread_create(&t, &attr, request_stack_main, &c) != 0)
        abort();
    pthread_attr_destroy(&attr);
    pthread_join(t, NULL);
}

/* A fuzz target's input, passed to the function run_on_request_stack calls. */
struct request_input {
    const uint8_t *data;
    size_t size;
};

#endif
