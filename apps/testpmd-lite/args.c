/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * testpmd-lite's options, with dpdk-testpmd's names. Every bad value is one
 * line on stderr naming the option, the value and what would be valid.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "testpmd.h"

/* What main() runs with: tp_parse_args() fills it. */
struct tp_config tp_cfg;

/* What tp_parse_args() starts from: dpdk-testpmd's defaults. */
static const struct tp_config tp_defaults = {
	.nb_cores = 1,
	.nb_rxq = 1,
	.nb_txq = 1,
	.nb_rxd = 1024,
	.nb_txd = 1024,
	.burst = 32,
	.topology = TP_TOPO_PAIRED,
	.run_time = -1,
	.txpkts = { 64 },
	.nb_txpkts = 1,
	.tx_pkt_len = 64,
	.max_pkt_len = PRT_ETHER_MAX_LEN,
	.mbuf_size = 2048 + 128,
	.lsc_intr = true,
	.rmv_intr = true,
};

static void usage(const char *prog)
{
	char modes[128];

	fwd_engine_names(modes, sizeof(modes));
	printf("usage: %s [EAL options] -- [options]\n"
	       "  --forward-mode=MODE     %s (io)\n"
	       "  --nb-cores=N            forwarding (worker) lcores (1)\n"
	       "  --rxq=N --txq=N         queues per port (1)\n"
	       "  --rxd=N --txd=N         descriptors per queue (1024)\n"
	       "  --burst=N               frames per burst, 1-%d (32)\n"
	       "  --portmask=HEX          ports to forward on (all)\n"
	       "  --port-topology=T       paired|chained|loop (paired)\n"
	       "  --stats-period=S        print rates every S seconds\n"
	       "  --txpkts=LEN[,LEN...]   txonly/flowgen frame segment lengths (64)\n"
	       "  --eth-peer=PORT,MAC     destination MAC for mac/txonly/flowgen on PORT\n"
	       "  --max-pkt-len=N         longest frame, CRC included (1518)\n"
	       "  --mbuf-size=N           mbuf data room, headroom included (2176)\n"
	       "  --total-num-mbufs=N     mbufs in the pool (computed)\n"
	       "  --rx-intr               idle lcores sleep on rx interrupts\n"
	       "  --tx-first              send a burst on every stream first (loops of ports)\n"
	       "  --record-core-cycles    count the forwarding lcores' busy cycles per packet\n"
	       "  --no-lsc-interrupt      no link-state change events (on where a port has them)\n"
	       "  --no-rmv-interrupt      no device removal events (on where a port has them)\n"
	       "  --run-time=S            stop after S seconds; 0: start every port and stop\n"
	       "  --json-stats=FILE       write the final statistics as JSON (with -i: at each stop)\n"
	       "  -i, --interactive       a testpmd> prompt: commands from the terminal or a pipe\n"
	       "  -h, --help              this text\n"
	       "Without --run-time it forwards until every rx port reached its end of input\n"
	       "(a capture file read to the end) or until SIGINT/SIGTERM.\n",
	       prog, modes, TP_MAX_BURST);
}

static int bad(const char *opt, const char *val, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "testpmd-lite: --%s=%s: ", opt, val ? val : "");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	return -EINVAL;
}

/* Reads an unsigned number in @min..@max; -EINVAL (reported) otherwise. */
static int get_uint(const char *opt, const char *val, unsigned long min, unsigned long max,
		    unsigned long *out)
{
	char *end;
	unsigned long v;

	*out = 0; /* defined on every path: the optimiser cannot see that bad() is negative */
	errno = 0;
	v = strtoul(val, &end, 0);
	if (*val == '\0' || *val == '-' || *end != '\0' || errno || v < min || v > max)
		return bad(opt, val, "give a whole number from %lu to %lu", min, max);
	*out = v;
	return 0;
}

static int parse_txpkts(struct tp_config *cfg, const char *opt, const char *val)
{
	char buf[128], *save = NULL, *tok;
	unsigned int n = 0;
	uint32_t total = 0;

	if (strlen(val) >= sizeof(buf)) /* cut short, a length could read as another */
		return bad(opt, val, "too long: at most %d lengths, e.g. 64 or 1000,500",
			   TP_MAX_SEGS);
	snprintf(buf, sizeof(buf), "%s", val);
	for (tok = strtok_r(buf, ",", &save); tok; tok = strtok_r(NULL, ",", &save)) {
		unsigned long len;

		if (n == TP_MAX_SEGS)
			return bad(opt, val, "at most %d segments", TP_MAX_SEGS);
		if (get_uint(opt, tok, 1, 65535, &len) < 0)
			return -EINVAL;
		cfg->txpkts[n++] = (uint16_t)len;
		total += (uint32_t)len;
	}
	if (n == 0)
		return bad(opt, val, "give segment lengths, e.g. 64 or 1000,500");
	if (cfg->txpkts[0] < 42)
		return bad(opt, val,
			   "the first segment holds the Ethernet, IPv4 and UDP headers: "
			   "give it 42 bytes or more");
	cfg->nb_txpkts = n;
	cfg->tx_pkt_len = total;
	return 0;
}

static int parse_eth_peer(struct tp_config *cfg, const char *opt, const char *val)
{
	const char *comma = strchr(val, ',');
	char port[16];
	unsigned long p;

	if (comma == NULL || (size_t)(comma - val) >= sizeof(port))
		return bad(opt, val, "write PORT,MAC, e.g. 0,02:00:00:00:00:01");
	snprintf(port, sizeof(port), "%.*s", (int)(comma - val), val);
	if (get_uint(opt, port, 0, PRT_MAX_ETHPORTS - 1, &p) < 0)
		return -EINVAL;
	if (prt_ether_unformat_addr(comma + 1, &cfg->peer_addr[p]) < 0)
		return bad(opt, val, "'%s' is not a MAC address (xx:xx:xx:xx:xx:xx)", comma + 1);
	return 0;
}

enum {
	OPT_FWD_MODE = 256,
	OPT_NB_CORES,
	OPT_RXQ,
	OPT_TXQ,
	OPT_RXD,
	OPT_TXD,
	OPT_BURST,
	OPT_PORTMASK,
	OPT_TOPOLOGY,
	OPT_STATS_PERIOD,
	OPT_TXPKTS,
	OPT_ETH_PEER,
	OPT_MAX_PKT_LEN,
	OPT_MBUF_SIZE,
	OPT_TOTAL_NUM_MBUFS,
	OPT_RX_INTR,
	OPT_TX_FIRST,
	OPT_RECORD_CORE_CYCLES,
	OPT_NO_LSC_INTR,
	OPT_NO_RMV_INTR,
	OPT_RUN_TIME,
	OPT_JSON_STATS,
};

static const struct option long_opts[] = {
	{ "forward-mode", required_argument, NULL, OPT_FWD_MODE },
	{ "nb-cores", required_argument, NULL, OPT_NB_CORES },
	{ "rxq", required_argument, NULL, OPT_RXQ },
	{ "txq", required_argument, NULL, OPT_TXQ },
	{ "rxd", required_argument, NULL, OPT_RXD },
	{ "txd", required_argument, NULL, OPT_TXD },
	{ "burst", required_argument, NULL, OPT_BURST },
	{ "portmask", required_argument, NULL, OPT_PORTMASK },
	{ "port-topology", required_argument, NULL, OPT_TOPOLOGY },
	{ "stats-period", required_argument, NULL, OPT_STATS_PERIOD },
	{ "txpkts", required_argument, NULL, OPT_TXPKTS },
	{ "eth-peer", required_argument, NULL, OPT_ETH_PEER },
	{ "max-pkt-len", required_argument, NULL, OPT_MAX_PKT_LEN },
	{ "mbuf-size", required_argument, NULL, OPT_MBUF_SIZE },
	{ "total-num-mbufs", required_argument, NULL, OPT_TOTAL_NUM_MBUFS },
	{ "rx-intr", no_argument, NULL, OPT_RX_INTR },
	{ "tx-first", no_argument, NULL, OPT_TX_FIRST },
	{ "record-core-cycles", no_argument, NULL, OPT_RECORD_CORE_CYCLES },
	{ "no-lsc-interrupt", no_argument, NULL, OPT_NO_LSC_INTR },
	{ "no-rmv-interrupt", no_argument, NULL, OPT_NO_RMV_INTR },
	{ "run-time", required_argument, NULL, OPT_RUN_TIME },
	{ "json-stats", required_argument, NULL, OPT_JSON_STATS },
	{ "interactive", no_argument, NULL, 'i' },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Applies one option; @name is its long name for messages. */
static int apply(struct tp_config *cfg, int opt, const char *name, const char *val)
{
	unsigned long v;
	char *end;

	switch (opt) {
	case OPT_FWD_MODE: {
		char modes[128];

		cfg->engine = fwd_engine_find(val);
		fwd_engine_names(modes, sizeof(modes));
		return cfg->engine ? 0 : bad(name, val, "modes are %s", modes);
	}
	case OPT_NB_CORES:
		if (get_uint(name, val, 1, PRT_MAX_LCORE - 1, &v) < 0)
			return -EINVAL;
		cfg->nb_cores = (unsigned int)v;
		return 0;
	case OPT_RXQ:
	case OPT_TXQ:
		if (get_uint(name, val, 1, PRT_MAX_QUEUES_PER_PORT, &v) < 0)
			return -EINVAL;
		*(opt == OPT_RXQ ? &cfg->nb_rxq : &cfg->nb_txq) = (uint16_t)v;
		return 0;
	case OPT_RXD:
	case OPT_TXD:
		if (get_uint(name, val, 1, 65535, &v) < 0)
			return -EINVAL;
		*(opt == OPT_RXD ? &cfg->nb_rxd : &cfg->nb_txd) = (uint16_t)v;
		return 0;
	case OPT_BURST:
		if (get_uint(name, val, 1, TP_MAX_BURST, &v) < 0)
			return -EINVAL;
		cfg->burst = (uint16_t)v;
		return 0;
	case OPT_PORTMASK:
		errno = 0;
		cfg->portmask = strtoull(val, &end, 16);
		if (*val == '\0' || *end != '\0' || errno || cfg->portmask == 0)
			return bad(name, val,
				   "give a non-zero hexadecimal mask of port ids, e.g. 0x3");
		return 0;
	case OPT_TOPOLOGY:
		if (strcmp(val, "paired") == 0)
			cfg->topology = TP_TOPO_PAIRED;
		else if (strcmp(val, "chained") == 0)
			cfg->topology = TP_TOPO_CHAINED;
		else if (strcmp(val, "loop") == 0)
			cfg->topology = TP_TOPO_LOOP;
		else
			return bad(name, val, "topologies are paired, chained and loop");
		return 0;
	case OPT_STATS_PERIOD:
		if (get_uint(name, val, 0, 86400, &v) < 0)
			return -EINVAL;
		cfg->stats_period = (unsigned int)v;
		return 0;
	case OPT_TXPKTS:
		return parse_txpkts(cfg, name, val);
	case OPT_ETH_PEER:
		return parse_eth_peer(cfg, name, val);
	case OPT_MAX_PKT_LEN:
		if (get_uint(name, val, 64, 65535, &v) < 0)
			return -EINVAL;
		cfg->max_pkt_len = (uint32_t)v;
		return 0;
	case OPT_MBUF_SIZE:
		if (get_uint(name, val, PRT_PKTMBUF_HEADROOM + 64, 65535, &v) < 0)
			return -EINVAL;
		cfg->mbuf_size = (uint16_t)v;
		return 0;
	case OPT_TOTAL_NUM_MBUFS:
		if (get_uint(name, val, 1024, 1u << 26, &v) < 0)
			return -EINVAL;
		cfg->total_num_mbufs = (unsigned int)v;
		return 0;
	case OPT_RX_INTR:
		cfg->rx_intr = true;
		return 0;
	case OPT_TX_FIRST:
		cfg->tx_first = true;
		return 0;
	case OPT_RECORD_CORE_CYCLES:
		cfg->record_core_cycles = true;
		return 0;
	case OPT_NO_LSC_INTR:
		cfg->lsc_intr = false;
		return 0;
	case OPT_NO_RMV_INTR:
		cfg->rmv_intr = false;
		return 0;
	case OPT_RUN_TIME:
		errno = 0;
		cfg->run_time = strtod(val, &end);
		if (*val == '\0' || *end != '\0' || errno || cfg->run_time < 0)
			return bad(name, val, "give seconds, e.g. 10 or 0.5 (0: start and stop)");
		return 0;
	case OPT_JSON_STATS:
		cfg->json_path = val;
		return 0;
	case 'i':
		cfg->interactive = true;
		return 0;
	}
	return -EINVAL;
}

int tp_parse_args(int argc, char **argv, struct tp_config *cfg)
{
	int opt, idx;

	*cfg = tp_defaults;
	cfg->engine = fwd_engine_find("io");
	for (unsigned int p = 0; p < PRT_MAX_ETHPORTS; p++)
		cfg->peer_addr[p] = (struct prt_ether_addr){ { 0x02, 0, 0, 0, 0, (uint8_t)p } };
	opterr = 0;
	optind = 0; /* glibc: a full restart, also of a cluster of short options left half-read */
	while ((opt = getopt_long(argc, argv, ":hi", long_opts, &idx)) != -1) {
		if (opt == 'h') {
			usage(argv[0]);
			return 1;
		}
		if (opt == '?') {
			fprintf(stderr, "testpmd-lite: unknown option '%s' (see --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (opt == ':') {
			fprintf(stderr, "testpmd-lite: option '%s' needs a value (see --help)\n",
				argv[optind - 1]);
			return -EINVAL;
		}
		if (apply(cfg, opt, opt == 'i' ? "interactive" : long_opts[idx].name, optarg) < 0)
			return -EINVAL;
	}
	if (optind < argc) {
		fprintf(stderr, "testpmd-lite: unexpected argument '%s' (see --help)\n",
			argv[optind]);
		return -EINVAL;
	}
	if (cfg->interactive && (cfg->run_time >= 0 || cfg->stats_period || cfg->tx_first)) {
		fprintf(stderr, "testpmd-lite: %s is for a run without -i; at the prompt: %s\n",
			cfg->run_time >= 0 ? "--run-time" :
			cfg->stats_period  ? "--stats-period" :
					     "--tx-first",
			cfg->run_time >= 0 ? "start, then stop when you want" :
			cfg->stats_period  ? "show port stats all (rates since the last show)" :
					     "start tx_first");
		return -EINVAL;
	}
	if (cfg->max_pkt_len - PRT_ETHER_HDR_CRC_LEN < 68) {
		fprintf(stderr, "testpmd-lite: --max-pkt-len=%u leaves an MTU under 68 bytes\n",
			cfg->max_pkt_len);
		return -EINVAL;
	}
	return 0;
}
