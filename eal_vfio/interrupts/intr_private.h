/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The interrupt calls the PCI bus makes when it opens a device: the
 * handle's vectors, and VFIO_DEVICE_SET_IRQS.
 * Not installed.
 */
#ifndef INTR_PRIVATE_H
#define INTR_PRIVATE_H

#include <stdint.h>

struct prt_intr_handle;

/** Fills @p h for device @p dev_fd: vectors per mode from VFIO_DEVICE_GET_IRQ_INFO, none enabled. */
void eal_intr_handle_init(struct prt_intr_handle *h, int dev_fd);

/**
 * VFIO_DEVICE_SET_IRQS on irq @p index, vectors 0..@p count-1, with
 * @p flags (VFIO_IRQ_SET_DATA_* | VFIO_IRQ_SET_ACTION_*) and, for
 * DATA_EVENTFD, one fd per vector in @p efds.
 * @return 0; -errno.
 */
int vfio_set_irqs(int dev_fd, uint32_t index, uint32_t flags, uint32_t count, const int *efds);

#endif /* INTR_PRIVATE_H */
