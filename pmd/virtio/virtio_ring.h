/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtqueue layouts of the virtio 1.2 specification (OASIS, virtio-v1.2-cs01):
 * split virtqueues (2.7) and packed virtqueues (2.8), as the device sees them
 * in shared memory. All fields are little-endian (VIRTIO_F_VERSION_1, 6.1);
 * prt runs on little-endian CPUs only, which is checked at build time.
 * Private to the virtio driver; not installed.
 */
#ifndef VIRTIO_RING_H
#define VIRTIO_RING_H

#include <stdint.h>

#if __BYTE_ORDER__ != __ORDER_LITTLE_ENDIAN__
#error "virtio: virtqueues are little-endian and prt does not byte-swap them"
#endif

/* Feature bits that concern virtqueues (6 "Reserved Feature Bits"). */
#define VIRTIO_F_INDIRECT_DESC 28
#define VIRTIO_F_RING_EVENT_IDX 29
#define VIRTIO_F_VERSION_1 32
#define VIRTIO_F_ACCESS_PLATFORM 33
#define VIRTIO_F_RING_PACKED 34
#define VIRTIO_F_IN_ORDER 35
#define VIRTIO_F_ORDER_PLATFORM 36
#define VIRTIO_F_NOTIFICATION_DATA 38

/* Largest queue size (2.7: Queue Size is at most 32768; 2.8: also for packed). */
#define VIRTQ_MAX_SIZE 32768

/* ---- Split virtqueues (2.7) ---- */

/* 2.7.5 The Virtqueue Descriptor Table: flags */
#define VIRTQ_DESC_F_NEXT 1 /* the chain continues at 'next' */
#define VIRTQ_DESC_F_WRITE 2 /* device-writable (otherwise device-readable) */
#define VIRTQ_DESC_F_INDIRECT 4 /* the buffer holds a table of descriptors (2.7.5.3) */

/* 2.7.5 The Virtqueue Descriptor Table */
struct virtq_desc {
	uint64_t addr; /* guest-physical address (an IOVA for prt) */
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};

/* 2.7.6 The Virtqueue Available Ring */
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
struct virtq_avail {
	uint16_t flags;
	uint16_t idx; /* where the driver puts the next entry, modulo the queue size */
	uint16_t ring[]; /* queue size entries, then used_event (with EVENT_IDX) */
};

/* 2.7.8 The Virtqueue Used Ring */
#define VIRTQ_USED_F_NO_NOTIFY 1
struct virtq_used_elem {
	uint32_t id; /* head of the used descriptor chain (uint32_t for padding) */
	uint32_t len; /* bytes written into the buffer */
};
struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[]; /* queue size entries, then avail_event (with EVENT_IDX) */
};

/* 2.7.2 Legacy alignment is not used: with VERSION_1 each part has its own
 * alignment (2.7 table "Virtqueue Part Alignment"): 16, 2 and 4 bytes. prt
 * aligns the used ring on 4 KiB anyway, so that driver-written and
 * device-written cache lines never mix. */
#define VIRTQ_SPLIT_USED_ALIGN 4096

/*
 * 2.7.10 Used Buffer Notification Suppression / 2.7.7: with
 * VIRTIO_F_RING_EVENT_IDX, true when the other side asked to be notified
 * once the index passes @event_idx, and the index moved from @old to @new.
 * All three are free-running 16-bit indices.
 */
static inline int virtq_need_event(uint16_t event_idx, uint16_t new_idx, uint16_t old)
{
	return (uint16_t)(new_idx - event_idx - 1) < (uint16_t)(new_idx - old);
}

/* ---- Packed virtqueues (2.8) ---- */

/* 2.8.1 Driver and Device Ring Wrap Counters / 2.8.2 Polling of available and used descriptors */
#define VIRTQ_DESC_F_AVAIL (1 << 7)
#define VIRTQ_DESC_F_USED (1 << 15)

/* 2.8.13 Packed Virtqueue Descriptors */
struct pvirtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t id; /* buffer id: not a ring position */
	uint16_t flags;
};

/* 2.8.14 Event Suppression Structure Format */
#define RING_EVENT_FLAGS_ENABLE 0x0
#define RING_EVENT_FLAGS_DISABLE 0x1
#define RING_EVENT_FLAGS_DESC 0x2 /* only with VIRTIO_F_RING_EVENT_IDX */
#define RING_EVENT_WRAP_SHIFT 15
struct pvirtq_event_suppress {
	union {
		struct {
			uint16_t off_wrap; /* descriptor ring offset (bits 0-14) and wrap counter (bit 15) */
			uint16_t flags; /* RING_EVENT_FLAGS_* */
		};
		uint32_t raw; /* both, for one atomic load or store (prt's, not the spec's) */
	};
};

/*
 * 2.8.10 Notification suppression with VIRTIO_F_RING_EVENT_IDX: true when
 * the other side asked (RING_EVENT_FLAGS_DESC, @off_wrap: descriptor offset
 * in bits 0-14, wrap counter in bit 15) to be notified once this side passes
 * that descriptor, and this side moved from @old (wrap counter @old_wrap) to
 * @new_idx (@new_wrap) in a ring of @size descriptors. Positions are counted
 * on a line where each lap is @size long: the old position and the event are
 * moved one lap back when their wrap counter differs from the current one.
 * Used by the driver (its avail side) and net_vhost (its used side).
 */
static inline int virtq_packed_need_event(uint16_t off_wrap, uint16_t new_idx, uint16_t new_wrap,
					  uint16_t old, uint16_t old_wrap, uint16_t size)
{
	uint16_t event = off_wrap & ~(1u << RING_EVENT_WRAP_SHIFT);

	if ((off_wrap >> RING_EVENT_WRAP_SHIFT) != new_wrap)
		event = (uint16_t)(event - size);
	if (old_wrap != new_wrap)
		old = (uint16_t)(old - size);
	return virtq_need_event(event, new_idx, old);
}

/* 2.8.10.1 Structure Size and Alignment: 16 bytes for the ring, 4 for each
 * event suppression area. */
#define VIRTQ_PACKED_DESC_ALIGN 16
#define VIRTQ_PACKED_EVENT_ALIGN 4

#endif /* VIRTIO_RING_H */
