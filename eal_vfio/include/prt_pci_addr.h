/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_pci_addr.h
 * PCI addresses (domain:bus:device.function, "BDF") as written on the
 * command line and in sysfs.
 */
#ifndef PRT_PCI_ADDR_H
#define PRT_PCI_ADDR_H

#include <stddef.h>
#include <stdint.h>

/** A PCI function's address. */
struct prt_pci_addr {
	uint32_t domain; /**< PCI segment, 0-0xffff (sysfs may show 0-0xffffffff) */
	uint8_t bus; /**< 0-0xff */
	uint8_t devid; /**< device, 0-0x1f */
	uint8_t function; /**< 0-7 */
};

/** Length of a formatted address with its terminating NUL: "0000:00:00.0". */
#define PRT_PCI_ADDR_STRLEN 13

/**
 * Parses "DDDD:BB:DD.F" or "BB:DD.F" (domain 0), hexadecimal, as lspci and
 * sysfs print them. Nothing but the address may follow.
 * @return 0; -EINVAL when @p s is not such an address (e.g. "0000:zz:00.0",
 *         device over 0x1f, function over 7).
 */
int prt_pci_addr_parse(const char *s, struct prt_pci_addr *addr);

/** Writes "DDDD:BB:DD.F" into @p buf (@p size >= PRT_PCI_ADDR_STRLEN). */
void prt_pci_addr_format(const struct prt_pci_addr *addr, char *buf, size_t size);

/** Compares two addresses: <0, 0, >0 as for qsort. */
int prt_pci_addr_cmp(const struct prt_pci_addr *a, const struct prt_pci_addr *b);

#endif /* PRT_PCI_ADDR_H */
