/* The council's calendar: the collection year turns at midnight on 31 March in the council's
 * time zone (LA_TIMEZONE), not in UTC or the machine's zone, across a change of summer time
 * and a calendar year alike. */
#include <criterion/criterion.h>
#include <stdlib.h>
#include <time.h>

#include "cl_la_time.h"

/* y-m-d h:m:s UTC as a time_t. */
static time_t
utc(int y, int m, int d, int h, int min, int s)
{
    struct tm tm = {.tm_year = y - 1900,
                    .tm_mon = m - 1,
                    .tm_mday = d,
                    .tm_hour = h,
                    .tm_min = min,
                    .tm_sec = s};

    return timegm(&tm);
}

/* The council's wall-clock time at t as hh:mm on day d of month m. */
static void
expect_la_time(time_t t, int m, int d, int h, int min)
{
    struct tm lt;

    cl_la_time(t, &lt);
    cr_expect_eq(lt.tm_mon + 1, m, "month at %ld", (long)t);
    cr_expect_eq(lt.tm_mday, d, "day at %ld", (long)t);
    cr_expect_eq(lt.tm_hour, h, "hour at %ld", (long)t);
    cr_expect_eq(lt.tm_min, min, "minute at %ld", (long)t);
}

Test(la_time, the_collection_year_turns_at_the_councils_midnight_not_utcs)
{
    cl_la_time_use("Europe/London");
    /* 31 March 2026 is in British Summer Time: 23:00 UTC is already 1 April in London. */
    cr_expect_eq(cl_collection_year(utc(2026, 3, 31, 22, 59, 59)), 2026);
    cr_expect_eq(cl_collection_year(utc(2026, 3, 31, 23, 0, 0)), 2027);
    /* The calendar year changes inside a collection year (GMT: London is UTC in winter). */
    cr_expect_eq(cl_collection_year(utc(2026, 12, 31, 23, 59, 59)), 2027);
    cr_expect_eq(cl_collection_year(utc(2027, 1, 1, 0, 0, 0)), 2027);
    cr_expect_eq(cl_collection_year(utc(2027, 3, 31, 22, 59, 59)), 2027);
    cr_expect_eq(cl_collection_year(utc(2027, 3, 31, 23, 0, 0)), 2028);
}

Test(la_time, summer_time_changes_move_the_councils_clock)
{
    cl_la_time_use("Europe/London");
    /* 29 March 2026: 01:00 GMT becomes 02:00 BST. */
    expect_la_time(utc(2026, 3, 29, 0, 59, 0), 3, 29, 0, 59);
    expect_la_time(utc(2026, 3, 29, 1, 0, 0), 3, 29, 2, 0);
    /* 25 October 2026: 02:00 BST becomes 01:00 GMT, so 01:30 happens twice. */
    expect_la_time(utc(2026, 10, 25, 0, 30, 0), 10, 25, 1, 30);
    expect_la_time(utc(2026, 10, 25, 1, 30, 0), 10, 25, 1, 30);
    /* On 31 March 2025 (BST from 30 March) London's midnight is 23:00 UTC the day before. */
    cr_expect_eq(cl_collection_year(utc(2025, 3, 31, 23, 30, 0)), 2026);
    /* On 31 March 2024 summer time began that very night: 1 April starts at 23:00 UTC. */
    cr_expect_eq(cl_collection_year(utc(2024, 3, 31, 22, 30, 0)), 2024);
    cr_expect_eq(cl_collection_year(utc(2024, 3, 31, 23, 30, 0)), 2025);
}

Test(la_time, the_configured_zone_is_the_one_used)
{
    time_t t = utc(2026, 3, 31, 13, 30, 0); /* 00:30 on 1 April in Sydney (AEDT, UTC+11) */

    cl_la_time_use("Australia/Sydney");
    cr_expect_eq(cl_collection_year(t), 2027);
    expect_la_time(t, 4, 1, 0, 30);
    cl_la_time_use("Europe/London");
    cr_expect_eq(cl_collection_year(t), 2026);
    cl_la_time_use("America/New_York");
    cr_expect_eq(cl_collection_year(utc(2026, 4, 1, 3, 30, 0)), 2026, "23:30 on 31 March");
}

Test(la_time, collection_year_of_a_date)
{
    struct tm d = {.tm_year = 2025 - 1900, .tm_mon = 2, .tm_mday = 31};

    cr_expect_eq(cl_collection_year_of(&d), 2025);
    d.tm_mon = 3;
    d.tm_mday = 1;
    cr_expect_eq(cl_collection_year_of(&d), 2026);
}

Test(la_time, only_zones_of_the_tz_database_are_accepted)
{
    static const char *const good[] = {"Europe/London", "UTC", "America/Argentina/Buenos_Aires",
                                       "Etc/GMT+1"};
    static const char *const bad[] = {"",
                                      "Mars/Olympus_Mons",
                                      "Europe",
                                      "../etc/passwd",
                                      "/etc/localtime",
                                      "Europe/../UTC",
                                      "Europe/London/",
                                      "GMT0BST,M3.5.0/1,M10.5.0",
                                      "-Europe/London"};

    for (size_t i = 0; i < sizeof good / sizeof good[0]; i++)
        cr_expect(cl_la_time_zone_ok(good[i]), "%s", good[i]);
    for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
        cr_expect_not(cl_la_time_zone_ok(bad[i]), "%s", bad[i]);
}
