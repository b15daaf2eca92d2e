/* SPDX-License-Identifier: BSD-3-Clause */
/* The simulated virtio device of vq_sim.h. */
#include <errno.h>
#include <string.h>

#include "prt_atomic.h"
#include "vq_sim.h"

void vq_sim_init(struct vq_sim *sim, const struct virtqueue *vq)
{
	memset(sim, 0, sizeof(*sim));
	sim->packed = vq->packed_ring;
	sim->size = vq->size;
	virtqueue_ring_addrs(vq, &sim->ring);
	sim->avail_wrap = 1;
	sim->used_wrap = 1;
}

/*
 * Follows an indirect table (2.7.5.3 split: chained by 'next' from index 0;
 * 2.8.19 packed: in sequence) into @buf. The rules a device relies on are
 * checked: a whole number of descriptors, no table inside a table, no more
 * descriptors than the queue size.
 */
static int indirect_pop(struct vq_sim *sim, uint64_t addr, uint32_t len, struct vq_sim_buf *buf)
{
	const void *table = (const void *)(uintptr_t)addr;
	uint64_t off = addr - (uintptr_t)sim->tables;
	uint32_t count = len / VQ_INDIRECT_DESC_LEN;
	uint16_t n = 0, i = 0;

	if (len == 0 || len % VQ_INDIRECT_DESC_LEN != 0)
		return -EPROTO;
	if (addr < (uintptr_t)sim->tables || off > sim->tables_len || len > sim->tables_len - off)
		return -EFAULT;
	if (count > sim->size || count > VQ_SIM_MAX_SEGS)
		return -ELOOP;
	for (;;) {
		uint64_t addr;
		uint32_t l;
		uint16_t f;
		bool more;

		/* memcpy: a scribbled descriptor may point anywhere in the tables, aligned or not */
		if (sim->packed) {
			struct pvirtq_desc d;

			memcpy(&d, (const uint8_t *)table + (size_t)i * sizeof(d), sizeof(d));
			addr = d.addr, l = d.len, f = d.flags;
			more = ++i < count;
			if (f & ~VIRTQ_DESC_F_WRITE)
				return -EPROTO; /* 2.8.19.1: WRITE is the only flag */
		} else {
			struct virtq_desc d;

			memcpy(&d, (const uint8_t *)table + (size_t)i * sizeof(d), sizeof(d));
			addr = d.addr, l = d.len, f = d.flags;
			more = f & VIRTQ_DESC_F_NEXT;
			i = d.next;
			if (f & VIRTQ_DESC_F_INDIRECT)
				return -EPROTO; /* 2.7.5.3.1: one table, no nesting */
			if (more && (i >= count || n + 1u >= count))
				return -ELOOP;
		}
		buf->segs[n].addr = addr;
		buf->segs[n].len = l;
		buf->segs[n].flags = f & VIRTQ_DESC_F_WRITE;
		n++;
		if (!more)
			break;
	}
	buf->nsegs = n;
	buf->indirect = true;
	return 1;
}

void vq_sim_allow_tables(struct vq_sim *sim, const void *mem, size_t len)
{
	sim->tables = mem;
	sim->tables_len = len;
}

static int split_pop(struct vq_sim *sim, struct vq_sim_buf *buf)
{
	struct virtq_avail *avail = sim->ring.driver_va;
	struct virtq_desc *desc = sim->ring.desc_va;
	uint16_t idx = prt_atomic_load(&avail->idx, memory_order_acquire), d, n = 0;

	if (idx == sim->last_avail)
		return 0;
	d = avail->ring[sim->last_avail & (sim->size - 1)];
	sim->last_avail++;
	buf->id = d;
	buf->indirect = false;
	if (d < sim->size && (desc[d].flags & VIRTQ_DESC_F_INDIRECT)) {
		if (desc[d].flags & VIRTQ_DESC_F_NEXT)
			return -EPROTO; /* 2.7.5.3.1 */
		buf->ndescs = 1;
		return indirect_pop(sim, desc[d].addr, desc[d].len, buf);
	}
	for (;;) {
		if (d >= sim->size || n >= sim->size || n >= VQ_SIM_MAX_SEGS)
			return -ELOOP;
		buf->segs[n].addr = desc[d].addr;
		buf->segs[n].len = desc[d].len;
		buf->segs[n].flags = desc[d].flags & VIRTQ_DESC_F_WRITE;
		n++;
		if (!(desc[d].flags & VIRTQ_DESC_F_NEXT))
			break;
		d = desc[d].next;
	}
	buf->ndescs = n;
	buf->nsegs = n;
	return 1;
}

static int packed_pop(struct vq_sim *sim, struct vq_sim_buf *buf)
{
	struct pvirtq_desc *desc = sim->ring.desc_va;
	uint16_t n = 0;

	for (;;) {
		struct pvirtq_desc *d = &desc[sim->avail_pos];
		uint16_t f = prt_atomic_load(&d->flags, memory_order_acquire);
		bool avail = !!(f & VIRTQ_DESC_F_AVAIL) == sim->avail_wrap &&
			     !!(f & VIRTQ_DESC_F_USED) != sim->avail_wrap;

		if (!avail)
			return n == 0 ? 0 : -ELOOP; /* a chain cut short */
		if (n >= sim->size || n >= VQ_SIM_MAX_SEGS)
			return -ELOOP;
		if (f & VIRTQ_DESC_F_INDIRECT) {
			if (n > 0 || (f & VIRTQ_DESC_F_NEXT))
				return -EPROTO; /* 2.8.19.1: not in a chain */
			buf->id = d->id;
			buf->ndescs = 1;
			if (++sim->avail_pos == sim->size) {
				sim->avail_pos = 0;
				sim->avail_wrap ^= 1;
			}
			return indirect_pop(sim, d->addr, d->len, buf);
		}
		buf->segs[n].addr = d->addr;
		buf->segs[n].len = d->len;
		buf->segs[n].flags = f & VIRTQ_DESC_F_WRITE;
		buf->id = d->id; /* 2.8.6: the last descriptor's id counts */
		n++;
		if (++sim->avail_pos == sim->size) {
			sim->avail_pos = 0;
			sim->avail_wrap ^= 1;
		}
		if (!(f & VIRTQ_DESC_F_NEXT))
			break;
	}
	buf->ndescs = n;
	buf->nsegs = n;
	buf->indirect = false;
	return 1;
}

int vq_sim_pop(struct vq_sim *sim, struct vq_sim_buf *buf)
{
	return sim->packed ? packed_pop(sim, buf) : split_pop(sim, buf);
}

void vq_sim_push(struct vq_sim *sim, const struct vq_sim_buf *buf, uint32_t len)
{
	if (sim->packed) {
		struct pvirtq_desc *d = &((struct pvirtq_desc *)sim->ring.desc_va)[sim->used_pos];
		uint16_t f = sim->used_wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0;

		d->id = buf->id;
		d->len = len;
		prt_atomic_store(&d->flags, f, memory_order_release);
		sim->used_pos += buf->ndescs;
		if (sim->used_pos >= sim->size) {
			sim->used_pos -= sim->size;
			sim->used_wrap ^= 1;
		}
	} else {
		struct virtq_used *used = sim->ring.device_va;

		used->ring[sim->used_idx & (sim->size - 1)] =
			(struct virtq_used_elem){ .id = buf->id, .len = len };
		sim->used_idx++;
	}
}

void vq_sim_push_batch(struct vq_sim *sim, const struct vq_sim_buf *bufs, uint16_t n, uint32_t len)
{
	uint16_t skipped = 0;

	if (n == 0)
		return;
	for (uint16_t i = 0; i + 1 < n; i++)
		skipped = (uint16_t)(skipped + (sim->packed ? bufs[i].ndescs : 1));
	/* Written where the batch begins, then the device moves past the rest. */
	vq_sim_push(sim, &bufs[n - 1], len);
	if (sim->packed) {
		sim->used_pos = (uint16_t)(sim->used_pos + skipped);
		if (sim->used_pos >= sim->size) {
			sim->used_pos = (uint16_t)(sim->used_pos - sim->size);
			sim->used_wrap ^= 1;
		}
	} else {
		sim->used_idx = (uint16_t)(sim->used_idx + skipped);
	}
}

void vq_sim_publish(struct vq_sim *sim)
{
	struct virtq_used *used = sim->ring.device_va;

	if (!sim->packed)
		prt_atomic_store(&used->idx, sim->used_idx, memory_order_release);
}

void vq_sim_set_notify(struct vq_sim *sim, bool enable)
{
	if (sim->packed) {
		struct pvirtq_event_suppress *ev = sim->ring.device_va;

		ev->flags = enable ? RING_EVENT_FLAGS_ENABLE : RING_EVENT_FLAGS_DISABLE;
	} else {
		struct virtq_used *used = sim->ring.device_va;

		used->flags = enable ? 0 : VIRTQ_USED_F_NO_NOTIFY;
	}
}

void vq_sim_set_event(struct vq_sim *sim, uint16_t off, uint16_t wrap)
{
	if (sim->packed) {
		struct pvirtq_event_suppress *ev = sim->ring.device_va;

		ev->off_wrap = (uint16_t)(off | (wrap << RING_EVENT_WRAP_SHIFT));
		ev->flags = RING_EVENT_FLAGS_DESC;
	} else {
		struct virtq_used *used = sim->ring.device_va;

		uint16_t *avail_event = (uint16_t *)(void *)&used->ring[sim->size];

		*avail_event = off;
	}
}
