/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Forwarding statistics, counted from the start of forwarding (a snapshot
 * of each port's counters, port_stats.c): per-port rates every
 * --stats-period seconds, and at the end each stream's counters when there
 * are more streams than ports (which queue got what), each port's counters
 * (as dpdk-testpmd's "Forward statistics"), the driver's non-zero extended
 * counters (why frames were dropped), the forwarding rate, and the same as
 * JSON with --json-stats.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "prt_atomic.h"
#include "prt_cycles.h"
#include "rate.h"
#include "testpmd.h"

/* Each port's counters when forwarding started. */
static struct tp_port_snap begin[PRT_MAX_ETHPORTS];
/* Since the start, at the last periodic line. */
static struct {
	uint64_t ipackets;
	uint64_t opackets;
	uint64_t ibytes;
	uint64_t obytes;
} last[PRT_MAX_ETHPORTS];
static uint64_t last_ns;

void tp_stats_begin(void)
{
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		tp_snap_take(fwd_ports[i], &begin[fwd_ports[i]]);
		memset(&last[fwd_ports[i]], 0, sizeof(last[0]));
	}
	last_ns = prt_time_ns();
}

void tp_stats_release(void)
{
	for (unsigned int p = 0; p < PRT_MAX_ETHPORTS; p++)
		tp_snap_release(&begin[p]);
}

/* "37 pps 17.8 Kbit/s": a packet rate and its bit rate (bytes as counted, times 8). */
static const char *rates(char *buf, size_t len, double pps, double bytes_ps)
{
	char p[TP_RATE_STRLEN], b[TP_RATE_STRLEN];

	snprintf(buf, len, "%s %s", tp_rate_format(p, sizeof(p), pps, "pps"),
		 tp_rate_format(b, sizeof(b), bytes_ps * 8, "bit/s"));
	return buf;
}

void tp_stats_periodic(void)
{
	uint64_t now = prt_time_ns();
	double dt = (double)(now - last_ns) / 1e9;
	double rx_total = 0, tx_total = 0, rxb_total = 0, txb_total = 0;
	char rx_s[2 * TP_RATE_STRLEN], tx_s[2 * TP_RATE_STRLEN];

	if (dt <= 0)
		return;
	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		uint16_t p = fwd_ports[i];
		struct prt_eth_stats st;
		double rx, tx, rxb, txb;

		if (tp_stats_since(p, &begin[p], &st) < 0)
			continue;
		rx = (double)(st.ipackets - last[p].ipackets) / dt;
		tx = (double)(st.opackets - last[p].opackets) / dt;
		rxb = (double)(st.ibytes - last[p].ibytes) / dt;
		txb = (double)(st.obytes - last[p].obytes) / dt;
		last[p] = (typeof(last[p])){ st.ipackets, st.opackets, st.ibytes, st.obytes };
		rx_total += rx;
		tx_total += tx;
		rxb_total += rxb;
		txb_total += txb;
		printf("port %u: rx %12" PRIu64 " pkts %s | tx %12" PRIu64
		       " pkts %s | rx-missed %" PRIu64 " rx-errors %" PRIu64 " tx-errors %" PRIu64
		       "\n",
		       p, st.ipackets, rates(rx_s, sizeof(rx_s), rx, rxb), st.opackets,
		       rates(tx_s, sizeof(tx_s), tx, txb), st.imissed, st.ierrors, st.oerrors);
	}
	printf("total:  rx %s, tx %s\n", rates(rx_s, sizeof(rx_s), rx_total, rxb_total),
	       rates(tx_s, sizeof(tx_s), tx_total, txb_total));
	last_ns = now;
}

/* Prints one of the driver's extended counters when it moved, unless the basic ones say it. */
static void xstat_print_nonzero(const char *name, uint64_t value, void *arg)
{
	(void)arg;
	if (value && strstr(name, "_q") == NULL && strncmp(name, "rx_good", 7) != 0 &&
	    strncmp(name, "tx_good", 7) != 0)
		printf("  %-28s %" PRIu64 "\n", name, value);
}

/* Frames the engine moved: forwarded (sent), received (rxonly), or generated. */
static uint64_t forwarded_packets(uint64_t *dropped)
{
	uint64_t n = 0;

	*dropped = 0;
	for (unsigned int i = 0; i < nb_fwd_streams; i++) {
		const struct fwd_stream *fs = &fwd_streams[i];

		n += prt_atomic_load(tp_cfg.engine->sends ? &fs->tx_packets : &fs->rx_packets,
				     memory_order_relaxed);
		*dropped += prt_atomic_load(&fs->fwd_dropped, memory_order_relaxed);
	}
	return n;
}

/*
 * --record-core-cycles: the forwarding lcores' busy cycles per packet, as
 * dpdk-testpmd counts and words it (packets received, or sent by a mode that
 * only sends), so that what reads one reads the other.
 */
static void cycles_print(void)
{
	bool rx = tp_cfg.engine->receives;
	uint64_t busy = 0, packets = 0;

	for (unsigned int i = 0; i < nb_fwd_streams; i++) {
		const struct fwd_stream *fs = &fwd_streams[i];

		busy += prt_atomic_load(&fs->busy_cycles, memory_order_relaxed);
		packets += prt_atomic_load(rx ? &fs->rx_packets : &fs->tx_packets,
					   memory_order_relaxed);
	}
	printf("  CPU cycles/packet=%.2f (busy cycles=%" PRIu64 " / total %s packets=%" PRIu64
	       ") at %" PRIu64 " MHz Clock\n",
	       packets ? (double)busy / (double)packets : 0.0, busy, rx ? "RX" : "TX", packets,
	       prt_get_tsc_hz() / 1000000);
}

static int json_write(const struct prt_eth_stats *st, uint64_t packets, uint64_t dropped,
		      double seconds)
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
		"],\"forward\":{\"mode\":\"%s\",\"packets\":%" PRIu64 ",\"dropped\":%" PRIu64
		",\"seconds\":%.6f,\"mpps\":%.6f}}\n",
		tp_cfg.engine->name, packets, dropped, seconds,
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
		       prt_atomic_load(&fs->rx_packets, memory_order_relaxed),
		       prt_atomic_load(&fs->tx_packets, memory_order_relaxed),
		       prt_atomic_load(&fs->fwd_dropped, memory_order_relaxed));
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

		tp_stats_since(p, &begin[p], &st[i]);
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
		if (seconds > 0) {
			char pps[TP_RATE_STRLEN], bps[TP_RATE_STRLEN];

			printf("  Rx-pps: %-18s Rx-bps: %s\n",
			       tp_rate_format(pps, sizeof(pps), (double)st[i].ipackets / seconds,
					      "pps"),
			       tp_rate_format(bps, sizeof(bps), (double)st[i].ibytes * 8 / seconds,
					      "bit/s"));
			printf("  Tx-pps: %-18s Tx-bps: %s\n",
			       tp_rate_format(pps, sizeof(pps), (double)st[i].opackets / seconds,
					      "pps"),
			       tp_rate_format(bps, sizeof(bps), (double)st[i].obytes * 8 / seconds,
					      "bit/s"));
		}
		tp_xstats_since(p, &begin[p], xstat_print_nonzero, NULL);
	}
	packets = forwarded_packets(&dropped);
	{
		char rate[TP_RATE_STRLEN];

		tp_rate_format(rate, sizeof(rate), seconds > 0 ? (double)packets / seconds : 0,
			       "pps");
		printf("forward: mode %s, %" PRIu64 " packets in %.3f s = %s, %" PRIu64
		       " dropped (not taken by tx)\n",
		       tp_cfg.engine->name, packets, seconds, rate, dropped);
	}
	if (tp_cfg.record_core_cycles)
		cycles_print();
	return tp_cfg.json_path ? json_write(st, packets, dropped, seconds) : 0;
}
