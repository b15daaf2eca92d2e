/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_eal.h
 * The environment abstraction layer: start-up from DPDK-compatible options,
 * and the choices it made (IOVA mode, VFIO mode, memory).
 *
 * A typical program:
 *
 *     int n = prt_eal_init(argc, argv);
 *     if (n < 0)
 *             return n == -ECANCELED ? 0 : 1;   // -h printed usage
 *     argc -= n; argv += n;                    // the program's own options
 *     ...
 *     prt_eal_cleanup();
 */
#ifndef PRT_EAL_H
#define PRT_EAL_H

#include <stdint.h>
#include <stdio.h>

#include "prt_common.h"
#include "prt_cycles.h"
#include "prt_lcore.h"
#include "prt_log.h"

/** How device DMA addresses (IOVAs) relate to memory. */
enum prt_iova_mode {
	PRT_IOVA_DC = 0, /**< not chosen yet (--iova-mode not given) */
	PRT_IOVA_PA = 1, /**< IOVA = physical address (no IOMMU) */
	PRT_IOVA_VA = 2, /**< IOVA = virtual address (IOMMU, or no device) */
};

/** Which VFIO interface is used to reach devices (--vfio-mode). */
enum prt_vfio_mode {
	PRT_VFIO_MODE_AUTO = 0, /**< iommufd, then type1, then noiommu */
	PRT_VFIO_MODE_IOMMUFD, /**< /dev/iommu and device cdevs */
	PRT_VFIO_MODE_TYPE1, /**< legacy container with VFIO_TYPE1v2_IOMMU */
	PRT_VFIO_MODE_NOIOMMU, /**< container with VFIO_NOIOMMU_IOMMU (unsafe) */
};

/**
 * Initialises the environment from the EAL options at the start of @p argv
 * (see prt_eal_usage()): parses and checks every option first, then starts one
 * pinned thread per worker lcore and pins the calling thread to the main
 * lcore. Options end at "--", at the first argument that is not an option,
 * or at the end of @p argv.
 *
 * Call once per process, from the thread that becomes the main lcore.
 * A malformed option is reported in one line on stderr that names the option,
 * the bad value and what would be valid; nothing is left initialised after a
 * failure.
 *
 * @return the number of arguments consumed after argv[0] ("--" included); the
 *         caller skips them, and argv[ret] is set to argv[0] so that the
 *         program's own option parser sees its name first, as with DPDK.
 *         -EINVAL: a malformed or contradictory option;
 *         -ECANCELED: -h/--help printed the usage (exit with status 0);
 *         -EALREADY: already initialised;
 *         -ENOMEM: out of memory;
 *         other negative errno values from the layers below (thread creation,
 *         CPU affinity), each with its own message.
 */
int prt_eal_init(int argc, char **argv);

/**
 * Undoes prt_eal_init(): stops and joins the worker threads (which must have
 * finished their work: call prt_eal_mp_wait_lcore() first) and releases
 * everything the EAL holds. Afterwards prt_eal_init() may be called again.
 * @return 0; -EALREADY when the EAL was not initialised.
 */
int prt_eal_cleanup(void);

/** Prints the EAL options and their meaning to @p f. */
void prt_eal_usage(FILE *f);

/** The IOVA mode in use (valid after prt_eal_init()). */
enum prt_iova_mode prt_eal_iova_mode(void);

/** The --vfio-mode the user asked for (PRT_VFIO_MODE_AUTO by default). */
enum prt_vfio_mode prt_eal_vfio_mode(void);

/** Non-zero when memory comes from hugepages (no --no-huge). */
int prt_eal_has_hugepages(void);

/**
 * The runtime directory, where DPDK's tools look for this process's sockets
 * (the telemetry socket): /var/run/dpdk/PREFIX as root, else
 * $XDG_RUNTIME_DIR/dpdk/PREFIX (/tmp/dpdk/PREFIX without XDG_RUNTIME_DIR),
 * PREFIX being --file-prefix ("rte" by default). As
 * rte_eal_get_runtime_dir(). The directory is created by what puts a file in
 * it, not by prt_eal_init().
 * @return the path, owned by the EAL, valid until prt_eal_cleanup(); NULL
 *         before prt_eal_init().
 */
const char *prt_eal_runtime_dir(void);

/** Number of --vdev options given. */
unsigned int prt_eal_vdev_count(void);

/**
 * The @p idx-th --vdev option: its driver instance name (e.g. "net_pcap0")
 * and its arguments after the first comma ("" when none). The strings belong
 * to the EAL and live until prt_eal_cleanup().
 * @return 0; -ENOENT when @p idx is out of range.
 */
int prt_eal_vdev_get(unsigned int idx, const char **name, const char **args);

#endif /* PRT_EAL_H */
