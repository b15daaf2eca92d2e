/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_pci_bar_range(): a driver's register block is used only where the BAR
 * is mapped (issue 15, #5). A BAR with holes, as VFIO's sparse-mmap
 * capability leaves them around the MSI-X table: a range in an area is
 * given, one in the hole or straddling its edge is refused (-EFAULT), one
 * past the BAR too (-ERANGE), and an unmapped BAR (-ENXIO).
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "prt_pci.h"

static uint8_t bar_mem[16384];

static void ranges_checked_against_the_holes(void **state)
{
	struct prt_pci_device dev;
	int err = 0;

	(void)state;
	memset(&dev, 0, sizeof(dev));
	dev.mem_resource[0] = (struct prt_mem_resource){
		.len = sizeof(bar_mem),
		.addr = bar_mem,
		.nb_areas = 2, /* [0, 0x2000) and [0x3000, 0x4000): the MSI-X table between */
		.areas = { { 0, 0x2000 }, { 0x3000, 0x1000 } },
	};
	assert_ptr_equal(prt_pci_bar_range(&dev, 0, 0, 0x38, &err), bar_mem);
	assert_ptr_equal(prt_pci_bar_range(&dev, 0, 0x3000, 0x1000, &err), bar_mem + 0x3000);
	assert_ptr_equal(prt_pci_bar_range(&dev, 0, 0x1ffc, 4, &err), bar_mem + 0x1ffc);

	err = 0;
	assert_null(prt_pci_bar_range(&dev, 0, 0x2000, 4, &err)); /* the hole */
	assert_int_equal(err, -EFAULT);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, 0, 0x1ff0, 0x20, &err)); /* straddles its edge */
	assert_int_equal(err, -EFAULT);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, 0, 0x1000, 0x3000, &err)); /* across it */
	assert_int_equal(err, -EFAULT);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, 0, 0x3ff0, 0x20, &err)); /* past the BAR */
	assert_int_equal(err, -ERANGE);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, 0, UINT64_MAX, 2, &err)); /* offset + len wraps */
	assert_int_equal(err, -ERANGE);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, 1, 0, 4, &err)); /* not mapped */
	assert_int_equal(err, -ENXIO);
	err = 0;
	assert_null(prt_pci_bar_range(&dev, PRT_PCI_MAX_RESOURCE, 0, 4, &err));
	assert_int_equal(err, -ENXIO);

	/* Without holes, the whole BAR. */
	dev.mem_resource[0].nb_areas = 0;
	assert_ptr_equal(prt_pci_bar_range(&dev, 0, 0x2000, 4, &err), bar_mem + 0x2000);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ranges_checked_against_the_holes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
