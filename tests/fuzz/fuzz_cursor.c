/* Pagination cursors as clients send them back (any bytes). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "request_stack.h"
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_input(void *p)
{
    const uint8_t *data = ((const struct request_input *)p)->data;
    size_t size = ((const struct request_input *)p)->size;
    char *text = malloc(size + 1);
    struct cl_page page;

    cl_mem_init();
    memcpy(text, data, size);
    text[size] = '\0';
    for (int nkeys = 1; nkeys <= 3; nkeys++) {
        memset(&page, 0, sizeof page);
        cl_page_decode_cursor(text, nkeys, &page);
    }
    free(text);
}

/* Each input runs the way a request does, on a thread with a request thread's stack. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct request_input in = {data, size};

    run_on_request_stack(one_input, &in);
    return 0;
}
