/* SPDX-License-Identifier: BSD-3-Clause */
/* testpmd-lite's rates: the unit that fits, never "0.000 Mpps" for a slow port. */
#include <math.h>
#include <string.h>

#include "prt_test.h"

#include "rate.h"

static const char *fmt(double v, const char *unit)
{
	static char buf[TP_RATE_STRLEN];

	return tp_rate_format(buf, sizeof(buf), v, unit);
}

static void test_packets(void **state)
{
	(void)state;
	assert_string_equal(fmt(0, "pps"), "0 pps");
	assert_string_equal(fmt(37, "pps"), "37 pps");
	assert_string_equal(fmt(36.6, "pps"), "37 pps");
	assert_string_equal(fmt(999.4, "pps"), "999 pps");
	assert_string_equal(fmt(999.6, "pps"), "1 Kpps");
	assert_string_equal(fmt(12400, "pps"), "12.4 Kpps");
	assert_string_equal(fmt(1234567, "pps"), "1.235 Mpps");
	assert_string_equal(fmt(999960, "pps"), "1 Mpps");
	assert_string_equal(fmt(14880952, "pps"), "14.88 Mpps");
}

static void test_bits(void **state)
{
	(void)state;
	assert_string_equal(fmt(296, "bit/s"), "296 bit/s");
	assert_string_equal(fmt(29600, "bit/s"), "29.6 Kbit/s");
	assert_string_equal(fmt(9.412e9, "bit/s"), "9.412 Gbit/s");
	assert_string_equal(fmt(4e15, "bit/s"), "4000 Tbit/s"); /* no prefix past T */
}

static void test_bad_values(void **state)
{
	(void)state;
	assert_string_equal(fmt(-5, "pps"), "0 pps");
	assert_string_equal(fmt(NAN, "pps"), "0 pps");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_packets),
		cmocka_unit_test(test_bits),
		cmocka_unit_test(test_bad_values),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
