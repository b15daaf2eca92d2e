/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * For drivers of ports on a kernel network interface (net_af_packet,
 * net_af_xdp; not installed): the interface's flags, address, MTU and link,
 * through the ioctls of netdevice(7) on a socket the driver keeps (@ctl_fd,
 * any AF_INET datagram socket). Each call is a syscall: control path only.
 */
#ifndef ETHDEV_NETIF_H
#define ETHDEV_NETIF_H

#include "ethdev_driver.h"

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

#endif /* ETHDEV_NETIF_H */
