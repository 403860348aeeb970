/* The Authorization header front end: scheme, segments, base64url, header and claims JSON,
 * then libjwt. Must never accept (no valid signature can be found by chance) and never crash. */
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "auth.h"
#include "cl_mem.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
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
    return 0;
}
