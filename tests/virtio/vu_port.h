/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the in-process net_virtio_user test programs of tests/virtio share
 * (vhost_mem_grow.c, vhost_rx_intr.c): the EAL from argv, then the count
 * argument after it, and net_virtio_user0 started with one queue pair of
 * 256 descriptors over a 1023-mbuf pool. Each exits 77 (skip) when the
 * set-up fails: the driver has logged why.
 */
#ifndef VU_PORT_H
#define VU_PORT_H

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"

/* prt_eal_init(), then argv[1] after the EAL's options, or @p dflt. */
static inline uint32_t vu_init(int argc, char **argv, uint32_t dflt)
{
	int n = prt_eal_init(argc, argv);

	if (n < 0)
		exit(77);
	argc -= n;
	argv += n;
	return argc > 1 ? (uint32_t)strtoul(argv[1], NULL, 0) : dflt;
}

/* net_virtio_user0 configured with @p conf (NULL: defaults) and started; its rx pool @p name. */
static inline uint16_t vu_port_start(const char *name, const struct prt_eth_conf *conf,
				     struct prt_mempool **pool)
{
	uint16_t port;

	*pool = prt_pktmbuf_pool_create(name, 1023, 32, 0, PRT_MBUF_DEFAULT_BUF_SIZE,
					PRT_SOCKET_ID_ANY);
	if (*pool == NULL || prt_eth_dev_get_port_by_name("net_virtio_user0", &port) < 0 ||
	    prt_eth_dev_configure(port, 1, 1, conf) < 0 ||
	    prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, *pool) < 0 ||
	    prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL) < 0 ||
	    prt_eth_dev_start(port) < 0) {
		fprintf(stderr, "cannot set up net_virtio_user0 (see above)\n");
		prt_eal_cleanup();
		exit(77);
	}
	return port;
}

#endif /* VU_PORT_H */
