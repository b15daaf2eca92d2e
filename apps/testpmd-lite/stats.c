/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Statistics: per-port rates every --stats-period seconds, and at the end
 * each stream's counters when there are more streams than ports (which
 * queue got what), each port's counters (as dpdk-testpmd's "Forward
 * statistics"), the
 * driver's non-zero extended counters (why frames were dropped), the
 * forwarding rate, and the same as JSON with --json-stats.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testpmd.h"

static struct {
	uint64_t ipackets;
	uint64_t opackets;
} last[PRT_MAX_ETHPORTS];
static uint64_t last_ns;

void tp_stats_begin(void)
{
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		prt_eth_stats_reset(fwd_ports[i]);
		last[fwd_ports[i]].ipackets = 0;
		last[fwd_ports[i]].opackets = 0;
	}
	last_ns = prt_time_ns();
}

void tp_stats_periodic(void)
{
	uint64_t now = prt_time_ns();
	double dt = (double)(now - last_ns) / 1e9, rx_total = 0, tx_total = 0;

	if (dt <= 0)
		return;
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		uint16_t p = fwd_ports[i];
		struct prt_eth_stats st;
		double rx, tx;

		if (prt_eth_stats_get(p, &st) < 0)
			continue;
		rx = (double)(st.ipackets - last[p].ipackets) / dt;
		tx = (double)(st.opackets - last[p].opackets) / dt;
		last[p].ipackets = st.ipackets;
		last[p].opackets = st.opackets;
		rx_total += rx;
		tx_total += tx;
		printf("port %u: rx %12" PRIu64 " pkts %8.3f Mpps | tx %12" PRIu64
		       " pkts %8.3f Mpps | rx-missed %" PRIu64 " rx-errors %" PRIu64
		       " tx-errors %" PRIu64 "\n",
		       p, st.ipackets, rx / 1e6, st.opackets, tx / 1e6, st.imissed, st.ierrors,
		       st.oerrors);
	}
	printf("total:  rx %8.3f Mpps, tx %8.3f Mpps\n", rx_total / 1e6, tx_total / 1e6);
	last_ns = now;
}

/* Prints the driver's non-zero extended counters of @port beyond the basic ones. */
static void xstats_print(uint16_t port)
{
	int n = prt_eth_xstats_get_names(port, NULL, 0);
	struct prt_eth_xstat_name *names;
	struct prt_eth_xstat *xs;

	if (n <= 0)
		return;
	names = calloc((size_t)n, sizeof(*names));
	xs = calloc((size_t)n, sizeof(*xs));
	if (names && xs && prt_eth_xstats_get_names(port, names, (unsigned int)n) == n &&
	    prt_eth_xstats_get(port, xs, (unsigned int)n) == n) {
		for (int i = 0; i < n; i++)
			if (xs[i].value && strstr(names[i].name, "_q") == NULL &&
			    strncmp(names[i].name, "rx_good", 7) != 0 &&
			    strncmp(names[i].name, "tx_good", 7) != 0)
				printf("  %-28s %" PRIu64 "\n", names[i].name, xs[i].value);
	}
	free(names);
	free(xs);
}

/* Frames the engine moved: forwarded (sent), received (rxonly), or generated. */
static uint64_t forwarded_packets(uint64_t *dropped)
{
	uint64_t n = 0;

	*dropped = 0;
	for (unsigned int i = 0; i < nb_fwd_streams; i++) {
		const struct fwd_stream *fs = &fwd_streams[i];

		n += __atomic_load_n(tp_cfg.engine->sends ? &fs->tx_packets : &fs->rx_packets,
				     __ATOMIC_RELAXED);
		*dropped += __atomic_load_n(&fs->fwd_dropped, __ATOMIC_RELAXED);
	}
	return n;
}

static int json_write(const struct prt_eth_stats *st, uint64_t packets, double seconds)
{
	FILE *f = fopen(tp_cfg.json_path, "w");

	if (f == NULL) {
		fprintf(stderr, "testpmd-lite: --json-stats=%s: %s\n", tp_cfg.json_path,
			strerror(errno));
		return -errno;
	}
	fprintf(f, "{\"ports\":[");
	for (unsigned int i = 0; i < nb_fwd_ports; i++)
		fprintf(f,
			"%s{\"port\":%u,\"ipackets\":%" PRIu64 ",\"opackets\":%" PRIu64
			",\"ibytes\":%" PRIu64 ",\"obytes\":%" PRIu64 ",\"imissed\":%" PRIu64
			",\"ierrors\":%" PRIu64 ",\"oerrors\":%" PRIu64 ",\"rx_nombuf\":%" PRIu64
			"}",
			i ? "," : "", fwd_ports[i], st[i].ipackets, st[i].opackets, st[i].ibytes,
			st[i].obytes, st[i].imissed, st[i].ierrors, st[i].oerrors, st[i].rx_nombuf);
	fprintf(f,
		"],\"forward\":{\"mode\":\"%s\",\"packets\":%" PRIu64
		",\"seconds\":%.6f,\"mpps\":%.6f}}\n",
		tp_cfg.engine->name, packets, seconds,
		seconds > 0 ? (double)packets / seconds / 1e6 : 0.0);
	if (fclose(f) != 0) {
		fprintf(stderr, "testpmd-lite: --json-stats=%s: %s\n", tp_cfg.json_path,
			strerror(errno));
		return -errno;
	}
	return 0;
}

/* Each stream's counters, as dpdk-testpmd prints them with several queues. */
static void streams_print(void)
{
	if (nb_fwd_streams <= nb_fwd_ports)
		return; /* one stream per port: the port's counters say it all */
	for (unsigned int i = 0; i < nb_fwd_streams; i++) {
		const struct fwd_stream *fs = &fwd_streams[i];

		printf("  ------- Forward Stats for RX Port= %u/Queue= %u -> TX Port= %u/Queue= %u -------\n",
		       fs->rx_port, fs->rx_queue, fs->tx_port, fs->tx_queue);
		printf("  RX-packets: %-14" PRIu64 " TX-packets: %-14" PRIu64
		       " TX-dropped: %" PRIu64 "\n",
		       __atomic_load_n(&fs->rx_packets, __ATOMIC_RELAXED),
		       __atomic_load_n(&fs->tx_packets, __ATOMIC_RELAXED),
		       __atomic_load_n(&fs->fwd_dropped, __ATOMIC_RELAXED));
	}
}

int tp_stats_final(double seconds)
{
	struct prt_eth_stats st[PRT_MAX_ETHPORTS];
	uint64_t packets, dropped;

	memset(st, 0, sizeof(st));
	streams_print();
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		uint16_t p = fwd_ports[i];

		prt_eth_stats_get(p, &st[i]);
		printf("---------------------- Forward statistics for port %u (%s) ----------------------\n",
		       p, prt_eth_dev_name(p));
		printf("  RX-packets: %-14" PRIu64 " RX-missed: %-14" PRIu64 " RX-bytes:  %" PRIu64
		       "\n",
		       st[i].ipackets, st[i].imissed, st[i].ibytes);
		printf("  RX-errors:  %-14" PRIu64 " RX-nombuf: %-14" PRIu64 "\n", st[i].ierrors,
		       st[i].rx_nombuf);
		printf("  TX-packets: %-14" PRIu64 " TX-errors: %-14" PRIu64 " TX-bytes:  %" PRIu64
		       "\n",
		       st[i].opackets, st[i].oerrors, st[i].obytes);
		xstats_print(p);
	}
	packets = forwarded_packets(&dropped);
	printf("forward: mode %s, %" PRIu64 " packets in %.3f s = %.3f Mpps, %" PRIu64
	       " dropped (not taken by tx)\n",
	       tp_cfg.engine->name, packets, seconds,
	       seconds > 0 ? (double)packets / seconds / 1e6 : 0.0, dropped);
	return tp_cfg.json_path ? json_write(st, packets, seconds) : 0;
}
