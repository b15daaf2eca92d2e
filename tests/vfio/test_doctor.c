/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt-doctor against a fake host: an IOMMU, VFIO loaded, a NIC on vfio-pci
 * whose group holds a function still on e1000e, 2 MiB hugepages on two
 * nodes; then the same with too few hugepages. Its output and exit status
 * are asserted (the VM lab runs it on a real kernel: tests/vm).
 */
#include <sys/wait.h>

#include "fake_host.h"
#include "prt_test.h"

static char out[16384];

/* Runs prt-doctor with @p args; returns its exit status, output in out[]. */
static int doctor(const char *args)
{
	char cmd[PATH_MAX + 256];
	size_t n = 0;
	FILE *p;
	int st;

	snprintf(cmd, sizeof(cmd), "%s/tools/prt-doctor %s 2>&1", getenv("PRT_BUILD_ROOT"), args);
	p = popen(cmd, "r");
	assert_non_null(p);
	while (n + 1 < sizeof(out) && fgets(out + n, (int)(sizeof(out) - n), p))
		n += strlen(out + n);
	st = pclose(p);
	printf("%s", out);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static void hugepages(unsigned int free0, unsigned int free1)
{
	char v[16];

	snprintf(v, sizeof(v), "%u\n", free0 + free1);
	fake_write("sys/kernel/mm/hugepages/hugepages-2048kB/nr_hugepages", v);
	fake_write("sys/kernel/mm/hugepages/hugepages-2048kB/free_hugepages", v);
	fake_write("sys/kernel/mm/hugepages/hugepages-2048kB/resv_hugepages", "0\n");
	snprintf(v, sizeof(v), "%u\n", free0);
	fake_write("sys/devices/system/node/node0/hugepages/hugepages-2048kB/nr_hugepages", v);
	fake_write("sys/devices/system/node/node0/hugepages/hugepages-2048kB/free_hugepages", v);
	snprintf(v, sizeof(v), "%u\n", free1);
	fake_write("sys/devices/system/node/node1/hugepages/hugepages-2048kB/nr_hugepages", v);
	fake_write("sys/devices/system/node/node1/hugepages/hugepages-2048kB/free_hugepages", v);
}

static int setup(void **state)
{
	(void)state;
	if (!getenv("PRT_BUILD_ROOT"))
		prt_test_skip("PRT_BUILD_ROOT unset: run through meson test");
	fake_host_create();
	fake_write("sys/class/iommu/dmar0/uevent", "");
	fake_write("dev/vfio/vfio", "");
	fake_write("sys/bus/pci/drivers/vfio-pci/uevent", "");
	fake_write("sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	fake_write("proc/meminfo", "Hugepagesize:       2048 kB\n");
	fake_write("proc/mounts", "");
	fake_pci_device("0000:00:04.0", "0x8086", "0x10d3", "0x020000", "vfio-pci", 5);
	fake_pci_device("0000:00:04.1", "0x8086", "0x10d3", "0x020000", "e1000e", 5);
	fake_write("dev/vfio/5", "");
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_host_destroy();
	return 0;
}

static void test_group_not_viable(void **state)
{
	(void)state;
	hugepages(256, 256);
	assert_int_equal(doctor("--memory 512 0000:00:04.0"), 1);
	assert_non_null(strstr(out, "[ ok ] IOMMU: the IOMMU is on"));
	assert_non_null(strstr(out, "[ ok ] VFIO mode: type1"));
	assert_non_null(strstr(out, "[ ok ] device 0000:00:04.0: PCI device 0000:00:04.0 is bound "
				    "to vfio-pci, IOMMU group 5"));
	assert_non_null(strstr(out, "[FAIL] device 0000:00:04.0: IOMMU group 5 of 0000:00:04.0 is "
				    "not viable"));
	assert_non_null(strstr(out, "0000:00:04.1 (bound to e1000e)"));
	assert_non_null(strstr(out, "[info] hugepages 2 MiB: 512 reserved, 512 free; node 0: 256 "
				    "free, node 1: 256 free"));
	assert_non_null(strstr(out, "[ ok ] hugepages: 1024 MiB free, 512 MiB needed"));
	assert_non_null(strstr(out, "prt-doctor: 1 problem, "));
}

/* No device named: every network device on vfio-pci is checked, others listed. */
static void test_short_of_hugepages(void **state)
{
	(void)state;
	hugepages(10, 0);
	assert_int_equal(doctor("--memory 64"), 1);
	assert_non_null(
		strstr(out, "[info] device 0000:00:04.1: 8086:10d3 on e1000e, not for prt"));
	assert_non_null(strstr(out, "[FAIL] hugepages: 20 MiB free, 64 MiB needed: reserve 2 MiB "
				    "pages with `echo 32 > "));
}

/* Another process holds the group: the doctor names it, as prt's refusal does. */
static void test_device_held(void **state)
{
	char dev[PATH_MAX];

	(void)state;
	hugepages(256, 256);
	fake_write("sys/bus/pci/devices/0000:00:04.1/driver_override", "");
	fake_pci_device("0000:00:04.1", "0x8086", "0x10d3", "0x020000", "vfio-pci", 5);
	fake_write("proc/4242/comm", "testpmd-lite\n");
	fake_link("proc/4242/fd/9", fake_path(dev, "dev/vfio/5"));
	assert_int_equal(doctor("--memory 64 0000:00:04.0"), 1);
	assert_non_null(strstr(out, "[FAIL] device 0000:00:04.0: "));
	assert_non_null(strstr(out, "dev/vfio/5 is held by pid 4242 (testpmd-lite): prt cannot "
				    "open it while that process runs"));
}

/*
 * -l 0-3 on a two-node machine whose NIC is on node 1: CPUs 1-3 poll; the
 * kernel command line isolates 2-3 only, without nohz_full; one device
 * interrupt may run on CPU 3; lcores 0-1 are on node 0 and node 1 has no
 * free hugepage.
 */
static void test_cpu_isolation_and_numa(void **state)
{
	(void)state;
	hugepages(256, 0);
	fake_write("proc/cmdline", "BOOT_IMAGE=/vmlinuz root=/dev/sda1 "
				   "isolcpus=managed_irq,domain,2-3 rcu_nocbs=1-3 quiet\n");
	fake_write("proc/irq/30/smp_affinity_list", "3\n");
	fake_write("proc/irq/30/eth0/uevent", "");
	fake_write("proc/irq/31/smp_affinity_list", "0\n");
	fake_write("proc/irq/31/nvme0q0/uevent", "");
	fake_write("proc/irq/32/smp_affinity_list", "0-3\n"); /* no handler: not counted */
	fake_write("sys/devices/system/node/node0/cpulist", "0-1\n");
	fake_write("sys/devices/system/node/node1/cpulist", "2-3\n");
	fake_write("sys/bus/pci/devices/0000:00:04.0/numa_node", "1\n");
	assert_int_equal(doctor("--memory 64 -l 0-3 0000:00:04.0"), 1); /* the group */
	assert_non_null(strstr(out, "[warn] CPU isolation: isolcpus: CPU 1 is not in isolcpus= "
				    "(the scheduler puts other tasks there): add `isolcpus=1-3`"));
	assert_non_null(strstr(out, "[warn] CPU isolation: nohz_full: CPUs 1-3 are not in "
				    "nohz_full="));
	assert_non_null(strstr(out, "[ ok ] CPU isolation: rcu_nocbs: rcu_nocbs=1-3 covers"));
	assert_non_null(strstr(out, "[warn] CPU isolation: interrupts: 1 device interrupt may run "
				    "on CPUs 1-3: 30 (eth0);"));
	assert_non_null(strstr(out, "[warn] NUMA 0000:00:04.0: the NIC is on NUMA node 1, but "
				    "lcore CPUs 0,1 are not"));
	assert_non_null(strstr(out, "use CPUs of node 1 (2-3) with -l"));
	assert_non_null(strstr(out, "[warn] NUMA 0000:00:04.0: the NIC is on NUMA node 1, which "
				    "has no free hugepage"));
	assert_non_null(strstr(out, "echo 256 > /sys/devices/system/node/node1/hugepages"));

	/* Lcores and memory on the NIC's node, every polling CPU isolated. */
	hugepages(0, 256);
	fake_write("proc/cmdline", "isolcpus=3 nohz_full=3 rcu_nocbs=3\n");
	assert_int_equal(doctor("--memory 64 -l 2-3 0000:00:04.0"), 1);
	assert_non_null(strstr(out, "[ ok ] NUMA 0000:00:04.0: the NIC, the lcores and free "
				    "hugepages are on node 1"));
	assert_non_null(strstr(out, "[ ok ] CPU isolation: nohz_full: nohz_full=3 covers"));
	assert_null(strstr(out, "[warn] CPU isolation: isolcpus"));
	assert_int_equal(doctor("-l 3-1"), 2);
	assert_non_null(strstr(out, "prt-doctor: -l 3-1: range 3-1 is reversed"));
}

static void test_usage(void **state)
{
	(void)state;
	assert_int_equal(doctor("--memory lots"), 2);
	assert_non_null(strstr(out, "--memory lots: a number of MiB"));
	assert_int_equal(doctor("--vfio-mode fast"), 2);
	assert_non_null(strstr(out, "auto, iommufd, type1 or noiommu"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_group_not_viable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_short_of_hugepages, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_held, setup, teardown),
		cmocka_unit_test_setup_teardown(test_cpu_isolation_and_numa, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
