/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The two waits of the modern PCI transport that a device controls: the
 * reset (device_status back to 0) and a configuration read consistent with
 * config_generation. Both are bounded: a device that never gets there makes
 * the call fail instead of hanging the thread (virtio_pci.c; tested with a
 * misbehaving device in tests/virtio/test_virtio_pci_cfg.c).
 */
#ifndef VIRTIO_PCI_H
#define VIRTIO_PCI_H

#include <stddef.h>
#include <stdint.h>

/** How long a reset may take before the device is declared unusable, in ms. */
#define VIRTIO_PCI_RESET_TIMEOUT_MS 1000

/** Reads of the device configuration before a moving config_generation fails them. */
#define VIRTIO_PCI_GENERATION_RETRIES 16

/**
 * How the two waits reach the device: the common configuration's
 * device_status and config_generation, and the device configuration (4.1.4.3,
 * 4.1.4.6). The PCI transport reads its BAR; a test gives a device that
 * misbehaves.
 */
struct virtio_pci_cfg_access {
	uint8_t (*status_read)(void *arg);
	void (*status_write)(void *arg, uint8_t status);
	uint8_t (*generation_read)(void *arg);
	/** Byte @p offset of the device configuration. */
	uint8_t (*cfg_read8)(void *arg, size_t offset);
	void *arg;
};

/**
 * Resets a device by writing 0 to its device_status and waits, polling
 * every 100 us for at most @p timeout_ms, until it reads 0 (4.1.4.3.2).
 * Not thread-safe with other accesses to the same device.
 * @return 0; -ETIMEDOUT when it did not read 0 in time.
 */
int virtio_pci_reset_wait(const struct virtio_pci_cfg_access *a, unsigned int timeout_ms);

/**
 * Copies @p len bytes of device configuration from @p offset into @p buf,
 * byte by byte, again while config_generation changed during the copy
 * (4.1.4.3.1, 2.5.1), at most VIRTIO_PCI_GENERATION_RETRIES times.
 * @return 0; -EIO when the generation kept changing (the device is broken).
 */
int virtio_pci_read_config(const struct virtio_pci_cfg_access *a, size_t offset, void *buf,
			   size_t len);

#endif /* VIRTIO_PCI_H */
