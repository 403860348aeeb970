/* The council's calendar (see cl_la_time.h). */
#include "cl_la_time.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int
cl_la_time_zone_ok(const char *name)
{
    const char *dir = getenv("TZDIR"), *p;
    char path[4096], magic[4];
    FILE *f;
    int ok;

    if (name == NULL || name[0] == '\0' || strlen(name) > 255)
        return 0;
    for (p = name; *p; p++) {
        int c = (unsigned char)*p;
        int start = p == name || p[-1] == '/'; /* no ".", "..", hidden file or empty part */

        if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
              c == '/' || c == '_' || c == '+' || c == '-') ||
            (start && (c == '/' || c == '-')))
            return 0;
    }
    if (name[strlen(name) - 1] == '/')
        return 0;
    snprintf(path, sizeof path, "%s/%s", dir && dir[0] ? dir : "/usr/share/zoneinfo", name);
    f = fopen(path, "rb");
    if (f == NULL)
        return 0;
    ok = fread(magic, 1, sizeof magic, f) == sizeof magic && memcmp(magic, "TZif", 4) == 0;
    fclose(f);
    return ok;
}

static char zone[256];

void
cl_la_time_use(const char *name)
{
    snprintf(zone, sizeof zone, "%s", name);
    setenv("TZ", name, 1);
    tzset();
}

const char *
cl_la_time_zone(void)
{
    return zone[0] ? zone : NULL;
}

void
cl_la_time(time_t t, struct tm *out)
{
    localtime_r(&t, out);
}

int
cl_collection_year_of(const struct tm *day)
{
    return day->tm_year + 1900 + (day->tm_mon >= 3 ? 1 : 0);
}

int
cl_collection_year(time_t t)
{
    struct tm day;

    cl_la_time(t, &day);
    return cl_collection_year_of(&day);
}
