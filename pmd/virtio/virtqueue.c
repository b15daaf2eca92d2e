/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The parts of the virtqueue core that split and packed rings share:
 * ring sizes and layout, creation, tear-down, the broken state.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "virtio_logs.h"
#include "virtqueue.h"
#include "virtqueue_private.h"

PRT_LOG_REGISTER(virtio_logtype, pmd.net.virtio, NOTICE)

/* Split ring parts (2.7, table "Virtqueue Part Sizes"), each with its event field. */
static size_t split_avail_off(uint16_t size)
{
	return sizeof(struct virtq_desc) * size;
}

static size_t split_used_off(uint16_t size)
{
	size_t avail_end =
		split_avail_off(size) + sizeof(struct virtq_avail) + sizeof(uint16_t) * (size + 1u);

	return PRT_ALIGN_CEIL(avail_end, (size_t)VIRTQ_SPLIT_USED_ALIGN);
}

/* Packed ring parts (2.8.10.1): the descriptor ring, then the driver and the
 * device event suppression structures on cache lines of their own. */
static size_t packed_driver_off(uint16_t size)
{
	return PRT_ALIGN_CEIL(sizeof(struct pvirtq_desc) * size, (size_t)PRT_CACHE_LINE_SIZE);
}

static size_t packed_device_off(uint16_t size)
{
	return packed_driver_off(size) + PRT_CACHE_LINE_SIZE;
}

size_t virtqueue_ring_size(uint16_t size, unsigned int flags)
{
	size_t len;

	if (!prt_is_power_of_2(size) || size > VIRTQ_MAX_SIZE)
		return 0;
	if (flags & VQ_F_PACKED)
		len = packed_device_off(size) + PRT_CACHE_LINE_SIZE;
	else
		len = split_used_off(size) + sizeof(struct virtq_used) +
		      sizeof(struct virtq_used_elem) * size + sizeof(uint16_t);
	return PRT_ALIGN_CEIL(len, (size_t)4096);
}

void virtqueue_ring_addrs(const struct virtqueue *vq, struct vq_ring_addrs *a)
{
	size_t drv = vq->packed_ring ? packed_driver_off(vq->size) : split_avail_off(vq->size);
	size_t dev = vq->packed_ring ? packed_device_off(vq->size) : split_used_off(vq->size);

	a->desc = vq->ring_iova;
	a->driver = vq->ring_iova + drv;
	a->device = vq->ring_iova + dev;
	a->desc_va = vq->ring_va;
	a->driver_va = (char *)vq->ring_va + drv;
	a->device_va = (char *)vq->ring_va + dev;
}

/* Zeroes the ring and the core's records, then lets the ring type lay itself out. */
static void virtqueue_reset(struct virtqueue *vq)
{
	struct vq_ring_addrs a;
	uint16_t i;

	memset(vq->ring_va, 0, vq->ring_len);
	/* Every descriptor (buffer id) free, linked in ring order: the order
	 * an in-order queue keeps for good (its links are never rewritten). */
	for (i = 0; i < vq->size; i++)
		vq->dx[i] = (struct vq_desc_extra){ .next = (uint16_t)((i + 1) & (vq->size - 1)) };
	vq->num_free = vq->size;
	vq->inflight = 0;
	vq->intr_enabled = false;
	vq->broken = false;
	vq->in_batch = false;
	virtqueue_ring_addrs(vq, &a);
	if (vq->packed_ring) {
		vq->packed = (struct vq_packed){
			.desc = a.desc_va,
			.driver_event = a.driver_va,
			.device_event = a.device_va,
		};
		vq_packed_init(vq);
	} else {
		vq->split = (struct vq_split){
			.desc = a.desc_va,
			.avail = a.driver_va,
			.used = a.device_va,
		};
		vq->split.used_event = &vq->split.avail->ring[vq->size];
		vq->split.avail_event =
			(const uint16_t *)(const void *)&vq->split.used->ring[vq->size];
		vq_split_init(vq);
	}
}

struct virtqueue *virtqueue_create(uint16_t size, unsigned int flags, void *ring_va,
				   prt_iova_t ring_iova, uint16_t queue_index,
				   virtqueue_notify_t notify, void *notify_arg)
{
	size_t ring_len = virtqueue_ring_size(size, flags);
	struct virtqueue *vq;

	if (ring_len == 0 || ring_va == NULL || notify == NULL ||
	    (flags & ~(VQ_F_PACKED | VQ_F_EVENT_IDX | VQ_F_IN_ORDER | VQ_F_INDIRECT))) {
		errno = EINVAL;
		return NULL;
	}
	vq = aligned_alloc(PRT_CACHE_LINE_SIZE,
			   PRT_ALIGN_CEIL(sizeof(*vq) + sizeof(vq->dx[0]) * size,
					  (size_t)PRT_CACHE_LINE_SIZE));
	if (vq == NULL) {
		errno = ENOMEM;
		return NULL;
	}
	memset(vq, 0, sizeof(*vq));
	vq->size = size;
	vq->packed_ring = flags & VQ_F_PACKED;
	vq->event_idx = flags & VQ_F_EVENT_IDX;
	vq->in_order = flags & VQ_F_IN_ORDER;
	vq->indirect = flags & VQ_F_INDIRECT;
	vq->queue_index = queue_index;
	vq->notify = notify;
	vq->notify_arg = notify_arg;
	vq->ring_va = ring_va;
	vq->ring_iova = ring_iova;
	vq->ring_len = ring_len;
	virtqueue_reset(vq);
	return vq;
}

void virtqueue_free(struct virtqueue *vq)
{
	free(vq);
}

void virtqueue_detach(struct virtqueue *vq, void (*fn)(void *cookie, void *arg), void *arg)
{
	uint16_t i;

	for (i = 0; i < vq->size; i++)
		if (vq->dx[i].cookie != NULL)
			fn(vq->dx[i].cookie, arg);
	virtqueue_reset(vq);
}

void vq_set_broken(struct virtqueue *vq, const char *why, uint32_t value)
{
	if (!vq->broken)
		VIRTIO_LOG(
			ERR,
			"queue %u: the device broke the virtqueue protocol (%s: %u); the queue is stopped: reset the port (stop/start) or fix the device",
			vq->queue_index, why, value);
	vq->broken = true;
}

/*
 * The table's descriptors: split (2.7.5.3) chains them by 'next' from
 * index 0; packed (2.8.19) lays them out in sequence, and WRITE is the
 * only flag it may carry (2.8.19.1), the buffer id being reserved.
 */
static void indirect_table_write(const struct virtqueue *vq, void *table, const struct vq_seg *segs,
				 uint16_t nsegs)
{
	for (uint16_t i = 0; i < nsegs; i++) {
		uint16_t wflag = segs[i].flags & VQ_SEG_WRITE;

		if (vq->packed_ring)
			((struct pvirtq_desc *)table)[i] = (struct pvirtq_desc){
				.addr = segs[i].addr, .len = segs[i].len, .flags = wflag
			};
		else
			((struct virtq_desc *)table)[i] = (struct virtq_desc){
				.addr = segs[i].addr,
				.len = segs[i].len,
				.flags =
					(uint16_t)(wflag | (i + 1 < nsegs ? VIRTQ_DESC_F_NEXT : 0)),
				.next = (uint16_t)(i + 1 < nsegs ? i + 1 : 0),
			};
	}
}

int virtqueue_add_indirect(struct virtqueue *vq, void *cookie, const struct vq_seg *segs,
			   uint16_t nsegs, void *table, prt_iova_t table_iova)
{
	uint32_t in_len, len = (uint32_t)nsegs * VQ_INDIRECT_DESC_LEN;
	int rc;

	if (!vq->indirect)
		return -ENOTSUP;
	if (nsegs > vq->size)
		return -EINVAL;
	rc = vq_check_chain(vq, cookie, segs, nsegs, 1, &in_len);
	if (rc < 0)
		return rc;
	/* The table is complete before the descriptor that makes it available
	 * (whose flags are a release store, or published by the avail index). */
	indirect_table_write(vq, table, segs, nsegs);
	if (vq->packed_ring)
		vq_packed_add_indirect(vq, cookie, table_iova, len, in_len);
	else
		vq_split_add_indirect(vq, cookie, table_iova, len, in_len);
	return 0;
}
