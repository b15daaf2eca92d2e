/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 82576 VF's statistics registers (datasheet 8.26.5: VFGPRC, VFGPTC,
 * VFGORC, VFGOTC, VFMPRC) are 32 bits wide, are not cleared when read and
 * wrap around; a VF reset does not clear them either. Each is read into a
 * 64-bit total by adding what it grew since the previous read, modulo
 * 2^32: correct across one wrap between reads (at 1 Gb/s the octet
 * counters wrap every 34 s: stats must be read more often than that).
 */
#ifndef IGBVF_STATS_H
#define IGBVF_STATS_H

#include <stdint.h>

/** One counter: the register's last value and the total since init or reset. */
struct igbvf_counter {
	uint32_t last;
	uint64_t total;
};

/** Starts @p c at the register's current value @p now (what came before is not ours). */
static inline void igbvf_counter_init(struct igbvf_counter *c, uint32_t now)
{
	c->last = now;
	c->total = 0;
}

/** Adds what the register grew to @p now since the last read (unsigned: wraps count right). */
static inline void igbvf_counter_update(struct igbvf_counter *c, uint32_t now)
{
	c->total += (uint32_t)(now - c->last);
	c->last = now;
}

#endif /* IGBVF_STATS_H */
