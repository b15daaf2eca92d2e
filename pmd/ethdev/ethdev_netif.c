/* SPDX-License-Identifier: BSD-3-Clause */
/* A kernel interface's flags, address, MTU and link (ethdev_netif.h). */
#include <errno.h>
#include <net/if.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "ethdev_netif.h"

static void netif_ifr(struct ifreq *ifr, const char *ifname)
{
	memset(ifr, 0, sizeof(*ifr));
	snprintf(ifr->ifr_name, sizeof(ifr->ifr_name), "%s", ifname);
}

int netif_flags(int ctl_fd, const char *ifname, short set, short clear, short *now)
{
	struct ifreq ifr;

	netif_ifr(&ifr, ifname);
	if (ioctl(ctl_fd, SIOCGIFFLAGS, &ifr) < 0)
		return -errno;
	if (now)
		*now = ifr.ifr_flags;
	if (set || clear) {
		ifr.ifr_flags = (short)((ifr.ifr_flags | set) & ~clear);
		if (ioctl(ctl_fd, SIOCSIFFLAGS, &ifr) < 0)
			return -errno;
	}
	return 0;
}

int netif_mac_get(int ctl_fd, const char *ifname, struct prt_ether_addr *mac)
{
	struct ifreq ifr;

	netif_ifr(&ifr, ifname);
	if (ioctl(ctl_fd, SIOCGIFHWADDR, &ifr) < 0)
		return -errno;
	memcpy(mac->addr_bytes, ifr.ifr_hwaddr.sa_data, PRT_ETHER_ADDR_LEN);
	return 0;
}

int netif_mtu_set(int ctl_fd, const char *ifname, uint16_t mtu)
{
	struct ifreq ifr;

	netif_ifr(&ifr, ifname);
	ifr.ifr_mtu = mtu;
	return ioctl(ctl_fd, SIOCSIFMTU, &ifr) < 0 ? -errno : 0;
}

int netif_link_update(struct prt_eth_dev *dev, int ctl_fd, const char *ifname)
{
	short flags = 0;
	int ret = netif_flags(ctl_fd, ifname, 0, 0, &flags);

	dev->data.link = (struct prt_eth_link){
		.link_speed = PRT_ETH_SPEED_NUM_UNKNOWN,
		.link_duplex = 1,
		.link_status = ret == 0 && (flags & IFF_RUNNING) && dev->data.started,
	};
	return ret;
}

/* The interface of a port whose dev_private begins with struct netif. */
static const struct netif *dev_netif(const struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

int netif_link_update_op(struct prt_eth_dev *dev, int wait)
{
	(void)wait;
	return netif_link_update(dev, dev_netif(dev)->ctl_fd, dev_netif(dev)->ifname);
}

int netif_promisc_enable_op(struct prt_eth_dev *dev)
{
	return netif_flags(dev_netif(dev)->ctl_fd, dev_netif(dev)->ifname, IFF_PROMISC, 0, NULL);
}

int netif_promisc_disable_op(struct prt_eth_dev *dev)
{
	return netif_flags(dev_netif(dev)->ctl_fd, dev_netif(dev)->ifname, 0, IFF_PROMISC, NULL);
}

int netif_allmulti_enable_op(struct prt_eth_dev *dev)
{
	return netif_flags(dev_netif(dev)->ctl_fd, dev_netif(dev)->ifname, IFF_ALLMULTI, 0, NULL);
}

int netif_allmulti_disable_op(struct prt_eth_dev *dev)
{
	return netif_flags(dev_netif(dev)->ctl_fd, dev_netif(dev)->ifname, 0, IFF_ALLMULTI, NULL);
}

int netif_open(struct netif *nif, const char *port, struct prt_ether_addr *mac)
{
	int ret;

	nif->ifindex = (int)if_nametoindex(nif->ifname);
	if (nif->ifindex == 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_ETHDEV,
			"%s: interface '%s' does not exist (see `ip link`)", port, nif->ifname);
		return -ENODEV;
	}
	nif->ctl_fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	ret = nif->ctl_fd < 0 ? -errno : netif_mac_get(nif->ctl_fd, nif->ifname, mac);
	if (ret < 0) {
		PRT_LOG(ERR, PRT_LOGTYPE_ETHDEV, "%s: interface '%s': %s", port, nif->ifname,
			strerror(-ret));
		netif_close(nif);
	}
	return ret;
}

void netif_close(struct netif *nif)
{
	if (nif->ctl_fd >= 0)
		close(nif->ctl_fd);
	nif->ctl_fd = -1;
}
