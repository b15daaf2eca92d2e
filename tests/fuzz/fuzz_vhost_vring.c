/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: net_vhost's data path (pmd/vhost/vhost_vring.c) walking
 * split (2.7) or packed (2.8) virtqueues that a hostile front-end wrote,
 * through the memory table (vhost_mem.h). No socket: the input plays the
 * front-end.
 *
 * Input (every read past its end is 0):
 *   byte 0   features: 1 MRG_RXBUF, 2 EVENT_IDX, 4 a call eventfd on vring 0,
 *            8 one on vring 1, 16 RING_PACKED (both rings packed, as
 *            SET_FEATURES makes them)
 *   byte 1   regions - 1 (mod 8); each region: size (u16, bytes, 0 allowed),
 *            gpa (u64), uva (u64): anything, overlapping or wrapping
 *   then, for vring 0 (the front-end's rx: vhost_tx_burst() fills it) and
 *   vring 1 (its tx: vhost_rx_burst() takes from it):
 *            size code (u8: below 16, 1 << code; else a u32 as it comes,
 *            through vhost_msg_parse()'s SET_VRING_NUM, which must refuse
 *            what is not a power of two up to 32768), the desc, avail and
 *            used addresses (each an address, below; packed: the descriptor
 *            ring, the driver and the device event areas), the base (u16;
 *            packed: bits 0-14 the index, bit 15 the wrap counter)
 *   then operations to the end: descriptors, whole chains, avail entries,
 *   avail index jumps, avail flags and used_event, bytes anywhere in a
 *   region, a new base (SET_VRING_BASE), translations, and bursts of
 *   either direction. On packed rings the avail operations are the
 *   driver's: a flip of its wrap counter (or a jump of its next slot), and
 *   the driver event suppression area (flags, off_wrap); a descriptor
 *   carries its buffer id, and AVAIL/USED right for the driver's wrap
 *   counter or as the input has them.
 * An address is a byte: with bit 7 a raw u64 follows; else region (byte %
 * regions) and a u32 offset into it (the front-end's address of it: gpa for
 * descriptors, uva for the rings).
 *
 * Each region is its own heap allocation of exactly its size, so ASan
 * reports any access past a region. Besides that, after each burst: every
 * mbuf is a chain as it says, 1..VHOST_MAX_FRAME bytes; used->idx moved by
 * what the burst took; the counters (bad_desc, too_big, nombuf, packets,
 * bytes, errors) agree with what it returned; and when the rings and the
 * buffers do not overlap (a front-end may make them; then what the burst
 * reads can change under it and only the checks above hold), the used
 * entries name the heads made available, in order, each dequeued frame is
 * the bytes of its chain after the header (a reference walk of the chain,
 * here), enqueued lengths add up, and the front-end is notified exactly
 * when it asked. Packed rings likewise: after each burst the device's
 * position and wrap counter are its avail side's, nothing left unwritten;
 * where the parts and the writable buffers do not overlap and the
 * available chains fit one lap, a reference walk of a copy of the
 * descriptor ring taken before the burst gives the chains, and the used
 * descriptors carry their buffer ids, in order, at their heads' slots, with
 * AVAIL and USED as the device's wrap counter, the frames their bytes, and
 * the call comes exactly when the driver event area asked. At the end
 * every mbuf is back in the pool.
 */
#include <sys/eventfd.h>

#include "fuzz_common.h"

#include "vhost_msg.h"
#include "vhost_private.h"
#include "virtio_net.h"

#define BUF_LEN 2048
#define POOL_MBUFS 512
#define BURST 32
#define TX_FRAMES 8
#define TX_SEGS 8
#define HOLD_MAX 64

static struct prt_mempool *mp;
static struct prt_eth_dev *port;
static int callfd[2];
static struct vhost_dev dev;
static uint8_t ref_frame[VHOST_MAX_FRAME];

/* The front-end's view of one vring: where its parts are in our memory. */
struct ring {
	struct vhost_vring *vr;
	uint16_t size;
	bool ready;
	bool mapped; /* its parts translated once: the front-end may write them */
	bool packed;
	uint16_t drv_next; /* packed: the driver's next descriptor slot */
	bool drv_wrap; /* packed: the driver's wrap counter (2.8.1) */
	uintptr_t desc, avail, used; /* host addresses */
	size_t desc_len, avail_len, used_len;
};

/* The input's guest: the regions and the two rings. */
struct guest {
	uint32_t n;
	uint8_t *host[VHOST_MEMORY_MAX_NREGIONS];
	struct ring ring[2];
	struct prt_mbuf *held[HOLD_MAX];
	unsigned int nheld;
};

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	fuzz_eal_init();
	mp = prt_pktmbuf_pool_create("fuzz_vhost_vring", POOL_MBUFS, 0, 0,
				     BUF_LEN + PRT_PKTMBUF_HEADROOM, PRT_SOCKET_ID_ANY);
	port = prt_eth_dev_allocate("net_fuzz_vhost0", 0);
	callfd[0] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	callfd[1] = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
	fuzz_check(mp != NULL && port != NULL && callfd[0] >= 0 && callfd[1] >= 0);
	return 0;
}

/* A u64 of the input, low half first. */
static uint64_t fuzz_u64(struct fuzz_input *in)
{
	return (uint64_t)fuzz_u32(in) | (uint64_t)fuzz_u32(in) << 32;
}

/* An address as the header says: raw, or an offset into a region (gpa or uva). */
static uint64_t fuzz_addr(struct fuzz_input *in, bool uva)
{
	uint8_t b = fuzz_u8(in);
	const struct vhost_mem_region *r = &dev.mem.r[b % dev.mem.n];

	if (b & 0x80)
		return fuzz_u64(in);
	return (uva ? r->uva : r->gpa) + fuzz_u32(in);
}

/* Whether the host ranges [@a, @a + @alen) and [@b, @b + @blen) share a byte. */
static bool overlap(uintptr_t a, size_t alen, uintptr_t b, size_t blen)
{
	return a < b + blen && b < a + alen;
}

/*
 * Our own translation, as vhost_mem.h promises it: the first region that
 * holds the whole range; NULL for none or a zero length. A region that
 * wraps past 2^64 (the parser refuses them; the data path must not care)
 * holds addresses modulo 2^64.
 */
static uint8_t *ref_translate(uint64_t addr, uint64_t len, bool uva)
{
	if (len == 0)
		return NULL;
	for (uint32_t i = 0; i < dev.mem.n; i++) {
		const struct vhost_mem_region *r = &dev.mem.r[i];
		uint64_t start = uva ? r->uva : r->gpa;

		if (addr - start < r->size && len <= r->size - (addr - start))
			return r->host + (addr - start);
	}
	return NULL;
}

/* True when @len bytes at @p lie inside one region's allocation. */
static bool in_regions(const void *p, size_t len)
{
	for (uint32_t i = 0; i < dev.mem.n; i++)
		if (len <= dev.mem.r[i].size && (uintptr_t)p >= (uintptr_t)dev.mem.r[i].host &&
		    (uintptr_t)p - (uintptr_t)dev.mem.r[i].host <= dev.mem.r[i].size - len)
			return true;
	return false;
}

/* ---- set-up: the memory table and the vrings, as the control path does it ---- */

/* The memory table: 1..8 regions, each an exact heap allocation. */
static void guest_regions(struct guest *g, struct fuzz_input *in)
{
	g->n = fuzz_u8(in) % VHOST_MEMORY_MAX_NREGIONS + 1;
	for (uint32_t i = 0; i < g->n; i++) {
		struct vhost_mem_region *r = &dev.mem.r[i];
		uint16_t size = fuzz_u16(in);

		/* Exactly the region's bytes: ASan reports a byte past it. */
		g->host[i] = size ? calloc(1, size) : NULL;
		fuzz_check(size == 0 || g->host[i] != NULL);
		r->size = size;
		r->gpa = fuzz_u64(in);
		r->uva = fuzz_u64(in);
		r->host = g->host[i];
	}
	dev.mem.n = g->n;
}

/* A control message through the back-end's parser: @return 0 when it accepts it. */
static int msg_parse(uint32_t request, const void *payload, uint32_t size,
		     struct vhost_user_msg *out)
{
	struct vhost_user_msg m = { .request = request, .flags = VHOST_USER_VERSION, .size = size };
	const char *why = NULL;
	int ret;

	memcpy(&m.payload, payload, size);
	ret = vhost_msg_parse(&m, VHOST_USER_HDR_SIZE + size, 0, 2, out, &why);
	fuzz_check(ret == 0 || why != NULL);
	return ret;
}

/*
 * Writes the ring's indexes as a front-end that resumes at @base would:
 * SET_VRING_BASE through the parser, then as vhost_backend.c applies it
 * (packed: bits 0-14 the next descriptor, bit 15 its wrap counter, the used
 * side there too). A packed base beyond the size leaves the ring not ready.
 */
static void ring_base(struct ring *r, uint16_t base)
{
	struct vhost_vring_state st = { .index = r->vr->addr.index, .num = base };
	struct vhost_vring *vr = r->vr;
	struct vhost_user_msg m;
	int ret;

	fuzz_check(msg_parse(VHOST_USER_SET_VRING_BASE, &st, sizeof(st), &m) == 0);
	vhost_vring_quiesce(vr);
	vhost_vring_set_base(vr, m.payload.state.num);
	ret = vhost_vring_update(&dev, vr);
	r->ready = ret == 0 && vr->ready;
	/* -ERANGE exactly for a packed base beyond the size (else -EFAULT or 0). */
	fuzz_check((ret == -ERANGE) ==
		   (vr->packed && vr->have_num && (base & 0x7fff) >= vr->size && dev.mem.n > 0));
	if (!r->ready)
		return;
	if (vr->packed) {
		r->drv_next = base & 0x7fff;
		r->drv_wrap = base >> 15;
	} else {
		vr->avail->idx = base;
		vr->used->idx = base;
	}
}

/*
 * Vring @i as the control path sets it up: SET_VRING_NUM and SET_VRING_ADDR
 * through the parser, then KICK, ENABLE and BASE, and vhost_vring_update().
 * It must become ready exactly when its size is good and its three parts
 * translate whole and aligned.
 */
static void guest_ring(struct ring *r, unsigned int i, struct fuzz_input *in)
{
	struct vhost_vring_state st = { .index = i };
	struct vhost_vring_addr addr = { .index = i };
	struct vhost_user_msg m;
	uint8_t code = fuzz_u8(in);
	struct vhost_vring *vr = &dev.vr[i];
	uint8_t *desc, *avail, *used;
	uint16_t base;
	bool valid;
	int ret;

	r->vr = vr;
	r->packed = vr->packed;
	st.num = code < 16 ? 1u << code : fuzz_u32(in);
	valid = st.num > 0 && st.num <= VIRTQ_MAX_SIZE && !(st.num & (st.num - 1));
	addr.desc_user_addr = fuzz_addr(in, true);
	addr.avail_user_addr = fuzz_addr(in, true);
	addr.used_user_addr = fuzz_addr(in, true);
	/* SET_VRING_NUM: a bogus size must be refused, a good one taken. */
	ret = msg_parse(VHOST_USER_SET_VRING_NUM, &st, sizeof(st), &m);
	fuzz_check((ret == 0) == valid);
	if (ret == 0) {
		vr->size = (uint16_t)m.payload.state.num;
		vr->have_num = true;
	}
	fuzz_check(msg_parse(VHOST_USER_SET_VRING_ADDR, &addr, sizeof(addr), &m) == 0);
	vr->addr = m.payload.addr;
	vr->have_addr = true;
	vr->started = vr->enabled = true; /* SET_VRING_KICK, SET_VRING_ENABLE */
	vr->mp = mp;
	base = fuzz_u16(in);
	ring_base(r, base);
	/* A size the parser refused leaves the ring not ready. */
	if (!valid) {
		fuzz_check(!r->ready && !vr->ready);
		return;
	}
	r->size = vr->size;
	if (r->packed) {
		r->desc_len = (size_t)r->size * sizeof(struct pvirtq_desc);
		r->avail_len = r->used_len = sizeof(struct pvirtq_event_suppress);
	} else {
		r->desc_len = (size_t)r->size * sizeof(struct virtq_desc);
		r->avail_len = 6 + 2 * (size_t)r->size;
		r->used_len = 6 + (size_t)r->size * sizeof(struct virtq_used_elem);
	}
	desc = ref_translate(addr.desc_user_addr, r->desc_len, true);
	avail = ref_translate(addr.avail_user_addr, r->avail_len, true);
	used = ref_translate(addr.used_user_addr, r->used_len, true);
	/* Ready exactly when the parts are inside the table, whole, and aligned
	 * (2.7: 16, 2, 4; 2.8.10.1: 16, 4, 4), and a packed base within the ring. */
	valid = desc && avail && used && !((uintptr_t)desc & 15) &&
		!((uintptr_t)avail & (r->packed ? 3 : 1)) && !((uintptr_t)used & 3);
	fuzz_check(r->ready == (valid && (!r->packed || vr->pos.last_avail < r->size)));
	if (!valid)
		return;
	r->mapped = true;
	if (!r->ready) {
		/* A packed base beyond the size: mapped by a later SET_VRING_BASE. */
		r->desc = (uintptr_t)desc;
		r->avail = (uintptr_t)avail;
		r->used = (uintptr_t)used;
		return;
	}
	fuzz_check((uint8_t *)vr->desc == desc && (uint8_t *)vr->avail == avail &&
		   (uint8_t *)vr->used == used);
	fuzz_check(in_regions(desc, r->desc_len) && in_regions(avail, r->avail_len) &&
		   in_regions(used, r->used_len));
	r->desc = (uintptr_t)desc;
	r->avail = (uintptr_t)avail;
	r->used = (uintptr_t)used;
}

/* ---- the front-end's operations ---- */

/* The ring a byte of the input names; NULL when it is not ready. */
static struct ring *pick_ring(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = &g->ring[fuzz_u8(in) & 1];

	return r->mapped ? r : NULL;
}

/* Packed descriptor @i (modulo the size). */
static struct pvirtq_desc *pdesc_at(struct ring *r, uint16_t i)
{
	return &((struct pvirtq_desc *)r->desc)[i & (r->size - 1)];
}

/* The AVAIL and USED bits of a descriptor the driver makes available with wrap counter @wrap (2.8.1). */
static uint16_t avail_bits(bool wrap)
{
	return wrap ? VIRTQ_DESC_F_AVAIL : VIRTQ_DESC_F_USED;
}

/*
 * Packed: one descriptor at any slot (index, address, length byte as
 * op_desc(), id, flags), then a byte: with bit 0 its AVAIL/USED bits are
 * made right for the driver's wrap counter, else they stay as the input has
 * them. The flags are stored last, with release, as a driver does (2.8.21.1).
 */
static void op_pdesc(struct ring *r, struct fuzz_input *in)
{
	struct pvirtq_desc *d = pdesc_at(r, fuzz_u16(in));
	uint16_t flags;
	uint8_t lb;

	d->addr = fuzz_addr(in, false);
	lb = fuzz_u8(in);
	d->len = lb & 0x40 ? fuzz_u32(in) : fuzz_u16(in);
	d->id = fuzz_u16(in);
	flags = fuzz_u16(in);
	if (fuzz_u8(in) & 1)
		flags = (uint16_t)((flags & ~(VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED)) |
				   avail_bits(r->drv_wrap));
	prt_atomic_store(&d->flags, flags, memory_order_release);
}

/*
 * Packed: a whole chain at the driver's next slot, as a driver makes a
 * buffer available (2.8.21.1): count (1..16), flags for all (NEXT added but
 * on the last, AVAIL/USED set for the driver's wrap counter), the buffer id
 * (u16: below the size but with bit 15), then per descriptor an address and
 * a length (u16); the head's flags are written last. The driver's slot and
 * wrap counter move on past it, the counter flipping at the ring's end.
 */
static void op_pchain(struct ring *r, struct fuzz_input *in)
{
	uint8_t n = fuzz_u8(in) % 16 + 1;
	uint16_t flags = fuzz_u16(in) &
			 ~(VIRTQ_DESC_F_NEXT | VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED);
	uint16_t id = fuzz_u16(in), head = r->drv_next, head_flags = 0;

	if (!(id & 0x8000))
		id &= (uint16_t)(r->size - 1);
	for (uint8_t k = 0; k < n; k++) {
		struct pvirtq_desc *d = pdesc_at(r, r->drv_next);
		uint16_t f = (uint16_t)(flags | avail_bits(r->drv_wrap) |
					(k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));

		d->addr = fuzz_addr(in, false);
		d->len = fuzz_u16(in);
		d->id = id;
		if (k == 0)
			head_flags = f;
		else
			prt_atomic_store(&d->flags, f, memory_order_release);
		if (++r->drv_next == r->size) {
			r->drv_next = 0;
			r->drv_wrap ^= 1;
		}
	}
	prt_atomic_store(&pdesc_at(r, head)->flags, head_flags, memory_order_release);
}

/* Packed: the driver's wrap counter flipped (bit 0: with its next slot back to 0, as at the
 * ring's end), or its next slot moved anywhere (a driver that skips or goes back). */
static void op_pwrap(struct ring *r, struct fuzz_input *in)
{
	uint8_t how = fuzz_u8(in);

	if (how & 2) {
		r->drv_next = (uint16_t)(fuzz_u16(in) & (r->size - 1));
		return;
	}
	r->drv_wrap ^= 1;
	if (how & 1)
		r->drv_next = 0;
}

/* Packed: the driver event suppression area (2.8.14): flags (a byte: below 3 ENABLE, DISABLE,
 * DESC; else a u16 as it comes) and off_wrap, stored at once. */
static void op_pevent(struct ring *r, struct fuzz_input *in)
{
	struct pvirtq_event_suppress *e = (struct pvirtq_event_suppress *)r->avail;
	uint8_t fb = fuzz_u8(in);
	uint16_t flags = fb < 3 ? fb : fuzz_u16(in), off_wrap = fuzz_u16(in);

	prt_atomic_store(&e->raw, (uint32_t)flags << 16 | off_wrap, memory_order_release);
}

/* Descriptor @i (modulo the size). */
static struct virtq_desc *desc_at(struct ring *r, uint16_t i)
{
	return &((struct virtq_desc *)r->desc)[i & (r->size - 1)];
}

/* Used ring entry @i (modulo the size). */
static const struct virtq_used_elem *used_at(const struct ring *r, uint16_t i)
{
	return &((const struct virtq_used *)r->used)->ring[i & (r->size - 1)];
}

/* Makes @head available as the front-end does: the entry, then the index. */
static void avail_push(struct ring *r, uint16_t head)
{
	struct virtq_avail *a = (struct virtq_avail *)r->avail;

	a->ring[a->idx & (r->size - 1)] = head;
	a->idx++;
}

/* One descriptor: index, address, length (a byte: with bit 6 a u32 follows, else a u16), flags, next. */
static void op_desc(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = pick_ring(g, in);
	struct virtq_desc d;
	uint8_t lb;
	uint16_t i;

	if (r == NULL)
		return;
	if (r->packed) {
		op_pdesc(r, in);
		return;
	}
	i = fuzz_u16(in);
	d.addr = fuzz_addr(in, false);
	lb = fuzz_u8(in);
	d.len = lb & 0x40 ? fuzz_u32(in) : fuzz_u16(in);
	d.flags = fuzz_u16(in);
	d.next = fuzz_u16(in);
	*desc_at(r, i) = d;
}

/*
 * A whole chain, made available: first descriptor, count (1..16), flags for
 * all (NEXT added but on the last), then per descriptor an address and a
 * length (u16); descriptor k + 1 follows k.
 */
static void op_chain(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = pick_ring(g, in);
	uint16_t first, flags;
	uint8_t n;

	if (r == NULL)
		return;
	if (r->packed) {
		op_pchain(r, in);
		return;
	}
	first = (uint16_t)(fuzz_u16(in) & (r->size - 1));
	n = fuzz_u8(in) % 16 + 1;
	flags = fuzz_u16(in) & ~VIRTQ_DESC_F_NEXT;
	for (uint8_t k = 0; k < n; k++) {
		struct virtq_desc *d = desc_at(r, (uint16_t)(first + k));

		d->addr = fuzz_addr(in, false);
		d->len = fuzz_u16(in);
		d->flags = (uint16_t)(flags | (k + 1 < n ? VIRTQ_DESC_F_NEXT : 0));
		d->next = (uint16_t)((first + k + 1) & (r->size - 1));
	}
	avail_push(r, first);
}

/* Up to 8 avail entries, any head (out of range too). */
static void op_avail(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = pick_ring(g, in);

	if (r == NULL)
		return;
	if (r->packed) {
		op_pwrap(r, in);
		return;
	}
	for (uint8_t n = fuzz_u8(in) % 8 + 1; n > 0; n--)
		avail_push(r, fuzz_u16(in));
}

/* The avail index moved by any amount (a runaway front-end), or set. */
static void op_avail_idx(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = pick_ring(g, in);
	struct virtq_avail *a;
	uint8_t how;

	if (r == NULL)
		return;
	if (r->packed) {
		op_pwrap(r, in);
		return;
	}
	a = (struct virtq_avail *)r->avail;
	how = fuzz_u8(in);
	if (how & 1)
		a->idx = fuzz_u16(in);
	else
		a->idx = (uint16_t)(a->idx + fuzz_u16(in));
}

/* The front-end's wishes: avail->flags and used_event. */
static void op_avail_flags(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = pick_ring(g, in);
	struct virtq_avail *a;

	if (r == NULL)
		return;
	if (r->packed) {
		op_pevent(r, in);
		return;
	}
	a = (struct virtq_avail *)r->avail;
	a->flags = fuzz_u16(in);
	a->ring[r->size] = fuzz_u16(in);
}

/* Up to 32 bytes anywhere in a region (ring parts, buffers). */
static void op_poke(struct guest *g, struct fuzz_input *in)
{
	uint32_t i = fuzz_u8(in) % g->n;
	uint16_t off = fuzz_u16(in);
	uint8_t n = fuzz_u8(in) % 32 + 1;

	for (uint8_t k = 0; k < n; k++) {
		uint8_t v = fuzz_u8(in);

		if ((uint32_t)off + k < dev.mem.r[i].size)
			g->host[i][off + k] = v;
	}
}

/* A translation asked directly: the same answer as ours, inside a region. */
static void op_translate(struct fuzz_input *in)
{
	bool uva = fuzz_u8(in) & 1;
	uint64_t addr = fuzz_addr(in, uva), len = fuzz_u32(in);
	void *p = uva ? vhost_uva_to_va(&dev.mem, addr, len) : vhost_gpa_to_va(&dev.mem, addr, len);

	fuzz_check(p == (void *)ref_translate(addr, len, uva));
	fuzz_check(p == NULL || in_regions(p, len));
}

/* The front-end resumes the ring at another index (SET_VRING_BASE): a broken ring works again. */
static void op_base(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = &g->ring[fuzz_u8(in) & 1];
	uint16_t base = fuzz_u16(in);

	if (r->vr == NULL || !r->mapped)
		return;
	ring_base(r, base);
	fuzz_check(r->ready == (!r->packed || (base & 0x7fff) < r->size));
	fuzz_check(!r->ready || (!r->vr->broken && (uintptr_t)r->vr->desc == r->desc));
}

/* ---- bursts and what must hold after them ---- */

/* The counters of a vring, before and after a burst. */
struct counters {
	uint64_t packets, bytes, errors, bad_desc, too_big, nombuf, stopped;
};

/* Reads @vr's counters into @c. */
static void counters_read(const struct vhost_vring *vr, struct counters *c)
{
	c->packets = vr->stats.packets;
	c->bytes = vr->stats.bytes;
	c->errors = vr->stats.errors;
	c->bad_desc = vr->bad_desc;
	c->too_big = vr->too_big;
	c->nombuf = vr->nombuf;
	c->stopped = vr->stopped;
}

/* A burst that broke the ring counted it once (vhost_ring_stopped); no other did. */
static void check_stopped(const struct vhost_vring *vr, const struct counters *c0,
			  const struct counters *c1, bool was_broken)
{
	fuzz_check(c1->stopped - c0->stopped == (uint64_t)(vr->broken && !was_broken));
}

/* The avail entries from last_avail on, as the burst will find them. */
struct snapshot {
	int avail; /* entries available; -1 when the index is more than the ring ahead */
	uint16_t head[VIRTQ_MAX_SIZE];
	int32_t ref[VIRTQ_MAX_SIZE]; /* dequeue: each chain's frame length, -1 refused */
	bool broken;
};

static struct snapshot snap;

/* Fills snap from ring @r just before a burst. */
static void snapshot_take(const struct ring *r)
{
	const struct virtq_avail *a = (const struct virtq_avail *)r->avail;
	uint16_t n = (uint16_t)(a->idx - r->vr->pos.last_avail);

	snap.broken = r->vr->broken;
	snap.avail = n > r->size ? -1 : n;
	for (uint16_t k = 0; snap.avail > 0 && k < n; k++)
		snap.head[k] = a->ring[(uint16_t)(r->vr->pos.last_avail + k) & (r->size - 1)];
}

/* Whether the ring's three parts are apart from each other. */
static bool parts_apart(const struct ring *r)
{
	return !overlap(r->desc, r->desc_len, r->avail, r->avail_len) &&
	       !overlap(r->desc, r->desc_len, r->used, r->used_len) &&
	       !overlap(r->avail, r->avail_len, r->used, r->used_len);
}

/* Checks the notification: a call exactly when the front-end asked for one (2.7.10). */
static void check_call(const struct ring *r, uint16_t old, bool strict)
{
	const struct virtq_avail *a = (const struct virtq_avail *)r->avail;
	eventfd_t v = 0;
	bool called, want;

	if (r->vr->callfd < 0)
		return;
	called = eventfd_read(r->vr->callfd, &v) == 0 && v > 0;
	if (r->vr->pos.last_used == old) {
		fuzz_check(!called);
		return;
	}
	if (!strict)
		return;
	if (r->vr->event_idx)
		want = virtq_need_event(a->ring[r->size], r->vr->pos.last_used, old);
	else
		want = !(a->flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
	fuzz_check(called == want);
}

/*
 * What a burst must leave whatever the ring holds. @ids: the used entries
 * it wrote are still there (nothing the burst wrote lies over the used ring).
 */
static void check_common(const struct ring *r, uint16_t old_avail, uint16_t old_used, bool ids)
{
	const struct vhost_vring *vr = r->vr;
	uint16_t took = (uint16_t)(vr->pos.last_avail - old_avail);

	/* One used entry per avail entry taken, published with one index store. */
	fuzz_check((uint16_t)(vr->pos.last_used - old_used) == took);
	if (snap.broken || snap.avail < 0)
		fuzz_check(took == 0);
	else
		fuzz_check(took <= snap.avail);
	if (snap.avail < 0)
		fuzz_check(vr->broken);
	if (vr->pos.last_used != old_used)
		fuzz_check(((const struct virtq_used *)r->used)->idx == vr->pos.last_used);
	for (uint16_t k = 0; ids && k < took; k++)
		fuzz_check(used_at(r, (uint16_t)(old_used + k))->id < r->size);
}

/*
 * The frame the chain at @head holds, as the spec and vhost_vring.c's
 * header say: readable descriptors only, at most min(size, VHOST_MAX_CHAIN),
 * each inside the memory table, the header skipped, 1..VHOST_MAX_FRAME bytes
 * after it. Its bytes go to ref_frame. @return its length; -1 for a chain
 * to refuse. *@touches_used is set when a buffer read overlaps the used ring.
 */
static int32_t ref_chain(const struct ring *r, uint16_t head, bool *touches_used)
{
	uint32_t limit = PRT_MIN((uint32_t)r->size, VHOST_MAX_CHAIN), skip = VIRTIO_NET_HDR_LEN;
	uint32_t total = 0;
	uint16_t idx = head;

	for (uint32_t count = 1;; count++) {
		const struct virtq_desc *d = &((const struct virtq_desc *)r->desc)[idx];
		const uint8_t *src;
		uint32_t len = d->len, s;

		if (count > limit || (d->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT)))
			return -1;
		src = ref_translate(d->addr, len, false);
		if (len && src == NULL)
			return -1;
		if (len && overlap((uintptr_t)src, len, r->used, r->used_len))
			*touches_used = true;
		s = PRT_MIN(skip, len);
		skip -= s;
		if (len - s > VHOST_MAX_FRAME - total)
			return -1;
		if (len > s)
			memcpy(ref_frame + total, src + s, len - s);
		total += len - s;
		if (!(d->flags & VIRTQ_DESC_F_NEXT))
			break;
		idx = d->next;
		if (idx >= r->size)
			return -1;
	}
	return skip || total == 0 ? -1 : (int32_t)total;
}

/* True when frame @m holds the @len bytes of ref_frame. */
static bool frame_is(const struct prt_mbuf *m, uint32_t len)
{
	uint32_t off = 0;

	if (m->pkt_len != len)
		return false;
	for (const struct prt_mbuf *s = m; s != NULL; s = s->next) {
		if (memcmp(prt_pktmbuf_mtod(s, const uint8_t *), ref_frame + off, s->data_len))
			return false;
		off += s->data_len;
	}
	return true;
}

/* ---- packed rings' bursts (2.8) ---- */

/* A chain of a packed ring as the reference walk finds it. */
struct pchain {
	uint16_t head; /* its first slot, */
	bool wrap; /* and the wrap counter there */
	uint16_t ndesc, id;
	int32_t ref; /* dequeue: its frame length, -1 refused */
};

/* The packed ring as the burst will find it, and the chains available in it. */
static struct {
	struct pvirtq_desc desc[VIRTQ_MAX_SIZE]; /* a copy of the descriptor ring */
	struct pchain ch[VIRTQ_MAX_SIZE + 1]; /* ch[n]: where the last one ends */
	uint32_t n;
	bool broken; /* the walk stopped at a chain that breaks the ring (round it, or a bad id) */
	bool lap; /* the chains found are more than a lap: a burst may read what it wrote */
} ps;

/* Whether @flags make a descriptor available for wrap counter @wrap (2.8.1). */
static bool ref_avail(uint16_t flags, bool wrap)
{
	return !!(flags & VIRTQ_DESC_F_AVAIL) == wrap && !!(flags & VIRTQ_DESC_F_USED) != wrap;
}

/*
 * The frame packed chain @c holds, from the copy (as ref_chain()): readable
 * descriptors, the first VHOST_MAX_CHAIN, inside the memory table, header
 * skipped, 1..VHOST_MAX_FRAME bytes after it, into ref_frame. @return its
 * length, -1 to refuse. *@touches is set when a buffer overlaps the
 * descriptor ring (where the burst writes used descriptors).
 */
static int32_t ref_pchain(const struct ring *r, const struct pchain *c, bool *touches)
{
	uint32_t skip = VIRTIO_NET_HDR_LEN, total = 0;

	if (c->ndesc > VHOST_MAX_CHAIN)
		return -1;
	for (uint16_t k = 0; k < c->ndesc; k++) {
		const struct pvirtq_desc *d = &ps.desc[(c->head + k) & (r->size - 1)];
		const uint8_t *src;
		uint32_t len = d->len, s;

		if (d->flags & (VIRTQ_DESC_F_WRITE | VIRTQ_DESC_F_INDIRECT))
			return -1;
		src = ref_translate(d->addr, len, false);
		if (len && src == NULL)
			return -1;
		if (len && overlap((uintptr_t)src, len, r->desc, r->desc_len))
			*touches = true;
		s = PRT_MIN(skip, len);
		skip -= s;
		if (len - s > VHOST_MAX_FRAME - total)
			return -1;
		if (len > s)
			memcpy(ref_frame + total, src + s, len - s);
		total += len - s;
	}
	return skip || total == 0 ? -1 : (int32_t)total;
}

/* How many bytes packed chain @c takes at most (its translatable descriptors, as ref_room()). */
static uint64_t ref_proom(const struct ring *r, const struct pchain *c)
{
	uint64_t room = 0;

	for (uint16_t k = 0; k < PRT_MIN(c->ndesc, VHOST_MAX_CHAIN); k++) {
		const struct pvirtq_desc *d = &ps.desc[(c->head + k) & (r->size - 1)];

		if (d->len && ref_translate(d->addr, d->len, false) == NULL)
			break;
		room += d->len;
	}
	return room;
}

/*
 * Fills ps from packed ring @r just before a burst: the chains available
 * from the device's position on, as 2.8.6 lays them (consecutive
 * descriptors, NEXT on all but the last, the buffer id in the last; only
 * the head's AVAIL/USED tell it is available), up to @max_good frames that
 * a dequeue takes (ref set and *@touches for @rx) or every chain.
 */
static void packed_snapshot(const struct ring *r, uint32_t max_good, bool rx, bool *touches)
{
	uint16_t pos = r->vr->pos.last_avail, mask = (uint16_t)(r->size - 1);
	bool wrap = r->vr->pos.avail_wrap;
	uint32_t total = 0, good = 0;

	memcpy(ps.desc, (const void *)r->desc, r->desc_len);
	ps.n = 0;
	ps.broken = ps.lap = false;
	while (ps.n < r->size && good < max_good && ref_avail(ps.desc[pos].flags, wrap)) {
		struct pchain *c = &ps.ch[ps.n];
		uint16_t p = pos;
		uint32_t count = 1;

		while (count <= r->size && (ps.desc[p].flags & VIRTQ_DESC_F_NEXT)) {
			count++;
			p = (uint16_t)((p + 1) & mask);
		}
		if (count > r->size) {
			ps.broken = true;
			break;
		}
		if (ps.desc[p].id >= r->size) {
			ps.broken = true;
			break;
		}
		*c = (struct pchain){ .head = pos,
				      .wrap = wrap,
				      .ndesc = (uint16_t)count,
				      .id = ps.desc[p].id,
				      .ref = -1 };
		total += count;
		ps.lap |= total > r->size;
		if (pos + count >= r->size)
			wrap ^= 1;
		pos = (uint16_t)((pos + count) & mask);
		ps.n++;
		if (rx) {
			c->ref = ref_pchain(r, c, touches);
			good += c->ref >= 0;
		}
	}
	ps.ch[ps.n].head = pos;
	ps.ch[ps.n].wrap = wrap;
}

/* How many of ps's chains the burst took: where its position is now; -1 for none of them. */
static int packed_took(const struct ring *r)
{
	for (uint32_t k = 0; k <= ps.n; k++)
		if (ps.ch[k].head == r->vr->pos.last_avail &&
		    ps.ch[k].wrap == r->vr->pos.avail_wrap)
			return (int)k;
	return -1;
}

/*
 * What a packed burst must leave whatever the ring holds: every chain it
 * took written back used (nothing left in the shadow; in order, so its used
 * side is where its avail side is, with the same wrap counter), its
 * position inside the ring, and a ring broken before it untouched.
 */
static void check_ppos(const struct ring *r, const struct vhost_ring_pos *old, bool was_broken)
{
	const struct vhost_ring_pos *p = &r->vr->pos;

	fuzz_check(p->nshadow == 0 && p->last_avail < r->size);
	fuzz_check(p->last_used == p->last_avail && p->used_wrap == p->avail_wrap);
	if (was_broken)
		fuzz_check(p->last_avail == old->last_avail && p->avail_wrap == old->avail_wrap);
}

/*
 * The used descriptor the burst wrote for ps's chain @k (2.8.7): at the
 * slot of its head, its buffer id, AVAIL and USED both the device's wrap
 * counter there, WRITE exactly when its length counts bytes written.
 */
static const struct pvirtq_desc *check_pused(const struct ring *r, uint32_t k)
{
	const struct pchain *c = &ps.ch[k];
	const struct pvirtq_desc *d = &((const struct pvirtq_desc *)r->desc)[c->head];
	uint16_t bits = c->wrap ? VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED : 0;

	fuzz_check(d->id == c->id);
	fuzz_check((d->flags & (VIRTQ_DESC_F_AVAIL | VIRTQ_DESC_F_USED)) == bits);
	fuzz_check(!!(d->flags & VIRTQ_DESC_F_WRITE) == (d->len != 0));
	return d;
}

/* The notification (2.8.10): none when nothing was used; else exactly as the driver event area
 * asks, where it asks something the spec defines (DESC only with EVENT_IDX). */
static void check_pcall(const struct ring *r, const struct vhost_ring_pos *old, bool strict)
{
	const struct vhost_vring *vr = r->vr;
	const struct pvirtq_event_suppress *e = (const struct pvirtq_event_suppress *)r->avail;
	eventfd_t v = 0;
	bool called, want;

	if (vr->callfd < 0)
		return;
	called = eventfd_read(vr->callfd, &v) == 0 && v > 0;
	if (vr->pos.last_used == old->last_used && vr->pos.used_wrap == old->used_wrap) {
		fuzz_check(!called);
		return;
	}
	if (!strict)
		return;
	if (e->flags == RING_EVENT_FLAGS_ENABLE)
		want = true;
	else if (e->flags == RING_EVENT_FLAGS_DISABLE)
		want = false;
	else if (e->flags == RING_EVENT_FLAGS_DESC && vr->event_idx)
		want = virtq_packed_need_event(e->off_wrap, vr->pos.last_used, vr->pos.used_wrap,
					       old->last_used, old->used_wrap, r->size);
	else
		return;
	fuzz_check(called == want);
}

/* Whether any writable buffer of the copy lies over one of the packed ring's parts. */
static bool pbuffers_over_parts(const struct ring *r)
{
	for (uint32_t i = 0; i < r->size; i++) {
		const struct pvirtq_desc *d = &ps.desc[i];
		uintptr_t p;

		if (!(d->flags & VIRTQ_DESC_F_WRITE) || d->len == 0)
			continue;
		p = (uintptr_t)ref_translate(d->addr, d->len, false);
		if (p && (overlap(p, d->len, r->desc, r->desc_len) ||
			  overlap(p, d->len, r->avail, r->avail_len) ||
			  overlap(p, d->len, r->used, r->used_len)))
			return true;
	}
	return false;
}

/* vhost_rx_burst() on packed vring 1: as op_dequeue(), @want frames, held with bit 7 of @b. */
static void op_pdequeue(struct guest *g, struct ring *r, uint8_t b, uint16_t want)
{
	struct vhost_vring *vr = r->vr;
	const struct vhost_ring_pos old = vr->pos;
	bool was_broken = vr->broken, touches = false, strict;
	struct prt_mbuf *pkts[BURST];
	struct counters c0, c1;
	uint64_t bytes = 0, bad;
	uint16_t got, j = 0;
	int took;

	packed_snapshot(r, want, true, &touches);
	strict = parts_apart(r) && !was_broken && !touches && !ps.lap;
	counters_read(vr, &c0);
	got = vhost_rx_burst(vr, pkts, want);
	counters_read(vr, &c1);
	fuzz_check(got <= want);
	for (uint16_t i = 0; i < got; i++) {
		fuzz_check_chain(pkts[i]);
		fuzz_check(pkts[i]->pkt_len > 0 && pkts[i]->pkt_len <= VHOST_MAX_FRAME);
		bytes += pkts[i]->pkt_len;
	}
	check_ppos(r, &old, was_broken);
	check_stopped(vr, &c0, &c1, was_broken);
	bad = c1.bad_desc - c0.bad_desc;
	fuzz_check(c1.errors - c0.errors == bad);
	fuzz_check(c1.nombuf - c0.nombuf <= 1 && c1.too_big == c0.too_big);
	fuzz_check(c1.packets - c0.packets == got && c1.bytes - c0.bytes == bytes);
	if (was_broken)
		fuzz_check(got == 0 && bad == 0 && c1.nombuf == c0.nombuf);
	if (strict) {
		took = packed_took(r);
		fuzz_check(took >= 0);
		/* A dry pool stops it at a chain it did not take; else it stops where the walk does. */
		if (c1.nombuf == c0.nombuf)
			fuzz_check((uint32_t)took == ps.n && vr->broken == ps.broken);
		else
			fuzz_check((uint32_t)took < ps.n && !vr->broken);
		/* Each chain taken is a frame or refused (a chain round the ring is a stop). */
		fuzz_check(bad == (uint64_t)(took - got));
		for (int k = 0; k < took; k++) {
			fuzz_check(check_pused(r, (uint32_t)k)->len == 0);
			if (ps.ch[k].ref < 0)
				continue;
			/* ref_frame holds the last chain walked: walk this one again. */
			fuzz_check(ref_pchain(r, &ps.ch[k], &touches) == ps.ch[k].ref);
			fuzz_check(j < got && frame_is(pkts[j], (uint32_t)ps.ch[k].ref));
			j++;
		}
		fuzz_check(j == got);
	}
	check_pcall(r, &old, strict);
	for (uint16_t i = 0; i < got; i++) {
		if ((b & 0x80) && g->nheld < HOLD_MAX)
			g->held[g->nheld++] = pkts[i];
		else
			prt_pktmbuf_free(pkts[i]);
	}
}

/* vhost_tx_burst() on packed vring 0: as op_enqueue(), the @n frames of @pkts (@offered bytes). */
static void op_penqueue(struct ring *r, struct prt_mbuf **pkts, uint16_t n, uint64_t offered)
{
	struct vhost_vring *vr = r->vr;
	const struct vhost_ring_pos old = vr->pos;
	bool was_broken = vr->broken, strict;
	uint64_t used_bytes = 0, sent, bad, big;
	struct counters c0, c1;
	uint16_t done;
	int took;

	packed_snapshot(r, UINT32_MAX, false, NULL);
	strict = parts_apart(r) && !was_broken && !ps.lap && !pbuffers_over_parts(r);
	counters_read(vr, &c0);
	done = vhost_tx_burst(vr, pkts, n);
	counters_read(vr, &c1);
	sent = c1.packets - c0.packets;
	bad = c1.bad_desc - c0.bad_desc;
	big = c1.too_big - c0.too_big;
	fuzz_check(done <= n);
	check_ppos(r, &old, was_broken);
	check_stopped(vr, &c0, &c1, was_broken);
	/* Each frame taken is sent, too big or refused (a chain round the ring is a stop). */
	fuzz_check(sent + big + bad == done && c1.errors - c0.errors == big + bad);
	fuzz_check(c1.nombuf == c0.nombuf && c1.bytes - c0.bytes <= offered);
	if (was_broken)
		fuzz_check(done == 0);
	if (strict) {
		took = packed_took(r);
		fuzz_check(took >= 0);
		fuzz_check((uint64_t)took >= sent + bad);
		if (!vr->mrg_rxbuf)
			fuzz_check((uint64_t)took == sent + bad);
		/* Broken where the walk found it broken (a frame it had begun waits, its buffers
		 * taken back). */
		if (vr->broken)
			fuzz_check(ps.broken);
		for (int k = 0; k < took; k++) {
			const struct pvirtq_desc *d = check_pused(r, (uint32_t)k);

			fuzz_check(d->len <= ref_proom(r, &ps.ch[k]));
			used_bytes += d->len;
		}
		/* Every frame sent is its header and its bytes; a refused chain is 0. */
		fuzz_check(used_bytes == sent * VIRTIO_NET_HDR_LEN + (c1.bytes - c0.bytes));
		/* One frame, one buffer: too big only when it does not fit the chain. */
		if (n == 1 && !vr->mrg_rxbuf && big)
			fuzz_check(ps.n > 0 &&
				   VIRTIO_NET_HDR_LEN + offered > ref_proom(r, &ps.ch[0]));
		/* With the whole ring available the first frame goes (sent, too big or
		 * refused): one that waited could never be sent. */
		if (n > 0 && ps.n > 0 && ps.ch[ps.n].head == old.last_avail &&
		    ps.ch[ps.n].wrap != old.avail_wrap && !vr->broken)
			fuzz_check(done > 0);
	}
	check_pcall(r, &old, strict);
	prt_pktmbuf_free_bulk(pkts + done, (unsigned int)(n - done));
}

/*
 * vhost_rx_burst() on vring 1 (the front-end's tx): 1..32 frames asked; with
 * bit 7 of the count, the frames are held (to the end of the input) so the
 * pool runs dry.
 */
static void op_dequeue(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = &g->ring[1];
	struct vhost_vring *vr = r->vr;
	struct prt_mbuf *pkts[BURST];
	uint8_t b = fuzz_u8(in);
	uint16_t want = b % BURST + 1, got, old_avail, old_used, took, j = 0;
	struct counters c0, c1;
	uint64_t bytes = 0;
	bool strict, touches_used = false;
	int32_t *ref = snap.ref;
	uint16_t nref = 0, k = 0;
	bool ref_broken = false;

	if (!r->ready) {
		fuzz_check(vhost_rx_burst(vr, pkts, want) == 0);
		return;
	}
	if (r->packed) {
		op_pdequeue(g, r, b, want);
		return;
	}
	snapshot_take(r);
	counters_read(vr, &c0);
	old_avail = vr->pos.last_avail;
	old_used = vr->pos.last_used;
	/* What the burst should take: up to @want good chains, stopping at a bad head. */
	strict = parts_apart(r) && !snap.broken && snap.avail >= 0;
	for (int32_t good = 0; strict && k < snap.avail && good < want; k++) {
		if (snap.head[k] >= r->size) {
			ref_broken = true;
			break;
		}
		ref[nref] = ref_chain(r, snap.head[k], &touches_used);
		good += ref[nref++] >= 0;
	}
	strict = strict && !touches_used;

	got = vhost_rx_burst(vr, pkts, want);
	counters_read(vr, &c1);
	took = (uint16_t)(vr->pos.last_avail - old_avail);
	fuzz_check(got <= want);
	for (uint16_t i = 0; i < got; i++) {
		fuzz_check_chain(pkts[i]);
		fuzz_check(pkts[i]->pkt_len > 0 && pkts[i]->pkt_len <= VHOST_MAX_FRAME);
		bytes += pkts[i]->pkt_len;
	}
	/* A dequeue writes only the used ring: its entries stay as written. */
	check_common(r, old_avail, old_used, true);
	check_stopped(vr, &c0, &c1, snap.broken);
	/* Each chain taken is a frame or refused and counted; a dry pool stops the burst. */
	fuzz_check(c1.bad_desc - c0.bad_desc == (uint64_t)(took - got));
	fuzz_check(c1.errors - c0.errors == c1.bad_desc - c0.bad_desc);
	fuzz_check(c1.nombuf - c0.nombuf <= 1 && c1.too_big == c0.too_big);
	fuzz_check(c1.packets - c0.packets == got && c1.bytes - c0.bytes == bytes);
	if (strict) {
		/* A dry pool stops it at a chain it did not take (a bad head first breaks the ring). */
		if (c1.nombuf == c0.nombuf)
			fuzz_check(took == nref && vr->broken == ref_broken);
		else
			fuzz_check(took < nref && !vr->broken);
		for (uint16_t i = 0; i < took; i++) {
			const struct virtq_used_elem *e = used_at(r, (uint16_t)(old_used + i));

			fuzz_check(e->id == snap.head[i] && e->len == 0);
			if (ref[i] < 0)
				continue;
			/* ref_frame holds the last chain walked: walk this one again. */
			fuzz_check(ref_chain(r, snap.head[i], &touches_used) == ref[i]);
			fuzz_check(j < got && frame_is(pkts[j], (uint32_t)ref[i]));
			j++;
		}
		fuzz_check(j == got);
	}
	check_call(r, old_used, strict);
	for (uint16_t i = 0; i < got; i++) {
		if ((b & 0x80) && g->nheld < HOLD_MAX)
			g->held[g->nheld++] = pkts[i];
		else
			prt_pktmbuf_free(pkts[i]);
	}
}

/* A frame to enqueue: 1..8 segments (bit 7 of the first byte), each 0..BUF_LEN bytes. */
static struct prt_mbuf *tx_frame(struct fuzz_input *in)
{
	uint8_t b = fuzz_u8(in), nsegs = b & 0x80 ? (uint8_t)(b % TX_SEGS + 1) : 1;
	struct prt_mbuf *head = NULL;

	for (uint8_t i = 0; i < nsegs; i++) {
		struct prt_mbuf *m = fuzz_tx_segment(in, mp, BUF_LEN);

		if (m == NULL)
			break;
		memset(prt_pktmbuf_mtod(m, uint8_t *), b, m->data_len);
		if (head == NULL)
			head = m;
		else
			fuzz_check(prt_pktmbuf_chain(head, m) == 0);
	}
	return head;
}

/* How many bytes a write chain at @head takes at most (its translatable descriptors). */
static uint64_t ref_room(const struct ring *r, uint16_t head)
{
	uint32_t limit = PRT_MIN((uint32_t)r->size, VHOST_MAX_CHAIN);
	uint64_t room = 0;
	uint16_t idx = head;

	for (uint32_t count = 1; count <= limit && idx < r->size; count++) {
		const struct virtq_desc *d = &((const struct virtq_desc *)r->desc)[idx];

		if (d->len && ref_translate(d->addr, d->len, false) == NULL)
			break;
		room += d->len;
		if (!(d->flags & VIRTQ_DESC_F_NEXT))
			break;
		idx = d->next;
	}
	return room;
}

/* Whether any writable buffer of the table lies over one of the ring's parts. */
static bool buffers_over_parts(const struct ring *r)
{
	for (uint32_t i = 0; i < r->size; i++) {
		const struct virtq_desc *d = &((const struct virtq_desc *)r->desc)[i];
		uintptr_t p;

		if (!(d->flags & VIRTQ_DESC_F_WRITE) || d->len == 0)
			continue;
		p = (uintptr_t)ref_translate(d->addr, d->len, false);
		if (p && (overlap(p, d->len, r->desc, r->desc_len) ||
			  overlap(p, d->len, r->avail, r->avail_len) ||
			  overlap(p, d->len, r->used, r->used_len)))
			return true;
	}
	return false;
}

/* vhost_tx_burst() on vring 0 (the front-end's rx): 1..8 frames. */
static void op_enqueue(struct guest *g, struct fuzz_input *in)
{
	struct ring *r = &g->ring[0];
	struct vhost_vring *vr = r->vr;
	struct prt_mbuf *pkts[TX_FRAMES];
	uint16_t n = 0, done, old_avail, old_used, took;
	uint64_t offered = 0, used_bytes = 0;
	struct counters c0, c1;
	bool strict;

	for (uint8_t k = fuzz_u8(in) % TX_FRAMES + 1; n < k; n++) {
		pkts[n] = tx_frame(in);
		if (pkts[n] == NULL)
			break;
	}
	if (!r->ready) {
		fuzz_check(vhost_tx_burst(vr, pkts, n) == 0);
		prt_pktmbuf_free_bulk(pkts, n);
		return;
	}
	if (r->packed) {
		for (uint16_t i = 0; i < n; i++)
			offered += pkts[i]->pkt_len;
		op_penqueue(r, pkts, n, offered);
		return;
	}
	snapshot_take(r);
	strict = parts_apart(r) && !snap.broken && snap.avail >= 0 && !buffers_over_parts(r);
	counters_read(vr, &c0);
	old_avail = vr->pos.last_avail;
	old_used = vr->pos.last_used;
	for (uint16_t i = 0; i < n; i++)
		offered += pkts[i]->pkt_len;

	done = vhost_tx_burst(vr, pkts, n);
	counters_read(vr, &c1);
	took = (uint16_t)(vr->pos.last_avail - old_avail);
	fuzz_check(done <= n);
	/* Frames copied into buffers over the used ring may overwrite its entries. */
	check_common(r, old_avail, old_used, strict);
	check_stopped(vr, &c0, &c1, snap.broken);
	/* Each frame taken is sent, too big or refused; the ones sent or refused took buffers. */
	fuzz_check((c1.packets - c0.packets) + (c1.too_big - c0.too_big) +
			   (c1.bad_desc - c0.bad_desc) ==
		   done);
	fuzz_check(c1.errors - c0.errors ==
		   (c1.too_big - c0.too_big) + (c1.bad_desc - c0.bad_desc));
	fuzz_check(c1.nombuf == c0.nombuf && c1.bytes - c0.bytes <= offered);
	fuzz_check(took >= (c1.packets - c0.packets) + (c1.bad_desc - c0.bad_desc));
	if (!vr->mrg_rxbuf)
		fuzz_check(took == (c1.packets - c0.packets) + (c1.bad_desc - c0.bad_desc));
	if (strict) {
		for (uint16_t i = 0; i < took; i++) {
			const struct virtq_used_elem *e = used_at(r, (uint16_t)(old_used + i));

			fuzz_check(e->id == snap.head[i] && e->len <= ref_room(r, e->id));
			used_bytes += e->len;
		}
		/* Every frame sent is its header and its bytes; a refused chain is 0. */
		fuzz_check(used_bytes ==
			   (c1.packets - c0.packets) * VIRTIO_NET_HDR_LEN + (c1.bytes - c0.bytes));
		/* One frame, one buffer: too big only when it does not fit the chain. */
		if (n == 1 && !vr->mrg_rxbuf && c1.too_big != c0.too_big)
			fuzz_check(VIRTIO_NET_HDR_LEN + offered > ref_room(r, snap.head[0]));
		/* With every buffer of the ring offered the first frame goes (sent, too big
		 * or refused): one that waited could never be sent. */
		if (n > 0 && snap.avail == r->size && !vr->broken)
			fuzz_check(done > 0);
	}
	check_call(r, old_used, strict);
	prt_pktmbuf_free_bulk(pkts + done, (unsigned int)(n - done));
}

/* Frees what the input held: mbufs, then the regions. */
static void guest_free(struct guest *g)
{
	prt_pktmbuf_free_bulk(g->held, g->nheld);
	for (uint32_t i = 0; i < g->n; i++)
		free(g->host[i]);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct fuzz_input in = { data, size };
	uint8_t f = fuzz_u8(&in);
	struct guest g = { 0 };
	struct vhost_user_msg m;
	uint64_t features;
	eventfd_t v;

	memset(&dev, 0, sizeof(dev));
	dev.eth = port;
	dev.queues = 1;
	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++) {
		dev.vr[i].kickfd = dev.vr[i].callfd = dev.vr[i].errfd = -1;
		dev.vr[i].addr.index = i;
		dev.vr[i].port_id = port->data.port_id;
		/* vring_reset(): 2.8.1, a packed ring's wrap counters start at 1. */
		dev.vr[i].pos = (struct vhost_ring_pos){ .avail_wrap = true, .used_wrap = true };
	}
	/* SET_FEATURES through the parser, applied by the control path's own call: each ring's
	 * type follows the features (the rings have no size yet, so nothing to re-map). */
	features = (1ull << VIRTIO_F_VERSION_1) | (f & 1 ? 1ull << VIRTIO_NET_F_MRG_RXBUF : 0) |
		   (f & 2 ? 1ull << VIRTIO_F_RING_EVENT_IDX : 0) |
		   (f & 16 ? 1ull << VIRTIO_F_RING_PACKED : 0);
	fuzz_check(msg_parse(VHOST_USER_SET_FEATURES, &features, sizeof(features), &m) == 0);
	fuzz_check((m.payload.u64 & ~VHOST_FEATURES) == 0);
	fuzz_check(vhost_dev_set_features(&dev, m.payload.u64) == 0);
	for (unsigned int i = 0; i < 2u * dev.queues; i++)
		fuzz_check(!dev.vr[i].ready &&
			   dev.vr[i].packed == !!(dev.features & (1ull << VIRTIO_F_RING_PACKED)));
	for (unsigned int i = 0; i < 2; i++) {
		while (eventfd_read(callfd[i], &v) == 0)
			;
		if (f & (4u << i))
			dev.vr[i].callfd = callfd[i];
	}
	guest_regions(&g, &in);
	guest_ring(&g.ring[0], 0, &in);
	guest_ring(&g.ring[1], 1, &in);
	while (in.left > 0) {
		switch (fuzz_u8(&in) % 11) {
		case 0:
			op_desc(&g, &in);
			break;
		case 1:
			op_chain(&g, &in);
			break;
		case 2:
			op_avail(&g, &in);
			break;
		case 3:
			op_avail_idx(&g, &in);
			break;
		case 4:
			op_avail_flags(&g, &in);
			break;
		case 5:
			op_poke(&g, &in);
			break;
		case 6:
			op_translate(&in);
			break;
		case 7:
			op_base(&g, &in);
			break;
		case 8:
		case 9:
			op_dequeue(&g, &in);
			break;
		case 10:
			op_enqueue(&g, &in);
			break;
		}
	}
	guest_free(&g);
	fuzz_check(prt_mempool_in_use_count(mp) == 0);
	return 0;
}
