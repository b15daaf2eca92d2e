/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The PCI bus against a fake sysfs: the scan (ids, class, NUMA node,
 * driver, IOMMU group, BARs), id matching, and prt_eal_init()'s probe with
 * -a/-b: what it takes, what it leaves alone, and the one message for each
 * device named with -a that cannot be used.
 */
#include "fake_host.h"
#include "pci_private.h"
#include "prt_eal.h"
#include "prt_test.h"

static unsigned int nb_probe;

static int test_probe(struct prt_pci_driver *drv, struct prt_pci_device *dev)
{
	(void)drv;
	(void)dev;
	nb_probe++;
	return 0;
}

static const struct prt_pci_id test_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10d3) },
	{ .vendor_id = 0 },
};

static struct prt_pci_driver test_driver = {
	.name = "fake_e1000e",
	.id_table = test_ids,
	.probe = test_probe,
};
PRT_PCI_DRIVER_REGISTER(test_driver)

static char *log_buf;
static size_t log_len;
static FILE *log_f;

static int setup(void **state)
{
	(void)state;
	fake_host_create();
	/* 00:03.0 e1000e on its kernel driver, 00:04.0 e1000e on vfio-pci, 00:02.0 a VGA. */
	fake_pci_device("0000:00:04.0", "0x8086", "0x10d3", "0x020000", "vfio-pci", 4);
	fake_pci_device("0000:00:03.0", "0x8086", "0x10d3", "0x020000", "e1000e", 3);
	fake_pci_device("0000:00:02.0", "0x1234", "0x1111", "0x030000", NULL, -1);
	log_f = open_memstream(&log_buf, &log_len);
	prt_log_set_stream(log_f);
	nb_probe = 0;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	prt_log_set_stream(NULL);
	fclose(log_f);
	free(log_buf);
	log_buf = NULL;
	fake_host_destroy();
	return 0;
}

static void test_scan(void **state)
{
	struct prt_pci_device *list, *d, *next;

	(void)state;
	assert_int_equal(eal_pci_scan(&list), 3);
	/* sorted by address */
	assert_string_equal(list->name, "0000:00:02.0");
	assert_string_equal(list->next->name, "0000:00:03.0");
	d = list->next->next;
	assert_string_equal(d->name, "0000:00:04.0");
	assert_int_equal(d->id.vendor_id, 0x8086);
	assert_int_equal(d->id.device_id, 0x10d3);
	assert_int_equal(d->id.class_id, 0x020000);
	assert_int_equal(d->id.subsystem_vendor_id, 0x1af4);
	assert_int_equal(d->numa_node, 0);
	assert_int_equal(d->kdrv, PRT_PCI_KDRV_VFIO);
	assert_int_equal(d->iommu_group, 4);
	assert_int_equal(d->mem_resource[0].phys_addr, 0xfebc0000);
	assert_int_equal(d->mem_resource[0].len, 0x20000);
	assert_int_equal(d->mem_resource[1].len, 0);
	assert_int_equal(d->vfio_fd, -1);
	assert_int_equal(list->next->kdrv, PRT_PCI_KDRV_OTHER);
	assert_string_equal(list->next->kdrv_name, "e1000e");
	assert_int_equal(list->kdrv, PRT_PCI_KDRV_NONE);
	assert_int_equal(list->iommu_group, -1);
	for (d = list; d; d = next) {
		next = d->next;
		free(d);
	}
}

static void test_id_match(void **state)
{
	const struct prt_pci_id any_intel[] = {
		{ .class_id = PRT_CLASS_ANY_ID,
		  .vendor_id = 0x8086,
		  .device_id = PRT_PCI_ANY_ID,
		  .subsystem_vendor_id = PRT_PCI_ANY_ID,
		  .subsystem_device_id = PRT_PCI_ANY_ID },
		{ .vendor_id = 0 },
	};
	struct prt_pci_id e1000e = { 0x020000, 0x8086, 0x10d3, 0x8086, 0x0000 };
	struct prt_pci_id other = { 0x020000, 0x8086, 0x10c9, 0x8086, 0x0000 };
	struct prt_pci_id virtio = { 0x020000, 0x1af4, 0x1041, 0x1af4, 0x1100 };

	(void)state;
	assert_true(eal_pci_id_match(test_ids, &e1000e));
	assert_false(eal_pci_id_match(test_ids, &other));
	assert_true(eal_pci_id_match(any_intel, &other));
	assert_false(eal_pci_id_match(any_intel, &virtio));
}

/* The registry lists this program's driver; unregistered, it is gone. */
static void test_driver_registry(void **state)
{
	const struct prt_pci_driver *d;
	int seen = 0;

	(void)state;
	for (d = prt_pci_driver_next(NULL); d; d = prt_pci_driver_next(d))
		seen += d == &test_driver;
	assert_int_equal(seen, 1);
	prt_pci_unregister_driver(&test_driver);
	for (d = prt_pci_driver_next(NULL); d; d = prt_pci_driver_next(d))
		assert_ptr_not_equal(d, &test_driver);
	prt_pci_register_driver(&test_driver);
}

static int init(const char *a, const char *b)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "-m", "8", (char *)a, (char *)b, NULL };
	int argc = b ? 8 : a ? 7 : 6;
	int ret = prt_eal_init(argc, argv);

	fflush(log_f);
	if (ret >= 0)
		prt_eal_cleanup();
	return ret;
}

/* -a of a device on its kernel driver: refused, with the command that fixes it. */
static void test_allow_kernel_driver(void **state)
{
	(void)state;
	assert_int_equal(init("-a", "0000:00:03.0"), -EBUSY);
	assert_non_null(strstr(log_buf, "-a 0000:00:03.0: PCI device 0000:00:03.0 is bound to "
					"its kernel driver e1000e, not to vfio-pci: run "
					"`prt-devbind --bind vfio-pci 0000:00:03.0`"));
	assert_int_equal(nb_probe, 0);
}

static void test_allow_missing(void **state)
{
	(void)state;
	assert_int_equal(init("-a", "0000:00:1f.0"), -ENODEV);
	assert_non_null(strstr(log_buf, "PCI device 0000:00:1f.0 does not exist"));
}

/* -a of a device no driver matches: a warning, and the rest goes on. */
static void test_allow_no_driver(void **state)
{
	(void)state;
	assert_true(init("-a", "0000:00:02.0") >= 0);
	assert_non_null(strstr(log_buf, "no prt driver for 1234:1111"));
}

/* Without -a, devices on kernel drivers are left alone silently; -b drops the vfio-pci one. */
static void test_block(void **state)
{
	(void)state;
	assert_true(init("-b", "0000:00:04.0") >= 0);
	assert_int_equal(nb_probe, 0);
	assert_null(strstr(log_buf, "error"));
}

/* --no-pci: no scan at all, even of a device that would fail. */
static void test_no_pci(void **state)
{
	(void)state;
	assert_true(init("--no-pci", NULL) >= 0);
	assert_int_equal(log_len, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_scan, setup, teardown),
		cmocka_unit_test_setup_teardown(test_id_match, setup, teardown),
		cmocka_unit_test_setup_teardown(test_driver_registry, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_kernel_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_missing, setup, teardown),
		cmocka_unit_test_setup_teardown(test_allow_no_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_block, setup, teardown),
		cmocka_unit_test_setup_teardown(test_no_pci, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
