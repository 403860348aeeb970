/* Pagination cursors as clients send them back (any bytes): opened with a fixed key (almost
 * every input is refused), and the keys decoded as if the bytes had opened. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "cursor.h"
#include "page.h"
#include "request_stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_input(void *p)
{
    static const unsigned char secret[32] = "fuzzing-only-cursor-secret-0123";
    const uint8_t *data = ((const struct request_input *)p)->data;
    size_t size = ((const struct request_input *)p)->size;
    struct cl_cursor_key key;
    char *text = malloc(size + 1), *plain;
    struct cl_page page;
    size_t n = 0;

    cl_mem_init();
    cl_cursor_key_derive(secret, sizeof secret, &key);
    memcpy(text, data, size);
    text[size] = '\0';
    plain = cl_cursor_open(&key, "/v1/things", text, &n);
    free(plain);
    for (int nkeys = 1; nkeys <= 3; nkeys++) {
        memset(&page, 0, sizeof page);
        cl_page_decode_keys(text, size, nkeys, &page);
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
