/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up cost: prt_eal_init() + prt_eal_cleanup() against DPDK's
 * rte_eal_init() + rte_eal_cleanup() with the same memory of 2 MiB pages and
 * the same lcores, each run in a fresh child process (DPDK cannot initialise
 * twice in one process). Also the floor: one thread faulting in the same
 * hugepages from a memfd, which is the kernel zeroing them.
 *
 *   case=eal_init_<size> prt=<ms> dpdk=<ms> ratio=<dpdk/prt>        DPDK --in-memory
 *   case=eal_init_<size>_dpdk_default prt=<ms> dpdk=<ms> ratio=...  DPDK with hugepage files
 *   case=eal_init_<size>_floor floor=<ms> prt=<ms>
 *
 * Each figure is the median of RUNS runs, in milliseconds of wall time from
 * before init to after cleanup. Needs root and 1 GiB of free 2 MiB pages
 * (tools/hugepages reserve 600); the DPDK default mode mounts a hugetlbfs in
 * a temporary directory and removes it afterwards.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "prt_eal.h"

#define RUNS 7
#define PAGE_2M (2u << 20)

static double now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec * 1e3 + (double)ts.tv_nsec / 1e6;
}

struct run_args {
	unsigned int mb;
	const char *huge_dir; /* DPDK default mode: the hugetlbfs mount */
};

static int run_prt(const struct run_args *a)
{
	char mb[16];
	char *argv[] = { "bench", "-l", "0-1", "-m", mb, "--log-level=error", NULL };

	snprintf(mb, sizeof(mb), "%u", a->mb);
	if (prt_eal_init(6, argv) < 0)
		return -1;
	return prt_eal_cleanup();
}

static int run_dpdk(const struct run_args *a)
{
	char mb[16], dir[300];
	char *argv[16] = {
		"bench", "-l", "0-1", "-m", mb, "--no-pci", "--no-telemetry", "--log-level=error"
	};
	int argc = 8;

	snprintf(mb, sizeof(mb), "%u", a->mb);
	if (a->huge_dir) {
		snprintf(dir, sizeof(dir), "--huge-dir=%s", a->huge_dir);
		argv[argc++] = dir;
		argv[argc++] = "--file-prefix=prtbench";
	} else {
		argv[argc++] = "--in-memory";
	}
	if (rte_eal_init(argc, argv) < 0)
		return -1;
	return rte_eal_cleanup();
}

/* One thread faults in the pages of a hugetlb memfd: what the kernel must do anyway. */
static int run_floor(const struct run_args *a)
{
	size_t len = (size_t)a->mb << 20;
	int fd = memfd_create("floor", MFD_HUGETLB | (21u << MAP_HUGE_SHIFT));
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		return -1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, 0);
	close(fd);
	if (p == MAP_FAILED)
		return -1;
	return munmap(p, len);
}

/* Runs @fn in a fresh child; returns its wall time in ms, or a negative value. */
static double timed_child(int (*fn)(const struct run_args *), const struct run_args *a)
{
	int pfd[2], status;
	double ms = -1;
	pid_t pid;

	if (pipe(pfd) < 0)
		return -1;
	pid = fork();
	if (pid == 0) {
		double t0 = now_ms(), t;
		int ret = fn(a);

		t = ret == 0 ? now_ms() - t0 : -1;
		if (write(pfd[1], &t, sizeof(t)) != sizeof(t))
			_exit(1);
		_exit(0);
	}
	close(pfd[1]);
	if (pid < 0 || read(pfd[0], &ms, sizeof(ms)) != sizeof(ms))
		ms = -1;
	close(pfd[0]);
	if (pid > 0)
		waitpid(pid, &status, 0);
	return ms;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* The median of RUNS runs; negative when any run failed. */
static double median(int (*fn)(const struct run_args *), const struct run_args *a)
{
	double t[RUNS];

	for (int i = 0; i < RUNS; i++) {
		t[i] = timed_child(fn, a);
		if (t[i] < 0)
			return -1;
	}
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[RUNS / 2];
}

static void clear_dir(const char *dir)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -f %s/* 2>/dev/null", dir);
	if (system(cmd) != 0)
		return;
}

/* DPDK's default mode keeps hugepage files: in a temporary hugetlbfs mount. */
static double dpdk_default(const struct run_args *base)
{
	char dir[] = "/tmp/prt-bench-hugeXXXXXX";
	struct run_args a = *base;
	double t[RUNS];

	if (mkdtemp(dir) == NULL)
		return -1;
	if (mount("nodev", dir, "hugetlbfs", 0, "pagesize=2M") < 0) {
		rmdir(dir);
		return -1;
	}
	a.huge_dir = dir;
	for (int i = 0; i < RUNS; i++) {
		t[i] = timed_child(run_dpdk, &a);
		clear_dir(dir);
		if (t[i] < 0)
			break;
	}
	umount(dir);
	rmdir(dir);
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[0] < 0 ? -1 : t[RUNS / 2];
}

int main(void)
{
	static const unsigned int sizes_mb[] = { 64, 1024 };

	for (size_t i = 0; i < sizeof(sizes_mb) / sizeof(sizes_mb[0]); i++) {
		struct run_args a = { .mb = sizes_mb[i] };
		double prt = median(run_prt, &a);
		double dpdk = median(run_dpdk, &a);
		double dflt = dpdk_default(&a);
		double floor = median(run_floor, &a);
		char name[32];

		snprintf(name, sizeof(name), "eal_init_%s",
			 a.mb >= 1024 ? "1G" :
			 a.mb == 64   ? "64M" :
					"other");
		if (prt < 0 || dpdk < 0 || floor < 0) {
			printf("case=%s error=\"a run failed: are %u free 2 MiB pages reserved? "
			       "(tools/hugepages reserve %u)\"\n",
			       name, a.mb / 2, a.mb / 2 + 64);
			continue;
		}
		printf("case=%s prt=%.2f dpdk=%.2f ratio=%.1f\n", name, prt, dpdk, dpdk / prt);
		if (dflt >= 0)
			printf("case=%s_dpdk_default prt=%.2f dpdk=%.2f ratio=%.1f\n", name, prt,
			       dflt, dflt / prt);
		else
			printf("case=%s_dpdk_default error=\"cannot mount a hugetlbfs (root?)\"\n",
			       name);
		printf("case=%s_floor floor=%.2f prt=%.2f\n", name, floor, prt);
		fflush(stdout);
	}
	return 0;
}
