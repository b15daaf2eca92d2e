/* SPDX-License-Identifier: BSD-3-Clause */
/* PCI address parsing and printing. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>

#include "prt_pci_addr.h"

/* Reads at most @max_digits hex digits (at least one) into *v; returns the end or NULL. */
static const char *read_hex(const char *s, int max_digits, uint32_t *v)
{
	int n = 0;

	*v = 0;
	while (n < max_digits && isxdigit((unsigned char)s[n])) {
		char c = (char)tolower((unsigned char)s[n]);

		*v = *v * 16 + (uint32_t)(isdigit((unsigned char)c) ? c - '0' : c - 'a' + 10);
		n++;
	}
	return n == 0 || isxdigit((unsigned char)s[n]) ? NULL : s + n;
}

int prt_pci_addr_parse(const char *s, struct prt_pci_addr *addr)
{
	uint32_t a, b, dev, fn, domain = 0;
	const char *p;

	if (s == NULL || addr == NULL)
		return -EINVAL;
	p = read_hex(s, 8, &a);
	if (p == NULL || *p != ':')
		return -EINVAL;
	p = read_hex(p + 1, 2, &b);
	if (p == NULL)
		return -EINVAL;
	if (*p == ':') { /* DDDD:BB:DD.F */
		domain = a;
		a = b;
		p = read_hex(p + 1, 2, &b);
		if (p == NULL)
			return -EINVAL;
	} else if (p - s > 2 + 1 + 2) { /* BB:DD.F has a bus of at most two digits */
		return -EINVAL;
	}
	if (*p != '.')
		return -EINVAL;
	p = read_hex(p + 1, 1, &fn);
	if (p == NULL || *p != '\0')
		return -EINVAL;
	dev = b;
	if (a > 0xff || dev > 0x1f || fn > 7)
		return -EINVAL;
	addr->domain = domain;
	addr->bus = (uint8_t)a;
	addr->devid = (uint8_t)dev;
	addr->function = (uint8_t)fn;
	return 0;
}

void prt_pci_addr_format(const struct prt_pci_addr *addr, char *buf, size_t size)
{
	snprintf(buf, size, "%04x:%02x:%02x.%x", addr->domain, addr->bus, addr->devid,
		 addr->function);
}

int prt_pci_addr_cmp(const struct prt_pci_addr *a, const struct prt_pci_addr *b)
{
	uint64_t x = ((uint64_t)a->domain << 24) | (uint64_t)(a->bus << 16) |
		     (uint64_t)(a->devid << 8) | a->function;
	uint64_t y = ((uint64_t)b->domain << 24) | (uint64_t)(b->bus << 16) |
		     (uint64_t)(b->devid << 8) | b->function;

	return x < y ? -1 : x > y;
}
