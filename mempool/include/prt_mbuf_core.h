/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_mbuf_core.h
 * The packet buffer structure (struct prt_mbuf) and its offload flags, as
 * DPDK's rte_mbuf_core.h: the same field names and the same flag bits, so
 * that code and habits carry over. Included by prt_mbuf.h; use that.
 *
 * Layout: two cache lines. The first holds everything an rx burst writes
 * and a tx burst and a free read (buffer address and IOVA, data offset and
 * lengths, refcount, segment count, port, flags, packet type, VLAN, RSS
 * hash, and the pool). The second holds what chains, indirect mbufs and tx
 * offloads use. An mbuf allocated and freed as one segment never touches
 * the second line (see prt_pktmbuf_alloc()).
 */
#ifndef PRT_MBUF_CORE_H
#define PRT_MBUF_CORE_H

#include <assert.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#include "prt_common.h"

/* Receive flags (set by drivers). */
#define PRT_MBUF_F_RX_VLAN (1ULL << 0) /**< vlan_tci holds a VLAN tag */
#define PRT_MBUF_F_RX_RSS_HASH (1ULL << 1) /**< hash.rss holds the RSS hash */
#define PRT_MBUF_F_RX_FDIR (1ULL << 2) /**< a flow director rule matched */
#define PRT_MBUF_F_RX_OUTER_IP_CKSUM_BAD (1ULL << 5) /**< outer IP checksum is wrong */
#define PRT_MBUF_F_RX_VLAN_STRIPPED (1ULL << 6) /**< the VLAN tag was removed from the data */
#define PRT_MBUF_F_RX_IP_CKSUM_MASK ((1ULL << 4) | (1ULL << 7))
#define PRT_MBUF_F_RX_IP_CKSUM_UNKNOWN 0 /**< IP checksum not checked */
#define PRT_MBUF_F_RX_IP_CKSUM_BAD (1ULL << 4) /**< IP checksum is wrong */
#define PRT_MBUF_F_RX_IP_CKSUM_GOOD (1ULL << 7) /**< IP checksum is right */
#define PRT_MBUF_F_RX_IP_CKSUM_NONE ((1ULL << 4) | (1ULL << 7)) /**< IP checksum not valid */
#define PRT_MBUF_F_RX_L4_CKSUM_MASK ((1ULL << 3) | (1ULL << 8))
#define PRT_MBUF_F_RX_L4_CKSUM_UNKNOWN 0 /**< L4 checksum not checked */
#define PRT_MBUF_F_RX_L4_CKSUM_BAD (1ULL << 3) /**< L4 checksum is wrong */
#define PRT_MBUF_F_RX_L4_CKSUM_GOOD (1ULL << 8) /**< L4 checksum is right */
#define PRT_MBUF_F_RX_L4_CKSUM_NONE ((1ULL << 3) | (1ULL << 8)) /**< L4 checksum not valid */
#define PRT_MBUF_F_RX_IEEE1588_PTP (1ULL << 9) /**< a PTP frame */
#define PRT_MBUF_F_RX_IEEE1588_TMST (1ULL << 10) /**< the PTP frame was timestamped */
#define PRT_MBUF_F_RX_FDIR_ID (1ULL << 13) /**< hash.fdir.hi holds the flow director id */
#define PRT_MBUF_F_RX_FDIR_FLX (1ULL << 14) /**< hash.fdir holds flexible bytes */
#define PRT_MBUF_F_RX_QINQ_STRIPPED (1ULL << 15) /**< both VLAN tags were removed */
#define PRT_MBUF_F_RX_LRO (1ULL << 16) /**< several received frames were merged */
#define PRT_MBUF_F_RX_SEC_OFFLOAD (1ULL << 18) /**< inline IPsec processed it */
#define PRT_MBUF_F_RX_SEC_OFFLOAD_FAILED (1ULL << 19) /**< inline IPsec failed */
#define PRT_MBUF_F_RX_QINQ (1ULL << 20) /**< vlan_tci and vlan_tci_outer hold both tags */
#define PRT_MBUF_F_RX_OUTER_L4_CKSUM_MASK ((1ULL << 21) | (1ULL << 22))
#define PRT_MBUF_F_RX_OUTER_L4_CKSUM_UNKNOWN 0
#define PRT_MBUF_F_RX_OUTER_L4_CKSUM_BAD (1ULL << 21)
#define PRT_MBUF_F_RX_OUTER_L4_CKSUM_GOOD (1ULL << 22)
#define PRT_MBUF_F_RX_OUTER_L4_CKSUM_INVALID ((1ULL << 21) | (1ULL << 22))

/* Transmit flags (set by the application, read by drivers with tx_offload). */
#define PRT_MBUF_F_TX_OUTER_UDP_CKSUM (1ULL << 41) /**< compute the outer UDP checksum */
#define PRT_MBUF_F_TX_UDP_SEG (1ULL << 42) /**< UDP fragmentation offload */
#define PRT_MBUF_F_TX_SEC_OFFLOAD (1ULL << 43) /**< inline IPsec */
#define PRT_MBUF_F_TX_MACSEC (1ULL << 44) /**< insert a MACsec tag */
#define PRT_MBUF_F_TX_TUNNEL_VXLAN (0x1ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_GRE (0x2ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_IPIP (0x3ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_GENEVE (0x4ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_MPLSINUDP (0x5ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_VXLAN_GPE (0x6ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_GTP (0x7ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_ESP (0x8ULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_IP (0xDULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_UDP (0xEULL << 45)
#define PRT_MBUF_F_TX_TUNNEL_MASK (0xFULL << 45)
#define PRT_MBUF_F_TX_QINQ (1ULL << 49) /**< insert both VLAN tags */
#define PRT_MBUF_F_TX_TCP_SEG (1ULL << 50) /**< TCP segmentation offload (tso_segsz) */
#define PRT_MBUF_F_TX_IEEE1588_TMST (1ULL << 51) /**< timestamp this PTP frame */
#define PRT_MBUF_F_TX_L4_NO_CKSUM (0ULL << 52)
#define PRT_MBUF_F_TX_TCP_CKSUM (1ULL << 52) /**< compute the TCP checksum */
#define PRT_MBUF_F_TX_SCTP_CKSUM (2ULL << 52) /**< compute the SCTP checksum */
#define PRT_MBUF_F_TX_UDP_CKSUM (3ULL << 52) /**< compute the UDP checksum */
#define PRT_MBUF_F_TX_L4_MASK (3ULL << 52)
#define PRT_MBUF_F_TX_IP_CKSUM (1ULL << 54) /**< compute the IPv4 header checksum */
#define PRT_MBUF_F_TX_IPV4 (1ULL << 55) /**< the packet is IPv4 */
#define PRT_MBUF_F_TX_IPV6 (1ULL << 56) /**< the packet is IPv6 */
#define PRT_MBUF_F_TX_VLAN (1ULL << 57) /**< insert vlan_tci as a VLAN tag */
#define PRT_MBUF_F_TX_OUTER_IP_CKSUM (1ULL << 58) /**< compute the outer IPv4 checksum */
#define PRT_MBUF_F_TX_OUTER_IPV4 (1ULL << 59) /**< the outer header is IPv4 */
#define PRT_MBUF_F_TX_OUTER_IPV6 (1ULL << 60) /**< the outer header is IPv6 */
/** Every flag that asks a driver for a tx offload. */
#define PRT_MBUF_F_TX_OFFLOAD_MASK                                                               \
	(PRT_MBUF_F_TX_IPV4 | PRT_MBUF_F_TX_IPV6 | PRT_MBUF_F_TX_VLAN | PRT_MBUF_F_TX_IP_CKSUM | \
	 PRT_MBUF_F_TX_L4_MASK | PRT_MBUF_F_TX_IEEE1588_TMST | PRT_MBUF_F_TX_TCP_SEG |           \
	 PRT_MBUF_F_TX_QINQ | PRT_MBUF_F_TX_TUNNEL_MASK | PRT_MBUF_F_TX_MACSEC |                 \
	 PRT_MBUF_F_TX_SEC_OFFLOAD | PRT_MBUF_F_TX_UDP_SEG | PRT_MBUF_F_TX_OUTER_UDP_CKSUM |     \
	 PRT_MBUF_F_TX_OUTER_IP_CKSUM | PRT_MBUF_F_TX_OUTER_IPV4 | PRT_MBUF_F_TX_OUTER_IPV6)

/** The mbuf does not own its buffer: it shares the one of mbuf @c direct (prt_pktmbuf_attach()). */
#define PRT_MBUF_F_INDIRECT (1ULL << 62)

/** Bytes left free before the data of a newly allocated mbuf (room for headers to prepend). */
#define PRT_PKTMBUF_HEADROOM 128

/** Default data room of a pool: a 2048-byte frame plus the headroom. */
#define PRT_MBUF_DEFAULT_DATAROOM 2048
#define PRT_MBUF_DEFAULT_BUF_SIZE (PRT_MBUF_DEFAULT_DATAROOM + PRT_PKTMBUF_HEADROOM)

/** "No port" in mbuf->port. */
#define PRT_MBUF_PORT_INVALID UINT16_MAX

/** Most segments in one packet. */
#define PRT_MBUF_MAX_NB_SEGS UINT16_MAX

struct prt_mempool;

/** A packet buffer: the metadata, then priv_size bytes of private data, then the buffer. */
struct prt_mbuf {
	/* --- cache line 0: rx, tx and free --- */
	void *buf_addr; /**< virtual address of the buffer's first byte */
	prt_iova_t buf_iova; /**< its IOVA, computed once at pool creation */

	/** The four fields an rx burst sets at once through @c rearm_data. */
	union {
		uint64_t rearm_data;
		struct {
			uint16_t data_off; /**< offset of the data in the buffer */
			/** References to this buffer (see prt_mbuf_refcnt_update()). */
			_Atomic uint16_t refcnt;
			uint16_t nb_segs; /**< segments in the packet (first segment only) */
			uint16_t port; /**< input port, PRT_MBUF_PORT_INVALID when none */
		};
	};
	uint64_t ol_flags; /**< PRT_MBUF_F_* */

	uint32_t packet_type; /**< L2/L3/L4 and tunnel types, as DPDK's RTE_PTYPE_* */
	uint32_t pkt_len; /**< bytes in the whole packet (first segment only) */
	uint16_t data_len; /**< bytes of data in this segment */
	uint16_t vlan_tci; /**< VLAN tag (PRT_MBUF_F_RX_VLAN / PRT_MBUF_F_TX_VLAN) */
	union {
		uint32_t rss; /**< RSS hash (PRT_MBUF_F_RX_RSS_HASH) */
		struct {
			uint32_t lo; /**< flexible bytes or hash */
			uint32_t hi; /**< flow director id (PRT_MBUF_F_RX_FDIR_ID) */
		} fdir;
		uint32_t usr; /**< free for the application */
	} hash;
	uint16_t vlan_tci_outer; /**< outer VLAN tag (QinQ) */
	uint16_t buf_len; /**< bytes in the buffer */
	struct prt_mempool *pool; /**< the pool the mbuf returns to */

	/* --- cache line 1: chains, indirect mbufs, tx offloads --- */
	struct prt_mbuf *next __prt_cache_aligned; /**< next segment, NULL in the last */
	/** Header lengths a driver needs for tx offloads (valid with the PRT_MBUF_F_TX_* flags). */
	union {
		uint64_t tx_offload;
		struct {
			uint64_t l2_len : 7; /**< L2 header bytes (tunnel: outer L4 to inner L3) */
			uint64_t l3_len : 9; /**< L3 header bytes */
			uint64_t l4_len : 8; /**< L4 header bytes */
			uint64_t tso_segsz : 16; /**< TCP/UDP segment payload size */
			uint64_t outer_l3_len : 9; /**< outer L3 header bytes */
			uint64_t outer_l2_len : 7; /**< outer L2 header bytes */
		};
	};
	/** For an indirect mbuf, the mbuf whose buffer it uses; NULL otherwise. */
	struct prt_mbuf *direct;
	uint64_t udata64; /**< free for the application; not reset by alloc */
	uint16_t priv_size; /**< bytes of private data after this structure */
	uint16_t timesync; /**< timesync register index (PRT_MBUF_F_RX_IEEE1588_TMST) */
} __prt_cache_aligned;

static_assert(sizeof(struct prt_mbuf) == 2 * PRT_CACHE_LINE_SIZE, "mbuf is two cache lines");
static_assert(offsetof(struct prt_mbuf, buf_iova) == 8, "buf_iova");
static_assert(offsetof(struct prt_mbuf, rearm_data) == 16, "rearm_data");
static_assert(offsetof(struct prt_mbuf, refcnt) == 18, "refcnt");
static_assert(offsetof(struct prt_mbuf, ol_flags) == 24, "ol_flags");
static_assert(offsetof(struct prt_mbuf, packet_type) == 32, "packet_type");
static_assert(offsetof(struct prt_mbuf, hash) == 44, "hash");
static_assert(offsetof(struct prt_mbuf, buf_len) == 54, "buf_len");
static_assert(offsetof(struct prt_mbuf, pool) < PRT_CACHE_LINE_SIZE, "pool in line 0");
static_assert(offsetof(struct prt_mbuf, next) == PRT_CACHE_LINE_SIZE, "next opens line 1");

#endif /* PRT_MBUF_CORE_H */
