/* common/cl_clock: milliseconds that only go forward and count real time. */
#include <criterion/criterion.h>
#include <time.h>

#include "cl_clock.h"

Test(clock, goes_forward_by_the_time_slept)
{
    struct timespec nap = {0, 20 * 1000000L};
    double t0 = cl_clock_ms(), t1;

    nanosleep(&nap, NULL);
    t1 = cl_clock_ms();
    cr_expect_geq(t1 - t0, 20.0, "20 ms slept, %.3f ms measured", t1 - t0);
    cr_expect_lt(t1 - t0, 5000.0, "milliseconds, not microseconds");
    for (int i = 0; i < 1000; i++) {
        double t = cl_clock_ms();

        cr_assert_geq(t, t1, "never goes back");
        t1 = t;
    }
}
