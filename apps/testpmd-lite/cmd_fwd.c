/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The forwarding commands of -i, in dpdk-testpmd's words: start, start
 * tx_first, stop (with the run's statistics), set fwd, set nbcore, show
 * config fwd, quit. What changes the forwarding layout waits for a stop.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "cmdline.h"
#include "testpmd.h"

/* -EBUSY after dpdk-testpmd's line when forwarding runs. */
static int refuse_while_forwarding(void)
{
	if (!tp_fwd_running())
		return 0;
	fprintf(stderr, "Please stop forwarding first\n");
	return -EBUSY;
}

static int start(bool tx_first)
{
	if (tp_fwd_running()) {
		fprintf(stderr, "Packet forwarding already started\n");
		return -EBUSY;
	}
	for (unsigned int i = 0; i < nb_fwd_ports; i++)
		if (!tp_port_started(fwd_ports[i])) {
			fprintf(stderr, "Port %u is stopped: port start %u (or all) first\n",
				fwd_ports[i], fwd_ports[i]);
			return -EINVAL;
		}
	return tp_fwd_start(tx_first);
}

int tp_cmd_start(unsigned int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return start(false);
}

int tp_cmd_start_tx_first(unsigned int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return start(true);
}

int tp_cmd_stop(unsigned int argc, char **argv)
{
	double seconds;

	(void)argc;
	(void)argv;
	if (!tp_fwd_running()) {
		fprintf(stderr, "Packet forwarding not started\n");
		return -EINVAL;
	}
	printf("Telling cores to stop...\nWaiting for lcores to finish...\n");
	seconds = tp_fwd_stop();
	tp_stats_final(seconds); /* a --json-stats file it cannot write: it said so */
	printf("Done.\n");
	return 0;
}

int tp_cmd_set_fwd(unsigned int argc, char **argv)
{
	const struct fwd_engine *engine = fwd_engine_find(argv[0]);
	int ret = refuse_while_forwarding();

	(void)argc;
	if (ret < 0)
		return ret;
	if (engine == NULL) {
		char modes[128];

		fwd_engine_names(modes, sizeof(modes));
		fprintf(stderr, "Invalid forwarding mode '%s': the modes are %s\n", argv[0], modes);
		return -EINVAL;
	}
	tp_cfg.engine = engine;
	printf("Set %s packet forwarding mode\n", engine->name);
	return 0;
}

int tp_cmd_set_nbcore(unsigned int argc, char **argv)
{
	unsigned int old = tp_cfg.nb_cores;
	unsigned long n;
	char *end;
	int ret = refuse_while_forwarding();

	(void)argc;
	if (ret < 0)
		return ret;
	n = strtoul(argv[0], &end, 10);
	if (*end != '\0' || argv[0][0] == '-' || n == 0 || n >= PRT_MAX_LCORE) {
		fprintf(stderr, "set nbcore: '%s' is not a number of cores (1 or more)\n", argv[0]);
		return -EINVAL;
	}
	tp_cfg.nb_cores = (unsigned int)n;
	ret = tp_fwd_check_cores();
	if (ret < 0) {
		tp_cfg.nb_cores = old;
		return ret;
	}
	printf("Number of forwarding cores set to %u\n", tp_cfg.nb_cores);
	return 0;
}

int tp_cmd_show_config_fwd(unsigned int argc, char **argv)
{
	(void)argc;
	(void)argv;
	if (!tp_fwd_running()) {
		int ret = tp_fwd_config_setup(); /* what the next start would run */

		if (ret < 0)
			return ret;
	}
	tp_fwd_config_show();
	return 0;
}

int tp_cmd_quit(unsigned int argc, char **argv)
{
	(void)argc;
	(void)argv;
	return TP_CMD_QUIT;
}
