/* SPDX-License-Identifier: BSD-3-Clause */
/* The shared statistics counters, accumulated (see e1000_stats.h). */
#include <errno.h>
#include <stddef.h>

#include "e1000_stats.h"

#define STAT(n, r, f)                                       \
	{                                                   \
		n, r, 0, offsetof(struct e1000_hw_stats, f) \
	}
#define STAT64(n, r, f)                                     \
	{                                                   \
		n, r, 1, offsetof(struct e1000_hw_stats, f) \
	}

const struct e1000_stat_desc e1000_stat_descs[] = {
	STAT("rx_crc_errors", E1000_CRCERRS, crcerrs),
	STAT("rx_align_errors", E1000_ALGNERRC, algnerrc),
	STAT("rx_symbol_errors", E1000_SYMERRS, symerrs),
	STAT("rx_errors", E1000_RXERRC, rxerrc),
	STAT("rx_missed_packets", E1000_MPC, mpc),
	STAT("tx_single_collision_packets", E1000_SCC, scc),
	STAT("tx_excessive_collision_packets", E1000_ECOL, ecol),
	STAT("tx_multiple_collision_packets", E1000_MCC, mcc),
	STAT("tx_late_collisions", E1000_LATECOL, latecol),
	STAT("tx_total_collisions", E1000_COLC, colc),
	STAT("tx_deferred_packets", E1000_DC, dc),
	STAT("tx_no_carrier_sense_packets", E1000_TNCRS, tncrs),
	STAT("rx_carrier_ext_errors", E1000_CEXTERR, cexterr),
	STAT("rx_length_errors", E1000_RLEC, rlec),
	STAT("rx_xon_packets", E1000_XONRXC, xonrxc),
	STAT("tx_xon_packets", E1000_XONTXC, xontxc),
	STAT("rx_xoff_packets", E1000_XOFFRXC, xoffrxc),
	STAT("tx_xoff_packets", E1000_XOFFTXC, xofftxc),
	STAT("rx_flow_control_unsupported_packets", E1000_FCRUC, fcruc),
	STAT("rx_size_64_packets", E1000_PRC64, prc64),
	STAT("rx_size_65_to_127_packets", E1000_PRC127, prc127),
	STAT("rx_size_128_to_255_packets", E1000_PRC255, prc255),
	STAT("rx_size_256_to_511_packets", E1000_PRC511, prc511),
	STAT("rx_size_512_to_1023_packets", E1000_PRC1023, prc1023),
	STAT("rx_size_1024_to_max_packets", E1000_PRC1522, prc1522),
	STAT("rx_good_packets", E1000_GPRC, gprc),
	STAT("rx_broadcast_packets", E1000_BPRC, bprc),
	STAT("rx_multicast_packets", E1000_MPRC, mprc),
	STAT("tx_good_packets", E1000_GPTC, gptc),
	STAT64("rx_good_bytes", E1000_GORCL, gorc),
	STAT64("tx_good_bytes", E1000_GOTCL, gotc),
	STAT("rx_no_buffers", E1000_RNBC, rnbc),
	STAT("rx_undersize_errors", E1000_RUC, ruc),
	STAT("rx_fragment_errors", E1000_RFC, rfc),
	STAT("rx_oversize_errors", E1000_ROC, roc),
	STAT("rx_jabber_errors", E1000_RJC, rjc),
	STAT64("rx_total_bytes", E1000_TORL, tor),
	STAT64("tx_total_bytes", E1000_TOTL, tot),
	STAT("rx_total_packets", E1000_TPR, tpr),
	STAT("tx_total_packets", E1000_TPT, tpt),
	STAT("tx_size_64_packets", E1000_PTC64, ptc64),
	STAT("tx_size_65_to_127_packets", E1000_PTC127, ptc127),
	STAT("tx_size_128_to_255_packets", E1000_PTC255, ptc255),
	STAT("tx_size_256_to_511_packets", E1000_PTC511, ptc511),
	STAT("tx_size_512_to_1023_packets", E1000_PTC1023, ptc1023),
	STAT("tx_size_1024_to_max_packets", E1000_PTC1522, ptc1522),
	STAT("tx_multicast_packets", E1000_MPTC, mptc),
	STAT("tx_broadcast_packets", E1000_BPTC, bptc),
};

const unsigned int e1000_nb_stats = PRT_DIM(e1000_stat_descs);

int e1000_stats_update(struct e1000_hw *hw, struct e1000_hw_stats *st)
{
	uint64_t v[PRT_DIM(e1000_stat_descs)];

	if (!e1000_hw_alive(hw))
		return -ENODEV;
	for (unsigned int i = 0; i < e1000_nb_stats; i++) {
		const struct e1000_stat_desc *d = &e1000_stat_descs[i];

		v[i] = e1000_read(hw, d->reg);
		/* Low half first: reading the high half clears the pair. */
		if (d->is64)
			v[i] |= (uint64_t)e1000_read(hw, d->reg + 4) << 32;
	}
	/* All ones everywhere: the device left while we read; keep the totals as they were. */
	if (!e1000_hw_alive(hw))
		return -ENODEV;
	for (unsigned int i = 0; i < e1000_nb_stats; i++)
		*(uint64_t *)((char *)st + e1000_stat_descs[i].offset) += v[i];
	return 0;
}

void e1000_stats_to_eth(const struct e1000_hw_stats *st, struct prt_eth_stats *out)
{
	out->ipackets = st->gprc;
	out->opackets = st->gptc;
	out->ibytes = st->gorc >= 4 * st->gprc ? st->gorc - 4 * st->gprc : 0;
	out->obytes = st->gotc >= 4 * st->gptc ? st->gotc - 4 * st->gptc : 0;
	out->imissed = st->mpc;
	out->ierrors = st->crcerrs + st->rlec + st->ruc + st->roc + st->rxerrc + st->algnerrc +
		       st->cexterr;
	out->oerrors = st->ecol + st->latecol;
}
