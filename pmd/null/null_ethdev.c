/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_null: a port with nothing behind it, as DPDK's null PMD. Rx hands out
 * mbufs of a set size from the queue's pool (their bytes are whatever the
 * mbuf held, or zeroes with copy=1); tx frees what it is given. It measures
 * the cost of the forwarding loop and the mbuf life cycle, nothing else.
 *
 * devargs: size=BYTES (64; frame length of rx mbufs), copy=0|1 (0; copy
 * each frame from/to a scratch buffer, as a driver that copies would),
 * no-rx=0|1 (0; rx returns nothing, for tx-only measurements).
 */
#include <errno.h>
#include <stddef.h>
#include <string.h>

#include "ethdev_driver.h"
#include "kvargs.h"
#include "prt_atomic.h"
#include "prt_mbuf.h"

PRT_LOG_REGISTER(null_logtype, pmd.net.null, NOTICE);
#define NULL_LOG(level, ...) PRT_LOG(level, null_logtype, __VA_ARGS__)

#define NULL_MAX_QUEUES 16
#define NULL_MAX_SIZE 9600 /* the largest frame a copy queue's scratch buffer takes */

struct null_queue {
	struct prt_mempool *mp; /* rx only */
	struct null_private *priv;
	uint16_t port_id;
	struct prt_eth_sw_stats stats;
} __prt_cache_aligned;

struct null_private {
	uint32_t size;
	bool copy;
	bool no_rx;
	uint8_t scratch[NULL_MAX_SIZE];
	struct null_queue rxq[NULL_MAX_QUEUES];
	struct null_queue txq[NULL_MAX_QUEUES];
};

static uint16_t null_rx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct null_queue *q = queue;
	uint32_t size = q->priv->size;

	if (unlikely(prt_pktmbuf_alloc_bulk(q->mp, pkts, n) != 0))
		return 0;
	for (uint16_t i = 0; i < n; i++) {
		pkts[i]->data_len = (uint16_t)size;
		pkts[i]->pkt_len = size;
		pkts[i]->port = q->port_id;
	}
	prt_eth_sw_stats_count(&q->stats, n, (uint64_t)n * size);
	return n;
}

static uint16_t null_rx_copy(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct null_queue *q = queue;
	uint16_t got = null_rx(queue, pkts, n);

	for (uint16_t i = 0; i < got; i++)
		memcpy(prt_pktmbuf_mtod(pkts[i], void *), q->priv->scratch, q->priv->size);
	return got;
}

static uint16_t null_no_rx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	(void)queue;
	(void)pkts;
	(void)n;
	return 0;
}

static uint16_t null_tx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct null_queue *q = queue;
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < n; i++)
		bytes += pkts[i]->pkt_len;
	prt_pktmbuf_free_bulk(pkts, n);
	prt_eth_sw_stats_count(&q->stats, n, bytes);
	return n;
}

static uint16_t null_tx_copy(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct null_queue *q = queue;

	for (uint16_t i = 0; i < n; i++)
		memcpy(q->priv->scratch, prt_pktmbuf_mtod(pkts[i], void *),
		       PRT_MIN((uint32_t)pkts[i]->data_len, (uint32_t)NULL_MAX_SIZE));
	return null_tx(queue, pkts, n);
}

static int null_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	(void)dev;
	info->max_rx_queues = NULL_MAX_QUEUES;
	info->max_tx_queues = NULL_MAX_QUEUES;
	info->max_rx_pktlen = UINT16_MAX;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS | PRT_ETH_TX_OFFLOAD_MBUF_FAST_FREE;
	info->speed_capa = 0;
	return 0;
}

static int null_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			       const struct prt_eth_rxconf *conf, struct prt_mempool *mp)
{
	struct null_private *priv = dev->dev_private;
	struct null_queue *q = &priv->rxq[qid];

	(void)nb_desc;
	(void)socket;
	(void)conf;
	if (priv->size + PRT_PKTMBUF_HEADROOM > prt_pktmbuf_data_room_size(mp)) {
		NULL_LOG(ERR, "%s: size=%u does not fit the pool's mbufs (%u bytes of data)",
			 dev->data.name, priv->size,
			 prt_pktmbuf_data_room_size(mp) - PRT_PKTMBUF_HEADROOM);
		return -EINVAL;
	}
	*q = (struct null_queue){ .mp = mp, .priv = priv, .port_id = dev->data.port_id };
	dev->data.rx_queues[qid] = q;
	return 0;
}

static int null_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			       const struct prt_eth_txconf *conf)
{
	struct null_private *priv = dev->dev_private;
	struct null_queue *q = &priv->txq[qid];

	(void)nb_desc;
	(void)socket;
	(void)conf;
	*q = (struct null_queue){ .priv = priv, .port_id = dev->data.port_id };
	dev->data.tx_queues[qid] = q;
	return 0;
}

static int null_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	prt_eth_sw_stats_get(dev, st, offsetof(struct null_queue, stats),
			     offsetof(struct null_queue, stats));
	return 0;
}

static int null_stats_reset(struct prt_eth_dev *dev)
{
	prt_eth_sw_stats_reset(dev, offsetof(struct null_queue, stats),
			       offsetof(struct null_queue, stats));
	return 0;
}

static const struct prt_eth_dev_ops null_ops = {
	.dev_infos_get = null_infos_get,
	.rx_queue_setup = null_rx_queue_setup,
	.tx_queue_setup = null_tx_queue_setup,
	.link_update = prt_eth_link_update_virtual,
	.promiscuous_enable = prt_eth_mode_noop,
	.promiscuous_disable = prt_eth_mode_noop,
	.allmulticast_enable = prt_eth_mode_noop,
	.allmulticast_disable = prt_eth_mode_noop,
	.stats_get = null_stats_get,
	.stats_reset = null_stats_reset,
};

static struct prt_eth_driver null_driver;

static int null_probe(const char *name, const char *args)
{
	static const char *const keys[] = { "size", "copy", "no-rx", NULL };
	struct null_private *priv;
	struct prt_eth_dev *dev;
	struct kvargs *kv;
	uint64_t size = 64;
	bool copy = false, no_rx = false;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	ret = kvargs_get_uint(kv, "size", 0, NULL_MAX_SIZE, &size);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "copy", &copy);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "no-rx", &no_rx);
	kvargs_free(kv);
	if (ret < 0)
		return ret;

	dev = prt_eth_dev_allocate(name, sizeof(*priv));
	if (dev == NULL) {
		NULL_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	priv = dev->dev_private;
	priv->size = (uint32_t)size;
	priv->copy = copy;
	priv->no_rx = no_rx;
	dev->driver = &null_driver;
	dev->dev_ops = &null_ops;
	dev->rx_pkt_burst = no_rx ? null_no_rx : copy ? null_rx_copy : null_rx;
	dev->tx_pkt_burst = copy ? null_tx_copy : null_tx;
	prt_eth_random_addr(&dev->data.mac_addr);
	prt_eth_dev_probing_finish(dev);
	return 0;
}

static struct prt_eth_driver null_driver = {
	.name = "net_null",
	.vdev_params = "size=<bytes>,copy=<0|1>,no-rx=<0|1>",
	.probe_vdev = null_probe,
};

PRT_ETH_DRIVER_REGISTER(null_driver)
