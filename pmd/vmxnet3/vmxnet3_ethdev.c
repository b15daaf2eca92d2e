/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vmxnet3: the ethdev ops and PCI probe of VMware's vmxnet3
 * (vmxnet3_ethdev.h), revision 1 of the ABI in vmxnet3_defs.h.
 *
 * Start-up, in the order Linux's vmxnet3_activate_dev() uses:
 *   1. probe: the revision and UPT version (VRRS, UVRS: revision 1 picked),
 *      the MAC address (MACL, MACH), the driver-shared area allocated;
 *   2. start: each queue's rings laid out and the rx rings filled; the
 *      shared area written (struct Vmxnet3_DriverShared: magic, driver
 *      info, queue descriptors, interrupts, receive filter); its IOVA in
 *      DSAL then DSAH; ACTIVATE_DEV, whose answer 0 says the device took
 *      it; the MAC address (ACTIVATE_DEV puts the permanent one back on
 *      QEMU), the rx producers, the event vector unmasked, GET_LINK;
 *   3. stop: interrupts masked, the device's counters saved, QUIESCE_DEV,
 *      RESET_DEV, buffers freed.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "ethdev_pci.h"
#include "prt_atomic.h"
#include "prt_ether.h"
#include "prt_interrupts.h"
#include "prt_malloc.h"

#include "vmxnet3_ethdev.h"
#include "vmxnet3_rxtx.h"

PRT_LOG_REGISTER(vmxnet3_logtype, pmd.net.vmxnet3, NOTICE)

#define VMXNET3_RING_DESC_MIN 32
#define VMXNET3_RING_DESC_DEFAULT 512
#define VMXNET3_MIN_RX_BUF 128 /* VMXNET3_MIN_T0_BUF_SIZE */
#define VMXNET3_DRIVER_VERSION 0x01000000u /* Vmxnet3_DriverInfo.version: prt's own */
/* The longest frame: MTU + header + two VLAN tags (the device strips the CRC). */
#define VMXNET3_FRAME_OVERHEAD (PRT_ETHER_HDR_LEN + 8)

/* ---- registers and commands ---- */

static uint32_t vd_read(const struct vmxnet3_adapter *ad, uint32_t reg)
{
	return prt_read32(ad->bar1 + reg);
}

static void vd_write(struct vmxnet3_adapter *ad, uint32_t reg, uint32_t v)
{
	prt_write32(v, ad->bar1 + reg);
}

static void pt_write(struct vmxnet3_adapter *ad, uint32_t reg, uint32_t v)
{
	prt_write32(v, ad->bar0 + reg);
}

/* Masks (@p masked) or unmasks MSI-X vector @p vec at the device (IMR). */
static void imr_write(struct vmxnet3_adapter *ad, unsigned int vec, bool masked)
{
	pt_write(ad, VMXNET3_REG_IMR + vec * VMXNET3_REG_ALIGN, masked);
}

/* A device that left the bus reads all ones; VRRS reads its revisions otherwise. */
static bool hw_alive(const struct vmxnet3_adapter *ad)
{
	return vd_read(ad, VMXNET3_REG_VRRS) != UINT32_MAX;
}

void vmxnet3_cmd(struct vmxnet3_adapter *ad, uint32_t cmd)
{
	pthread_mutex_lock(&ad->cmd_lock);
	vd_write(ad, VMXNET3_REG_CMD, cmd);
	pthread_mutex_unlock(&ad->cmd_lock);
}

uint32_t vmxnet3_cmd_answer(struct vmxnet3_adapter *ad, uint32_t cmd)
{
	uint32_t ret;

	pthread_mutex_lock(&ad->cmd_lock);
	vd_write(ad, VMXNET3_REG_CMD, cmd);
	ret = vd_read(ad, VMXNET3_REG_CMD);
	pthread_mutex_unlock(&ad->cmd_lock);
	return ret;
}

/* The MAC address: bytes 0-3 in MACL, 4-5 in MACH (the write of MACH applies both). */
static void mac_write(struct vmxnet3_adapter *ad, const uint8_t *a)
{
	vd_write(ad, VMXNET3_REG_MACL,
		 (uint32_t)a[0] | (uint32_t)a[1] << 8 | (uint32_t)a[2] << 16 |
			 (uint32_t)a[3] << 24);
	vd_write(ad, VMXNET3_REG_MACH, (uint32_t)a[4] | (uint32_t)a[5] << 8);
}

static void mac_read(struct vmxnet3_adapter *ad, uint8_t *a)
{
	uint32_t lo = vd_read(ad, VMXNET3_REG_MACL), hi = vd_read(ad, VMXNET3_REG_MACH);

	for (int i = 0; i < 4; i++)
		a[i] = (uint8_t)(lo >> (8 * i));
	a[4] = (uint8_t)hi;
	a[5] = (uint8_t)(hi >> 8);
}

/* Queue descriptors: the tx ones, then the rx ones right after (queueDescPA). */
static volatile struct Vmxnet3_TxQueueDesc *txq_desc(struct vmxnet3_adapter *ad, uint16_t q)
{
	return (volatile struct Vmxnet3_TxQueueDesc *)ad->shared->qdesc[q];
}

static volatile struct Vmxnet3_RxQueueDesc *rxq_desc(struct vmxnet3_adapter *ad, uint16_t q)
{
	return (volatile struct Vmxnet3_RxQueueDesc *)
		ad->shared->qdesc[ad->dev->data.nb_tx_queues + q];
}

/* ---- a port that went wrong ---- */

/*
 * Stops the port for good: the device left the bus, stopped a queue, or was
 * taken back by the kernel. Bursts return 0 from now on; a device that still
 * answers is quiesced so that it DMAs nothing more; the link goes down
 * (PRT_ETH_EVENT_INTR_LSC with intr_conf.lsc). Control or interrupt thread.
 */
static void port_break(struct vmxnet3_adapter *ad, const char *why)
{
	struct prt_eth_dev *dev = ad->dev;

	if (ad->broken)
		return;
	ad->broken = true;
	VMXNET3_LOG(ERR,
		    "port %u (%s): %s; the port is stopped: close it, and check the device "
		    "(prt-doctor, dmesg)",
		    dev->data.port_id, dev->data.name, why);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];

		if (rxq != NULL)
			prt_atomic_store(&rxq->stopped, 1, memory_order_relaxed);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];

		if (txq != NULL)
			prt_atomic_store(&txq->stopped, 1, memory_order_relaxed);
	}
	if (ad->active && hw_alive(ad))
		vmxnet3_cmd(ad, VMXNET3_CMD_QUIESCE_DEV);
	if (prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 }) == 0 &&
	    dev->data.dev_conf.intr_conf.lsc)
		prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
}

/* After a queue-error event: GET_QUEUE_STATUS and each queue's Vmxnet3_QueueStatus. */
static void queue_status_check(struct vmxnet3_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	char why[128];

	vmxnet3_cmd(ad, VMXNET3_CMD_GET_QUEUE_STATUS);
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		if (txq_desc(ad, q)->status.stopped) {
			snprintf(why, sizeof(why), "the device stopped tx queue %u (error 0x%x)", q,
				 le32toh(txq_desc(ad, q)->status.error));
			port_break(ad, why);
			return;
		}
	}
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		if (rxq_desc(ad, q)->status.stopped) {
			snprintf(why, sizeof(why), "the device stopped rx queue %u (error 0x%x)", q,
				 le32toh(rxq_desc(ad, q)->status.error));
			port_break(ad, why);
			return;
		}
	}
}

/* ---- info and configuration ---- */

static int vmxnet3_dev_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	const struct prt_eth_desc_lim lim = {
		.nb_max = VMXNET3_RX_RING_MAX_SIZE,
		.nb_min = VMXNET3_RING_DESC_MIN,
		.nb_align = VMXNET3_RING_SIZE_ALIGN,
	};

	(void)dev;
	info->min_mtu = VMXNET3_MIN_MTU;
	info->max_mtu = VMXNET3_MAX_MTU;
	info->min_rx_bufsize = VMXNET3_MIN_RX_BUF;
	info->max_rx_pktlen = VMXNET3_MAX_MTU + VMXNET3_FRAME_OVERHEAD;
	info->max_rx_queues = VMXNET3_NB_QUEUES_MAX;
	info->max_tx_queues = VMXNET3_NB_QUEUES_MAX;
	info->max_mac_addrs = 1;
	info->max_mc_addrs = VMXNET3_MC_ADDRS_MAX;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	info->rx_desc_lim = lim;
	info->tx_desc_lim = lim;
	info->default_rxportconf.ring_size = VMXNET3_RING_DESC_DEFAULT;
	info->default_txportconf.ring_size = VMXNET3_RING_DESC_DEFAULT;
	info->default_rxportconf.burst_size = 32;
	info->default_txportconf.burst_size = 32;
	info->speed_capa = PRT_ETH_SPEED_NUM_10G;
	return 0;
}

static int vmxnet3_dev_configure(struct prt_eth_dev *dev)
{
	if (dev->data.dev_conf.rxmode.mq_mode == PRT_ETH_MQ_RX_RSS && dev->data.nb_rx_queues > 1)
		VMXNET3_LOG(
			NOTICE,
			"port %u (%s): no RSS on vmxnet3 here: QEMU's model delivers every frame to rx queue 0",
			dev->data.port_id, dev->data.name);
	return 0;
}

/* ---- queues ---- */

/* A queue's rings: IOVA-contiguous, VMXNET3_RING_BA_ALIGN-aligned. */
static const struct prt_memzone *ring_reserve(struct prt_eth_dev *dev, const char *what,
					      uint16_t qid, size_t len, int socket)
{
	char name[PRT_MEMZONE_NAMESIZE];
	const struct prt_memzone *mz;

	snprintf(name, sizeof(name), "vmxnet3_p%u_%s%u", dev->data.port_id, what, qid);
	mz = prt_memzone_reserve_aligned(name, len, socket, PRT_MEMZONE_IOVA_CONTIG,
					 VMXNET3_RING_BA_ALIGN);
	if (mz == NULL)
		VMXNET3_LOG(ERR, "port %u (%s): %s queue %u: no memory for %zu bytes of rings (%s)",
			    dev->data.port_id, dev->data.name, what, qid, len, strerror(errno));
	return mz;
}

static void vmxnet3_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	struct vmxnet3_rx_queue *q = dev->data.rx_queues[qid];

	if (q == NULL)
		return;
	vmxnet3_rx_queue_drain(q);
	prt_memzone_free(q->mz);
	prt_free(q);
	dev->data.rx_queues[qid] = NULL;
}

static void vmxnet3_tx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	struct vmxnet3_tx_queue *q = dev->data.tx_queues[qid];

	if (q == NULL)
		return;
	vmxnet3_tx_queue_drain(q);
	prt_memzone_free(q->mz);
	prt_free(q);
	dev->data.tx_queues[qid] = NULL;
}

/* Rx rings: ring 0, ring 1 (sized at start, up to the largest), their completions. */
static int vmxnet3_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				  int socket, const struct prt_eth_rxconf *conf,
				  struct prt_mempool *mp)
{
	struct vmxnet3_rx_queue *q;

	(void)conf;
	q = prt_zmalloc_socket("vmxnet3_rxq",
			       sizeof(*q) +
				       (nb_desc + VMXNET3_RX_RING_MAX_SIZE) * sizeof(q->cookies[0]),
			       PRT_CACHE_LINE_SIZE, socket);
	if (q == NULL)
		return -ENOMEM;
	q->mz = ring_reserve(dev, "rx", qid,
			     VMXNET3_RXQ_RING_BYTES(nb_desc, VMXNET3_RX_RING_MAX_SIZE), socket);
	if (q->mz == NULL) {
		prt_free(q);
		return -ENOMEM;
	}
	q->mp = mp;
	q->port_id = dev->data.port_id;
	q->queue_id = qid;
	q->nb_desc = nb_desc;
	q->nb_body = VMXNET3_RX_RING_MAX_SIZE;
	q->nombuf = &dev->data.rx_mbuf_alloc_failed;
	dev->data.rx_queues[qid] = q;
	return 0;
}

/* Tx rings: the tx ring, its completion ring, and the data ring revision 1 asks for. */
static int vmxnet3_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				  int socket, const struct prt_eth_txconf *conf)
{
	struct vmxnet3_tx_queue *q;

	(void)conf;
	q = prt_zmalloc_socket("vmxnet3_txq",
			       sizeof(*q) + nb_desc * (sizeof(q->cookies[0]) + sizeof(uint8_t)),
			       PRT_CACHE_LINE_SIZE, socket);
	if (q == NULL)
		return -ENOMEM;
	q->mz = ring_reserve(dev, "tx", qid, VMXNET3_TXQ_RING_BYTES(nb_desc), socket);
	if (q->mz == NULL) {
		prt_free(q);
		return -ENOMEM;
	}
	q->queue_id = qid;
	q->eop = (uint8_t *)&q->cookies[nb_desc];
	q->rings.cmd.size = nb_desc;
	dev->data.tx_queues[qid] = q;
	return 0;
}

/* ---- link and events ---- */

static int vmxnet3_link_update(struct prt_eth_dev *dev, int wait_to_complete)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);
	uint32_t w;

	(void)wait_to_complete;
	if (!ad->broken && !hw_alive(ad))
		port_break(ad, "the device reads all ones: it left the bus");
	if (ad->broken) {
		prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 });
		return 0;
	}
	w = vmxnet3_cmd_answer(ad, VMXNET3_CMD_GET_LINK);
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){
					    .link_speed = w & 1 ? w >> 16 : 0,
					    .link_duplex = 1,
					    .link_status = w & 1,
				    });
	return 0;
}

/*
 * Vector 0, on prt's interrupt thread: the events the device wrote into
 * Vmxnet3_DriverShared.ecr, acknowledged through REG_ECR; a link change is
 * logged and raised as PRT_ETH_EVENT_INTR_LSC with intr_conf.lsc; a queue
 * error breaks the port. The vector is unmasked last (autoMask masked it),
 * so an event that came meanwhile fires it again.
 */
static void event_intr_handler(int fd, void *arg)
{
	struct vmxnet3_adapter *ad = arg;
	struct prt_eth_dev *dev = ad->dev;
	struct prt_eth_link before, after;
	uint32_t ecr;

	(void)fd;
	prt_intr_ack(&ad->pdev->intr_handle, 0);
	if (ad->broken || !ad->active)
		return;
	ecr = le32toh(ad->shared->ds.ecr);
	if (ecr != 0)
		vd_write(ad, VMXNET3_REG_ECR, ecr);
	if (ecr & (VMXNET3_ECR_TQERR | VMXNET3_ECR_RQERR))
		queue_status_check(ad);
	if (ecr & VMXNET3_ECR_LINK) {
		prt_eth_counter_add(&ad->lsc_intr, 1);
		prt_eth_linkstatus_get(dev, &before);
		vmxnet3_link_update(dev, 0);
		prt_eth_linkstatus_get(dev, &after);
		if (after.link_status != before.link_status) {
			VMXNET3_LOG(INFO, "port %u (%s): link %s", dev->data.port_id,
				    dev->data.name, after.link_status ? "up" : "down");
			if (dev->data.dev_conf.intr_conf.lsc)
				prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
		}
	}
	if (!ad->broken)
		imr_write(ad, 0, false);
}

/* ---- interrupts ---- */

static void intr_stop(struct vmxnet3_adapter *ad)
{
	if (!ad->intr_on)
		return;
	prt_intr_disable(&ad->pdev->intr_handle); /* and its callback on vector 0 */
	ad->intr_on = false;
	ad->nb_rxq_vec = 0;
}

/*
 * MSI-X: vector 0 for events, and with intr_conf.rxq one per rx queue.
 * Without MSI-X the link is polled; rx interrupts asked for and not
 * possible are an error. Before ACTIVATE_DEV, which reads the vectors.
 */
static int intr_start(struct vmxnet3_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	struct prt_intr_handle *h = &ad->pdev->intr_handle;
	uint16_t nb_rxq_vec = dev->data.dev_conf.intr_conf.rxq ? dev->data.nb_rx_queues : 0;
	int max = prt_intr_vec_max(h, PRT_INTR_MODE_MSIX), ret;

	if (max < 1 + nb_rxq_vec) {
		if (nb_rxq_vec == 0) {
			VMXNET3_LOG(NOTICE, "port %u (%s): no MSI-X: the link state is polled",
				    dev->data.port_id, dev->data.name);
			return 0;
		}
		VMXNET3_LOG(
			ERR,
			"port %u (%s): rx interrupts need %u MSI-X vectors (events + one per rx queue), the device offers %d: use fewer rx queues or poll",
			dev->data.port_id, dev->data.name, 1 + nb_rxq_vec, max);
		return -ENOTSUP;
	}
	ret = prt_intr_enable(h, PRT_INTR_MODE_MSIX, 1u + nb_rxq_vec);
	if (ret < 0)
		return ret;
	ret = prt_intr_callback_register(prt_intr_efd(h, 0), event_intr_handler, ad);
	if (ret < 0) {
		prt_intr_disable(h);
		return ret;
	}
	ad->nb_rxq_vec = nb_rxq_vec;
	ad->intr_on = true;
	return 0;
}

/* The vector that stays masked: tx queues', and rx queues' without an interrupt. */
static uint8_t quiet_vector(const struct vmxnet3_adapter *ad)
{
	int max = prt_intr_vec_max(&ad->pdev->intr_handle, PRT_INTR_MODE_MSIX);

	return max > 1 + ad->nb_rxq_vec && 1 + ad->nb_rxq_vec < VMXNET3_MAX_INTRS ?
		       (uint8_t)(1 + ad->nb_rxq_vec) :
		       0;
}

static int rxq_intr_check(struct prt_eth_dev *dev, uint16_t qid)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	if (qid < ad->nb_rxq_vec && !ad->broken)
		return 0;
	VMXNET3_LOG(ERR, "port %u (%s): rx queue %u has no interrupt: %s", dev->data.port_id,
		    dev->data.name, qid,
		    ad->broken ? "the port is broken" :
				 "configure the port with intr_conf.rxq = 1 and start it");
	return -EINVAL;
}

static int vmxnet3_rx_queue_intr_enable(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	if (ret == 0)
		imr_write(vmxnet3_adapter(dev), 1u + qid, false);
	return ret;
}

static int vmxnet3_rx_queue_intr_disable(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	if (ret == 0)
		imr_write(vmxnet3_adapter(dev), 1u + qid, true);
	return ret;
}

static int vmxnet3_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	int ret = rxq_intr_check(dev, qid);

	return ret < 0 ? ret : prt_intr_efd(&vmxnet3_adapter(dev)->pdev->intr_handle, 1u + qid);
}

static void vmxnet3_rx_queue_intr_ack(struct prt_eth_dev *dev, uint16_t qid)
{
	prt_intr_ack(&vmxnet3_adapter(dev)->pdev->intr_handle, 1u + qid);
}

/* ---- the receive filter ---- */

/* Vmxnet3_RxFilterConf.rxMode for the port's modes. */
static uint32_t rx_mode(const struct prt_eth_dev *dev, bool promisc, bool allmulti)
{
	return VMXNET3_RXM_UCAST | VMXNET3_RXM_BCAST |
	       (dev->data.nb_mc_addrs ? VMXNET3_RXM_MCAST : 0) |
	       (allmulti ? VMXNET3_RXM_ALL_MULTI : 0) | (promisc ? VMXNET3_RXM_PROMISC : 0);
}

/* Writes the receive mode; an active device reads it at UPDATE_RX_MODE. */
static int rx_mode_apply(struct prt_eth_dev *dev, bool promisc, bool allmulti)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	ad->shared->ds.devRead.rxFilterConf.rxMode = htole32(rx_mode(dev, promisc, allmulti));
	if (ad->active && !ad->broken)
		vmxnet3_cmd(ad, VMXNET3_CMD_UPDATE_RX_MODE);
	return 0;
}

static int vmxnet3_promiscuous_enable(struct prt_eth_dev *dev)
{
	return rx_mode_apply(dev, true, dev->data.all_multicast);
}

static int vmxnet3_promiscuous_disable(struct prt_eth_dev *dev)
{
	return rx_mode_apply(dev, false, dev->data.all_multicast);
}

static int vmxnet3_allmulticast_enable(struct prt_eth_dev *dev)
{
	return rx_mode_apply(dev, dev->data.promiscuous, true);
}

static int vmxnet3_allmulticast_disable(struct prt_eth_dev *dev)
{
	return rx_mode_apply(dev, dev->data.promiscuous, false);
}

/* The multicast table (mfTablePA, mfTableLen) from the port's list. */
static void mc_table_write(struct vmxnet3_adapter *ad, const struct prt_ether_addr *mc, uint32_t nb)
{
	volatile struct Vmxnet3_RxFilterConf *f = &ad->shared->ds.devRead.rxFilterConf;

	for (uint32_t i = 0; i < nb; i++)
		for (int b = 0; b < PRT_ETHER_ADDR_LEN; b++)
			ad->shared->mf_table[i * PRT_ETHER_ADDR_LEN + b] = mc[i].addr_bytes[b];
	f->mfTableLen = htole16((uint16_t)(nb * PRT_ETHER_ADDR_LEN));
	f->mfTablePA = htole64(ad->shared_mz->iova + offsetof(struct vmxnet3_shared, mf_table));
}

static int vmxnet3_set_mc_addr_list(struct prt_eth_dev *dev, struct prt_ether_addr *mc, uint32_t nb)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	mc_table_write(ad, mc, nb);
	if (ad->active && !ad->broken) {
		vmxnet3_cmd(ad, VMXNET3_CMD_UPDATE_MAC_FILTERS);
		rx_mode_apply(dev, dev->data.promiscuous, dev->data.all_multicast);
	}
	return 0;
}

static int vmxnet3_mac_addr_set(struct prt_eth_dev *dev, struct prt_ether_addr *addr)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	/* Written at start otherwise: ACTIVATE_DEV puts the permanent address back (QEMU). */
	if (ad->active && !ad->broken)
		mac_write(ad, addr->addr_bytes);
	return 0;
}

static int vmxnet3_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	(void)mtu;
	if (!dev->data.started)
		return 0; /* Vmxnet3_MiscConf.mtu, at start */
	VMXNET3_LOG(
		ERR,
		"port %u (%s): the device reads the MTU when it is activated: stop the port, set the MTU, start it",
		dev->data.port_id, dev->data.name);
	return -EBUSY;
}

/* ---- start and stop ---- */

/* The receive buffer: what every queue's mbufs hold, within what a descriptor can say. */
static int rx_buf_len_choose(struct vmxnet3_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	uint32_t len = VMXNET3_MAX_RX_BUF_SIZE;

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];

		len = PRT_MIN(len, (uint32_t)(prt_pktmbuf_data_room_size(rxq->mp) -
					      PRT_PKTMBUF_HEADROOM));
	}
	if (len < VMXNET3_MIN_RX_BUF) {
		VMXNET3_LOG(
			ERR,
			"port %u (%s): mbufs hold %u bytes after the headroom; the device needs %u",
			dev->data.port_id, dev->data.name, len, VMXNET3_MIN_RX_BUF);
		return -EINVAL;
	}
	ad->rx_buf_len = len;
	return 0;
}

/* Lays out queue @p q's rings and fills them (ring 1 only as large as frames need). */
static int rx_queue_start(struct vmxnet3_adapter *ad, uint16_t q)
{
	struct prt_eth_dev *dev = ad->dev;
	struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];
	uint32_t max_len = dev->data.mtu + VMXNET3_FRAME_OVERHEAD;
	uint16_t n0 = rxq->nb_desc;
	uint32_t bodies = (max_len + ad->rx_buf_len - 1) / ad->rx_buf_len - 1;
	/* Ring 1: the body buffers of a ring 0's worth of the longest frames, if any. */
	uint16_t n1 = bodies ? (uint16_t)PRT_MIN((uint32_t)n0 * bodies,
						 (uint32_t)VMXNET3_RX_RING_MAX_SIZE) :
			       VMXNET3_RING_DESC_MIN;
	int ret;

	rxq->max_rx_pktlen = max_len;
	rxq->qdesc = rxq_desc(ad, q);
	vmxnet3_rx_queue_layout(
		rxq, rxq->mz->addr, n1, ad->rx_buf_len,
		(volatile uint32_t *)(ad->bar0 + VMXNET3_REG_RXPROD + q * VMXNET3_REG_ALIGN),
		(volatile uint32_t *)(ad->bar0 + VMXNET3_REG_RXPROD2 + q * VMXNET3_REG_ALIGN), q,
		dev->data.nb_rx_queues);
	ret = vmxnet3_rx_queue_fill(rxq);
	if (ret < 0) {
		VMXNET3_LOG(
			ERR,
			"port %u (%s): rx queue %u: the mempool has fewer than %u free mbufs to fill its two rings; make the pool larger",
			dev->data.port_id, dev->data.name, q, n0 + n1);
		return ret;
	}
	return 0;
}

static void tx_queue_start(struct vmxnet3_adapter *ad, uint16_t q)
{
	struct prt_eth_dev *dev = ad->dev;
	struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];

	txq->qdesc = txq_desc(ad, q);
	vmxnet3_tx_queue_layout(
		txq, txq->mz->addr, txq->rings.cmd.size,
		(volatile uint32_t *)(ad->bar0 + VMXNET3_REG_TXPROD + q * VMXNET3_REG_ALIGN));
}

/* Struct Vmxnet3_DriverShared and the queue descriptors, for ACTIVATE_DEV. */
static void shared_fill(struct vmxnet3_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;
	volatile struct Vmxnet3_DriverShared *ds = &ad->shared->ds;
	volatile struct Vmxnet3_DSDevRead *dr = &ds->devRead;
	prt_iova_t iova = ad->shared_mz->iova;
	uint16_t ntx = dev->data.nb_tx_queues, nrx = dev->data.nb_rx_queues;
	uint8_t quiet = quiet_vector(ad);
	uint32_t max_len = dev->data.mtu + VMXNET3_FRAME_OVERHEAD;

	memset((void *)ad->shared->qdesc, 0, sizeof(ad->shared->qdesc));
	ds->magic = htole32(VMXNET3_REV1_MAGIC);
	ds->ecr = 0;
	dr->misc.driverInfo.version = htole32(VMXNET3_DRIVER_VERSION);
	dr->misc.driverInfo.gos = htole32(VMXNET3_GOS_BITS_64 | VMXNET3_GOS_TYPE_LINUX << 2);
	dr->misc.driverInfo.vmxnet3RevSpt = htole32(VMXNET3_REV_1);
	dr->misc.driverInfo.uptVerSpt = htole32(VMXNET3_REV_1);
	dr->misc.uptFeatures = 0;
	dr->misc.queueDescPA = htole64(iova + offsetof(struct vmxnet3_shared, qdesc));
	dr->misc.queueDescLen = htole32((uint32_t)(ntx + nrx) * VMXNET3_QDESC_SIZE);
	dr->misc.mtu = htole32(dev->data.mtu);
	dr->misc.maxNumRxSG = htole16((uint16_t)((max_len + ad->rx_buf_len - 1) / ad->rx_buf_len));
	dr->misc.numTxQueues = (uint8_t)ntx;
	dr->misc.numRxQueues = (uint8_t)nrx;
	dr->intrConf.autoMask = 1;
	dr->intrConf.numIntrs = (uint8_t)(quiet + 1);
	dr->intrConf.eventIntrIdx = 0;
	for (int i = 0; i < VMXNET3_MAX_INTRS; i++)
		dr->intrConf.modLevels[i] = 0; /* UPT1_IML_NONE */
	dr->intrConf.intrCtrl = htole32(ad->intr_on ? 0 : VMXNET3_IC_DISABLE_ALL);
	dr->rxFilterConf.rxMode =
		htole32(rx_mode(dev, dev->data.promiscuous, dev->data.all_multicast));
	mc_table_write(ad, dev->data.mc_addrs, dev->data.nb_mc_addrs);
	/* No VLAN filtering: every VLAN id passes. */
	for (unsigned int i = 0; i < VMXNET3_VFT_SIZE; i++)
		dr->rxFilterConf.vfTable[i] = UINT32_MAX;
	for (uint16_t q = 0; q < ntx; q++) {
		struct vmxnet3_tx_queue *txq = dev->data.tx_queues[q];
		volatile struct Vmxnet3_TxQueueConf *c = &txq_desc(ad, q)->conf;
		uint32_t n = txq->rings.cmd.size;

		c->txRingBasePA = htole64(txq->mz->iova);
		c->compRingBasePA = htole64(txq->mz->iova + 16u * n);
		c->dataRingBasePA = htole64(txq->mz->iova + 32u * n);
		c->txRingSize = htole32(n);
		c->compRingSize = htole32(n);
		c->dataRingSize = htole32(n);
		c->intrIdx = quiet;
	}
	for (uint16_t q = 0; q < nrx; q++) {
		struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];
		volatile struct Vmxnet3_RxQueueConf *c = &rxq_desc(ad, q)->conf;
		uint32_t n0 = rxq->rings.cmd[0].size, n1 = rxq->rings.cmd[1].size;

		c->rxRingBasePA[0] = htole64(rxq->mz->iova);
		c->rxRingBasePA[1] = htole64(rxq->mz->iova + 16u * n0);
		c->compRingBasePA = htole64(rxq->mz->iova + 16u * (n0 + n1));
		c->rxRingSize[0] = htole32(n0);
		c->rxRingSize[1] = htole32(n1);
		c->compRingSize = htole32(n0 + n1);
		c->intrIdx = q < ad->nb_rxq_vec ? (uint8_t)(1 + q) : quiet;
	}
}

/* Stops the device and every queue, so that it DMAs nothing more; frees the mbufs. */
static void units_stop(struct vmxnet3_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;

	if (ad->active && !ad->broken && hw_alive(ad)) {
		for (unsigned int v = 0; v < VMXNET3_MAX_INTRS; v++)
			imr_write(ad, v, true);
		vmxnet3_hw_stats_save(ad);
		vmxnet3_cmd(ad, VMXNET3_CMD_QUIESCE_DEV);
		vmxnet3_cmd(ad, VMXNET3_CMD_RESET_DEV);
	}
	ad->active = false;
	intr_stop(ad);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		vmxnet3_rx_queue_drain(dev->data.rx_queues[q]);
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
		vmxnet3_tx_queue_drain(dev->data.tx_queues[q]);
}

static int vmxnet3_dev_start(struct prt_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);
	uint32_t answer;
	int ret;

	if (ad->broken) {
		VMXNET3_LOG(ERR, "port %u (%s): the port broke earlier (see above); close it",
			    dev->data.port_id, dev->data.name);
		return -EIO;
	}
	if (!hw_alive(ad))
		return -ENODEV;
	ret = rx_buf_len_choose(ad);
	for (uint16_t q = 0; ret == 0 && q < dev->data.nb_rx_queues; q++)
		ret = rx_queue_start(ad, q);
	for (uint16_t q = 0; ret == 0 && q < dev->data.nb_tx_queues; q++)
		tx_queue_start(ad, q);
	if (ret == 0)
		ret = intr_start(ad);
	if (ret < 0)
		goto fail;
	shared_fill(ad);
	vd_write(ad, VMXNET3_REG_DSAL, (uint32_t)ad->shared_mz->iova);
	vd_write(ad, VMXNET3_REG_DSAH, (uint32_t)(ad->shared_mz->iova >> 32));
	answer = vmxnet3_cmd_answer(ad, VMXNET3_CMD_ACTIVATE_DEV);
	if (answer != 0) {
		VMXNET3_LOG(
			ERR,
			"port %u (%s): the device refused ACTIVATE_DEV (answer 0x%x): it found the shared area or a queue set-up wrong",
			dev->data.port_id, dev->data.name, answer);
		ret = -EIO;
		goto fail;
	}
	ad->active = true;
	mac_write(ad, dev->data.mac_addr.addr_bytes);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct vmxnet3_rx_queue *rxq = dev->data.rx_queues[q];

		vmxnet3_rx_ring_kick(&rxq->rings.cmd[0], &rxq->rings.stats);
		vmxnet3_rx_ring_kick(&rxq->rings.cmd[1], &rxq->rings.stats);
	}
	if (ad->intr_on)
		imr_write(ad, 0, false);
	vmxnet3_link_update(dev, 0);
	return 0;
fail:
	units_stop(ad);
	return ret;
}

static int vmxnet3_dev_stop(struct prt_eth_dev *dev)
{
	units_stop(vmxnet3_adapter(dev));
	return 0;
}

static int vmxnet3_dev_close(struct prt_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	/* Leave the device as reset found it, when it is still there. */
	if (!ad->broken && !ad->pdev->removed && hw_alive(ad))
		vmxnet3_cmd(ad, VMXNET3_CMD_RESET_DEV);
	prt_memzone_free(ad->shared_mz);
	ad->shared_mz = NULL;
	pthread_mutex_destroy(&ad->cmd_lock);
	ad->pdev->driver_data = NULL;
	return 0;
}

static const struct prt_eth_dev_ops vmxnet3_eth_ops = {
	.dev_configure = vmxnet3_dev_configure,
	.dev_start = vmxnet3_dev_start,
	.dev_stop = vmxnet3_dev_stop,
	.dev_close = vmxnet3_dev_close,
	.dev_infos_get = vmxnet3_dev_infos_get,
	.rx_queue_setup = vmxnet3_rx_queue_setup,
	.tx_queue_setup = vmxnet3_tx_queue_setup,
	.rx_queue_release = vmxnet3_rx_queue_release,
	.tx_queue_release = vmxnet3_tx_queue_release,
	.link_update = vmxnet3_link_update,
	.promiscuous_enable = vmxnet3_promiscuous_enable,
	.promiscuous_disable = vmxnet3_promiscuous_disable,
	.allmulticast_enable = vmxnet3_allmulticast_enable,
	.allmulticast_disable = vmxnet3_allmulticast_disable,
	.mac_addr_set = vmxnet3_mac_addr_set,
	.set_mc_addr_list = vmxnet3_set_mc_addr_list,
	.mtu_set = vmxnet3_mtu_set,
	.stats_get = vmxnet3_stats_get,
	.stats_reset = vmxnet3_stats_reset,
	.xstats_get = vmxnet3_xstats_get,
	.xstats_get_names = vmxnet3_xstats_get_names,
	.xstats_reset = vmxnet3_stats_reset,
	.rx_queue_intr_enable = vmxnet3_rx_queue_intr_enable,
	.rx_queue_intr_disable = vmxnet3_rx_queue_intr_disable,
	.rx_queue_intr_fd = vmxnet3_rx_queue_intr_fd,
	.rx_queue_intr_ack = vmxnet3_rx_queue_intr_ack,
};

/* ---- probe and remove ---- */

static const struct prt_eth_driver vmxnet3_eth_driver = { .name = "net_vmxnet3" };

/*
 * Revision and UPT version (Linux's vmxnet3_probe_device()): each register
 * reports what the device speaks, one bit per revision; writing 1 picks
 * revision 1, the one prt speaks (and the only one QEMU implements).
 */
static int version_negotiate(struct vmxnet3_adapter *ad, const char *name)
{
	uint32_t vrrs = vd_read(ad, VMXNET3_REG_VRRS), uvrs;

	if (vrrs == UINT32_MAX) {
		VMXNET3_LOG(ERR, "%s: the device reads all ones: it is not there", name);
		return -ENODEV;
	}
	if (!(vrrs & VMXNET3_REV_1)) {
		VMXNET3_LOG(
			ERR,
			"%s: the device speaks vmxnet3 revisions 0x%x (VRRS), not revision 1, the one prt speaks",
			name, vrrs);
		return -ENOTSUP;
	}
	vd_write(ad, VMXNET3_REG_VRRS, VMXNET3_REV_1);
	uvrs = vd_read(ad, VMXNET3_REG_UVRS);
	if (!(uvrs & VMXNET3_REV_1)) {
		VMXNET3_LOG(
			ERR,
			"%s: the device speaks UPT versions 0x%x (UVRS), not version 1, the one prt speaks",
			name, uvrs);
		return -ENOTSUP;
	}
	vd_write(ad, VMXNET3_REG_UVRS, VMXNET3_REV_1);
	return 0;
}

static int shared_alloc(struct vmxnet3_adapter *ad, struct prt_eth_dev *dev)
{
	char name[PRT_MEMZONE_NAMESIZE];

	snprintf(name, sizeof(name), "vmxnet3_p%u_shared", dev->data.port_id);
	ad->shared_mz = prt_memzone_reserve_aligned(name, sizeof(struct vmxnet3_shared),
						    dev->data.numa_node, PRT_MEMZONE_IOVA_CONTIG,
						    4096);
	if (ad->shared_mz == NULL) {
		VMXNET3_LOG(ERR, "%s: no memory for the driver-shared area (%s)", dev->data.name,
			    strerror(errno));
		return -ENOMEM;
	}
	ad->shared = ad->shared_mz->addr;
	memset((void *)ad->shared, 0, sizeof(*ad->shared));
	return 0;
}

static int vmxnet3_probe(struct prt_pci_driver *drv, struct prt_pci_device *pdev)
{
	struct prt_mem_resource *pt = &pdev->mem_resource[0], *vd = &pdev->mem_resource[1];
	struct vmxnet3_adapter *ad;
	struct prt_eth_dev *dev;
	int ret;

	(void)drv;
	if (pt->addr == NULL || pt->len < VMXNET3_PT_REG_SIZE || vd->addr == NULL ||
	    vd->len < VMXNET3_VD_REG_SIZE) {
		VMXNET3_LOG(
			ERR,
			"%s: BAR 0 (%llu bytes) and BAR 1 (%llu bytes) must be mapped, 4 KiB each, for vmxnet3",
			pdev->name, (unsigned long long)pt->len, (unsigned long long)vd->len);
		return -ENODEV;
	}
	dev = prt_eth_dev_pci_allocate(pdev, sizeof(*ad), &vmxnet3_eth_driver);
	if (dev == NULL)
		return -errno;
	ad = dev->dev_private;
	ad->dev = dev;
	ad->pdev = pdev;
	ad->bar0 = pt->addr;
	ad->bar1 = vd->addr;
	pthread_mutex_init(&ad->cmd_lock, NULL);
	ret = version_negotiate(ad, pdev->name);
	if (ret == 0)
		ret = shared_alloc(ad, dev);
	if (ret < 0)
		goto fail;
	vmxnet3_cmd(ad, VMXNET3_CMD_RESET_DEV);
	mac_read(ad, dev->data.mac_addr.addr_bytes);
	dev->dev_ops = &vmxnet3_eth_ops;
	dev->rx_pkt_burst = vmxnet3_recv_pkts;
	dev->tx_pkt_burst = vmxnet3_xmit_pkts;
	/* Link events need MSI-X vector 0 (intr_start); without, the link is polled. */
	prt_eth_dev_pci_probing_finish(
		dev, pdev, prt_intr_vec_max(&pdev->intr_handle, PRT_INTR_MODE_MSIX) > 0);
	return 0;
fail:
	pthread_mutex_destroy(&ad->cmd_lock);
	prt_eth_dev_release(dev);
	return ret;
}

/* The interrupt thread, while lcores may still poll: stop, free nothing (once). */
static bool vmxnet3_unplugged(struct prt_eth_dev *dev)
{
	struct vmxnet3_adapter *ad = vmxnet3_adapter(dev);

	if (ad->unplugged)
		return false;
	ad->unplugged = true;
	port_break(ad, "the kernel took the device back (hot-unplug or unbind)");
	return true;
}

static int vmxnet3_remove(struct prt_pci_device *pdev)
{
	return prt_eth_dev_pci_remove(pdev, vmxnet3_unplugged);
}

static const struct prt_pci_id vmxnet3_ids[] = {
	{ PRT_PCI_DEVICE(0x15ad, 0x07b0) }, /* VMware vmxnet3 */
	{ .vendor_id = 0 },
};

static struct prt_pci_driver vmxnet3_pci_driver = {
	.name = "net_vmxnet3",
	.id_table = vmxnet3_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_LSC | PRT_PCI_DRV_INTR_RMV,
	.probe = vmxnet3_probe,
	.remove = vmxnet3_remove,
};

PRT_PCI_DRIVER_REGISTER(vmxnet3_pci_driver)
