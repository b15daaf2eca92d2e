/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What prt-doctor's checks share: one line per finding, counted.
 */
#ifndef DOCTOR_H
#define DOCTOR_H

#include <sched.h>

#include "prt_common.h"

/**
 * Prints "[TAG] WHAT: message" and counts a "FAIL" as a problem, a "warn"
 * as a warning. @p tag is " ok ", "warn", "FAIL" or "info".
 */
void report(const char *tag, const char *what, const char *fmt, ...) __prt_format_printf(3, 4);

/**
 * CPU isolation of the polling lcores: @p cpus are the CPUs the user gives
 * prt (-l), the first being the main lcore's, which does not poll. Warns for
 * each of the others missing from isolcpus, nohz_full and rcu_nocbs on the
 * kernel command line (/proc/cmdline), and for device interrupts that may
 * run on them (/proc/irq/N/smp_affinity_list), each with the fix.
 */
void check_cpu_isolation(const cpu_set_t *cpus);

/**
 * NUMA locality of PCI device @p bdf (sysfs numa_node) against the lcores'
 * CPUs @p cpus and the free hugepages of its node: a warning with the fix
 * when they are on other nodes. Silent on a machine with one node.
 */
void check_numa_locality(const char *bdf, const cpu_set_t *cpus);

/**
 * SR-IOV checks of PCI device @p bdf, from sysfs. A VF (physfn link): its
 * PF and the PF's driver, a FAIL when the PF has none (nothing answers the
 * VF's mailbox) or the link dangles, a warning when the PF is on vfio-pci
 * (a VF token is needed), and the `ip link` commands that show and set the
 * VF's MAC (sysfs does not show it). A PF (sriov_totalvfs): its VFs, and how
 * to create them when it has none. Silent for other devices; an unreadable
 * attribute gives a warning that says which, never a crash.
 * Single-threaded: report() counts in prt-doctor's globals.
 */
void check_sriov(const char *bdf);

#endif /* DOCTOR_H */
