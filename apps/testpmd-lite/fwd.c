/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding lcores: each runs its streams in turn until told to stop.
 * A forwarding run (tp_fwd_start() ... tp_fwd_stop()) lays the streams out
 * for the current mode, gives each lcore a contiguous run of them, and
 * counts from its own start; with -i there are as many runs as `start`s.
 * When every rx port has reached its end of input, they drain: they go on
 * until a whole pass over their streams receives nothing, then stop by
 * themselves. With --rx-intr an lcore whose streams stayed idle arms their
 * rx interrupts, polls once more, and sleeps until a frame arrives. With
 * --record-core-cycles each stream counts the TSC cycles of its passes that
 * did work, as dpdk-testpmd's: a receiving mode's passes that received, every
 * pass of a mode that only sends (txonly, flowgen), refused bursts too.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prt_cycles.h"
#include "testpmd.h"

extern const struct fwd_engine io_engine, mac_engine, macswap_engine, rxonly_engine, txonly_engine,
	flowgen_engine, icmpecho_engine;

static const struct fwd_engine *const engines[] = {
	&io_engine,	&mac_engine,	 &macswap_engine,  &rxonly_engine,
	&txonly_engine, &flowgen_engine, &icmpecho_engine,
};

atomic_bool tp_stop;
atomic_bool tp_draining;
atomic_bool tp_quit;

/* Passes without a frame before an lcore sleeps on its rx interrupts. */
#define IDLE_PASSES_BEFORE_SLEEP 256
/* Longest sleep, so that a stop request is seen promptly. */
#define INTR_SLEEP_MS 100

struct fwd_lcore {
	unsigned int lcore_id;
	struct fwd_stream *streams;
	unsigned int nb_streams;
	atomic_bool done; /* stopped by itself after draining */
};

/* The forwarding configuration: written by the main lcore while no lcore forwards. */
static struct fwd_lcore fwd_lcores[PRT_MAX_LCORE];
static unsigned int nb_fwd_lcores;
static bool running; /* launched, not yet waited for */
static uint64_t start_ns;

/*
 * The lcores forwarding now, for other threads (telemetry): ids written
 * before their count is released, the count set to 0 before they stop.
 */
static atomic_uint running_lcore_ids[PRT_MAX_LCORE];
static atomic_uint nb_running_lcores;

const struct fwd_engine *fwd_engine_find(const char *name)
{
	for (unsigned int i = 0; i < PRT_DIM(engines); i++)
		if (strcmp(engines[i]->name, name) == 0)
			return engines[i];
	return NULL;
}

void fwd_engine_names(char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (unsigned int i = 0; i < PRT_DIM(engines) && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? "|" : "",
					engines[i]->name);
}

/* Sum of the rx counters of @fc's streams (its own counters: plain reads). */
static uint64_t lcore_rx(const struct fwd_lcore *fc)
{
	uint64_t n = 0;

	for (unsigned int i = 0; i < fc->nb_streams; i++)
		n += fc->streams[i].rx_packets;
	return n;
}

/* Sleeps on the rx interrupts of @fc's streams until traffic or a timeout. */
static void lcore_sleep(struct fwd_lcore *fc, struct prt_eth_rx_intr_set *set)
{
	uint64_t before = lcore_rx(fc);

	for (unsigned int i = 0; i < fc->nb_streams; i++)
		prt_eth_dev_rx_intr_enable(fc->streams[i].rx_port, fc->streams[i].rx_queue);
	/* A frame may have come before the interrupt was armed: look once more. */
	for (unsigned int i = 0; i < fc->nb_streams; i++)
		tp_cfg.engine->fwd(&fc->streams[i]);
	if (lcore_rx(fc) == before)
		prt_eth_dev_rx_intr_wait(set, NULL, 0, INTR_SLEEP_MS);
	for (unsigned int i = 0; i < fc->nb_streams; i++)
		prt_eth_dev_rx_intr_disable(fc->streams[i].rx_port, fc->streams[i].rx_queue);
}

static struct prt_eth_rx_intr_set *lcore_intr_set(struct fwd_lcore *fc)
{
	struct prt_eth_rxq_id ids[64];
	struct prt_eth_rx_intr_set *set = NULL;
	unsigned int n = PRT_MIN(fc->nb_streams, (unsigned int)PRT_DIM(ids));

	for (unsigned int i = 0; i < n; i++)
		ids[i] = (struct prt_eth_rxq_id){ fc->streams[i].rx_port, fc->streams[i].rx_queue };
	if (prt_eth_rx_intr_set_create(ids, n, &set) < 0)
		fprintf(stderr, "testpmd-lite: lcore %u polls without sleeping (no rx interrupt)\n",
			fc->lcore_id);
	return set;
}

/* One pass over @fc's streams; with @record, the busy ones' cycles counted (see the top). */
static __prt_always_inline void lcore_pass(struct fwd_lcore *fc, const struct fwd_engine *engine,
					   bool record)
{
	for (unsigned int i = 0; i < fc->nb_streams; i++) {
		struct fwd_stream *fs = &fc->streams[i];
		uint64_t t0 = record ? prt_get_tsc_cycles() : 0, rx = fs->rx_packets;

		engine->fwd(fs);
		if (record && (!engine->receives || fs->rx_packets != rx))
			tp_count(&fs->busy_cycles, prt_get_tsc_cycles() - t0);
	}
}

static int fwd_lcore_main(void *arg)
{
	struct fwd_lcore *fc = arg;
	const struct fwd_engine *engine = tp_cfg.engine;
	struct prt_eth_rx_intr_set *set = NULL;
	unsigned int idle = 0;

	if (tp_cfg.rx_intr && engine->receives)
		set = lcore_intr_set(fc);
	while (!atomic_load_explicit(&tp_stop, memory_order_relaxed)) {
		uint64_t before = lcore_rx(fc);

		/* Two copies of the pass, so that the plain one tests nothing more. */
		if (tp_cfg.record_core_cycles)
			lcore_pass(fc, engine, true);
		else
			lcore_pass(fc, engine, false);
		if (lcore_rx(fc) != before) {
			idle = 0;
			continue;
		}
		/* Nothing received in a whole pass. */
		if (atomic_load_explicit(&tp_draining, memory_order_acquire))
			break;
		if (set && ++idle >= IDLE_PASSES_BEFORE_SLEEP) {
			lcore_sleep(fc, set);
			idle = 0;
		}
	}
	prt_eth_rx_intr_set_free(set);
	atomic_store_explicit(&fc->done, true, memory_order_release);
	return 0;
}

int tp_fwd_check_cores(void)
{
	unsigned int workers = 0, lcore;

	PRT_LCORE_FOREACH_WORKER(lcore)
		workers++;
	if (workers == 0) {
		fprintf(stderr,
			"testpmd-lite: no worker lcore to forward on; give two lcores or more, e.g. -l 0-1\n");
		return -EINVAL;
	}
	if (tp_cfg.nb_cores > workers) {
		fprintf(stderr, "testpmd-lite: --nb-cores=%u, but -l gives %u worker lcore(s)\n",
			tp_cfg.nb_cores, workers);
		return -EINVAL;
	}
	return 0;
}

/* Gives each forwarding lcore a contiguous run of streams, as dpdk-testpmd. */
static void lcores_assign(void)
{
	unsigned int lcore, first = 0;

	nb_fwd_lcores = PRT_MIN(tp_cfg.nb_cores, nb_fwd_streams);
	lcore = (unsigned int)-1;
	for (unsigned int i = 0; i < nb_fwd_lcores; i++) {
		unsigned int n = nb_fwd_streams / nb_fwd_lcores +
				 (i < nb_fwd_streams % nb_fwd_lcores ? 1 : 0);

		lcore = prt_get_next_lcore(lcore, 1, 0);
		fwd_lcores[i].lcore_id = lcore;
		fwd_lcores[i].streams = &fwd_streams[first];
		fwd_lcores[i].nb_streams = n;
		atomic_store_explicit(&fwd_lcores[i].done, false, memory_order_relaxed);
		first += n;
	}
}

int tp_fwd_config_setup(void)
{
	int ret;

	if (running)
		return -EBUSY;
	ret = tp_fwd_check_cores();
	if (ret < 0)
		return ret;
	nb_fwd_lcores = 0; /* their streams are rebuilt: no lcore points at the old ones */
	ret = tp_streams_build();
	if (ret < 0)
		return ret;
	lcores_assign();
	return 0;
}

void tp_fwd_config_show(void)
{
	printf("%s packet forwarding - ports=%u - cores=%u - streams=%u\n", tp_cfg.engine->name,
	       nb_fwd_ports, nb_fwd_lcores, nb_fwd_streams);
	for (unsigned int i = 0; i < nb_fwd_lcores; i++) {
		const struct fwd_lcore *fc = &fwd_lcores[i];

		printf("Logical Core %u (socket %d) forwards packets on %u streams:\n",
		       fc->lcore_id, prt_lcore_to_socket_id(fc->lcore_id), fc->nb_streams);
		for (unsigned int s = 0; s < fc->nb_streams; s++) {
			const struct fwd_stream *fs = &fc->streams[s];
			char peer[PRT_ETHER_ADDR_FMT_SIZE];

			prt_ether_format_addr(peer, sizeof(peer), &tp_cfg.peer_addr[fs->tx_port]);
			printf("  RX P=%u/Q=%u (socket %d) -> TX P=%u/Q=%u (socket %d) peer=%s\n",
			       fs->rx_port, fs->rx_queue, prt_eth_dev_socket_id(fs->rx_port),
			       fs->tx_port, fs->tx_queue, prt_eth_dev_socket_id(fs->tx_port), peer);
		}
	}
}

/* Launches the lcores of the configuration tp_fwd_config_setup() made. */
static int fwd_launch(void)
{
	int ret;

	if (nb_fwd_lcores < tp_cfg.nb_cores)
		printf("testpmd-lite: %u streams for %u cores: %u cores forward\n", nb_fwd_streams,
		       tp_cfg.nb_cores, nb_fwd_lcores);
	for (unsigned int i = 0; i < nb_fwd_lcores; i++) {
		struct fwd_lcore *fc = &fwd_lcores[i];

		printf("lcore %u: %u stream(s):", fc->lcore_id, fc->nb_streams);
		for (unsigned int s = 0; s < fc->nb_streams; s++)
			printf(" %u/%u->%u/%u", fc->streams[s].rx_port, fc->streams[s].rx_queue,
			       fc->streams[s].tx_port, fc->streams[s].tx_queue);
		printf("\n");
		ret = prt_eal_remote_launch(fwd_lcore_main, fc, fc->lcore_id);
		if (ret < 0) {
			fprintf(stderr, "testpmd-lite: cannot launch lcore %u: %s\n", fc->lcore_id,
				strerror(-ret));
			atomic_store(&tp_stop, true);
			for (unsigned int k = 0; k < i; k++)
				prt_eal_wait_lcore(fwd_lcores[k].lcore_id);
			atomic_store(&tp_stop, atomic_load(&tp_quit)); /* a next run may start */
			return ret;
		}
		atomic_store_explicit(&running_lcore_ids[i], fc->lcore_id, memory_order_relaxed);
	}
	atomic_store_explicit(&nb_running_lcores, nb_fwd_lcores, memory_order_release);
	return 0;
}

unsigned int tp_fwd_running_lcores(unsigned int *ids, unsigned int max)
{
	unsigned int n = atomic_load_explicit(&nb_running_lcores, memory_order_acquire);

	for (unsigned int i = 0; i < n && i < max; i++)
		ids[i] = atomic_load_explicit(&running_lcore_ids[i], memory_order_relaxed);
	return n;
}

int tp_fwd_start(bool tx_first)
{
	int ret = tp_fwd_config_setup();

	if (ret < 0)
		return ret;
	tp_stats_begin();
	start_ns = prt_time_ns();
	if (tx_first) {
		ret = tp_tx_first();
		if (ret < 0)
			return ret;
	}
	ret = fwd_launch();
	if (ret < 0)
		return ret;
	running = true;
	printf("forwarding started: mode %s, %u port(s), %u stream(s), %u core(s)%s\n",
	       tp_cfg.engine->name, nb_fwd_ports, nb_fwd_streams, nb_fwd_lcores,
	       tp_cfg.rx_intr ? ", rx-intr" : "");
	fflush(stdout);
	return 0;
}

double tp_fwd_stop(void)
{
	if (!running)
		return 0;
	atomic_store_explicit(&nb_running_lcores, 0, memory_order_relaxed);
	atomic_store(&tp_stop, true);
	for (unsigned int i = 0; i < nb_fwd_lcores; i++)
		prt_eal_wait_lcore(fwd_lcores[i].lcore_id);
	running = false;
	/* Ready for the next run; a signal meanwhile left tp_quit set, which ends the session. */
	atomic_store(&tp_stop, false);
	atomic_store(&tp_draining, false);
	return (double)(prt_time_ns() - start_ns) / 1e9;
}

bool tp_fwd_running(void)
{
	return running;
}

bool tp_fwd_all_done(void)
{
	for (unsigned int i = 0; i < nb_fwd_lcores; i++)
		if (!atomic_load_explicit(&fwd_lcores[i].done, memory_order_acquire))
			return false;
	return true;
}
