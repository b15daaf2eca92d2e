/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net ports: the ethdev operations every transport shares.
 *
 * Life cycle against the device (virtio 1.2, 3.1.1 Driver Requirements:
 * Device Initialization):
 *  - probe (virtio_ethdev_init): reset, ACKNOWLEDGE, DRIVER, read the
 *    offered features and the configuration (MAC, queue pairs, MTU); reset.
 *  - configure: the full handshake up to FEATURES_OK with the features the
 *    port's offloads need, so that queues are laid out (split or packed,
 *    event index) for what was negotiated; logged; reset again.
 *  - start: the same handshake, queues filled and programmed, DRIVER_OK,
 *    then the control commands (queue pairs, the MAC address when the
 *    application set one, promiscuous, the MAC filter tables when used).
 *  - stop: reset: the device lets go of every buffer, which goes back to
 *    its pool.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prt_atomic.h"
#include "virtio_hw.h"
#include "virtio_logs.h"
#include "virtio_net.h"
#include "virtio_rxtx.h"

/* Longest frame without VIRTIO_NET_F_MTU, as DPDK's virtio (VIRTIO_MAX_RX_PKTLEN). */
#define VIRTIO_MAX_RX_PKTLEN 9728

/* ---- the status handshake (3.1.1) ---- */

/* Sets @bits in device_status on top of @status; returns the new status. */
static int status_add(struct virtio_hw *hw, uint8_t *status, uint8_t bits)
{
	*status |= bits;
	return hw->ops->set_status(hw, *status);
}

/* Steps 1-6 of 3.1.1 with @wanted; hw->features gets the result. */
static int virtio_handshake(struct virtio_hw *hw, uint64_t wanted)
{
	uint8_t status = 0;
	uint64_t features;
	int ret;

	ret = hw->ops->reset(hw);
	if (ret == 0)
		ret = status_add(hw, &status, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	if (ret == 0)
		ret = status_add(hw, &status, VIRTIO_CONFIG_S_DRIVER);
	if (ret < 0)
		return ret;
	hw->device_features = hw->ops->get_features(hw);
	ret = virtio_net_negotiate(hw->device_features, wanted, &features);
	if (ret < 0)
		goto failed;
	ret = hw->ops->set_features(hw, features);
	if (ret == 0)
		ret = status_add(hw, &status, VIRTIO_CONFIG_S_FEATURES_OK);
	if (ret < 0)
		goto failed;
	/* 3.1.1 step 6: re-read: a device that cannot work with them clears FEATURES_OK. */
	if (!(hw->ops->get_status(hw) & VIRTIO_CONFIG_S_FEATURES_OK)) {
		char names[512];

		VIRTIO_LOG(
			ERR,
			"%s: the device did not accept the features prt asked for (FEATURES_OK not set, virtio 1.2 3.1.1): %s; check the device (or backend) configuration",
			hw->eth->data.name,
			virtio_net_features_str(features, names, sizeof(names)));
		ret = -EIO;
		goto failed;
	}
	hw->features = features;
	return 0;
failed:
	status_add(hw, &status, VIRTIO_CONFIG_S_FAILED);
	return ret;
}

/* The features to ask for: what the transport allows, minus offloads nobody asked for. */
static uint64_t wanted_features(struct virtio_hw *hw)
{
	const struct prt_eth_conf *c = &hw->eth->data.dev_conf;
	uint64_t w = VIRTIO_NET_DRIVER_FEATURES & hw->wanted_features;
	uint64_t l4 = PRT_ETH_RX_OFFLOAD_UDP_CKSUM | PRT_ETH_RX_OFFLOAD_TCP_CKSUM;

	/* GUEST_CSUM lets the device hand over frames with partial checksums:
	 * only for an application that asked to learn checksum states. */
	if (!(c->rxmode.offloads & l4))
		w &= ~(1ull << VIRTIO_NET_F_GUEST_CSUM);
	if (!(c->txmode.offloads & (PRT_ETH_TX_OFFLOAD_UDP_CKSUM | PRT_ETH_TX_OFFLOAD_TCP_CKSUM)))
		w &= ~(1ull << VIRTIO_NET_F_CSUM);
	return w;
}

/*
 * The features in use while started; while stopped, those the next start
 * would negotiate (before configure hw->features is still 0), to refuse at
 * once what the device cannot do.
 */
static uint64_t features_expected(struct virtio_hw *hw)
{
	uint64_t f;

	if (hw->eth->data.started)
		return hw->features;
	if (virtio_net_negotiate(hw->device_features, wanted_features(hw), &f) < 0)
		return 0;
	return f;
}

/* ---- probe ---- */

static int read_config(struct virtio_hw *hw)
{
	struct prt_eth_dev *dev = hw->eth;
	struct virtio_net_config cfg = { 0 };
	uint64_t f = hw->device_features & hw->wanted_features;
	int ret;

	ret = hw->ops->read_dev_config(hw, 0, &cfg, sizeof(cfg));
	if (ret < 0)
		return ret;
	if (f & (1ull << VIRTIO_NET_F_MAC)) {
		memcpy(hw->dev_mac.addr_bytes, cfg.mac, PRT_ETHER_ADDR_LEN);
		dev->data.mac_addr = hw->dev_mac;
	} else {
		prt_eth_random_addr(&dev->data.mac_addr);
	}
	hw->max_queue_pairs = 1;
	if ((f & (1ull << VIRTIO_NET_F_MQ)) && (f & (1ull << VIRTIO_NET_F_CTRL_VQ))) {
		/* 5.1.4.2: max_virtqueue_pairs is 1 to 0x8000. */
		if (cfg.max_virtqueue_pairs == 0) {
			VIRTIO_LOG(
				ERR,
				"%s: the device offers VIRTIO_NET_F_MQ but reports 0 queue pairs (max_virtqueue_pairs, virtio 1.2 5.1.4): fix the device configuration",
				dev->data.name);
			return -EIO;
		}
		hw->max_queue_pairs = PRT_MIN(cfg.max_virtqueue_pairs, VIRTIO_MAX_QUEUE_PAIRS);
	}
	hw->max_mtu = VIRTIO_MAX_RX_PKTLEN - PRT_ETHER_HDR_CRC_LEN;
	if (f & (1ull << VIRTIO_NET_F_MTU)) {
		if (cfg.mtu < 68) {
			VIRTIO_LOG(ERR, "%s: the device reports an MTU of %u (68 at least)",
				   dev->data.name, cfg.mtu);
			return -EIO;
		}
		hw->max_mtu = cfg.mtu;
	}
	hw->max_queue_size = hw->ops->get_queue_size(hw, 0);
	if (hw->max_queue_size == 0) {
		VIRTIO_LOG(ERR, "%s: the device has no queues (queue 0 has size 0)",
			   dev->data.name);
		return -EIO;
	}
	return 0;
}

int virtio_ethdev_init(struct virtio_hw *hw)
{
	uint8_t status = 0;
	uint64_t unused;
	int ret;

	pthread_mutex_init(&hw->ctrl_lock, NULL);
	hw->eth->dev_ops = &virtio_eth_dev_ops;
	hw->eth->rx_pkt_burst = virtio_recv_pkts;
	hw->eth->tx_pkt_burst = virtio_xmit_pkts;
	/* 3.1.1: the driver may read the configuration before accepting the device. */
	ret = hw->ops->reset(hw);
	if (ret == 0)
		ret = status_add(hw, &status, VIRTIO_CONFIG_S_ACKNOWLEDGE);
	if (ret == 0)
		ret = status_add(hw, &status, VIRTIO_CONFIG_S_DRIVER);
	if (ret < 0)
		return ret;
	hw->device_features = hw->ops->get_features(hw);
	ret = virtio_net_negotiate(hw->device_features, hw->wanted_features, &unused);
	if (ret == 0)
		ret = read_config(hw);
	/* A device that cannot reset cannot be given queues later: refuse it now. */
	return hw->ops->reset(hw) < 0 ? -ETIMEDOUT : ret;
}

/* ---- ethdev ops ---- */

static int virtio_dev_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	uint64_t f = hw->device_features & hw->wanted_features;

	info->max_rx_queues = hw->max_queue_pairs;
	info->max_tx_queues = hw->max_queue_pairs;
	info->min_rx_bufsize = PRT_ETHER_MIN_LEN;
	info->max_mtu = hw->max_mtu;
	info->max_rx_pktlen = (uint32_t)hw->max_mtu + PRT_ETHER_HDR_CRC_LEN;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	if (f & (1ull << VIRTIO_NET_F_MRG_RXBUF))
		info->rx_offload_capa |= PRT_ETH_RX_OFFLOAD_SCATTER;
	if (f & (1ull << VIRTIO_NET_F_GUEST_CSUM))
		info->rx_offload_capa |= PRT_ETH_RX_OFFLOAD_UDP_CKSUM |
					 PRT_ETH_RX_OFFLOAD_TCP_CKSUM;
	if (f & (1ull << VIRTIO_NET_F_CSUM))
		info->tx_offload_capa |= PRT_ETH_TX_OFFLOAD_UDP_CKSUM |
					 PRT_ETH_TX_OFFLOAD_TCP_CKSUM;
	/* Any count is taken and brought to a power of two within the device's size. */
	info->rx_desc_lim = (struct prt_eth_desc_lim){ .nb_min = 1, .nb_max = VIRTQ_MAX_SIZE };
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = hw->max_queue_size;
	info->default_txportconf.ring_size = hw->max_queue_size;
	info->default_rxconf.rx_free_thresh = 32;
	info->default_txconf.tx_free_thresh = 32;
	/* The tables the driver keeps (virtio_net.h); as DPDK's virtio, also for
	 * a device without VIRTIO_NET_F_CTRL_RX, where the ops say -ENOTSUP and why. */
	info->max_mac_addrs = VIRTNET_MAX_MAC_ADDRS;
	info->max_mc_addrs = VIRTNET_MAX_MC_ADDRS;
	return 0;
}

static int virtio_dev_configure(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	char names[512];
	int ret;

	if (dev->data.dev_conf.intr_conf.rxq && hw->ops->intr_setup == NULL) {
		VIRTIO_LOG(ERR, "%s: the %s transport has no rx interrupts; poll instead",
			   dev->data.name, hw->ops->name);
		return -ENOTSUP;
	}
	hw->nb_queue_pairs = PRT_MAX(dev->data.nb_rx_queues, dev->data.nb_tx_queues);
	ret = virtio_handshake(hw, wanted_features(hw));
	if (ret == 0) {
		VIRTIO_LOG(INFO, "%s: features negotiated: %s", dev->data.name,
			   virtio_net_features_str(hw->features, names, sizeof(names)));
		/* The queues as the device lays them out for these features
		 * (5.1.2): a reset may take the multiqueue ones away again. */
		for (uint16_t q = 0; q < 2 * hw->nb_queue_pairs; q++)
			hw->queue_max[q] = hw->ops->get_queue_size(hw, q);
		ret = virtio_net_ctrl_create(hw);
	}
	if (hw->ops->reset(hw) < 0 && ret == 0)
		ret = -ETIMEDOUT;
	return ret;
}

/* A queue's size: @nb_desc brought down to a power of two and to the device's largest. */
static int queue_size(struct virtio_hw *hw, uint16_t qidx, uint16_t nb_desc, uint16_t *size)
{
	uint16_t max = qidx < 2 * hw->nb_queue_pairs ? hw->queue_max[qidx] : 0;

	if (max == 0) {
		VIRTIO_LOG(ERR, "%s: the device has no virtqueue %u", hw->eth->data.name, qidx);
		return -EINVAL;
	}
	*size = (uint16_t)PRT_MIN((uint32_t)nb_desc, (uint32_t)max);
	while (!prt_is_power_of_2(*size))
		*size &= (uint16_t)(*size - 1);
	if (*size != nb_desc)
		VIRTIO_LOG(INFO, "%s: queue %u: %u descriptors (asked %u, the device takes %u)",
			   hw->eth->data.name, qidx, *size, nb_desc, max);
	return 0;
}

static int virtio_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				 int socket, const struct prt_eth_rxconf *conf,
				 struct prt_mempool *mp)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	struct virtnet_rx *rxq;
	uint16_t size;
	int ret;

	(void)socket;
	ret = queue_size(hw, virtio_rxq_index(qid), nb_desc, &size);
	if (ret < 0)
		return ret;
	rxq = virtio_rx_queue_create(hw, qid, size, mp);
	if (rxq == NULL)
		return -errno;
	/* The application's refill threshold (1: a buffer back at every
	 * frame, for latency), at most a quarter of the ring as the default. */
	if (conf->rx_free_thresh)
		rxq->free_thresh = (uint16_t)PRT_MAX(1, PRT_MIN(conf->rx_free_thresh, size / 4));
	dev->data.rx_queues[qid] = rxq;
	return 0;
}

static int virtio_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				 int socket, const struct prt_eth_txconf *conf)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	struct virtnet_tx *txq;
	uint16_t size;
	int ret;

	(void)socket;
	(void)conf;
	ret = queue_size(hw, virtio_txq_index(qid), nb_desc, &size);
	if (ret < 0)
		return ret;
	txq = virtio_tx_queue_create(hw, qid, size);
	if (txq == NULL)
		return -errno;
	dev->data.tx_queues[qid] = txq;
	return 0;
}

static void virtio_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	virtio_rx_queue_free(dev->data.rx_queues[qid]);
}

static void virtio_tx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	virtio_tx_queue_free(dev->data.tx_queues[qid]);
}

/* Empties every queue; the device no longer uses them. */
static void queues_reset(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		virtio_rx_queue_reset(dev->data.rx_queues[q]);
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
		virtio_tx_queue_reset(dev->data.tx_queues[q]);
	virtio_net_ctrl_reset(hw);
}

/* Fills the rx queues and tells the device where every queue lies. */
static int queues_setup(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	int ret = 0;

	for (uint16_t q = 0; q < dev->data.nb_rx_queues && ret == 0; q++) {
		struct virtnet_rx *rxq = dev->data.rx_queues[q];

		if (virtio_rx_queue_fill(rxq) == rxq->vq->size) {
			VIRTIO_LOG(ERR,
				   "%s: rx queue %u: no mbuf to fill it with: the pool is empty",
				   dev->data.name, q);
			return -ENOMEM;
		}
		ret = hw->ops->setup_queue(hw, rxq->vq);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues && ret == 0; q++)
		ret = hw->ops->setup_queue(hw, ((struct virtnet_tx *)dev->data.tx_queues[q])->vq);
	if (ret == 0 && hw->cvq)
		ret = hw->ops->setup_queue(hw, virtio_net_ctrl_vq(hw));
	return ret;
}

/*
 * The port's secondary addresses (slots 1.. of its address table) as the
 * unicast table and its multicast list as the multicast table, to a live
 * device in one VIRTIO_NET_CTRL_MAC_TABLE_SET (5.1.6.5.2); with @if_empty
 * false, nothing is sent when both are empty (what a reset leaves).
 */
static int mac_table_send(struct prt_eth_dev *dev, bool if_empty)
{
	struct prt_ether_addr uc[VIRTNET_MAX_MAC_ADDRS];
	uint32_t nb_uc = 0;

	for (uint32_t i = 1; i < VIRTNET_MAX_MAC_ADDRS; i++)
		if (prt_is_valid_assigned_ether_addr(&dev->data.mac_addrs[i])) /* not free */
			uc[nb_uc++] = dev->data.mac_addrs[i];
	if (!if_empty && nb_uc == 0 && dev->data.nb_mc_addrs == 0)
		return 0;
	return virtio_net_mac_table_set(virtio_hw_get(dev), uc, nb_uc, dev->data.mc_addrs,
					dev->data.nb_mc_addrs);
}

/*
 * The control commands of a live device: queue pairs (5.1.6.5.5), the MAC
 * address and the MAC filter tables (5.1.6.5.2), receive filters (5.1.6.5.1).
 */
static int ctrl_apply(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	int ret = 0;

	if (hw->nb_queue_pairs > 1) {
		uint16_t pairs = hw->nb_queue_pairs;

		ret = virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_MQ, VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET,
					   &pairs, sizeof(pairs));
		if (ret < 0) {
			VIRTIO_LOG(ERR, "%s: the device refused %u queue pairs", dev->data.name,
				   pairs);
			return ret;
		}
	}
	/* 5.1.6.5.2: the driver SHOULD set the address when it is not the device's
	 * own (set by the application, or random without VIRTIO_NET_F_MAC); the
	 * reset before every start gave the device its own back. */
	if (virtio_with_feature(hw, VIRTIO_NET_F_CTRL_MAC_ADDR) &&
	    !prt_is_same_ether_addr(&dev->data.mac_addr, &hw->dev_mac)) {
		ret = virtio_net_mac_addr_set(hw, dev->data.mac_addr.addr_bytes);
		if (ret < 0)
			return ret;
	}
	if (virtio_with_feature(hw, VIRTIO_NET_F_CTRL_RX)) {
		uint8_t on = dev->data.promiscuous;

		ret = virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_RX, VIRTIO_NET_CTRL_RX_PROMISC, &on,
					   1);
		on = dev->data.all_multicast;
		if (ret == 0)
			ret = virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_RX,
						   VIRTIO_NET_CTRL_RX_ALLMULTI, &on, 1);
		/* The reset before every start emptied the device's tables (QEMU's
		 * virtio_net_reset does): only used ones need sending. */
		if (ret == 0)
			ret = mac_table_send(dev, false);
	}
	return ret;
}

static int virtio_dev_stop(struct prt_eth_dev *dev);

/*
 * Interrupts for this start: MSI-X vectors (4.1.5.1.2: 0 for configuration
 * changes, 1 + q for rx queue q) with intr_conf.rxq or intr_conf.lsc, and
 * with lsc the watch on configuration changes.
 */
static int intr_start(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	const struct prt_eth_intr_conf *ic = &dev->data.dev_conf.intr_conf;
	int ret;

	if (!ic->rxq && !ic->lsc)
		return 0;
	ret = hw->ops->intr_setup(hw, ic->rxq ? dev->data.nb_rx_queues : 0);
	if (ret < 0)
		return ret;
	hw->intr_ready = true;
	if (!ic->lsc)
		return 0;
	ret = hw->ops->lsc_enable(hw);
	if (ret < 0)
		return ret;
	hw->lsc_on = true;
	return 0;
}

static int virtio_dev_start(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	uint64_t negotiated = hw->features;
	uint8_t status;
	int ret;

	ret = virtio_handshake(hw, negotiated);
	if (ret == 0 && hw->features != negotiated) {
		VIRTIO_LOG(ERR,
			   "%s: the device's features changed since configure; configure again",
			   dev->data.name);
		ret = -EIO;
	}
	if (ret < 0)
		goto fail;
	ret = intr_start(dev);
	if (ret < 0)
		goto fail;
	queues_reset(dev);
	ret = queues_setup(dev);
	if (ret < 0)
		goto fail;
	status = hw->ops->get_status(hw) | VIRTIO_CONFIG_S_DRIVER_OK;
	ret = hw->ops->set_status(hw, status);
	if (ret < 0)
		goto fail;
	/* 3.1.1: no notification before DRIVER_OK; now the rx buffers are the device's. */
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		virtqueue_kick(((struct virtnet_rx *)dev->data.rx_queues[q])->vq);
	ret = ctrl_apply(dev);
	if (ret < 0)
		goto fail;
	dev->rx_pkt_burst = virtio_with_feature(hw, VIRTIO_NET_F_MRG_RXBUF) ?
				    virtio_recv_mergeable_pkts :
				    virtio_recv_pkts;
	dev->tx_pkt_burst = virtio_xmit_pkts;
	return 0;
fail:
	virtio_dev_stop(dev);
	return ret;
}

static int virtio_dev_stop(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	/* No configuration interrupt handler may read the device while it resets. */
	if (hw->lsc_on)
		hw->ops->lsc_disable(hw);
	hw->lsc_on = false;
	/*
	 * 2.4: after the reset the device uses no buffer: they can go back. A
	 * reset that timed out (logged) leaves nothing better to do than the
	 * same: the port is stopped either way, and start will try again.
	 */
	(void)hw->ops->reset(hw);
	queues_reset(dev);
	if (hw->intr_ready)
		hw->ops->intr_release(hw);
	hw->intr_ready = false;
	return 0;
}

static int virtio_dev_close(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	virtio_net_ctrl_free(hw);
	hw->ops->close(hw);
	pthread_mutex_destroy(&hw->ctrl_lock);
	return 0;
}

/* The link of a device that runs (@live) or not: down, or what its status says. */
static struct prt_eth_link link_read(struct virtio_hw *hw, bool live)
{
	bool up = live;

	/* 5.1.4: with VIRTIO_NET_F_STATUS, the device says whether the link is up. */
	if (up && ((hw->device_features & hw->wanted_features) & (1ull << VIRTIO_NET_F_STATUS))) {
		uint16_t status = 0;

		if (hw->ops->read_dev_config(hw, offsetof(struct virtio_net_config, status),
					     &status, sizeof(status)) < 0)
			status = 0;
		up = status & VIRTIO_NET_S_LINK_UP;
	}
	return (struct prt_eth_link){
		.link_speed = up ? PRT_ETH_SPEED_NUM_UNKNOWN : PRT_ETH_SPEED_NUM_NONE,
		.link_duplex = 1,
		.link_status = up,
	};
}

static int virtio_link_update(struct prt_eth_dev *dev, int wait)
{
	struct prt_eth_link link = link_read(virtio_hw_get(dev), dev->data.started);

	(void)wait;
	prt_eth_linkstatus_set(dev, &link);
	return 0;
}

void virtio_lsc_handle(struct virtio_hw *hw)
{
	struct prt_eth_dev *dev = hw->eth;
	struct prt_eth_link link = link_read(hw, true);

	if (prt_eth_linkstatus_set(dev, &link) < 0)
		return; /* another field changed (2.5), or a change and back */
	VIRTIO_LOG(INFO, "port %u (%s): link %s", dev->data.port_id, dev->data.name,
		   link.link_status ? "up" : "down");
	prt_eth_dev_callback_process(dev, PRT_ETH_EVENT_INTR_LSC, NULL);
}

/* Receive filters through the control queue (5.1.6.5.1); recorded while stopped. */
static int rx_mode_set(struct prt_eth_dev *dev, uint8_t cmd, bool on)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	uint8_t v = on;

	if (!virtio_with_feature(hw, VIRTIO_NET_F_CTRL_RX))
		return -ENOTSUP;
	if (!dev->data.started)
		return 0; /* applied at start */
	return virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_RX, cmd, &v, 1);
}

static int virtio_promiscuous_enable(struct prt_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_PROMISC, true);
}

static int virtio_promiscuous_disable(struct prt_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_PROMISC, false);
}

static int virtio_allmulticast_enable(struct prt_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, true);
}

static int virtio_allmulticast_disable(struct prt_eth_dev *dev)
{
	return rx_mode_set(dev, VIRTIO_NET_CTRL_RX_ALLMULTI, false);
}

/*
 * The port's MAC address (5.1.6.5.2): sent to a live device at once; while
 * stopped checked against what the device offers and sent at start.
 */
static int virtio_mac_addr_set(struct prt_eth_dev *dev, struct prt_ether_addr *addr)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	if (dev->data.started)
		return virtio_net_mac_addr_set(hw, addr->addr_bytes);
	return virtio_net_mac_addr_check(hw, features_expected(hw)); /* sent at start */
}

/*
 * The secondary addresses and the multicast list (5.1.6.5.2), already in
 * dev->data (the ethdev layer puts them back when this fails): both tables
 * in one VIRTIO_NET_CTRL_MAC_TABLE_SET, at once to a live device; while
 * stopped checked against what the device offers and sent at start.
 */
static int mac_table_update(struct prt_eth_dev *dev)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	int ret = virtio_net_mac_table_check(hw, features_expected(hw));

	if (ret < 0 || !dev->data.started)
		return ret;
	return mac_table_send(dev, true);
}

static int virtio_mac_addr_add(struct prt_eth_dev *dev, struct prt_ether_addr *addr, uint32_t index)
{
	(void)addr; /* in dev->data.mac_addrs[index] */
	(void)index;
	return mac_table_update(dev);
}

static int virtio_mac_addr_remove(struct prt_eth_dev *dev, uint32_t index)
{
	(void)index;
	return mac_table_update(dev);
}

static int virtio_set_mc_addr_list(struct prt_eth_dev *dev, struct prt_ether_addr *mc_addr_set,
				   uint32_t nb_mc_addr)
{
	(void)mc_addr_set; /* in dev->data.mc_addrs */
	(void)nb_mc_addr;
	return mac_table_update(dev);
}

/* ---- statistics ---- */

static int virtio_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct virtnet_rx *rxq = dev->data.rx_queues[q];

		if (rxq)
			prt_eth_stats_add_rxq(st, q, prt_eth_counter_read(&rxq->stats.packets),
					      prt_eth_counter_read(&rxq->stats.bytes),
					      prt_eth_counter_read(&rxq->stats.errors));
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct virtnet_tx *txq = dev->data.tx_queues[q];

		if (txq)
			prt_eth_stats_add_txq(st, q, prt_eth_counter_read(&txq->stats.packets),
					      prt_eth_counter_read(&txq->stats.bytes),
					      prt_eth_counter_read(&txq->stats.errors));
	}
	return 0;
}

/* The driver's xstats of each queue: name suffix and where the counter lives. */
struct queue_xstat {
	const char *name;
	bool in_vq; /* in struct virtqueue_stats, else in the queue's own stats */
	size_t offset;
};

static const struct queue_xstat rx_xstats[] = {
	{ "bad_len", false, offsetof(struct virtnet_rx_stats, bad_len) },
	{ "bad_num_buffers", false, offsetof(struct virtnet_rx_stats, bad_num_buffers) },
	{ "bad_used_id", true, offsetof(struct virtqueue_stats, bad_used_id) },
	{ "bad_used_idx", true, offsetof(struct virtqueue_stats, bad_used_idx) },
	{ "bad_used_len", true, offsetof(struct virtqueue_stats, bad_used_len) },
	{ "notifications", true, offsetof(struct virtqueue_stats, notifications) },
};

static const struct queue_xstat tx_xstats[] = {
	{ "too_many_segs", false, offsetof(struct virtnet_tx_stats, errors) },
	{ "bad_used_id", true, offsetof(struct virtqueue_stats, bad_used_id) },
	{ "bad_used_idx", true, offsetof(struct virtqueue_stats, bad_used_idx) },
	{ "bad_used_len", true, offsetof(struct virtqueue_stats, bad_used_len) },
	{ "notifications", true, offsetof(struct virtqueue_stats, notifications) },
};

/* Address of counter @x of a queue whose own stats are @own and virtqueue @vq. */
static uint64_t *xstat_ptr(const struct queue_xstat *x, void *own, struct virtqueue *vq)
{
	return (uint64_t *)(void *)((char *)(x->in_vq ? (void *)&vq->stats : own) + x->offset);
}

/*
 * Walks every driver xstat of @dev in order: calls @fn with its name and
 * counter. Returns the count (queues not set up have none).
 */
static unsigned int
xstats_walk(struct prt_eth_dev *dev,
	    void (*fn)(unsigned int i, const char *name, uint64_t *c, void *arg), void *arg)
{
	unsigned int i = 0;
	char name[PRT_ETH_XSTATS_NAME_SIZE];

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct virtnet_rx *rxq = dev->data.rx_queues[q];

		for (unsigned int k = 0; rxq && k < PRT_DIM(rx_xstats); k++, i++) {
			snprintf(name, sizeof(name), "rx_q%u_%s", q, rx_xstats[k].name);
			fn(i, name, xstat_ptr(&rx_xstats[k], &rxq->stats, rxq->vq), arg);
		}
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct virtnet_tx *txq = dev->data.tx_queues[q];

		for (unsigned int k = 0; txq && k < PRT_DIM(tx_xstats); k++, i++) {
			snprintf(name, sizeof(name), "tx_q%u_%s", q, tx_xstats[k].name);
			fn(i, name, xstat_ptr(&tx_xstats[k], &txq->stats, txq->vq), arg);
		}
	}
	return i;
}

struct xstats_arg {
	struct prt_eth_xstat_name *names;
	struct prt_eth_xstat *values;
	unsigned int n;
};

static void xstat_name(unsigned int i, const char *name, uint64_t *c, void *arg)
{
	struct xstats_arg *a = arg;

	(void)c;
	if (a->names && i < a->n)
		snprintf(a->names[i].name, sizeof(a->names[i].name), "%s", name);
}

static void xstat_value(unsigned int i, const char *name, uint64_t *c, void *arg)
{
	struct xstats_arg *a = arg;

	(void)name;
	if (a->values && i < a->n)
		a->values[i] = (struct prt_eth_xstat){ .id = i, .value = prt_eth_counter_read(c) };
}

static void xstat_zero(unsigned int i, const char *name, uint64_t *c, void *arg)
{
	(void)i;
	(void)name;
	(void)arg;
	prt_atomic_store(c, 0, memory_order_relaxed);
}

static int virtio_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				   unsigned int n)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	struct xstats_arg a = { .names = names, .n = n };
	unsigned int count = xstats_walk(dev, xstat_name, &a);

	if (hw->ops->xstats_names)
		count += (unsigned int)hw->ops->xstats_names(
			hw, names && n > count ? names + count : NULL, n > count ? n - count : 0);
	return (int)count;
}

static int virtio_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xs, unsigned int n)
{
	struct virtio_hw *hw = virtio_hw_get(dev);
	struct xstats_arg a = { .values = xs, .n = n };
	unsigned int count = xstats_walk(dev, xstat_value, &a);

	if (hw->ops->xstats_values) {
		uint64_t v[16];
		int k = hw->ops->xstats_values(hw, v, PRT_DIM(v));

		for (int j = 0; j < k; j++, count++)
			if (xs && count < n)
				xs[count] = (struct prt_eth_xstat){ .id = count, .value = v[j] };
	}
	return (int)count;
}

static int virtio_stats_reset(struct prt_eth_dev *dev)
{
	xstats_walk(dev, xstat_zero, NULL);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct virtnet_rx *rxq = dev->data.rx_queues[q];

		if (rxq)
			memset(&rxq->stats, 0, sizeof(rxq->stats));
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct virtnet_tx *txq = dev->data.tx_queues[q];

		if (txq)
			memset(&txq->stats, 0, sizeof(txq->stats));
	}
	return 0;
}

/* ---- rx interrupts (2.7.7 / 2.8.10: used buffer notifications) ---- */

static int virtio_rx_queue_intr_enable(struct prt_eth_dev *dev, uint16_t qid)
{
	virtqueue_intr_enable(((struct virtnet_rx *)dev->data.rx_queues[qid])->vq);
	return 0;
}

static int virtio_rx_queue_intr_disable(struct prt_eth_dev *dev, uint16_t qid)
{
	virtqueue_intr_disable(((struct virtnet_rx *)dev->data.rx_queues[qid])->vq);
	return 0;
}

static int virtio_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	if (!hw->intr_ready)
		return -ENOTSUP;
	return hw->ops->intr_fd(hw, qid);
}

static void virtio_rx_queue_intr_ack(struct prt_eth_dev *dev, uint16_t qid)
{
	struct virtio_hw *hw = virtio_hw_get(dev);

	if (hw->intr_ready && hw->ops->intr_ack)
		hw->ops->intr_ack(hw, qid);
}

const struct prt_eth_dev_ops virtio_eth_dev_ops = {
	.dev_configure = virtio_dev_configure,
	.dev_start = virtio_dev_start,
	.dev_stop = virtio_dev_stop,
	.dev_close = virtio_dev_close,
	.dev_infos_get = virtio_dev_infos_get,
	.rx_queue_setup = virtio_rx_queue_setup,
	.tx_queue_setup = virtio_tx_queue_setup,
	.rx_queue_release = virtio_rx_queue_release,
	.tx_queue_release = virtio_tx_queue_release,
	.link_update = virtio_link_update,
	.mac_addr_set = virtio_mac_addr_set,
	.mac_addr_add = virtio_mac_addr_add,
	.mac_addr_remove = virtio_mac_addr_remove,
	.set_mc_addr_list = virtio_set_mc_addr_list,
	.promiscuous_enable = virtio_promiscuous_enable,
	.promiscuous_disable = virtio_promiscuous_disable,
	.allmulticast_enable = virtio_allmulticast_enable,
	.allmulticast_disable = virtio_allmulticast_disable,
	.stats_get = virtio_stats_get,
	.stats_reset = virtio_stats_reset,
	.xstats_get = virtio_xstats_get,
	.xstats_get_names = virtio_xstats_get_names,
	.xstats_reset = virtio_stats_reset,
	.rx_queue_intr_enable = virtio_rx_queue_intr_enable,
	.rx_queue_intr_disable = virtio_rx_queue_intr_disable,
	.rx_queue_intr_fd = virtio_rx_queue_intr_fd,
	.rx_queue_intr_ack = virtio_rx_queue_intr_ack,
};
