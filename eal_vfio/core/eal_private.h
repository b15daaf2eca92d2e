/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the EAL's parts share inside libprt: the configuration parsed from
 * the options, and the hooks between the options, lcore and init code.
 * Not installed.
 */
#ifndef EAL_PRIVATE_H
#define EAL_PRIVATE_H

#include <sched.h>
#include <stdbool.h>
#include <stdint.h>

#include "prt_eal.h"
#include "prt_pci_addr.h"

/** Most NUMA nodes --socket-mem can name. */
#define EAL_MAX_NUMA_NODES 32

/** One lcore of -l/--lcores: the CPUs its thread may run on. */
struct eal_lcore_cfg {
	bool enabled;
	cpu_set_t cpuset;
};

/** One -a/-b entry: a PCI address and, for -a, the device arguments after its first comma. */
struct eal_pci_rule {
	struct prt_pci_addr addr;
	char *args;
};

/** One --vdev: a driver instance name and its arguments. */
struct eal_vdev {
	char *name;
	char *args;
};

enum eal_pci_list_mode {
	EAL_PCI_LIST_NONE, /**< every device a driver matches */
	EAL_PCI_LIST_ALLOW, /**< only the -a devices */
	EAL_PCI_LIST_BLOCK, /**< all but the -b devices */
};

/** Everything the EAL options chose. Filled by eal_parse_args(); freed by eal_config_free(). */
struct eal_config {
	struct eal_lcore_cfg lcores[PRT_MAX_LCORE];
	unsigned int lcore_count;
	unsigned int main_lcore;

	enum eal_pci_list_mode pci_list_mode;
	struct eal_pci_rule *pci_rules;
	unsigned int nb_pci_rules;

	struct eal_vdev *vdevs;
	unsigned int nb_vdevs;

	bool no_huge;
	bool in_memory;
	char *huge_dir;
	uint64_t mem_mb; /**< -m; 0 = not given */
	uint64_t socket_mem_mb[EAL_MAX_NUMA_NODES]; /**< --socket-mem */
	bool socket_mem_set;

	bool legacy_mem; /**< --legacy-mem: the heaps keep their start-up size */

	enum prt_iova_mode iova_mode;
	enum prt_vfio_mode vfio_mode;
	/** --vfio-vf-token: the UUID shared with the PF's user (SR-IOV on vfio-pci) */
	bool vf_token_set;
	unsigned char vf_token[16];

	char *file_prefix; /**< --file-prefix; "rte" when not given */
	char *runtime_dir; /**< prt_eal_runtime_dir() */
	bool no_telemetry; /**< --no-telemetry */
	bool telemetry_required; /**< --telemetry: no socket fails the init */

	/* The command line, for /eal/params and /eal/app_params (telemetry): the
	 * EAL's arguments and the program's own, each NULL-terminated. */
	char **eal_args;
	char **app_args;
	/** The --log-level values, in order: pointers into argv, applied by eal_log_levels_apply(). */
	const char **log_levels;
	unsigned int nb_log_levels;
	bool help;
};

/** The configuration in force after a successful prt_eal_init(). */
extern struct eal_config eal_cfg;

/**
 * Parses the EAL options of @p argv into @p cfg (zeroed by the caller),
 * applying nothing: the --log-level values are kept for
 * eal_log_levels_apply(). Logs one line for a bad option (and one per DPDK
 * option accepted without effect). Not thread-safe (one @p cfg per caller).
 * @return the number of arguments consumed after argv[0]; -EINVAL; -ENOMEM.
 *         @p cfg is to be freed with eal_config_free() in every case.
 */
int eal_parse_args(int argc, char **argv, struct eal_config *cfg);

/** Sets the log levels the --log-level options of @p cfg chose, in their order. */
void eal_log_levels_apply(const struct eal_config *cfg);

/** Frees what eal_parse_args() and prt_eal_init() allocated in @p cfg. */
void eal_config_free(struct eal_config *cfg);

/** Frees a NULL-terminated argument copy (struct eal_config's eal_args, app_args); NULL is fine. */
void eal_args_free(char **v);

/**
 * Parses a CPU list "0-3,5" (as -l and cpusets take it) into @p set.
 * @return 0, or -EINVAL with a reason for the user in @p why (size @p len).
 */
int eal_parse_cpulist(const char *s, cpu_set_t *set, char *why, size_t len);

/** Writes the CPUs of @p set as a list "0-3,6" ("none" when empty) into @p buf (size @p len). */
void eal_format_cpuset(const cpu_set_t *set, char *buf, size_t len);

/** Starts the worker threads for eal_cfg and pins the caller to the main lcore. */
int eal_lcores_start(void);

/**
 * The control CPUs, for threads that must not run on a polling lcore (the
 * telemetry thread): the CPUs the process could run on before
 * eal_lcores_start() pinned it, less every lcore's; the main lcore's when
 * the lcores take them all (as DPDK's ctrl_cpuset). Valid after
 * eal_lcores_start().
 */
void eal_ctrl_cpuset(cpu_set_t *set);

/** Stops and joins the worker threads; forgets the lcores. */
void eal_lcores_stop(void);

/** Probes every registered bus (prt_bus.h); on failure the ones probed are cleaned up. */
int eal_bus_probe(void);

/** Cleans up every registered bus, last registered first. */
void eal_bus_cleanup(void);

#endif /* EAL_PRIVATE_H */
