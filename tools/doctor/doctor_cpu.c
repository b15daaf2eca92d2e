/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt-doctor's CPU checks: are the polling lcores' CPUs kept free of the
 * kernel's own work (isolcpus, nohz_full, rcu_nocbs, device interrupts), and
 * are the lcores and hugepages on the NUMA node of the NIC.
 */
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "doctor.h"
#include "eal_memory.h"
#include "eal_private.h"
#include "vfio_host.h"

#define CMDLINE_MAX 4096

/*
 * The CPUs of kernel parameter @name ("isolcpus=") in @cmdline into @set;
 * isolcpus's flags ("managed_irq,domain,") before the list are skipped.
 * @return false when the parameter is absent or its list does not parse.
 */
static bool cmdline_cpus(const char *cmdline, const char *name, cpu_set_t *set)
{
	size_t n = strlen(name);
	char list[256], why[128];
	const char *p = cmdline;

	CPU_ZERO(set);
	while ((p = strstr(p, name)) != NULL) {
		if (p == cmdline || p[-1] == ' ')
			break;
		p += n;
	}
	if (p == NULL)
		return false;
	p += n;
	snprintf(list, sizeof(list), "%.*s", (int)strcspn(p, " \n"), p);
	/* isolcpus=[flag,...,]list: the list is what follows the last flag. */
	for (char *s = list; *s;) {
		char *comma = strchr(s, ',');

		if (*s >= '0' && *s <= '9')
			return eal_parse_cpulist(s, set, why, sizeof(why)) == 0;
		if (comma == NULL)
			return false;
		s = comma + 1;
	}
	return false;
}

/* Warns when @param does not cover the polling CPUs @poll. */
static void check_param(const char *cmdline, const char *param, const cpu_set_t *poll,
			const char *why, const char *want)
{
	char have[128] = "", missing_s[128], what[64];
	cpu_set_t set, missing;

	snprintf(what, sizeof(what), "CPU isolation: %.*s", (int)strlen(param) - 1, param);
	cmdline_cpus(cmdline, param, &set);
	CPU_ZERO(&missing);
	for (int c = 0; c < CPU_SETSIZE; c++)
		if (CPU_ISSET(c, poll) && !CPU_ISSET(c, &set))
			CPU_SET(c, &missing);
	if (CPU_COUNT(&missing) == 0) {
		eal_format_cpuset(&set, have, sizeof(have));
		report(" ok ", what, "%s%s covers the polling lcores", param, have);
		return;
	}
	eal_format_cpuset(&missing, missing_s, sizeof(missing_s));
	report("warn", what,
	       "%s %s %s not in %s (%s): add `%s%s` to the kernel command line "
	       "(GRUB_CMDLINE_LINUX in /etc/default/grub, then `update-grub` and reboot)",
	       CPU_COUNT(&missing) == 1 ? "CPU" : "CPUs", missing_s,
	       CPU_COUNT(&missing) == 1 ? "is" : "are", param, why, param, want);
}

/* Device interrupts whose affinity includes a polling CPU: "24 (eth0), 30 (nvme0q1)". */
static unsigned int irqs_on(const cpu_set_t *poll, char *list, size_t len)
{
	char dir[PATH_MAX], path[PATH_MAX], aff[256], why[128];
	unsigned int n = 0;
	struct dirent *e;
	DIR *d;

	list[0] = '\0';
	if (vfio_host_path(dir, sizeof(dir), VFIO_HOST_PROC, "irq") < 0 || !(d = opendir(dir)))
		return 0;
	while ((e = readdir(d))) {
		char name[64] = "";
		struct dirent *a;
		cpu_set_t set;
		DIR *ad;

		if (strspn(e->d_name, "0123456789") != strlen(e->d_name))
			continue;
		vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "irq/%s/smp_affinity_list",
			       e->d_name);
		if (vfio_host_read_line(path, aff, sizeof(aff)) < 0 ||
		    eal_parse_cpulist(aff, &set, why, sizeof(why)) < 0)
			continue;
		CPU_AND(&set, &set, poll);
		if (CPU_COUNT(&set) == 0)
			continue;
		/* A requested interrupt has a directory named after its handler. */
		vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "irq/%s", e->d_name);
		ad = opendir(path);
		while (ad && (a = readdir(ad)))
			if (a->d_type == DT_DIR && a->d_name[0] != '.')
				snprintf(name, sizeof(name), "%.63s", a->d_name);
		if (ad)
			closedir(ad);
		if (name[0] == '\0')
			continue; /* no handler: nothing runs there */
		if (n < 8)
			snprintf(list + strlen(list), len - strlen(list), "%s%s (%s)",
				 n ? ", " : "", e->d_name, name);
		n++;
	}
	closedir(d);
	if (n > 8)
		snprintf(list + strlen(list), len - strlen(list), ", ...");
	return n;
}

void check_cpu_isolation(const cpu_set_t *cpus)
{
	char cmdline[CMDLINE_MAX] = "", path[PATH_MAX], poll_s[128], irqs[512];
	cpu_set_t poll = *cpus;
	unsigned int n;
	FILE *f;

	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, &poll)) {
			CPU_CLR(c, &poll); /* the main lcore: it watches, it does not poll */
			break;
		}
	}
	if (CPU_COUNT(&poll) == 0) {
		report("info", "CPU isolation",
		       "one lcore only: nothing polls on a CPU of its own (give -l 0-N)");
		return;
	}
	eal_format_cpuset(&poll, poll_s, sizeof(poll_s));
	vfio_host_path(path, sizeof(path), VFIO_HOST_PROC, "cmdline");
	f = fopen(path, "r");
	if (f) {
		if (!fgets(cmdline, sizeof(cmdline), f))
			cmdline[0] = '\0';
		fclose(f);
	}
	check_param(cmdline, "isolcpus=", &poll, "the scheduler puts other tasks there", poll_s);
	check_param(cmdline, "nohz_full=", &poll, "the timer tick interrupts the polling loop",
		    poll_s);
	check_param(cmdline, "rcu_nocbs=", &poll, "RCU callbacks run there", poll_s);
	n = irqs_on(&poll, irqs, sizeof(irqs));
	if (n == 0)
		report(" ok ", "CPU isolation: interrupts",
		       "no device interrupt is routed to CPUs %s", poll_s);
	else
		report("warn", "CPU isolation: interrupts",
		       "%u device interrupt%s may run on CPUs %s: %s; move them to the other "
		       "CPUs (`echo CPUS > /proc/irq/N/smp_affinity_list`, and "
		       "/proc/irq/default_smp_affinity for new ones), or boot with "
		       "`irqaffinity=` naming the other CPUs",
		       n, n == 1 ? "" : "s", poll_s, irqs);
}

/* The NUMA node of CPU @cpu from sysfs, -1 when unknown. */
static int cpu_node(int cpu)
{
	char path[PATH_MAX], list[256], why[128];
	cpu_set_t set;

	for (int node = 0; node < EAL_MAX_NUMA_NODES; node++) {
		vfio_host_path(path, sizeof(path), VFIO_HOST_SYS,
			       "devices/system/node/node%d/cpulist", node);
		if (vfio_host_read_line(path, list, sizeof(list)) < 0)
			continue;
		if (eal_parse_cpulist(list, &set, why, sizeof(why)) == 0 && CPU_ISSET(cpu, &set))
			return node;
	}
	return -1;
}

void check_numa_locality(const char *bdf, const cpu_set_t *cpus)
{
	char path[PATH_MAX], val[32], what[64], far[128] = "", near[128] = "", list[256];
	struct eal_hugepage_info hi;
	unsigned int free_pages = 0;
	int node;

	snprintf(what, sizeof(what), "NUMA %s", bdf);
	vfio_host_pci_path(path, sizeof(path), bdf, "numa_node");
	if (vfio_host_read_line(path, val, sizeof(val)) < 0 || (node = atoi(val)) < 0)
		return; /* one node, or the firmware does not say */
	for (int c = 0; c < CPU_SETSIZE; c++) {
		if (CPU_ISSET(c, cpus) && cpu_node(c) != node)
			snprintf(far + strlen(far), sizeof(far) - strlen(far), "%s%d",
				 far[0] ? "," : "", c);
	}
	vfio_host_path(path, sizeof(path), VFIO_HOST_SYS, "devices/system/node/node%d/cpulist",
		       node);
	if (vfio_host_read_line(path, list, sizeof(list)) >= 0)
		snprintf(near, sizeof(near), "%.127s", list);
	if (far[0])
		report("warn", what,
		       "the NIC is on NUMA node %d, but lcore CPUs %s are not: every packet then "
		       "crosses the interconnect; use CPUs of node %d (%s) with -l",
		       node, far, node, near[0] ? near : "see lscpu");
	eal_hugepage_info_read(&hi);
	for (unsigned int i = 0; i < hi.nb_sizes; i++)
		if ((unsigned int)node < EAL_MAX_NUMA_NODES)
			free_pages += hi.sizes[i].node_free[node];
	if (hi.nb_nodes > 1 && free_pages == 0)
		report("warn", what,
		       "the NIC is on NUMA node %d, which has no free hugepage: its rings and "
		       "buffers would be on another node; reserve some there: `echo 256 > "
		       "/sys/devices/system/node/node%d/hugepages/hugepages-2048kB/nr_hugepages`",
		       node, node);
	if (!far[0] && (hi.nb_nodes <= 1 || free_pages))
		report(" ok ", what, "the NIC, the lcores and free hugepages are on node %d", node);
}
