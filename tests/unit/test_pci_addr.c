/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI address parsing and printing, as lspci -D and sysfs write them. */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "prt_pci_addr.h"

static void test_parse_good(void **state)
{
	struct prt_pci_addr a;
	char buf[PRT_PCI_ADDR_STRLEN];

	(void)state;
	assert_int_equal(prt_pci_addr_parse("0000:3b:1f.7", &a), 0);
	assert_int_equal(a.domain, 0);
	assert_int_equal(a.bus, 0x3b);
	assert_int_equal(a.devid, 0x1f);
	assert_int_equal(a.function, 7);
	prt_pci_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "0000:3b:1f.7");
	assert_int_equal(prt_pci_addr_parse("00:03.0", &a), 0);
	prt_pci_addr_format(&a, buf, sizeof(buf));
	assert_string_equal(buf, "0000:00:03.0");
	assert_int_equal(prt_pci_addr_parse("10000:00:00.0", &a), 0); /* VMD domains */
	assert_int_equal(a.domain, 0x10000);
	assert_int_equal(prt_pci_addr_parse("ABCD:EF:0A.1", &a), 0);
	assert_int_equal(a.domain, 0xabcd);
}

static void test_parse_bad(void **state)
{
	static const char *const bad[] = {
		"",
		"0000:zz:00.0",
		"0000:00:20.0",
		"0000:00:00.8",
		"0000:00:00",
		"00:00",
		"0000:00:00.0 ",
		" 0000:00:00.0",
		"0000:000:00.0",
		"000:00.0",
		"0000:00:00.",
		"0000::00.0",
		"g0:00.0",
		"100:00.0",
		"0000:00:00.00",
	};
	struct prt_pci_addr a;

	(void)state;
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		if (prt_pci_addr_parse(bad[i], &a) != -EINVAL) {
			print_error("'%s' was accepted\n", bad[i]);
			fail();
		}
	}
	assert_int_equal(prt_pci_addr_parse(NULL, &a), -EINVAL);
}

static void test_compare(void **state)
{
	struct prt_pci_addr a, b;

	(void)state;
	prt_pci_addr_parse("0000:00:03.0", &a);
	prt_pci_addr_parse("0000:00:03.1", &b);
	assert_true(prt_pci_addr_cmp(&a, &b) < 0);
	assert_true(prt_pci_addr_cmp(&b, &a) > 0);
	assert_int_equal(prt_pci_addr_cmp(&a, &a), 0);
	prt_pci_addr_parse("0001:00:00.0", &b);
	assert_true(prt_pci_addr_cmp(&a, &b) < 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_parse_good),
		cmocka_unit_test(test_parse_bad),
		cmocka_unit_test(test_compare),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
