/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_mbuf.h
 * Packet buffers (mbufs), as DPDK's rte_mbuf.h: allocation from a pool,
 * data access, headroom and tailroom, multi-segment chains, refcounts and
 * indirect mbufs for zero-copy sharing.
 *
 * An mbuf is one mempool object: the structure (prt_mbuf_core.h), priv_size
 * bytes of application data, then a buffer of data_room_size bytes whose
 * IOVA was computed when the pool was made. The data of a segment are the
 * data_len bytes from buf_addr + data_off; a packet is a chain of segments
 * linked by next, whose first segment carries nb_segs and pkt_len.
 *
 * What holds for an mbuf in its pool (the state a free leaves it in, and
 * the one alloc relies on): refcnt 1, next NULL, nb_segs 1, direct NULL,
 * its own buffer. So alloc writes only the first cache line.
 *
 * Sharing: prt_pktmbuf_clone() and prt_pktmbuf_attach() make indirect
 * mbufs that point into another (direct) mbuf's buffer and hold a reference
 * to it; the direct mbuf returns to its pool when its last reference goes.
 * A buffer that is shared is read-only: prepend and append refuse to write
 * into it.
 *
 * Thread-safety: an mbuf belongs to one thread at a time, except for its
 * refcount, which is atomic; alloc and free are thread-safe as mempool
 * get/put.
 */
#ifndef PRT_MBUF_H
#define PRT_MBUF_H

#include <stdio.h>
#include <string.h>

#include "prt_mbuf_core.h"
#include "prt_mempool.h"

/** What prt_pktmbuf_pool_create() keeps in the pool's private data. */
struct prt_pktmbuf_pool_private {
	uint16_t mbuf_data_room_size; /**< bytes of buffer per mbuf, headroom included */
	uint16_t mbuf_priv_size; /**< bytes of private data per mbuf */
	uint32_t flags; /**< reserved, 0 */
};

/**
 * Creates a pool of @p n mbufs with @p data_room_size bytes of buffer each
 * (PRT_MBUF_DEFAULT_BUF_SIZE for 2048-byte frames), @p priv_size bytes of
 * application data after each mbuf structure, and a cache of @p cache_size
 * mbufs per lcore. Every mbuf is initialised (buffer address and IOVA,
 * length, pool) once here. Thread-safe; needs prt_eal_init().
 *
 * @param priv_size       a multiple of 8 (the buffer stays 8-byte aligned)
 * @param data_room_size  at most UINT16_MAX; may be smaller than the headroom
 * @return the pool, or NULL with errno set: EINVAL (bad @p priv_size or
 *         @p data_room_size, and what prt_mempool_create() refuses),
 *         ENAMETOOLONG, EEXIST, ENOMEM, ENOSPC.
 */
struct prt_mempool *prt_pktmbuf_pool_create(const char *name, unsigned int n,
					    unsigned int cache_size, uint16_t priv_size,
					    uint16_t data_room_size, int socket_id);

/** Bytes of buffer (headroom included) of each mbuf of @p mp, a pool of mbufs. */
static inline uint16_t prt_pktmbuf_data_room_size(struct prt_mempool *mp)
{
	return ((struct prt_pktmbuf_pool_private *)prt_mempool_get_priv(mp))->mbuf_data_room_size;
}

/** Bytes of private data of each mbuf of @p mp, a pool of mbufs. */
static inline uint16_t prt_pktmbuf_priv_size(struct prt_mempool *mp)
{
	return ((struct prt_pktmbuf_pool_private *)prt_mempool_get_priv(mp))->mbuf_priv_size;
}

/** The references to @p m's buffer. */
static __prt_always_inline uint16_t prt_mbuf_refcnt_read(const struct prt_mbuf *m)
{
	/*
	 * Acquire: a caller that sees 1 may reuse the buffer; this pairs with
	 * the release half of the decrement by the co-owner that let go of it,
	 * so that co-owner's accesses to the buffer happen before.
	 */
	return atomic_load_explicit(&((struct prt_mbuf *)(uintptr_t)m)->refcnt,
				    memory_order_acquire);
}

/** Sets the references to @p m's buffer to @p v (no other thread may hold @p m). */
static __prt_always_inline void prt_mbuf_refcnt_set(struct prt_mbuf *m, uint16_t v)
{
	/* Relaxed: only the owner calls it; handing @p m over orders it. */
	atomic_store_explicit(&m->refcnt, v, memory_order_relaxed);
}

/**
 * Adds @p value (may be negative) to @p m's refcount, atomically.
 * @return the new value.
 */
static __prt_always_inline uint16_t prt_mbuf_refcnt_update(struct prt_mbuf *m, int16_t value)
{
	/*
	 * Sole owner: no other thread can change it; skip the locked RMW (as
	 * DPDK). Otherwise acq_rel: the release orders our buffer accesses
	 * before the decrement, the acquire makes the thread that reaches 0
	 * see every co-owner's accesses before it frees the buffer.
	 */
	if (likely(prt_mbuf_refcnt_read(m) == 1)) {
		uint16_t v = (uint16_t)(1 + value);

		prt_mbuf_refcnt_set(m, v);
		return v;
	}
	return (uint16_t)(atomic_fetch_add_explicit(&m->refcnt, (uint16_t)value,
						    memory_order_acq_rel) +
			  (uint16_t)value);
}

/** Same as prt_mbuf_refcnt_read() (DPDK's packet-level name). */
static __prt_always_inline uint16_t prt_pktmbuf_refcnt_read(const struct prt_mbuf *m)
{
	return prt_mbuf_refcnt_read(m);
}

/** Same as prt_mbuf_refcnt_set(). */
static __prt_always_inline void prt_pktmbuf_refcnt_set(struct prt_mbuf *m, uint16_t v)
{
	prt_mbuf_refcnt_set(m, v);
}

/** Adds @p v to the refcount of every segment of the packet @p m. */
static inline void prt_pktmbuf_refcnt_update(struct prt_mbuf *m, int16_t v)
{
	do {
		prt_mbuf_refcnt_update(m, v);
	} while ((m = m->next) != NULL);
}

/** Non-zero when @p m owns its buffer (not made by prt_pktmbuf_attach()). */
#define PRT_MBUF_DIRECT(m) (!((m)->ol_flags & PRT_MBUF_F_INDIRECT))
/** Non-zero when @p m shares another mbuf's buffer. */
#define PRT_MBUF_INDIRECT(m) ((m)->ol_flags & PRT_MBUF_F_INDIRECT)

/** The address of @p m's own buffer (after the structure and private data). */
static __prt_always_inline char *prt_mbuf_own_buf_addr(const struct prt_mbuf *m)
{
	return (char *)(uintptr_t)m + sizeof(*m) + m->priv_size;
}

/** Non-zero when no one else reads @p m's buffer: direct and one reference. */
static __prt_always_inline int prt_mbuf_is_writable(const struct prt_mbuf *m)
{
	return PRT_MBUF_DIRECT(m) && prt_mbuf_refcnt_read(m) == 1;
}

/** Bytes before the data in @p m's segment. */
static __prt_always_inline uint16_t prt_pktmbuf_headroom(const struct prt_mbuf *m)
{
	return m->data_off;
}

/** Bytes after the data in @p m's segment. */
static __prt_always_inline uint16_t prt_pktmbuf_tailroom(const struct prt_mbuf *m)
{
	return (uint16_t)(m->buf_len - m->data_off - m->data_len);
}

/** Sets @p m's data offset to the default headroom (less when the buffer is smaller). */
static __prt_always_inline void prt_pktmbuf_reset_headroom(struct prt_mbuf *m)
{
	m->data_off = (uint16_t)PRT_MIN((uint16_t)PRT_PKTMBUF_HEADROOM, m->buf_len);
}

/**
 * @internal Resets the first-line fields of a just-allocated @p m, which is
 * in the pool's state (refcnt 1, next NULL, nb_segs 1, direct): one segment,
 * no data, default headroom, no flags, no port. tx_offload and the hash are
 * left as they were: they are read only when ol_flags says so.
 */
static __prt_always_inline void prt_pktmbuf_reset_fresh(struct prt_mbuf *m)
{
	/* data_off, refcnt, nb_segs and port in one 8-byte store. */
	union {
		uint64_t u64;
		struct {
			uint16_t data_off, refcnt, nb_segs, port;
		};
	} rearm = { .data_off = (uint16_t)PRT_MIN((uint16_t)PRT_PKTMBUF_HEADROOM, m->buf_len),
		    .refcnt = 1,
		    .nb_segs = 1,
		    .port = PRT_MBUF_PORT_INVALID };

	m->rearm_data = rearm.u64;
	m->ol_flags = 0;
	m->packet_type = 0;
	m->pkt_len = 0;
	m->data_len = 0;
	m->vlan_tci = 0;
	m->vlan_tci_outer = 0;
}

/**
 * Resets @p m, a direct mbuf with one reference, to the state of a newly
 * allocated one: one segment (next NULL), no data, default headroom, no
 * flags, no port.
 */
static inline void prt_pktmbuf_reset(struct prt_mbuf *m)
{
	m->next = NULL;
	m->tx_offload = 0;
	prt_pktmbuf_reset_fresh(m);
}

#ifdef PRT_DEBUG
/** @internal Debug builds: checks the invariants of packet @p m; logs and aborts when broken. */
void prt_mbuf_sanity_check(const struct prt_mbuf *m, int is_header);
#define PRT_MBUF_SANITY_CHECK(m, h) prt_mbuf_sanity_check(m, h)
#else
#define PRT_MBUF_SANITY_CHECK(m, h) \
	do {                        \
	} while (0)
#endif

/**
 * Allocates one mbuf from @p mp and resets it (prt_pktmbuf_reset()).
 * @return the mbuf, or NULL when the pool has none free for this caller.
 */
static __prt_always_inline struct prt_mbuf *prt_pktmbuf_alloc(struct prt_mempool *mp)
{
	void *obj;

	if (unlikely(prt_mempool_get(mp, &obj) != 0))
		return NULL;
	prt_pktmbuf_reset_fresh(obj);
	return obj;
}

/**
 * Allocates @p count mbufs from @p mp into @p mbufs, all or none, each reset.
 * @return 0; -ENOENT when fewer than @p count are free (none is taken).
 */
static __prt_always_inline int prt_pktmbuf_alloc_bulk(struct prt_mempool *mp,
						      struct prt_mbuf **mbufs, unsigned int count)
{
	int ret = prt_mempool_get_bulk(mp, (void **)mbufs, count);

	if (unlikely(ret != 0))
		return ret;
	for (unsigned int i = 0; i < count; i++)
		prt_pktmbuf_reset_fresh(mbufs[i]);
	return 0;
}

/** @internal Returns @p m, in the pool's state, to its pool without any check. */
static __prt_always_inline void prt_mbuf_raw_free(struct prt_mbuf *m)
{
	prt_mempool_put(m->pool, m);
}

/** @internal Frees direct mbuf @p md whose last reference just went. */
void prt_mbuf_free_direct(struct prt_mbuf *md);

/**
 * Makes @p m, an indirect mbuf with one reference, direct again: it gets
 * its own buffer back, empty (data_len and pkt_len 0) and drops its reference to the direct mbuf,
 * which goes back to its pool if that was the last one.
 */
void prt_pktmbuf_detach(struct prt_mbuf *m);

/**
 * @internal Drops one reference to segment @p m (which must not be used
 * afterwards). When it was the last: brings @p m to the pool's state
 * (detaching an indirect mbuf, unlinking it from its chain) and returns it,
 * for the caller to put into the pool; otherwise returns NULL.
 */
static __prt_always_inline struct prt_mbuf *prt_pktmbuf_prefree_seg(struct prt_mbuf *m)
{
	if (likely(prt_mbuf_refcnt_read(m) == 1)) {
		if (unlikely(PRT_MBUF_INDIRECT(m)))
			prt_pktmbuf_detach(m);
	} else {
		/*
		 * acq_rel: the release orders our accesses to the buffer before
		 * the drop; the thread that takes the last reference acquires
		 * every co-owner's before the buffer is reused.
		 */
		if (atomic_fetch_sub_explicit(&m->refcnt, 1, memory_order_acq_rel) != 1)
			return NULL;
		/* We dropped the last reference: back to the pool's state. */
		prt_mbuf_refcnt_set(m, 1);
		if (PRT_MBUF_INDIRECT(m))
			prt_pktmbuf_detach(m);
	}
	if (m->next != NULL)
		m->next = NULL;
	if (m->nb_segs != 1)
		m->nb_segs = 1;
	return m;
}

/** @internal True when @p m can go back to its pool as it is: one direct segment, one reference. */
static __prt_always_inline int prt_pktmbuf_is_simple(const struct prt_mbuf *m)
{
	return m->nb_segs == 1 && PRT_MBUF_DIRECT(m) && prt_mbuf_refcnt_read(m) == 1;
}

/**
 * Frees one segment @p m, ignoring its chain (the caller unlinks it).
 * Thread-safe as prt_mempool_put().
 */
static inline void prt_pktmbuf_free_seg(struct prt_mbuf *m)
{
	m = prt_pktmbuf_prefree_seg(m);
	if (likely(m != NULL))
		prt_mbuf_raw_free(m);
}

/**
 * Frees the packet @p m: every segment of its chain drops one reference and
 * goes back to its pool when that was the last. NULL is ignored.
 *
 * A one-segment direct mbuf with one reference (the common case) is freed
 * reading only its first cache line: nb_segs == 1 of a first segment means
 * next is NULL.
 */
static __prt_always_inline void prt_pktmbuf_free(struct prt_mbuf *m)
{
	if (m == NULL)
		return;
	PRT_MBUF_SANITY_CHECK(m, 1);
	if (likely(prt_pktmbuf_is_simple(m))) {
		prt_mbuf_raw_free(m);
		return;
	}
	while (m != NULL) {
		struct prt_mbuf *m_next = m->next;

		prt_pktmbuf_free_seg(m);
		m = m_next;
	}
}

/**
 * Frees the @p count packets of @p mbufs (NULL entries are skipped). Runs
 * of one-segment mbufs of one pool go back with one bulk put straight from
 * @p mbufs (no copy); others are freed one by one.
 */
static inline void prt_pktmbuf_free_bulk(struct prt_mbuf **mbufs, unsigned int count)
{
	struct prt_mempool *pool = NULL;
	unsigned int start = 0;

	for (unsigned int i = 0; i < count; i++) {
		struct prt_mbuf *m = mbufs[i];

		if (likely(m != NULL)) {
			PRT_MBUF_SANITY_CHECK(m, 1);
			if (likely(prt_pktmbuf_is_simple(m) && m->pool == pool))
				continue;
		}
		/* The run [start, i) ends here. */
		if (i > start)
			prt_mempool_put_bulk(pool, (void *const *)&mbufs[start], i - start);
		if (m != NULL && prt_pktmbuf_is_simple(m)) {
			pool = m->pool;
			start = i;
		} else {
			prt_pktmbuf_free(m);
			start = i + 1;
		}
	}
	if (count > start)
		prt_mempool_put_bulk(pool, (void *const *)&mbufs[start], count - start);
}

/** Pointer to the data of @p m's segment, plus @p o bytes, cast to type @p t. */
#define prt_pktmbuf_mtod_offset(m, t, o) ((t)(void *)((char *)(m)->buf_addr + (m)->data_off + (o)))

/** Pointer to the data of @p m's segment, cast to type @p t. */
#define prt_pktmbuf_mtod(m, t) prt_pktmbuf_mtod_offset(m, t, 0)

/** IOVA of the data of @p m's segment plus @p o bytes. */
static __prt_always_inline prt_iova_t prt_pktmbuf_iova_offset(const struct prt_mbuf *m, uint64_t o)
{
	return m->buf_iova + m->data_off + o;
}

/** IOVA of the data of @p m's segment (what a tx descriptor points at). */
static __prt_always_inline prt_iova_t prt_pktmbuf_iova(const struct prt_mbuf *m)
{
	return prt_pktmbuf_iova_offset(m, 0);
}

/** Bytes in the packet @p m (first segment). */
#define prt_pktmbuf_pkt_len(m) ((m)->pkt_len)
/** Bytes of data in segment @p m. */
#define prt_pktmbuf_data_len(m) ((m)->data_len)

/** The last segment of the packet @p m. */
static inline struct prt_mbuf *prt_pktmbuf_lastseg(struct prt_mbuf *m)
{
	while (m->next != NULL)
		m = m->next;
	return m;
}

/**
 * Adds @p len bytes of room before the data of packet @p m (first segment),
 * taken from its headroom.
 * @return a pointer to the new first byte; NULL when the headroom is
 *         smaller than @p len or the buffer is shared (nothing changes).
 */
static inline char *prt_pktmbuf_prepend(struct prt_mbuf *m, uint16_t len)
{
	if (unlikely(len > prt_pktmbuf_headroom(m) || !prt_mbuf_is_writable(m)))
		return NULL;
	m->data_off = (uint16_t)(m->data_off - len);
	m->data_len = (uint16_t)(m->data_len + len);
	m->pkt_len += len;
	return prt_pktmbuf_mtod(m, char *);
}

/**
 * Adds @p len bytes of room after the data of packet @p m, in its last
 * segment's tailroom.
 * @return a pointer to the first added byte; NULL when the last segment's
 *         tailroom is smaller than @p len or its buffer is shared (nothing
 *         changes).
 */
static inline char *prt_pktmbuf_append(struct prt_mbuf *m, uint16_t len)
{
	struct prt_mbuf *last = prt_pktmbuf_lastseg(m);
	char *tail;

	if (unlikely(len > prt_pktmbuf_tailroom(last) || !prt_mbuf_is_writable(last)))
		return NULL;
	tail = prt_pktmbuf_mtod_offset(last, char *, last->data_len);
	last->data_len = (uint16_t)(last->data_len + len);
	m->pkt_len += len;
	return tail;
}

/**
 * Removes @p len bytes from the start of packet @p m (its first segment).
 * @return a pointer to the new first byte; NULL when the first segment has
 *         fewer than @p len bytes (nothing changes).
 */
static inline char *prt_pktmbuf_adj(struct prt_mbuf *m, uint16_t len)
{
	if (unlikely(len > m->data_len))
		return NULL;
	m->data_len = (uint16_t)(m->data_len - len);
	m->data_off = (uint16_t)(m->data_off + len);
	m->pkt_len -= len;
	return prt_pktmbuf_mtod(m, char *);
}

/**
 * Removes @p len bytes from the end of packet @p m (its last segment).
 * @return 0; -1 when the last segment has fewer than @p len bytes (nothing
 *         changes).
 */
static inline int prt_pktmbuf_trim(struct prt_mbuf *m, uint16_t len)
{
	struct prt_mbuf *last = prt_pktmbuf_lastseg(m);

	if (unlikely(len > last->data_len))
		return -1;
	last->data_len = (uint16_t)(last->data_len - len);
	m->pkt_len -= len;
	return 0;
}

/** Non-zero when packet @p m is one segment. */
static inline int prt_pktmbuf_is_contiguous(const struct prt_mbuf *m)
{
	return m->nb_segs == 1;
}

/**
 * Appends packet @p tail to packet @p head: @p tail's segments become the
 * last ones of @p head. @p tail must not be used as a packet afterwards.
 * @return 0; -EOVERFLOW when the chain would pass PRT_MBUF_MAX_NB_SEGS
 *         segments (nothing changes).
 */
static inline int prt_pktmbuf_chain(struct prt_mbuf *head, struct prt_mbuf *tail)
{
	struct prt_mbuf *last;

	if (head->nb_segs + tail->nb_segs > PRT_MBUF_MAX_NB_SEGS)
		return -EOVERFLOW;
	last = prt_pktmbuf_lastseg(head);
	last->next = tail;
	head->nb_segs = (uint16_t)(head->nb_segs + tail->nb_segs);
	head->pkt_len += tail->pkt_len;
	/* tail is a middle segment now: its packet fields no longer count. */
	tail->pkt_len = tail->data_len;
	tail->nb_segs = 1;
	return 0;
}

/**
 * Makes @p mi, a direct mbuf with one reference and no data, share the
 * buffer of @p m (or of the mbuf @p m shares, when @p m is indirect): @p mi
 * gets @p m's data offset, length and metadata, and the direct mbuf one
 * more reference. @p mi's segment is then read-only (see
 * prt_mbuf_is_writable()). prt_pktmbuf_detach() or a free undoes it.
 */
static inline void prt_pktmbuf_attach(struct prt_mbuf *mi, struct prt_mbuf *m)
{
	struct prt_mbuf *md = PRT_MBUF_INDIRECT(m) ? m->direct : m;

	prt_mbuf_refcnt_update(md, 1);
	mi->buf_addr = m->buf_addr;
	mi->buf_iova = m->buf_iova;
	mi->buf_len = m->buf_len;
	mi->direct = md;
	mi->next = NULL;
	mi->data_off = m->data_off;
	mi->data_len = m->data_len;
	mi->port = m->port;
	mi->vlan_tci = m->vlan_tci;
	mi->vlan_tci_outer = m->vlan_tci_outer;
	mi->tx_offload = m->tx_offload;
	mi->hash = m->hash;
	mi->packet_type = m->packet_type;
	mi->pkt_len = mi->data_len;
	mi->nb_segs = 1;
	mi->ol_flags = m->ol_flags | PRT_MBUF_F_INDIRECT;
}

/**
 * Makes a copy of packet @p md that shares its data: one indirect mbuf from
 * @p mp per segment, each attached to the matching segment of @p md.
 * @return the clone; NULL when @p mp has too few mbufs (nothing changes).
 */
struct prt_mbuf *prt_pktmbuf_clone(struct prt_mbuf *md, struct prt_mempool *mp);

/**
 * Copies the segments of packet @p m into its first segment and frees the
 * others, so the data become contiguous. The first segment must be writable.
 * @return 0; -1 when the first segment's buffer cannot hold the packet or is
 *         shared (nothing changes).
 */
int prt_pktmbuf_linearize(struct prt_mbuf *m);

/** @internal Slow path of prt_pktmbuf_read(): copies across segments. */
const void *prt_pktmbuf_read_copy(const struct prt_mbuf *m, uint32_t off, uint32_t len, void *buf);

/**
 * Reads @p len bytes at offset @p off of packet @p m: a pointer into the
 * first segment when the bytes lie there, otherwise a copy in @p buf (at
 * least @p len bytes, the caller's).
 * @return the bytes; NULL when the packet has fewer than @p off + @p len.
 */
static inline const void *prt_pktmbuf_read(const struct prt_mbuf *m, uint32_t off, uint32_t len,
					   void *buf)
{
	if (likely(off + len <= m->data_len && off + len >= off))
		return prt_pktmbuf_mtod_offset(m, char *, off);
	return prt_pktmbuf_read_copy(m, off, len, buf);
}

/** Prints packet @p m's metadata and the first @p dump_len bytes of its data to @p f. */
void prt_pktmbuf_dump(FILE *f, const struct prt_mbuf *m, unsigned int dump_len);

#endif /* PRT_MBUF_H */
