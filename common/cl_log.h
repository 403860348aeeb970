/* Structured logging: one JSON object per line on stderr with ts, lvl, mod and msg, plus any
 * extra fields the caller passes as a ready-made JSON fragment. The level is checked before
 * anything is formatted. Never log tokens, conninfo, SQL parameters or personal data. */
#ifndef CL_LOG_H
#define CL_LOG_H

enum cl_log_level { CL_LOG_DEBUG = 0, CL_LOG_INFO, CL_LOG_WARN, CL_LOG_ERROR };

extern int cl_log_level;

/* "debug", "info", "warn", "error" -> level; -1 when unknown. */
int cl_log_parse_level(const char *s);

/* extra: NULL or a fragment like "\"status\":200,\"route\":\"/v1/x\"" (no leading comma). */
void cl_log_write(int level, const char *mod, const char *extra, const char *fmt, ...)
    __attribute__((format(printf, 4, 5)));

#define cl_log(level, mod, ...)                                                                    \
    do {                                                                                           \
        if ((level) >= cl_log_level)                                                               \
            cl_log_write((level), (mod), NULL, __VA_ARGS__);                                       \
    } while (0)
#define cl_log_debug(mod, ...) cl_log(CL_LOG_DEBUG, mod, __VA_ARGS__)
#define cl_log_info(mod, ...) cl_log(CL_LOG_INFO, mod, __VA_ARGS__)
#define cl_log_warn(mod, ...) cl_log(CL_LOG_WARN, mod, __VA_ARGS__)
#define cl_log_error(mod, ...) cl_log(CL_LOG_ERROR, mod, __VA_ARGS__)

#endif
