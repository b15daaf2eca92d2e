/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ethdev.h
 * Ethernet ports: the API of DPDK's rte_ethdev with the prt_ prefix.
 *
 * Ports are numbered from 0 in the order they were probed: first the --vdev
 * devices in command-line order, then PCI devices in bus order. A port goes
 * through these states:
 *
 *     probed --configure--> configured --rx/tx_queue_setup (every queue)-->
 *     --start--> started --stop--> configured (again startable) --close--> gone
 *
 * A typical program:
 *
 *     struct prt_eth_conf conf = { .rxmode = { .mtu = 1500 } };
 *     prt_eth_dev_configure(port, 1, 1, &conf);
 *     prt_eth_rx_queue_setup(port, 0, 1024, prt_eth_dev_socket_id(port), NULL, pool);
 *     prt_eth_tx_queue_setup(port, 0, 1024, prt_eth_dev_socket_id(port), NULL);
 *     prt_eth_dev_start(port);
 *     for (;;) {
 *             uint16_t n = prt_eth_rx_burst(port, 0, pkts, 32);
 *             ...
 *             uint16_t sent = prt_eth_tx_burst(port, 0, pkts, n);
 *             prt_pktmbuf_free_bulk(pkts + sent, n - sent);  // tx did not take them
 *     }
 *
 * Thread safety. Control functions (everything but the burst functions) are
 * called from one thread at a time, typically the main lcore; they may not
 * run on a port while another thread calls its burst functions, except the
 * statistics, link and rx-interrupt functions, which are safe against the
 * fast path. A queue is polled by one thread at a time: prt_eth_rx_burst()
 * and prt_eth_tx_burst() on different queues (or on one rx and one tx queue)
 * may run concurrently, on the same queue they may not. Event callbacks
 * (prt_eth_dev_callback_register()) are registered from any thread and run
 * on prt's interrupt thread.
 *
 * Errors are negative errno values; the common ones: -ENODEV (no such port),
 * -EINVAL (a bad argument: a log line says which), -EBUSY (the port is
 * started and must be stopped first), -ENOTSUP (the driver cannot do this).
 */
#ifndef PRT_ETHDEV_H
#define PRT_ETHDEV_H

#include <stdint.h>

#include "prt_common.h"
#include "prt_ether.h"

struct prt_mbuf;
struct prt_mempool;

/** Most ports a process can have. */
#define PRT_MAX_ETHPORTS 32
/** "Every port", where a call takes it (event callbacks), as DPDK's RTE_ETH_ALL. */
#define PRT_ETH_ALL PRT_MAX_ETHPORTS
/** Most rx (and tx) queues a port can have. */
#define PRT_MAX_QUEUES_PER_PORT 64
/** Queues with their own counters in struct prt_eth_stats. */
#define PRT_ETHDEV_QUEUE_STAT_CNTRS 16
/** Longest port name, with its NUL. */
#define PRT_ETH_NAME_MAX_LEN 64
/** Longest xstat name, with its NUL (as RTE_ETH_XSTATS_NAME_SIZE). */
#define PRT_ETH_XSTATS_NAME_SIZE 64
/**
 * Most entries of a port's address table, its default address included
 * (DPDK sizes the table per driver; prt keeps it in the port, so a driver's
 * dev_info.max_mac_addrs is capped at this).
 */
#define PRT_ETH_MAX_MAC_ADDRS 64
/** Most addresses of a port's multicast list (dev_info.max_mc_addrs is capped at this). */
#define PRT_ETH_MAX_MC_ADDRS 64

/** @name Rx offloads (struct prt_eth_rxmode.offloads, dev_info.rx_offload_capa); DPDK's bits */
/**@{*/
#define PRT_ETH_RX_OFFLOAD_VLAN_STRIP (1ull << 0)
#define PRT_ETH_RX_OFFLOAD_IPV4_CKSUM (1ull << 1)
#define PRT_ETH_RX_OFFLOAD_UDP_CKSUM (1ull << 2)
#define PRT_ETH_RX_OFFLOAD_TCP_CKSUM (1ull << 3)
#define PRT_ETH_RX_OFFLOAD_SCATTER (1ull << 13) /**< frames larger than one mbuf become chains */
#define PRT_ETH_RX_OFFLOAD_RSS_HASH (1ull << 19) /**< hash.rss filled */
/**@}*/

/** @name Tx offloads (struct prt_eth_txmode.offloads, dev_info.tx_offload_capa); DPDK's bits */
/**@{*/
#define PRT_ETH_TX_OFFLOAD_VLAN_INSERT (1ull << 0)
#define PRT_ETH_TX_OFFLOAD_IPV4_CKSUM (1ull << 1)
#define PRT_ETH_TX_OFFLOAD_UDP_CKSUM (1ull << 2)
#define PRT_ETH_TX_OFFLOAD_TCP_CKSUM (1ull << 3)
#define PRT_ETH_TX_OFFLOAD_MULTI_SEGS (1ull << 15) /**< chained mbufs may be sent */
#define PRT_ETH_TX_OFFLOAD_MBUF_FAST_FREE (1ull << 16) /**< one pool per queue, refcnt 1 */
/**@}*/

/** @name RSS hash functions (struct prt_eth_rss_conf.rss_hf); DPDK's bits */
/**@{*/
#define PRT_ETH_RSS_IPV4 (1ull << 2)
#define PRT_ETH_RSS_NONFRAG_IPV4_TCP (1ull << 4)
#define PRT_ETH_RSS_NONFRAG_IPV4_UDP (1ull << 5)
#define PRT_ETH_RSS_IPV6 (1ull << 8)
#define PRT_ETH_RSS_NONFRAG_IPV6_TCP (1ull << 10)
#define PRT_ETH_RSS_NONFRAG_IPV6_UDP (1ull << 11)
#define PRT_ETH_RSS_IP (PRT_ETH_RSS_IPV4 | PRT_ETH_RSS_IPV6)
#define PRT_ETH_RSS_TCP (PRT_ETH_RSS_NONFRAG_IPV4_TCP | PRT_ETH_RSS_NONFRAG_IPV6_TCP)
#define PRT_ETH_RSS_UDP (PRT_ETH_RSS_NONFRAG_IPV4_UDP | PRT_ETH_RSS_NONFRAG_IPV6_UDP)
/**@}*/

/** @name Link speeds in Mb/s (struct prt_eth_link.link_speed) */
/**@{*/
#define PRT_ETH_SPEED_NUM_NONE 0
#define PRT_ETH_SPEED_NUM_1G 1000
#define PRT_ETH_SPEED_NUM_10G 10000
#define PRT_ETH_SPEED_NUM_100G 100000
#define PRT_ETH_SPEED_NUM_UNKNOWN UINT32_MAX
/**@}*/

/** How rx traffic is spread over a port's rx queues. */
enum prt_eth_rx_mq_mode {
	PRT_ETH_MQ_RX_NONE = 0, /**< everything to queue 0 */
	PRT_ETH_MQ_RX_RSS = 1, /**< by the RSS hash and the redirection table */
};

/** Rx settings of a port. */
struct prt_eth_rxmode {
	enum prt_eth_rx_mq_mode mq_mode;
	/** MTU in bytes (the frame less its Ethernet header and CRC); 0: 1500. */
	uint32_t mtu;
	uint64_t offloads; /**< PRT_ETH_RX_OFFLOAD_* */
};

/** Tx settings of a port. */
struct prt_eth_txmode {
	uint64_t offloads; /**< PRT_ETH_TX_OFFLOAD_* */
};

/** RSS: which headers are hashed, with which key. */
struct prt_eth_rss_conf {
	uint8_t *rss_key; /**< NULL: the driver's default key */
	uint8_t rss_key_len; /**< bytes in rss_key */
	uint64_t rss_hf; /**< PRT_ETH_RSS_* */
};

/** Interrupts a port delivers. */
struct prt_eth_intr_conf {
	/**
	 * Link-state changes as PRT_ETH_EVENT_INTR_LSC events (and the stored
	 * link kept current by them); only on a port whose dev_info.dev_flags
	 * has PRT_ETH_DEV_INTR_LSC.
	 */
	uint32_t lsc : 1;
	uint32_t rxq : 1; /**< per-rx-queue interrupts (prt_eth_dev_rx_intr_*) */
};

/** A port's configuration (prt_eth_dev_configure()). Zero means "default" throughout. */
struct prt_eth_conf {
	struct prt_eth_rxmode rxmode;
	struct prt_eth_txmode txmode;
	struct {
		struct prt_eth_rss_conf rss_conf;
	} rx_adv_conf;
	struct prt_eth_intr_conf intr_conf;
};

/** Settings of one rx queue; NULL at setup takes dev_info.default_rxconf. */
struct prt_eth_rxconf {
	uint16_t rx_free_thresh; /**< refill the ring after this many descriptors were used */
	uint8_t rx_drop_en; /**< drop (and count) when no descriptor is free */
	uint64_t offloads; /**< per-queue PRT_ETH_RX_OFFLOAD_*, added to the port's */
};

/** Settings of one tx queue; NULL at setup takes dev_info.default_txconf. */
struct prt_eth_txconf {
	uint16_t tx_free_thresh; /**< reclaim sent mbufs when fewer descriptors are free */
	uint16_t tx_rs_thresh; /**< ask for a completion report every this many descriptors */
	uint64_t offloads; /**< per-queue PRT_ETH_TX_OFFLOAD_*, added to the port's */
};

/** Limits on a queue's descriptor count. */
struct prt_eth_desc_lim {
	uint16_t nb_max;
	uint16_t nb_min;
	uint16_t nb_align; /**< the count must be a multiple of this */
};

/** What the driver suggests (0: no suggestion). */
struct prt_eth_dev_portconf {
	uint16_t burst_size;
	uint16_t ring_size;
	uint16_t nb_queues;
};

/** @name Port flags (dev_info.dev_flags); DPDK's RTE_ETH_DEV_INTR_* */
/**@{*/
#define PRT_ETH_DEV_INTR_LSC 0x0002 /**< raises PRT_ETH_EVENT_INTR_LSC (intr_conf.lsc) */
#define PRT_ETH_DEV_INTR_RMV 0x0008 /**< raises PRT_ETH_EVENT_INTR_RMV */
/**@}*/

/** What a port can do (prt_eth_dev_info_get()). */
struct prt_eth_dev_info {
	const char *driver_name; /**< e.g. "net_pcap" */
	unsigned int if_index; /**< the kernel interface behind the port, 0 if none */
	uint16_t min_mtu;
	uint16_t max_mtu;
	uint32_t min_rx_bufsize; /**< smallest mbuf data room an rx queue accepts */
	uint32_t max_rx_pktlen; /**< longest frame the port receives, CRC included */
	uint16_t max_rx_queues;
	uint16_t max_tx_queues;
	/**
	 * Entries of the port's address table, the default address included
	 * (so 1: no secondary address); at most PRT_ETH_MAX_MAC_ADDRS.
	 */
	uint32_t max_mac_addrs;
	/**
	 * Addresses prt_eth_dev_set_mc_addr_list() takes (0: no multicast
	 * filter); at most PRT_ETH_MAX_MC_ADDRS. prt's: DPDK has no such field
	 * (its drivers refuse a list too long on their own).
	 */
	uint32_t max_mc_addrs;
	uint64_t rx_offload_capa;
	uint64_t tx_offload_capa;
	uint64_t flow_type_rss_offloads; /**< PRT_ETH_RSS_* the port can hash */
	uint16_t reta_size; /**< entries in the redirection table (0: no RSS) */
	uint8_t hash_key_size; /**< bytes in an RSS key */
	struct prt_eth_rxconf default_rxconf;
	struct prt_eth_txconf default_txconf;
	struct prt_eth_desc_lim rx_desc_lim;
	struct prt_eth_desc_lim tx_desc_lim;
	struct prt_eth_dev_portconf default_rxportconf;
	struct prt_eth_dev_portconf default_txportconf;
	uint32_t speed_capa;
	/** PRT_ETH_DEV_INTR_*: the events the port can raise (DPDK points at the port's flags). */
	uint32_t dev_flags;
	uint16_t nb_rx_queues; /**< configured now */
	uint16_t nb_tx_queues; /**< configured now */
};

/** Link state; 8 bytes, aligned so that it is read and written whole (atomically). */
struct prt_eth_link {
	uint32_t link_speed; /**< Mb/s, PRT_ETH_SPEED_NUM_* */
	uint16_t link_duplex : 1; /**< 1: full duplex */
	uint16_t link_autoneg : 1; /**< 1: autonegotiated */
	uint16_t link_status : 1; /**< 1: up */
} __attribute__((aligned(8)));

/** Port statistics (DPDK's rte_eth_stats): counts since start-up or the last reset. */
struct prt_eth_stats {
	uint64_t ipackets; /**< frames received and handed to the application */
	uint64_t opackets; /**< frames sent */
	uint64_t ibytes; /**< bytes received (CRC excluded) */
	uint64_t obytes; /**< bytes sent (CRC excluded) */
	uint64_t imissed; /**< frames dropped because no rx descriptor was free */
	uint64_t ierrors; /**< frames received in error and dropped (too long, runt, ...) */
	uint64_t oerrors; /**< frames that failed to be sent */
	uint64_t rx_nombuf; /**< rx refills that found the mempool empty */
	uint64_t q_ipackets[PRT_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_opackets[PRT_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_ibytes[PRT_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_obytes[PRT_ETHDEV_QUEUE_STAT_CNTRS];
	uint64_t q_errors[PRT_ETHDEV_QUEUE_STAT_CNTRS]; /**< rx errors per queue */
};

/** One extended statistic: its index in the name table and its value. */
struct prt_eth_xstat {
	uint64_t id;
	uint64_t value;
};

/** The name of an extended statistic, e.g. "rx_q0_packets". */
struct prt_eth_xstat_name {
	char name[PRT_ETH_XSTATS_NAME_SIZE];
};

/* ------------------------------------------------------------------------ */
/* The fast path                                                            */
/* ------------------------------------------------------------------------ */

/** A driver's rx burst function: receives up to @p nb_pkts frames from queue @p rxq. */
typedef uint16_t (*prt_eth_rx_burst_t)(void *rxq, struct prt_mbuf **rx_pkts, uint16_t nb_pkts);
/** A driver's tx burst function: queues up to @p nb_pkts frames on @p txq. */
typedef uint16_t (*prt_eth_tx_burst_t)(void *txq, struct prt_mbuf **tx_pkts, uint16_t nb_pkts);

/**
 * What the burst functions of one port need, in one cache line (as DPDK's
 * rte_eth_fp_ops): the driver's burst functions and its queue pointers. A
 * port that is not started has functions that return 0, so a stray burst
 * on a stopped port does nothing. Written by the ethdev layer only, at
 * start and stop; read by prt_eth_rx_burst()/prt_eth_tx_burst().
 */
struct prt_eth_fp_ops {
	prt_eth_rx_burst_t rx_pkt_burst;
	void **rxq; /**< the driver's rx queues, by queue id */
	prt_eth_tx_burst_t tx_pkt_burst;
	void **txq; /**< the driver's tx queues, by queue id */
	uint16_t nb_rx_queues;
	uint16_t nb_tx_queues;
} __prt_cache_aligned;

/** Fast-path data of every port; index by port id. */
extern struct prt_eth_fp_ops prt_eth_fp_ops[PRT_MAX_ETHPORTS];

/**
 * Checks a port and queue id for the burst functions in PRT_DEBUG builds.
 * @return 0; -ENODEV or -EINVAL after a log line.
 */
int prt_eth_fp_check(uint16_t port_id, uint16_t queue_id, int rx);

/**
 * Receives up to @p nb_pkts frames from rx queue @p queue_id of @p port_id
 * into @p rx_pkts. Ownership of every returned mbuf passes to the caller
 * (free it, or hand it to prt_eth_tx_burst()). A frame larger than one mbuf
 * comes as a chain (nb_segs > 1) when PRT_ETH_RX_OFFLOAD_SCATTER is on or the
 * driver always chains. Never blocks. Not thread-safe on one queue.
 *
 * With PRT_DEBUG (-Ddebug_checks=true) a bad port or queue id returns 0
 * and logs; otherwise it is the caller's duty to pass valid ids.
 *
 * @return the number of frames stored in @p rx_pkts (0 .. @p nb_pkts).
 */
static inline uint16_t prt_eth_rx_burst(uint16_t port_id, uint16_t queue_id,
					struct prt_mbuf **rx_pkts, uint16_t nb_pkts)
{
	struct prt_eth_fp_ops *p = &prt_eth_fp_ops[port_id];

#ifdef PRT_DEBUG
	if (prt_eth_fp_check(port_id, queue_id, 1) < 0)
		return 0;
#endif
	return p->rx_pkt_burst(p->rxq[queue_id], rx_pkts, nb_pkts);
}

/**
 * Queues up to @p nb_pkts frames of @p tx_pkts on tx queue @p queue_id of
 * @p port_id, in order. The first n (the return value) mbufs now belong to
 * the driver, which frees them once sent; the rest still belong to the
 * caller (retry or free them). Never blocks. Not thread-safe on one queue.
 *
 * @return the number of frames queued (0 .. @p nb_pkts).
 */
static inline uint16_t prt_eth_tx_burst(uint16_t port_id, uint16_t queue_id,
					struct prt_mbuf **tx_pkts, uint16_t nb_pkts)
{
	struct prt_eth_fp_ops *p = &prt_eth_fp_ops[port_id];

#ifdef PRT_DEBUG
	if (prt_eth_fp_check(port_id, queue_id, 0) < 0)
		return 0;
#endif
	return p->tx_pkt_burst(p->txq[queue_id], tx_pkts, nb_pkts);
}

/* ------------------------------------------------------------------------ */
/* Tx buffering: gather frames one at a time, send them as a burst          */
/* ------------------------------------------------------------------------ */

/** Called with the frames a flush could not send; they belong to the callback. */
typedef void (*prt_eth_buffer_tx_error_fn)(struct prt_mbuf **unsent, uint16_t count,
					   void *userdata);

/** A tx buffer (as rte_eth_dev_tx_buffer); allocate with PRT_ETH_TX_BUFFER_SIZE(n). */
struct prt_eth_dev_tx_buffer {
	prt_eth_buffer_tx_error_fn error_callback;
	void *error_userdata;
	uint16_t size; /**< frames the buffer holds */
	uint16_t length; /**< frames in it now */
	struct prt_mbuf *pkts[]; /**< size entries */
};

/** Bytes a tx buffer of @p sz frames needs. */
#define PRT_ETH_TX_BUFFER_SIZE(sz) \
	(sizeof(struct prt_eth_dev_tx_buffer) + (sz) * sizeof(struct prt_mbuf *))

/**
 * Prepares @p buffer (PRT_ETH_TX_BUFFER_SIZE(@p size) bytes) to hold @p size
 * frames; unsent frames are freed (prt_eth_tx_buffer_drop_callback) until
 * prt_eth_tx_buffer_set_err_callback() says otherwise.
 * @return 0; -EINVAL when @p buffer is NULL or @p size is 0.
 */
int prt_eth_tx_buffer_init(struct prt_eth_dev_tx_buffer *buffer, uint16_t size);

/** Makes @p cb(@p userdata) receive the frames a flush could not send. @return 0; -EINVAL. */
int prt_eth_tx_buffer_set_err_callback(struct prt_eth_dev_tx_buffer *buffer,
				       prt_eth_buffer_tx_error_fn cb, void *userdata);

/** Error callback that frees the unsent frames (the default). */
void prt_eth_tx_buffer_drop_callback(struct prt_mbuf **pkts, uint16_t unsent, void *userdata);

/**
 * Error callback that frees the unsent frames and adds their count to the
 * uint64_t that @p userdata points to.
 */
void prt_eth_tx_buffer_count_callback(struct prt_mbuf **pkts, uint16_t unsent, void *userdata);

/**
 * Sends every frame in @p buffer with one prt_eth_tx_burst(); frames the
 * queue did not take go to the error callback. Same thread rules as
 * prt_eth_tx_burst().
 * @return the number of frames sent.
 */
static inline uint16_t prt_eth_tx_buffer_flush(uint16_t port_id, uint16_t queue_id,
					       struct prt_eth_dev_tx_buffer *buffer)
{
	uint16_t to_send = buffer->length, sent;

	if (to_send == 0)
		return 0;
	sent = prt_eth_tx_burst(port_id, queue_id, buffer->pkts, to_send);
	buffer->length = 0;
	if (unlikely(sent != to_send))
		buffer->error_callback(&buffer->pkts[sent], (uint16_t)(to_send - sent),
				       buffer->error_userdata);
	return sent;
}

/**
 * Adds @p tx_pkt to @p buffer (which now owns it); when the buffer is full,
 * flushes it. @return the number of frames sent by that flush (0 when none).
 */
static inline uint16_t prt_eth_tx_buffer(uint16_t port_id, uint16_t queue_id,
					 struct prt_eth_dev_tx_buffer *buffer,
					 struct prt_mbuf *tx_pkt)
{
	buffer->pkts[buffer->length++] = tx_pkt;
	if (buffer->length < buffer->size)
		return 0;
	return prt_eth_tx_buffer_flush(port_id, queue_id, buffer);
}

/* ------------------------------------------------------------------------ */
/* Ports                                                                    */
/* ------------------------------------------------------------------------ */

/** Number of ports that exist (probed and not closed). Thread-safe. */
uint16_t prt_eth_dev_count_avail(void);

/** Non-zero when @p port_id names a port that exists. Thread-safe. */
int prt_eth_dev_is_valid_port(uint16_t port_id);

/** The first port at or after @p port_id; PRT_MAX_ETHPORTS when none. */
uint16_t prt_eth_find_next(uint16_t port_id);

/** Runs over every port id @p p that exists. */
#define PRT_ETH_FOREACH_DEV(p)                                   \
	for ((p) = prt_eth_find_next(0); (p) < PRT_MAX_ETHPORTS; \
	     (p) = prt_eth_find_next((uint16_t)((p) + 1)))

/**
 * The port named @p name (its --vdev name, e.g. "net_pcap0", or its PCI
 * address) in @p port_id. @return 0; -ENODEV when there is none.
 */
int prt_eth_dev_get_port_by_name(const char *name, uint16_t *port_id);

/** The name of @p port_id, or NULL when the port does not exist. */
const char *prt_eth_dev_name(uint16_t port_id);

/** NUMA node of the port's device; PRT_SOCKET_ID_ANY when unknown or virtual. */
int prt_eth_dev_socket_id(uint16_t port_id);

/**
 * Fills @p info with what @p port_id can do.
 * @return 0; -ENODEV; -EINVAL when @p info is NULL.
 */
int prt_eth_dev_info_get(uint16_t port_id, struct prt_eth_dev_info *info);

/**
 * Configures @p port_id with @p nb_rx_q rx and @p nb_tx_q tx queues and
 * @p conf (copied; NULL is all defaults). Queues set up earlier are released.
 * Each refusal is logged with the limit that was exceeded.
 *
 * @return 0; -ENODEV; -EBUSY when the port is started; -EINVAL for a queue
 *         count over dev_info.max_rx/tx_queues (or 0 for both), an MTU
 *         outside min_mtu..max_mtu, offloads or RSS hash functions the port
 *         lacks; -ENOTSUP for rx interrupts (intr_conf.rxq) on a port
 *         without them, or link-state interrupts (intr_conf.lsc) on a port
 *         whose dev_info.dev_flags lacks PRT_ETH_DEV_INTR_LSC; the driver's
 *         error.
 */
int prt_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_q, uint16_t nb_tx_q,
			  const struct prt_eth_conf *conf);

/**
 * Sets up rx queue @p rx_queue_id with @p nb_rx_desc descriptors (0: the
 * driver's default) on NUMA node @p socket_id (PRT_SOCKET_ID_ANY: the
 * port's), filling it with mbufs from @p mb_pool, which must outlive the
 * queue. An rx queue set up before is released first.
 *
 * @return 0; -ENODEV; -EBUSY when started; -EINVAL when the queue id is not
 *         below the configured count, the descriptor count breaks
 *         dev_info.rx_desc_lim, @p mb_pool is NULL or its data room is under
 *         min_rx_bufsize; -ENOMEM; the driver's error.
 */
int prt_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc,
			   int socket_id, const struct prt_eth_rxconf *rx_conf,
			   struct prt_mempool *mb_pool);

/**
 * Sets up tx queue @p tx_queue_id with @p nb_tx_desc descriptors (0: the
 * driver's default) on @p socket_id. Same errors as prt_eth_rx_queue_setup().
 */
int prt_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc,
			   int socket_id, const struct prt_eth_txconf *tx_conf);

/**
 * Starts @p port_id: its queues begin to move frames and the burst
 * functions reach the driver. Every configured queue must be set up.
 * @return 0 (also when already started); -ENODEV; -EINVAL when the port
 *         is not configured or a queue is not set up (the log names it);
 *         the driver's error (the port stays stopped).
 */
int prt_eth_dev_start(uint16_t port_id);

/**
 * Stops @p port_id: the burst functions return 0 from now on. No other
 * thread may be inside a burst function of the port during the call.
 * Mbufs the driver holds in its rx rings stay there until close.
 * @return 0 (also when already stopped); -ENODEV; the driver's error.
 */
int prt_eth_dev_stop(uint16_t port_id);

/**
 * Closes @p port_id: stops it if started, releases its queues (and every
 * mbuf they held) and frees the port with its event callbacks (after those
 * running on other threads returned); its id may be reused by a later probe.
 * @return 0; -ENODEV; -EDEADLK when called from one of the port's own event
 *         callbacks (close it from the main thread).
 */
int prt_eth_dev_close(uint16_t port_id);

/* Link, address, filters, MTU ------------------------------------------- */

/**
 * Reads the link state of @p port_id into @p link, waiting up to 9 s for the
 * link to come up (as rte_eth_link_get) when the port is started and the
 * link is down. On a started port configured with intr_conf.lsc, the state
 * kept current by the link-state interrupt, without asking the driver or
 * waiting (as DPDK). @return 0; -ENODEV; -EINVAL; the driver's error.
 */
int prt_eth_link_get(uint16_t port_id, struct prt_eth_link *link);

/**
 * prt_eth_link_get() without waiting: the state now. Thread-safe against the
 * fast path; with intr_conf.lsc, also callable from an event callback.
 */
int prt_eth_link_get_nowait(uint16_t port_id, struct prt_eth_link *link);

/** Copies the port's MAC address into @p mac_addr. @return 0; -ENODEV; -EINVAL. */
int prt_eth_macaddr_get(uint16_t port_id, struct prt_ether_addr *mac_addr);

/**
 * Sets the port's MAC address: its default address, slot 0 of its address
 * table. Started or stopped.
 * @return 0; -ENODEV; -EINVAL for a multicast or zero address; -EEXIST when
 *         @p mac_addr is one of the port's secondary addresses (remove it
 *         first: one address in two slots would outlive its removal from
 *         one; DPDK checks the same since 23.03); -ENOTSUP; the driver's
 *         error (the address is unchanged).
 */
int prt_eth_dev_default_mac_addr_set(uint16_t port_id, struct prt_ether_addr *mac_addr);

/**
 * Adds @p addr to the port's address table (DPDK's rte_eth_dev_mac_addr_add):
 * with promiscuous mode off, the port then receives unicast frames sent to
 * it as well as to its default address. Started or stopped (a driver may
 * record it and program it at start). Control thread (see the top of this
 * file).
 *
 * @param pool  the VMDq pool in DPDK; prt has no pools: must be 0.
 * @return 0, also when @p addr is already in the table, the default address
 *         included: nothing is done (DPDK does the same for an address
 *         already in the pool); -ENODEV; -EINVAL for a NULL,
 *         zero or multicast @p addr (multicast addresses go to
 *         prt_eth_dev_set_mc_addr_list()) or a @p pool other than 0;
 *         -ENOSPC when the table (dev_info.max_mac_addrs entries) is full;
 *         -ENOTSUP when the driver has no secondary addresses; the driver's
 *         error (the table is unchanged).
 */
int prt_eth_dev_mac_addr_add(uint16_t port_id, struct prt_ether_addr *addr, uint32_t pool);

/**
 * Removes the secondary address @p addr from the port's address table (DPDK's
 * rte_eth_dev_mac_addr_remove). Started or stopped; control thread.
 * @return 0, also when @p addr is not in the table (nothing to do, as DPDK);
 *         -ENODEV; -EINVAL for a NULL @p addr; -EADDRINUSE when @p addr is the
 *         default address (replace it with prt_eth_dev_default_mac_addr_set());
 *         -ENOTSUP; the driver's error (the address stays in the table).
 */
int prt_eth_dev_mac_addr_remove(uint16_t port_id, struct prt_ether_addr *addr);

/**
 * Copies the port's address table, slot 0 (the default address) first, into
 * @p ma (DPDK's rte_eth_macaddrs_get): min(@p num, dev_info.max_mac_addrs)
 * entries; free slots are the zero address. Control thread.
 * @return the number of entries copied; -ENODEV; -EINVAL for a NULL @p ma.
 */
int prt_eth_macaddrs_get(uint16_t port_id, struct prt_ether_addr *ma, unsigned int num);

/**
 * Replaces the port's multicast list with the @p nb_mc_addr addresses of
 * @p mc_addr_set (copied; DPDK's rte_eth_dev_set_mc_addr_list): with
 * all-multicast off, the port receives multicast frames sent to these groups
 * only (broadcast frames are not filtered). @p nb_mc_addr 0 empties the list.
 * Started or stopped; control thread.
 * @return 0; -ENODEV; -EINVAL when @p mc_addr_set is NULL with @p nb_mc_addr
 *         above 0 or an entry is not a multicast address (the log names it);
 *         -ENOSPC for more than dev_info.max_mc_addrs addresses; -ENOTSUP
 *         when the driver has no multicast filter; the driver's error (the
 *         previous list stays).
 */
int prt_eth_dev_set_mc_addr_list(uint16_t port_id, struct prt_ether_addr *mc_addr_set,
				 uint32_t nb_mc_addr);

/** Receives every unicast frame, whatever its destination. @return 0; -ENODEV; -ENOTSUP. */
int prt_eth_promiscuous_enable(uint16_t port_id);
/** Receives only frames for the port's addresses. @return 0; -ENODEV; -ENOTSUP. */
int prt_eth_promiscuous_disable(uint16_t port_id);
/** 1 when promiscuous, 0 when not, -ENODEV. */
int prt_eth_promiscuous_get(uint16_t port_id);
/** Receives every multicast frame. @return 0; -ENODEV; -ENOTSUP. */
int prt_eth_allmulticast_enable(uint16_t port_id);
/** Stops receiving every multicast frame. @return 0; -ENODEV; -ENOTSUP. */
int prt_eth_allmulticast_disable(uint16_t port_id);
/** 1 when all-multicast, 0 when not, -ENODEV. */
int prt_eth_allmulticast_get(uint16_t port_id);

/** The port's MTU in bytes into @p mtu. @return 0; -ENODEV; -EINVAL. */
int prt_eth_dev_get_mtu(uint16_t port_id, uint16_t *mtu);

/**
 * Sets the port's MTU (bytes of payload; the longest frame is MTU + 18).
 * @return 0; -ENODEV; -EINVAL outside dev_info.min_mtu..max_mtu, or when an
 *         rx queue's mbufs cannot hold such a frame and the port does not
 *         chain; -EBUSY when the driver can only change it while stopped.
 */
int prt_eth_dev_set_mtu(uint16_t port_id, uint16_t mtu);

/**
 * Changes the RSS hash functions and key of a started or stopped port.
 * @return 0; -ENODEV; -EINVAL for hash functions the port lacks or a key of
 *         the wrong length; -ENOTSUP when the port has no RSS.
 */
int prt_eth_dev_rss_hash_update(uint16_t port_id, struct prt_eth_rss_conf *rss_conf);

/**
 * Sets the RSS redirection table: entry i sends hash values whose low bits
 * are i to rx queue @p reta[i]. Unlike DPDK's 64-entry groups with masks, the
 * whole table is given at once.
 * @return 0; -ENODEV; -EINVAL when @p reta_size is not dev_info.reta_size
 *         or an entry names a queue that is not configured; -ENOTSUP.
 */
int prt_eth_dev_rss_reta_update(uint16_t port_id, const uint16_t *reta, uint16_t reta_size);

/* End of input ------------------------------------------------------------ */

/**
 * Whether rx queue @p queue_id of @p port_id has reached the end of a finite
 * input (net_pcap reading rx_pcap without infinite_rx): nothing more will
 * ever arrive on it. Ports fed by a wire never end. Thread-safe against the
 * fast path.
 * @return 1 at the end; 0 before it; -EIO at an end caused by a read error
 *         (a truncated capture file: the driver logged it, the frames before
 *         it were received); -ENODEV; -EINVAL for a bad queue.
 */
int prt_eth_rx_queue_eof(uint16_t port_id, uint16_t queue_id);

/**
 * Whether every rx queue of a started port has reached its end of input.
 * @return 1 when all have; -EIO when all have and one of them on a read
 *         error; 0 otherwise (also for a stopped port); -ENODEV.
 */
int prt_eth_rx_eof(uint16_t port_id);

/* Statistics ------------------------------------------------------------- */

/**
 * Reads the port's statistics into @p stats. Safe while the fast path runs
 * (counters are read without stopping it, so their sum may be a few frames
 * behind). @return 0; -ENODEV; -EINVAL.
 */
int prt_eth_stats_get(uint16_t port_id, struct prt_eth_stats *stats);

/** Sets the port's statistics (and xstats) back to zero. @return 0; -ENODEV. */
int prt_eth_stats_reset(uint16_t port_id);

/**
 * Names of the port's extended statistics: first the generic ones
 * ("rx_good_packets", ..., "rx_q0_packets", ...), then the driver's. With
 * @p names NULL or @p size too small, only counts.
 * @return the number of xstats (fill @p names when <= @p size); -ENODEV.
 */
int prt_eth_xstats_get_names(uint16_t port_id, struct prt_eth_xstat_name *names, unsigned int size);

/**
 * Values of the port's extended statistics, in the order of
 * prt_eth_xstats_get_names(). @return as prt_eth_xstats_get_names().
 */
int prt_eth_xstats_get(uint16_t port_id, struct prt_eth_xstat *xstats, unsigned int n);

/**
 * Looks up one xstat by name.
 * @return 0 with the value in @p value; -ENODEV; -ENOENT when there is no
 *         such xstat.
 */
int prt_eth_xstats_get_by_name(uint16_t port_id, const char *name, uint64_t *value);

/** Sets the extended statistics back to zero (as prt_eth_stats_reset()). */
int prt_eth_xstats_reset(uint16_t port_id);

/* Events ------------------------------------------------------------------ */

/** What a port tells the application about (DPDK's rte_eth_event_type, with its words). */
enum prt_eth_event_type {
	/** The link went up or down: read the new state with prt_eth_link_get_nowait(). */
	PRT_ETH_EVENT_INTR_LSC,
	/**
	 * The device went away (hot-unplug, or the kernel took it back): its
	 * queues no longer move frames; stop polling it and close it from the
	 * main thread.
	 */
	PRT_ETH_EVENT_INTR_RMV,
	PRT_ETH_EVENT_MAX, /**< the number of event types */
};

/**
 * An event callback (DPDK's rte_eth_dev_cb_fn): @p port_id raised @p event;
 * @p cb_arg is what was given at registration; @p ret_param is NULL for the
 * events above. The return value is handed back to the driver, which
 * ignores it for these events.
 *
 * Callbacks run on prt's interrupt thread ("prt-intr", prt_interrupts.h),
 * or on the thread that noticed the change, one event at a time per
 * thread; they must not block long (the thread serves every port), must
 * not close their own port (prt_eth_dev_close() refuses with -EDEADLK) and
 * must not unregister themselves (-EAGAIN). They may read the link with
 * prt_eth_link_get_nowait() and register or unregister other callbacks.
 */
typedef int (*prt_eth_dev_cb_fn)(uint16_t port_id, enum prt_eth_event_type event, void *cb_arg,
				 void *ret_param);

/**
 * Runs @p cb_fn(port, @p event, @p cb_arg, ...) each time @p port_id raises
 * @p event, until unregistered or the port is closed. Callbacks of one port
 * and event run in registration order. Registering the same function,
 * event and argument again does nothing (as DPDK). Link-state events come
 * only from a port configured with intr_conf.lsc. Thread-safe (a lock):
 * any thread, a callback included.
 *
 * @p port_id PRT_ETH_ALL (as DPDK's RTE_ETH_ALL) registers for every port,
 * those that exist and those made later, until unregistered with
 * PRT_ETH_ALL or prt_eal_cleanup(); for each event a port's own callbacks
 * run first, then these.
 *
 * @return 0; -ENODEV when the port does not exist; -EINVAL when @p cb_fn is
 *         NULL or @p event is not a prt_eth_event_type; -ENOMEM.
 */
int prt_eth_dev_callback_register(uint16_t port_id, enum prt_eth_event_type event,
				  prt_eth_dev_cb_fn cb_fn, void *cb_arg);

/**
 * Removes the callbacks of @p port_id for @p event that are @p cb_fn with
 * @p cb_arg, or with any argument when @p cb_arg is (void *)-1 (as DPDK).
 * PRT_ETH_ALL removes those registered with PRT_ETH_ALL and, as DPDK,
 * those of every port.
 * A callback running now on another thread is not removed (as DPDK): call
 * again once it returned. Thread-safe, as registration.
 *
 * @return 0 when every match was removed; -EAGAIN when one was running
 *         (the others were removed); -ENOENT when none matched (DPDK
 *         returns 0 there); -ENODEV; -EINVAL as for registration.
 */
int prt_eth_dev_callback_unregister(uint16_t port_id, enum prt_eth_event_type event,
				    prt_eth_dev_cb_fn cb_fn, void *cb_arg);

/* Rx interrupts ------------------------------------------------------------ */

/**
 * Arms the interrupt of rx queue @p queue_id: the next frame that arrives
 * wakes a prt_eth_dev_rx_intr_wait() that watches the queue. Arm, poll the
 * queue once more (a frame may have arrived before arming), then wait.
 * The port must have been configured with intr_conf.rxq = 1.
 * @return 0; -ENODEV; -EINVAL; -ENOTSUP when the driver has no rx interrupts.
 */
int prt_eth_dev_rx_intr_enable(uint16_t port_id, uint16_t queue_id);

/** Disarms the interrupt of rx queue @p queue_id (poll mode). Errors as above. */
int prt_eth_dev_rx_intr_disable(uint16_t port_id, uint16_t queue_id);

/**
 * The file descriptor that becomes readable when rx queue @p queue_id has
 * an armed interrupt pending (an MSI-X eventfd, a socket), for the caller's
 * own epoll loop. The fd belongs to the port; do not close it.
 * @return the fd (>= 0); -ENODEV; -EINVAL; -ENOTSUP.
 */
int prt_eth_dev_rx_intr_ctl_q_get_fd(uint16_t port_id, uint16_t queue_id);

/** One rx queue. */
struct prt_eth_rxq_id {
	uint16_t port_id;
	uint16_t queue_id;
};

/** A set of rx queues one thread sleeps on (an epoll instance). Opaque. */
struct prt_eth_rx_intr_set;

/**
 * Creates a set holding the @p n rx queues of @p queues (each must have an
 * interrupt fd). One thread uses a set at a time.
 * @return 0 with the set in @p set; -EINVAL; -ENOTSUP when a queue has no
 *         interrupt (the log names it); -ENOMEM; the epoll error.
 */
int prt_eth_rx_intr_set_create(const struct prt_eth_rxq_id *queues, unsigned int n,
			       struct prt_eth_rx_intr_set **set);

/** Frees @p set (NULL is ignored). */
void prt_eth_rx_intr_set_free(struct prt_eth_rx_intr_set *set);

/**
 * Sleeps until an armed queue of @p set has an interrupt, or @p timeout_ms
 * passes (-1: no limit). Consumes the interrupts it reports, so a queue
 * must be re-armed before the next wait.
 *
 * @param ready  the queues that woke up (up to @p n); may be NULL
 * @return the number of queues that woke up (0 on timeout); -EINTR when a
 *         signal came first; -EINVAL.
 */
int prt_eth_dev_rx_intr_wait(struct prt_eth_rx_intr_set *set, struct prt_eth_rxq_id *ready,
			     unsigned int n, int timeout_ms);

#endif /* PRT_ETHDEV_H */
