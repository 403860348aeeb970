/* The Authorization header front end: scheme, segments, base64url, header and claims JSON,
 * then libjwt. Must never accept (no valid signature can be found by chance) and never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cl_mem.h"
#include "request_stack.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void
one_input(void *p)
{
    const uint8_t *data = ((const struct request_input *)p)->data;
    size_t size = ((const struct request_input *)p)->size;
    static struct cl_config cfg;
    static struct cl_auth *auth;
    struct cl_claims claims;
    const char *why;
    char *h;

    if (auth == NULL) {
        cl_mem_init();
        cfg.jwt_alg = "HS256";
        cfg.jwt_secret = "fuzz-secret-0123456789abcdef-0123456789";
        cfg.jwt_issuer = "";
        cfg.jwt_audience = "";
        cfg.jwt_max_lifetime_s = 43200;
        auth = cl_auth_new(&cfg);
    }
    h = malloc(size + 8);
    memcpy(h, "Bearer ", 7);
    memcpy(h + 7, data, size);
    h[size + 7] = '\0';
    if (cl_auth_verify(auth, h, &claims, &why) == 0)
        abort(); /* a forged token was accepted */
    cl_auth_verify(auth, h + 7, &claims, &why);
    free(h);
}

/* Each input runs the way a request does, on a thread with a request thread's stack. */
int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    struct request_input in = {data, size};

    run_on_request_stack(one_input, &in);
    return 0;
}
