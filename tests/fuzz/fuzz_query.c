/* Query strings: every parameter the list endpoints read, through the same decoder. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "request_stack.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_input(void *p)
{
    const uint8_t *data = ((const struct request_input *)p)->data;
    size_t size = ((const struct request_input *)p)->size;
    static const char *const names[] = {"limit", "cursor", "q", "district", "from", "to", "x"};
    char *query = malloc(size + 1), out[1024];

    cl_mem_init();
    memcpy(query, data, size);
    query[size] = '\0';
    for (size_t i = 0; i < sizeof names / sizeof names[0]; i++) {
        cl_query_get(query, names[i], out, sizeof out);
        cl_query_get(query, names[i], out, 8);
    }
    free(query);
}

/* Each input runs the way a request does, on a thread with a request thread's stack. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct request_input in = {data, size};

    run_on_request_stack(one_input, &in);
    return 0;
}
