/* Query strings: every parameter the list endpoints read, through the same decoder. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_mem.h"
#include "http.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
    return 0;
}
