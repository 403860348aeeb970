#include "cl_log.h"

#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "cl_buf.h"

int cl_log_level = CL_LOG_INFO;

static const char *const names[] = {"debug", "info", "warn", "error"};

int
cl_log_parse_level(const char *s)
{
    for (int i = 0; i < 4; i++)
        if (strcmp(s, names[i]) == 0)
            return i;
    return -1;
}

void
cl_log_write(int level, const char *mod, const char *extra, const char *fmt, ...)
{
    char msg[512], ts[40];
    struct cl_buf b;
    struct timespec now;
    struct tm tm;
    va_list ap;
    int ok;

    if (level < cl_log_level)
        return;
    if (level < CL_LOG_DEBUG || level > CL_LOG_ERROR)
        level = CL_LOG_ERROR;
    va_start(ap, fmt);
    vsnprintf(msg, sizeof msg, fmt, ap);
    va_end(ap);
    clock_gettime(CLOCK_REALTIME, &now);
    gmtime_r(&now.tv_sec, &tm);
    strftime(ts, sizeof ts, "%Y-%m-%dT%H:%M:%S", &tm);

    cl_buf_init(&b, 16384);
    ok = cl_buf_printf(&b, "{\"ts\":\"%s.%03ldZ\",\"lvl\":\"%s\",\"mod\":\"", ts,
                       now.tv_nsec / 1000000, names[level]) == CL_OK &&
         cl_buf_add_json_str(&b, mod) == CL_OK && cl_buf_adds(&b, "\",\"msg\":\"") == CL_OK &&
         cl_buf_add_json_str(&b, msg) == CL_OK && cl_buf_adds(&b, "\"") == CL_OK &&
         (extra == NULL || (cl_buf_adds(&b, ",") == CL_OK && cl_buf_adds(&b, extra) == CL_OK)) &&
         cl_buf_adds(&b, "}\n") == CL_OK;
    if (ok)
        fwrite(b.data, 1, b.len, stderr);
    cl_buf_free(&b);
}
