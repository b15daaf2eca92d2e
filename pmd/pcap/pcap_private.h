/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_pcap's queues and port (not installed). Each rx_pcap/rx_iface/iface
 * devarg is one rx queue, each tx_pcap/tx_iface/iface one tx queue, in the
 * order given, as in DPDK's pcap PMD.
 */
#ifndef PCAP_PRIVATE_H
#define PCAP_PRIVATE_H

#include <pcap/pcap.h>
#include <stdbool.h>
#include <stdint.h>

#include "ethdev_driver.h"

#define PCAP_MAX_QUEUES 16
/** Longest frame read or written: libpcap's largest snapshot length. */
#define PCAP_SNAPLEN 262144

extern int eth_pcap_logtype;
#define PCAP_LOG(level, ...) PRT_LOG(level, eth_pcap_logtype, __VA_ARGS__)

/** Where an rx queue reads from. */
struct eth_pcap_rx_queue {
	pcap_t *pcap; /**< an open file, or a live interface (non-blocking) */
	char *path; /**< the file, to reopen for infinite_rx; NULL for an interface */
	bool infinite; /**< start the file again at its end */
	bool live;
	uint16_t port_id;
	struct prt_mempool *mp;
	uint32_t max_frame; /**< longer frames are dropped and counted */
	/** A frame read but not yet delivered (the pool was empty): delivered next. */
	struct pcap_pkthdr *pending_hdr;
	const uint8_t *pending_data;
	/** 1: the file ended (never for infinite_rx or an interface); -EIO: it ended on a
	 * read error (a truncated file). */
	_Atomic int eof;
	/* counters, written by the polling thread only; stats.errors sums the
	 * three drops below */
	struct prt_eth_sw_stats stats;
	uint64_t oversize; /**< longer than max_frame: dropped */
	uint64_t runts; /**< shorter than an Ethernet header: dropped */
	uint64_t read_errors; /**< libpcap read failures (a truncated file) */
	uint64_t truncated; /**< captured short of the frame (caplen < len): delivered as captured */
	uint64_t nombuf;
} __prt_cache_aligned;

/** Where a tx queue writes to. */
struct eth_pcap_tx_queue {
	pcap_dumper_t *dumper; /**< a capture file being written */
	pcap_t *pcap; /**< the dead handle of the dumper, or a live interface */
	bool live;
	uint8_t *gather; /**< PCAP_SNAPLEN bytes to linearise chained frames */
	struct prt_eth_sw_stats stats; /**< errors: frames not written (too long, refused) */
} __prt_cache_aligned;

struct eth_pcap_private {
	unsigned int nb_rx;
	unsigned int nb_tx;
	struct eth_pcap_rx_queue rxq[PCAP_MAX_QUEUES];
	struct eth_pcap_tx_queue txq[PCAP_MAX_QUEUES];
	bool rx_none; /**< no rx source: one rx queue that never receives */
	bool tx_none; /**< no tx sink: tx queues drop (and count) every frame */
};

/** Rx burst: frames from the queue's file or interface, chained when larger than one mbuf. */
uint16_t eth_pcap_rx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n);
/** Rx burst of a port without an rx source: nothing, ever. */
uint16_t eth_pcap_rx_none_burst(void *queue, struct prt_mbuf **pkts, uint16_t n);
/** Tx burst: writes each frame (gathered when chained) to the file or interface, frees it. */
uint16_t eth_pcap_tx_burst(void *queue, struct prt_mbuf **pkts, uint16_t n);
/** Tx burst of a port without a tx sink: frees and counts every frame as an error. */
uint16_t eth_pcap_tx_drop_burst(void *queue, struct prt_mbuf **pkts, uint16_t n);

/**
 * Opens capture file @p path of port @p dev for reading into @p q.
 * @return 0; -ENOENT/-EINVAL after one line naming the file and libpcap's reason.
 */
int eth_pcap_rx_open_file(const char *dev, const char *path, struct eth_pcap_rx_queue *q);

#endif /* PCAP_PRIVATE_H */
