/* Error codes shared by every module: zero is success, the rest say what went wrong.
 * Detail text travels separately (in the request context); api/ maps codes to HTTP once. */
#ifndef CL_ERR_H
#define CL_ERR_H

enum cl_err {
    CL_OK = 0,
    CL_ENOMEM,     /* allocation failed (normally aborts before this is seen) */
    CL_EINVAL,     /* invalid input: 422 (or 400 for malformed input) */
    CL_EBADREQ,    /* malformed request: 400 */
    CL_ENOTFOUND,  /* no such row, or not in the caller's scope: 404 */
    CL_ECONFLICT,  /* conflicts with current state: 409 */
    CL_EPRECOND,   /* If-Match did not match: 412 */
    CL_EFORBIDDEN, /* role may not do this: 403 */
    CL_EAUTH,      /* no valid credentials: 401 */
    CL_EDB,        /* database error we do not expect: 500 */
    CL_EDB_DOWN,   /* database unreachable or pool exhausted: 503 */
    CL_EDB_RETRY,  /* serialization failure or deadlock: retry the transaction */
    CL_EIO,        /* file or socket error */
};

#define CL_WARN_UNUSED __attribute__((warn_unused_result))

/* A short stable name for the code, for logs ("conflict", "db_down", ...). */
const char *cl_err_str(int err);

#endif
