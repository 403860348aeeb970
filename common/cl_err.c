#include "cl_err.h"

const char *
cl_err_str(int err)
{
    switch (err) {
    case CL_OK:
        return "ok";
    case CL_ENOMEM:
        return "no_memory";
    case CL_EINVAL:
        return "invalid";
    case CL_EBADREQ:
        return "bad_request";
    case CL_ENOTFOUND:
        return "not_found";
    case CL_ECONFLICT:
        return "conflict";
    case CL_EPRECOND:
        return "precondition_failed";
    case CL_EFORBIDDEN:
        return "forbidden";
    case CL_EAUTH:
        return "unauthorized";
    case CL_EDB:
        return "db_error";
    case CL_EDB_DOWN:
        return "db_down";
    case CL_EDB_RETRY:
        return "db_retry";
    case CL_EIO:
        return "io_error";
    default:
        return "unknown";
    }
}
