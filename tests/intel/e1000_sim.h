/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A simulated 82574/82576 DMA engine for the ring tests: it owns a fake
 * BAR (RDH, RDT, TDH, TDT) and plays the device's side of the descriptor
 * protocol in memory, with IOVA = virtual address. It honours ownership as
 * the hardware does (fills receive descriptors from RDH up to RDT - 1,
 * sends from TDH up to TDT - 1) and can also misbehave on request.
 */
#ifndef E1000_SIM_H
#define E1000_SIM_H

#include <stdint.h>

#include "e1000_desc.h"

/** Registers of the fake BAR, by index. */
enum { SIM_RDH, SIM_RDT, SIM_TDH, SIM_TDT, SIM_NB_REGS };

struct e1000_sim {
	volatile uint32_t bar[SIM_NB_REGS];
	union e1000_rx_desc *rx_desc;
	uint16_t rx_nb;
	uint32_t rx_buf_len; /**< bytes the device writes per receive buffer */
	uint64_t rx_missed; /**< frames refused for want of descriptors */
	struct e1000_tx_desc *tx_desc;
	uint16_t tx_nb;
	uint8_t tx_frame[16384]; /**< frame being gathered from transmit descriptors */
	uint32_t tx_len;
	/** Called with each frame the device sends (EOP reached). */
	void (*tx_out)(const uint8_t *frame, uint32_t len, void *arg);
	void *tx_arg;
};

/**
 * The device receives @p len bytes of @p data: it spreads them over as many
 * descriptors as rx_buf_len requires, writes each back (DD; EOP and
 * @p err_bits on the last) and advances RDH.
 * @return 0; -1 (counted in rx_missed) when RDH..RDT holds too few descriptors.
 */
int sim_rx_frame(struct e1000_sim *s, const void *data, uint32_t len, uint32_t err_bits);

/** Writes back the descriptor at RDH as a hostile device would: any @p len and @p status_error. */
void sim_rx_writeback_raw(struct e1000_sim *s, uint16_t len, uint32_t status_error);

/** The device sends every descriptor from TDH to TDT, setting DD where RS asks for it. */
void sim_tx_process(struct e1000_sim *s);

#endif /* E1000_SIM_H */
