/* SPDX-License-Identifier: BSD-3-Clause */
/* The machine a benchmark ran on (bench_cpu.h). */
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "bench_cpu.h"

/* The first line of @path without its newline into @buf; "?" when unreadable. */
static void read_line(const char *path, char *buf, size_t len)
{
	FILE *f = fopen(path, "r");

	snprintf(buf, len, "?");
	if (f == NULL)
		return;
	if (fgets(buf, (int)len, f))
		buf[strcspn(buf, "\n")] = '\0';
	fclose(f);
}

/* CPU 0's cache of @level and type (Data, Unified), e.g. "2048K"; "?" when none. */
static void cache_size(int level, const char *type, char *buf, size_t len)
{
	char path[128], v[32];

	snprintf(buf, len, "?");
	for (int i = 0; i < 8; i++) {
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/level", i);
		read_line(path, v, sizeof(v));
		if (v[0] == '?' || v[0] - '0' != level)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/type", i);
		read_line(path, v, sizeof(v));
		if (strcmp(v, type) != 0)
			continue;
		snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu0/cache/index%d/size", i);
		read_line(path, buf, len);
		return;
	}
}

void bench_print_cpu(FILE *f)
{
	char model[128] = "?", line[256], l1[32], l2[32], l3[32], load[64];
	FILE *ci = fopen("/proc/cpuinfo", "r");

	while (ci && fgets(line, sizeof(line), ci)) {
		char *colon = strchr(line, ':');

		if (strncmp(line, "model name", 10) == 0 && colon) {
			snprintf(model, sizeof(model), "%s", colon + 2);
			model[strcspn(model, "\n")] = '\0';
			break;
		}
	}
	if (ci)
		fclose(ci);
	cache_size(1, "Data", l1, sizeof(l1));
	cache_size(2, "Unified", l2, sizeof(l2));
	cache_size(3, "Unified", l3, sizeof(l3));
	read_line("/proc/loadavg", load, sizeof(load));
	load[strcspn(load, " ")] = '\0';
	fprintf(f, "cpu=\"%s\" cpus=%ld l1d=%s l2=%s l3=%s load=%s\n", model,
		sysconf(_SC_NPROCESSORS_ONLN), l1, l2, l3, load);
}
