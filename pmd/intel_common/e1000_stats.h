/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The statistics counters both controllers share (82574 10.2.7, 82576
 * 8.19), accumulated in software: every counter clears when read (the
 * 64-bit octet counters when their high half is read, after the low half),
 * so each read adds the count since the previous one to a 64-bit total,
 * and a 32-bit register never wraps between two reads taken at least every
 * few seconds (2^32 minimum-size frames take 48 minutes at 1 Gb/s).
 *
 * QEMU's models (10.0) keep CRCERRS..MPC, RNBC and a few others without
 * clearing them on read: prt reads them the datasheet's way, so on QEMU
 * these totals would grow with every read if the model ever counted; it
 * never increments them today.
 */
#ifndef E1000_STATS_H
#define E1000_STATS_H

#include <stdint.h>

#include "prt_ethdev.h"

#include "e1000_hw.h"

/** One counter: its xstats name, register and place in struct e1000_hw_stats. */
struct e1000_stat_desc {
	const char *name;
	uint32_t reg; /**< the (low) register */
	uint8_t is64; /**< 64-bit: low at reg, high at reg + 4 */
	uint16_t offset; /**< of its uint64_t in struct e1000_hw_stats */
};

/** Totals of the hardware counters since probe or the last reset. */
struct e1000_hw_stats {
	uint64_t crcerrs, algnerrc, symerrs, rxerrc, mpc, scc, ecol, mcc, latecol, colc, dc, tncrs,
		cexterr, rlec, xonrxc, xontxc, xoffrxc, xofftxc, fcruc, prc64, prc127, prc255,
		prc511, prc1023, prc1522, gprc, bprc, mprc, gptc, gorc, gotc, rnbc, ruc, rfc, roc,
		rjc, tor, tot, tpr, tpt, ptc64, ptc127, ptc255, ptc511, ptc1023, ptc1522, mptc,
		bptc;
};

/** The counters, in xstats order. */
extern const struct e1000_stat_desc e1000_stat_descs[];
/** Entries in e1000_stat_descs. */
extern const unsigned int e1000_nb_stats;

/**
 * Reads every counter once and adds it to @p st. Control path; one
 * caller at a time per device (the reads clear the counters).
 * @return 0; -ENODEV when the device is gone (@p st unchanged).
 */
int e1000_stats_update(struct e1000_hw *hw, struct e1000_hw_stats *st);

/**
 * Fills the port-level fields of @p out from @p st (82574 and 82576 count
 * octets with the 4-byte FCS; prt's ibytes/obytes exclude it): ipackets
 * GPRC, opackets GPTC, ibytes GORC - 4 x GPRC, obytes GOTC - 4 x GPTC,
 * imissed MPC, ierrors CRCERRS + RLEC + RUC + ROC + RXERRC + ALGNERRC +
 * CEXTERR, oerrors ECOL + LATECOL.
 */
void e1000_stats_to_eth(const struct e1000_hw_stats *st, struct prt_eth_stats *out);

/** Value of counter @p i of e1000_stat_descs in @p st. */
static inline uint64_t e1000_stat_value(const struct e1000_hw_stats *st, unsigned int i)
{
	return *(const uint64_t *)((const char *)st + e1000_stat_descs[i].offset);
}

#endif /* E1000_STATS_H */
