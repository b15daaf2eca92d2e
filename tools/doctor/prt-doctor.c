/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt-doctor: checks that this host can run prt on its NICs, with the same
 * code the library uses to explain the kernel's refusals, and prints a fix
 * for every problem.
 *
 *   prt-doctor [--memory MB] [--vfio-mode auto|iommufd|type1|noiommu] [-l LIST] [BDF...]
 *
 * Without BDFs it looks at every network device (PCI class 02) bound to
 * vfio-pci. With -l (the lcores' CPUs, as prt's -l takes them) it also
 * checks their isolation from the kernel's work and their NUMA node against
 * each device's (doctor_cpu.c). For an SR-IOV VF or PF it reports the other
 * side: the PF and its driver, or the VFs and how to create them
 * (doctor_sriov.c). One line per check: "[ ok ]", "[warn]" or "[FAIL]", then the
 * fix. Exit status: 0 when nothing failed, 1 otherwise, 2 for bad usage.
 */
#include <dirent.h>
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/capability.h>

#include "doctor.h"
#include "eal_memory.h"
#include "eal_private.h"
#include "pci_private.h"
#include "vfio_device.h"
#include "vfio_explain.h"
#include "vfio_host.h"

static int failures, warnings;
static cpu_set_t lcore_cpus; /* -l; empty when not given */

void report(const char *tag, const char *what, const char *fmt, ...)
{
	va_list ap;

	printf("[%s] %s: ", tag, what);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	failures += strcmp(tag, "FAIL") == 0;
	warnings += strcmp(tag, "warn") == 0;
}

/* Read-write access to a device node, for the user running prt. */
static void check_node(const char *what, const char *path)
{
	if (access(path, R_OK | W_OK) == 0)
		report(" ok ", what, "%s is usable by this user", path);
	else
		report("FAIL", what,
		       "%s: %s; run as root, or `chown %s %s` (a udev rule keeps it across "
		       "reboots)",
		       path, strerror(errno), getenv("USER") ? getenv("USER") : "$USER", path);
}

/* The IOMMU, the modules, no-IOMMU mode: which VFIO mode this host offers. */
static enum prt_vfio_mode check_vfio(enum prt_vfio_mode asked)
{
	char msg[1024], path[PATH_MAX];
	bool iommu = vfio_explain_iommu(msg, sizeof(msg)) == 0;
	int noiommu = vfio_explain_noiommu(msg + 512, sizeof(msg) - 512);
	enum prt_vfio_mode mode;

	if (iommu)
		report(" ok ", "IOMMU", "%s", msg);
	else if (noiommu != -ENODEV)
		report("warn", "IOMMU", "%s; prt falls back to no-IOMMU mode (no isolation)", msg);
	else
		report("FAIL", "IOMMU", "%s", msg);
	if (vfio_host_exists(VFIO_HOST_DEV, "vfio/vfio"))
		report(" ok ", "vfio", "loaded (/dev/vfio/vfio)");
	else
		report("FAIL", "vfio", "not loaded (no /dev/vfio/vfio): `modprobe vfio-pci`");
	if (vfio_host_exists(VFIO_HOST_SYS, "bus/pci/drivers/vfio-pci"))
		report(" ok ", "vfio-pci", "loaded");
	else
		report("FAIL", "vfio-pci", "not loaded: `modprobe vfio-pci`");
	if (vfio_host_exists(VFIO_HOST_DEV, "iommu") &&
	    vfio_host_exists(VFIO_HOST_SYS, "class/vfio-dev"))
		report(" ok ", "iommufd", "available (/dev/iommu and VFIO device cdevs)");
	else
		report("warn", "iommufd",
		       "not available (Linux 6.6+ with CONFIG_IOMMUFD and "
		       "CONFIG_VFIO_DEVICE_CDEV, `modprobe iommufd`); prt can use type1 instead");
	mode = asked == PRT_VFIO_MODE_AUTO ? vfio_host_mode() : asked;
	/* Optional: a failure only when the mode prt will use is no-IOMMU. */
	report(noiommu == 0		     ? " ok " :
	       mode == PRT_VFIO_MODE_NOIOMMU ? "FAIL" :
					       "info",
	       "no-IOMMU mode", "%s", msg + 512);
	if (mode == PRT_VFIO_MODE_AUTO) {
		report("FAIL", "VFIO mode", "no mode is usable on this host (see above)");
		return mode;
	}
	report(" ok ", "VFIO mode", "%s%s", prt_vfio_mode_name(mode),
	       asked == PRT_VFIO_MODE_AUTO ? " (what --vfio-mode=auto picks here)" : "");
	if (mode == PRT_VFIO_MODE_TYPE1 || mode == PRT_VFIO_MODE_NOIOMMU) {
		vfio_host_path(path, sizeof(path), VFIO_HOST_DEV, "vfio/vfio");
		check_node("container", path);
	} else {
		vfio_host_path(path, sizeof(path), VFIO_HOST_DEV, "iommu");
		check_node("iommufd", path);
	}
	return mode;
}

/* A VFIO group or device node is opened by one process at a time: who has it. */
static void check_holders(const char *what, const char *dev_path)
{
	char holders[512];

	vfio_explain_holders(dev_path, holders, sizeof(holders));
	if (holders[0])
		report("FAIL", what,
		       "%s is held by %s: prt cannot open it while that process runs; stop it, or "
		       "give prt another device",
		       dev_path, holders);
}

static void check_device(const char *bdf, enum prt_vfio_mode mode)
{
	char msg[1024], what[64], path[PATH_MAX];
	struct vfio_group_info g;
	struct dirent *e;
	int ret;
	DIR *d;

	snprintf(what, sizeof(what), "device %s", bdf);
	ret = vfio_explain_device(bdf, msg, sizeof(msg));
	report(ret < 0 ? "FAIL" : " ok ", what, "%s", msg);
	/* A VF on igbvf or a PF on igb is still worth its SR-IOV lines. */
	if (ret != -ENODEV)
		check_sriov(bdf);
	if (ret < 0)
		return;
	check_numa_locality(bdf, &lcore_cpus);
	if (vfio_group_of(bdf, &g) < 0)
		return;
	if (vfio_explain_not_viable(g.num, bdf, msg, sizeof(msg)) > 0)
		report("FAIL", what, "%s", msg);
	if (g.noiommu != (mode == PRT_VFIO_MODE_NOIOMMU) && mode != PRT_VFIO_MODE_AUTO)
		report("FAIL", what, "its group is %s but the VFIO mode is %s: use --vfio-mode=%s",
		       g.noiommu ? "a no-IOMMU group" : "behind an IOMMU", prt_vfio_mode_name(mode),
		       g.noiommu ? "noiommu" : "type1");
	if (mode != PRT_VFIO_MODE_IOMMUFD) {
		check_node(what, g.dev_path);
		check_holders(what, g.dev_path);
		return;
	}
	vfio_host_pci_path(path, sizeof(path), bdf, "vfio-dev");
	d = opendir(path);
	while (d && (e = readdir(d))) {
		if (strncmp(e->d_name, "vfio", 4) == 0) {
			vfio_host_path(path, sizeof(path), VFIO_HOST_DEV, "vfio/devices/%s",
				       e->d_name);
			check_node(what, path);
			check_holders(what, path);
		}
	}
	if (d)
		closedir(d);
}

/* Every network device on vfio-pci (class 02), when no BDF is given. */
static unsigned int check_all_devices(enum prt_vfio_mode mode)
{
	struct prt_pci_device *list, *d, *next;
	unsigned int n = 0;

	if (eal_pci_scan(&list) < 0)
		return 0;
	for (d = list; d; d = next) {
		next = d->next;
		if ((d->id.class_id >> 16) == 0x02 && d->kdrv == PRT_PCI_KDRV_VFIO) {
			check_device(d->name, mode);
			n++;
		} else if ((d->id.class_id >> 16) == 0x02) {
			printf("[info] device %s: %04x:%04x on %s, not for prt (prt-devbind --bind "
			       "vfio-pci %s to use it)\n",
			       d->name, d->id.vendor_id, d->id.device_id,
			       d->kdrv_name[0] ? d->kdrv_name : "no driver", d->name);
		}
		free(d);
	}
	if (n == 0)
		report("warn", "devices",
		       "no network device is bound to vfio-pci: `prt-devbind --status` lists "
		       "them, `prt-devbind --bind vfio-pci BDF` gives one to prt");
	return n;
}

static void check_memlock(uint64_t need, enum prt_vfio_mode mode)
{
	struct rlimit rl;
	char msg[1024];

	if (mode == PRT_VFIO_MODE_NOIOMMU) {
		report(" ok ", "memlock", "no-IOMMU mode pins nothing through VFIO");
		return;
	}
	if (vfio_has_cap(CAP_IPC_LOCK)) {
		report(" ok ", "memlock",
		       "this process has CAP_IPC_LOCK: no memlock limit applies");
		return;
	}
	getrlimit(RLIMIT_MEMLOCK, &rl);
	if (rl.rlim_cur == RLIM_INFINITY || rl.rlim_cur >= need) {
		report(" ok ", "memlock", "RLIMIT_MEMLOCK allows the %llu MiB prt will pin",
		       (unsigned long long)(need >> 20));
		return;
	}
	vfio_explain_memlock(need, msg, sizeof(msg));
	report("FAIL", "memlock", "%s", msg);
}

static void check_hugepages(uint64_t need)
{
	struct eal_hugepage_info hi;
	uint64_t free_bytes = 0;
	char sz[32], what[64];

	eal_hugepage_info_read(&hi);
	for (unsigned int i = 0; i < hi.nb_sizes; i++) {
		const struct eal_hugepage_size *s = &hi.sizes[i];
		unsigned int avail = eal_hugepage_avail(&hi, s, -1);

		eal_size_str(s->page_sz, sz, sizeof(sz));
		snprintf(what, sizeof(what), "hugepages %s", sz);
		free_bytes += (uint64_t)avail * s->page_sz;
		printf("[info] %s: %u reserved, %u free", what, s->nr_pages, avail);
		for (unsigned int n = 0; n < hi.nb_nodes && n < EAL_MAX_NUMA_NODES; n++)
			printf("%s node %u: %u free", n ? "," : ";", n, s->node_free[n]);
		printf("\n");
	}
	if (free_bytes >= need) {
		report(" ok ", "hugepages", "%llu MiB free, %llu MiB needed",
		       (unsigned long long)(free_bytes >> 20), (unsigned long long)(need >> 20));
		return;
	}
	report("FAIL", "hugepages",
	       "%llu MiB free, %llu MiB needed: reserve 2 MiB pages with `echo %llu > "
	       "/sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages` (or `hugeadm "
	       "--pool-pages-min 2MB:%llu`); per node: /sys/devices/system/node/nodeN/hugepages",
	       (unsigned long long)(free_bytes >> 20), (unsigned long long)(need >> 20),
	       (unsigned long long)((need + (2u << 20) - 1) >> 21),
	       (unsigned long long)((need + (2u << 20) - 1) >> 21));
}

static void usage(FILE *f)
{
	fprintf(f, "usage: prt-doctor [--memory MB] [--vfio-mode auto|iommufd|type1|noiommu] "
		   "[-l LIST] [BDF...]\n"
		   "Checks IOMMU, VFIO, devices, permissions, memlock and hugepages for prt;\n"
		   "with -l (the lcores' CPUs, e.g. 0-3), their isolation and NUMA locality;\n"
		   "for an SR-IOV VF, its PF and the PF's driver; for a PF, its VFs.\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "memory", required_argument, NULL, 'm' },
		{ "vfio-mode", required_argument, NULL, 'v' },
		{ "lcores", required_argument, NULL, 'l' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	enum prt_vfio_mode asked = PRT_VFIO_MODE_AUTO, mode;
	uint64_t memory_mb = 1024;
	const char *sys, *proc;
	char *end, why[128];
	int c;

	while ((c = getopt_long(argc, argv, "m:l:h", opts, NULL)) != -1) {
		switch (c) {
		case 'l':
			if (eal_parse_cpulist(optarg, &lcore_cpus, why, sizeof(why)) < 0) {
				fprintf(stderr, "prt-doctor: -l %s: %s\n", optarg, why);
				return 2;
			}
			break;
		case 'm':
			memory_mb = strtoull(optarg, &end, 10);
			if (*end || memory_mb == 0) {
				fprintf(stderr, "prt-doctor: --memory %s: a number of MiB\n",
					optarg);
				return 2;
			}
			break;
		case 'v':
			for (c = 0; c <= PRT_VFIO_MODE_NOIOMMU; c++)
				if (strcmp(optarg, prt_vfio_mode_name(c)) == 0)
					break;
			if (c > PRT_VFIO_MODE_NOIOMMU) {
				fprintf(stderr,
					"prt-doctor: --vfio-mode %s: auto, iommufd, type1 or "
					"noiommu\n",
					optarg);
				return 2;
			}
			asked = (enum prt_vfio_mode)c;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return 2;
		}
	}
	/* The hugepage pools as the host tree shows them (a fake one in tests). */
	sys = getenv("PRT_SYSFS_ROOT");
	proc = getenv("PRT_PROC_ROOT");
	eal_hugepage_info_set_roots(sys && *sys ? sys : NULL, proc && *proc ? proc : NULL);
	printf("prt-doctor: can prt run here with %llu MiB of memory?\n",
	       (unsigned long long)memory_mb);
	mode = check_vfio(asked);
	if (optind < argc)
		for (int i = optind; i < argc; i++)
			check_device(argv[i], mode);
	else
		check_all_devices(mode);
	check_memlock(memory_mb << 20, mode);
	check_hugepages(memory_mb << 20);
	if (CPU_COUNT(&lcore_cpus))
		check_cpu_isolation(&lcore_cpus);
	else
		printf("[info] CPU isolation: give the lcores' CPUs (-l 0-3) to check them\n");
	printf("prt-doctor: %d problem%s, %d warning%s\n", failures, failures == 1 ? "" : "s",
	       warnings, warnings == 1 ? "" : "s");
	return failures ? 1 : 0;
}
