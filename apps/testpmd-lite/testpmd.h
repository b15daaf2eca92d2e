/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * testpmd-lite: what its files share. The app is dpdk-testpmd's core:
 * ports from the EAL (--vdev, PCI), forwarding streams (rx port/queue -> tx
 * port/queue) spread over worker lcores, one forwarding engine per mode,
 * statistics, and with -i its command line.
 *
 *   args.c       options (dpdk-testpmd's names) into struct tp_config
 *   ports.c      mbuf pool, port set-up, topology, streams, port start/stop
 *   fwd.c        forwarding runs: lcores and their streams, the worker loop,
 *                end of input, rx interrupts
 *   fwd_*.c      one engine per forwarding mode
 *   port_stats.c a port's counters since a snapshot
 *   stats.c      periodic and final forwarding statistics, JSON
 *   events.c     link-state change and device removal events, printed
 *   cmdline.[ch] -i: the prompt (libedit, or plain lines from a pipe), the
 *                command table, parsing
 *   cmd_fwd.c, cmd_port.c  the commands' handlers
 *   telemetry.c  /testpmd/fwd: the forwarding state, for telemetry clients
 *   main.c       the order of things, signals, exit status
 */
#ifndef TESTPMD_H
#define TESTPMD_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>

#include "prt_atomic.h"
#include "prt_eal.h"
#include "prt_ethdev.h"
#include "prt_mbuf.h"

#define TP_MAX_BURST 512
#define TP_MAX_SEGS 8 /* --txpkts segments */

enum tp_topology {
	TP_TOPO_PAIRED, /* 0<->1, 2<->3, ...; an odd last port loops to itself */
	TP_TOPO_CHAINED, /* 0->1->2->...->0 */
	TP_TOPO_LOOP, /* each port to itself */
};

struct fwd_stream;

/** A forwarding mode. */
struct fwd_engine {
	const char *name;
	/** Receives (its traffic ends when the input does); false for txonly/flowgen. */
	bool receives;
	/** Sends (its figure is frames sent); false for rxonly (frames received). */
	bool sends;
	/** Prepares a stream before forwarding starts (NULL: nothing). @return 0 or -errno. */
	int (*stream_init)(struct fwd_stream *fs);
	/** One pass over a stream: at most one rx burst and one tx burst. */
	void (*fwd)(struct fwd_stream *fs);
};

/** One stream: frames from (rx_port, rx_queue) to (tx_port, tx_queue). */
/** Bytes of the Ethernet, IPv4 and UDP headers of a generated frame. */
#define TP_TX_HDRS_LEN (PRT_ETHER_HDR_LEN + 20 + 8)

struct fwd_stream {
	uint16_t rx_port;
	uint16_t rx_queue;
	uint16_t tx_port;
	uint16_t tx_queue;
	/* counters, written by the stream's lcore only (prt_eth_counter_add style) */
	uint64_t rx_packets;
	uint64_t tx_packets;
	uint64_t fwd_dropped; /* not taken by tx, freed */
	struct prt_ether_addr eth_src; /* mac/txonly/flowgen: the tx port's address */
	uint32_t flow; /* flowgen: the next flow */
	uint8_t tx_hdrs[TP_TX_HDRS_LEN]; /* txonly/flowgen: every frame's headers, made once */
	uint16_t idle_passes; /* consecutive passes without rx (rx-intr) */
	uint64_t busy_cycles; /* --record-core-cycles: TSC cycles of the passes that did work */
} __prt_cache_aligned;

/** Everything the options chose. */
struct tp_config {
	const struct fwd_engine *engine;
	unsigned int nb_cores;
	uint16_t nb_rxq;
	uint16_t nb_txq;
	uint16_t nb_rxd;
	uint16_t nb_txd;
	uint16_t burst;
	uint64_t portmask; /* 0: every port */
	enum tp_topology topology;
	unsigned int stats_period; /* seconds; 0: none */
	double run_time; /* seconds; < 0: until end of input or a signal */
	uint16_t txpkts[TP_MAX_SEGS]; /* txonly/flowgen segment lengths */
	unsigned int nb_txpkts;
	uint32_t tx_pkt_len; /* their sum */
	struct prt_ether_addr peer_addr[PRT_MAX_ETHPORTS];
	bool rx_intr;
	bool tx_first; /* send a burst on every stream before forwarding */
	bool record_core_cycles; /* --record-core-cycles: busy TSC cycles per stream */
	bool lsc_intr; /* link-state change events where a port has them (default) */
	bool rmv_intr; /* device removal events where a port has them (default) */
	bool interactive; /* -i: commands from stdin instead of one run */
	const char *json_path;
	uint32_t max_pkt_len; /* bytes, CRC included: MTU + 18 */
	unsigned int total_num_mbufs; /* 0: computed */
	uint16_t mbuf_size; /* data room, headroom included */
};

extern struct tp_config tp_cfg;

/** Forwarding ports (those in the portmask), in id order. */
extern uint16_t fwd_ports[PRT_MAX_ETHPORTS];
extern unsigned int nb_fwd_ports;

extern struct fwd_stream *fwd_streams;
extern unsigned int nb_fwd_streams;

/** The pool every rx queue and txonly take mbufs from. */
extern struct prt_mempool *tp_pool;

/** Set by a signal, by --run-time, at the end of input, or by tp_fwd_stop(): workers stop. */
extern atomic_bool tp_stop;
/** Set when every rx port reached its end of input: workers drain, then stop. */
extern atomic_bool tp_draining;
/** Set by SIGINT/SIGTERM (with tp_stop): the prompt ends as at `quit`. */
extern atomic_bool tp_quit;

/** Finds an engine by name; NULL when there is none. */
const struct fwd_engine *fwd_engine_find(const char *name);
/** Writes the engines' names, separated by '|', into @p buf. */
void fwd_engine_names(char *buf, size_t len);

/**
 * Parses testpmd-lite's options (after the EAL's) into @p cfg, from the
 * defaults on: nothing else is touched, so it can be called any number of
 * times (tests/fuzz/fuzz_testpmd_args.c). String options (--json-stats)
 * point into @p argv. Not thread-safe (getopt_long).
 * @return 0; 1 when --help was printed; -EINVAL after one line on stderr.
 */
int tp_parse_args(int argc, char **argv, struct tp_config *cfg);

/** Checks the portmask, sets up the pool and every forwarding port, builds the streams. */
int tp_ports_setup(void);
/**
 * Registers for the events @p port can raise that the options want (LSC
 * when @p lsc, the port having been configured with intr_conf.lsc; RMV
 * when the port has it); each prints one line when it comes.
 * @return 0; the registration's error.
 */
int tp_events_register(uint16_t port, bool lsc);

/**
 * (Re)builds the streams for the current mode (tp_cfg.engine): one per
 * forwarding port and queue, counters at zero, the engine's stream_init run
 * on each. Main lcore, while no lcore forwards.
 * @return 0; -ENOMEM; stream_init's error (after one line on stderr).
 */
int tp_streams_build(void);

/** Starts every forwarding port (tp_port_start()). @return 0 or the first error. */
int tp_ports_start(void);
/** True when @p port (a valid id) is one of the forwarding ports. */
bool tp_port_is_fwd(uint16_t port);
/**
 * Starts forwarding port @p port (a valid id) unless it is started; prints
 * its line ("port N: NAME, MAC ..."). @return 0; prt_eth_dev_start()'s
 * error, after one line on stderr.
 */
int tp_port_start(uint16_t port);
/** Stops @p port (a valid id). @return 0 or prt_eth_dev_stop()'s error. */
int tp_port_stop(uint16_t port);
/** True when @p port (a valid id) was started by tp_port_start() and not stopped since. */
bool tp_port_started(uint16_t port);
/** Stops and closes every port. */
void tp_ports_close(void);

/** Checks --nb-cores against the worker lcores; one line and -EINVAL when they lack. */
int tp_fwd_check_cores(void);
/** --tx-first: sends one burst of txonly frames on every stream's tx queue. */
int tp_tx_first(void);
/**
 * Lays out a forwarding run for the current mode and --nb-cores: checks
 * the cores, rebuilds the streams, gives each lcore its run of them.
 * Main lcore. @return 0; -EBUSY while forwarding; the errors of
 * tp_fwd_check_cores() and tp_streams_build().
 */
int tp_fwd_config_setup(void);
/** Prints the layout tp_fwd_config_setup() made, as dpdk-testpmd's `show config fwd`. */
void tp_fwd_config_show(void);
/**
 * Starts a forwarding run: lays it out, takes the ports' counters as its
 * start (tp_stats_begin()), sends a burst of txonly frames first on every
 * stream when @p tx_first, launches the lcores and prints "forwarding
 * started: ...". Main lcore. @return 0; the errors of
 * tp_fwd_config_setup(), tp_tx_first() and prt_eal_remote_launch().
 */
int tp_fwd_start(bool tx_first);
/**
 * Tells the forwarding lcores to stop and waits for them (nothing when not
 * forwarding). Main lcore. @return the run's length in seconds (0 when none ran).
 */
double tp_fwd_stop(void);
/** True between a successful tp_fwd_start() and tp_fwd_stop(). */
bool tp_fwd_running(void);
/**
 * The lcores forwarding now (none before tp_fwd_start() and once
 * tp_fwd_stop() began), at most @p max of them into @p ids. Thread-safe.
 * @return how many forward (may be more than @p max).
 */
unsigned int tp_fwd_running_lcores(unsigned int *ids, unsigned int max);
/**
 * Registers /testpmd/fwd, the forwarding state, with the EAL's telemetry.
 * @return 0; the error of prt_telemetry_register_cmd().
 */
int tp_telemetry_register(void);
/** 1 when every forwarding lcore has stopped by itself (drained). */
bool tp_fwd_all_done(void);

/** A port's counters at one moment: the basic ones and the extended ones by index. */
struct tp_port_snap {
	struct prt_eth_stats st;
	uint64_t *xs; /* xstat values, owned; NULL when none were read */
	unsigned int nb_xs;
};

/**
 * Takes @p port's counters now into @p snap (replacing what it held).
 * Safe while lcores forward. @return 0; prt_eth_stats_get()'s error.
 */
int tp_snap_take(uint16_t port, struct tp_port_snap *snap);
/** Frees what @p snap holds and zeroes it (a zero snapshot counts from 0). */
void tp_snap_release(struct tp_port_snap *snap);
/**
 * @p port's basic counters since @p base into @p st. Safe while lcores
 * forward. @return 0; prt_eth_stats_get()'s error.
 */
int tp_stats_since(uint16_t port, const struct tp_port_snap *base, struct prt_eth_stats *st);
/** Called with each extended counter's name and value. */
typedef void (*tp_xstat_fn)(const char *name, uint64_t value, void *arg);
/**
 * Calls @p fn for each of @p port's extended counters, in the port's order,
 * with its value since @p base (the value itself when @p base holds no
 * table of the same size). Safe while lcores forward.
 * @return 0; prt_eth_xstats_get_names()'s error; -ENOMEM.
 */
int tp_xstats_since(uint16_t port, const struct tp_port_snap *base, tp_xstat_fn fn, void *arg);

/** Remembers the counters now, as the start of the run. */
void tp_stats_begin(void);
/** Frees what the statistics hold (at exit). */
void tp_stats_release(void);
/** Prints per-port rates since the last call and the totals. */
void tp_stats_periodic(void);
/** Prints the final statistics; writes the JSON file when asked. @return 0 or -errno. */
int tp_stats_final(double seconds);

/* helpers for the engines */

/** Adds @p n to a counter only this lcore writes (readable from the main lcore). */
static inline void tp_count(uint64_t *c, uint64_t n)
{
	prt_atomic_store(c, prt_atomic_load(c, memory_order_relaxed) + n, memory_order_relaxed);
}

/** Sends @p n frames of @p pkts on @p fs's tx queue; frees (and counts) what tx refused. */
static inline void fwd_stream_tx(struct fwd_stream *fs, struct prt_mbuf **pkts, uint16_t n)
{
	uint16_t sent = prt_eth_tx_burst(fs->tx_port, fs->tx_queue, pkts, n);

	tp_count(&fs->tx_packets, sent);
	if (unlikely(sent < n)) {
		tp_count(&fs->fwd_dropped, (uint64_t)(n - sent));
		prt_pktmbuf_free_bulk(pkts + sent, (unsigned int)(n - sent));
	}
}

#endif /* TESTPMD_H */
