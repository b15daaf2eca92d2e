/* SPDX-License-Identifier: BSD-3-Clause */
/* The virtio driver's log type ("pmd.net.virtio"). Private to the driver. */
#ifndef VIRTIO_LOGS_H
#define VIRTIO_LOGS_H

#include "prt_log.h"

/** Log type of every part of the virtio driver, registered in virtqueue.c. */
extern int virtio_logtype;

/** PRT_LOG(level, virtio_logtype, "virtio: " fmt, ...). */
#define VIRTIO_LOG(level, ...) PRT_LOG(level, virtio_logtype, "virtio: " __VA_ARGS__)

#endif /* VIRTIO_LOGS_H */
