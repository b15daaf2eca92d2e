/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Mbufs: pool creation (each mbuf's buffer address and IOVA computed once),
 * and what is too big or too rare to be inline: detaching indirect mbufs,
 * clones, linearisation, reads across segments, dumps, debug checks.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdlib.h>
#include <string.h>

#include "prt_log.h"
#include "prt_mbuf.h"

/* Sets up an mbuf once, at pool creation: its buffer, IOVA and pool. */
static void pktmbuf_init(struct prt_mempool *mp, void *opaque, void *obj, unsigned int idx)
{
	const struct prt_pktmbuf_pool_private *priv = prt_mempool_get_priv(mp);
	struct prt_mbuf *m = obj;
	size_t buf_off = sizeof(*m) + priv->mbuf_priv_size;
	prt_iova_t iova = prt_mempool_virt2iova(m);

	(void)opaque;
	(void)idx;
	memset(m, 0, buf_off);
	m->priv_size = priv->mbuf_priv_size;
	m->buf_addr = (char *)m + buf_off;
	m->buf_iova = iova == PRT_BAD_IOVA ? PRT_BAD_IOVA : iova + buf_off;
	m->buf_len = priv->mbuf_data_room_size;
	m->pool = mp;
	m->next = NULL;
	prt_pktmbuf_reset_fresh(m);
}

static void pktmbuf_pool_init(struct prt_mempool *mp, void *arg)
{
	memcpy(prt_mempool_get_priv(mp), arg, sizeof(struct prt_pktmbuf_pool_private));
}

struct prt_mempool *prt_pktmbuf_pool_create(const char *name, unsigned int n,
					    unsigned int cache_size, uint16_t priv_size,
					    uint16_t data_room_size, int socket_id)
{
	struct prt_pktmbuf_pool_private priv = {
		.mbuf_data_room_size = data_room_size,
		.mbuf_priv_size = priv_size,
	};

	if (priv_size % 8 != 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_MBUF,
			"mbuf pool '%s': private size %u is not a multiple of 8", name ? name : "",
			priv_size);
		errno = EINVAL;
		return NULL;
	}
	return prt_mempool_create(name, n, sizeof(struct prt_mbuf) + priv_size + data_room_size,
				  cache_size, sizeof(priv), pktmbuf_pool_init, &priv, pktmbuf_init,
				  NULL, socket_id, 0);
}

void prt_mbuf_free_direct(struct prt_mbuf *md)
{
	md->next = NULL;
	md->nb_segs = 1;
	prt_mbuf_refcnt_set(md, 1);
	prt_mbuf_raw_free(md);
}

void prt_pktmbuf_detach(struct prt_mbuf *m)
{
	struct prt_mbuf *md = m->direct;
	uint16_t room = prt_pktmbuf_data_room_size(m->pool);
	prt_iova_t iova = prt_mempool_virt2iova(m);

	m->buf_addr = prt_mbuf_own_buf_addr(m);
	m->buf_iova = iova == PRT_BAD_IOVA ? PRT_BAD_IOVA : iova + sizeof(*m) + m->priv_size;
	m->buf_len = room;
	m->direct = NULL;
	prt_pktmbuf_reset_headroom(m);
	m->data_len = 0;
	m->pkt_len = 0;
	m->ol_flags = 0;
	/*
	 * Drop our reference to the direct mbuf; the last one sends it home.
	 * acq_rel as in prt_pktmbuf_prefree_seg().
	 */
	if (prt_mbuf_refcnt_update(md, -1) == 0)
		prt_mbuf_free_direct(md);
}

struct prt_mbuf *prt_pktmbuf_clone(struct prt_mbuf *md, struct prt_mempool *mp)
{
	struct prt_mbuf *mc = NULL, *mi, **prev = &mc;
	uint32_t pkt_len = md->pkt_len;
	uint16_t nb_segs = md->nb_segs, made = 0;
	uint32_t made_len = 0;

	for (; md != NULL; md = md->next) {
		mi = prt_pktmbuf_alloc(mp);
		if (mi == NULL) {
			/* Out of mbufs half-way: free what was made, as a packet. */
			if (mc != NULL) {
				mc->nb_segs = made;
				mc->pkt_len = made_len;
			}
			prt_pktmbuf_free(mc);
			return NULL;
		}
		prt_pktmbuf_attach(mi, md);
		*prev = mi;
		prev = &mi->next;
		made++;
		made_len += mi->data_len;
	}
	/* cppcheck-suppress nullPointer ; the first pass set mc through *prev (md was not NULL) */
	mc->nb_segs = nb_segs;
	mc->pkt_len = pkt_len; /* cppcheck-suppress nullPointer ; as above */
	return mc;
}

int prt_pktmbuf_linearize(struct prt_mbuf *m)
{
	struct prt_mbuf *seg, *next;
	char *dst;

	if (m->nb_segs == 1)
		return 0;
	if (!prt_mbuf_is_writable(m) ||
	    (uint32_t)m->data_len + prt_pktmbuf_tailroom(m) < m->pkt_len)
		return -1;
	dst = prt_pktmbuf_mtod_offset(m, char *, m->data_len);
	for (seg = m->next; seg != NULL; seg = next) {
		next = seg->next;
		memcpy(dst, prt_pktmbuf_mtod(seg, char *), seg->data_len);
		dst += seg->data_len;
		prt_pktmbuf_free_seg(seg);
	}
	m->data_len = (uint16_t)m->pkt_len;
	m->next = NULL;
	m->nb_segs = 1;
	return 0;
}

const void *prt_pktmbuf_read_copy(const struct prt_mbuf *m, uint32_t off, uint32_t len, void *buf)
{
	const struct prt_mbuf *seg = m;
	char *dst = buf;

	if ((uint64_t)off + len > m->pkt_len)
		return NULL;
	while (seg != NULL && off >= seg->data_len) {
		off -= seg->data_len;
		seg = seg->next;
	}
	if (seg != NULL && off + len <= seg->data_len)
		return prt_pktmbuf_mtod_offset(seg, char *, off);
	while (len > 0 && seg != NULL) {
		uint32_t n = PRT_MIN(len, (uint32_t)seg->data_len - off);

		memcpy(dst, prt_pktmbuf_mtod_offset(seg, char *, off), n);
		dst += n;
		len -= n;
		off = 0;
		seg = seg->next;
	}
	/* A chain shorter than its pkt_len says: broken, give nothing. */
	return len == 0 ? buf : NULL;
}

void prt_pktmbuf_dump(FILE *f, const struct prt_mbuf *m, unsigned int dump_len)
{
	fprintf(f, "dump mbuf at %p, iova=0x%" PRIx64 ", buf_len=%u\n", (const void *)m,
		m->buf_iova, m->buf_len);
	fprintf(f,
		"  pkt_len=%" PRIu32 ", ol_flags=0x%" PRIx64
		", nb_segs=%u, port=%u, ptype=0x%" PRIx32 "\n",
		m->pkt_len, m->ol_flags, m->nb_segs, m->port, m->packet_type);
	for (const struct prt_mbuf *seg = m; seg != NULL && dump_len > 0; seg = seg->next) {
		unsigned int n = PRT_MIN(dump_len, (unsigned int)seg->data_len);
		const unsigned char *d = prt_pktmbuf_mtod(seg, const unsigned char *);

		fprintf(f, "  segment at %p, data=%p, data_len=%u, refcnt=%u\n", (const void *)seg,
			(const void *)d, seg->data_len, prt_mbuf_refcnt_read(seg));
		for (unsigned int i = 0; i < n; i++)
			fprintf(f, "%s%02x", i % 16 == 0 ? "\n    " : " ", d[i]);
		fprintf(f, "\n");
		dump_len -= n;
	}
}

#ifdef PRT_DEBUG
static void __attribute__((noreturn)) insane(const struct prt_mbuf *m, const char *what)
{
	prt_log(PRT_LOG_CRIT, PRT_LOGTYPE_MBUF, "mbuf %p (pool '%s'): %s", (const void *)m,
		m->pool != NULL ? m->pool->name : "?", what);
	abort();
}

void prt_mbuf_sanity_check(const struct prt_mbuf *m, int is_header)
{
	uint32_t pkt_len = 0;
	unsigned int nb_segs = 0;

	if (m->pool == NULL)
		insane(m, "no pool (not an mbuf?)");
	if (prt_mbuf_refcnt_read(m) == 0)
		insane(m, "refcnt is 0: used after free");
	if (!is_header)
		return;
	for (const struct prt_mbuf *seg = m; seg != NULL; seg = seg->next) {
		if ((uint32_t)seg->data_off + seg->data_len > seg->buf_len)
			insane(m, "a segment's data run past the end of its buffer");
		pkt_len += seg->data_len;
		if (++nb_segs > m->nb_segs)
			break;
	}
	if (nb_segs != m->nb_segs)
		insane(m, "nb_segs differs from the segments chained by next");
	if (pkt_len != m->pkt_len)
		insane(m, "pkt_len differs from the sum of the segments' data_len");
}
#endif
