/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * TSC frequency: measured once, lazily, so that prt_eal_init() never waits
 * for a calibration it may not need.
 */
#include <pthread.h>
#include <time.h>

#include "prt_cycles.h"

/* Long enough that clock_gettime's ~20 ns granularity costs < 10 ppm. */
#define CALIBRATE_NS 10000000ull

static uint64_t tsc_hz;
static pthread_once_t tsc_once = PTHREAD_ONCE_INIT;

static uint64_t raw_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

static void tsc_calibrate(void)
{
#if defined(__aarch64__)
	uint64_t f;

	/* The generic timer states its own frequency. */
	__asm__ volatile("mrs %0, cntfrq_el0" : "=r"(f));
	tsc_hz = f;
#elif defined(__x86_64__) || defined(__i386__)
	uint64_t t0 = raw_ns(), c0 = prt_get_tsc_cycles();
	uint64_t t1, c1;

	do {
		t1 = raw_ns();
		c1 = prt_get_tsc_cycles();
	} while (t1 - t0 < CALIBRATE_NS);
	tsc_hz = (uint64_t)((double)(c1 - c0) * 1e9 / (double)(t1 - t0));
#else
	tsc_hz = 1000000000ull; /* prt_get_tsc_cycles() counts nanoseconds here */
#endif
}

uint64_t prt_get_tsc_hz(void)
{
	pthread_once(&tsc_once, tsc_calibrate);
	return tsc_hz;
}

void prt_delay_us(unsigned int us)
{
	uint64_t end = prt_get_tsc_cycles() + prt_get_tsc_hz() * us / 1000000u;

	while ((int64_t)(prt_get_tsc_cycles() - end) < 0)
		prt_pause();
}
