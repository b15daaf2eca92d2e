/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Start-up cost: prt_eal_init() + prt_eal_cleanup() against DPDK's
 * rte_eal_init() + rte_eal_cleanup() with the same memory of 2 MiB pages,
 * the same lcores and no PCI scan (--no-pci for both), each run in a fresh child process (DPDK cannot initialise
 * twice in one process). Also the floor: one thread faulting in the same
 * hugepages from a memfd, which is the kernel zeroing them.
 *
 *   case=eal_init_<size> prt=<ms> dpdk=<ms> ratio=<dpdk/prt>        DPDK --in-memory
 *   case=eal_init_<size>_dpdk_default prt=<ms> dpdk=<ms> ratio=...  DPDK with hugepage files
 *   case=eal_init_<size>_floor floor=<ms> prt=<ms>
 *   case=eal_init_<size>_cpu prt=<ms> dpdk=<ms> ratio=... floor=<ms>   CPU time, all threads
 *
 * Each figure is the median of RUNS runs, in milliseconds of wall time from
 * before init to after cleanup; the _cpu line gives the CPU time the same
 * runs used (user + system, every thread), which a busy machine changes less. Needs root and 1 GiB of free 2 MiB pages
 * (tools/hugepages reserve 600); the DPDK default mode mounts a hugetlbfs in
 * a temporary directory and removes it afterwards.
 */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <rte_eal.h>

#include "bench_cpu.h"
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
	char *argv[] = { "bench", "-l", "0-1", "-m", mb, "--no-pci", "--log-level=error", NULL };

	snprintf(mb, sizeof(mb), "%u", a->mb);
	if (prt_eal_init(7, argv) < 0)
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

/*
 * One thread faults in the pages of a hugetlb memfd: what the kernel must do
 * anyway. MADV_POPULATE_WRITE is the fastest way measured here (MAP_POPULATE
 * on the same mapping takes about 1.3 times as long), so the floor is the
 * lower one.
 */
static int run_floor(const struct run_args *a)
{
	size_t len = (size_t)a->mb << 20;
	int fd = memfd_create("floor", MFD_HUGETLB | (21u << MAP_HUGE_SHIFT));
	void *p;

	if (fd < 0 || ftruncate(fd, (off_t)len) < 0)
		return -1;
	p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	close(fd);
	if (p == MAP_FAILED || madvise(p, len, MADV_POPULATE_WRITE) < 0)
		return -1;
	return munmap(p, len);
}

/* What one run cost: wall time, and CPU time of all its threads (user + system). */
struct cost {
	double wall_ms;
	double cpu_ms;
};

static double tv_ms(struct timeval tv)
{
	return (double)tv.tv_sec * 1e3 + (double)tv.tv_usec / 1e3;
}

/* Runs @fn in a fresh child; negative figures when it failed. */
static struct cost timed_child(int (*fn)(const struct run_args *), const struct run_args *a)
{
	struct cost c = { -1, -1 };
	struct rusage ru;
	int pfd[2], status;
	pid_t pid;

	if (pipe(pfd) < 0)
		return c;
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
	if (pid < 0 || read(pfd[0], &c.wall_ms, sizeof(c.wall_ms)) != sizeof(c.wall_ms))
		c.wall_ms = -1;
	close(pfd[0]);
	if (pid > 0 && wait4(pid, &status, 0, &ru) == pid && c.wall_ms >= 0)
		c.cpu_ms = tv_ms(ru.ru_utime) + tv_ms(ru.ru_stime);
	return c;
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

static double median_of(double *t)
{
	qsort(t, RUNS, sizeof(t[0]), cmp_double);
	return t[0] < 0 ? -1 : t[RUNS / 2];
}

static void clear_dir(const char *dir)
{
	char cmd[400];

	snprintf(cmd, sizeof(cmd), "rm -f %s/* 2>/dev/null", dir);
	if (system(cmd) != 0)
		return;
}

enum { PRT, DPDK, DPDK_DEFAULT, FLOOR, NB_KINDS };

/*
 * RUNS rounds, each running every kind once, so that a change in the
 * machine's load (it is shared) touches every kind alike; medians of the
 * wall and CPU times in @wall and @cpu. DPDK's default mode keeps hugepage
 * files: they go in a temporary hugetlbfs mount, emptied after each run
 * (figures < 0 without one).
 */
static void measure(unsigned int mb, double wall[NB_KINDS], double cpu[NB_KINDS])
{
	char dir[] = "/tmp/prt-bench-hugeXXXXXX";
	struct run_args a = { .mb = mb }, def = { .mb = mb, .huge_dir = dir };
	double w[NB_KINDS][RUNS], c[NB_KINDS][RUNS];
	bool mounted = mkdtemp(dir) != NULL;

	if (mounted && mount("nodev", dir, "hugetlbfs", 0, "pagesize=2M") < 0) {
		rmdir(dir);
		mounted = false;
	}
	for (int i = 0; i < RUNS; i++) {
		struct cost k[NB_KINDS] = { [DPDK_DEFAULT] = { -1, -1 } };

		k[PRT] = timed_child(run_prt, &a);
		k[DPDK] = timed_child(run_dpdk, &a);
		if (mounted) {
			k[DPDK_DEFAULT] = timed_child(run_dpdk, &def);
			clear_dir(dir);
		}
		k[FLOOR] = timed_child(run_floor, &a);
		for (int j = 0; j < NB_KINDS; j++) {
			w[j][i] = k[j].wall_ms;
			c[j][i] = k[j].cpu_ms;
		}
	}
	if (mounted) {
		umount(dir);
		rmdir(dir);
	}
	for (int j = 0; j < NB_KINDS; j++) {
		wall[j] = median_of(w[j]);
		cpu[j] = median_of(c[j]);
	}
}

int main(void)
{
	static const unsigned int sizes_mb[] = { 64, 1024 };

	bench_print_cpu(stdout);
	for (size_t i = 0; i < sizeof(sizes_mb) / sizeof(sizes_mb[0]); i++) {
		const char *name = sizes_mb[i] == 64 ? "eal_init_64M" : "eal_init_1G";
		double ms[NB_KINDS], cpu[NB_KINDS];

		measure(sizes_mb[i], ms, cpu);
		if (ms[PRT] < 0 || ms[DPDK] < 0 || ms[FLOOR] < 0) {
			printf("case=%s error=\"a run failed: are %u free 2 MiB pages reserved? "
			       "(tools/hugepages reserve %u)\"\n",
			       name, sizes_mb[i] / 2, sizes_mb[i] / 2 + 64);
			continue;
		}
		printf("case=%s prt=%.2f dpdk=%.2f ratio=%.1f\n", name, ms[PRT], ms[DPDK],
		       ms[DPDK] / ms[PRT]);
		if (ms[DPDK_DEFAULT] >= 0)
			printf("case=%s_dpdk_default prt=%.2f dpdk=%.2f ratio=%.1f\n", name,
			       ms[PRT], ms[DPDK_DEFAULT], ms[DPDK_DEFAULT] / ms[PRT]);
		else
			printf("case=%s_dpdk_default error=\"cannot mount a hugetlbfs (root?)\"\n",
			       name);
		printf("case=%s_floor floor=%.2f prt=%.2f\n", name, ms[FLOOR], ms[PRT]);
		printf("case=%s_cpu prt=%.2f dpdk=%.2f ratio=%.1f floor=%.2f\n", name, cpu[PRT],
		       cpu[DPDK], cpu[DPDK] / cpu[PRT], cpu[FLOOR]);
		fflush(stdout);
	}
	return 0;
}
