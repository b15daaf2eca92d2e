/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_af_xdp: a port on queues of a kernel network interface through
 * AF_XDP sockets (Documentation/networking/af_xdp.rst), as DPDK's af_xdp
 * PMD: one XSK per queue, bound to queue start_queue + q of the interface,
 * fed by an XDP program that redirects the queue's frames to it (libxdp's
 * default one, or xdp_prog=). The sockets' UMEM is the rx queue's mempool
 * (af_xdp_private.h), so frames are mbufs without a copy; the driver's
 * XDP_ZEROCOPY is used where it has one, copy mode otherwise (logged).
 *
 * devargs (DPDK 22.11's): iface=NAME (required), start_queue=Q (0),
 * queue_count=N (1), busy_budget=N (64; 0: no preferred busy polling),
 * xdp_prog=PATH (a BPF object with an XDP program and an xsks_map).
 * DPDK's shared_umem is not taken: each queue has a UMEM of its own over
 * the same mempool memory.
 *
 * This file: the ethdev ops and the probe; af_xdp_xsk.c makes the sockets,
 * af_xdp_rxtx.c moves the frames.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "af_xdp_private.h"
#include "ethdev_netif.h"
#include "kvargs.h"

PRT_LOG_REGISTER(afxdp_logtype, pmd.net.af_xdp, NOTICE);

static struct prt_eth_driver afxdp_driver;

/* The longest frame any pool can give: a page-sized chunk less the mbuf and XDP headroom. */
#define AFXDP_FRAME_MAX(page) \
	((page)-PRT_CACHE_LINE_SIZE - (uint32_t)sizeof(struct prt_mbuf) - XDP_PACKET_HEADROOM)

static int afxdp_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct afxdp_private *priv = dev->dev_private;
	uint32_t frame = AFXDP_FRAME_MAX((uint32_t)sysconf(_SC_PAGESIZE));

	info->if_index = (unsigned int)priv->nif.ifindex;
	info->max_rx_queues = (uint16_t)priv->queue_count;
	info->max_tx_queues = (uint16_t)priv->queue_count;
	/* XDP frames carry no CRC; the frame size the pool gives is checked at rx set-up. */
	info->max_rx_pktlen = frame;
	info->max_mtu = (uint16_t)(frame - PRT_ETHER_HDR_LEN);
	info->rx_desc_lim =
		(struct prt_eth_desc_lim){ .nb_min = 64, .nb_max = 16384, .nb_align = 64 };
	info->tx_desc_lim = info->rx_desc_lim;
	info->default_rxportconf.ring_size = AFXDP_DEFAULT_RING;
	info->default_txportconf.ring_size = AFXDP_DEFAULT_RING;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS; /* copied into one chunk */
	return 0;
}

static int afxdp_configure(struct prt_eth_dev *dev)
{
	if (dev->data.nb_rx_queues != dev->data.nb_tx_queues) {
		AFXDP_LOG(
			ERR,
			"%s: %u rx and %u tx queues asked: an AF_XDP socket is one rx and one tx queue, give as many of each",
			dev->data.name, dev->data.nb_rx_queues, dev->data.nb_tx_queues);
		return -EINVAL;
	}
	return 0;
}

static int afxdp_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				int socket_id, const struct prt_eth_rxconf *conf,
				struct prt_mempool *mp)
{
	struct afxdp_private *priv = dev->dev_private;
	uint32_t room;
	int ret;

	(void)socket_id;
	(void)conf;
	if (!prt_is_power_of_2(nb_desc)) {
		AFXDP_LOG(ERR, "%s: rx queue %u: %u descriptors: XSK rings take a power of two",
			  dev->data.name, qid, nb_desc);
		return -EINVAL;
	}
	/* The frame room of a chunk (af_xdp_private.h); umem_create checks the rest. */
	room = mp->elt_size - (uint32_t)sizeof(struct prt_mbuf) - prt_pktmbuf_priv_size(mp);
	room = room > XDP_PACKET_HEADROOM ? room - XDP_PACKET_HEADROOM : 0;
	if ((uint32_t)dev->data.mtu + PRT_ETHER_HDR_LEN > room) {
		AFXDP_LOG(
			ERR,
			"%s: MTU %u needs %u-byte frames; an XDP frame in an mbuf of pool '%s' holds %u (its buffer less %u bytes of XDP headroom): lower the MTU to %u or use larger mbufs (up to a page per chunk)",
			dev->data.name, dev->data.mtu, dev->data.mtu + PRT_ETHER_HDR_LEN, mp->name,
			room, XDP_PACKET_HEADROOM,
			room > PRT_ETHER_HDR_LEN ? room - PRT_ETHER_HDR_LEN : 0);
		return -EINVAL;
	}
	ret = afxdp_xsk_create(dev, qid, nb_desc, mp);
	if (ret)
		return ret;
	priv->txq[qid].frame_max = room;
	dev->data.rx_queues[qid] = &priv->rxq[qid];
	return 0;
}

static void afxdp_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid)
{
	afxdp_xsk_delete(dev, qid);
}

static int afxdp_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				int socket_id, const struct prt_eth_txconf *conf)
{
	struct afxdp_private *priv = dev->dev_private;

	(void)nb_desc; /* the tx ring is made with the socket, the rx queue's size */
	(void)socket_id;
	(void)conf;
	priv->txq[qid].rxq = &priv->rxq[qid];
	dev->data.tx_queues[qid] = &priv->txq[qid];
	return 0;
}

static int afxdp_start(struct prt_eth_dev *dev)
{
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		if (((struct afxdp_private *)dev->dev_private)->rxq[q].xsk == NULL) {
			AFXDP_LOG(ERR, "%s: tx queue %u has no socket: set up rx queue %u too",
				  dev->data.name, q, q);
			return -EINVAL;
		}
	}
	return 0;
}

static int afxdp_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	struct afxdp_private *priv = dev->dev_private;

	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		if (priv->rxq[q].xsk &&
		    (uint32_t)mtu + PRT_ETHER_HDR_LEN > priv->txq[q].frame_max) {
			AFXDP_LOG(
				ERR,
				"%s: MTU %u: queue %u's XDP frames hold %u bytes (its pool's buffer less %u of XDP headroom)",
				dev->data.name, mtu, q, priv->txq[q].frame_max,
				XDP_PACKET_HEADROOM);
			return -EINVAL;
		}
	}
	return netif_mtu_set(priv->nif.ctl_fd, priv->nif.ifname, mtu);
}

/* ---- statistics ---- */

/* The kernel's counts of queue @q since the last reset (XDP_STATISTICS). */
static void xdp_stats_read(const struct afxdp_rx_queue *q, struct xdp_statistics *s)
{
	socklen_t len = sizeof(*s);

	memset(s, 0, sizeof(*s));
	if (q->fd < 0 || getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, s, &len) < 0)
		return;
	s->rx_dropped -= q->xdp_base.rx_dropped;
	s->rx_invalid_descs -= q->xdp_base.rx_invalid_descs;
	s->tx_invalid_descs -= q->xdp_base.tx_invalid_descs;
	s->rx_ring_full -= q->xdp_base.rx_ring_full;
	s->rx_fill_ring_empty_descs -= q->xdp_base.rx_fill_ring_empty_descs;
	s->tx_ring_empty_descs -= q->xdp_base.tx_ring_empty_descs;
}

static int afxdp_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	struct afxdp_private *priv = dev->dev_private;

	prt_eth_sw_stats_get(dev, st, offsetof(struct afxdp_rx_queue, stats),
			     offsetof(struct afxdp_tx_queue, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++) {
		struct xdp_statistics s;

		xdp_stats_read(&priv->rxq[i], &s);
		/* Frames the kernel could not give us: no fill-ring chunk, a full rx ring. */
		st->imissed += s.rx_dropped + s.rx_ring_full;
		st->rx_nombuf += prt_eth_counter_read(&priv->rxq[i].nombuf);
	}
	return 0;
}

static int afxdp_stats_reset(struct prt_eth_dev *dev)
{
	struct afxdp_private *priv = dev->dev_private;

	prt_eth_sw_stats_reset(dev, offsetof(struct afxdp_rx_queue, stats),
			       offsetof(struct afxdp_tx_queue, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++) {
		struct afxdp_rx_queue *q = &priv->rxq[i];
		socklen_t len = sizeof(q->xdp_base);

		prt_atomic_store(&q->nombuf, 0, memory_order_relaxed);
		prt_atomic_store(&priv->txq[i].copied, 0, memory_order_relaxed);
		prt_atomic_store(&priv->txq[i].wakeup_errors, 0, memory_order_relaxed);
		memset(&q->xdp_base, 0, sizeof(q->xdp_base));
		if (q->fd >= 0)
			getsockopt(q->fd, SOL_XDP, XDP_STATISTICS, &q->xdp_base, &len);
	}
	return 0;
}

/* Per queue: the kernel's XDP_STATISTICS, then the driver's own counts. */
static const char *const afxdp_xstat_names[] = {
	"rx_dropped",	    "rx_invalid_descs",	   "rx_ring_full", "rx_fill_ring_empty_descs",
	"tx_invalid_descs", "tx_ring_empty_descs", "tx_copied",	   "tx_wakeup_errors",
};

static int afxdp_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				  unsigned int n)
{
	unsigned int count = dev->data.nb_rx_queues * PRT_DIM(afxdp_xstat_names);

	if (names == NULL || n < count)
		return (int)count;
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++)
		for (unsigned int k = 0; k < PRT_DIM(afxdp_xstat_names); k++)
			snprintf(names[q * PRT_DIM(afxdp_xstat_names) + k].name,
				 sizeof(names[0].name), "xsk_q%u_%s", q, afxdp_xstat_names[k]);
	return (int)count;
}

static int afxdp_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xs, unsigned int n)
{
	struct afxdp_private *priv = dev->dev_private;
	unsigned int count = dev->data.nb_rx_queues * PRT_DIM(afxdp_xstat_names);

	if (xs == NULL || n < count)
		return (int)count;
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct xdp_statistics s;
		uint64_t v[PRT_DIM(afxdp_xstat_names)];

		xdp_stats_read(&priv->rxq[q], &s);
		v[0] = s.rx_dropped;
		v[1] = s.rx_invalid_descs;
		v[2] = s.rx_ring_full;
		v[3] = s.rx_fill_ring_empty_descs;
		v[4] = s.tx_invalid_descs;
		v[5] = s.tx_ring_empty_descs;
		v[6] = prt_eth_counter_read(&priv->txq[q].copied);
		v[7] = prt_eth_counter_read(&priv->txq[q].wakeup_errors);
		for (unsigned int k = 0; k < PRT_DIM(v); k++)
			xs[q * PRT_DIM(v) + k].value = v[k];
	}
	return (int)count;
}

static int afxdp_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	return ((struct afxdp_private *)dev->dev_private)->rxq[qid].fd;
}

static int afxdp_close(struct prt_eth_dev *dev)
{
	struct afxdp_private *priv = dev->dev_private;

	afxdp_prog_detach(priv);
	free(priv->prog_path);
	priv->prog_path = NULL;
	netif_close(&priv->nif);
	return 0;
}

static const struct prt_eth_dev_ops afxdp_ops = {
	.dev_configure = afxdp_configure,
	.dev_start = afxdp_start,
	.dev_close = afxdp_close,
	.dev_infos_get = afxdp_infos_get,
	.rx_queue_setup = afxdp_rx_queue_setup,
	.tx_queue_setup = afxdp_tx_queue_setup,
	.rx_queue_release = afxdp_rx_queue_release,
	.link_update = netif_link_update_op,
	.promiscuous_enable = netif_promisc_enable_op,
	.promiscuous_disable = netif_promisc_disable_op,
	.allmulticast_enable = netif_allmulti_enable_op,
	.allmulticast_disable = netif_allmulti_disable_op,
	.mtu_set = afxdp_mtu_set,
	.stats_get = afxdp_stats_get,
	.stats_reset = afxdp_stats_reset,
	.xstats_get = afxdp_xstats_get,
	.xstats_get_names = afxdp_xstats_get_names,
	.xstats_reset = afxdp_stats_reset,
	.rx_queue_intr_fd = afxdp_rx_queue_intr_fd,
};

/* ---- probe ---- */

static int afxdp_devargs(const char *name, const char *args, struct afxdp_private *priv)
{
	static const char *const keys[] = { "iface",	   "start_queue", "queue_count",
					    "busy_budget", "xdp_prog",	  NULL };
	uint64_t start = 0, count = 1, budget = AFXDP_DEFAULT_BUSY_BUDGET;
	const char *ifname, *prog;
	struct kvargs *kv;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	ifname = kvargs_get(kv, "iface");
	if (ifname == NULL || *ifname == '\0' || strlen(ifname) >= IF_NAMESIZE) {
		AFXDP_LOG(ERR, "%s: give the interface: iface=NAME (see `ip link`)", name);
		ret = -EINVAL;
		goto out;
	}
	snprintf(priv->nif.ifname, sizeof(priv->nif.ifname), "%s", ifname);
	ret = kvargs_get_uint(kv, "start_queue", 0, UINT16_MAX, &start);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "queue_count", 1, AFXDP_MAX_QUEUES, &count);
	if (ret == 0)
		ret = kvargs_get_uint(kv, "busy_budget", 0, UINT16_MAX, &budget);
	prog = kvargs_get(kv, "xdp_prog");
	if (ret == 0 && prog != NULL) {
		if (access(prog, R_OK) != 0) {
			AFXDP_LOG(ERR, "%s: xdp_prog=%s: %s", name, prog, strerror(errno));
			ret = -ENOENT;
			goto out;
		}
		priv->prog_path = strdup(prog);
		if (priv->prog_path == NULL)
			ret = -ENOMEM;
	}
	priv->start_queue = (uint32_t)start;
	priv->queue_count = (uint32_t)count;
	priv->busy_budget = (uint32_t)budget;
out:
	kvargs_free(kv);
	return ret;
}

static int afxdp_probe(const char *name, const char *args)
{
	struct afxdp_private *priv;
	struct prt_eth_dev *dev;
	int ret;

	dev = prt_eth_dev_allocate(name, sizeof(*priv));
	if (dev == NULL) {
		AFXDP_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	afxdp_lib_logs();
	priv = dev->dev_private;
	priv->nif.ctl_fd = -1;
	priv->xsks_map_fd = -1;
	for (unsigned int q = 0; q < AFXDP_MAX_QUEUES; q++)
		priv->rxq[q].fd = -1;
	ret = afxdp_devargs(name, args, priv);
	if (ret < 0)
		goto fail;
	ret = netif_open(&priv->nif, name, &dev->data.mac_addr);
	if (ret < 0)
		goto fail;
	ret = afxdp_queues_check(name, priv);
	if (ret < 0)
		goto fail;
	dev->driver = &afxdp_driver;
	dev->dev_ops = &afxdp_ops;
	dev->rx_pkt_burst = afxdp_rx;
	dev->tx_pkt_burst = afxdp_tx;
	prt_eth_dev_probing_finish(dev);
	return 0;
fail:
	afxdp_close(dev);
	prt_eth_dev_release(dev);
	return ret;
}

static struct prt_eth_driver afxdp_driver = {
	.name = "net_af_xdp",
	.vdev_params =
		"iface=<name>,start_queue=<q>,queue_count=<n>,busy_budget=<n>,xdp_prog=<path>",
	.probe_vdev = afxdp_probe,
};

PRT_ETH_DRIVER_REGISTER(afxdp_driver)
