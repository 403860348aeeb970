/* The council's calendar: its wall-clock time, in the one time zone LA_TIMEZONE names, and
 * the SSDA903 collection year that contains a date. The api's job validation (which years may
 * be requested) and the worker's nightly schedule (when, and for which year) both use it, so
 * around midnight on 31 March and across a change of summer time they agree. */
#ifndef CL_LA_TIME_H
#define CL_LA_TIME_H

#include <time.h>

/* 1 when name is a zone of the system's tz database: a relative path of letters, digits and
 * "/_+-" naming a TZif file under $TZDIR (default /usr/share/zoneinfo). */
int cl_la_time_zone_ok(const char *name);
/* Makes name (already checked with cl_la_time_zone_ok) the zone of every later cl_la_time:
 * sets TZ for the whole process, so call it once at start-up, before any thread starts. */
void cl_la_time_use(const char *name);
/* The zone cl_la_time_use made current, NULL before. Database connections pass it to SQL as
 * app.la_timezone (common/cl_db.c), where cl_la_date() turns a moment into the council's date. */
const char *cl_la_time_zone(void);
/* The council's wall-clock time at t into *out. */
void cl_la_time(time_t t, struct tm *out);
/* The collection year containing the date day (tm_year, tm_mon): the year ending the next
 * 31 March, so 2026 is 1 April 2025 to 31 March 2026. */
int cl_collection_year_of(const struct tm *day);
/* The collection year containing the council's date at t. */
int cl_collection_year(time_t t);

#endif
