/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What machine a benchmark ran on, printed before its figures: figures from
 * two CPU families are not comparable (doc/performance.md keeps them apart).
 */
#ifndef BENCH_CPU_H
#define BENCH_CPU_H

#include <stdio.h>

/**
 * Prints one line "cpu=<model> cpus=<online> l1d=<size> l2=<size> l3=<size>
 * load=<1-min load average>" to @p f, from /proc/cpuinfo, the sysfs cache
 * description of CPU 0 and /proc/loadavg. Fields the machine does not tell
 * are "?".
 */
void bench_print_cpu(FILE *f);

#endif /* BENCH_CPU_H */
