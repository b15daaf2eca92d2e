/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For drivers of ports on a kernel network interface (net_af_packet,
 * net_af_xdp; not installed): the interface's flags, address, MTU and link,
 * through the ioctls of netdevice(7) on a socket the driver keeps (@ctl_fd,
 * any AF_INET datagram socket). Each call is a syscall: control path only.
 */
#ifndef ETHDEV_NETIF_H
#define ETHDEV_NETIF_H

#include <net/if.h>

#include "ethdev_driver.h"

/**
 * The interface a port is on. A driver whose dev_private begins with it
 * can use the netif_*_op() ethdev ops below as they are.
 */
struct netif {
	char ifname[IF_NAMESIZE];
	int ifindex; /**< set by netif_open() */
	int ctl_fd; /**< for the interface ioctls; -1 when not open */
};

/**
 * Opens interface @p nif->ifname (set by the caller) for port @p port:
 * its index, the socket for the ioctls, its hardware address into @p mac.
 * Logged when it fails. @return 0; -ENODEV (no such interface); a negative
 * errno of socket() or the ioctl.
 */
int netif_open(struct netif *nif, const char *port, struct prt_ether_addr *mac);

/** Closes what netif_open() opened (nothing when it did not). */
void netif_close(struct netif *nif);

/**
 * Sets the IFF_* bits @p set and clears @p clear on interface @p ifname
 * (both 0: only reads), and stores the flags it had in @p now (may be NULL).
 * @return 0; a negative errno from SIOCGIFFLAGS/SIOCSIFFLAGS (-ENODEV: gone,
 *         -EPERM: changing flags needs CAP_NET_ADMIN).
 */
int netif_flags(int ctl_fd, const char *ifname, short set, short clear, short *now);

/** Reads @p ifname's hardware address into @p mac. @return 0 or a negative errno. */
int netif_mac_get(int ctl_fd, const char *ifname, struct prt_ether_addr *mac);

/** Sets @p ifname's MTU (SIOCSIFMTU). @return 0 or a negative errno (-EINVAL: out of the
 * driver's range, -EPERM). */
int netif_mtu_set(int ctl_fd, const char *ifname, uint16_t mtu);

/**
 * Refreshes @p dev's link from interface @p ifname: up while the port is
 * started and the interface is IFF_RUNNING (up, carrier on), speed unknown.
 * @return 0 or a negative errno (the link is then down).
 */
int netif_link_update(struct prt_eth_dev *dev, int ctl_fd, const char *ifname);

/*
 * Ethdev ops for a port whose dev_private begins with struct netif: the
 * link from the interface (wait ignored: nothing is negotiated), and the
 * receive modes as the interface's IFF_PROMISC and IFF_ALLMULTI.
 * Each returns 0 or the negative errno of the ioctl (-EPERM: needs
 * CAP_NET_ADMIN).
 */
int netif_link_update_op(struct prt_eth_dev *dev, int wait);
int netif_promisc_enable_op(struct prt_eth_dev *dev);
int netif_promisc_disable_op(struct prt_eth_dev *dev);
int netif_allmulti_enable_op(struct prt_eth_dev *dev);
int netif_allmulti_disable_op(struct prt_eth_dev *dev);

#endif /* ETHDEV_NETIF_H */
