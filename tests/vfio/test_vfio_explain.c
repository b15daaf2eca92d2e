/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The explanations of VFIO refusals against a fake host: who holds a group,
 * why a group is not viable (an SR-IOV VF's too: its PF and the PF's driver), where a device is bound, no-IOMMU and IOMMU
 * state, memlock; and the mode "auto" picks from what the host offers.
 */
#include <sys/resource.h>

#include <linux/capability.h>

#include "fake_host.h"
#include "prt_test.h"
#include "eal_private.h"
#include "vfio_backend.h"
#include "vfio_device.h"
#include "vfio_explain.h"
#include "vfio_host.h"

static char msg[2048];

static int setup(void **state)
{
	(void)state;
	fake_host_create();
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	fake_host_destroy();
	return 0;
}

/* EBUSY: the process holding /dev/vfio/12 is named, with its command. */
static void test_holders(void **state)
{
	char dev[PATH_MAX];

	(void)state;
	fake_write("dev/vfio/12", "");
	fake_path(dev, "dev/vfio/12");
	fake_write("proc/4242/comm", "testpmd\n");
	fake_link("proc/4242/fd/3", "/dev/null");
	fake_link("proc/4242/fd/7", dev);
	fake_write("proc/4243/comm", "bash\n");
	fake_link("proc/4243/fd/0", "/dev/pts/0");
	vfio_explain_open(EBUSY, dev, "0000:00:04.0", msg, sizeof(msg));
	assert_non_null(strstr(msg, "it is busy (EBUSY): held by pid 4242 (testpmd);"));
	assert_null(strstr(msg, "4243"));
	assert_non_null(strstr(msg, "stop that process"));
}

static void test_holders_none(void **state)
{
	char dev[PATH_MAX];

	(void)state;
	fake_path(dev, "dev/vfio/13");
	vfio_explain_holders(dev, msg, sizeof(msg));
	assert_string_equal(msg, "");
	vfio_explain_open(EBUSY, dev, "0000:00:04.0", msg, sizeof(msg));
	assert_non_null(strstr(msg, "another process holds it"));
}

/* Not viable: the other function of the group is on its kernel driver. */
static void test_not_viable(void **state)
{
	(void)state;
	fake_pci_device("0000:00:04.0", "0x8086", "0x10d3", "0x020000", "vfio-pci", 5);
	fake_pci_device("0000:00:04.1", "0x8086", "0x10d3", "0x020000", "e1000e", 5);
	fake_pci_device("0000:00:04.2", "0x8086", "0x10d3", "0x020000", NULL, 5);
	vfio_explain_not_viable(5, "0000:00:04.0", msg, sizeof(msg));
	assert_non_null(strstr(msg, "IOMMU group 5 of 0000:00:04.0 is not viable"));
	assert_non_null(strstr(msg, "0000:00:04.1 (bound to e1000e)"));
	/* a device on no driver does not spoil viability */
	assert_null(strstr(msg, "0000:00:04.2"));
	assert_non_null(strstr(msg, "prt-devbind --bind vfio-pci"));
}

/* The sysfs links of SR-IOV: physfn, virtfnN, driver and net of the PF. */
static void test_sriov_links(void **state)
{
	char buf[64];

	(void)state;
	fake_82576("igb", (const int[]){ 20, 21, 22 });
	assert_int_equal(vfio_host_pci_physfn("0000:01:10.2", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000:01:00.0");
	assert_int_equal(vfio_host_pci_physfn("0000:01:00.0", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfio_host_pci_physfn("0000:09:00.0", buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfio_host_pci_physfn("0000:01:10.2", buf, 4), -ENAMETOOLONG);
	assert_int_equal(vfio_host_pci_vf_index("0000:01:00.0", "0000:01:10.0"), 0);
	assert_int_equal(vfio_host_pci_vf_index("0000:01:00.0", "0000:01:10.2"), 1);
	assert_int_equal(vfio_host_pci_vf_index("0000:01:00.0", "0000:01:10.4"), -ENOENT);
	assert_int_equal(vfio_host_pci_vf_index("0000:09:00.0", "0000:01:10.0"), -ENOENT);
	assert_int_equal(vfio_host_pci_virtfn("0000:01:00.0", 1, buf, sizeof(buf)), 0);
	assert_string_equal(buf, "0000:01:10.2");
	assert_int_equal(vfio_host_pci_virtfn("0000:01:00.0", 2, buf, sizeof(buf)), -ENOENT);
	assert_int_equal(vfio_host_pci_driver("0000:01:00.0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "igb");
	assert_int_equal(vfio_host_pci_netdev("0000:01:00.0", buf, sizeof(buf)), 0);
	assert_string_equal(buf, "eth0");
	assert_int_equal(vfio_host_pci_netdev("0000:01:10.0", buf, sizeof(buf)), -ENOENT);
	fake_pci_device("0000:01:00.1", "0x8086", "0x10c9", "0x020000", NULL, 23);
	assert_int_equal(vfio_host_pci_driver("0000:01:00.1", buf, sizeof(buf)), -ENOENT);
}

/* EACCES for the VF token: a VF whose PF is on vfio-pci, a PF whose VFs are in use, or neither. */
static void test_vf_token(void **state)
{
	char msg[1024];

	(void)state;
	fake_82576("vfio-pci", (const int[]){ 20, 21, 22 });
	assert_int_equal(vfio_explain_vf_token("0000:01:10.0", false, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "0000:01:10.0 is a VF of 0000:01:00.0, which is bound to "
				    "vfio-pci: opening it needs the VF token"));
	assert_non_null(strstr(msg, "pass --vfio-vf-token UUID"));
	assert_int_equal(vfio_explain_vf_token("0000:01:10.0", true, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "the UUID given with --vfio-vf-token is not the VF token"));
	assert_int_equal(vfio_explain_vf_token("0000:01:00.0", true, msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "0000:01:00.0 is an SR-IOV PF whose VFs are in use through "
				    "vfio-pci: the UUID given"));
	/* a device of neither kind: no reason of SR-IOV's */
	fake_pci_device("0000:00:04.0", "0x8086", "0x10d3", "0x020000", "vfio-pci", 5);
	assert_int_equal(vfio_explain_vf_token("0000:00:04.0", false, msg, sizeof(msg)), -ENOENT);
	assert_string_equal(msg, "");
}

/* With the PF on its kernel driver, the kernel asks no token: not the reason. */
static void test_vf_token_pf_on_igb(void **state)
{
	char msg[1024];

	(void)state;
	fake_82576("igb", (const int[]){ 20, 21, 22 });
	assert_int_equal(vfio_explain_vf_token("0000:01:10.0", false, msg, sizeof(msg)), -ENOENT);
}

/* A VF in its PF's group (no ACS): the PF and its driver named, and why binding it is no fix. */
static void test_not_viable_vf_with_pf(void **state)
{
	(void)state;
	fake_82576("igb", (const int[]){ 20, 20, 20 });
	assert_int_equal(vfio_explain_not_viable(20, "0000:01:10.0", msg, sizeof(msg)), 2);
	assert_non_null(strstr(msg, "IOMMU group 20 of 0000:01:10.0 is not viable"));
	assert_non_null(strstr(msg, "0000:01:00.0 (bound to igb)"));
	assert_non_null(strstr(msg, "0000:01:10.2 (bound to igbvf)"));
	assert_non_null(strstr(msg, "0000:01:10.0 is a VF of PF 0000:01:00.0 (driver igb), which "
				    "shares its group because the PF has no ACS isolation"));
	assert_non_null(strstr(msg, "binding every device of the group to vfio-pci would take the "
				    "PF from igb, the kernel driver that manages the VFs"));
	assert_non_null(strstr(msg, "pcie_acs_override is not in mainline Linux"));
	assert_non_null(strstr(msg, "no-IOMMU mode in a VM without a vIOMMU"));
	/* the advice for a plain multi-function card is not given for a VF */
	assert_null(strstr(msg, "put the NIC in a slot"));
	/* and it fits the buffers the library logs it from */
	assert_true(strlen(msg) < 1024);
}

/* Sibling VFs in one group, the PF alone: bind the other VF, the PF stays on igb. */
static void test_not_viable_vf_siblings(void **state)
{
	(void)state;
	fake_82576("igb", (const int[]){ 20, 21, 21 });
	assert_int_equal(vfio_explain_not_viable(21, "0000:01:10.0", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "0000:01:10.2 (bound to igbvf)"));
	assert_non_null(strstr(msg, "VF of PF 0000:01:00.0 (driver igb)"));
	assert_non_null(strstr(msg, "bind the other VFs to vfio-pci too"));
	assert_non_null(strstr(msg, "the PF stays on igb"));
	assert_null(strstr(msg, "would take the PF"));

	/* Viable: the explanation says so and counts nothing. */
	fake_pci_device("0000:01:10.2", "0x8086", "0x10ca", "0x020000", "vfio-pci", 21);
	assert_int_equal(vfio_explain_not_viable(21, "0000:01:10.0", msg, sizeof(msg)), 0);
	assert_null(strstr(msg, "is a VF of PF"));
}

/* A dangling physfn link (the PF gone) and a missing group: messages, no crash. */
static void test_not_viable_vf_dangling(void **state)
{
	(void)state;
	fake_pci_device("0000:02:10.0", "0x8086", "0x10ca", "0x020000", "vfio-pci", 30);
	fake_pci_device("0000:02:10.2", "0x8086", "0x10ca", "0x020000", "igbvf", 30);
	fake_pci_link("0000:02:10.0", "physfn", "../0000:02:00.0");
	assert_int_equal(vfio_explain_not_viable(30, "0000:02:10.0", msg, sizeof(msg)), 1);
	assert_non_null(strstr(msg, "VF of PF 0000:02:00.0 (bound to no driver)"));
	assert_non_null(strstr(msg, "the PF stays on its kernel driver"));
	assert_int_equal(vfio_explain_not_viable(31, "0000:02:10.0", msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "IOMMU group 31 of 0000:02:10.0 is not viable"));
}

static void test_device_states(void **state)
{
	(void)state;
	assert_int_equal(vfio_explain_device("0000:00:09.0", msg, sizeof(msg)), -ENODEV);
	assert_non_null(strstr(msg, "PCI device 0000:00:09.0 does not exist"));

	fake_pci_device("0000:00:05.0", "0x8086", "0x10c9", "0x020000", "igb", 6);
	fake_write("sys/bus/pci/devices/0000:00:05.0/net/enp0s5/ifindex", "2\n");
	assert_int_equal(vfio_explain_device("0000:00:05.0", msg, sizeof(msg)), -EBUSY);
	assert_non_null(strstr(msg, "bound to its kernel driver igb (interface enp0s5)"));
	assert_non_null(strstr(msg, "prt-devbind --bind vfio-pci 0000:00:05.0"));

	fake_pci_device("0000:00:06.0", "0x8086", "0x10c9", "0x020000", NULL, 7);
	assert_int_equal(vfio_explain_device("0000:00:06.0", msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "bound to no driver"));

	fake_pci_device("0000:00:07.0", "0x8086", "0x10c9", "0x020000", "vfio-pci", -1);
	assert_int_equal(vfio_explain_device("0000:00:07.0", msg, sizeof(msg)), -ENOENT);
	assert_non_null(strstr(msg, "has no IOMMU group"));

	fake_pci_device("0000:00:08.0", "0x8086", "0x10c9", "0x020000", "vfio-pci", 8);
	fake_write("dev/vfio/noiommu-8", "");
	assert_int_equal(vfio_explain_device("0000:00:08.0", msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "IOMMU group 8 (no-IOMMU)"));
}

static void test_group_of(void **state)
{
	struct vfio_group_info g;

	(void)state;
	fake_pci_device("0000:00:0a.0", "0x8086", "0x10c9", "0x020000", "vfio-pci", 10);
	assert_int_equal(vfio_group_of("0000:00:0a.0", &g), 0);
	assert_int_equal(g.num, 10);
	assert_false(g.noiommu);
	assert_non_null(strstr(g.dev_path, "/dev/vfio/10"));
	assert_int_equal(vfio_group_of("0000:00:0b.0", &g), -ENODEV);
}

static void test_noiommu_param(void **state)
{
	(void)state;
	assert_int_equal(vfio_explain_noiommu(msg, sizeof(msg)), -ENODEV);
	assert_non_null(strstr(msg, "modprobe vfio enable_unsafe_noiommu_mode=1"));
	fake_write("sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	assert_int_equal(vfio_explain_noiommu(msg, sizeof(msg)), -ENODEV);
	assert_non_null(strstr(msg, "no-IOMMU mode is off"));
	fake_write("sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y\n");
	if (vfio_has_cap(CAP_SYS_RAWIO)) {
		assert_int_equal(vfio_explain_noiommu(msg, sizeof(msg)), 0);
		assert_non_null(strstr(msg, "can DMA anywhere in memory"));
	} else {
		assert_int_equal(vfio_explain_noiommu(msg, sizeof(msg)), -EPERM);
		assert_non_null(strstr(msg, "lacks CAP_SYS_RAWIO"));
	}
}

static void test_iommu_hints(void **state)
{
	(void)state;
	fake_write("proc/cpuinfo", "processor\t: 0\nvendor_id\t: AuthenticAMD\n");
	fake_write("proc/cmdline", "root=/dev/sda1 quiet\n");
	assert_int_equal(vfio_explain_iommu(msg, sizeof(msg)), -ENODEV);
	assert_non_null(strstr(msg, "add `amd_iommu=on iommu=pt`"));
	fake_write("proc/cpuinfo", "processor\t: 0\nvendor_id\t: GenuineIntel\n");
	fake_write("proc/cmdline", "root=/dev/sda1 intel_iommu=on\n");
	assert_int_equal(vfio_explain_iommu(msg, sizeof(msg)), -ENODEV);
	assert_non_null(strstr(msg, "enable VT-d in the firmware"));
	fake_write("sys/class/iommu/dmar0/uevent", "");
	assert_int_equal(vfio_explain_iommu(msg, sizeof(msg)), 0);
	assert_non_null(strstr(msg, "the IOMMU is on (1 unit"));
}

/* auto: iommufd when /dev/iommu and cdevs exist, type1 with groups only, noiommu last. */
static void test_auto_mode(void **state)
{
	struct eal_config noiommu = { .vfio_mode = PRT_VFIO_MODE_NOIOMMU };
	struct eal_config autom = { .vfio_mode = PRT_VFIO_MODE_AUTO };
	struct eal_config no_pci = { .pci_list_mode = EAL_PCI_LIST_ALLOW };
	char path[PATH_MAX];

	(void)state;
	fake_write("sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "N\n");
	assert_int_equal(vfio_host_mode(), PRT_VFIO_MODE_AUTO);
	fake_write("sys/module/vfio/parameters/enable_unsafe_noiommu_mode", "Y\n");
	if (vfio_has_cap(CAP_SYS_RAWIO))
		assert_int_equal(vfio_host_mode(), PRT_VFIO_MODE_NOIOMMU);
	assert_int_equal(vfio_default_iova_mode(&noiommu), PRT_IOVA_PA);
	if (vfio_has_cap(CAP_SYS_RAWIO)) {
		assert_int_equal(vfio_default_iova_mode(&autom), PRT_IOVA_PA);
		assert_int_equal(vfio_default_iova_mode(&no_pci), PRT_IOVA_VA);
	}
	fake_write("sys/class/iommu/dmar0/uevent", "");
	fake_write("dev/vfio/vfio", "");
	assert_int_equal(vfio_host_mode(), PRT_VFIO_MODE_TYPE1);
	assert_int_equal(vfio_default_iova_mode(&autom), PRT_IOVA_VA);
	fake_write("dev/iommu", "");
	assert_int_equal(vfio_host_mode(), PRT_VFIO_MODE_TYPE1); /* no cdevs: not iommufd */
	fake_mkdirs(fake_path(path, "sys/class/vfio-dev"), 1);
	assert_int_equal(vfio_host_mode(), PRT_VFIO_MODE_IOMMUFD);
}

static void test_memlock(void **state)
{
	struct rlimit rl, old;

	(void)state;
	getrlimit(RLIMIT_MEMLOCK, &old);
	rl.rlim_cur = 64 * 1024;
	rl.rlim_max = old.rlim_max;
	assert_int_equal(setrlimit(RLIMIT_MEMLOCK, &rl), 0);
	vfio_explain_memlock(UINT64_C(1) << 30, msg, sizeof(msg));
	assert_non_null(strstr(msg, "needs 1048576 KiB (1024 MiB) locked"));
	assert_non_null(strstr(msg, "RLIMIT_MEMLOCK is 64 KiB"));
	assert_non_null(strstr(msg, "ulimit -l 1048576"));
	setrlimit(RLIMIT_MEMLOCK, &old);
}

static void test_ioctl_meaning(void **state)
{
	(void)state;
	vfio_explain_ioctl("VFIO_GROUP_SET_CONTAINER", EPERM, msg, sizeof(msg));
	assert_non_null(strstr(msg, "VFIO_GROUP_SET_CONTAINER refused (EPERM)"));
	assert_non_null(strstr(msg, "cannot share a container"));
	vfio_explain_ioctl("VFIO_DEVICE_BIND_IOMMUFD", ENOTTY, msg, sizeof(msg));
	assert_non_null(strstr(msg, "Linux 6.6"));
}

/* x86's IOMMU leaves out the MSI window: a range in it, or across it, is refused. */
static void test_iova_ranges(void **state)
{
	struct vfio_backend be = {
		.ranges = { { 0, 0xfedfffff }, { 0xfef00000, (UINT64_C(1) << 48) - 1 } },
		.nb_ranges = 2,
	};
	char *log = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&log, &len);

	(void)state;
	prt_log_set_stream(f);
	assert_int_equal(vfio_check_iova_range(&be, 0x100000, 0x200000), 0);
	assert_int_equal(vfio_check_iova_range(&be, 0x7f0000000000, 0x40000000), 0);
	assert_int_equal(vfio_check_iova_range(&be, 0xfee00000, 0x1000), -ERANGE);
	assert_int_equal(vfio_check_iova_range(&be, 0xfec00000, 0x400000), -ERANGE);
	assert_int_equal(vfio_check_iova_range(&be, UINT64_C(1) << 48, 0x1000), -ERANGE);
	be.nb_ranges = 0; /* a kernel that does not say: everything */
	assert_int_equal(vfio_check_iova_range(&be, 0xfee00000, 0x1000), 0);
	prt_log_set_stream(NULL);
	fclose(f);
	assert_non_null(strstr(log, "cannot map IOVA 0xfee00000-0xfee00fff for DMA: the IOMMU "
				    "does not allow it"));
	free(log);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(test_holders, setup, teardown),
		cmocka_unit_test_setup_teardown(test_holders_none, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_viable, setup, teardown),
		cmocka_unit_test_setup_teardown(test_sriov_links, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_token, setup, teardown),
		cmocka_unit_test_setup_teardown(test_vf_token_pf_on_igb, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_viable_vf_with_pf, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_viable_vf_siblings, setup, teardown),
		cmocka_unit_test_setup_teardown(test_not_viable_vf_dangling, setup, teardown),
		cmocka_unit_test_setup_teardown(test_device_states, setup, teardown),
		cmocka_unit_test_setup_teardown(test_group_of, setup, teardown),
		cmocka_unit_test_setup_teardown(test_noiommu_param, setup, teardown),
		cmocka_unit_test_setup_teardown(test_iommu_hints, setup, teardown),
		cmocka_unit_test_setup_teardown(test_auto_mode, setup, teardown),
		cmocka_unit_test_setup_teardown(test_memlock, setup, teardown),
		cmocka_unit_test_setup_teardown(test_ioctl_meaning, setup, teardown),
		cmocka_unit_test(test_iova_ranges),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
