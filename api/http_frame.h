/* What the edge checks and reads on a Civetweb connection before a handler runs: framing
 * (Content-Length and Transfer-Encoding, the request head's size, the request target), the
 * request ids, the body and its media type, and which origins get CORS headers. */
#ifndef CL_HTTP_FRAME_H
#define CL_HTTP_FRAME_H

#include <stddef.h>

#include "cl_buf.h"
#include "cl_config.h"

struct mg_connection;
struct mg_request_info;

#define CL_MAX_HEAD_BYTES 16384 /* request line and headers */

/* Why the request's framing is refused (400 and close), or NULL when it is sound. */
const char *cl_frame_problem(const struct mg_request_info *ri);
/* Bytes in the request line and headers as received. Civetweb's own buffer is larger
 * (max_request_size), so anything between CL_MAX_HEAD_BYTES and its limit gets a proper 431. */
size_t cl_frame_head_size(const struct mg_request_info *ri);
/* The server's own id for the request (a new UUID, the one in the audit log and the log lines)
 * and the client's X-Request-Id when it is sane (else empty): the client's is echoed back and
 * kept in its own audit column, never taken as the server's. */
void cl_frame_request_ids(struct mg_connection *conn, char server[65], char client[65]);
/* Reads the body up to max bytes into out; 0 ok, 413 too large, 400 broken. */
int cl_frame_read_body(struct mg_connection *conn, long long declared, size_t max,
                       struct cl_buf *out);
/* 1 when the Content-Type is JSON (or, for a PATCH, JSON Merge Patch). */
int cl_frame_is_json(const char *content_type, int patch);
/* CORS: 1 when origin is one of CORS_ALLOWED_ORIGINS; only those get CORS headers, and a
 * preflight from any other is refused. */
int cl_frame_origin_allowed(const struct cl_config *cfg, const char *origin);

#endif
