/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio_unplug: the kernel asks for a device prt holds (unbind from
 * vfio-pci, as a hot-unplug does) while the process is running. The
 * device-request interrupt must make prt call the driver's remove(), back
 * the BAR with memory that reads all ones, and release the device, so that
 * the unbind completes instead of hanging; prt_eal_cleanup() afterwards is
 * clean. Case "unplug-in-cleanup": the application's cleanup runs while that
 * handler is still in the driver's remove() on the interrupt thread; the
 * close must have one owner (prt_pci.h, "Lifetime"): remove() once, the
 * device closed once, and the cleanup returns only after the handler.
 * Runs in a VM lab guest, first NIC of PRT_VMLAB_NICS; one case per
 * process (argv[1], default "unplug"): tests/vm/unplug_check.sh runs both,
 * giving the device back to vfio-pci between them.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
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
static atomic_int remove_calls;
static atomic_int remove_done;
static bool slow_remove; /* remove() waits, so that the cleanup meets it running */

/* How long a slow remove() takes: ample for the main thread to enter the cleanup. */
#define SLOW_REMOVE_US 300000

static int test_probe(struct prt_pci_driver *drv, struct prt_pci_device *d)
{
	(void)drv;
	dev = d;
	return 0;
}

static int test_remove(struct prt_pci_device *d)
{
	(void)d;
	atomic_fetch_add(&remove_calls, 1);
	prt_atomic_store(&removed, 1, memory_order_release);
	if (slow_remove)
		usleep(SLOW_REMOVE_US);
	atomic_store(&remove_done, 1);
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
static char mode_arg[48]; /* --vfio-mode=PRT_VMLAB_MODE: the lab's mode, not auto's choice */
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

/* Waits up to 10 s for the device-request handler to reach remove(). */
static void wait_removed(void)
{
	struct timespec t0, t;

	clock_gettime(CLOCK_MONOTONIC, &t0);
	do {
		usleep(1000);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (!prt_atomic_load(&removed, memory_order_acquire) && t.tv_sec - t0.tv_sec < 10);
	assert_true(removed);
}

static void test_unplug(void **state)
{
	char *argv[] = { "vfio_unplug", "-l", "0", "-m", "16", mode_arg, "-a", bdf, NULL };
	volatile uint32_t *bar;
	struct timespec t0, t;
	char link[256];
	pthread_t th;

	(void)state;
	assert_true(prt_eal_init(8, argv) >= 0);
	assert_non_null(dev);
	bar = dev->mem_resource[0].addr;
	assert_non_null(bar);
	assert_int_not_equal(prt_read32(bar + 2), 0xffffffff); /* STATUS / a virtio register */

	clock_gettime(CLOCK_MONOTONIC, &t0);
	assert_int_equal(pthread_create(&th, NULL, unbind, NULL), 0);
	wait_removed();
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

/* Counts the lines of @p text that end with @p what. */
static unsigned int count_lines_ending(const char *text, const char *what)
{
	size_t wl = strlen(what);
	unsigned int n = 0;

	for (const char *l = text; *l;) {
		const char *e = strchr(l, '\n');
		size_t len = e ? (size_t)(e - l) : strlen(l);

		if (len >= wl && memcmp(l + len - wl, what, wl) == 0)
			n++;
		l += len + (e != NULL);
	}
	return n;
}

static void test_unplug_in_cleanup(void **state)
{
	char log_arg[] = "--log-level=eal.vfio:info"; /* its "closed" line, counted */
	char *argv[] = { "vfio_unplug", "-l", "0", "-m", "16", mode_arg, log_arg, "-a", bdf, NULL };
	char closed[64], *log_buf = NULL;
	size_t log_len = 0;
	FILE *log_f;
	pthread_t th;

	(void)state;
	slow_remove = true;
	log_f = open_memstream(&log_buf, &log_len);
	assert_non_null(log_f);
	prt_log_set_stream(log_f);
	assert_true(prt_eal_init(9, argv) >= 0);
	assert_non_null(dev);

	assert_int_equal(pthread_create(&th, NULL, unbind, NULL), 0);
	wait_removed();
	/* The handler is in remove() now, for SLOW_REMOVE_US more: close under it. */
	assert_int_equal(prt_eal_cleanup(), 0);
	/* The bus waited for the handler before it freed the device. */
	assert_int_equal(atomic_load(&remove_done), 1);
	pthread_join(th, NULL);
	prt_log_set_stream(NULL);
	fclose(log_f);
	fputs(log_buf, stderr);
	assert_int_equal(unbind_err, 0);
	assert_int_equal(atomic_load(&remove_calls), 1);
	snprintf(closed, sizeof(closed), "%s: closed", bdf);
	assert_int_equal(count_lines_ending(log_buf, closed), 1);
	free(log_buf);
}

int main(int argc, char **argv)
{
	const struct CMUnitTest unplug[] = {
		cmocka_unit_test(test_unplug),
	};
	const struct CMUnitTest in_cleanup[] = {
		cmocka_unit_test(test_unplug_in_cleanup),
	};
	const char *which = argc > 1 ? argv[1] : "unplug";
	const char *nics = getenv("PRT_VMLAB_NICS");

	if (!getenv("PRT_VMLAB_MODE") || !nics)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE and PRT_VMLAB_NICS unset)");
	snprintf(bdf, sizeof(bdf), "%.*s", (int)strcspn(nics, " "), nics);
	snprintf(mode_arg, sizeof(mode_arg), "--vfio-mode=%s", getenv("PRT_VMLAB_MODE"));
	vm_nic_driver_only(&test_driver);
	if (strcmp(which, "unplug") == 0)
		return cmocka_run_group_tests_name("unplug", unplug, NULL, NULL);
	if (strcmp(which, "unplug-in-cleanup") == 0)
		return cmocka_run_group_tests_name("unplug-in-cleanup", in_cleanup, NULL, NULL);
	fprintf(stderr, "vfio_unplug: unknown case %s (unplug, unplug-in-cleanup)\n", which);
	return 2;
}
