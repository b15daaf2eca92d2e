/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * prt-doctor against a fake host: an IOMMU, VFIO loaded, a NIC on vfio-pci
 * whose group holds a function still on e1000e, 2 MiB hugepages on two
 * nodes; then the same with too few hugepages; an 82576 PF and its VFs
 * (fake_82576) for the SR-IOV checks. Its output and exit status are
 * asserted (the VM lab runs it on a real kernel: tests/vm).
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

/* The 82576 of fake_host.h with its VFs in their own groups, and their group nodes. */
static void sriov_host(const char *pf_driver)
{
	hugepages(256, 256);
	fake_82576(pf_driver, (const int[]){ 20, 21, 22 });
	fake_write("dev/vfio/20", "");
	fake_write("dev/vfio/21", "");
}

/* A VF on vfio-pci whose PF is on igb: ready, with the PF named and how to set its MAC. */
static void test_vf_ready(void **state)
{
	(void)state;
	sriov_host("igb");
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0);
	assert_non_null(strstr(out, "[ ok ] device 0000:01:10.0: PCI device 0000:01:10.0 is bound "
				    "to vfio-pci, IOMMU group 21"));
	assert_non_null(strstr(out, "[ ok ] SR-IOV 0000:01:10.0: VF 0 of PF 0000:01:00.0 (driver "
				    "igb, interface eth0; 2 of 7 VFs enabled)"));
	assert_non_null(strstr(out, "[info] SR-IOV 0000:01:10.0: the PF's driver gives the VF its "
				    "MAC address, which sysfs does not show: `ip link show eth0` "
				    "lists it as vf 0; if it is 00:00:00:00:00:00"));
	assert_non_null(strstr(out, "`ip link set eth0 vf 0 mac ADDR`"));
	assert_non_null(strstr(out, "prt-doctor: 0 problems"));

	/* VF 1 is still on igbvf: its binding fails, its SR-IOV line still comes. */
	assert_int_equal(doctor("--memory 64 0000:01:10.2"), 1);
	assert_non_null(strstr(out, "[FAIL] device 0000:01:10.2: PCI device 0000:01:10.2 is bound "
				    "to its kernel driver igbvf"));
	assert_non_null(strstr(out, "[ ok ] SR-IOV 0000:01:10.2: VF 1 of PF 0000:01:00.0"));
	assert_non_null(strstr(out, "`ip link set eth0 vf 1 mac ADDR`"));
}

/* The PF on no driver: nothing answers the VF's mailbox. */
static void test_vf_pf_unbound(void **state)
{
	(void)state;
	sriov_host(NULL);
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 1);
	assert_non_null(strstr(out, "[FAIL] SR-IOV 0000:01:10.0: VF 0 of PF 0000:01:00.0, which "
				    "is bound to no driver: nothing answers the VF's mailbox"));
	assert_non_null(strstr(out, "the VF cannot come up: bind the PF to its kernel driver "
				    "(igb): `prt-devbind --bind igb 0000:01:00.0`"));
	assert_null(strstr(out, "ip link set"));
	assert_non_null(strstr(out, "prt-doctor: 1 problem, "));

	/* A PF prt does not know the driver of: lspci names it. */
	fake_pci_attr("0000:01:00.0", "device", "0x1572\n");
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 1);
	assert_non_null(strstr(out, "bind the PF to its kernel driver (`lspci -k -s 0000:01:00.0` "
				    "names it): `prt-devbind --bind DRIVER 0000:01:00.0`"));
}

/* The PF on a driver that is not its own (pci-pf-stub answers no mailbox); no interface. */
static void test_vf_pf_other_driver(void **state)
{
	char path[PATH_MAX];

	(void)state;
	sriov_host("pci-pf-stub");
	/* pci-pf-stub makes no interface */
	remove(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/net/eth0/ifindex"));
	remove(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/net/eth0"));
	remove(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/net"));
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0); /* a warning */
	assert_non_null(strstr(out,
			       "[warn] SR-IOV 0000:01:10.0: VF 0 of PF 0000:01:00.0, which "
			       "is bound to pci-pf-stub: the VF's mailbox (reset, MAC address) "
			       "is answered by igb, else the VF cannot come up: bind the PF to "
			       "its kernel driver (igb): `prt-devbind --bind igb 0000:01:00.0`"));
	assert_non_null(strstr(out, "`ip link set PFDEV vf 0 mac ADDR`"));

	/* igb without its interface (not up yet): the VF is fine, the command has PFDEV. */
	fake_pci_device("0000:01:00.0", "0x8086", "0x10c9", "0x020000", "igb", 20);
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0);
	assert_non_null(strstr(out, "[ ok ] SR-IOV 0000:01:10.0: VF 0 of PF 0000:01:00.0 (driver "
				    "igb, no interface; 2 of 7 VFs enabled)"));
}

/* A VF in its PF's group (no ACS): the group's FAIL names the PF and its driver. */
static void test_vf_group_with_pf(void **state)
{
	(void)state;
	hugepages(256, 256);
	fake_82576("igb", (const int[]){ 20, 20, 22 });
	fake_write("dev/vfio/20", "");
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 1);
	assert_non_null(strstr(out, "[FAIL] device 0000:01:10.0: IOMMU group 20 of 0000:01:10.0 "
				    "is not viable"));
	assert_non_null(strstr(out, "0000:01:10.0 is a VF of PF 0000:01:00.0 (driver igb), which "
				    "shares its group because the PF has no ACS isolation"));
	assert_non_null(strstr(out, "would take the PF from igb, the kernel driver that manages "
				    "the VFs"));
	assert_non_null(strstr(out, "prt-doctor: 1 problem, "));
}

/* The PF on vfio-pci: its VFs need the PF owner's VF token. */
static void test_vf_pf_on_vfio(void **state)
{
	(void)state;
	sriov_host("vfio-pci");
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0); /* a warning, not a failure */
	assert_non_null(strstr(out,
			       "[warn] SR-IOV 0000:01:10.0: VF 0 of PF 0000:01:00.0, which "
			       "is bound to vfio-pci: the kernel opens the VF only for a "
			       "process that presents the PF owner's VF token: give prt the EAL "
			       "option `--vfio-vf-token UUID`"));

	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 0);
	assert_non_null(strstr(out,
			       "[warn] SR-IOV 0000:01:00.0: a PF on vfio-pci with 2 of 7 VFs "
			       "(0000:01:10.0, 0000:01:10.2): the kernel opens a VF of it only "
			       "for a process that presents the PF owner's VF token (the EAL "
			       "option `--vfio-vf-token UUID`"));
	fake_sriov_pf("0000:01:00.0", 7, 0);
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 0);
	assert_non_null(strstr(out, "[info] SR-IOV 0000:01:00.0: a PF with no VFs (it can have "
				    "7): create them with `echo N > "));
	assert_non_null(strstr(out,
			       "/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs` (N from 1 to "
			       "7); on vfio-pci that needs `modprobe vfio-pci enable_sriov=1`"));
}

/* A PF named: how many VFs it has and can have; none: the command that creates them. */
static void test_pf(void **state)
{
	char path[PATH_MAX];

	(void)state;
	sriov_host("igb");
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 1); /* the PF itself is on igb */
	assert_non_null(strstr(out, "[FAIL] device 0000:01:00.0: PCI device 0000:01:00.0 is bound "
				    "to its kernel driver igb (interface eth0)"));
	assert_non_null(strstr(out, "[info] SR-IOV 0000:01:00.0: a PF with 2 of 7 VFs "
				    "(0000:01:10.0, 0000:01:10.2) on igb: give prt a VF"));
	assert_non_null(strstr(out, "prt-doctor: 1 problem, "));

	fake_sriov_pf("0000:01:00.0", 7, 0);
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 1);
	assert_non_null(strstr(out, "[info] SR-IOV 0000:01:00.0: a PF with no VFs (it can have "
				    "7): create them with `echo N > "));
	assert_non_null(strstr(out, "/sys/bus/pci/devices/0000:01:00.0/sriov_numvfs` (N from 1 to "
				    "7)\n"));

	/* Unbound: sriov_numvfs refuses until the PF has its driver again. */
	unlink(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/driver"));
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 1);
	assert_non_null(strstr(out, "[info] SR-IOV 0000:01:00.0: a PF with no VFs (it can have 7) "
				    "and no driver, which the kernel needs to create them: bind it "
				    "to its kernel driver (igb): `prt-devbind --bind igb "
				    "0000:01:00.0`, then `echo N > "));

	/* A device without SR-IOV gets no SR-IOV line. */
	assert_int_equal(doctor("--memory 64 0000:00:04.0"), 1); /* its group, as above */
	assert_null(strstr(out, "SR-IOV"));
}

/* Bad sysfs: a dangling physfn, unreadable SR-IOV attributes: clear messages, no crash. */
static void test_sriov_bad_input(void **state)
{
	char path[PATH_MAX];

	(void)state;
	sriov_host("igb");
	fake_pci_link("0000:01:10.0", "physfn", "../0000:07:00.0");
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 1);
	assert_non_null(strstr(out, "[FAIL] SR-IOV 0000:01:10.0: a VF whose physfn link names PF "
				    "0000:07:00.0, which is not in sysfs"));
	assert_non_null(strstr(out, "the PF was removed or the link dangles"));

	/* The PF lost its virtfn link to the VF: the VF's number is not known. */
	fake_pci_link("0000:01:10.0", "physfn", "../0000:01:00.0");
	unlink(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/virtfn0"));
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0);
	assert_non_null(strstr(out, "[ ok ] SR-IOV 0000:01:10.0: VF N of PF 0000:01:00.0"));
	assert_non_null(strstr(out, "`ip link set eth0 vf N mac ADDR`"));

	fake_pci_attr("0000:01:00.0", "sriov_totalvfs", "lots\n");
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 1);
	assert_non_null(strstr(out, "[warn] SR-IOV 0000:01:00.0: an SR-IOV PF whose "));
	assert_non_null(strstr(out, "/sys/bus/pci/devices/0000:01:00.0/sriov_totalvfs cannot be "
				    "read (Invalid argument): its VFs are not checked"));
	fake_pci_attr("0000:01:00.0", "sriov_totalvfs", "7\n");
	unlink(fake_path(path, "sys/bus/pci/devices/0000:01:00.0/sriov_numvfs"));
	assert_int_equal(doctor("--memory 64 0000:01:00.0"), 1);
	assert_non_null(strstr(out, "0000:01:00.0/sriov_numvfs cannot be read (No such file or "
				    "directory)"));
	/* and the VF's line does without the counts */
	assert_int_equal(doctor("--memory 64 0000:01:10.0"), 0);
	assert_non_null(strstr(out, "VF N of PF 0000:01:00.0 (driver igb, interface eth0)\n"));
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
		cmocka_unit_test_setup_teardown(test_vf_ready, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_pf_unbound, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_pf_other_driver, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_group_with_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_pf_on_vfio, setup, teardown),
		cmocka_unit_test_setup_teardown(test_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_bad_input, setup, teardown),
		cmocka_unit_test_setup_teardown(test_usage, setup, teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
