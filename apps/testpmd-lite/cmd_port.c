/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port commands of -i, in dpdk-testpmd's words and layout: show port
 * info|stats|xstats, clear port stats, set promisc|allmulti, port
 * start|stop. "all" is every port (port start|stop: every forwarding
 * port). Counters are read while the lcores forward (the ethdev statistics
 * calls are safe against the fast path); what the ethdev API does not
 * allow on a port whose queues are polled (its filters, its start and
 * stop) waits for a stop.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmdline.h"
#include "rate.h"
#include "testpmd.h"

/* Each port's counters at its last `clear port stats` (zero: since start-up). */
static struct tp_port_snap cleared[PRT_MAX_ETHPORTS];
/* Each port's counters (since the clear) at its last `show port stats`, for the rates. */
static struct {
	struct prt_eth_stats st;
	uint64_t ns; /* 0: not shown yet */
} shown[PRT_MAX_ETHPORTS];

void tp_cmd_port_release(void)
{
	for (unsigned int p = 0; p < PRT_MAX_ETHPORTS; p++)
		tp_snap_release(&cleared[p]);
}

/*
 * The ports @arg names into @ports: "all" (every port, or every forwarding
 * port when @fwd_only) or a port id. @return how many; -EINVAL after one line.
 */
static int ports_arg(const char *arg, bool fwd_only, uint16_t *ports)
{
	unsigned long id;
	char *end;
	int n = 0;
	uint16_t p;

	if (strcmp(arg, "all") == 0) {
		PRT_ETH_FOREACH_DEV(p) {
			if (!fwd_only || tp_port_is_fwd(p))
				ports[n++] = p;
		}
		return n;
	}
	id = strtoul(arg, &end, 10);
	if (*end != '\0' || arg[0] == '-' || id >= PRT_MAX_ETHPORTS ||
	    !prt_eth_dev_is_valid_port((uint16_t)id)) {
		fprintf(stderr, "Invalid port '%s': give all or a port id (%u port(s): 0-%u)\n",
			arg, (unsigned int)prt_eth_dev_count_avail(),
			(unsigned int)prt_eth_dev_count_avail() - 1);
		return -EINVAL;
	}
	if (fwd_only && !tp_port_is_fwd((uint16_t)id)) {
		fprintf(stderr, "Port %lu is not a forwarding port (--portmask)\n", id);
		return -EINVAL;
	}
	ports[0] = (uint16_t)id;
	return 1;
}

static const char *on_off(int v)
{
	return v > 0 ? "enabled" : v == 0 ? "disabled" : "unknown";
}

static void port_info_print(uint16_t p)
{
	char mac[PRT_ETHER_ADDR_FMT_SIZE];
	struct prt_eth_dev_info info;
	struct prt_ether_addr addr;
	struct prt_eth_link link;
	uint16_t mtu = 0;

	printf("\n********************* Infos for port %u  *********************\n", p);
	if (prt_eth_dev_info_get(p, &info) < 0 || prt_eth_macaddr_get(p, &addr) < 0) {
		printf("(port %u cannot tell)\n", p);
		return;
	}
	prt_ether_format_addr(mac, sizeof(mac), &addr);
	printf("MAC address: %s\n", mac);
	printf("Device name: %s\n", prt_eth_dev_name(p));
	printf("Driver name: %s\n", info.driver_name);
	printf("Connect to socket: %d\n", prt_eth_dev_socket_id(p));
	printf("Port state: %s\n", tp_port_started(p) ? "started" :
				   tp_port_is_fwd(p)  ? "stopped" :
							"not forwarding (--portmask)");
	if (prt_eth_link_get_nowait(p, &link) == 0) {
		printf("Link status: %s\n", link.link_status ? "up" : "down");
		if (link.link_speed == PRT_ETH_SPEED_NUM_UNKNOWN)
			printf("Link speed: unknown\n");
		else
			printf("Link speed: %u Mbps\n", link.link_speed);
		printf("Link duplex: %s\n", link.link_duplex ? "full-duplex" : "half-duplex");
	}
	prt_eth_dev_get_mtu(p, &mtu);
	printf("MTU: %u (min %u, max %u)\n", mtu, info.min_mtu, info.max_mtu);
	printf("Promiscuous mode: %s\n", on_off(prt_eth_promiscuous_get(p)));
	printf("Allmulticast mode: %s\n", on_off(prt_eth_allmulticast_get(p)));
	printf("Maximum number of MAC addresses: %u\n", info.max_mac_addrs);
	printf("Current number of RX queues: %u\n", info.nb_rx_queues);
	printf("Max possible RX queues: %u\n", info.max_rx_queues);
	printf("Max possible number of RXDs per queue: %u\n", info.rx_desc_lim.nb_max);
	printf("Min possible number of RXDs per queue: %u\n", info.rx_desc_lim.nb_min);
	printf("Current number of TX queues: %u\n", info.nb_tx_queues);
	printf("Max possible TX queues: %u\n", info.max_tx_queues);
	printf("Max possible number of TXDs per queue: %u\n", info.tx_desc_lim.nb_max);
	printf("Min possible number of TXDs per queue: %u\n", info.tx_desc_lim.nb_min);
	printf("Link state change events: %s\n",
	       info.dev_flags & PRT_ETH_DEV_INTR_LSC ? "yes" : "no");
}

int tp_cmd_show_port_info(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = ports_arg(argv[0], false, ports);

	(void)argc;
	for (int i = 0; i < n; i++)
		port_info_print(ports[i]);
	return n < 0 ? n : 0;
}

static void port_stats_print(uint16_t p)
{
	char rx_pps[TP_RATE_STRLEN], rx_bps[TP_RATE_STRLEN], tx_pps[TP_RATE_STRLEN],
		tx_bps[TP_RATE_STRLEN];
	uint64_t now = prt_time_ns();
	struct prt_eth_stats st;
	int ret = tp_stats_since(p, &cleared[p], &st);
	double dt;

	if (ret < 0) {
		fprintf(stderr, "Port %u: cannot read its counters: %s\n", p, strerror(-ret));
		return;
	}
	/* Rates since the last show: none the first time, as dpdk-testpmd. */
	dt = shown[p].ns ? (double)(now - shown[p].ns) / 1e9 : 0;
	tp_rate_format(rx_pps, sizeof(rx_pps),
		       dt > 0 ? (double)(st.ipackets - shown[p].st.ipackets) / dt : 0, "pps");
	tp_rate_format(rx_bps, sizeof(rx_bps),
		       dt > 0 ? (double)(st.ibytes - shown[p].st.ibytes) * 8 / dt : 0, "bit/s");
	tp_rate_format(tx_pps, sizeof(tx_pps),
		       dt > 0 ? (double)(st.opackets - shown[p].st.opackets) / dt : 0, "pps");
	tp_rate_format(tx_bps, sizeof(tx_bps),
		       dt > 0 ? (double)(st.obytes - shown[p].st.obytes) * 8 / dt : 0, "bit/s");
	shown[p].st = st;
	shown[p].ns = now;
	printf("\n  ######################## NIC statistics for port %-2u ########################\n",
	       p);
	printf("  RX-packets: %-10" PRIu64 " RX-missed: %-10" PRIu64 " RX-bytes:  %" PRIu64 "\n",
	       st.ipackets, st.imissed, st.ibytes);
	printf("  RX-errors: %" PRIu64 "\n", st.ierrors);
	printf("  RX-nombuf:  %-10" PRIu64 "\n", st.rx_nombuf);
	printf("  TX-packets: %-10" PRIu64 " TX-errors: %-10" PRIu64 " TX-bytes:  %" PRIu64 "\n",
	       st.opackets, st.oerrors, st.obytes);
	printf("\n  Throughput (since last show)\n");
	printf("  Rx-pps: %14s          Rx-bps: %16s\n", rx_pps, rx_bps);
	printf("  Tx-pps: %14s          Tx-bps: %16s\n", tx_pps, tx_bps);
	printf("  ############################################################################\n");
}

int tp_cmd_show_port_stats(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = ports_arg(argv[0], false, ports);

	(void)argc;
	for (int i = 0; i < n; i++)
		port_stats_print(ports[i]);
	return n < 0 ? n : 0;
}

static void xstat_print(const char *name, uint64_t value, void *arg)
{
	(void)arg;
	printf("%s: %" PRIu64 "\n", name, value);
}

int tp_cmd_show_port_xstats(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = ports_arg(argv[0], false, ports);

	(void)argc;
	for (int i = 0; i < n; i++) {
		int ret;

		printf("###### NIC extended statistics for port %-2u\n", ports[i]);
		ret = tp_xstats_since(ports[i], &cleared[ports[i]], xstat_print, NULL);
		if (ret < 0)
			fprintf(stderr, "Port %u: cannot read its xstats: %s\n", ports[i],
				strerror(-ret));
	}
	return n < 0 ? n : 0;
}

int tp_cmd_clear_port_stats(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = ports_arg(argv[0], false, ports);

	(void)argc;
	for (int i = 0; i < n; i++) {
		uint16_t p = ports[i];

		int ret = tp_snap_take(p, &cleared[p]);

		if (ret < 0) {
			fprintf(stderr, "Port %u: cannot read its counters: %s\n", p,
				strerror(-ret));
			continue;
		}
		shown[p].ns = 0;
		printf("\n  NIC statistics for port %u cleared\n", p);
	}
	return n < 0 ? n : 0;
}

/* "on" -> 1, "off" -> 0; -EINVAL after one line. */
static int on_off_arg(const char *cmd, const char *arg)
{
	if (strcmp(arg, "on") == 0)
		return 1;
	if (strcmp(arg, "off") == 0)
		return 0;
	fprintf(stderr, "%s: '%s': give on or off\n", cmd, arg);
	return -EINVAL;
}

/* A port's filters do not change under its polled rx queues (prt_ethdev.h). */
static int refuse_if_forwarding(uint16_t p)
{
	if (tp_fwd_running() && tp_port_is_fwd(p)) {
		fprintf(stderr, "Port %u is forwarding: stop first\n", p);
		return -EBUSY;
	}
	return 0;
}

/* set promisc|allmulti: @what names the mode, @on/@off set it. */
static int set_mode(char **argv, const char *cmd, const char *what, int (*on)(uint16_t),
		    int (*off)(uint16_t))
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = ports_arg(argv[0], false, ports);
	int v = on_off_arg(cmd, argv[1]), ret = 0;

	if (n < 0 || v < 0)
		return -EINVAL;
	for (int i = 0; i < n; i++) {
		int r = refuse_if_forwarding(ports[i]);

		if (r == 0)
			r = v ? on(ports[i]) : off(ports[i]);
		if (r < 0 && r != -EBUSY)
			fprintf(stderr, "Error during %s %s mode for port %u: %s\n",
				v ? "enabling" : "disabling", what, ports[i], strerror(-r));
		if (r < 0)
			ret = r;
	}
	return ret;
}

int tp_cmd_set_promisc(unsigned int argc, char **argv)
{
	(void)argc;
	return set_mode(argv, "set promisc", "promiscuous", prt_eth_promiscuous_enable,
			prt_eth_promiscuous_disable);
}

int tp_cmd_set_allmulti(unsigned int argc, char **argv)
{
	(void)argc;
	return set_mode(argv, "set allmulti", "all-multicast", prt_eth_allmulticast_enable,
			prt_eth_allmulticast_disable);
}

/* The ports of "all|N" for a command that needs forwarding stopped: their count, or an error said. */
static int stopped_ports_arg(const char *arg, uint16_t *ports)
{
	int n = ports_arg(arg, true, ports);

	if (n >= 0 && tp_fwd_running()) {
		fprintf(stderr, "Please stop forwarding first\n");
		return -EBUSY;
	}
	return n;
}

int tp_cmd_port_start(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = stopped_ports_arg(argv[0], ports), ret = 0;

	(void)argc;
	if (n < 0)
		return n;
	for (int i = 0; i < n && ret == 0; i++)
		ret = tp_port_start(ports[i]);
	printf("Done\n");
	return ret;
}

int tp_cmd_port_stop(unsigned int argc, char **argv)
{
	uint16_t ports[PRT_MAX_ETHPORTS];
	int n = stopped_ports_arg(argv[0], ports), ret = 0;

	(void)argc;
	if (n < 0)
		return n;
	for (int i = 0; i < n; i++) {
		int r = tp_port_stop(ports[i]);

		if (r < 0) {
			fprintf(stderr, "Port %u: cannot stop: %s\n", ports[i], strerror(-r));
			ret = r;
		} else {
			printf("Port %u: stopped\n", ports[i]);
		}
	}
	printf("Done\n");
	return ret;
}
