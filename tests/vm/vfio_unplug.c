/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio_unplug: the kernel asks for a device prt holds (unbind from
 * vfio-pci, as a hot-unplug does) while the process is running. The
 * device-request interrupt must make prt call the driver's remove(), back
 * the BAR with memory that reads all ones, and release the device, so that
 * the unbind completes instead of hanging; prt_eal_cleanup() afterwards is
 * clean. Runs in a VM lab guest, first NIC of PRT_VMLAB_NICS.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "prt_atomic.h"
#include "prt_eal.h"
#include "prt_io.h"
#include "prt_pci.h"
#include "prt_test.h"
#include "vm_nic.h"

static struct prt_pci_device *dev;
static volatile int removed;

static int test_probe(struct prt_pci_driver *drv, struct prt_pci_device *d)
{
	(void)drv;
	dev = d;
	return 0;
}

static int test_remove(struct prt_pci_device *d)
{
	(void)d;
	prt_atomic_store(&removed, 1, memory_order_release);
	return 0;
}

static struct prt_pci_driver test_driver = {
	.name = "vm_unplug_nic",
	.id_table = vm_nic_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_RMV,
	.probe = test_probe,
	.remove = test_remove,
};
PRT_PCI_DRIVER_REGISTER(test_driver)

static char bdf[32];
static int unbind_err = -1;

/* The write blocks in the kernel until the device is released. */
static void *unbind(void *arg)
{
	int fd = open("/sys/bus/pci/drivers/vfio-pci/unbind", O_WRONLY);

	(void)arg;
	if (fd < 0) {
		unbind_err = errno;
		return NULL;
	}
	unbind_err = write(fd, bdf, strlen(bdf)) == (ssize_t)strlen(bdf) ? 0 : errno;
	close(fd);
	return NULL;
}

static void test_unplug(void **state)
{
	char *argv[] = { "vfio_unplug", "-l", "0", "-m", "16", "-a", bdf, NULL };
	volatile uint32_t *bar;
	struct timespec t0, t;
	char link[256];
	pthread_t th;

	(void)state;
	assert_true(prt_eal_init(7, argv) >= 0);
	assert_non_null(dev);
	bar = dev->mem_resource[0].addr;
	assert_non_null(bar);
	assert_int_not_equal(prt_read32(bar + 2), 0xffffffff); /* STATUS / a virtio register */

	assert_int_equal(pthread_create(&th, NULL, unbind, NULL), 0);
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(10000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!prt_atomic_load(&removed, memory_order_acquire) && t.tv_sec - t0.tv_sec < 10);
	assert_true(removed);
	/* A late access by a polling lcore finds a vanished device, not a crash. */
	assert_int_equal(prt_read32(bar + 2), 0xffffffff);
	pthread_join(th, NULL);
	clock_gettime(CLOCK_MONOTONIC, &t);
	printf("%s: removed and released; unbind returned %d after %ld ms\n", bdf, unbind_err,
	       (long)((t.tv_sec - t0.tv_sec) * 1000 + (t.tv_nsec - t0.tv_nsec) / 1000000));
	assert_int_equal(unbind_err, 0);
	snprintf(link, sizeof(link), "/sys/bus/pci/devices/%s/driver", bdf);
	assert_int_equal(access(link, F_OK), -1);
	assert_true(dev->removed);
	assert_int_equal(dev->vfio_fd, -1);
	assert_int_equal(prt_eal_cleanup(), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_unplug),
	};
	const char *nics = getenv("PRT_VMLAB_NICS");

	if (!getenv("PRT_VMLAB_MODE") || !nics)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE and PRT_VMLAB_NICS unset)");
	snprintf(bdf, sizeof(bdf), "%.*s", (int)strcspn(nics, " "), nics);
	vm_nic_driver_only(&test_driver);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
