/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rx interrupts: a queue's driver gives an fd that turns readable when an
 * armed queue has traffic (an MSI-X eventfd for PCI drivers, the socket for
 * af_packet); a set of queues is an epoll instance one thread sleeps on.
 * The fds stay in it from the set's creation to its end: arming and
 * disarming are the driver's (a flag in the ring, a register), no
 * epoll_ctl. A wake-up is acked (the driver reads its eventfd) unless the
 * port has rx_intr_edge: those fds are watched edge-triggered and need no
 * read.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <unistd.h>

#include "ethdev_driver.h"

/* Checks @port_id/@queue_id for an rx-interrupt call; sets @dev. */
static int intr_dev_get(uint16_t port_id, uint16_t queue_id, struct prt_eth_dev **dev)
{
	GET_DEV_OR_RET(port_id, *dev);
	if (queue_id >= (*dev)->data.nb_rx_queues || (*dev)->data.rx_queues[queue_id] == NULL) {
		ETHDEV_LOG(ERR, "port %u: rx queue %u is not set up", port_id, queue_id);
		return -EINVAL;
	}
	if ((*dev)->dev_ops->rx_queue_intr_fd == NULL)
		return -ENOTSUP;
	return 0;
}

static int intr_arm(uint16_t port_id, uint16_t queue_id, bool arm)
{
	struct prt_eth_dev *dev;
	int (*op)(struct prt_eth_dev *, uint16_t);
	int ret;

	ret = intr_dev_get(port_id, queue_id, &dev);
	if (ret < 0)
		return ret;
	if (!dev->data.dev_conf.intr_conf.rxq) {
		ETHDEV_LOG(ERR, "port %u: configure it with intr_conf.rxq = 1 for rx interrupts",
			   port_id);
		return -EINVAL;
	}
	op = arm ? dev->dev_ops->rx_queue_intr_enable : dev->dev_ops->rx_queue_intr_disable;
	ret = op ? op(dev, queue_id) : 0;
	if (ret == 0)
		dev->data.rx_intr_armed[queue_id] = arm;
	return ret;
}

int prt_eth_dev_rx_intr_enable(uint16_t port_id, uint16_t queue_id)
{
	return intr_arm(port_id, queue_id, true);
}

int prt_eth_dev_rx_intr_disable(uint16_t port_id, uint16_t queue_id)
{
	return intr_arm(port_id, queue_id, false);
}

int prt_eth_dev_rx_intr_ctl_q_get_fd(uint16_t port_id, uint16_t queue_id)
{
	struct prt_eth_dev *dev;
	int ret;

	ret = intr_dev_get(port_id, queue_id, &dev);
	if (ret < 0)
		return ret;
	return dev->dev_ops->rx_queue_intr_fd(dev, queue_id);
}

struct prt_eth_rx_intr_set {
	int epfd;
	unsigned int n;
	struct {
		struct prt_eth_rxq_id id;
		bool ack; /* call the driver's rx_queue_intr_ack at each wake-up */
	} queues[];
};

int prt_eth_rx_intr_set_create(const struct prt_eth_rxq_id *queues, unsigned int n,
			       struct prt_eth_rx_intr_set **out)
{
	struct prt_eth_rx_intr_set *set;
	int ret;

	if (queues == NULL || n == 0 || out == NULL)
		return -EINVAL;
	set = calloc(1, sizeof(*set) + n * sizeof(set->queues[0]));
	if (set == NULL)
		return -ENOMEM;
	set->epfd = epoll_create1(EPOLL_CLOEXEC);
	if (set->epfd < 0) {
		ret = -errno;
		ETHDEV_LOG(ERR, "epoll_create1 for rx interrupts: %s", strerror(errno));
		goto fail;
	}
	for (unsigned int i = 0; i < n; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = i };
		int fd = prt_eth_dev_rx_intr_ctl_q_get_fd(queues[i].port_id, queues[i].queue_id);
		const struct prt_eth_dev *dev;

		if (fd < 0) {
			ETHDEV_LOG(ERR, "port %u rx queue %u has no rx interrupt (%s)",
				   queues[i].port_id, queues[i].queue_id, strerror(-fd));
			ret = fd;
			goto fail_epoll;
		}
		dev = prt_eth_dev_get(queues[i].port_id); /* there: it gave an fd */
		if (dev->data.rx_intr_edge)
			ev.events |= EPOLLET;
		set->queues[i].ack = !dev->data.rx_intr_edge && dev->dev_ops->rx_queue_intr_ack;
		if (epoll_ctl(set->epfd, EPOLL_CTL_ADD, fd, &ev) < 0) {
			ret = -errno;
			ETHDEV_LOG(ERR, "port %u rx queue %u: epoll_ctl: %s", queues[i].port_id,
				   queues[i].queue_id, strerror(errno));
			goto fail_epoll;
		}
		set->queues[i].id = queues[i];
	}
	set->n = n;
	*out = set;
	return 0;

fail_epoll:
	close(set->epfd);
fail:
	free(set);
	return ret;
}

void prt_eth_rx_intr_set_free(struct prt_eth_rx_intr_set *set)
{
	if (set == NULL)
		return;
	close(set->epfd);
	free(set);
}

int prt_eth_dev_rx_intr_wait(struct prt_eth_rx_intr_set *set, struct prt_eth_rxq_id *ready,
			     unsigned int n, int timeout_ms)
{
	struct epoll_event evs[32];
	int nev, k = 0;

	if (set == NULL)
		return -EINVAL;
	nev = epoll_wait(set->epfd, evs, (int)PRT_MIN(PRT_DIM(evs), (size_t)set->n), timeout_ms);
	if (nev < 0)
		return -errno;
	for (int i = 0; i < nev; i++) {
		const struct prt_eth_rxq_id *q = &set->queues[evs[i].data.u32].id;
		struct prt_eth_dev *dev = prt_eth_dev_get(q->port_id);

		if (dev == NULL)
			continue;
		if (set->queues[evs[i].data.u32].ack)
			dev->dev_ops->rx_queue_intr_ack(dev, q->queue_id);
		if (ready && (unsigned int)k < n)
			ready[k] = *q;
		k++;
	}
	return k;
}
