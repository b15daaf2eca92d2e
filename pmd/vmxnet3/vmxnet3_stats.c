/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vmxnet3 statistics: the device's per-queue counters (struct UPT1_TxStats,
 * UPT1_RxStats in each queue descriptor, written by the device on
 * GET_STATS), summed over queues and activations, and the driver's own
 * (what the rings refused, the frames dropped, the events).
 */
#include <stdio.h>
#include <string.h>

#include "prt_atomic.h"

#include "vmxnet3_ethdev.h"
#include "vmxnet3_rxtx.h"

#define NB_TX_HW (sizeof(struct UPT1_TxStats) / sizeof(uint64_t))
#define NB_RX_HW (sizeof(struct UPT1_RxStats) / sizeof(uint64_t))

/* The device's counters, in struct UPT1_TxStats then UPT1_RxStats order. */
static const char *const hw_names[NB_TX_HW + NB_RX_HW] = {
	"tx_tso_packets",	"tx_tso_bytes",	      "tx_unicast_packets",   "tx_unicast_bytes",
	"tx_multicast_packets", "tx_multicast_bytes", "tx_broadcast_packets", "tx_broadcast_bytes",
	"tx_device_errors",	"tx_device_discards", "rx_lro_packets",	      "rx_lro_bytes",
	"rx_unicast_packets",	"rx_unicast_bytes",   "rx_multicast_packets", "rx_multicast_bytes",
	"rx_broadcast_packets", "rx_broadcast_bytes", "rx_out_of_buffers",    "rx_device_errors",
};

/* The driver's counters (vmxnet3_ring.h, vmxnet3_rxtx.h). */
static const char *const sw_names[] = {
	"rx_bad_completion_index", "rx_bad_completion_length", "rx_bad_completion_queue",
	"rx_incomplete_frames",	   "rx_frame_errors",	       "rx_oversize_frames",
	"tx_bad_completion_index", "tx_dropped_bad_frames",    "doorbells",
	"link_status_interrupts",
};

static void sum_words(uint64_t *sum, const volatile uint64_t *add, size_t n)
{
	for (size_t i = 0; i < n; i++)
		sum[i] += le64toh(add[i]);
}

void vmxnet3_hw_stats_read(struct vmxnet3_adapter *ad, struct vmxnet3_hw_stats *sum, bool total)
{
	struct prt_eth_dev *dev = ad->dev;
	uint16_t ntx = dev->data.nb_tx_queues;

	if (total)
		*sum = ad->hw_base;
	else
		memset(sum, 0, sizeof(*sum));
	if (!ad->active || ad->broken)
		return;
	vmxnet3_cmd(ad, VMXNET3_CMD_GET_STATS);
	for (uint16_t q = 0; q < ntx; q++) {
		const volatile struct Vmxnet3_TxQueueDesc *d =
			(const volatile struct Vmxnet3_TxQueueDesc *)ad->shared->qdesc[q];

		sum_words((uint64_t *)&sum->tx, (const volatile uint64_t *)&d->stats, NB_TX_HW);
	}
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		const volatile struct Vmxnet3_RxQueueDesc *d =
			(const volatile struct Vmxnet3_RxQueueDesc *)ad->shared->qdesc[ntx + q];

		sum_words((uint64_t *)&sum->rx, (const volatile uint64_t *)&d->stats, NB_RX_HW);
	}
}

void vmxnet3_hw_stats_save(struct vmxnet3_adapter *ad)
{
	struct vmxnet3_hw_stats now = { 0 };

	vmxnet3_hw_stats_read(ad, &now, false);
	sum_words((uint64_t *)&ad->hw_base, (const uint64_t *)&now, sizeof(now) / sizeof(uint64_t));
}

/* The device's counters since the last reset, as words. */
static void hw_since_reset(struct vmxnet3_adapter *ad, uint64_t v[NB_TX_HW + NB_RX_HW])
{
	struct vmxnet3_hw_stats now = { 0 };
	const uint64_t *w = (const uint64_t *)&now, *z = (const uint64_t *)&ad->hw_zero;

	vmxnet3_hw_stats_read(ad, &now, true);
	for (size_t i = 0; i < NB_TX_HW + NB_RX_HW; i++)
		v[i] = w[i] - z[i];
}

static void sw_values(struct prt_eth_dev *dev, uint64_t v[PRT_DIM(sw_names)])
{
	memset(v, 0, PRT_DIM(sw_names) * sizeof(v[0]));
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		const struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];

		v[0] += prt_eth_counter_read(&rxq->rings.stats.bad_index);
		v[1] += prt_eth_counter_read(&rxq->rings.stats.bad_length);
		v[2] += prt_eth_counter_read(&rxq->rings.stats.bad_queue);
		v[3] += prt_eth_counter_read(&rxq->incomplete);
		v[4] += prt_eth_counter_read(&rxq->frame_errors);
		v[5] += prt_eth_counter_read(&rxq->oversize);
		v[8] += prt_eth_counter_read(&rxq->rings.stats.doorbells);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		const struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];

		v[6] += prt_eth_counter_read(&txq->rings.stats.bad_index);
		v[7] += prt_eth_counter_read(&txq->errors);
		v[8] += prt_eth_counter_read(&txq->rings.stats.doorbells);
	}
	v[9] = prt_eth_counter_read(&vmxnet3_adapter(dev)->lsc_intr);
}

int vmxnet3_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *stats)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);
	uint64_t hw[NB_TX_HW + NB_RX_HW];
	const uint64_t *tx = hw, *rx = hw + NB_TX_HW;

	hw_since_reset(ad, hw);
	/* UPT1_TxStats: ucast, mcast, bcast packets at 2, 4, 6, their bytes after each. */
	stats->opackets = tx[2] + tx[4] + tx[6];
	stats->obytes = tx[3] + tx[5] + tx[7];
	stats->oerrors = tx[8] + tx[9];
	stats->ipackets = rx[2] + rx[4] + rx[6];
	stats->ibytes = rx[3] + rx[5] + rx[7];
	stats->imissed = rx[8];
	stats->ierrors = rx[9];
	stats->rx_nombuf = prt_atomic_load(&dev->data.rx_mbuf_alloc_failed, memory_order_relaxed);
	/* What the driver dropped the device counted as received (or sent). */
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		const struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];
		uint64_t err = prt_eth_counter_read(&rxq->errors);

		stats->ierrors += err;
		if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[q] = prt_eth_counter_read(&rxq->packets);
			stats->q_ibytes[q] = prt_eth_counter_read(&rxq->bytes);
			stats->q_errors[q] = err;
		}
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		const struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];

		stats->oerrors += prt_eth_counter_read(&txq->errors);
		if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_opackets[q] = prt_eth_counter_read(&txq->packets);
			stats->q_obytes[q] = prt_eth_counter_read(&txq->bytes);
		}
	}
	return 0;
}

static void zero(uint64_t *c)
{
	prt_atomic_store(c, 0, memory_order_relaxed);
}

int vmxnet3_stats_reset(struct prt_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	vmxnet3_hw_stats_read(ad, &ad->hw_zero, true);
	zero(&ad->lsc_intr);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];

		zero(&rxq->packets);
		zero(&rxq->bytes);
		zero(&rxq->errors);
		zero(&rxq->frame_errors);
		zero(&rxq->incomplete);
		zero(&rxq->oversize);
		memset(&rxq->rings.stats, 0, sizeof(rxq->rings.stats));
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];

		zero(&txq->packets);
		zero(&txq->bytes);
		zero(&txq->errors);
		memset(&txq->rings.stats, 0, sizeof(txq->rings.stats));
	}
	return 0;
}

int vmxnet3_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
			     unsigned int n)
{
	unsigned int count = PRT_DIM(hw_names) + PRT_DIM(sw_names);

	(void)dev;
	if (names == NULL || n < count)
		return (int)count;
	for (unsigned int i = 0; i < PRT_DIM(hw_names); i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", hw_names[i]);
	for (unsigned int i = 0; i < PRT_DIM(sw_names); i++)
		snprintf(names[PRT_DIM(hw_names) + i].name, sizeof(names[0].name), "%s",
			 sw_names[i]);
	return (int)count;
}

int vmxnet3_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xstats, unsigned int n)
{
	unsigned int count = PRT_DIM(hw_names) + PRT_DIM(sw_names);
	uint64_t hw[PRT_DIM(hw_names)], sw[PRT_DIM(sw_names)];

	if (xstats == NULL || n < count)
		return (int)count;
	hw_since_reset(vmxnet3_adapter(dev), hw);
	sw_values(dev, sw);
	for (unsigned int i = 0; i < PRT_DIM(hw_names); i++)
		xstats[i].value = hw[i];
	for (unsigned int i = 0; i < PRT_DIM(sw_names); i++)
		xstats[PRT_DIM(hw_names) + i].value = sw[i];
	return (int)count;
}
