/* Pagination cursors as clients send them back (any bytes). */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "page.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
    return 0;
}
