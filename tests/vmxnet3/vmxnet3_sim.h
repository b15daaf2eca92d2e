/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A simulated vmxnet3 for the ring tests: the device's side of one rx and
 * one tx queue in memory, with IOVA = virtual address, as QEMU's
 * hw/net/vmxnet3.c plays it: it takes rx descriptors while their gen is its
 * lap (head buffers from ring 0, a frame's further buffers from ring 1),
 * writes completions with its completion ring's gen, consumes tx
 * descriptors up to the first whose gen is not its lap, and completes each
 * packet by its EOP descriptor. It can also misbehave on request: any
 * completion word, a completion naming any descriptor, an old completion
 * replayed with the current gen.
 */
#ifndef VMXNET3_SIM_H
#define VMXNET3_SIM_H

#include <stdbool.h>
#include <stdint.h>

#include "vmxnet3_defs.h"
#include "vmxnet3_ring.h"

/** The device's position on one ring. */
struct sim_ring {
	volatile void *base;
	uint16_t size;
	uint16_t next;
	uint8_t gen;
};

struct vmxnet3_sim {
	struct sim_ring rx[2]; /**< rx rings 0 and 1 */
	struct sim_ring rx_comp;
	uint16_t rqid[2]; /**< rqID written for ring 0 and ring 1 */
	uint64_t rx_out_of_buf; /**< frames refused for want of buffers */
	struct sim_ring tx;
	struct sim_ring tx_comp;
	uint8_t tx_frame[16384]; /**< frame being gathered from tx descriptors */
	uint32_t tx_len;
	uint64_t tx_bad; /**< tx descriptors with a length over the frame buffer */
	/** Called with each frame the device sends (EOP reached). */
	void (*tx_out)(const uint8_t *frame, uint32_t len, void *arg);
	void *tx_arg;
};

/** Attaches @p s to the rings the driver laid out (as ACTIVATE_DEV reads them). */
void sim_attach(struct vmxnet3_sim *s, const struct vmxnet3_rx_rings *rx,
		const struct vmxnet3_tx_rings *tx);

/**
 * The device receives @p len bytes of @p data: a head buffer from ring 0,
 * then body buffers from ring 1, one completion each (SOP on the first, EOP
 * and @p err on the last).
 * @return 0; -1 (counted in rx_out_of_buf) when the rings hold too few buffers.
 */
int sim_rx_frame(struct vmxnet3_sim *s, const void *data, uint32_t len, bool err);

/**
 * Writes the next rx completion as a hostile device would: words 0 and 2 of
 * struct Vmxnet3_RxCompDesc as given, the gen of the completion ring's lap.
 * No descriptor is consumed.
 */
void sim_rx_comp_raw(struct vmxnet3_sim *s, uint32_t dword0, uint32_t dword2);

/** The device takes ring @p ring's next descriptor without a completion (after a raw one). */
void sim_rx_skip(struct vmxnet3_sim *s, int ring);

/**
 * Writes the next rx completion as a copy of the one @p back slots before
 * it (already taken by the driver), with the current lap's gen: a
 * completion replayed with its generation flipped out of turn.
 */
void sim_rx_comp_replay(struct vmxnet3_sim *s, uint16_t back);

/** The device sends every tx descriptor whose gen is its lap (a TXPROD write, on QEMU). */
void sim_tx_process(struct vmxnet3_sim *s);

/** Writes a tx completion naming descriptor @p txd_idx, whatever it is. */
void sim_tx_comp_raw(struct vmxnet3_sim *s, uint16_t txd_idx);

#endif /* VMXNET3_SIM_H */
