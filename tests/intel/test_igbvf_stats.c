/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 82576 VF's 32-bit, never-cleared statistics registers accumulated
 * into 64-bit totals (pmd/igbvf/igbvf_stats.h): growth between reads,
 * across the 2^32 wrap, from a register that did not start at zero.
 */
#include "prt_test.h"

#include "igbvf_stats.h"

static void test_growth(void **state)
{
	struct igbvf_counter c;

	(void)state;
	igbvf_counter_init(&c, 1000); /* counted before the port was ours: not in the total */
	assert_int_equal(c.total, 0);
	igbvf_counter_update(&c, 1000);
	assert_int_equal(c.total, 0);
	igbvf_counter_update(&c, 1500);
	assert_int_equal(c.total, 500);
	igbvf_counter_update(&c, 1501);
	assert_int_equal(c.total, 501);
}

static void test_wrap(void **state)
{
	struct igbvf_counter c;

	(void)state;
	igbvf_counter_init(&c, UINT32_MAX - 9);
	igbvf_counter_update(&c, 5); /* wrapped: 10 to reach 0, then 5 */
	assert_int_equal(c.total, 15);
	/* many wraps, each read within one: the total goes past 32 bits */
	for (unsigned int i = 0; i < 5; i++) {
		igbvf_counter_update(&c, c.last + 0x80000000u);
		igbvf_counter_update(&c, c.last + 0x80000000u);
	}
	assert_int_equal(c.total, 15 + 5 * (1ull << 32));
	assert_true(c.total > UINT32_MAX);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_growth),
		cmocka_unit_test(test_wrap),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
