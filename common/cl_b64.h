/* Unpadded base64url (RFC 4648 §5), used for JWT segments and pagination cursors. */
#ifndef CL_B64_H
#define CL_B64_H

#include <stddef.h>

/* Decodes n characters; returns a NUL-terminated buffer the caller frees, or NULL when the
 * input is not unpadded base64url. *outlen gets the decoded length. */
char *cl_b64url_decode(const char *s, size_t n, size_t *outlen);
/* Encodes n bytes; returns a NUL-terminated string the caller frees. */
char *cl_b64url_encode(const void *p, size_t n);

#endif
