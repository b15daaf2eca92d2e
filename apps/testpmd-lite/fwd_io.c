/* SPDX-License-Identifier: BSD-3-Clause */
/* io: frames go out as they came in, untouched (no byte of them is read). */
#include "testpmd.h"

static void io_fwd(struct fwd_stream *fs)
{
	struct prt_mbuf *pkts[TP_MAX_BURST];
	uint16_t n = prt_eth_rx_burst(fs->rx_port, fs->rx_queue, pkts, tp_cfg.burst);

	if (n == 0)
		return;
	tp_count(&fs->rx_packets, n);
	fwd_stream_tx(fs, pkts, n);
}

const struct fwd_engine io_engine = {
	.name = "io",
	.receives = true,
	.sends = true,
	.fwd = io_fwd,
};
