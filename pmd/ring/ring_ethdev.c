/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_ring: ports joined by prt_rings, in one process, zero copy. Each port
 * owns one ring per rx queue; its tx queue q enqueues into rx ring q of its
 * peer. Without a peer a port is its own peer (a loopback, as DPDK's ring
 * PMD created without devargs); peer=net_ringM joins it to port net_ringM,
 * which must come earlier on the command line: frames sent on one are
 * received on the other, both ways.
 *
 *     --vdev net_ring0 --vdev net_ring1,peer=net_ring0
 *
 * devargs: queues=N (1; rx rings, so rx and tx queues at most), size=SLOTS
 * (1024; each ring's size, a power of two), peer=NAME.
 *
 * A ring has one producer (the peer's tx queue q, polled by one thread) and
 * one consumer (our rx queue q), so rings are single-producer and
 * single-consumer. A full ring refuses frames: tx returns fewer than asked
 * and counts them in oerrors, as DPDK's ring PMD does.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethdev_driver.h"
#include "kvargs.h"
#include "prt_atomic.h"
#include "prt_mbuf.h"
#include "prt_ring.h"

PRT_LOG_REGISTER(ring_logtype, pmd.net.ring, NOTICE);
#define RING_LOG(level, ...) PRT_LOG(level, ring_logtype, __VA_ARGS__)

#define RING_MAX_QUEUES 16

/* The rx rings of one port, shared with the peer that sends into them. */
struct ring_set {
	struct prt_ring *rings[RING_MAX_QUEUES];
	unsigned int nb_rings;
	unsigned int refs; /* the owning port and its peer */
};

struct ring_queue {
	struct prt_ring *ring;
	struct prt_eth_sw_stats stats; /* tx errors: frames refused by a full ring */
} __prt_cache_aligned;

struct ring_private {
	struct ring_set *own; /* our rx rings */
	struct ring_set *peer; /* the rings our tx queues fill (== own: loopback) */
	struct prt_eth_dev *peer_dev; /* NULL for a loopback */
	struct ring_queue rxq[RING_MAX_QUEUES];
	struct ring_queue txq[RING_MAX_QUEUES];
};

static uint16_t ring_rx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct ring_queue *q = queue;
	uint16_t got = (uint16_t)prt_ring_sc_dequeue_burst(q->ring, (void **)pkts, n, NULL);
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < got; i++)
		bytes += pkts[i]->pkt_len;
	prt_eth_sw_stats_count(&q->stats, got, bytes);
	return got;
}

static uint16_t ring_tx(void *queue, struct prt_mbuf **pkts, uint16_t n)
{
	struct ring_queue *q = queue;
	uint16_t sent = (uint16_t)prt_ring_sp_enqueue_burst(q->ring, (void *const *)pkts, n, NULL);
	uint64_t bytes = 0;

	for (uint16_t i = 0; i < sent; i++)
		bytes += pkts[i]->pkt_len;
	prt_eth_sw_stats_count(&q->stats, sent, bytes);
	if (unlikely(sent < n))
		prt_eth_counter_add(&q->stats.errors, (uint64_t)(n - sent));
	return sent;
}

/* Frees the frames left in @set's rings and the rings. */
static void ring_set_put(struct ring_set *set)
{
	struct prt_mbuf *m;

	if (set == NULL || --set->refs > 0)
		return;
	for (unsigned int i = 0; i < set->nb_rings; i++) {
		while (prt_ring_sc_dequeue(set->rings[i], (void **)&m) == 0)
			prt_pktmbuf_free(m);
		prt_ring_free(set->rings[i]);
	}
	free(set);
}

static struct ring_set *ring_set_create(const char *port, unsigned int nb, unsigned int size)
{
	struct ring_set *set = calloc(1, sizeof(*set));
	char name[64];

	if (set == NULL)
		return NULL;
	set->refs = 1;
	for (; set->nb_rings < nb; set->nb_rings++) {
		snprintf(name, sizeof(name), "%s_rx%u", port, set->nb_rings);
		set->rings[set->nb_rings] = prt_ring_create(name, size, PRT_SOCKET_ID_ANY,
							    PRT_RING_F_SP_ENQ | PRT_RING_F_SC_DEQ);
		if (set->rings[set->nb_rings] == NULL) {
			RING_LOG(ERR, "%s: cannot create ring %s of %u slots: %s", port, name, size,
				 strerror(errno));
			ring_set_put(set);
			return NULL;
		}
	}
	return set;
}

static int ring_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct ring_private *priv = dev->dev_private;

	info->max_rx_queues = (uint16_t)priv->own->nb_rings;
	info->max_tx_queues = (uint16_t)priv->peer->nb_rings;
	info->max_rx_pktlen = UINT16_MAX;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	return 0;
}

static int ring_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			       const struct prt_eth_rxconf *conf, struct prt_mempool *mp)
{
	struct ring_private *priv = dev->dev_private;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	(void)mp; /* frames come from the peer, never from a pool */
	priv->rxq[qid] = (struct ring_queue){ .ring = priv->own->rings[qid] };
	dev->data.rx_queues[qid] = &priv->rxq[qid];
	return 0;
}

static int ring_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			       const struct prt_eth_txconf *conf)
{
	struct ring_private *priv = dev->dev_private;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	priv->txq[qid] = (struct ring_queue){ .ring = priv->peer->rings[qid] };
	dev->data.tx_queues[qid] = &priv->txq[qid];
	return 0;
}

static int ring_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	prt_eth_sw_stats_get(dev, st, offsetof(struct ring_queue, stats),
			     offsetof(struct ring_queue, stats));
	return 0;
}

static int ring_stats_reset(struct prt_eth_dev *dev)
{
	prt_eth_sw_stats_reset(dev, offsetof(struct ring_queue, stats),
			       offsetof(struct ring_queue, stats));
	return 0;
}

static int ring_close(struct prt_eth_dev *dev)
{
	struct ring_private *priv = dev->dev_private;

	/* A joined peer keeps sending into our rings, which live on until it
	 * closes too: each ring set is freed when its last user lets go. */
	if (priv->peer_dev)
		((struct ring_private *)priv->peer_dev->dev_private)->peer_dev = NULL;
	ring_set_put(priv->peer);
	ring_set_put(priv->own);
	return 0;
}

static const struct prt_eth_dev_ops ring_ops = {
	.dev_close = ring_close,
	.dev_infos_get = ring_infos_get,
	.rx_queue_setup = ring_rx_queue_setup,
	.tx_queue_setup = ring_tx_queue_setup,
	.link_update = prt_eth_link_update_virtual,
	.promiscuous_enable = prt_eth_mode_noop,
	.promiscuous_disable = prt_eth_mode_noop,
	.allmulticast_enable = prt_eth_mode_noop,
	.allmulticast_disable = prt_eth_mode_noop,
	.stats_get = ring_stats_get,
	.stats_reset = ring_stats_reset,
};

static struct prt_eth_driver ring_driver;

/* Finds the port @peer_name for @name: it must be a net_ring port without a peer. */
static int ring_peer_find(const char *name, const char *peer_name, struct prt_eth_dev **out)
{
	uint16_t pid;
	struct prt_eth_dev *peer;

	if (prt_eth_dev_get_port_by_name(peer_name, &pid) < 0 ||
	    (peer = prt_eth_dev_get(pid))->driver != &ring_driver) {
		RING_LOG(
			ERR,
			"%s: peer=%s: no such net_ring port; give the peer its own --vdev before this one",
			name, peer_name);
		return -EINVAL;
	}
	if (((struct ring_private *)peer->dev_private)->peer_dev) {
		RING_LOG(ERR, "%s: peer=%s: that port is joined to another already", name,
			 peer_name);
		return -EINVAL;
	}
	*out = peer;
	return 0;
}

static int ring_probe(const char *name, const char *args)
{
	static const char *const keys[] = { "queues", "size", "peer", NULL };
	struct prt_eth_dev *dev, *peer = NULL;
	struct ring_private *priv;
	uint64_t queues = 1, size = 1024;
	const char *peer_name;
	struct kvargs *kv;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	ret = kvargs_get_uint(kv, "queues", 1, RING_MAX_QUEUES, &queues);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "size", 2, 1u << 20, &size);
	if (ret == 0 && !prt_is_power_of_2(size)) {
		RING_LOG(ERR, "%s: size=%llu: a ring's size is a power of two, e.g. 1024", name,
			 (unsigned long long)size);
		ret = -EINVAL;
	}
	peer_name = kvargs_get(kv, "peer");
	if (ret == 0 && peer_name)
		ret = ring_peer_find(name, peer_name, &peer);
	kvargs_free(kv);
	if (ret < 0)
		return ret;

	dev = prt_eth_dev_allocate(name, sizeof(*priv));
	if (dev == NULL) {
		RING_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	priv = dev->dev_private;
	priv->own = ring_set_create(name, (unsigned int)queues, (unsigned int)size);
	if (priv->own == NULL) {
		prt_eth_dev_release(dev);
		return -ENOMEM;
	}
	if (peer) {
		struct ring_private *pp = peer->dev_private;

		/* Each port now sends into the other's rings; each set has two users. */
		ring_set_put(pp->peer); /* drops the peer's loopback reference */
		pp->peer = priv->own;
		priv->own->refs++;
		pp->peer_dev = dev;
		priv->peer = pp->own;
		pp->own->refs++;
		priv->peer_dev = peer;
	} else {
		priv->peer = priv->own;
		priv->own->refs++;
	}
	dev->driver = &ring_driver;
	dev->dev_ops = &ring_ops;
	dev->rx_pkt_burst = ring_rx;
	dev->tx_pkt_burst = ring_tx;
	prt_eth_random_addr(&dev->data.mac_addr);
	prt_eth_dev_probing_finish(dev);
	return 0;
}

static struct prt_eth_driver ring_driver = {
	.name = "net_ring",
	.vdev_params = "queues=<n>,size=<slots>,peer=<net_ringN>",
	.probe_vdev = ring_probe,
};

PRT_ETH_DRIVER_REGISTER(ring_driver)
