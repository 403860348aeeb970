#include "conflict.h"

#include <string.h>

void
cl_api_conflict_detail(const struct cl_req *req, struct cl_resp *resp, int err, const char *detail)
{
    if (err != CL_ECONFLICT || resp->detail[0] != '\0' || req->db == NULL)
        return;
    if (strncmp(cl_db_last_sqlstate(req->db), "23", 2) == 0)
        cl_resp_detail(resp, "%s", detail);
}
