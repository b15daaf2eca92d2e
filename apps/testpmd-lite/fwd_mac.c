/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * mac: the source MAC becomes the tx port's, the destination its peer's
 * (--eth-peer). macswap: source and destination MAC trade places. Nothing
 * else in the frame changes.
 */
#include "testpmd.h"

static void mac_fwd(struct fwd_stream *fs)
{
	struct prt_mbuf *pkts[TP_MAX_BURST];
	uint16_t n = prt_eth_rx_burst(fs->rx_port, fs->rx_queue, pkts, tp_cfg.burst);

	if (n == 0)
		return;
	tp_count(&fs->rx_packets, n);
	for (uint16_t i = 0; i < n; i++) {
		struct prt_ether_hdr *eth = prt_pktmbuf_mtod(pkts[i], struct prt_ether_hdr *);

		if (i + 1 < n)
			prt_prefetch0(prt_pktmbuf_mtod(pkts[i + 1], void *));
		prt_ether_addr_copy(&tp_cfg.peer_addr[fs->tx_port], &eth->dst_addr);
		prt_ether_addr_copy(&fs->eth_src, &eth->src_addr);
	}
	fwd_stream_tx(fs, pkts, n);
}

static void macswap_fwd(struct fwd_stream *fs)
{
	struct prt_mbuf *pkts[TP_MAX_BURST];
	uint16_t n = prt_eth_rx_burst(fs->rx_port, fs->rx_queue, pkts, tp_cfg.burst);

	if (n == 0)
		return;
	tp_count(&fs->rx_packets, n);
	for (uint16_t i = 0; i < n; i++) {
		struct prt_ether_hdr *eth = prt_pktmbuf_mtod(pkts[i], struct prt_ether_hdr *);
		struct prt_ether_addr tmp;

		if (i + 1 < n)
			prt_prefetch0(prt_pktmbuf_mtod(pkts[i + 1], void *));
		prt_ether_addr_copy(&eth->dst_addr, &tmp);
		prt_ether_addr_copy(&eth->src_addr, &eth->dst_addr);
		prt_ether_addr_copy(&tmp, &eth->src_addr);
	}
	fwd_stream_tx(fs, pkts, n);
}

static int mac_stream_init(struct fwd_stream *fs)
{
	return prt_eth_macaddr_get(fs->tx_port, &fs->eth_src);
}

const struct fwd_engine mac_engine = {
	.name = "mac",
	.receives = true,
	.sends = true,
	.stream_init = mac_stream_init,
	.fwd = mac_fwd,
};

const struct fwd_engine macswap_engine = {
	.name = "macswap",
	.receives = true,
	.sends = true,
	.fwd = macswap_fwd,
};
