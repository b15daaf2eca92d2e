/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Ports: the forwarding ports from the portmask, the mbuf pool, each port's
 * configuration and queues, the topology (which port a port sends to), and
 * the streams: one per forwarding port and queue, spread over the
 * forwarding lcores in contiguous runs as dpdk-testpmd does.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testpmd.h"

uint16_t fwd_ports[PRT_MAX_ETHPORTS];
unsigned int nb_fwd_ports;
struct fwd_stream *fwd_streams;
unsigned int nb_fwd_streams;
struct prt_mempool *tp_pool;
static bool port_started[PRT_MAX_ETHPORTS];

#define MEMPOOL_CACHE 256

/* Fills fwd_ports from the portmask; every named port must exist. */
static int ports_select(void)
{
	uint16_t p;

	if (prt_eth_dev_count_avail() == 0) {
		fprintf(stderr, "testpmd-lite: no ports; give some with --vdev (e.g. "
				"--vdev net_null0 --vdev net_null1) or bind a NIC to vfio-pci\n");
		return -ENODEV;
	}
	if (tp_cfg.portmask) {
		for (unsigned int b = 0; b < 64; b++)
			if ((tp_cfg.portmask >> b & 1) && !prt_eth_dev_is_valid_port((uint16_t)b)) {
				fprintf(stderr,
					"testpmd-lite: --portmask=0x%llx names port %u, which does not exist (%u ports: 0-%u)\n",
					(unsigned long long)tp_cfg.portmask, b,
					(unsigned int)prt_eth_dev_count_avail(),
					(unsigned int)prt_eth_dev_count_avail() - 1);
				return -EINVAL;
			}
	}
	PRT_ETH_FOREACH_DEV(p) {
		if (tp_cfg.portmask == 0 || (p < 64 && (tp_cfg.portmask >> p & 1)))
			fwd_ports[nb_fwd_ports++] = p;
	}
	return 0;
}

/* The port that frames received on the i-th forwarding port go to. */
static uint16_t peer_port(unsigned int i)
{
	switch (tp_cfg.topology) {
	case TP_TOPO_CHAINED:
		return fwd_ports[(i + 1) % nb_fwd_ports];
	case TP_TOPO_LOOP:
		return fwd_ports[i];
	case TP_TOPO_PAIRED:
	default:
		if (i % 2 == 0)
			return i + 1 < nb_fwd_ports ? fwd_ports[i + 1] : fwd_ports[i];
		return fwd_ports[i - 1];
	}
}

static int pool_create(void)
{
	unsigned int n = tp_cfg.total_num_mbufs;

	if (n == 0) {
		/* Every rx and tx ring full, a cache and a burst per lcore, and
		 * room for frames in flight between ports (rings, chains). */
		n = nb_fwd_ports * (tp_cfg.nb_rxq * tp_cfg.nb_rxd + tp_cfg.nb_txq * tp_cfg.nb_txd) +
		    prt_lcore_count() * (MEMPOOL_CACHE + TP_MAX_BURST) + 8192;
	}
	tp_pool = prt_pktmbuf_pool_create("mbuf_pool", n, MEMPOOL_CACHE, 0, tp_cfg.mbuf_size,
					  PRT_SOCKET_ID_ANY);
	if (tp_pool == NULL) {
		fprintf(stderr,
			"testpmd-lite: cannot create a pool of %u mbufs of %u bytes: %s (reserve more hugepages, or lower --total-num-mbufs/--rxd/--txd)\n",
			n, tp_cfg.mbuf_size, strerror(errno));
		return -ENOMEM;
	}
	return 0;
}

static int port_setup(uint16_t port)
{
	struct prt_eth_conf conf = {
		.rxmode = { .mtu = tp_cfg.max_pkt_len - PRT_ETHER_HDR_CRC_LEN },
		.intr_conf = { .rxq = tp_cfg.rx_intr },
	};
	struct prt_eth_dev_info info;
	int ret;

	ret = prt_eth_dev_info_get(port, &info);
	if (ret < 0)
		return ret;
	if (tp_cfg.nb_rxq > info.max_rx_queues || tp_cfg.nb_txq > info.max_tx_queues) {
		fprintf(stderr,
			"testpmd-lite: port %u (%s) has at most %u rx and %u tx queues; --rxq=%u --txq=%u asks for more\n",
			port, prt_eth_dev_name(port), info.max_rx_queues, info.max_tx_queues,
			tp_cfg.nb_rxq, tp_cfg.nb_txq);
		return -EINVAL;
	}
	if (tp_cfg.nb_rxq > 1 && info.flow_type_rss_offloads) {
		conf.rxmode.mq_mode = PRT_ETH_MQ_RX_RSS;
		conf.rx_adv_conf.rss_conf.rss_hf = info.flow_type_rss_offloads & PRT_ETH_RSS_IP;
	}
	/* As dpdk-testpmd: link-state interrupts wherever the port has them. */
	conf.intr_conf.lsc = tp_cfg.lsc_intr && (info.dev_flags & PRT_ETH_DEV_INTR_LSC);
	if (tp_cfg.max_pkt_len + PRT_PKTMBUF_HEADROOM > tp_cfg.mbuf_size)
		conf.rxmode.offloads |= info.rx_offload_capa & PRT_ETH_RX_OFFLOAD_SCATTER;
	conf.txmode.offloads = info.tx_offload_capa & PRT_ETH_TX_OFFLOAD_MULTI_SEGS;
	ret = prt_eth_dev_configure(port, tp_cfg.nb_rxq, tp_cfg.nb_txq, &conf);
	if (ret < 0)
		goto fail;
	for (uint16_t q = 0; q < tp_cfg.nb_rxq; q++) {
		ret = prt_eth_rx_queue_setup(port, q, tp_cfg.nb_rxd, prt_eth_dev_socket_id(port),
					     NULL, tp_pool);
		if (ret < 0)
			goto fail;
	}
	for (uint16_t q = 0; q < tp_cfg.nb_txq; q++) {
		ret = prt_eth_tx_queue_setup(port, q, tp_cfg.nb_txd, prt_eth_dev_socket_id(port),
					     NULL);
		if (ret < 0)
			goto fail;
	}
	prt_eth_promiscuous_enable(port); /* as testpmd; ports without filters say -ENOTSUP */
	ret = tp_events_register(port, conf.intr_conf.lsc);
	if (ret < 0)
		goto fail;
	return 0;
fail:
	fprintf(stderr, "testpmd-lite: cannot set up port %u (%s): %s (the line above says why)\n",
		port, prt_eth_dev_name(port), strerror(-ret));
	return ret;
}

int tp_streams_build(void)
{
	uint16_t nb_q = PRT_MIN(tp_cfg.nb_rxq, tp_cfg.nb_txq);

	if (!tp_cfg.engine->receives)
		nb_q = tp_cfg.nb_txq;
	free(fwd_streams);
	nb_fwd_streams = nb_fwd_ports * nb_q;
	fwd_streams = aligned_alloc(PRT_CACHE_LINE_SIZE, nb_fwd_streams * sizeof(*fwd_streams));
	if (fwd_streams == NULL) {
		nb_fwd_streams = 0;
		return -ENOMEM;
	}
	memset(fwd_streams, 0, nb_fwd_streams * sizeof(*fwd_streams));
	for (unsigned int i = 0, k = 0; i < nb_fwd_ports; i++) {
		for (uint16_t q = 0; q < nb_q; q++, k++) {
			struct fwd_stream *fs = &fwd_streams[k];

			fs->rx_port = fwd_ports[i];
			fs->rx_queue = q;
			fs->tx_port = tp_cfg.engine->receives ? peer_port(i) : fwd_ports[i];
			fs->tx_queue = q;
			if (tp_cfg.engine->stream_init) {
				int ret = tp_cfg.engine->stream_init(fs);

				if (ret < 0)
					return ret;
			}
		}
	}
	return 0;
}

int tp_ports_setup(void)
{
	int ret;

	ret = ports_select();
	if (ret < 0)
		return ret;
	ret = pool_create();
	if (ret < 0)
		return ret;
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		ret = port_setup(fwd_ports[i]);
		if (ret < 0)
			return ret;
	}
	return tp_streams_build();
}

bool tp_port_is_fwd(uint16_t port)
{
	for (unsigned int i = 0; i < nb_fwd_ports; i++)
		if (fwd_ports[i] == port)
			return true;
	return false;
}

int tp_port_start(uint16_t port)
{
	char mac[PRT_ETHER_ADDR_FMT_SIZE];
	struct prt_ether_addr addr;
	int ret;

	if (port_started[port])
		return 0;
	ret = prt_eth_dev_start(port);
	if (ret < 0) {
		fprintf(stderr, "testpmd-lite: cannot start port %u (%s): %s\n", port,
			prt_eth_dev_name(port), strerror(-ret));
		return ret;
	}
	port_started[port] = true;
	prt_eth_macaddr_get(port, &addr);
	prt_ether_format_addr(mac, sizeof(mac), &addr);
	printf("port %u: %s, MAC %s, %u rx / %u tx queues\n", port, prt_eth_dev_name(port), mac,
	       tp_cfg.nb_rxq, tp_cfg.nb_txq);
	return 0;
}

int tp_port_stop(uint16_t port)
{
	int ret = prt_eth_dev_stop(port);

	if (ret == 0)
		port_started[port] = false;
	return ret;
}

bool tp_port_started(uint16_t port)
{
	return port_started[port];
}

int tp_ports_start(void)
{
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		int ret = tp_port_start(fwd_ports[i]);

		if (ret < 0)
			return ret;
	}
	return 0;
}

void tp_ports_close(void)
{
	uint16_t p;

	PRT_ETH_FOREACH_DEV(p) {
		tp_port_stop(p);
		prt_eth_dev_close(p);
	}
	free(fwd_streams);
	fwd_streams = NULL;
	prt_mempool_free(tp_pool);
	tp_pool = NULL;
}
