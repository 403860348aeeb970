/* The DfE code lists and identifier rules (see cl_codes.h). */
#include "cl_codes.h"

#include <string.h>

const char *const cl_codes_ethnicity[] = {
    "WBRI", "WIRI", "WIRT", "WOTH", "WROM", "MWBC", "MWBA", "MWAS", "MOTH", "AIND", "APKN",
    "ABAN", "AOTH", "BCRB", "BAFR", "BOTH", "CHNE", "OOTH", "REFU", "NOBT", NULL,
};
const char *const cl_codes_category[] = {"eligible", "relevant", "former_relevant", "qualifying",
                                         NULL};
const char *const cl_codes_activity[] = {"F1", "P1", "F2", "P2", "F4", "P4", "F5",
                                         "P5", "G4", "G5", "G6", "0",  NULL};
const char *const cl_codes_accommodation[] = {
    "B1", "B2", "C1", "C2", "D1", "D2", "E1", "E2", "G1", "G2", "H1", "H2", "K1", "K2", "R1", "R2",
    "S2", "T1", "T2", "U1", "U2", "V1", "V2", "W1", "W2", "X2", "Y1", "Y2", "Z1", "Z2", "0",  NULL,
};
const char *const cl_codes_in_touch[] = {"YES", "NO", "DIED", "REFU", "NREQ", "RHOM", NULL};

/* ASCII only, whatever the locale: the schema's classes are ASCII ranges. */
static int
upper(int c)
{
    return c >= 'a' && c <= 'z' ? c - ('a' - 'A') : c;
}

static int
digit(int c)
{
    return c >= '0' && c <= '9';
}

static int
letter(int c)
{
    c = upper(c);
    return c >= 'A' && c <= 'Z';
}

int
cl_upn_unknown(const char *s)
{
    return upper((unsigned char)s[0]) == 'U' && upper((unsigned char)s[1]) == 'N' && s[2] >= '1' &&
           s[2] <= '5' && s[3] == '\0';
}

int
cl_upn_ok(const char *s)
{
    int first = upper((unsigned char)s[0]);

    if (cl_upn_unknown(s))
        return 1;
    if (strlen(s) != 13 || !letter(first) || first == 'I' || first == 'O' || first == 'S')
        return 0;
    for (int i = 1; i < 12; i++)
        if (!digit((unsigned char)s[i]))
            return 0;
    return digit((unsigned char)s[12]) || letter((unsigned char)s[12]);
}

int
cl_child_id_ok(const char *s)
{
    size_t n = strlen(s);

    if (n < 1 || n > 10)
        return 0;
    for (size_t i = 0; i < n; i++)
        if (!digit((unsigned char)s[i]) && !letter((unsigned char)s[i]))
            return 0;
    return 1;
}
