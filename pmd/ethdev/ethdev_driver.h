/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For driver writers (not installed): the port structure, the ops table a
 * driver fills in, and the driver registry.
 *
 * Writing a driver:
 *
 *   1. Fill a struct prt_eth_dev_ops with what the device can do; leave NULL
 *      what it cannot (the API then returns -ENOTSUP, or does the generic
 *      thing where one exists: see each op).
 *   2. Write the burst functions (prt_eth_rx_burst_t / prt_eth_tx_burst_t):
 *      they get the driver's own queue pointer, never the port.
 *   3. Probe: prt_eth_dev_allocate(name) gives a port with a zeroed
 *      dev_private of the size asked for; set dev_ops, rx_pkt_burst,
 *      tx_pkt_burst, mac_addr, numa_node, then prt_eth_dev_probing_finish().
 *      On failure call prt_eth_dev_release() and return a negative errno
 *      after one log line that names the device and what to fix.
 *   4. Register: PRT_ETH_DRIVER_REGISTER(drv) with a struct prt_eth_driver
 *      naming the driver ("net_null": vdev names "net_null0", "net_null1"...)
 *      and its probe function for --vdev. A PCI driver registers with the
 *      PCI bus instead (PRT_PCI_DRIVER_REGISTER, prt_pci.h), which matches
 *      ids and calls its probe; there it allocates the port and points
 *      dev->driver at a struct prt_eth_driver that names it.
 *
 * The ethdev layer checks every argument against dev_info before it calls
 * an op (queue ids, descriptor limits, MTU range, offloads), so ops only see
 * valid requests. Ops run on the control thread (see prt_ethdev.h).
 */
#ifndef ETHDEV_DRIVER_H
#define ETHDEV_DRIVER_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "prt_atomic.h"
#include "prt_ethdev.h"
#include "prt_log.h"
#include "prt_vdev.h"

struct prt_eth_dev;

/** A driver's operations on one port. Every op returns 0 or a negative errno. */
struct prt_eth_dev_ops {
	/** Applies dev->data.dev_conf and the queue counts (already checked). */
	int (*dev_configure)(struct prt_eth_dev *dev);
	/** Starts moving frames; every queue is set up. */
	int (*dev_start)(struct prt_eth_dev *dev);
	/** Stops moving frames; no burst function runs during the call. */
	int (*dev_stop)(struct prt_eth_dev *dev);
	/** Frees what probe allocated (queues were released before). */
	int (*dev_close)(struct prt_eth_dev *dev);
	/** Fills the device's limits and capabilities (required). */
	int (*dev_infos_get)(struct prt_eth_dev *dev, struct prt_eth_dev_info *info);

	/** Creates rx queue @p qid and stores it in dev->data.rx_queues[qid]. */
	int (*rx_queue_setup)(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			      const struct prt_eth_rxconf *conf, struct prt_mempool *mp);
	/** Creates tx queue @p qid and stores it in dev->data.tx_queues[qid]. */
	int (*tx_queue_setup)(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			      const struct prt_eth_txconf *conf);
	/** Frees rx queue @p qid and the mbufs it holds (the port is stopped). */
	void (*rx_queue_release)(struct prt_eth_dev *dev, uint16_t qid);
	/** Frees tx queue @p qid and the mbufs it holds (the port is stopped). */
	void (*tx_queue_release)(struct prt_eth_dev *dev, uint16_t qid);

	/** Refreshes dev->data.link; with @p wait_to_complete, waits for it to settle. */
	int (*link_update)(struct prt_eth_dev *dev, int wait_to_complete);
	int (*promiscuous_enable)(struct prt_eth_dev *dev);
	int (*promiscuous_disable)(struct prt_eth_dev *dev);
	int (*allmulticast_enable)(struct prt_eth_dev *dev);
	int (*allmulticast_disable)(struct prt_eth_dev *dev);
	/** Programs @p addr (valid, unicast) as the port's address. */
	int (*mac_addr_set)(struct prt_eth_dev *dev, struct prt_ether_addr *addr);
	/**
	 * Programs the secondary address @p addr (valid, unicast, new to the
	 * table) in slot @p index (1 .. max_mac_addrs - 1) of the address table;
	 * dev->data.mac_addrs[index] already holds it, and is cleared again by
	 * the ethdev layer when the op fails. DPDK's op has a VMDq pool too.
	 */
	int (*mac_addr_add)(struct prt_eth_dev *dev, struct prt_ether_addr *addr, uint32_t index);
	/**
	 * Removes the secondary address of slot @p index (>= 1); the slot of
	 * dev->data.mac_addrs is already zero, and gets the address back when
	 * the op fails (DPDK's op cannot fail).
	 */
	int (*mac_addr_remove)(struct prt_eth_dev *dev, uint32_t index);
	/**
	 * Programs the multicast list: @p nb_mc_addr (<= max_mc_addrs) multicast
	 * addresses, already copied to dev->data.mc_addrs; the previous list is
	 * put back there when the op fails.
	 */
	int (*set_mc_addr_list)(struct prt_eth_dev *dev, struct prt_ether_addr *mc_addr_set,
				uint32_t nb_mc_addr);
	/** Applies @p mtu (in range); NULL: the ethdev layer just records it. */
	int (*mtu_set)(struct prt_eth_dev *dev, uint16_t mtu);

	/** Fills @p stats (zeroed by the caller; rx_nombuf is added by ethdev). */
	int (*stats_get)(struct prt_eth_dev *dev, struct prt_eth_stats *stats);
	int (*stats_reset)(struct prt_eth_dev *dev);
	/** Driver xstats: with @p xstats NULL or @p n too small, only the count. */
	int (*xstats_get)(struct prt_eth_dev *dev, struct prt_eth_xstat *xstats, unsigned int n);
	int (*xstats_get_names)(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				unsigned int n);
	int (*xstats_reset)(struct prt_eth_dev *dev);

	int (*rss_hash_update)(struct prt_eth_dev *dev, struct prt_eth_rss_conf *conf);
	int (*reta_update)(struct prt_eth_dev *dev, const uint16_t *reta, uint16_t reta_size);

	/** Arms the interrupt of rx queue @p qid. */
	int (*rx_queue_intr_enable)(struct prt_eth_dev *dev, uint16_t qid);
	/** Disarms it. */
	int (*rx_queue_intr_disable)(struct prt_eth_dev *dev, uint16_t qid);
	/** The fd that turns readable (EPOLLIN) while rx queue @p qid has an interrupt pending. */
	int (*rx_queue_intr_fd)(struct prt_eth_dev *dev, uint16_t qid);
	/**
	 * Called once per wake-up of rx queue @p qid's fd by
	 * prt_eth_dev_rx_intr_wait() to consume the interrupt (read an eventfd);
	 * NULL when nothing needs consuming (a socket). Not called on a port
	 * with data.rx_intr_edge.
	 */
	void (*rx_queue_intr_ack)(struct prt_eth_dev *dev, uint16_t qid);
	/** 1 when rx queue @p qid's finite input is exhausted, -EIO when it ended on a read
	 * error, 0 before; NULL: never ends. */
	int (*rx_queue_eof)(struct prt_eth_dev *dev, uint16_t qid);
};

/** A port's state as the ethdev layer keeps it. */
enum prt_eth_dev_state {
	PRT_ETH_DEV_UNUSED = 0, /**< the slot is free */
	PRT_ETH_DEV_PROBING, /**< allocated, probe not finished */
	PRT_ETH_DEV_ATTACHED, /**< usable */
};

/** What the ethdev layer and the driver share about a port. */
struct prt_eth_dev_data {
	char name[PRT_ETH_NAME_MAX_LEN];
	uint16_t port_id;
	int numa_node; /**< PRT_SOCKET_ID_ANY for software ports */
	void *rx_queues[PRT_MAX_QUEUES_PER_PORT]; /**< the driver's rx queues */
	void *tx_queues[PRT_MAX_QUEUES_PER_PORT];
	uint16_t nb_rx_queues;
	uint16_t nb_tx_queues;
	struct prt_eth_conf dev_conf; /**< as given to configure (rss key not kept) */
	uint16_t mtu;
	/**
	 * Written by the driver's link_update and link-state interrupt, with
	 * prt_eth_linkstatus_set() where another thread may read it.
	 */
	union {
		struct prt_eth_link link;
		uint64_t link_raw; /**< @c link as one word, for the atomic accesses */
	};
	uint32_t dev_flags; /**< PRT_ETH_DEV_INTR_*: set by the driver at probe */
	/**
	 * The address table (as DPDK's data->mac_addrs): slot 0, also named
	 * mac_addr, is the default address, set by the driver at probe and by
	 * prt_eth_dev_default_mac_addr_set(); slots 1 .. max_mac_addrs - 1
	 * hold the secondary addresses, zero when free. Written by the ethdev
	 * layer only after probe.
	 */
	union {
		struct prt_ether_addr mac_addr;
		struct prt_ether_addr mac_addrs[PRT_ETH_MAX_MAC_ADDRS];
	};
	/** The multicast list (prt_eth_dev_set_mc_addr_list()): nb_mc_addrs entries. */
	struct prt_ether_addr mc_addrs[PRT_ETH_MAX_MC_ADDRS];
	uint32_t nb_mc_addrs;
	/**
	 * The smallest data room of the rx queues' pools (0 before the first
	 * rx queue is set up), as DPDK's min_rx_buf_size; for telemetry.
	 */
	uint32_t min_rx_buf_size;
	/** Rx refills that found the pool empty; drivers add to it (relaxed). */
	_Atomic uint64_t rx_mbuf_alloc_failed;
	bool configured;
	bool started;
	bool promiscuous;
	bool all_multicast;
	/** rx queues whose interrupt is armed (the ethdev layer's record). */
	bool rx_intr_armed[PRT_MAX_QUEUES_PER_PORT];
	/**
	 * Set by the driver at probe when its rx interrupt fds are eventfds
	 * the device writes once per interrupt (virtio-user's call eventfds):
	 * an rx interrupt set then watches them edge-triggered (EPOLLET), each
	 * write waking one wait whatever the count already is, and never acks
	 * them, so that a wake-up is one system call (epoll_wait) and not two
	 * (and a read), as DPDK's rx interrupts do. Not for an fd that must be
	 * read to re-arm the device (INTx) or stays readable (a socket).
	 */
	bool rx_intr_edge;
};

/** A port. */
struct prt_eth_dev {
	enum prt_eth_dev_state state;
	const struct prt_eth_driver *driver;
	const struct prt_eth_dev_ops *dev_ops;
	prt_eth_rx_burst_t rx_pkt_burst; /**< the driver's; used while started */
	prt_eth_tx_burst_t tx_pkt_burst;
	void *dev_private; /**< the driver's, zeroed, freed with the port */
	struct prt_eth_dev_data data;
};

/** A driver, as the registry knows it. */
struct prt_eth_driver {
	/** "net_null": matches --vdev names made of this and a number ("net_null0"). */
	const char *name;
	/** The devargs it takes, for messages: "size=<bytes>,copy=<0|1>". */
	const char *vdev_params;
	/**
	 * Creates a port for --vdev @p name with @p args ("k=v,k=v", may be "").
	 * @return 0; a negative errno after one log line naming @p name.
	 */
	int (*probe_vdev)(const char *name, const char *args);
	/** Its vdev bus driver when it has probe_vdev; set by the registry. */
	struct prt_vdev_driver vdev;
	struct prt_eth_driver *next; /**< set by the registry */
};

/**
 * Adds @p drv to the registry (from a constructor; not thread-safe), and to
 * the vdev bus when it has probe_vdev.
 */
void prt_eth_driver_register(struct prt_eth_driver *drv);

/** Registers @p drv (a struct prt_eth_driver variable) when the library loads. */
#define PRT_ETH_DRIVER_REGISTER(drv)                                                 \
	__attribute__((constructor)) static void prt_eth_driver_register_##drv(void) \
	{                                                                            \
		prt_eth_driver_register(&(drv));                                     \
	}

/**
 * Creates a port named @p name with @p priv_size zeroed bytes of driver data
 * (dev_private), state PROBING, numa_node PRT_SOCKET_ID_ANY, MTU 1500.
 * @return the port; NULL with errno EEXIST (name taken), ENOSPC (no free
 *         port id: PRT_MAX_ETHPORTS), ENOMEM.
 */
struct prt_eth_dev *prt_eth_dev_allocate(const char *name, size_t priv_size);

/** Makes a probed port usable (state ATTACHED) and logs its id and address. */
void prt_eth_dev_probing_finish(struct prt_eth_dev *dev);

/** Frees a port (its dev_private included) and its id. */
void prt_eth_dev_release(struct prt_eth_dev *dev);

/** The port @p port_id when it exists (attached); NULL otherwise. */
struct prt_eth_dev *prt_eth_dev_get(uint16_t port_id);

/**
 * Adds @p n to a statistics counter that only the calling thread writes (a
 * queue's), so that another thread may read it at any time with
 * prt_eth_counter_read(): relaxed atomic accesses, a plain load and store on
 * x86-64 and arm64, no locked instruction on the fast path.
 */
static inline void prt_eth_counter_add(uint64_t *c, uint64_t n)
{
	prt_atomic_store(c, prt_atomic_load(c, memory_order_relaxed) + n, memory_order_relaxed);
}

/** Reads a counter written with prt_eth_counter_add() (from any thread). */
static inline uint64_t prt_eth_counter_read(const uint64_t *c)
{
	return prt_atomic_load(c, memory_order_relaxed);
}

/** Adds rx queue @p q's counters to @p st (totals, and per queue for the first ones). */
static inline void prt_eth_stats_add_rxq(struct prt_eth_stats *st, uint16_t q, uint64_t pkts,
					 uint64_t bytes, uint64_t errors)
{
	st->ipackets += pkts;
	st->ibytes += bytes;
	st->ierrors += errors;
	if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_ipackets[q] = pkts;
		st->q_ibytes[q] = bytes;
		st->q_errors[q] = errors;
	}
}

/** Adds tx queue @p q's counters to @p st (totals, and per queue for the first ones). */
static inline void prt_eth_stats_add_txq(struct prt_eth_stats *st, uint16_t q, uint64_t pkts,
					 uint64_t bytes, uint64_t errors)
{
	st->opackets += pkts;
	st->obytes += bytes;
	st->oerrors += errors;
	if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
		st->q_opackets[q] = pkts;
		st->q_obytes[q] = bytes;
	}
}

/*
 * Software ports (ethdev_sw.c): what net_null, net_ring, net_pcap and
 * net_af_packet share.
 */

/**
 * link_update for software ports (null, ring, pcap): the link is up, 10 Gb/s
 * full duplex, exactly while the port is started. Never fails; @p wait is
 * ignored since nothing is negotiated.
 */
int prt_eth_link_update_virtual(struct prt_eth_dev *dev, int wait);

/** promiscuous/allmulticast enable and disable for a port that filters nothing: returns 0. */
int prt_eth_mode_noop(struct prt_eth_dev *dev);

/**
 * A software queue's counters, written by the queue's lcore only
 * (prt_eth_sw_stats_count(), prt_eth_counter_add()) and read or reset by the
 * control thread.
 */
struct prt_eth_sw_stats {
	uint64_t packets; /**< frames received (rx) or sent (tx) */
	uint64_t bytes; /**< their bytes */
	uint64_t errors; /**< frames dropped: ierrors (rx) or oerrors (tx) */
};

/** Counts @p pkts frames of @p bytes bytes in all on the calling queue's @p s. */
static inline void prt_eth_sw_stats_count(struct prt_eth_sw_stats *s, uint64_t pkts, uint64_t bytes)
{
	prt_eth_counter_add(&s->packets, pkts);
	prt_eth_counter_add(&s->bytes, bytes);
}

/** Zeroes @p s (NULL is ignored), from the control thread. */
static inline void prt_eth_sw_stats_clear(struct prt_eth_sw_stats *s)
{
	if (s == NULL)
		return;
	prt_atomic_store(&s->packets, 0, memory_order_relaxed);
	prt_atomic_store(&s->bytes, 0, memory_order_relaxed);
	prt_atomic_store(&s->errors, 0, memory_order_relaxed);
}

/**
 * Adds to @p st the counters of every queue set up on @p dev: each queue
 * (dev->data.rx_queues[q], tx_queues[q]) holds a struct prt_eth_sw_stats at
 * byte offset @p rxq_off (rx) or @p txq_off (tx), as offsetof() gives it.
 * For stats_get; the driver adds what else it counts (rx_nombuf, imissed).
 */
void prt_eth_sw_stats_get(const struct prt_eth_dev *dev, struct prt_eth_stats *st, size_t rxq_off,
			  size_t txq_off);

/** Zeroes the counters prt_eth_sw_stats_get() reads. For stats_reset. */
void prt_eth_sw_stats_reset(struct prt_eth_dev *dev, size_t rxq_off, size_t txq_off);

_Static_assert(sizeof(struct prt_eth_link) == sizeof(uint64_t),
	       "the link state is read and written as one 64-bit atomic");

/**
 * Stores @p link as the port's link state in one atomic write, for readers
 * on other threads (an event callback, the control thread).
 * @return 0 when link_status changed, -1 when it did not (as DPDK's
 *         rte_eth_linkstatus_set).
 */
static inline int prt_eth_linkstatus_set(struct prt_eth_dev *dev, const struct prt_eth_link *link)
{
	union {
		struct prt_eth_link link;
		uint64_t raw;
	} old, new_link = { .link = *link };

	old.raw = prt_atomic_exchange(&dev->data.link_raw, new_link.raw, memory_order_seq_cst);
	return old.link.link_status == link->link_status ? -1 : 0;
}

/** Reads the port's link state in one atomic read into @p link. */
static inline void prt_eth_linkstatus_get(const struct prt_eth_dev *dev, struct prt_eth_link *link)
{
	union {
		struct prt_eth_link link;
		uint64_t raw;
	} v = { .raw = prt_atomic_load(&dev->data.link_raw, memory_order_seq_cst) };

	*link = v.link;
}

/**
 * Runs the application's callbacks of @p dev for @p event (the driver
 * raises an event), on the calling thread: the interrupt thread, or the
 * thread that noticed the change. For PRT_ETH_EVENT_INTR_LSC, store the new
 * link with prt_eth_linkstatus_set() first, and raise it only on a port
 * configured with intr_conf.lsc. Callbacks run without the registration
 * lock held, so they may register others; one that is running cannot be
 * unregistered. Thread-safe; never call it with a lock the callbacks
 * might take.
 * @param ret_param  handed to each callback (NULL for LSC and RMV)
 * @return the last callback's return value; 0 when none ran.
 */
int prt_eth_dev_callback_process(struct prt_eth_dev *dev, enum prt_eth_event_type event,
				 void *ret_param);

/** Log type of the ethdev layer. */
#define ETHDEV_LOG(level, ...) PRT_LOG(level, PRT_LOGTYPE_ETHDEV, __VA_ARGS__)

/** Sets @p dev to port @p port_id, or logs and returns -ENODEV from the calling function. */
#define GET_DEV_OR_RET(port_id, dev)                                          \
	do {                                                                  \
		(dev) = prt_eth_dev_get(port_id);                             \
		if ((dev) == NULL) {                                          \
			ETHDEV_LOG(ERR, "port %u does not exist", (port_id)); \
			return -ENODEV;                                       \
		}                                                             \
	} while (0)

#endif /* ETHDEV_DRIVER_H */
