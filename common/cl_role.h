/* The roles a token may carry (DESIGN §4): their names, their bits, and lists of them. The one
 * place role names are spelt in C; auth, the route table and the job kinds all use it. */
#ifndef CL_ROLE_H
#define CL_ROLE_H

#include <stddef.h>

/* Roles as bits, least privilege first. */
enum cl_role {
    CL_ROLE_BOARD = 1,
    CL_ROLE_PARTNER = 2,
    CL_ROLE_ADVISER = 4,
    CL_ROLE_MANAGER = 8,
    CL_ROLE_ADMIN = 16,
    CL_ROLE_SERVICE = 32,
    CL_ROLE_YOUNG_PERSON = 64, /* a care leaver themselves: only /v1/me and what hangs off it */
};
#define CL_ROLE_NONE 0 /* no role: a route that needs no token, a kind nobody sees */
#define CL_ROLES_ALL 127

/* The role bit for a role name, 0 when unknown. */
int cl_role_from_name(const char *name);
/* "board,partner,..." for a role mask, least privilege first, into out (outlen bytes). */
void cl_role_list(unsigned roles, char *out, size_t outlen);

#endif
