/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_cycles.h
 * Time on the fast path: the CPU's time-stamp counter (TSC on x86-64, the
 * virtual counter on arm64) and its frequency, measured once.
 */
#ifndef PRT_CYCLES_H
#define PRT_CYCLES_H

#include <stdint.h>
#include <time.h>

#include "prt_common.h"

/**
 * Reads the time-stamp counter: a constant-rate count of cycles (units: TSC
 * cycles, prt_get_tsc_hz() per second). Not serialising: loads and stores
 * around it may be reordered by the CPU. Thread-safe.
 */
static inline uint64_t prt_get_tsc_cycles(void)
{
#if defined(__x86_64__) || defined(__i386__)
	return __builtin_ia32_rdtsc();
#elif defined(__aarch64__)
	uint64_t v;

	__asm__ volatile("mrs %0, cntvct_el0" : "=r"(v));
	return v;
#else
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC_RAW, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
#endif
}

/**
 * Frequency of the time-stamp counter in Hz. Measured against
 * CLOCK_MONOTONIC_RAW on the first call (about 10 ms, once per process;
 * later calls return the stored value). Thread-safe.
 */
uint64_t prt_get_tsc_hz(void);

/** Busy-waits for at least @p us microseconds (no sleep, no syscall). Thread-safe. */
void prt_delay_us(unsigned int us);

/** Monotonic time in nanoseconds (CLOCK_MONOTONIC), for slow-path timing. Thread-safe. */
static inline uint64_t prt_time_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

#endif /* PRT_CYCLES_H */
