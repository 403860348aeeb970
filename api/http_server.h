/* Starting the Civetweb server: the edge (http_server.c) every request goes through. */
#ifndef CL_HTTP_SERVER_H
#define CL_HTTP_SERVER_H

#include "http.h"

struct mg_context;

/* Civetweb runs each request on a worker thread whose stack size is fixed when the library is
 * built (USE_STACK_SIZE): 102400 bytes in Debian's libcivetweb 1.15, of which Civetweb itself
 * has used about 23 KB (24 KB under ASan) by the time it calls our handler. Anything recursive over
 * client-controlled depth has to fit in the rest (cl_json.h bounds the depth). The unit tests
 * measure both figures against the installed library; the fuzz targets run each input on a
 * thread of this size with that much already taken (tests/support/request_stack.h). */
#define CL_HTTP_THREAD_STACK 102400
#define CL_HTTP_STACK_BEFORE_HANDLER 28672

/* Starts listening on LISTEN_ADDR:PORT with API_THREADS threads; NULL when it cannot bind.
 * Stop with mg_stop. app must outlive the server. */
struct mg_context *cl_http_start(struct cl_app *app);

#endif
