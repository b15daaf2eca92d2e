/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Port controls outside the life cycle: link state, promiscuous and
 * all-multicast modes, MTU, RSS, end of input. Addresses: ethdev_mac.c.
 */
#include <errno.h>
#include <time.h>

#include "ethdev_driver.h"

/* How long prt_eth_link_get() waits for a link to come up, as DPDK (9 s). */
#define LINK_WAIT_MS 9000
#define LINK_POLL_MS 100

static int link_read(uint16_t port_id, struct prt_eth_link *link, int wait)
{
	struct prt_eth_dev *dev;
	int ret = 0;

	GET_DEV_OR_RET(port_id, dev);
	if (link == NULL)
		return -EINVAL;
	if (dev->data.dev_conf.intr_conf.lsc && dev->data.started) {
		/* The link-state interrupt keeps it current (as DPDK): no driver call. */
		prt_eth_linkstatus_get(dev, link);
		return 0;
	}
	if (dev->dev_ops->link_update) {
		ret = dev->dev_ops->link_update(dev, 0);
		for (int waited = 0; ret >= 0 && wait && dev->data.started &&
				     !dev->data.link.link_status && waited < LINK_WAIT_MS;
		     waited += LINK_POLL_MS) {
			nanosleep(&(struct timespec){ .tv_nsec = LINK_POLL_MS * 1000000L }, NULL);
			ret = dev->dev_ops->link_update(dev, 1);
		}
	}
	prt_eth_linkstatus_get(dev, link);
	return ret < 0 ? ret : 0;
}

int prt_eth_link_get(uint16_t port_id, struct prt_eth_link *link)
{
	return link_read(port_id, link, 1);
}

int prt_eth_link_get_nowait(uint16_t port_id, struct prt_eth_link *link)
{
	return link_read(port_id, link, 0);
}

/* Calls @op (NULL: -ENOTSUP) and records @value in @flag when it succeeds. */
static int mode_set(struct prt_eth_dev *dev, int (*op)(struct prt_eth_dev *), bool *flag,
		    bool value)
{
	int ret;

	if (op == NULL)
		return -ENOTSUP;
	ret = op(dev);
	if (ret == 0)
		*flag = value;
	return ret;
}

int prt_eth_promiscuous_enable(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return mode_set(dev, dev->dev_ops->promiscuous_enable, &dev->data.promiscuous, true);
}

int prt_eth_promiscuous_disable(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return mode_set(dev, dev->dev_ops->promiscuous_disable, &dev->data.promiscuous, false);
}

int prt_eth_allmulticast_enable(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return mode_set(dev, dev->dev_ops->allmulticast_enable, &dev->data.all_multicast, true);
}

int prt_eth_allmulticast_disable(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return mode_set(dev, dev->dev_ops->allmulticast_disable, &dev->data.all_multicast, false);
}

int prt_eth_promiscuous_get(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return dev->data.promiscuous;
}

int prt_eth_allmulticast_get(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	return dev->data.all_multicast;
}

int prt_eth_dev_get_mtu(uint16_t port_id, uint16_t *mtu)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	if (mtu == NULL)
		return -EINVAL;
	*mtu = dev->data.mtu;
	return 0;
}

int prt_eth_dev_set_mtu(uint16_t port_id, uint16_t mtu)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (mtu < info.min_mtu || mtu > info.max_mtu) {
		ETHDEV_LOG(ERR, "port %u (%s): MTU %u is outside the port's range %u..%u", port_id,
			   dev->data.name, mtu, info.min_mtu, info.max_mtu);
		return -EINVAL;
	}
	if (dev->dev_ops->mtu_set) {
		ret = dev->dev_ops->mtu_set(dev, mtu);
		if (ret < 0)
			return ret;
	}
	dev->data.mtu = mtu;
	dev->data.dev_conf.rxmode.mtu = mtu;
	return 0;
}

int prt_eth_dev_rss_hash_update(uint16_t port_id, struct prt_eth_rss_conf *rss_conf)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (rss_conf == NULL)
		return -EINVAL;
	if (dev->dev_ops->rss_hash_update == NULL)
		return -ENOTSUP;
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (rss_conf->rss_hf & ~info.flow_type_rss_offloads) {
		ETHDEV_LOG(ERR, "port %u: RSS hash functions 0x%llx are not supported", port_id,
			   (unsigned long long)(rss_conf->rss_hf & ~info.flow_type_rss_offloads));
		return -EINVAL;
	}
	if (rss_conf->rss_key && rss_conf->rss_key_len != info.hash_key_size) {
		ETHDEV_LOG(ERR, "port %u: an RSS key of %u bytes; the port takes %u", port_id,
			   rss_conf->rss_key_len, info.hash_key_size);
		return -EINVAL;
	}
	return dev->dev_ops->rss_hash_update(dev, rss_conf);
}

int prt_eth_dev_rss_reta_update(uint16_t port_id, const uint16_t *reta, uint16_t reta_size)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (dev->dev_ops->reta_update == NULL)
		return -ENOTSUP;
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (reta == NULL || reta_size != info.reta_size) {
		ETHDEV_LOG(ERR, "port %u: a redirection table of %u entries; the port has %u",
			   port_id, reta_size, info.reta_size);
		return -EINVAL;
	}
	for (uint16_t i = 0; i < reta_size; i++)
		if (reta[i] >= dev->data.nb_rx_queues) {
			ETHDEV_LOG(ERR, "port %u: redirection entry %u names rx queue %u of %u",
				   port_id, i, reta[i], dev->data.nb_rx_queues);
			return -EINVAL;
		}
	return dev->dev_ops->reta_update(dev, reta, reta_size);
}

int prt_eth_rx_queue_eof(uint16_t port_id, uint16_t queue_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	if (queue_id >= dev->data.nb_rx_queues)
		return -EINVAL;
	if (dev->dev_ops->rx_queue_eof == NULL || dev->data.rx_queues[queue_id] == NULL)
		return 0;
	return dev->dev_ops->rx_queue_eof(dev, queue_id);
}

int prt_eth_rx_eof(uint16_t port_id)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	int ret = 1;

	if (!dev->data.started || dev->data.nb_rx_queues == 0)
		return 0;
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		int eof = prt_eth_rx_queue_eof(port_id, q);

		if (eof == 0)
			return 0;
		if (eof < 0)
			ret = eof;
	}
	return ret;
}
