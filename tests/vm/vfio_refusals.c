/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * vfio_refusals: each refusal of the kernel, provoked for real in a VM lab
 * guest, must come out of prt_eal_init() as one message that says why and
 * what to do, and leave nothing open.
 *
 *   vfio_refusals CASE...    (NIC and mode from PRT_VMLAB_NICS / PRT_VMLAB_MODE)
 *
 * prt runs with --vfio-mode set to the lab's mode unless the case says otherwise.
 * Cases (each runs in its own child process, so limits and capabilities
 * dropped for one do not leak into the next):
 *   busy           another process holds the device: the message names it
 *   kernel-driver  the NIC is on its kernel driver (lab NIC "e1000e:kernel")
 *   no-device      -a names a device that does not exist
 *   memlock        RLIMIT_MEMLOCK 64 KiB and no CAP_IPC_LOCK (type1, iommufd)
 *   noiommu-off    --vfio-mode=noiommu without the module parameter (type1 lab)
 *   noiommu-cap    no-IOMMU without CAP_SYS_RAWIO (noiommu lab)
 *   mixed          --vfio-mode=type1 on a no-IOMMU group (noiommu lab)
 *   vf-token       an SR-IOV PF on vfio-pci and its VF (the first lab NIC):
 *                  --vfio-vf-token (tests/vm/igbvf_guest.py sets it up)
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <linux/capability.h>

#include "prt_eal.h"
#include "prt_pci.h"
#include "prt_test.h"
#include "vm_nic.h"

static struct prt_pci_driver test_driver = {
	.name = "vm_refusal_nic",
	.id_table = vm_nic_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING,
};
PRT_PCI_DRIVER_REGISTER(test_driver)

static char nic[32];
static char mode_arg[32]; /* --vfio-mode=<the lab's mode> */

static void drop_cap(int cap)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];

	if (syscall(SYS_capget, &hdr, data) < 0) {
		perror("capget");
		exit(1);
	}
	data[cap / 32].effective &= ~(1u << (cap % 32));
	data[cap / 32].permitted &= ~(1u << (cap % 32));
	data[cap / 32].inheritable &= ~(1u << (cap % 32));
	if (syscall(SYS_capset, &hdr, data) < 0) {
		perror("capset");
		exit(1);
	}
}

/*
 * Runs prt_eal_init() with @p extra options (NULL: none) and -a @p bdf, its
 * log printed and returned in *@p log (to free). Returns what the init did.
 */
static int init_logged(const char *bdf, const char *extra1, const char *extra2, char **log)
{
	char *argv[12];
	int argc = 0, ret;
	size_t log_len = 0;
	FILE *f = open_memstream(log, &log_len);

	argv[argc++] = "vfio_refusals";
	argv[argc++] = "-l";
	argv[argc++] = "0";
	argv[argc++] = "-m";
	argv[argc++] = "16";
	if (!extra1 || strncmp(extra1, "--vfio-mode", 11) != 0)
		argv[argc++] = mode_arg;
	if (extra1)
		argv[argc++] = (char *)extra1;
	if (extra2)
		argv[argc++] = (char *)extra2;
	argv[argc++] = "-a";
	argv[argc++] = (char *)bdf;
	argv[argc] = NULL;
	prt_log_set_stream(f);
	ret = prt_eal_init(argc, argv);
	prt_log_set_stream(NULL);
	fclose(f);
	fputs(*log, stdout);
	return ret;
}

/*
 * Runs prt_eal_init() with @p extra options and -a @p bdf; it must fail, log
 * a line holding @p want, and leave no fd open. Returns 0 when so.
 */
static int expect_refusal(const char *bdf, const char *extra1, const char *extra2, const char *want)
{
	int before = prt_test_count_fds(), ret, after;
	char *log;

	ret = init_logged(bdf, extra1, extra2, &log);
	after = prt_test_count_fds();
	if (ret >= 0) {
		printf("FAIL: prt_eal_init succeeded\n");
		prt_eal_cleanup();
		return 1;
	}
	if (!strstr(log, want)) {
		printf("FAIL: no log line holds \"%s\"\n", want);
		return 1;
	}
	if (after != before) {
		printf("FAIL: %d fds open after the failed init, %d before\n", after, before);
		return 1;
	}
	free(log);
	return 0;
}

/* Runs prt_eal_init() as expect_refusal() does; it must succeed and log @p want (NULL: anything). */
static int expect_open(const char *bdf, const char *extra1, const char *extra2, const char *want)
{
	char *log;
	int ret = init_logged(bdf, extra1, extra2, &log);

	if (ret < 0) {
		printf("FAIL: prt_eal_init failed: %s\n", strerror(-ret));
		free(log);
		return 1;
	}
	prt_eal_cleanup();
	if (want && !strstr(log, want)) {
		printf("FAIL: no log line holds \"%s\"\n", want);
		free(log);
		return 1;
	}
	free(log);
	return 0;
}

/* Forks a process that opens @p bdf with @p extra options and holds it until killed. */
static pid_t hold(const char *bdf, const char *extra1, const char *extra2)
{
	int ready[2];
	pid_t pid;
	char c;

	if (pipe(ready) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		char *log;

		close(ready[0]);
		if (init_logged(bdf, extra1, extra2, &log) < 0)
			_exit(1);
		if (write(ready[1], "r", 1) != 1)
			_exit(1);
		pause();
		_exit(0);
	}
	close(ready[1]);
	if (pid > 0 && read(ready[0], &c, 1) != 1) {
		printf("FAIL: the holder could not open %s\n", bdf);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(ready[0]);
	return pid;
}

static void unhold(pid_t pid)
{
	kill(pid, SIGTERM);
	waitpid(pid, NULL, 0);
}

/*
 * The SR-IOV VF token, with the lab's igbvf PF on vfio-pci (enable_sriov=1)
 * and its VF 0 (@p nic) on vfio-pci: the PF's user sets the token, the VF
 * opens with it and is refused without it or with another (the message names
 * --vfio-vf-token); the PF, while its VF is in use, opens only with the token
 * too. A device cdev (iommufd) of Linux before 6.17 checks no token: there
 * only the first two steps mean something.
 */
static int case_vf_token(void)
{
	static const char right[] = "bd8d9d2b-5a5f-4f5a-a211-f591514ba1f3";
	static const char wrong[] = "0b7b9a4e-7f45-4a0e-9d1c-6ad6a3a5c001";
	const char *pfs = getenv("PRT_VMLAB_IGBVF_PFS");
	char pf[32], right_opt[64];
	pid_t vf_user;
	int bad = 0;

	if (!pfs || !*pfs) {
		printf("FAIL: no igbvf PF in PRT_VMLAB_IGBVF_PFS\n");
		return 1;
	}
	snprintf(pf, sizeof(pf), "%.*s", (int)strcspn(pfs, " "), pfs);
	snprintf(right_opt, sizeof(right_opt), "--vfio-vf-token=%s", right);
	bad += expect_open(pf, "--log-level=eal.vfio:info", right_opt,
			   "the VF token of its VFs is now");
	bad += expect_open(nic, "--vfio-vf-token", right, NULL);
	if (strcmp(getenv("PRT_VMLAB_MODE"), "iommufd") == 0) {
		printf("vf-token: iommufd: this kernel's device cdev checks no VF token "
		       "(Linux 6.17's VFIO_DEVICE_BIND_FLAG_TOKEN does): refusals not checked\n");
		return bad;
	}
	bad += expect_refusal(nic, NULL, NULL,
			      "which is bound to vfio-pci: opening it needs the VF token");
	bad += expect_refusal(nic, "--vfio-vf-token", wrong,
			      "the UUID given with --vfio-vf-token is not the VF token");
	vf_user = hold(nic, "--vfio-vf-token", right);
	if (vf_user < 0)
		return 1;
	bad += expect_refusal(pf, NULL, NULL, "whose VFs are in use through vfio-pci: opening it");
	bad += expect_refusal(pf, "--vfio-vf-token", wrong,
			      "whose VFs are in use through vfio-pci: the UUID given");
	bad += expect_open(pf, "--vfio-vf-token", right, NULL);
	unhold(vf_user);
	return bad;
}

static int case_busy(void)
{
	pid_t holder = hold(nic, NULL, NULL);
	char want[64];
	int ret;

	if (holder < 0)
		return 1;
	/* The holder, and only it: not this process, which holds its own try open. */
	snprintf(want, sizeof(want), "by pid %d (vfio_refusals);", (int)holder);
	ret = expect_refusal(nic, NULL, NULL, want);
	unhold(holder);
	return ret;
}

static int case_memlock(void)
{
	struct rlimit rl = { 64 * 1024, 64 * 1024 };

	if (setrlimit(RLIMIT_MEMLOCK, &rl) < 0)
		return 1;
	drop_cap(CAP_IPC_LOCK);
	return expect_refusal(nic, NULL, NULL, "RLIMIT_MEMLOCK is 64 KiB");
}

static int run_case(const char *name)
{
	if (strcmp(name, "busy") == 0)
		return case_busy();
	if (strcmp(name, "kernel-driver") == 0)
		return expect_refusal(nic, NULL, NULL, "is bound to its kernel driver e1000e");
	if (strcmp(name, "no-device") == 0)
		return expect_refusal("0000:00:1f.7", NULL, NULL,
				      "PCI device 0000:00:1f.7 does not exist");
	if (strcmp(name, "memlock") == 0)
		return case_memlock();
	if (strcmp(name, "noiommu-off") == 0)
		return expect_refusal(nic, "--vfio-mode=noiommu", "--iova-mode=pa",
				      "no-IOMMU mode is off");
	if (strcmp(name, "noiommu-cap") == 0) {
		drop_cap(CAP_SYS_RAWIO);
		return expect_refusal(nic, NULL, NULL, "no-IOMMU groups need CAP_SYS_RAWIO");
	}
	if (strcmp(name, "vf-token") == 0)
		return case_vf_token();
	if (strcmp(name, "mixed") == 0)
		return expect_refusal(nic, "--vfio-mode=type1", "--iova-mode=va",
				      "no-IOMMU and IOMMU devices cannot be mixed");
	printf("unknown case %s\n", name);
	return 1;
}

/* run_case() in a child that leaves by _exit(): its output must not stay in stdio's buffer. */
static int run_case_flushed(const char *name)
{
	int ret = run_case(name);

	fflush(stdout);
	return ret;
}

int main(int argc, char **argv)
{
	const char *nics = getenv("PRT_VMLAB_NICS");
	int failed = 0;

	if (!getenv("PRT_VMLAB_MODE") || !nics)
		prt_test_skip("not inside the VM lab (PRT_VMLAB_MODE and PRT_VMLAB_NICS unset)");
	snprintf(nic, sizeof(nic), "%.*s", (int)strcspn(nics, " "), nics);
	snprintf(mode_arg, sizeof(mode_arg), "--vfio-mode=%s", getenv("PRT_VMLAB_MODE"));
	vm_nic_driver_only(&test_driver);
	for (int i = 1; i < argc; i++) {
		int status = 1;
		pid_t pid;

		fflush(stdout);
		pid = fork();
		if (pid == 0)
			_exit(run_case_flushed(argv[i]));
		waitpid(pid, &status, 0);
		status = WIFEXITED(status) ? WEXITSTATUS(status) : 1;
		printf("%s %s\n", status ? "not ok" : "ok", argv[i]);
		failed += status != 0;
	}
	return failed ? 1 : 0;
}
