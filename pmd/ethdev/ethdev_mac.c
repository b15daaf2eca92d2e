/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A port's addresses: the default MAC address, the secondary unicast
 * addresses beside it (the address table dev->data.mac_addrs, slot 0 the
 * default one) and the multicast list (dev->data.mc_addrs). The checks and
 * the bookkeeping are here, as in DPDK's rte_ethdev.c; drivers only program
 * what passed them.
 */
#include <errno.h>
#include <string.h>

#include "ethdev_driver.h"

static const struct prt_ether_addr zero_addr;

/* The slot of @addr in the address table of @dev (0: the default); -1 when absent or zero. */
static int mac_addr_index(const struct prt_eth_dev *dev, const struct prt_ether_addr *addr)
{
	if (prt_is_same_ether_addr(addr, &zero_addr))
		return -1; /* a free slot, never an address */
	for (int i = 0; i < PRT_ETH_MAX_MAC_ADDRS; i++)
		if (prt_is_same_ether_addr(&dev->data.mac_addrs[i], addr))
			return i;
	return -1;
}

/* The first free secondary slot below @max; -1 when the table is full. */
static int mac_addr_free_slot(const struct prt_eth_dev *dev, uint32_t max)
{
	for (uint32_t i = 1; i < max; i++)
		if (prt_is_same_ether_addr(&dev->data.mac_addrs[i], &zero_addr))
			return (int)i;
	return -1;
}

int prt_eth_macaddr_get(uint16_t port_id, struct prt_ether_addr *mac_addr)
{
	struct prt_eth_dev *dev;

	GET_DEV_OR_RET(port_id, dev);
	if (mac_addr == NULL)
		return -EINVAL;
	*mac_addr = dev->data.mac_addr;
	return 0;
}

int prt_eth_dev_default_mac_addr_set(uint16_t port_id, struct prt_ether_addr *mac_addr)
{
	struct prt_eth_dev *dev;
	int ret = 0;

	GET_DEV_OR_RET(port_id, dev);
	if (mac_addr == NULL || !prt_is_valid_assigned_ether_addr(mac_addr)) {
		ETHDEV_LOG(ERR, "port %u: a port's address must be unicast and not zero", port_id);
		return -EINVAL;
	}
	if (mac_addr_index(dev, mac_addr) > 0) {
		/* One address in two slots would outlive its removal from one of them. */
		ETHDEV_LOG(
			ERR,
			"port %u: the new default address is one of the port's secondary addresses; remove it with prt_eth_dev_mac_addr_remove() first",
			port_id);
		return -EEXIST;
	}
	if (dev->dev_ops->mac_addr_set)
		ret = dev->dev_ops->mac_addr_set(dev, mac_addr);
	if (ret == 0)
		dev->data.mac_addr = *mac_addr;
	return ret;
}

int prt_eth_dev_mac_addr_add(uint16_t port_id, struct prt_ether_addr *addr, uint32_t pool)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret, slot;

	GET_DEV_OR_RET(port_id, dev);
	if (addr == NULL)
		return -EINVAL;
	if (dev->dev_ops->mac_addr_add == NULL)
		return -ENOTSUP;
	if (!prt_is_valid_assigned_ether_addr(addr)) {
		ETHDEV_LOG(
			ERR,
			"port %u: a secondary address must be unicast and not zero (multicast groups go to prt_eth_dev_set_mc_addr_list())",
			port_id);
		return -EINVAL;
	}
	if (pool != 0) {
		ETHDEV_LOG(ERR, "port %u: VMDq pool %u asked for; prt has no pools: pass 0",
			   port_id, pool);
		return -EINVAL;
	}
	if (mac_addr_index(dev, addr) >= 0)
		return 0; /* already there (as DPDK) */
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	slot = mac_addr_free_slot(dev, info.max_mac_addrs);
	if (slot < 0) {
		ETHDEV_LOG(
			ERR,
			"port %u (%s): the address table is full (%u addresses, the default one included); remove one first",
			port_id, dev->data.name, info.max_mac_addrs);
		return -ENOSPC;
	}
	dev->data.mac_addrs[slot] = *addr;
	ret = dev->dev_ops->mac_addr_add(dev, addr, (uint32_t)slot);
	if (ret < 0)
		dev->data.mac_addrs[slot] = zero_addr;
	return ret;
}

int prt_eth_dev_mac_addr_remove(uint16_t port_id, struct prt_ether_addr *addr)
{
	struct prt_eth_dev *dev;
	int ret, slot;

	GET_DEV_OR_RET(port_id, dev);
	if (addr == NULL)
		return -EINVAL;
	if (dev->dev_ops->mac_addr_remove == NULL)
		return -ENOTSUP;
	slot = mac_addr_index(dev, addr);
	if (slot == 0) {
		ETHDEV_LOG(
			ERR,
			"port %u: the port's default address cannot be removed; replace it with prt_eth_dev_default_mac_addr_set()",
			port_id);
		return -EADDRINUSE;
	}
	if (slot < 0)
		return 0; /* not there: nothing to do (as DPDK) */
	dev->data.mac_addrs[slot] = zero_addr;
	ret = dev->dev_ops->mac_addr_remove(dev, (uint32_t)slot);
	if (ret < 0)
		dev->data.mac_addrs[slot] = *addr;
	return ret;
}

int prt_eth_macaddrs_get(uint16_t port_id, struct prt_ether_addr *ma, unsigned int num)
{
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (ma == NULL)
		return -EINVAL;
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	num = PRT_MIN(num, info.max_mac_addrs);
	memcpy(ma, dev->data.mac_addrs, num * sizeof(ma[0]));
	return (int)num;
}

int prt_eth_dev_set_mc_addr_list(uint16_t port_id, struct prt_ether_addr *mc_addr_set,
				 uint32_t nb_mc_addr)
{
	struct prt_ether_addr old[PRT_ETH_MAX_MC_ADDRS];
	struct prt_eth_dev_info info;
	struct prt_eth_dev *dev;
	uint32_t nb_old;
	int ret;

	GET_DEV_OR_RET(port_id, dev);
	if (mc_addr_set == NULL && nb_mc_addr > 0)
		return -EINVAL;
	if (dev->dev_ops->set_mc_addr_list == NULL)
		return -ENOTSUP;
	ret = prt_eth_dev_info_get(port_id, &info);
	if (ret < 0)
		return ret;
	if (nb_mc_addr > info.max_mc_addrs) {
		ETHDEV_LOG(ERR,
			   "port %u (%s): %u multicast addresses; the port filters on %u at most",
			   port_id, dev->data.name, nb_mc_addr, info.max_mc_addrs);
		return -ENOSPC;
	}
	for (uint32_t i = 0; i < nb_mc_addr; i++)
		if (!prt_is_multicast_ether_addr(&mc_addr_set[i])) {
			char s[PRT_ETHER_ADDR_FMT_SIZE];

			prt_ether_format_addr(s, sizeof(s), &mc_addr_set[i]);
			ETHDEV_LOG(ERR, "port %u: multicast list entry %u (%s) is not multicast",
				   port_id, i, s);
			return -EINVAL;
		}
	nb_old = dev->data.nb_mc_addrs;
	memcpy(old, dev->data.mc_addrs, nb_old * sizeof(old[0]));
	if (nb_mc_addr > 0)
		memcpy(dev->data.mc_addrs, mc_addr_set, nb_mc_addr * sizeof(mc_addr_set[0]));
	dev->data.nb_mc_addrs = nb_mc_addr;
	ret = dev->dev_ops->set_mc_addr_list(dev, dev->data.mc_addrs, nb_mc_addr);
	if (ret < 0) {
		memcpy(dev->data.mc_addrs, old, nb_old * sizeof(old[0]));
		dev->data.nb_mc_addrs = nb_old;
	}
	return ret;
}
