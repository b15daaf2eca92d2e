/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * testpmd-lite: the order of things. EAL (which probes the ports), options,
 * ports, workers; then the main lcore watches: signals, --run-time, the end
 * of input, periodic statistics. Whatever ends the run, the final
 * statistics are printed and everything is released. With -i the main
 * lcore reads commands instead (cmdline.c), once the ports are started.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "cmdline.h"
#include "testpmd.h"

#define WATCH_PERIOD_MS 10

/*
 * SIGINT/SIGTERM: the first asks for a clean stop (the final statistics are
 * printed), also during start-up; a second one ends the program at once,
 * for a run whose workers or start-up hang. Async-signal-safe: a lock-free
 * atomic, write(2) and _exit(2) only.
 */
static atomic_int signals_received;

static void on_signal(int sig)
{
	static const char msg[] = "testpmd-lite: second signal: exiting now\n";

	if (atomic_fetch_add(&signals_received, 1) > 0) {
		if (write(STDERR_FILENO, msg, sizeof(msg) - 1) < 0) {
			/* nothing more to do about it */
		}
		_exit(128 + sig);
	}
	atomic_store(&tp_quit, true);
	atomic_store(&tp_stop, true);
}

/* Before anything else, so that a signal during start-up is not lost. */
static void signals_install(void)
{
	/* SA_RESTART: start-up's blocking calls (a FIFO's open) go on after the first. */
	struct sigaction sa = { .sa_handler = on_signal, .sa_flags = SA_RESTART };

	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

/* Set when an input ended on a read error (the driver logged it): exit 1. */
static bool input_error;

/* 1 when every forwarding port has reached the end of its input. */
static bool all_input_ended(void)
{
	bool error = false;

	for (unsigned int i = 0; i < nb_fwd_ports; i++) {
		int eof = prt_eth_rx_eof(fwd_ports[i]);

		if (eof == 0)
			return false;
		error |= eof < 0;
	}
	input_error = error;
	return true;
}

/* Watches the run from the main lcore until it must end; returns why. */
static const char *watch(uint64_t start_ns)
{
	uint64_t next_stats = start_ns + tp_cfg.stats_period * 1000000000ull;

	for (;;) {
		uint64_t now;

		nanosleep(&(struct timespec){ .tv_nsec = WATCH_PERIOD_MS * 1000000L }, NULL);
		now = prt_time_ns();
		if (atomic_load(&tp_stop))
			return "signal received";
		if (tp_cfg.run_time > 0 && (double)(now - start_ns) / 1e9 >= tp_cfg.run_time)
			return "--run-time elapsed";
		if (tp_cfg.engine->receives && !atomic_load(&tp_draining) && all_input_ended())
			atomic_store_explicit(&tp_draining, true, memory_order_release);
		if (atomic_load(&tp_draining) && tp_fwd_all_done())
			return input_error ?
				       "end of input on every rx port (one ended on a read error), tx drained" :
				       "end of input on every rx port, tx drained";
		if (tp_cfg.stats_period && now >= next_stats) {
			tp_stats_periodic();
			next_stats += tp_cfg.stats_period * 1000000000ull;
		}
	}
}

static int run(void)
{
	uint64_t start;
	double seconds = 0;
	int ret;

	if (tp_cfg.run_time != 0 && !tp_cfg.interactive) {
		ret = tp_fwd_check_cores();
		if (ret < 0)
			return ret;
	}
	ret = tp_ports_setup();
	if (ret < 0)
		return ret;
	ret = tp_ports_start();
	if (ret < 0)
		return ret;
	if (tp_cfg.interactive)
		return tp_cmdline_run();
	if (tp_cfg.run_time == 0) {
		tp_stats_begin();
		printf("ports started; --run-time=0: stopping\n");
	} else {
		ret = tp_fwd_start(tp_cfg.tx_first);
		if (ret < 0)
			return ret;
		start = prt_time_ns();
		printf("stopping: %s\n", watch(start));
		seconds = tp_fwd_stop();
	}
	for (unsigned int i = 0; i < nb_fwd_ports; i++)
		tp_port_stop(fwd_ports[i]); /* flushes what ports buffer (capture files) */
	ret = tp_stats_final(seconds);
	return ret < 0 ? ret : input_error ? -EIO : 0;
}

int main(int argc, char **argv)
{
	int n, ret;

	setvbuf(stdout, NULL, _IOLBF, 0); /* scripts wait for "forwarding started" */
	signals_install();
	n = prt_eal_init(argc, argv);
	if (n < 0)
		return n == -ECANCELED ? 0 : 1; /* the EAL said why */
	argc -= n;
	argv += n;
	ret = tp_parse_args(argc, argv, &tp_cfg);
	if (ret == 0 && tp_telemetry_register() < 0)
		fprintf(stderr, "testpmd-lite: /testpmd/fwd not registered with telemetry\n");
	if (ret == 0) {
		ret = run();
		tp_ports_close();
		tp_stats_release();
	}
	prt_eal_cleanup();
	return ret < 0 ? 1 : 0;
}
