#include "audit_events.h"

#include <string.h>

#include "cl_validate.h"
#include "page.h"

static struct cl_stmt list_events = {
    "SELECT json_build_object('id', id, 'at', cl_ts(at), 'actor_sub', actor_sub, "
    "'role', role, 'action', action, 'resource_type', resource_type, "
    "'resource_id', resource_id, 'resource_ids', resource_ids, 'request_id', request_id, "
    "'client_request_id', client_request_id)::text, id::text "
    "FROM audit_log "
    "WHERE ($1::uuid IS NULL OR resource_id = $1::uuid OR resource_ids @> ARRAY[$1::uuid]) "
    "AND ($2::text IS NULL OR actor_sub = $2) "
    "AND ($3::date IS NULL OR at >= $3::date) "
    "AND ($4::date IS NULL OR at < $4::date + 1) "
    "AND ($5::bigint IS NULL OR id < $5::bigint) "
    "ORDER BY id DESC LIMIT $6"};

int
cl_h_audit_events_list(struct cl_req *req, struct cl_resp *resp)
{
    char rid[64], actor[160], from[16], to[16];
    const char *p[6];
    struct cl_page page;
    PGresult *res = NULL;
    int err, st;

    err = cl_page_parse(req, resp, 1, &page);
    if (err != CL_OK)
        return err;
    p[0] = p[1] = p[2] = p[3] = NULL;
    if ((st = cl_req_query(req, "resource_id", rid, sizeof rid)) != 0) {
        if (st < 0 || !cl_uuid_valid(rid))
            cl_resp_field_error(resp, "resource_id", "must be a UUID");
        p[0] = rid;
    }
    if ((st = cl_req_query(req, "actor", actor, sizeof actor)) != 0) {
        if (st < 0)
            cl_resp_field_error(resp, "actor", "is too long");
        p[1] = actor;
    }
    if ((st = cl_req_query(req, "from", from, sizeof from)) != 0) {
        if (st < 0 || !cl_date_valid(from))
            cl_resp_field_error(resp, "from", "must be a date YYYY-MM-DD");
        p[2] = from;
    }
    if ((st = cl_req_query(req, "to", to, sizeof to)) != 0) {
        if (st < 0 || !cl_date_valid(to))
            cl_resp_field_error(resp, "to", "must be a date YYYY-MM-DD");
        p[3] = to;
    }
    if (resp->errors) {
        cl_resp_detail(resp, "invalid filter");
        return CL_EBADREQ;
    }
    if (page.has_cursor && page.keys[0][strspn(page.keys[0], "0123456789")] != '\0') {
        cl_resp_detail(resp, "cursor is not one this list issued");
        return CL_EBADREQ;
    }
    p[4] = cl_page_key(&page, 0);
    p[5] = page.limit_plus_one;
    err = cl_req_begin(req);
    if (err == CL_OK)
        err = cl_db_exec(req->db, &list_events, 6, p, &res);
    if (err == CL_OK)
        err = cl_page_render(req, resp, &page, res);
    if (err == CL_OK)
        err = cl_req_commit(req, resp);
    PQclear(res);
    return err;
}
