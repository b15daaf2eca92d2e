/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The TSC frequency agrees with the kernel's clock, and prt_delay_us() waits
 * at least as long as asked. (Lower bounds only: timing never decides a pass.)
 */
#include "prt_test.h"

#include "prt_cycles.h"

static void test_tsc_matches_clock(void **state)
{
	uint64_t hz = prt_get_tsc_hz();
	uint64_t t0, c0, t1, c1;
	double measured;

	(void)state;
	assert_true(hz > 1000000); /* over 1 MHz on anything prt runs on */
	assert_int_equal(prt_get_tsc_hz(), hz); /* measured once */
	t0 = prt_time_ns();
	c0 = prt_get_tsc_cycles();
	prt_delay_us(20000);
	t1 = prt_time_ns();
	c1 = prt_get_tsc_cycles();
	assert_true(t1 - t0 >= 20000000);
	/* Cycles counted over the wait, converted at hz, agree with the clock to 20%. */
	measured = (double)(c1 - c0) / (double)hz * 1e9;
	assert_true(measured > 0.8 * (double)(t1 - t0) && measured < 1.2 * (double)(t1 - t0));
}

static void test_monotonic(void **state)
{
	uint64_t a, b;

	(void)state;
	a = prt_get_tsc_cycles();
	b = prt_get_tsc_cycles();
	assert_true(b >= a);
	prt_delay_us(0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tsc_matches_clock),
		cmocka_unit_test(test_monotonic),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
