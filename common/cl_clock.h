/* The monotonic clock, for durations only (timings in logs, rate limits): never goes back when
 * the wall clock is set, and means nothing as a date. */
#ifndef CL_CLOCK_H
#define CL_CLOCK_H

/* Milliseconds (with fractions) on CLOCK_MONOTONIC, from an arbitrary start. */
double cl_clock_ms(void);

#endif
