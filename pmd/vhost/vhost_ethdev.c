/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_vhost: a port whose peer is a vhost-user front-end (QEMU's
 * virtio-net guest, DPDK's or prt's virtio-user) on a unix socket; prt is
 * the back-end ("device") of QEMU docs/interop/vhost-user.rst.
 *
 *   --vdev net_vhost0,iface=PATH[,queues=N][,client=0|1]
 *
 * as DPDK's net_vhost: iface is the socket, queues the queue pairs offered
 * (1..8; the front-end uses as many as it enables), client=1 connects to a
 * front-end that listens (QEMU's server=on) and reconnects every second
 * after it goes away; by default prt listens. Rx queue q reads the
 * front-end's tx virtqueue (vring 2q + 1), tx queue q fills its rx
 * virtqueue (vring 2q). Split rings; mergeable rx buffers; event index.
 * The link is up while the front-end has rings 0 and 1 running; with
 * intr_conf.lsc the application hears of each change (PRT_ETH_EVENT_INTR_LSC).
 *
 * Files: vhost_backend.c (the socket and the messages, on prt's interrupt
 * thread), vhost_msg.c (the message checks), vhost_mem.c (the front-end's
 * memory), vhost_vring.c (the bursts). User guide: doc/vhost.md.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "kvargs.h"
#include "prt_mbuf.h"
#include "vhost_private.h"
#include "virtio_net.h"

PRT_LOG_REGISTER(vhost_logtype, pmd.net.vhost, NOTICE);

static struct prt_eth_driver vhost_driver;

static struct vhost_dev *vdev_of(struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

static int vhost_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct vhost_dev *d = vdev_of(dev);

	info->max_rx_queues = d->queues;
	info->max_tx_queues = d->queues;
	info->max_rx_pktlen = VHOST_MAX_FRAME;
	info->max_mtu = VHOST_MAX_FRAME - PRT_ETHER_HDR_CRC_LEN;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	return 0;
}

static int vhost_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				int socket_id, const struct prt_eth_rxconf *conf,
				struct prt_mempool *mp)
{
	struct vhost_vring *vr = &vdev_of(dev)->vr[2 * qid + 1];

	(void)nb_desc;
	(void)socket_id;
	(void)conf;
	vr->mp = mp; /* the port is stopped: no rx burst reads it */
	dev->data.rx_queues[qid] = vr;
	return 0;
}

static int vhost_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				int socket_id, const struct prt_eth_txconf *conf)
{
	(void)nb_desc;
	(void)socket_id;
	(void)conf;
	dev->data.tx_queues[qid] = &vdev_of(dev)->vr[2 * qid];
	return 0;
}

static int vhost_link_update(struct prt_eth_dev *dev, int wait)
{
	struct prt_eth_link link = {
		.link_speed = PRT_ETH_SPEED_NUM_10G,
		.link_duplex = 1,
		.link_status = prt_atomic_load(&vdev_of(dev)->link_up, memory_order_relaxed),
	};

	(void)wait;
	prt_eth_linkstatus_set(dev, &link);
	return 0;
}

static int vhost_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	struct vhost_dev *d = vdev_of(dev);

	prt_eth_sw_stats_get(dev, st, offsetof(struct vhost_vring, stats),
			     offsetof(struct vhost_vring, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++)
		st->rx_nombuf += prt_eth_counter_read(&d->vr[2 * i + 1].nombuf);
	return 0;
}

static int vhost_stats_reset(struct prt_eth_dev *dev)
{
	struct vhost_dev *d = vdev_of(dev);

	prt_eth_sw_stats_reset(dev, offsetof(struct vhost_vring, stats),
			       offsetof(struct vhost_vring, stats));
	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++) {
		prt_atomic_store(&d->vr[i].nombuf, 0, memory_order_relaxed);
		prt_atomic_store(&d->vr[i].bad_desc, 0, memory_order_relaxed);
		prt_atomic_store(&d->vr[i].too_big, 0, memory_order_relaxed);
		prt_atomic_store(&d->vr[i].stopped, 0, memory_order_relaxed);
	}
	return 0;
}

/* Driver xstats: what the front-end did wrong, and the connections it made. */
static const char *const vhost_xstat_names[] = {
	"vhost_bad_desc", /* chains refused (address, length, count, direction), both ways */
	"vhost_tx_too_big", /* frames larger than the front-end's rx buffers take */
	"vhost_ring_stopped", /* rings the front-end broke (an index or id out of range, a loop) */
	"vhost_malformed", /* messages that closed the connection */
	"vhost_connects",
};

static int vhost_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				  unsigned int n)
{
	(void)dev;
	if (names && n >= PRT_DIM(vhost_xstat_names))
		for (unsigned int i = 0; i < PRT_DIM(vhost_xstat_names); i++)
			snprintf(names[i].name, sizeof(names[i].name), "%s", vhost_xstat_names[i]);
	return PRT_DIM(vhost_xstat_names);
}

static int vhost_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xs, unsigned int n)
{
	struct vhost_dev *d = vdev_of(dev);

	if (xs == NULL || n < PRT_DIM(vhost_xstat_names))
		return PRT_DIM(vhost_xstat_names);
	memset(xs, 0, PRT_DIM(vhost_xstat_names) * sizeof(*xs));
	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++) {
		xs[0].value += prt_eth_counter_read(&d->vr[i].bad_desc);
		xs[1].value += prt_eth_counter_read(&d->vr[i].too_big);
		xs[2].value += prt_eth_counter_read(&d->vr[i].stopped);
	}
	pthread_mutex_lock(&d->lock);
	xs[3].value = d->malformed;
	xs[4].value = d->connects;
	pthread_mutex_unlock(&d->lock);
	return PRT_DIM(vhost_xstat_names);
}

static int vhost_close(struct prt_eth_dev *dev)
{
	struct vhost_dev *d = vdev_of(dev);

	vhost_backend_stop(d);
	pthread_mutex_destroy(&d->lock);
	return 0;
}

static const struct prt_eth_dev_ops vhost_ops = {
	.dev_close = vhost_close,
	.dev_infos_get = vhost_infos_get,
	.rx_queue_setup = vhost_rx_queue_setup,
	.tx_queue_setup = vhost_tx_queue_setup,
	.link_update = vhost_link_update,
	.promiscuous_enable = prt_eth_mode_noop,
	.promiscuous_disable = prt_eth_mode_noop,
	.allmulticast_enable = prt_eth_mode_noop,
	.allmulticast_disable = prt_eth_mode_noop,
	.stats_get = vhost_stats_get,
	.stats_reset = vhost_stats_reset,
	.xstats_get = vhost_xstats_get,
	.xstats_get_names = vhost_xstats_get_names,
};

static int vhost_devargs(const char *name, const char *args, struct vhost_dev *d)
{
	static const char *const keys[] = { "iface", "queues", "client", NULL };
	uint64_t queues = 1;
	const char *iface;
	struct kvargs *kv;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	iface = kvargs_get(kv, "iface");
	if (iface == NULL || *iface == '\0' || strlen(iface) >= sizeof(d->path)) {
		VHOST_LOG(ERR, "%s: give the socket: iface=PATH (at most %zu characters)", name,
			  sizeof(d->path) - 1);
		ret = -EINVAL;
		goto out;
	}
	snprintf(d->path, sizeof(d->path), "%s", iface);
	ret = kvargs_get_uint(kv, "queues", 1, VHOST_MAX_QUEUE_PAIRS, &queues);
	if (ret == 0)
		ret = kvargs_get_bool(kv, "client", &d->client);
	d->queues = (uint16_t)queues;
out:
	kvargs_free(kv);
	return ret;
}

static int vhost_probe(const char *name, const char *args)
{
	struct vhost_dev *d;
	struct prt_eth_dev *dev;
	int ret;

	dev = prt_eth_dev_allocate(name, sizeof(*d));
	if (dev == NULL) {
		VHOST_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	d = dev->dev_private;
	d->eth = dev;
	d->listen_fd = d->conn_fd = d->timer_fd = -1;
	for (unsigned int i = 0; i < VHOST_MAX_VRINGS; i++) {
		struct vhost_vring *vr = &d->vr[i];

		vr->kickfd = vr->callfd = vr->errfd = -1;
		vr->addr.index = i;
		vr->port_id = dev->data.port_id;
	}
	pthread_mutex_init(&d->lock, NULL);
	ret = vhost_devargs(name, args, d);
	if (ret < 0)
		goto fail;
	/* A made-up local address, as DPDK's net_vhost has one: 56:48:4f:53:54:<port>. */
	dev->data.mac_addr = (struct prt_ether_addr){ { 0x56, 0x48, 0x4f, 0x53, 0x54,
							(uint8_t)dev->data.port_id } };
	dev->data.dev_flags |= PRT_ETH_DEV_INTR_LSC;
	dev->driver = &vhost_driver;
	dev->dev_ops = &vhost_ops;
	dev->rx_pkt_burst = vhost_rx_burst;
	dev->tx_pkt_burst = vhost_tx_burst;
	ret = vhost_backend_start(d);
	if (ret < 0)
		goto fail;
	prt_eth_dev_probing_finish(dev);
	return 0;
fail:
	pthread_mutex_destroy(&d->lock);
	prt_eth_dev_release(dev);
	return ret;
}

static struct prt_eth_driver vhost_driver = {
	.name = "net_vhost",
	.vdev_params = "iface=<path>,queues=<n>,client=<0|1>",
	.probe_vdev = vhost_probe,
};

PRT_ETH_DRIVER_REGISTER(vhost_driver)
