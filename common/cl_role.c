#include "cl_role.h"

#include <string.h>

/* Indexed by bit position, in the order of enum cl_role. */
static const char *const names[] = {"board", "partner", "adviser",     "manager",
                                    "admin", "service", "young_person"};
#define NROLES (int)(sizeof names / sizeof names[0])

int
cl_role_from_name(const char *name)
{
    for (int i = 0; i < NROLES; i++)
        if (strcmp(names[i], name) == 0)
            return 1 << i;
    return 0;
}

void
cl_role_list(unsigned roles, char *out, size_t outlen)
{
    size_t used = 0;

    out[0] = '\0';
    for (int i = 0; i < NROLES && used < outlen; i++)
        if (roles & (1u << i)) {
            size_t n = strlen(names[i]);

            if (used + n + 2 > outlen)
                break;
            if (used)
                out[used++] = ',';
            memcpy(out + used, names[i], n + 1);
            used += n;
        }
}
