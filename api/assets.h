/* Files compiled into the api binary at build time (scripts/embed.py): the OpenAPI document
 * as JSON and the Redoc bundle that renders it at /docs. Each is NUL-terminated. */
#ifndef CL_ASSETS_H
#define CL_ASSETS_H

#include <stddef.h>

extern const char cl_asset_openapi_json_data[];
extern const unsigned long cl_asset_openapi_json_data_len; /* bytes, without the NUL */
extern const char cl_asset_redoc_js_data[];
extern const unsigned long cl_asset_redoc_js_data_len;

#define cl_asset_openapi_json cl_asset_openapi_json_data
#define cl_asset_openapi_json_len ((size_t)cl_asset_openapi_json_data_len)
#define cl_asset_redoc_js cl_asset_redoc_js_data
#define cl_asset_redoc_js_len ((size_t)cl_asset_redoc_js_data_len)

#endif
