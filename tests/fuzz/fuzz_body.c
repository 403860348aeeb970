/* Request-body decoder: strict JSON parsing, then validation against a field list that uses
 * every field type. Nothing may crash, leak or trip UBSan. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "cl_json.h"
#include "cl_mem.h"
#include "request_stack.h"
#include "cl_validate.h"

static const char *const kinds[] = {"eligible", "relevant", "former_relevant", "qualifying", NULL};
static const struct cl_field fields[] = {
    {"name", CL_F_STRING, CL_F_REQUIRED, 1, 100},
    {"born", CL_F_DATE, CL_F_NOFUTURE},
    {"due", CL_F_DATE, CL_F_NOPAST | CL_F_NULLABLE},
    {"open", CL_F_BOOL},
    {"hours", CL_F_INT, 0, 0, 80},
    {"fte", CL_F_NUMBER, 0, 0.01, 1},
    {"adviser_id", CL_F_UUID, CL_F_NULLABLE},
    {"category", CL_F_ENUM, 0, 0, 0, kinds},
    {"email", CL_F_EMAIL},
    {"phone", CL_F_PHONE},
    {"postcode", CL_F_POSTCODE},
    {"districts", CL_F_STRINGS, 0, 1, 50},
    {"params", CL_F_OBJECT},
    {"id", CL_F_UUID, CL_F_READONLY},
    {NULL},
};

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_input(void *p)
{
    const uint8_t *data = ((const struct request_input *)p)->data;
    size_t size = ((const struct request_input *)p)->size;
    char *buf = malloc(size + 1);
    const char *why;
    cJSON *body, *errors;

    cl_mem_init();
    memcpy(buf, data, size);
    buf[size] = '\0';
    body = cl_json_parse(buf, size, &why);
    if (body) {
        errors = cJSON_CreateArray();
        cl_validate(body, fields, CL_V_CREATE, errors);
        cl_validate(body, fields, CL_V_PATCH, errors);
        cJSON_Delete(errors);
        cJSON_Delete(body);
    }
    free(buf);
}

/* Each input runs the way a request does, on a thread with a request thread's stack. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct request_input in = {data, size};

    run_on_request_stack(one_input, &in);
    return 0;
}
