/* Starting the Civetweb server that routes every request through http.c. */
#ifndef CL_HTTP_SERVER_H
#define CL_HTTP_SERVER_H

#include "http.h"

struct mg_context;

/* Starts listening on LISTEN_ADDR:PORT with API_THREADS threads; NULL when it cannot bind.
 * Stop with mg_stop. app must outlive the server. */
struct mg_context *cl_http_start(struct cl_app *app);

#endif
