/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What software ports (net_null, net_ring, net_pcap, net_af_packet) share:
 * per-queue counters summed into the port's statistics, a link that is up
 * while the port is started, and receive modes that need nothing done.
 */
#include <stddef.h>

#include "ethdev_driver.h"

int prt_eth_link_update_virtual(struct prt_eth_dev *dev, int wait)
{
	(void)wait;
	dev->data.link = (struct prt_eth_link){
		.link_speed = PRT_ETH_SPEED_NUM_10G,
		.link_duplex = 1,
		.link_status = dev->data.started,
	};
	return 0;
}

int prt_eth_mode_noop(struct prt_eth_dev *dev)
{
	(void)dev;
	return 0;
}

/* The counters at @off in queue @q of @queues, NULL for a queue not set up. */
static struct prt_eth_sw_stats *queue_stats(void *const *queues, uint16_t q, size_t off)
{
	return queues[q] ? (struct prt_eth_sw_stats *)((char *)queues[q] + off) : NULL;
}

void prt_eth_sw_stats_get(const struct prt_eth_dev *dev, struct prt_eth_stats *st, size_t rxq_off,
			  size_t txq_off)
{
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		const struct prt_eth_sw_stats *s = queue_stats(dev->data.rx_queues, q, rxq_off);

		if (s)
			prt_eth_stats_add_rxq(st, q, prt_eth_counter_read(&s->packets),
					      prt_eth_counter_read(&s->bytes),
					      prt_eth_counter_read(&s->errors));
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		const struct prt_eth_sw_stats *s = queue_stats(dev->data.tx_queues, q, txq_off);

		if (s)
			prt_eth_stats_add_txq(st, q, prt_eth_counter_read(&s->packets),
					      prt_eth_counter_read(&s->bytes),
					      prt_eth_counter_read(&s->errors));
	}
}

void prt_eth_sw_stats_reset(struct prt_eth_dev *dev, size_t rxq_off, size_t txq_off)
{
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		prt_eth_sw_stats_clear(queue_stats(dev->data.rx_queues, q, rxq_off));
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
		prt_eth_sw_stats_clear(queue_stats(dev->data.tx_queues, q, txq_off));
}
