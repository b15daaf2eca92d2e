/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: the basic counters (struct prt_eth_stats) from the driver, and
 * extended statistics: the basic ones by name, per queue, then the driver's.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "ethdev_driver.h"

int prt_eth_stats_get(uint16_t port_id, struct prt_eth_stats *stats)
{
	struct prt_eth_dev *dev;
	int ret = 0;

	GET_DEV_OR_RET(port_id, dev);
	if (stats == NULL)
		return -EINVAL;
	memset(stats, 0, sizeof(*stats));
	if (dev->dev_ops->stats_get)
		ret = dev->dev_ops->stats_get(dev, stats);
	stats->rx_nombuf +=
		atomic_load_explicit(&dev->data.rx_mbuf_alloc_failed, memory_order_relaxed);
	return ret;
}

int prt_eth_stats_reset(uint16_t port_id)
{
	struct prt_eth_dev *dev;
	int ret = 0;

	GET_DEV_OR_RET(port_id, dev);
	if (dev->dev_ops->stats_reset)
		ret = dev->dev_ops->stats_reset(dev);
	atomic_store_explicit(&dev->data.rx_mbuf_alloc_failed, 0, memory_order_relaxed);
	return ret;
}

/* The basic counters, named as DPDK's generic xstats. */
static const struct {
	const char *name;
	size_t offset;
} basic_xstats[] = {
	{ "rx_good_packets", offsetof(struct prt_eth_stats, ipackets) },
	{ "tx_good_packets", offsetof(struct prt_eth_stats, opackets) },
	{ "rx_good_bytes", offsetof(struct prt_eth_stats, ibytes) },
	{ "tx_good_bytes", offsetof(struct prt_eth_stats, obytes) },
	{ "rx_missed_errors", offsetof(struct prt_eth_stats, imissed) },
	{ "rx_errors", offsetof(struct prt_eth_stats, ierrors) },
	{ "tx_errors", offsetof(struct prt_eth_stats, oerrors) },
	{ "rx_mbuf_allocation_errors", offsetof(struct prt_eth_stats, rx_nombuf) },
};

/* Per-queue counters: rx_qN_packets, ... */
static const struct {
	const char *fmt;
	size_t offset;
	bool rx;
} queue_xstats[] = {
	{ "rx_q%u_packets", offsetof(struct prt_eth_stats, q_ipackets), true },
	{ "rx_q%u_bytes", offsetof(struct prt_eth_stats, q_ibytes), true },
	{ "rx_q%u_errors", offsetof(struct prt_eth_stats, q_errors), true },
	{ "tx_q%u_packets", offsetof(struct prt_eth_stats, q_opackets), false },
	{ "tx_q%u_bytes", offsetof(struct prt_eth_stats, q_obytes), false },
};

static unsigned int nb_queue_counted(uint16_t nb_queues)
{
	return PRT_MIN(nb_queues, (uint16_t)PRT_ETHDEV_QUEUE_STAT_CNTRS);
}

/* Number of generic xstats of @dev. */
static unsigned int generic_count(const struct prt_eth_dev *dev)
{
	unsigned int n = PRT_DIM(basic_xstats);

	for (unsigned int i = 0; i < PRT_DIM(queue_xstats); i++)
		n += nb_queue_counted(queue_xstats[i].rx ? dev->data.nb_rx_queues :
							   dev->data.nb_tx_queues);
	return n;
}

static int driver_count(struct prt_eth_dev *dev)
{
	if (dev->dev_ops->xstats_get_names == NULL)
		return 0;
	return dev->dev_ops->xstats_get_names(dev, NULL, 0);
}

int prt_eth_xstats_get_names(uint16_t port_id, struct prt_eth_xstat_name *names, unsigned int size)
{
	struct prt_eth_dev *dev;
	unsigned int n, k = 0;
	int drv;

	GET_DEV_OR_RET(port_id, dev);
	n = generic_count(dev);
	drv = driver_count(dev);
	if (drv < 0)
		return drv;
	if (names == NULL || size < n + (unsigned int)drv)
		return (int)n + drv;
	for (unsigned int i = 0; i < PRT_DIM(basic_xstats); i++)
		snprintf(names[k++].name, PRT_ETH_XSTATS_NAME_SIZE, "%s", basic_xstats[i].name);
	for (unsigned int i = 0; i < PRT_DIM(queue_xstats); i++) {
		unsigned int nq = nb_queue_counted(queue_xstats[i].rx ? dev->data.nb_rx_queues :
									dev->data.nb_tx_queues);

		for (unsigned int q = 0; q < nq; q++)
			snprintf(names[k++].name, PRT_ETH_XSTATS_NAME_SIZE, queue_xstats[i].fmt, q);
	}
	if (drv > 0)
		dev->dev_ops->xstats_get_names(dev, names + n, (unsigned int)drv);
	return (int)n + drv;
}

int prt_eth_xstats_get(uint16_t port_id, struct prt_eth_xstat *xstats, unsigned int size)
{
	struct prt_eth_stats stats;
	struct prt_eth_dev *dev;
	unsigned int n, k = 0;
	int drv, ret;

	GET_DEV_OR_RET(port_id, dev);
	n = generic_count(dev);
	drv = driver_count(dev);
	if (drv < 0)
		return drv;
	if (xstats == NULL || size < n + (unsigned int)drv)
		return (int)n + drv;
	ret = prt_eth_stats_get(port_id, &stats);
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < PRT_DIM(basic_xstats); i++, k++)
		xstats[k] = (struct prt_eth_xstat){
			k, *(const uint64_t *)((const char *)&stats + basic_xstats[i].offset)
		};
	for (unsigned int i = 0; i < PRT_DIM(queue_xstats); i++) {
		const uint64_t *v =
			(const uint64_t *)((const char *)&stats + queue_xstats[i].offset);
		unsigned int nq = nb_queue_counted(queue_xstats[i].rx ? dev->data.nb_rx_queues :
									dev->data.nb_tx_queues);

		for (unsigned int q = 0; q < nq; q++, k++)
			xstats[k] = (struct prt_eth_xstat){ k, v[q] };
	}
	if (drv > 0) {
		ret = dev->dev_ops->xstats_get(dev, xstats + n, (unsigned int)drv);
		if (ret < 0)
			return ret;
		for (int i = 0; i < drv; i++)
			xstats[n + (unsigned int)i].id = n + (unsigned int)i;
	}
	return (int)n + drv;
}

int prt_eth_xstats_get_by_name(uint16_t port_id, const char *name, uint64_t *value)
{
	struct prt_eth_xstat_name *names = NULL;
	struct prt_eth_xstat *xstats = NULL;
	int n, ret = -ENOENT;

	n = prt_eth_xstats_get_names(port_id, NULL, 0);
	if (n < 0)
		return n;
	names = calloc((size_t)n, sizeof(*names));
	xstats = calloc((size_t)n, sizeof(*xstats));
	if (names == NULL || xstats == NULL) {
		ret = -ENOMEM;
		goto out;
	}
	if (prt_eth_xstats_get_names(port_id, names, (unsigned int)n) != n ||
	    prt_eth_xstats_get(port_id, xstats, (unsigned int)n) != n) {
		ret = -EAGAIN; /* the queue count changed in between */
		goto out;
	}
	for (int i = 0; i < n; i++)
		if (strcmp(names[i].name, name) == 0) {
			*value = xstats[i].value;
			ret = 0;
			break;
		}
out:
	free(names);
	free(xstats);
	return ret;
}

int prt_eth_xstats_reset(uint16_t port_id)
{
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	ret = prt_eth_stats_reset(port_id);
	if (ret == 0 && dev->dev_ops->xstats_reset)
		ret = dev->dev_ops->xstats_reset(dev);
	return ret;
}
