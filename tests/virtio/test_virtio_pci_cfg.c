/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The waits of the PCI transport against a device that never gets there: a
 * config_generation that changes on every read, a device_status that never
 * reads 0 after the reset. Both calls fail instead of hanging; a device that
 * behaves passes, also one that settles after a few changes.
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"

#include "virtio_pci.h"

/* A simulated device: how many reads of each register misbehave. */
struct sim {
	uint8_t status;
	unsigned int status_stuck; /* reads of device_status that still show the old value */
	uint8_t generation;
	unsigned int generation_moves; /* reads of config_generation that change it */
	uint8_t cfg[6];
};

static uint8_t sim_status_read(void *arg)
{
	struct sim *d = arg;

	if (d->status_stuck > 0) {
		d->status_stuck--;
		return 0x0f;
	}
	return d->status;
}

static void sim_status_write(void *arg, uint8_t status)
{
	((struct sim *)arg)->status = status;
}

static uint8_t sim_generation_read(void *arg)
{
	struct sim *d = arg;

	if (d->generation_moves > 0) {
		d->generation_moves--;
		d->generation++;
	}
	return d->generation;
}

static uint8_t sim_cfg_read8(void *arg, size_t offset)
{
	return ((struct sim *)arg)->cfg[offset];
}

static struct virtio_pci_cfg_access access_to(struct sim *d)
{
	return (struct virtio_pci_cfg_access){ sim_status_read, sim_status_write,
					       sim_generation_read, sim_cfg_read8, d };
}

static const uint8_t mac[6] = { 0x52, 0x54, 0x00, 0x12, 0x34, 0x56 };

static void generation_that_never_settles(void **state)
{
	struct sim d = { .generation_moves = ~0u };
	struct virtio_pci_cfg_access a = access_to(&d);
	uint8_t buf[6];

	(void)state;
	memcpy(d.cfg, mac, sizeof(mac));
	assert_int_equal(virtio_pci_read_config(&a, 0, buf, sizeof(buf)), -EIO);
}

static void generation_that_settles(void **state)
{
	struct sim d = { .generation_moves = 5 };
	struct virtio_pci_cfg_access a = access_to(&d);
	uint8_t buf[6];

	(void)state;
	memcpy(d.cfg, mac, sizeof(mac));
	assert_int_equal(virtio_pci_read_config(&a, 0, buf, sizeof(buf)), 0);
	assert_memory_equal(buf, mac, sizeof(mac));
	assert_int_equal(virtio_pci_read_config(&a, 2, buf, 4), 0);
	assert_memory_equal(buf, mac + 2, 4);
}

static void status_that_never_reads_0(void **state)
{
	struct sim d = { .status = 0x0f, .status_stuck = ~0u };
	struct virtio_pci_cfg_access a = access_to(&d);

	(void)state;
	assert_int_equal(virtio_pci_reset_wait(&a, 20), -ETIMEDOUT);
}

static void status_that_reads_0_after_a_while(void **state)
{
	struct sim d = { .status = 0x0f, .status_stuck = 3 };
	struct virtio_pci_cfg_access a = access_to(&d);

	(void)state;
	assert_int_equal(virtio_pci_reset_wait(&a, 1000), 0);
	assert_int_equal(d.status, 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(generation_that_never_settles),
		cmocka_unit_test(generation_that_settles),
		cmocka_unit_test(status_that_never_reads_0),
		cmocka_unit_test(status_that_reads_0_after_a_while),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
