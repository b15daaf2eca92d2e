/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Config space access and the capability walks, over a file that stands in
 * for the VFIO device fd (the config region at offset 0): standard list,
 * several capabilities of one id (virtio), a looping list that must end,
 * PCIe extended capabilities, bus mastering, and accesses out of range.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "pci_private.h"
#include "prt_test.h"

static struct prt_pci_device dev;
static uint8_t cfg[4096];

static void cfg_commit(void)
{
	assert_int_equal(pwrite(dev.vfio_fd, cfg, sizeof(cfg), 0), (ssize_t)sizeof(cfg));
}

static int setup(void **state)
{
	FILE *f = tmpfile();

	(void)state;
	memset(&dev, 0, sizeof(dev));
	memset(cfg, 0, sizeof(cfg));
	dev.vfio_fd = dup(fileno(f));
	fclose(f);
	dev.region_offset[PCI_CFG_REGION] = 0;
	dev.region_size[PCI_CFG_REGION] = sizeof(cfg);
	cfg[0] = 0xf4; /* vendor 0x1af4 */
	cfg[1] = 0x1a;
	cfg[0x06] = 0x10; /* status: capabilities list */
	cfg[0x34] = 0x40;
	/* 0x40 MSI-X -> 0x50 vendor -> 0x60 vendor -> 0x70 PCIe -> end */
	cfg[0x40] = 0x11;
	cfg[0x41] = 0x50;
	cfg[0x50] = 0x09;
	cfg[0x51] = 0x60;
	cfg[0x60] = 0x09;
	cfg[0x61] = 0x70;
	cfg[0x70] = 0x10;
	cfg[0x71] = 0x00;
	/* extended: 0x100 AER (id 1) -> 0x148 SR-IOV (id 0x10) -> end */
	cfg[0x100] = 0x01;
	cfg[0x102] = 0x81; /* version 1, next 0x148 >> 4 = 0x14 in bits 31:20 */
	cfg[0x103] = 0x14;
	cfg[0x148] = 0x10;
	cfg[0x14a] = 0x01;
	cfg_commit();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	close(dev.vfio_fd);
	return 0;
}

static void test_read_config(void **state)
{
	uint16_t vid = 0;
	uint8_t b[8];

	(void)state;
	assert_int_equal(prt_pci_read_config(&dev, &vid, 2, 0), 2);
	assert_int_equal(vid, 0x1af4);
	/* a read that runs off the end is cut short; one past the end is refused */
	assert_int_equal(prt_pci_read_config(&dev, b, 8, 4092), 4);
	assert_int_equal(prt_pci_read_config(&dev, b, 1, 4096), -EINVAL);
	assert_int_equal(prt_pci_read_config(&dev, b, 1, -1), -EINVAL);
	assert_int_equal(prt_pci_bar_read(&dev, 6, b, 1, 0), -EINVAL);
}

static void test_capabilities(void **state)
{
	int pos;

	(void)state;
	assert_int_equal(prt_pci_find_capability(&dev, 0x11), 0x40);
	pos = prt_pci_find_capability(&dev, 0x09);
	assert_int_equal(pos, 0x50);
	pos = prt_pci_find_next_capability(&dev, 0x09, pos);
	assert_int_equal(pos, 0x60);
	assert_int_equal(prt_pci_find_next_capability(&dev, 0x09, pos), 0);
	assert_int_equal(prt_pci_find_capability(&dev, 0x05), 0); /* no MSI */
	cfg[0x06] = 0; /* no capability list at all */
	cfg_commit();
	assert_int_equal(prt_pci_find_capability(&dev, 0x11), 0);
}

/* A device (or an attacker) whose list loops must not hang the walk. */
static void test_capability_loop(void **state)
{
	(void)state;
	cfg[0x71] = 0x40; /* PCIe cap points back to MSI-X */
	cfg_commit();
	assert_int_equal(prt_pci_find_capability(&dev, 0x01), 0);
}

/*
 * Nor iterating over the capabilities of one id (virtio's probe over
 * vendor-specific ones): with 0x60 pointing back to 0x50, each of the two
 * comes once and the iteration ends (it went 0x50, 0x60, 0x50, ... for
 * ever; found by tests/fuzz/fuzz_pci_caps).
 */
static void test_capability_loop_iteration(void **state)
{
	int pos, n = 0;

	(void)state;
	cfg[0x61] = 0x50;
	cfg_commit();
	for (pos = prt_pci_find_capability(&dev, 0x09); pos > 0 && n < 100;
	     pos = prt_pci_find_next_capability(&dev, 0x09, pos))
		n++;
	assert_int_equal(pos, 0);
	assert_int_equal(n, 2);
}

static void test_ext_capabilities(void **state)
{
	(void)state;
	assert_int_equal(prt_pci_find_ext_capability(&dev, 0x0001), 0x100);
	assert_int_equal(prt_pci_find_ext_capability(&dev, 0x0010), 0x148);
	assert_int_equal(prt_pci_find_ext_capability(&dev, 0x000b), 0);
	dev.region_size[PCI_CFG_REGION] = 256; /* conventional PCI: no extended space */
	assert_int_equal(prt_pci_find_ext_capability(&dev, 0x0001), 0);
	dev.region_size[PCI_CFG_REGION] = sizeof(cfg);
	cfg[0x14a] = 0x01;
	cfg[0x14b] = 0x10; /* SR-IOV's next points back to 0x100 */
	cfg_commit();
	assert_int_equal(prt_pci_find_ext_capability(&dev, 0x000b), 0);
}

static void test_bus_master(void **state)
{
	uint16_t cmd;

	(void)state;
	cfg[0x04] = 0x02; /* memory space on */
	cfg_commit();
	assert_int_equal(prt_pci_set_bus_master(&dev, true), 0);
	assert_int_equal(prt_pci_read_config(&dev, &cmd, 2, 0x04), 2);
	assert_int_equal(cmd, 0x06);
	assert_int_equal(prt_pci_set_bus_master(&dev, false), 0);
	assert_int_equal(prt_pci_read_config(&dev, &cmd, 2, 0x04), 2);
	assert_int_equal(cmd, 0x02);
}

static void test_closed_device(void **state)
{
	struct prt_pci_device closed = { .vfio_fd = -1 };
	uint8_t b;

	(void)state;
	assert_int_equal(prt_pci_read_config(&closed, &b, 1, 0), -ENODEV);
	assert_int_equal(prt_pci_set_bus_master(&closed, true), -ENODEV);
	assert_int_equal(prt_pci_map_bar(&closed, 0), -EINVAL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_read_config, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capabilities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capability_loop, setup, teardown),
		cmocka_unit_test_setup_teardown(test_capability_loop_iteration, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ext_capabilities, setup, teardown),
		cmocka_unit_test_setup_teardown(test_bus_master, setup, teardown),
		cmocka_unit_test_setup_teardown(test_closed_device, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
