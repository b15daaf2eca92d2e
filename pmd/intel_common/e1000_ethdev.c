/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The ethdev ops both Intel drivers share (see e1000_ethdev.h): probe,
 * queues, start/stop, filters, link, statistics, RSS and interrupts. What
 * each controller does its own way goes through its struct e1000_chip.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prt_atomic.h"
#include "prt_malloc.h"

#include "e1000_ethdev.h"
#include "ethdev_pci.h"
#include "e1000_log.h"

/* Descriptors per ring (xDLEN is a multiple of 128 bytes: 8 descriptors). */
#define E1000_RING_DESC_MIN 32
#define E1000_RING_DESC_DEFAULT 512
#define E1000_FREE_THRESH_DEFAULT 32
#define E1000_MIN_MTU 68

/* The Toeplitz key of Microsoft's RSS verification suite, as DPDK's drivers use. */
static const uint8_t default_rss_key[E1000_RSS_KEY_LEN] = {
	0x6d, 0x5a, 0x56, 0xda, 0x25, 0x5b, 0x0e, 0xc2, 0x41, 0x67, 0x25, 0x3d, 0x43, 0xa3,
	0x8f, 0xb0, 0xd0, 0xca, 0x2b, 0xcb, 0xae, 0x7b, 0x30, 0xb4, 0x77, 0xcb, 0x2d, 0xa3,
	0x80, 0x30, 0xf2, 0x0c, 0x6a, 0x42, 0xb7, 0x3b, 0xbe, 0xac, 0x01, 0xfa,
};

static volatile uint32_t *bar_reg(const struct e1000_adapter *ad, uint32_t reg)
{
	return (volatile uint32_t *)(ad->hw.bar0 + reg);
}

/* ---- a port that went wrong ---- */

/*
 * Stops the port for good: the device left the bus or wrote something no
 * working device writes. Every queue's burst returns 0 from now on; the
 * device, if it still answers, gets its receive and transmit units and
 * interrupts turned off so that it DMAs nothing more. The link reads down,
 * raised as PRT_ETH_EVENT_INTR_LSC with intr_conf.lsc when it was up.
 * Called from the control thread (stats, link) or prt's interrupt thread.
 */
void e1000_port_break(struct e1000_adapter *ad, const char *why)
{
	struct prt_eth_dev *dev = ad->dev;

	if (ad->broken)
		return;
	ad->broken = true;
	E1000_LOG(ERR,
		  "port %u (%s, %s): %s; the port is stopped: close it, and check the device "
		  "(prt-doctor, dmesg)",
		  dev->data.port_id, dev->data.name, ad->chip->model, why);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		if (rxq != NULL)
			prt_atomic_store(&rxq->stopped, 1, memory_order_relaxed);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		if (txq != NULL)
			prt_atomic_store(&txq->stopped, 1, memory_order_relaxed);
	}
	if (e1000_hw_alive(&ad->hw)) {
		ad->chip->intr_off(ad);
		if (ad->chip->units_off) {
			ad->chip->units_off(ad);
		} else {
			e1000_write(&ad->hw, E1000_RCTL, 0);
			e1000_write(&ad->hw, E1000_TCTL, 0);
		}
		e1000_write_flush(&ad->hw);
	}
	/* The link goes down with the port; an application that asked hears of it. */
	if (prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 }) == 0 &&
	    dev->data.dev_conf.intr_conf.lsc)
		prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
}

/*
 * Checks that the device still answers and that no head register reads
 * past its ring (82574 10.2.5.6/10.2.6.5, 82576 8.10.11/8.12.x): a device
 * doing either is not one prt can trust with its memory.
 */
void e1000_health_check(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	char why[160];

	if (ad->broken || !dev->data.started)
		return;
	if (!e1000_hw_alive(&ad->hw)) {
		e1000_port_break(ad, "the device reads all ones: it left the bus");
		return;
	}
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		if (e1000_ring_head_check(rxq->ring.rdh, rxq->ring.nb_desc, &rxq->ring.stats) < 0) {
			snprintf(why, sizeof(why),
				 "RDH of rx queue %u reads %u, past its %u descriptors", q,
				 prt_read32(rxq->ring.rdh), rxq->ring.nb_desc);
			e1000_port_break(ad, why);
			return;
		}
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		if (e1000_ring_head_check(txq->ring.tdh, txq->ring.nb_desc, &txq->ring.stats) < 0) {
			snprintf(why, sizeof(why),
				 "TDH of tx queue %u reads %u, past its %u descriptors", q,
				 prt_read32(txq->ring.tdh), txq->ring.nb_desc);
			e1000_port_break(ad, why);
			return;
		}
	}
}

/* ---- info and configuration ---- */

int e1000_dev_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	const struct e1000_chip *chip = e1000_adapter(dev)->chip;
	const struct prt_eth_desc_lim lim = {
		.nb_max = E1000_RING_DESC_MAX,
		.nb_min = E1000_RING_DESC_MIN,
		.nb_align = E1000_RING_DESC_MULT,
	};

	info->min_mtu = E1000_MIN_MTU;
	info->max_mtu = (uint16_t)(chip->max_rx_pktlen - PRT_ETHER_HDR_CRC_LEN);
	info->min_rx_bufsize = chip->min_rx_buf;
	info->max_rx_pktlen = chip->max_rx_pktlen;
	info->max_rx_queues = chip->max_queues;
	info->max_tx_queues = chip->max_queues;
	info->max_mac_addrs = 1;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER | PRT_ETH_RX_OFFLOAD_RSS_HASH;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->flow_type_rss_offloads = chip->rss_hf;
	info->reta_size = E1000_RETA_ENTRIES;
	info->hash_key_size = E1000_RSS_KEY_LEN;
	info->rx_desc_lim = lim;
	info->tx_desc_lim = lim;
	info->default_rxconf.rx_free_thresh = E1000_FREE_THRESH_DEFAULT;
	info->default_txconf.tx_free_thresh = E1000_FREE_THRESH_DEFAULT;
	info->default_txconf.tx_rs_thresh = E1000_FREE_THRESH_DEFAULT;
	info->default_rxportconf.ring_size = E1000_RING_DESC_DEFAULT;
	info->default_txportconf.ring_size = E1000_RING_DESC_DEFAULT;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->speed_capa = PRT_ETH_SPEED_NUM_1G;
	return 0;
}

/* The default redirection table: hash values round-robin over the queues RSS may use. */
static void reta_default(struct e1000_adapter *ad, uint16_t nb_rxq)
{
	uint16_t n = PRT_MIN(nb_rxq, ad->chip->reta_queues);

	for (unsigned int i = 0; i < E1000_RETA_ENTRIES; i++)
		ad->reta[i] = n ? (uint16_t)(i % n) : 0;
}

int e1000_dev_configure(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	const struct prt_eth_conf *conf = &dev->data.dev_conf;

	ad->rss_hf = 0;
	if (conf->rxmode.mq_mode == PRT_ETH_MQ_RX_RSS && dev->data.nb_rx_queues > 1)
		ad->rss_hf = conf->rx_adv_conf.rss_conf.rss_hf & ad->chip->rss_hf;
	reta_default(ad, dev->data.nb_rx_queues);
	return 0;
}

/* ---- queues ---- */

void e1000_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	struct e1000_rx_queue *q = dev->data.rx_queues[qid];

	if (q == NULL)
		return;
	e1000_rx_queue_drain(q);
	prt_memzone_free(q->mz);
	prt_free(q);
	dev->data.rx_queues[qid] = NULL;
}

void e1000_tx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	struct e1000_tx_queue *q = dev->data.tx_queues[qid];

	if (q == NULL)
		return;
	e1000_tx_queue_drain(q);
	prt_memzone_free(q->mz);
	prt_free(q);
	dev->data.tx_queues[qid] = NULL;
}

/* The descriptors of a queue: IOVA-contiguous, 128-byte aligned (82574 10.2.5.3, 82576 8.10.6). */
static const struct prt_memzone *ring_reserve(struct prt_eth_dev *dev, const char *what,
					      uint16_t qid, size_t len, int socket)
{
	char name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;

	snprintf(name, sizeof(name), "e1000_p%u_%s%u", dev->data.port_id, what, qid);
	mz = prt_memzone_reserve_aligned(name, len, socket, PRT_MEMZONE_IOVA_CONTIG,
					 E1000_RING_ALIGN);
	if (mz == NULL)
		E1000_LOG(ERR,
			  "port %u (%s): %s queue %u: no memory for %zu bytes of descriptors (%s)",
			  dev->data.port_id, dev->data.name, what, qid, len, strerror(errno));
	return mz;
}

int e1000_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			 const struct prt_eth_rxconf *conf, struct prt_mempool *mp)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	struct e1000_rx_queue *q;

	q = prt_zmalloc_socket("e1000_rxq", sizeof(*q) + nb_desc * sizeof(q->cookies[0]),
			       PRT_CACHE_LINE_SIZE, socket);
	if (q == NULL)
		return -ENOMEM;
	q->mz = ring_reserve(dev, "rx", qid, nb_desc * sizeof(union e1000_rx_desc), socket);
	if (q->mz == NULL) {
		prt_free(q);
		return -ENOMEM;
	}
	q->mp = mp;
	q->port_id = dev->data.port_id;
	q->queue_id = qid;
	q->nombuf = &dev->data.rx_mbuf_alloc_failed;
	e1000_rx_ring_init(&q->ring, q->mz->addr, nb_desc, q->cookies,
			   bar_reg(ad, e1000_rxq_reg(ad, qid, E1000_QREG_H)),
			   bar_reg(ad, e1000_rxq_reg(ad, qid, E1000_QREG_T)), 0,
			   conf->rx_free_thresh ? conf->rx_free_thresh : E1000_FREE_THRESH_DEFAULT);
	dev->data.rx_queues[qid] = q;
	return 0;
}

int e1000_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			 const struct prt_eth_txconf *conf)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	uint16_t rs = conf->tx_rs_thresh ? conf->tx_rs_thresh : E1000_FREE_THRESH_DEFAULT;
	struct e1000_tx_queue *q;

	if (rs >= nb_desc || rs > E1000_TX_RS_THRESH_MAX) {
		E1000_LOG(
			ERR,
			"port %u (%s): tx queue %u: tx_rs_thresh %u must be below the %u descriptors and at most %u",
			dev->data.port_id, dev->data.name, qid, rs, nb_desc,
			E1000_TX_RS_THRESH_MAX);
		return -EINVAL;
	}
	q = prt_zmalloc_socket("e1000_txq",
			       sizeof(*q) + nb_desc * (sizeof(q->cookies[0]) + sizeof(uint16_t)),
			       PRT_CACHE_LINE_SIZE, socket);
	if (q == NULL)
		return -ENOMEM;
	q->mz = ring_reserve(dev, "tx", qid, nb_desc * sizeof(struct e1000_tx_desc), socket);
	if (q->mz == NULL) {
		prt_free(q);
		return -ENOMEM;
	}
	q->queue_id = qid;
	q->rs_fifo = (uint16_t *)&q->cookies[nb_desc];
	q->free_thresh = conf->tx_free_thresh ? conf->tx_free_thresh : E1000_FREE_THRESH_DEFAULT;
	e1000_tx_ring_init(&q->ring, q->mz->addr, nb_desc, q->cookies, q->rs_fifo,
			   bar_reg(ad, e1000_txq_reg(ad, qid, E1000_QREG_H)),
			   bar_reg(ad, e1000_txq_reg(ad, qid, E1000_QREG_T)), ad->chip->tx_cmd,
			   ad->chip->tx_paylen_shift, rs);
	dev->data.tx_queues[qid] = q;
	return 0;
}

/* Writes a ring's base and length, and zeroes its head and tail (82574 10.2.5.3-7, 82576 8.10.6-12). */
static void ring_program(struct e1000_adapter *ad, uint32_t base, prt_iova_t iova, uint32_t len)
{
	e1000_write(&ad->hw, base + E1000_QREG_BAL, (uint32_t)iova);
	e1000_write(&ad->hw, base + E1000_QREG_BAH, (uint32_t)(iova >> 32));
	e1000_write(&ad->hw, base + E1000_QREG_LEN, len);
	e1000_write(&ad->hw, base + E1000_QREG_H, 0);
	e1000_write(&ad->hw, base + E1000_QREG_T, 0);
}

/* ---- receive filters (82574 10.2.5.1, 82576 8.10.1) ---- */

/* RCTL from the chip's receive set-up and the port's filters; EN while started. */
static void rctl_write(struct e1000_adapter *ad, uint32_t chip_bits, bool enable)
{
	struct prt_eth_dev *dev = ad->dev;
	uint32_t rctl = chip_bits | E1000_RCTL_BAM | E1000_RCTL_SECRC;

	if (dev->data.promiscuous)
		rctl |= E1000_RCTL_UPE | E1000_RCTL_MPE;
	if (dev->data.all_multicast)
		rctl |= E1000_RCTL_MPE;
	if (enable)
		rctl |= E1000_RCTL_EN;
	e1000_write(&ad->hw, E1000_RCTL, rctl);
}

/* Rewrites RCTL with the current filters (and the receive set-up, for MTU changes). */
static int rx_filters_apply(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	if (!e1000_hw_alive(&ad->hw))
		return -ENODEV;
	if (dev->data.started && !ad->broken)
		rctl_write(ad, ad->chip->rx_init(ad), true);
	return 0;
}

static int e1000_promiscuous_enable(struct prt_eth_dev *dev)
{
	dev->data.promiscuous = true;
	return rx_filters_apply(dev);
}

static int e1000_promiscuous_disable(struct prt_eth_dev *dev)
{
	dev->data.promiscuous = false;
	return rx_filters_apply(dev);
}

static int e1000_allmulticast_enable(struct prt_eth_dev *dev)
{
	dev->data.all_multicast = true;
	return rx_filters_apply(dev);
}

static int e1000_allmulticast_disable(struct prt_eth_dev *dev)
{
	dev->data.all_multicast = false;
	return rx_filters_apply(dev);
}

/* The longest frame each rx queue gathers (e1000_rx_queue.max_rx_pktlen), from the MTU. */
void e1000_rxq_frame_limit_set(struct prt_eth_dev *dev)
{
	uint32_t len = (uint32_t)dev->data.mtu + PRT_ETHER_HDR_CRC_LEN + 2 * 4; /* QinQ tags */

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		if (rxq)
			prt_atomic_store(&rxq->max_rx_pktlen, len, memory_order_relaxed);
	}
}

static int e1000_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	dev->data.mtu = mtu;
	e1000_rxq_frame_limit_set(dev);
	return rx_filters_apply(dev);
}

/* The port's address in receive address register 0 (82574 10.2.5.10, 82576 8.11.6). */
static int e1000_mac_addr_set(struct prt_eth_dev *dev, struct prt_ether_addr *addr)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	if (!e1000_hw_alive(&ad->hw))
		return -ENODEV;
	e1000_hw_set_rar(&ad->hw, E1000_RAL(0), E1000_RAH(0), addr->addr_bytes);
	return 0;
}

/* ---- RSS (82574 7.1.11, 82576 7.1.2.8) ---- */

static void rss_apply(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	uint32_t rxcsum = e1000_read(&ad->hw, E1000_RXCSUM);
	bool on = ad->rss_hf != 0;

	if (on) {
		for (unsigned int i = 0; i < E1000_RSS_KEY_LEN / 4; i++)
			e1000_write(&ad->hw, E1000_RSSRK(i),
				    ad->rss_key[4 * i] | (uint32_t)ad->rss_key[4 * i + 1] << 8 |
					    (uint32_t)ad->rss_key[4 * i + 2] << 16 |
					    (uint32_t)ad->rss_key[4 * i + 3] << 24);
		for (unsigned int i = 0; i < E1000_RETA_ENTRIES / 4; i++) {
			uint32_t reta = 0;

			for (unsigned int b = 0; b < 4; b++)
				reta |= (uint32_t)ad->chip->reta_entry(ad->reta[4 * i + b])
					<< (8 * b);
			e1000_write(&ad->hw, E1000_RETA(i), reta);
		}
	}
	/* The RSS hash takes the descriptor's checksum field: both compute it only with PCSD. */
	e1000_write(&ad->hw, E1000_RXCSUM,
		    on ? rxcsum | E1000_RXCSUM_PCSD : rxcsum & ~E1000_RXCSUM_PCSD);
	e1000_write(&ad->hw, E1000_MRQC, on ? ad->chip->mrqc(ad->rss_hf) : 0);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		((struct e1000_rx_queue *)dev->data.rx_queues[q])->rss_hash = on;
}

static int e1000_rss_hash_update(struct prt_eth_dev *dev, struct prt_eth_rss_conf *conf)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	if (conf->rss_key != NULL)
		memcpy(ad->rss_key, conf->rss_key, E1000_RSS_KEY_LEN);
	ad->rss_hf = dev->data.nb_rx_queues > 1 ? conf->rss_hf & ad->chip->rss_hf : 0;
	if (dev->data.started && !ad->broken)
		rss_apply(ad);
	return 0;
}

static int e1000_reta_update(struct prt_eth_dev *dev, const uint16_t *reta, uint16_t reta_size)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	for (uint16_t i = 0; i < reta_size; i++) {
		if (reta[i] >= ad->chip->reta_queues) {
			E1000_LOG(
				ERR,
				"port %u (%s): RSS spreads over %u queues on the %s; entry %u names queue %u",
				dev->data.port_id, dev->data.name, ad->chip->reta_queues,
				ad->chip->model, i, reta[i]);
			return -EINVAL;
		}
	}
	memcpy(ad->reta, reta, reta_size * sizeof(reta[0]));
	if (dev->data.started && !ad->broken)
		rss_apply(ad);
	return 0;
}

/* ---- link ---- */

static int e1000_link_update(struct prt_eth_dev *dev, int wait_to_complete)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	struct e1000_link link;
	int ret;

	(void)wait_to_complete; /* the ethdev layer polls this op while it waits */
	e1000_health_check(ad);
	if (ad->broken) {
		prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 });
		return 0;
	}
	ret = e1000_hw_link_get(&ad->hw, &link, 0);
	if (ret < 0)
		return ret;
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){
					    .link_speed = link.speed_mbps,
					    .link_duplex = link.full_duplex,
					    .link_autoneg = 1,
					    .link_status = link.up,
				    });
	return 0;
}

/*
 * Vector 0: the link (and other) causes; runs on prt's interrupt thread.
 * A link that went up or down is logged and, with intr_conf.lsc, raised
 * as PRT_ETH_EVENT_INTR_LSC.
 */
static void link_intr_handler(int fd, void *arg)
{
	struct e1000_adapter *ad = arg;
	struct prt_eth_dev *dev = ad->dev;
	struct prt_eth_link before, after;
	uint32_t causes;

	(void)fd;
	prt_intr_ack(&ad->pdev->intr_handle, 0);
	if (ad->broken || !e1000_hw_alive(&ad->hw))
		return;
	causes = ad->chip->other_intr(ad);
	if (!(causes & E1000_ICR_LSC))
		return;
	prt_eth_counter_add(&ad->lsc_intr, 1);
	prt_eth_linkstatus_get(dev, &before);
	if (dev->dev_ops->link_update(dev, 0) < 0)
		return;
	prt_eth_linkstatus_get(dev, &after);
	if (after.link_status == before.link_status)
		return;
	E1000_LOG(INFO, "port %u (%s): link %s%s", dev->data.port_id, dev->data.name,
		  after.link_status ? "up" : "down",
		  after.link_status ? (after.link_duplex ? ", full duplex" : ", half duplex") : "");
	if (dev->data.dev_conf.intr_conf.lsc)
		prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
}

/* ---- interrupts ---- */

void e1000_intr_stop(struct e1000_adapter *ad)
{
	struct prt_intr_handle *h = &ad->pdev->intr_handle;

	if (!ad->intr_on)
		return;
	if (e1000_hw_alive(&ad->hw))
		ad->chip->intr_off(ad);
	prt_intr_disable(h); /* and its callback on vector 0 */
	ad->intr_on = false;
	ad->nb_rxq_vec = 0;
}

/*
 * MSI-X: vector 0 for the link, and with intr_conf.rxq one per rx queue.
 * Without MSI-X, or with too few vectors for the link alone, the link is
 * polled; rx interrupts asked for and not possible are an error.
 */
int e1000_intr_start(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	struct prt_intr_handle *h = &ad->pdev->intr_handle;
	uint16_t nb_rxq_vec = dev->data.dev_conf.intr_conf.rxq ? dev->data.nb_rx_queues : 0;
	int max = prt_intr_vec_max(h, PRT_INTR_MODE_MSIX), ret;

	if (max < 1 + nb_rxq_vec) {
		if (nb_rxq_vec == 0) {
			E1000_LOG(NOTICE, "port %u (%s): no MSI-X: the link state is polled",
				  dev->data.port_id, dev->data.name);
			return 0;
		}
		E1000_LOG(
			ERR,
			"port %u (%s): rx interrupts need %u MSI-X vectors (link + one per rx queue), the device offers %d: use fewer rx queues or poll",
			dev->data.port_id, dev->data.name, 1 + nb_rxq_vec, max);
		return -ENOTSUP;
	}
	ret = prt_intr_enable(h, PRT_INTR_MODE_MSIX, 1u + nb_rxq_vec);
	if (ret < 0)
		return ret;
	ret = prt_intr_callback_register(prt_intr_efd(h, 0), link_intr_handler, ad);
	if (ret < 0) {
		prt_intr_disable(h);
		return ret;
	}
	ad->nb_rxq_vec = nb_rxq_vec;
	ad->intr_on = true;
	ad->chip->intr_route(ad, nb_rxq_vec);
	return 0;
}

static int rxq_intr_check(struct prt_eth_dev *dev, uint16_t qid)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	if (qid < ad->nb_rxq_vec && !ad->broken)
		return 0;
	E1000_LOG(ERR, "port %u (%s): rx queue %u has no interrupt: %s", dev->data.port_id,
		  dev->data.name, qid,
		  ad->broken ? "the port is broken" :
			       "configure the port with intr_conf.rxq = 1 and start it");
	return -EINVAL;
}

int e1000_rx_queue_intr_enable(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	if (ret == 0)
		e1000_adapter(dev)->chip->rxq_intr(e1000_adapter(dev), qid, true);
	return ret;
}

int e1000_rx_queue_intr_disable(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	if (ret == 0)
		e1000_adapter(dev)->chip->rxq_intr(e1000_adapter(dev), qid, false);
	return ret;
}

int e1000_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	return ret < 0 ? ret : prt_intr_efd(&e1000_adapter(dev)->pdev->intr_handle, 1u + qid);
}

void e1000_rx_queue_intr_ack(struct prt_eth_dev *dev, uint16_t qid)
{
	prt_intr_ack(&e1000_adapter(dev)->pdev->intr_handle, 1u + qid);
}

/* ---- start and stop ---- */

/* The receive buffer size: what every queue's mbufs hold, as the chip can size it. */
static int rx_buf_len_choose(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	uint32_t len = UINT32_MAX;

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];
		uint32_t room = prt_pktmbuf_data_room_size(rxq->mp) - PRT_PKTMBUF_HEADROOM;

		len = PRT_MIN(len, ad->chip->rx_buf_size(room));
	}
	ad->rx_buf_len = len;
	return 0;
}

/*
 * Transmit initialization, 82574 4.6.6 (the 82576 follows the same order with
 * its per-queue TXDCTL): each ring's base, length, head and tail (TDBAL/H,
 * TDLEN, TDH = TDT = 0: the queue registers of e1000_regs.h), the queue
 * enabled (TXDCTL), then the unit (TCTL.EN).
 */
int e1000_tx_queues_start(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	int ret;

	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];
		struct e1000_tx_ring *t = &txq->ring;

		e1000_tx_ring_init(t, txq->mz->addr, t->nb_desc, txq->cookies, txq->rs_fifo, t->tdh,
				   t->tdt, t->cmd, t->paylen_shift, t->rs_thresh);
		txq->stopped = 0;
		ring_program(ad, e1000_txq_reg(ad, q, 0), txq->mz->iova,
			     t->nb_desc * (uint32_t)sizeof(struct e1000_tx_desc));
		ret = ad->chip->tx_queue_enable(ad, q);
		if (ret < 0)
			return ret;
	}
	return 0;
}

static int tx_start(struct e1000_adapter *ad)
{
	int ret = e1000_tx_queues_start(ad);

	if (ret < 0)
		return ret;
	/*
	 * Last, the unit (82574 4.6.6 step 5; TCTL 82574 10.2.6.1, 82576 8.12.1):
	 * pad short frames, the IEEE collision threshold and the full-duplex
	 * collision distance; TIPG with the copper values (10.2.6.2, 8.12.2).
	 */
	e1000_write(&ad->hw, E1000_TIPG, E1000_TIPG_DEFAULT);
	e1000_write(&ad->hw, E1000_TCTL,
		    E1000_TCTL_EN | E1000_TCTL_PSP | E1000_TCTL_CT_IEEE |
			    E1000_TCTL_COLD_FULL_DUPLEX | E1000_TCTL_RTLC);
	return 0;
}

/*
 * Receive initialization, 82574 4.6.5 (the 82576 in the same order, with its
 * per-queue SRRCTL and RXDCTL): the receive set-up with RCTL.EN clear (buffer
 * size, CRC strip, filters: 82574 10.2.5.1, 82576 8.10.1), each ring's base,
 * length, head and tail (RDBAL/H, RDLEN, RDH, RDT: the queue registers of
 * e1000_regs.h) with every descriptor given a buffer and RDT written last,
 * RSS (MRQC, RETA, RSSRK), then RCTL.EN.
 */
int e1000_rx_queues_start(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	int ret;

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];
		struct e1000_rx_ring *r = &rxq->ring;

		e1000_rx_ring_init(r, rxq->mz->addr, r->nb_desc, rxq->cookies, r->rdh, r->rdt,
				   ad->rx_buf_len, r->free_thresh);
		rxq->stopped = 0;
		ret = e1000_rx_queue_fill(rxq);
		if (ret < 0) {
			E1000_LOG(
				ERR,
				"port %u (%s): rx queue %u: the mempool has fewer than %u free mbufs to fill the ring; make the pool larger",
				dev->data.port_id, dev->data.name, q, r->nb_desc);
			return ret;
		}
		ring_program(ad, e1000_rxq_reg(ad, q, 0), rxq->mz->iova,
			     r->nb_desc * (uint32_t)sizeof(union e1000_rx_desc));
		ret = ad->chip->rx_queue_enable(ad, q);
		if (ret < 0)
			return ret;
		e1000_rx_ring_start(r);
	}
	return 0;
}

/* The receive buffer size and the chip's receive set-up, before the queues start. */
uint32_t e1000_rx_setup(struct e1000_adapter *ad)
{
	rx_buf_len_choose(ad);
	e1000_rxq_frame_limit_set(ad->dev);
	return ad->chip->rx_init(ad);
}

static int rx_start(struct e1000_adapter *ad)
{
	uint32_t rctl_bits = e1000_rx_setup(ad);
	int ret;

	rctl_write(ad, rctl_bits, false);
	ret = e1000_rx_queues_start(ad);
	if (ret < 0)
		return ret;
	rss_apply(ad);
	rctl_write(ad, rctl_bits, true);
	return 0;
}

/* Stops the units and every queue, so that the device DMAs nothing more; frees the mbufs. */
void e1000_queues_stop(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;

	if (e1000_hw_alive(&ad->hw)) {
		for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
			e1000_write(&ad->hw, e1000_rxq_reg(ad, q, E1000_QREG_LEN), 0);
		for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
			e1000_write(&ad->hw, e1000_txq_reg(ad, q, E1000_QREG_LEN), 0);
		e1000_write_flush(&ad->hw);
	}
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		e1000_rx_queue_drain(dev->data.rx_queues[q]);
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
		e1000_tx_queue_drain(dev->data.tx_queues[q]);
}

static void units_stop(struct e1000_adapter *ad)
{
	e1000_intr_stop(ad);
	if (e1000_hw_alive(&ad->hw)) {
		e1000_write(&ad->hw, E1000_RCTL, 0);
		e1000_write(&ad->hw, E1000_TCTL, E1000_TCTL_PSP);
	}
	e1000_queues_stop(ad);
}

static int e1000_dev_start(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	int ret;

	if (ad->broken) {
		E1000_LOG(ERR, "port %u (%s): the port broke earlier (see above); close it",
			  dev->data.port_id, dev->data.name);
		return -EIO;
	}
	if (!e1000_hw_alive(&ad->hw))
		return -ENODEV;
	e1000_hw_set_rar(&ad->hw, E1000_RAL(0), E1000_RAH(0), dev->data.mac_addr.addr_bytes);
	for (unsigned int i = 0; i < E1000_MTA_SIZE; i++)
		e1000_write(&ad->hw, E1000_MTA(i), 0);
	ret = tx_start(ad);
	if (ret == 0)
		ret = rx_start(ad);
	if (ret == 0)
		ret = e1000_intr_start(ad);
	if (ret < 0) {
		units_stop(ad);
		return ret;
	}
	return 0;
}

static int e1000_dev_stop(struct prt_eth_dev *dev)
{
	units_stop(e1000_adapter(dev));
	return 0;
}

static int e1000_dev_close(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	/* Leave the device as reset found it, when it is still there. */
	if (!ad->broken && !ad->pdev->removed && e1000_hw_alive(&ad->hw))
		e1000_hw_reset(&ad->hw);
	ad->pdev->driver_data = NULL;
	return 0;
}

/* ---- statistics ---- */

/* Driver counters beyond the hardware's: what the rings saw (e1000_ring.h). */
static const char *const soft_xstat_names[] = {
	"rx_bad_length_descriptors", "rx_frame_error_descriptors", "tx_dropped_bad_frames",
	"ring_head_errors",	     "link_status_interrupts",	   "rx_oversize_frames",
};

static void soft_xstats(struct prt_eth_dev *dev, uint64_t v[PRT_DIM(soft_xstat_names)])
{
	memset(v, 0, PRT_DIM(soft_xstat_names) * sizeof(v[0]));
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		const struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		v[0] += prt_atomic_load(&rxq->ring.stats.bad_len, memory_order_relaxed);
		v[1] += prt_atomic_load(&rxq->ring.stats.frame_errors, memory_order_relaxed);
		v[3] += rxq->ring.stats.bad_head;
		v[5] += prt_eth_counter_read(&rxq->oversize);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		const struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		v[2] += prt_eth_counter_read(&txq->errors);
		v[3] += txq->ring.stats.bad_head;
	}
	v[4] = prt_eth_counter_read(&e1000_adapter(dev)->lsc_intr);
}

/* Reads the clear-on-read counters into the totals; a device gone breaks the port. */
static int hw_stats_update(struct e1000_adapter *ad)
{
	int ret;

	if (ad->broken)
		return 0;
	ret = e1000_stats_update(&ad->hw, &ad->hw_stats);
	if (ret == -ENODEV)
		e1000_port_break(ad, "the device reads all ones: it left the bus");
	return 0;
}

static int e1000_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *stats)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	e1000_health_check(ad);
	hw_stats_update(ad);
	e1000_stats_to_eth(&ad->hw_stats, stats);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];
		uint64_t err = prt_eth_counter_read(&rxq->errors);

		stats->ierrors += err;
		if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_ipackets[q] = prt_eth_counter_read(&rxq->packets);
			stats->q_ibytes[q] = prt_eth_counter_read(&rxq->bytes);
			stats->q_errors[q] = err;
		}
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		stats->oerrors += prt_eth_counter_read(&txq->errors);
		if (q < PRT_ETHDEV_QUEUE_STAT_CNTRS) {
			stats->q_opackets[q] = prt_eth_counter_read(&txq->packets);
			stats->q_obytes[q] = prt_eth_counter_read(&txq->bytes);
		}
	}
	return 0;
}

static int e1000_stats_reset(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	hw_stats_update(ad);
	memset(&ad->hw_stats, 0, sizeof(ad->hw_stats));
	prt_atomic_store(&ad->lsc_intr, 0, memory_order_relaxed);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		prt_atomic_store(&rxq->packets, 0, memory_order_relaxed);
		prt_atomic_store(&rxq->bytes, 0, memory_order_relaxed);
		prt_atomic_store(&rxq->errors, 0, memory_order_relaxed);
		prt_atomic_store(&rxq->oversize, 0, memory_order_relaxed);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		prt_atomic_store(&txq->packets, 0, memory_order_relaxed);
		prt_atomic_store(&txq->bytes, 0, memory_order_relaxed);
		prt_atomic_store(&txq->errors, 0, memory_order_relaxed);
	}
	return 0;
}

static int e1000_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				  unsigned int n)
{
	unsigned int count = e1000_nb_stats + PRT_DIM(soft_xstat_names);

	(void)dev;
	if (names == NULL || n < count)
		return (int)count;
	for (unsigned int i = 0; i < e1000_nb_stats; i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", e1000_stat_descs[i].name);
	for (unsigned int i = 0; i < PRT_DIM(soft_xstat_names); i++)
		snprintf(names[e1000_nb_stats + i].name, sizeof(names[0].name), "%s",
			 soft_xstat_names[i]);
	return (int)count;
}

static int e1000_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xstats, unsigned int n)
{
	struct e1000_adapter *ad = e1000_adapter(dev);
	unsigned int count = e1000_nb_stats + PRT_DIM(soft_xstat_names);
	uint64_t soft[PRT_DIM(soft_xstat_names)];

	if (xstats == NULL || n < count)
		return (int)count;
	hw_stats_update(ad);
	for (unsigned int i = 0; i < e1000_nb_stats; i++)
		xstats[i].value = e1000_stat_value(&ad->hw_stats, i);
	soft_xstats(dev, soft);
	for (unsigned int i = 0; i < PRT_DIM(soft_xstat_names); i++)
		xstats[e1000_nb_stats + i].value = soft[i];
	return (int)count;
}

static const struct prt_eth_dev_ops e1000_eth_ops = {
	.dev_configure = e1000_dev_configure,
	.dev_start = e1000_dev_start,
	.dev_stop = e1000_dev_stop,
	.dev_close = e1000_dev_close,
	.dev_infos_get = e1000_dev_infos_get,
	.rx_queue_setup = e1000_rx_queue_setup,
	.tx_queue_setup = e1000_tx_queue_setup,
	.rx_queue_release = e1000_rx_queue_release,
	.tx_queue_release = e1000_tx_queue_release,
	.link_update = e1000_link_update,
	.promiscuous_enable = e1000_promiscuous_enable,
	.promiscuous_disable = e1000_promiscuous_disable,
	.allmulticast_enable = e1000_allmulticast_enable,
	.allmulticast_disable = e1000_allmulticast_disable,
	.mac_addr_set = e1000_mac_addr_set,
	.mtu_set = e1000_mtu_set,
	.stats_get = e1000_stats_get,
	.stats_reset = e1000_stats_reset,
	.xstats_get = e1000_xstats_get,
	.xstats_get_names = e1000_xstats_get_names,
	.xstats_reset = e1000_stats_reset,
	.rss_hash_update = e1000_rss_hash_update,
	.reta_update = e1000_reta_update,
	.rx_queue_intr_enable = e1000_rx_queue_intr_enable,
	.rx_queue_intr_disable = e1000_rx_queue_intr_disable,
	.rx_queue_intr_fd = e1000_rx_queue_intr_fd,
	.rx_queue_intr_ack = e1000_rx_queue_intr_ack,
};

/* ---- probe and remove ---- */

/* A physical function: global reset, the MAC address from RAL0 or the NVM, the link up. */
static int pf_hw_init(struct e1000_adapter *ad)
{
	int ret = e1000_hw_reset(&ad->hw);

	if (ret < 0)
		return ret;
	ret = e1000_hw_read_mac(&ad->hw, ad->dev->data.mac_addr.addr_bytes);
	if (ret < 0)
		return ret;
	ret = e1000_hw_link_setup(&ad->hw);
	if (ret < 0)
		E1000_LOG(ERR, "%s: the PHY does not answer (%s)", ad->pdev->name, strerror(-ret));
	return ret;
}

int e1000_eth_probe(const struct e1000_chip *chip, struct prt_pci_device *pdev)
{
	struct prt_mem_resource *bar = &pdev->mem_resource[0];
	struct e1000_adapter *ad;
	struct prt_eth_dev *dev;
	int ret;

	/* BAR 0 holds the CSRs: 128 KiB (82574 10.1, 82576 8.1), a VF's 16 KiB (82576 8.26). */
	if (bar->addr == NULL || bar->len < chip->bar0_len) {
		E1000_LOG(
			ERR,
			"%s: BAR 0 is %s (%llu bytes); the %s needs its %u KiB register BAR mapped",
			pdev->name, bar->addr ? "too small" : "not mapped",
			(unsigned long long)bar->len, chip->model, chip->bar0_len / 1024);
		return -ENODEV;
	}
	dev = prt_eth_dev_pci_allocate(pdev, chip->priv_size ? chip->priv_size : sizeof(*ad),
				       &chip->eth_driver);
	if (dev == NULL)
		return -errno;
	ad = dev->dev_private;
	ad->hw.bar0 = bar->addr;
	ad->hw.name = dev->data.name;
	ad->chip = chip;
	ad->pdev = pdev;
	ad->dev = dev;
	dev->dev_ops = chip->ops ? chip->ops : &e1000_eth_ops;
	ret = chip->hw_init ? chip->hw_init(ad) : pf_hw_init(ad);
	if (ret < 0)
		goto fail;
	memcpy(ad->rss_key, default_rss_key, sizeof(ad->rss_key));
	reta_default(ad, 1);
	dev->rx_pkt_burst = e1000_recv_pkts;
	dev->tx_pkt_burst = e1000_xmit_pkts;
	/* The link interrupt needs MSI-X vector 0 (intr_start); without, the link is polled. */
	prt_eth_dev_pci_probing_finish(
		dev, pdev, prt_intr_vec_max(&pdev->intr_handle, PRT_INTR_MODE_MSIX) > 0);
	return 0;
fail:
	prt_eth_dev_release(dev);
	return ret;
}

/* The interrupt thread, while lcores may still poll: stop, free nothing (once). */
static bool e1000_unplugged(struct prt_eth_dev *dev)
{
	struct e1000_adapter *ad = e1000_adapter(dev);

	if (ad->unplugged)
		return false;
	ad->unplugged = true;
	e1000_port_break(ad, "the kernel took the device back (hot-unplug or unbind)");
	return true;
}

int e1000_eth_remove(struct prt_pci_device *pdev)
{
	return prt_eth_dev_pci_remove(pdev, e1000_unplugged);
}
