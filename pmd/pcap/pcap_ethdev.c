/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_pcap: a port that reads and writes capture files or kernel interfaces
 * through libpcap, with DPDK's pcap PMD devargs:
 *
 *   rx_pcap=FILE   an rx queue reading FILE (pcap or pcapng, Ethernet);
 *                  its end is an end of input (prt_eth_rx_queue_eof())
 *   tx_pcap=FILE   a tx queue writing FILE (pcap, created or truncated)
 *   rx_iface=IF    an rx queue capturing on interface IF
 *   tx_iface=IF    a tx queue sending on interface IF
 *   iface=IF       both
 *   infinite_rx=1  start each rx_pcap file again at its end
 *
 * Files and interfaces are opened at probe, so a missing or corrupt file or
 * an interface that does not exist stops prt_eal_init() with one line.
 * A port without an rx source has one rx queue that never receives (and has
 * ended); one without a tx sink has one tx queue that drops and counts.
 */
#include <errno.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#include "kvargs.h"
#include "pcap_private.h"
#include "prt_atomic.h"
#include "prt_mbuf.h"

PRT_LOG_REGISTER(eth_pcap_logtype, pmd.net.pcap, NOTICE);

static struct prt_eth_driver eth_pcap_driver;

static int eth_pcap_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info)
{
	struct eth_pcap_private *priv = dev->dev_private;

	info->max_rx_queues = (uint16_t)(priv->rx_none ? 1 : priv->nb_rx);
	info->max_tx_queues = (uint16_t)(priv->tx_none ? 1 : priv->nb_tx);
	info->max_rx_pktlen = PCAP_SNAPLEN;
	info->max_mtu = UINT16_MAX - PRT_ETHER_HDR_CRC_LEN;
	info->rx_offload_capa = PRT_ETH_RX_OFFLOAD_SCATTER;
	info->tx_offload_capa = PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	return 0;
}

static int eth_pcap_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				   int socket, const struct prt_eth_rxconf *conf,
				   struct prt_mempool *mp)
{
	struct eth_pcap_private *priv = dev->dev_private;
	struct eth_pcap_rx_queue *q = &priv->rxq[qid];

	(void)nb_desc;
	(void)socket;
	(void)conf;
	q->mp = mp;
	q->port_id = dev->data.port_id;
	q->max_frame = dev->data.mtu + PRT_ETHER_HDR_CRC_LEN;
	dev->data.rx_queues[qid] = q;
	return 0;
}

static int eth_pcap_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc,
				   int socket, const struct prt_eth_txconf *conf)
{
	struct eth_pcap_private *priv = dev->dev_private;

	(void)nb_desc;
	(void)socket;
	(void)conf;
	dev->data.tx_queues[qid] = &priv->txq[qid];
	return 0;
}

static int eth_pcap_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	struct eth_pcap_private *priv = dev->dev_private;

	for (unsigned int q = 0; q < PCAP_MAX_QUEUES; q++)
		priv->rxq[q].max_frame = mtu + PRT_ETHER_HDR_CRC_LEN;
	return 0;
}

static int eth_pcap_dev_stop(struct prt_eth_dev *dev)
{
	struct eth_pcap_private *priv = dev->dev_private;

	for (unsigned int q = 0; q < priv->nb_tx; q++)
		if (priv->txq[q].dumper)
			pcap_dump_flush(priv->txq[q].dumper);
	return 0;
}

static int eth_pcap_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *st)
{
	struct eth_pcap_private *priv = dev->dev_private;

	prt_eth_sw_stats_get(dev, st, offsetof(struct eth_pcap_rx_queue, stats),
			     offsetof(struct eth_pcap_tx_queue, stats));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++)
		st->rx_nombuf += prt_eth_counter_read(&priv->rxq[i].nombuf);
	return 0;
}

static int eth_pcap_stats_reset(struct prt_eth_dev *dev)
{
	struct eth_pcap_private *priv = dev->dev_private;

	prt_eth_sw_stats_reset(dev, offsetof(struct eth_pcap_rx_queue, stats),
			       offsetof(struct eth_pcap_tx_queue, stats));
	for (unsigned int i = 0; i < PCAP_MAX_QUEUES; i++) {
		struct eth_pcap_rx_queue *r = &priv->rxq[i];
		uint64_t *c[] = { &r->oversize, &r->runts, &r->read_errors, &r->nombuf,
				  &r->truncated };

		for (unsigned int k = 0; k < PRT_DIM(c); k++)
			prt_atomic_store(c[k], 0, memory_order_relaxed);
	}
	return 0;
}

/*
 * Driver xstats, summed over the queues: why frames were dropped on rx, and
 * the records delivered shorter than the frame was (caplen < len).
 */
static const char *const eth_pcap_xstat_names[] = {
	"rx_oversize_errors",
	"rx_runt_errors",
	"rx_read_errors",
	"rx_truncated",
};

static int eth_pcap_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				     unsigned int n)
{
	(void)dev;
	if (names && n >= PRT_DIM(eth_pcap_xstat_names))
		for (unsigned int i = 0; i < PRT_DIM(eth_pcap_xstat_names); i++)
			snprintf(names[i].name, sizeof(names[i].name), "%s",
				 eth_pcap_xstat_names[i]);
	return PRT_DIM(eth_pcap_xstat_names);
}

static int eth_pcap_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xs, unsigned int n)
{
	struct eth_pcap_private *priv = dev->dev_private;

	if (xs == NULL || n < PRT_DIM(eth_pcap_xstat_names))
		return PRT_DIM(eth_pcap_xstat_names);
	memset(xs, 0, PRT_DIM(eth_pcap_xstat_names) * sizeof(*xs));
	for (uint16_t i = 0; i < dev->data.nb_rx_queues; i++) {
		xs[0].value += prt_eth_counter_read(&priv->rxq[i].oversize);
		xs[1].value += prt_eth_counter_read(&priv->rxq[i].runts);
		xs[2].value += prt_eth_counter_read(&priv->rxq[i].read_errors);
		xs[3].value += prt_eth_counter_read(&priv->rxq[i].truncated);
	}
	return PRT_DIM(eth_pcap_xstat_names);
}

static int eth_pcap_rx_queue_eof(struct prt_eth_dev *dev, uint16_t qid)
{
	struct eth_pcap_private *priv = dev->dev_private;

	if (priv->rx_none)
		return 1;
	return atomic_load_explicit(&priv->rxq[qid].eof, memory_order_acquire);
}

static int eth_pcap_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid)
{
	struct eth_pcap_private *priv = dev->dev_private;
	int fd;

	if (priv->rx_none || !priv->rxq[qid].live)
		return -ENOTSUP;
	fd = pcap_get_selectable_fd(priv->rxq[qid].pcap);
	return fd >= 0 ? fd : -ENOTSUP;
}

static void eth_pcap_queues_close(struct eth_pcap_private *priv)
{
	for (unsigned int i = 0; i < PCAP_MAX_QUEUES; i++) {
		struct eth_pcap_rx_queue *r = &priv->rxq[i];
		struct eth_pcap_tx_queue *t = &priv->txq[i];

		if (r->pcap)
			pcap_close(r->pcap);
		free(r->path);
		if (t->dumper)
			pcap_dump_close(t->dumper);
		if (t->pcap)
			pcap_close(t->pcap);
		free(t->gather);
	}
}

static int eth_pcap_dev_close(struct prt_eth_dev *dev)
{
	eth_pcap_queues_close(dev->dev_private);
	return 0;
}

static const struct prt_eth_dev_ops eth_pcap_ops = {
	.dev_stop = eth_pcap_dev_stop,
	.dev_close = eth_pcap_dev_close,
	.dev_infos_get = eth_pcap_infos_get,
	.rx_queue_setup = eth_pcap_rx_queue_setup,
	.tx_queue_setup = eth_pcap_tx_queue_setup,
	.link_update = prt_eth_link_update_virtual,
	.promiscuous_enable = prt_eth_mode_noop,
	.promiscuous_disable = prt_eth_mode_noop,
	.allmulticast_enable = prt_eth_mode_noop,
	.allmulticast_disable = prt_eth_mode_noop,
	.mtu_set = eth_pcap_mtu_set,
	.stats_get = eth_pcap_stats_get,
	.stats_reset = eth_pcap_stats_reset,
	.xstats_get = eth_pcap_xstats_get,
	.xstats_get_names = eth_pcap_xstats_get_names,
	.rx_queue_intr_fd = eth_pcap_rx_queue_intr_fd,
	.rx_queue_eof = eth_pcap_rx_queue_eof,
};

/* ---- probe: devargs to open files and interfaces ---- */

struct eth_pcap_probe {
	const char *dev;
	struct eth_pcap_private *priv;
	bool infinite;
};

/* Opens interface @ifname live, non-blocking, for rx and/or tx. */
static pcap_t *eth_pcap_open_iface(const char *dev, const char *ifname)
{
	char errbuf[PCAP_ERRBUF_SIZE];
	pcap_t *p = pcap_create(ifname, errbuf);
	int ret;

	if (p == NULL) {
		PCAP_LOG(ERR, "%s: interface '%s': %s", dev, ifname, errbuf);
		return NULL;
	}
	pcap_set_snaplen(p, PCAP_SNAPLEN);
	pcap_set_promisc(p, 1);
	pcap_set_immediate_mode(p, 1);
	ret = pcap_activate(p);
	if (ret < 0) {
		PCAP_LOG(ERR, "%s: interface '%s': %s%s", dev, ifname, pcap_geterr(p),
			 ret == PCAP_ERROR_NO_SUCH_DEVICE ? " (see `ip link` for the interfaces)" :
			 ret == PCAP_ERROR_PERM_DENIED ? " (capturing needs root or CAP_NET_RAW)" :
							 "");
		pcap_close(p);
		return NULL;
	}
	if (pcap_setnonblock(p, 1, errbuf) < 0) {
		PCAP_LOG(ERR, "%s: interface '%s': %s", dev, ifname, errbuf);
		pcap_close(p);
		return NULL;
	}
	return p;
}

static struct eth_pcap_rx_queue *rx_slot(struct eth_pcap_probe *pr)
{
	if (pr->priv->nb_rx == PCAP_MAX_QUEUES) {
		PCAP_LOG(ERR, "%s: more than %d rx sources", pr->dev, PCAP_MAX_QUEUES);
		return NULL;
	}
	return &pr->priv->rxq[pr->priv->nb_rx];
}

static struct eth_pcap_tx_queue *tx_slot(struct eth_pcap_probe *pr)
{
	struct eth_pcap_tx_queue *q;

	if (pr->priv->nb_tx == PCAP_MAX_QUEUES) {
		PCAP_LOG(ERR, "%s: more than %d tx sinks", pr->dev, PCAP_MAX_QUEUES);
		return NULL;
	}
	q = &pr->priv->txq[pr->priv->nb_tx];
	q->gather = malloc(PCAP_SNAPLEN);
	return q->gather ? q : NULL;
}

static int add_rx_pcap(const char *path, void *opaque)
{
	struct eth_pcap_probe *pr = opaque;
	struct eth_pcap_rx_queue *q = rx_slot(pr);
	int ret;

	if (q == NULL)
		return -E2BIG;
	q->path = strdup(path);
	if (q->path == NULL)
		return -ENOMEM;
	ret = eth_pcap_rx_open_file(pr->dev, path, q);
	if (ret < 0)
		return ret;
	q->infinite = pr->infinite;
	pr->priv->nb_rx++;
	return 0;
}

static int add_rx_iface(const char *ifname, void *opaque)
{
	struct eth_pcap_probe *pr = opaque;
	struct eth_pcap_rx_queue *q = rx_slot(pr);

	if (q == NULL)
		return -E2BIG;
	q->pcap = eth_pcap_open_iface(pr->dev, ifname);
	if (q->pcap == NULL)
		return -ENODEV;
	q->live = true;
	pr->priv->nb_rx++;
	return 0;
}

static int add_tx_pcap(const char *path, void *opaque)
{
	struct eth_pcap_probe *pr = opaque;
	struct eth_pcap_tx_queue *q = tx_slot(pr);

	if (q == NULL)
		return -ENOMEM;
	q->pcap = pcap_open_dead(DLT_EN10MB, PCAP_SNAPLEN);
	if (q->pcap == NULL)
		return -ENOMEM;
	q->dumper = pcap_dump_open(q->pcap, path);
	if (q->dumper == NULL) {
		PCAP_LOG(ERR, "%s: cannot write capture file '%s': %s", pr->dev, path,
			 pcap_geterr(q->pcap));
		return -EINVAL;
	}
	pr->priv->nb_tx++;
	return 0;
}

static int add_tx_iface(const char *ifname, void *opaque)
{
	struct eth_pcap_probe *pr = opaque;
	struct eth_pcap_tx_queue *q = tx_slot(pr);

	if (q == NULL)
		return -ENOMEM;
	q->pcap = eth_pcap_open_iface(pr->dev, ifname);
	if (q->pcap == NULL)
		return -ENODEV;
	q->live = true;
	pr->priv->nb_tx++;
	return 0;
}

static int add_iface(const char *ifname, void *opaque)
{
	int ret = add_rx_iface(ifname, opaque);

	return ret < 0 ? ret : add_tx_iface(ifname, opaque);
}

static int eth_pcap_devargs_apply(const char *name, const char *args, struct eth_pcap_private *priv)
{
	static const char *const keys[] = { "rx_pcap", "tx_pcap",     "rx_iface", "tx_iface",
					    "iface",   "infinite_rx", NULL };
	static const struct {
		const char *key;
		int (*fn)(const char *, void *);
	} sources[] = {
		{ "rx_pcap", add_rx_pcap }, { "rx_iface", add_rx_iface },
		{ "tx_pcap", add_tx_pcap }, { "tx_iface", add_tx_iface },
		{ "iface", add_iface },
	};
	struct eth_pcap_probe pr = { .dev = name, .priv = priv };
	struct kvargs *kv;
	int ret;

	ret = kvargs_parse(name, args, keys, &kv);
	if (ret < 0)
		return ret;
	ret = kvargs_get_bool(kv, "infinite_rx", &pr.infinite);
	if (ret == 0 && kvargs_count(kv, "rx_pcap") + kvargs_count(kv, "rx_iface") +
					kvargs_count(kv, "tx_pcap") + kvargs_count(kv, "tx_iface") +
					kvargs_count(kv, "iface") ==
				0) {
		PCAP_LOG(
			ERR,
			"%s: no capture file or interface; give rx_pcap=FILE, tx_pcap=FILE, iface=IF, rx_iface=IF or tx_iface=IF",
			name);
		ret = -EINVAL;
	}
	for (unsigned int i = 0; ret == 0 && i < PRT_DIM(sources); i++)
		ret = kvargs_process(kv, sources[i].key, sources[i].fn, &pr);
	kvargs_free(kv);
	return ret;
}

static int eth_pcap_probe(const char *name, const char *args)
{
	struct eth_pcap_private *priv;
	struct prt_eth_dev *dev;
	int ret;

	dev = prt_eth_dev_allocate(name, sizeof(*priv));
	if (dev == NULL) {
		PCAP_LOG(ERR, "%s: cannot create the port: %s", name, strerror(errno));
		return -errno;
	}
	priv = dev->dev_private;
	ret = eth_pcap_devargs_apply(name, args, priv);
	if (ret < 0) {
		eth_pcap_queues_close(priv);
		prt_eth_dev_release(dev);
		return ret;
	}
	priv->rx_none = priv->nb_rx == 0;
	priv->tx_none = priv->nb_tx == 0;
	dev->driver = &eth_pcap_driver;
	dev->dev_ops = &eth_pcap_ops;
	dev->rx_pkt_burst = priv->rx_none ? eth_pcap_rx_none_burst : eth_pcap_rx_burst;
	dev->tx_pkt_burst = priv->tx_none ? eth_pcap_tx_drop_burst : eth_pcap_tx_burst;
	prt_eth_random_addr(&dev->data.mac_addr);
	prt_eth_dev_probing_finish(dev);
	return 0;
}

static struct prt_eth_driver eth_pcap_driver = {
	.name = "net_pcap",
	.vdev_params = "rx_pcap=<file>,tx_pcap=<file>,rx_iface=<if>,tx_iface=<if>,iface=<if>,"
		       "infinite_rx=<0|1>",
	.probe_vdev = eth_pcap_probe,
};

PRT_ETH_DRIVER_REGISTER(eth_pcap_driver)
