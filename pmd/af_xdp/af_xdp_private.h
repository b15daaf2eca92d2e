/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_af_xdp's shared definitions (not installed): the queues, the port's
 * private data, and what the socket set-up (af_xdp_xsk.c), the bursts
 * (af_xdp_rxtx.c) and the ethdev ops (af_xdp_ethdev.c) call in each other.
 *
 * The UMEM of a queue is the memory of the mempool its rx queue was set up
 * with (its objects' memzone, in prt hugepage memory), registered in the
 * kernel's unaligned-chunk mode (XDP_UMEM_UNALIGNED_CHUNK_FLAG,
 * Documentation/networking/af_xdp.rst "XDP_UMEM_REG"): one chunk per mbuf,
 * from the object's mempool header to the end of its buffer. The kernel
 * writes a received frame at chunk + frame_headroom + XDP_PACKET_HEADROOM,
 * with frame_headroom = mempool header + struct prt_mbuf + priv_size, i.e.
 * XDP_PACKET_HEADROOM (256) bytes into the mbuf's buffer; so a frame on the
 * rx ring is an mbuf already, without a copy.
 */
#ifndef AF_XDP_PRIVATE_H
#define AF_XDP_PRIVATE_H

#include <linux/if_xdp.h>
#include <net/if.h>
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>
#include <xdp/xsk.h>

#include "ethdev_driver.h"
#include "ethdev_netif.h"
#include "prt_mbuf.h"

extern int afxdp_logtype;
#define AFXDP_LOG(level, ...) PRT_LOG(level, afxdp_logtype, __VA_ARGS__)

#define AFXDP_MAX_QUEUES 16
#define AFXDP_DEFAULT_RING 2048
#define AFXDP_DEFAULT_BUSY_BUDGET 64 /* DPDK 22.11's default */
#define AFXDP_BUSY_POLL_US 20 /* SO_BUSY_POLL, as DPDK */
/* The kernel's smallest UMEM chunk (net/xdp/xdp_umem.h, not in the uapi). */
#define XDP_UMEM_MIN_CHUNK_SIZE 2048

/* One kernel queue's socket, its UMEM and its four rings. The rx side (rx,
 * fq) is used by the thread polling the rx queue, the tx side (tx, cq) by
 * the one sending on the tx queue of the same index: each ring has one
 * producer and one consumer, so the two may be different threads. */
struct afxdp_rx_queue {
	struct xsk_ring_cons rx;
	struct xsk_ring_prod fq;
	struct xsk_socket *xsk;
	struct xsk_umem *umem;
	char *umem_base; /* first byte of the UMEM (page-aligned) */
	uint64_t umem_size;
	struct prt_mempool *mp; /* the mbufs that are the UMEM's chunks */
	uint32_t hdr_size; /* mempool header before each mbuf: chunk = mbuf - hdr_size */
	uint32_t chunk_size; /* header + mbuf object: nothing past the buffer */
	uint32_t data_start; /* chunk offset of buf_addr */
	uint32_t fill_deficit; /* chunks the fill ring lacks (pool was empty) */
	int fd;
	uint32_t queue_index; /* the interface's queue */
	uint16_t port_id;
	bool busy_poll;
	bool zerocopy; /* the driver took XDP_ZEROCOPY */
	struct prt_eth_sw_stats stats; /* errors: descriptors the kernel gave that were bad */
	uint64_t nombuf;
	struct xdp_statistics xdp_base; /* the kernel's counts at the last stats reset */
} __prt_cache_aligned;

struct afxdp_tx_queue {
	struct xsk_ring_prod tx;
	struct xsk_ring_cons cq;
	struct afxdp_rx_queue *rxq; /* the socket and UMEM (same index) */
	uint32_t frame_max; /* longest frame we put on the tx ring */
	struct prt_eth_sw_stats stats; /* errors: frames dropped (too long, no mbuf) */
	uint64_t copied; /* frames that were not UMEM mbufs and were copied */
	uint64_t wakeup_errors; /* sendto() kicks that failed other than EAGAIN/EBUSY */
} __prt_cache_aligned;

struct afxdp_private {
	struct netif nif; /* first: the netif_*_op() ops find it at dev_private */
	uint32_t start_queue;
	uint32_t queue_count;
	uint32_t busy_budget; /* 0: no preferred busy polling */
	char *prog_path; /* xdp_prog=: NULL for libxdp's default program */
	struct xdp_program *prog; /* the custom program, attached at the first socket */
	int xsks_map_fd; /* its xsks_map */
	struct afxdp_rx_queue rxq[AFXDP_MAX_QUEUES];
	struct afxdp_tx_queue txq[AFXDP_MAX_QUEUES];
};

_Static_assert(offsetof(struct afxdp_private, nif) == 0,
	       "the netif_*_op() ops read dev_private as struct netif");

/* af_xdp_xsk.c */

/* Creates the socket of rx queue @qid over @mp's memory with rings of
 * @nb_desc entries, fills its fill ring. @return 0 or a negative errno,
 * explained in the log. */
int afxdp_xsk_create(struct prt_eth_dev *dev, uint16_t qid, uint32_t nb_desc,
		     struct prt_mempool *mp);
/* Deletes queue @qid's socket and UMEM; the frames on its rx and completion
 * rings go back to the pool, the fill ring's mbufs only with the pool. */
void afxdp_xsk_delete(struct prt_eth_dev *dev, uint16_t qid);
/* Sends libbpf's and libxdp's messages to the driver's log type (warnings at
 * INFO, the rest at DEBUG). Not thread-safe (libbpf's setting is global). */
void afxdp_lib_logs(void);
/* Detaches the custom XDP program (xdp_prog=), if one was attached. */
void afxdp_prog_detach(struct afxdp_private *priv);
/* Checks queues start_queue .. start_queue + queue_count - 1 exist on the
 * interface (ETHTOOL_GCHANNELS). @return 0 or -EINVAL (logged). */
int afxdp_queues_check(const char *name, struct afxdp_private *priv);

/* af_xdp_rxtx.c */

uint16_t afxdp_rx(void *queue, struct prt_mbuf **pkts, uint16_t n);
uint16_t afxdp_tx(void *queue, struct prt_mbuf **pkts, uint16_t n);
/* Posts up to @n free mbufs (and the deficit) to @q's fill ring. @return how many. */
uint32_t afxdp_fill(struct afxdp_rx_queue *q, uint32_t n);
/* Frees the mbufs of the completion ring of @q. @return how many. */
uint32_t afxdp_complete(struct afxdp_tx_queue *q);

/* The mbuf whose chunk starts at UMEM offset @addr. */
static inline struct prt_mbuf *afxdp_chunk_mbuf(const struct afxdp_rx_queue *q, uint64_t addr)
{
	return (struct prt_mbuf *)(q->umem_base + addr + q->hdr_size);
}

/* The UMEM offset of @m's chunk. */
static inline uint64_t afxdp_mbuf_chunk(const struct afxdp_rx_queue *q, const struct prt_mbuf *m)
{
	return (uint64_t)((const char *)m - q->umem_base) - q->hdr_size;
}

#endif /* AF_XDP_PRIVATE_H */
