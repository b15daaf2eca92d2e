/* SPDX-License-Identifier: BSD-3-Clause */
/* rxonly: frames are received, counted and freed. */
#include "testpmd.h"

static void rxonly_fwd(struct fwd_stream *fs)
{
	struct prt_mbuf *pkts[TP_MAX_BURST];
	uint16_t n = prt_eth_rx_burst(fs->rx_port, fs->rx_queue, pkts, tp_cfg.burst);

	if (n == 0)
		return;
	tp_count(&fs->rx_packets, n);
	prt_pktmbuf_free_bulk(pkts, n);
}

const struct fwd_engine rxonly_engine = {
	.name = "rxonly",
	.receives = true,
	.fwd = rxonly_fwd,
};
