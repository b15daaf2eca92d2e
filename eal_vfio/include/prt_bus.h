/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_bus.h
 * Buses: how layers above the EAL find their devices at start-up. The EAL
 * cannot call the layers above it, so each bus (the vdev bus of pmd/, the PCI
 * bus) registers itself at load time; prt_eal_init() probes every registered
 * bus once the rest of the environment (lcores, memory) is up, and
 * prt_eal_cleanup() removes their devices before it takes the environment
 * down. This is DPDK's rte_bus, reduced to what prt needs.
 */
#ifndef PRT_BUS_H
#define PRT_BUS_H

/** A bus: a source of devices probed at prt_eal_init(). */
struct prt_bus {
	/** Short name for messages ("vdev", "pci"). */
	const char *name;
	/**
	 * Creates the bus's devices (e.g. one port per --vdev). Runs on the main
	 * lcore inside prt_eal_init(), after memory is up. On failure it leaves
	 * no device of its own behind and returns a negative errno after one
	 * line that tells the user what to change; prt_eal_init() then fails.
	 */
	int (*probe)(void);
	/** Removes every device probe() created. Runs inside prt_eal_cleanup(). */
	void (*cleanup)(void);
	/** Link in the EAL's list; set by prt_bus_register(). */
	struct prt_bus *next;
};

/**
 * Adds @p bus to the buses prt_eal_init() probes, after those registered
 * before it (their cleanups run in reverse order). Call from a constructor
 * (PRT_BUS_REGISTER); @p bus must live for the whole process. Not thread-safe
 * (constructors run one at a time).
 */
void prt_bus_register(struct prt_bus *bus);

/** Registers @p bus (a struct prt_bus variable) when the library loads. */
#define PRT_BUS_REGISTER(bus)                                                 \
	__attribute__((constructor)) static void prt_bus_register_##bus(void) \
	{                                                                     \
		prt_bus_register(&(bus));                                     \
	}

#endif /* PRT_BUS_H */
