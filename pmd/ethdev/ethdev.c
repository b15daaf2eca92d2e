/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the table of ports, their life cycle (allocate, configure, queue
 * set-up, start, stop, close) and the fast-path array the burst functions
 * read. Every request is checked against the driver's dev_info here, so
 * drivers only see valid ones.
 */
#include <errno.h>
#include <pthread.h>
#include <stdlib.h>
#include <string.h>

#include "ethdev_driver.h"
#include "ethdev_event.h"
#include "ethdev_private.h"
#include "prt_mbuf.h"

struct prt_eth_fp_ops prt_eth_fp_ops[PRT_MAX_ETHPORTS];

static struct prt_eth_dev eth_devs[PRT_MAX_ETHPORTS];
static pthread_mutex_t eth_devs_lock = PTHREAD_MUTEX_INITIALIZER;
/*
 * The control lock (ethdev_private.h). Recursive: what a driver op, or an
 * event callback it raises, calls from inside one of the guarded calls may
 * be another of them, on the same thread.
 */
static pthread_mutex_t eth_ctrl_lock = PTHREAD_RECURSIVE_MUTEX_INITIALIZER_NP;

void eth_dev_ctrl_lock(void)
{
	pthread_mutex_lock(&eth_ctrl_lock);
}

void eth_dev_ctrl_unlock(void)
{
	pthread_mutex_unlock(&eth_ctrl_lock);
}

/* What a port that is not started answers on the fast path. */
static void *dummy_queues[PRT_MAX_QUEUES_PER_PORT];

static uint16_t dummy_rx_burst(void *rxq, struct prt_mbuf **pkts, uint16_t n)
{
	(void)rxq;
	(void)pkts;
	(void)n;
	return 0;
}

static uint16_t dummy_tx_burst(void *txq, struct prt_mbuf **pkts, uint16_t n)
{
	(void)txq;
	(void)pkts;
	(void)n;
	return 0;
}

static void fp_ops_reset(uint16_t port_id)
{
	prt_eth_fp_ops[port_id] = (struct prt_eth_fp_ops){
		.rx_pkt_burst = dummy_rx_burst,
		.rxq = dummy_queues,
		.tx_pkt_burst = dummy_tx_burst,
		.txq = dummy_queues,
	};
}

__attribute__((constructor)) static void fp_ops_init(void)
{
	for (uint16_t p = 0; p < PRT_MAX_ETHPORTS; p++)
		fp_ops_reset(p);
}

int prt_eth_fp_check(uint16_t port_id, uint16_t queue_id, int rx)
{
	if (port_id >= PRT_MAX_ETHPORTS || eth_devs[port_id].state != PRT_ETH_DEV_ATTACHED) {
		ETHDEV_LOG(ERR, "%s burst on port %u, which does not exist", rx ? "rx" : "tx",
			   port_id);
		return -ENODEV;
	}
	if (queue_id >=
	    (rx ? eth_devs[port_id].data.nb_rx_queues : eth_devs[port_id].data.nb_tx_queues)) {
		ETHDEV_LOG(ERR, "%s burst on queue %u of port %u, which has %u", rx ? "rx" : "tx",
			   queue_id, port_id,
			   rx ? eth_devs[port_id].data.nb_rx_queues :
				eth_devs[port_id].data.nb_tx_queues);
		return -EINVAL;
	}
	return 0;
}

/* ---- allocation (for drivers) ---- */

struct prt_eth_dev *prt_eth_dev_allocate(const char *name, size_t priv_size)
{
	struct prt_eth_dev *dev = NULL;
	uint16_t p;

	if (strlen(name) >= PRT_ETH_NAME_MAX_LEN) {
		errno = EINVAL;
		return NULL;
	}
	pthread_mutex_lock(&eth_devs_lock);
	for (p = 0; p < PRT_MAX_ETHPORTS; p++) {
		if (eth_devs[p].state != PRT_ETH_DEV_UNUSED &&
		    strcmp(eth_devs[p].data.name, name) == 0) {
			errno = EEXIST;
			goto out;
		}
	}
	for (p = 0; p < PRT_MAX_ETHPORTS && eth_devs[p].state != PRT_ETH_DEV_UNUSED; p++)
		;
	if (p == PRT_MAX_ETHPORTS) {
		ETHDEV_LOG(ERR, "%s: no free port id (prt has at most %d ports)", name,
			   PRT_MAX_ETHPORTS);
		errno = ENOSPC;
		goto out;
	}
	memset(&eth_devs[p], 0, sizeof(eth_devs[p]));
	if (priv_size) {
		/* Cache-line aligned: drivers keep per-queue hot data in it. */
		size_t size = PRT_ALIGN_CEIL(priv_size, (size_t)PRT_CACHE_LINE_SIZE);

		eth_devs[p].dev_private = aligned_alloc(PRT_CACHE_LINE_SIZE, size);
		if (eth_devs[p].dev_private == NULL) {
			errno = ENOMEM;
			goto out;
		}
		memset(eth_devs[p].dev_private, 0, size);
	}
	dev = &eth_devs[p];
	dev->state = PRT_ETH_DEV_PROBING;
	snprintf(dev->data.name, sizeof(dev->data.name), "%s", name);
	dev->data.port_id = p;
	dev->data.numa_node = PRT_SOCKET_ID_ANY;
	dev->data.mtu = PRT_ETHER_MTU;
	fp_ops_reset(p);
out:
	pthread_mutex_unlock(&eth_devs_lock);
	return dev;
}

void prt_eth_dev_probing_finish(struct prt_eth_dev *dev)
{
	char mac[PRT_ETHER_ADDR_FMT_SIZE];

	dev->state = PRT_ETH_DEV_ATTACHED;
	prt_ether_format_addr(mac, sizeof(mac), &dev->data.mac_addr);
	ETHDEV_LOG(INFO, "port %u: %s (%s), MAC %s", dev->data.port_id, dev->data.name,
		   dev->driver ? dev->driver->name : "?", mac);
}

void prt_eth_dev_release(struct prt_eth_dev *dev)
{
	eth_dev_callbacks_free(dev->data.port_id);
	pthread_mutex_lock(&eth_devs_lock);
	fp_ops_reset(dev->data.port_id);
	free(dev->dev_private);
	memset(dev, 0, sizeof(*dev));
	pthread_mutex_unlock(&eth_devs_lock);
}

struct prt_eth_dev *prt_eth_dev_get(uint16_t port_id)
{
	if (port_id >= PRT_MAX_ETHPORTS || eth_devs[port_id].state != PRT_ETH_DEV_ATTACHED)
		return NULL;
	return &eth_devs[port_id];
}

/* ---- enumeration ---- */

uint16_t prt_eth_dev_count_avail(void)
{
	uint16_t n = 0;

	for (uint16_t p = 0; p < PRT_MAX_ETHPORTS; p++)
		n += eth_devs[p].state == PRT_ETH_DEV_ATTACHED;
	return n;
}

int prt_eth_dev_is_valid_port(uint16_t port_id)
{
	return prt_eth_dev_get(port_id) != NULL;
}

uint16_t prt_eth_find_next(uint16_t port_id)
{
	while (port_id < PRT_MAX_ETHPORTS && eth_devs[port_id].state != PRT_ETH_DEV_ATTACHED)
		port_id++;
	return port_id;
}

int prt_eth_dev_get_port_by_name(const char *name, uint16_t *port_id)
{
	uint16_t p;

	PRT_ETH_FOREACH_DEV(p) {
		if (strcmp(eth_devs[p].data.name, name) == 0) {
			*port_id = p;
			return 0;
		}
	}
	return -ENODEV;
}

const char *prt_eth_dev_name(uint16_t port_id)
{
	struct prt_eth_dev *dev = prt_eth_dev_get(port_id);

	return dev ? dev->data.name : NULL;
}

int prt_eth_dev_socket_id(uint16_t port_id)
{
	struct prt_eth_dev *dev = prt_eth_dev_get(port_id);

	return dev ? dev->data.numa_node : PRT_SOCKET_ID_ANY;
}

/* Fills @info from the driver and the port's current queue counts. */
static int dev_info_fill(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	memset(info, 0, sizeof(*info));
	info->driver_name = dev->driver ? dev->driver->name : "";
	info->min_mtu = 68; /* RFC 791: every IPv4 host takes 68 bytes */
	info->max_mtu = UINT16_MAX;
	info->max_mac_addrs = 1;
	info->rx_desc_lim = (struct prt_eth_desc_lim){ .nb_max = UINT16_MAX, .nb_align = 1 };
	info->tx_desc_lim = info->rx_desc_lim;
	int ret = dev->dev_ops->dev_infos_get(dev, info);

	/* The port holds the tables (ethdev_mac.c): no more than they take. */
	info->max_mac_addrs = PRT_MIN(info->max_mac_addrs, (uint32_t)PRT_ETH_MAX_MAC_ADDRS);
	info->max_mc_addrs = PRT_MIN(info->max_mc_addrs, (uint32_t)PRT_ETH_MAX_MC_ADDRS);
	info->dev_flags = dev->data.dev_flags;
	info->nb_rx_queues = dev->data.nb_rx_queues;
	info->nb_tx_queues = dev->data.nb_tx_queues;
	return ret;
}

int prt_eth_dev_info_get(uint16_t port_id, struct prt_eth_dev_info *info)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	if (info == NULL)
		return -EINVAL;
	return dev_info_fill(dev, info);
}

/* ---- configuration ---- */

static void queues_release(struct prt_eth_dev *dev)
{
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		if (dev->data.rx_queues[q] && dev->dev_ops->rx_queue_release)
			dev->dev_ops->rx_queue_release(dev, q);
		dev->data.rx_queues[q] = NULL;
		dev->data.rx_intr_armed[q] = false;
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		if (dev->data.tx_queues[q] && dev->dev_ops->tx_queue_release)
			dev->dev_ops->tx_queue_release(dev, q);
		dev->data.tx_queues[q] = NULL;
	}
	dev->data.nb_rx_queues = 0;
	dev->data.nb_tx_queues = 0;
}

/* Checks that @asked offloads are all in @capa; logs the missing ones. */
static int offloads_check(const struct prt_eth_dev *dev, const char *what, uint64_t asked,
			  uint64_t capa)
{
	if ((asked & ~capa) == 0)
		return 0;
	ETHDEV_LOG(ERR, "port %u (%s): %s offloads 0x%llx are not supported (it offers 0x%llx)",
		   dev->data.port_id, dev->data.name, what, (unsigned long long)(asked & ~capa),
		   (unsigned long long)capa);
	return -EINVAL;
}

static int conf_check(struct prt_eth_dev *dev, uint16_t nb_rx_q, uint16_t nb_tx_q,
		      const struct prt_eth_conf *conf, const struct prt_eth_dev_info *info)
{
	uint16_t p = dev->data.port_id;
	int ret;

	if (nb_rx_q == 0 && nb_tx_q == 0) {
		ETHDEV_LOG(ERR, "port %u (%s): configure with no rx and no tx queue", p,
			   dev->data.name);
		return -EINVAL;
	}
	if (nb_rx_q > info->max_rx_queues || nb_tx_q > info->max_tx_queues) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): %u rx / %u tx queues asked, the port has at most %u rx / %u tx",
			p, dev->data.name, nb_rx_q, nb_tx_q, info->max_rx_queues,
			info->max_tx_queues);
		return -EINVAL;
	}
	if (conf->rxmode.mtu < info->min_mtu || conf->rxmode.mtu > info->max_mtu) {
		ETHDEV_LOG(ERR, "port %u (%s): MTU %u is outside the port's range %u..%u", p,
			   dev->data.name, conf->rxmode.mtu, info->min_mtu, info->max_mtu);
		return -EINVAL;
	}
	ret = offloads_check(dev, "rx", conf->rxmode.offloads, info->rx_offload_capa);
	if (ret == 0)
		ret = offloads_check(dev, "tx", conf->txmode.offloads, info->tx_offload_capa);
	if (ret < 0)
		return ret;
	if (conf->rxmode.mq_mode == PRT_ETH_MQ_RX_RSS &&
	    (conf->rx_adv_conf.rss_conf.rss_hf & ~info->flow_type_rss_offloads)) {
		ETHDEV_LOG(ERR, "port %u (%s): RSS hash functions 0x%llx are not supported", p,
			   dev->data.name,
			   (unsigned long long)(conf->rx_adv_conf.rss_conf.rss_hf &
						~info->flow_type_rss_offloads));
		return -EINVAL;
	}
	if (conf->intr_conf.rxq && dev->dev_ops->rx_queue_intr_fd == NULL) {
		ETHDEV_LOG(ERR, "port %u (%s): the %s driver has no rx interrupts; poll instead", p,
			   dev->data.name, info->driver_name);
		return -ENOTSUP;
	}
	if (conf->intr_conf.lsc && !(dev->data.dev_flags & PRT_ETH_DEV_INTR_LSC)) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): the %s driver cannot report link-state changes on this port (dev_info.dev_flags lacks PRT_ETH_DEV_INTR_LSC); leave intr_conf.lsc at 0 and poll prt_eth_link_get_nowait()",
			p, dev->data.name, info->driver_name);
		return -ENOTSUP;
	}
	return 0;
}

static int dev_configure(uint16_t port_id, uint16_t nb_rx_q, uint16_t nb_tx_q,
			 const struct prt_eth_conf *conf)
{
	struct prt_eth_conf c = conf ? *conf : (struct prt_eth_conf){ 0 };
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (dev->data.started) {
		ETHDEV_LOG(ERR, "port %u (%s): stop the port before configuring it", port_id,
			   dev->data.name);
		return -EBUSY;
	}
	ret = dev_info_fill(dev, &info);
	if (ret < 0)
		return ret;
	if (c.rxmode.mtu == 0)
		c.rxmode.mtu = PRT_MIN(PRT_ETHER_MTU, info.max_mtu);
	ret = conf_check(dev, nb_rx_q, nb_tx_q, &c, &info);
	if (ret < 0)
		return ret;

	queues_release(dev);
	c.rx_adv_conf.rss_conf.rss_key = NULL; /* the caller's buffer is not kept */
	dev->data.dev_conf = c;
	dev->data.mtu = (uint16_t)c.rxmode.mtu;
	dev->data.nb_rx_queues = nb_rx_q;
	dev->data.nb_tx_queues = nb_tx_q;
	dev->data.configured = false;
	if (dev->dev_ops->dev_configure) {
		ret = dev->dev_ops->dev_configure(dev);
		if (ret < 0) {
			dev->data.nb_rx_queues = 0;
			dev->data.nb_tx_queues = 0;
			return ret;
		}
	}
	if (conf && conf->rx_adv_conf.rss_conf.rss_key && dev->dev_ops->rss_hash_update) {
		struct prt_eth_rss_conf rss = conf->rx_adv_conf.rss_conf;

		ret = dev->dev_ops->rss_hash_update(dev, &rss);
		if (ret < 0)
			return ret;
	}
	dev->data.configured = true;
	return 0;
}

static int desc_check(const struct prt_eth_dev *dev, const char *what, uint16_t qid,
		      uint16_t nb_desc, const struct prt_eth_desc_lim *lim)
{
	if (nb_desc >= lim->nb_min && nb_desc <= lim->nb_max &&
	    (lim->nb_align <= 1 || nb_desc % lim->nb_align == 0))
		return 0;
	ETHDEV_LOG(
		ERR,
		"port %u (%s): %s queue %u: %u descriptors; the port takes %u to %u, a multiple of %u",
		dev->data.port_id, dev->data.name, what, qid, nb_desc, lim->nb_min, lim->nb_max,
		lim->nb_align ? lim->nb_align : 1);
	return -EINVAL;
}

/* Common checks of a queue set-up; fills @info. */
static int queue_setup_check(struct prt_eth_dev *dev, const char *what, uint16_t qid,
			     uint16_t nb_queues, struct prt_eth_dev_info *info)
{
	if (dev->data.started) {
		ETHDEV_LOG(ERR, "port %u (%s): stop the port before setting up queues",
			   dev->data.port_id, dev->data.name);
		return -EBUSY;
	}
	if (!dev->data.configured) {
		ETHDEV_LOG(ERR, "port %u (%s): configure the port before setting up queues",
			   dev->data.port_id, dev->data.name);
		return -EINVAL;
	}
	if (qid >= nb_queues) {
		ETHDEV_LOG(ERR, "port %u (%s): %s queue %u does not exist: %u configured",
			   dev->data.port_id, dev->data.name, what, qid, nb_queues);
		return -EINVAL;
	}
	return dev_info_fill(dev, info);
}

static int rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc,
			  int socket_id, const struct prt_eth_rxconf *rx_conf,
			  struct prt_mempool *mb_pool)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	uint32_t room, frame;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	ret = queue_setup_check(dev, "rx", rx_queue_id, dev->data.nb_rx_queues, &info);
	if (ret < 0)
		return ret;
	if (mb_pool == NULL) {
		ETHDEV_LOG(ERR, "port %u (%s): rx queue %u needs a mempool", port_id,
			   dev->data.name, rx_queue_id);
		return -EINVAL;
	}
	room = prt_pktmbuf_data_room_size(mb_pool);
	if (room < PRT_PKTMBUF_HEADROOM + info.min_rx_bufsize) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): rx queue %u: mbufs of %u bytes of data room are too small: the port needs %u (headroom %u + %u)",
			port_id, dev->data.name, rx_queue_id, room,
			PRT_PKTMBUF_HEADROOM + info.min_rx_bufsize, PRT_PKTMBUF_HEADROOM,
			info.min_rx_bufsize);
		return -EINVAL;
	}
	frame = dev->data.mtu + PRT_ETHER_HDR_CRC_LEN;
	if (frame > room - PRT_PKTMBUF_HEADROOM &&
	    !(info.rx_offload_capa & PRT_ETH_RX_OFFLOAD_SCATTER)) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): rx queue %u: %u-byte frames (MTU %u) do not fit mbufs of %u bytes and the port cannot chain; use larger mbufs or a smaller MTU",
			port_id, dev->data.name, rx_queue_id, frame, dev->data.mtu,
			room - PRT_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	if (nb_rx_desc == 0)
		nb_rx_desc = info.default_rxportconf.ring_size ? info.default_rxportconf.ring_size :
								 512;
	ret = desc_check(dev, "rx", rx_queue_id, nb_rx_desc, &info.rx_desc_lim);
	if (ret < 0)
		return ret;
	if (rx_conf == NULL)
		rx_conf = &info.default_rxconf;
	if (socket_id == PRT_SOCKET_ID_ANY)
		socket_id = dev->data.numa_node;
	if (dev->data.rx_queues[rx_queue_id]) {
		if (dev->dev_ops->rx_queue_release)
			dev->dev_ops->rx_queue_release(dev, rx_queue_id);
		dev->data.rx_queues[rx_queue_id] = NULL;
	}
	ret = dev->dev_ops->rx_queue_setup(dev, rx_queue_id, nb_rx_desc, socket_id, rx_conf,
					   mb_pool);
	if (ret == 0 && (dev->data.min_rx_buf_size == 0 || room < dev->data.min_rx_buf_size))
		dev->data.min_rx_buf_size = room;
	return ret;
}

static int tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc,
			  int socket_id, const struct prt_eth_txconf *tx_conf)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	ret = queue_setup_check(dev, "tx", tx_queue_id, dev->data.nb_tx_queues, &info);
	if (ret < 0)
		return ret;
	if (nb_tx_desc == 0)
		nb_tx_desc = info.default_txportconf.ring_size ? info.default_txportconf.ring_size :
								 512;
	ret = desc_check(dev, "tx", tx_queue_id, nb_tx_desc, &info.tx_desc_lim);
	if (ret < 0)
		return ret;
	if (tx_conf == NULL)
		tx_conf = &info.default_txconf;
	if (socket_id == PRT_SOCKET_ID_ANY)
		socket_id = dev->data.numa_node;
	if (dev->data.tx_queues[tx_queue_id]) {
		if (dev->dev_ops->tx_queue_release)
			dev->dev_ops->tx_queue_release(dev, tx_queue_id);
		dev->data.tx_queues[tx_queue_id] = NULL;
	}
	return dev->dev_ops->tx_queue_setup(dev, tx_queue_id, nb_tx_desc, socket_id, tx_conf);
}

/*
 * What frees or replaces a port's queues (configure, queue set-up) holds
 * the control lock: the telemetry thread reads ports under it.
 */
int prt_eth_dev_configure(uint16_t port_id, uint16_t nb_rx_q, uint16_t nb_tx_q,
			  const struct prt_eth_conf *conf)
{
	int ret;

	eth_dev_ctrl_lock();
	ret = dev_configure(port_id, nb_rx_q, nb_tx_q, conf);
	eth_dev_ctrl_unlock();
	return ret;
}

int prt_eth_rx_queue_setup(uint16_t port_id, uint16_t rx_queue_id, uint16_t nb_rx_desc,
			   int socket_id, const struct prt_eth_rxconf *rx_conf,
			   struct prt_mempool *mb_pool)
{
	int ret;

	eth_dev_ctrl_lock();
	ret = rx_queue_setup(port_id, rx_queue_id, nb_rx_desc, socket_id, rx_conf, mb_pool);
	eth_dev_ctrl_unlock();
	return ret;
}

int prt_eth_tx_queue_setup(uint16_t port_id, uint16_t tx_queue_id, uint16_t nb_tx_desc,
			   int socket_id, const struct prt_eth_txconf *tx_conf)
{
	int ret;

	eth_dev_ctrl_lock();
	ret = tx_queue_setup(port_id, tx_queue_id, nb_tx_desc, socket_id, tx_conf);
	eth_dev_ctrl_unlock();
	return ret;
}

/* ---- start, stop, close ---- */

int prt_eth_dev_start(uint16_t port_id)
{
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (dev->data.started)
		return 0;
	if (!dev->data.configured) {
		ETHDEV_LOG(ERR, "port %u (%s): configure the port before starting it", port_id,
			   dev->data.name);
		return -EINVAL;
	}
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		if (dev->data.rx_queues[q] == NULL) {
			ETHDEV_LOG(ERR, "port %u (%s): rx queue %u is not set up", port_id,
				   dev->data.name, q);
			return -EINVAL;
		}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++)
		if (dev->data.tx_queues[q] == NULL) {
			ETHDEV_LOG(ERR, "port %u (%s): tx queue %u is not set up", port_id,
				   dev->data.name, q);
			return -EINVAL;
		}
	if (dev->dev_ops->dev_start) {
		ret = dev->dev_ops->dev_start(dev);
		if (ret < 0)
			return ret;
	}
	dev->data.started = true;
	prt_eth_fp_ops[port_id] = (struct prt_eth_fp_ops){
		.rx_pkt_burst = dev->rx_pkt_burst,
		.rxq = dev->data.rx_queues,
		.tx_pkt_burst = dev->tx_pkt_burst,
		.txq = dev->data.tx_queues,
		.nb_rx_queues = dev->data.nb_rx_queues,
		.nb_tx_queues = dev->data.nb_tx_queues,
	};
	if (dev->dev_ops->link_update)
		dev->dev_ops->link_update(dev, 0);
	return 0;
}

int prt_eth_dev_stop(uint16_t port_id)
{
	struct prt_eth_dev *dev;
	int ret = 0;

	GET_DEV_OR_RET(port_id, dev);
	if (!dev->data.started)
		return 0;
	fp_ops_reset(port_id);
	if (dev->dev_ops->dev_stop)
		ret = dev->dev_ops->dev_stop(dev);
	dev->data.started = false;
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 });
	return ret;
}

static int dev_close(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	if (eth_dev_callback_running_here(port_id)) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): closed from one of its own event callbacks; close it from the main thread",
			port_id, dev->data.name);
		return -EDEADLK;
	}
	prt_eth_dev_stop(port_id);
	queues_release(dev);
	if (dev->dev_ops->dev_close)
		dev->dev_ops->dev_close(dev);
	ETHDEV_LOG(INFO, "port %u: %s closed", port_id, dev->data.name);
	prt_eth_dev_release(dev);
	return 0;
}

/* Under the control lock: no telemetry command reads the port while it goes. */
int prt_eth_dev_close(uint16_t port_id)
{
	int ret;

	eth_dev_ctrl_lock();
	ret = dev_close(port_id);
	eth_dev_ctrl_unlock();
	return ret;
}
