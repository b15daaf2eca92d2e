/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt_eal_init() and prt_eal_cleanup(): the order in which the environment
 * comes up and goes down. Each stage that succeeded is undone, in reverse
 * order, when a later one fails.
 */
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "eal_memory.h"
#include "eal_private.h"
#include "telemetry_private.h"
#include "vfio_device.h"

struct eal_config eal_cfg;
static bool eal_initialised;
static pthread_mutex_t eal_init_lock = PTHREAD_MUTEX_INITIALIZER;

/* A NULL-terminated copy of @argv[from, to), for /eal/params and /eal/app_params. */
static char **args_copy(char **argv, int from, int to)
{
	char **v = calloc((size_t)(to > from ? to - from : 0) + 1, sizeof(*v));

	for (int i = from; v != NULL && i < to; i++) {
		v[i - from] = strdup(argv[i]);
		if (v[i - from] == NULL) {
			eal_args_free(v);
			return NULL;
		}
	}
	return v;
}

void eal_args_free(char **v)
{
	for (size_t i = 0; v != NULL && v[i] != NULL; i++)
		free(v[i]);
	free(v);
}

/* The runtime directory for @cfg's --file-prefix, as DPDK names it. */
static int runtime_dir_set(struct eal_config *cfg)
{
	const char *base = "/var/run";
	int n;

	if (geteuid() != 0) {
		base = getenv("XDG_RUNTIME_DIR");
		if (base == NULL || *base == '\0')
			base = "/tmp";
	}
	n = asprintf(&cfg->runtime_dir, "%s/dpdk/%s", base, cfg->file_prefix);
	if (n < 0) {
		cfg->runtime_dir = NULL;
		return -ENOMEM;
	}
	return 0;
}

/* What the command line keeps after parsing: its copy, the runtime directory. */
static int config_keep_args(struct eal_config *cfg, int argc, char **argv, int consumed)
{
	int eal_end = consumed;

	/* The EAL's arguments without the "--" that ends them. */
	if (consumed > 0 && strcmp(argv[consumed], "--") == 0)
		eal_end--;
	/* argv[0] first, as DPDK's eal_save_args() keeps it for /eal/params. */
	cfg->eal_args = args_copy(argv, 0, eal_end + 1);
	cfg->app_args = args_copy(argv, consumed + 1, argc);
	if (cfg->eal_args == NULL || cfg->app_args == NULL)
		return -ENOMEM;
	return runtime_dir_set(cfg);
}

int prt_eal_init(int argc, char **argv)
{
	struct eal_config cfg;
	int consumed, ret;

	if (argc < 1 || argv == NULL)
		return -EINVAL;
	pthread_mutex_lock(&eal_init_lock);
	if (eal_initialised) {
		prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL, "prt_eal_init() called twice");
		ret = -EALREADY;
		goto out;
	}
	memset(&cfg, 0, sizeof(cfg));
	consumed = eal_parse_args(argc, argv, &cfg);
	if (consumed < 0) {
		ret = consumed;
		eal_config_free(&cfg);
		goto out;
	}
	if (cfg.help) {
		prt_eal_usage(stdout);
		eal_config_free(&cfg);
		ret = -ECANCELED;
		goto out;
	}
	eal_log_levels_apply(&cfg);
	ret = config_keep_args(&cfg, argc, argv, consumed);
	if (ret < 0) {
		eal_config_free(&cfg);
		goto out;
	}
	if (cfg.iova_mode == PRT_IOVA_DC)
		cfg.iova_mode = vfio_default_iova_mode(&cfg);
	eal_cfg = cfg;

	ret = eal_lcores_start();
	if (ret < 0)
		goto fail_config;

	/* After the lcores: they fault the hugepages in, each on its node. */
	ret = eal_memory_init();
	if (ret < 0)
		goto fail_lcores;

	/* Last: the buses' devices (ports), once everything they use is up. */
	ret = eal_bus_probe();
	if (ret < 0)
		goto fail_memory;

	/* After the buses, as DPDK: the ports exist when the first client asks. */
	if (!eal_cfg.no_telemetry) {
		cpu_set_t ctrl;

		eal_ctrl_cpuset(&ctrl);
		ret = telemetry_init(eal_cfg.runtime_dir, &ctrl);
		if (ret < 0 && eal_cfg.telemetry_required) {
			prt_log(PRT_LOG_ERR, PRT_LOGTYPE_EAL,
				"cannot serve telemetry in %s: %s (asked for with --telemetry; "
				"--no-telemetry runs without it)",
				eal_cfg.runtime_dir, strerror(-ret));
			goto fail_buses;
		}
		/* As a monitoring channel, not what the program is for: it runs on. */
		if (ret < 0)
			prt_log(PRT_LOG_WARNING, PRT_LOGTYPE_EAL,
				"cannot serve telemetry in %s: %s; running without it (choose "
				"another place with --file-prefix or XDG_RUNTIME_DIR, or say "
				"--no-telemetry)",
				eal_cfg.runtime_dir, strerror(-ret));
	}

	if (consumed > 0)
		argv[consumed] = argv[0];
	eal_initialised = true;
	ret = consumed;
	goto out;

fail_buses:
	eal_bus_cleanup();
fail_memory:
	eal_memory_cleanup();
fail_lcores:
	eal_lcores_stop();
fail_config:
	eal_config_free(&eal_cfg);
out:
	pthread_mutex_unlock(&eal_init_lock);
	return ret;
}

int prt_eal_cleanup(void)
{
	pthread_mutex_lock(&eal_init_lock);
	if (!eal_initialised) {
		pthread_mutex_unlock(&eal_init_lock);
		return -EALREADY;
	}
	telemetry_cleanup(); /* first: its commands read the ports and the config */
	eal_bus_cleanup();
	eal_memory_cleanup();
	eal_lcores_stop();
	eal_config_free(&eal_cfg);
	eal_initialised = false;
	pthread_mutex_unlock(&eal_init_lock);
	return 0;
}

enum prt_iova_mode prt_eal_iova_mode(void)
{
	return eal_cfg.iova_mode;
}

enum prt_vfio_mode prt_eal_vfio_mode(void)
{
	return eal_cfg.vfio_mode;
}

const char *prt_eal_runtime_dir(void)
{
	return eal_cfg.runtime_dir;
}

int prt_eal_has_hugepages(void)
{
	return !eal_cfg.no_huge;
}

unsigned int prt_eal_vdev_count(void)
{
	return eal_cfg.nb_vdevs;
}

int prt_eal_vdev_get(unsigned int idx, const char **name, const char **args)
{
	if (idx >= eal_cfg.nb_vdevs)
		return -ENOENT;
	if (name)
		*name = eal_cfg.vdevs[idx].name;
	if (args)
		*args = eal_cfg.vdevs[idx].args;
	return 0;
}
