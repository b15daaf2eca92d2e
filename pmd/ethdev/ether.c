/* SPDX-License-Identifier: BSD-3-Clause */
/* Ethernet addresses: formatting, parsing, random local addresses. */
#include <errno.h>
#include <stdio.h>
#include <sys/random.h>

#include "prt_ether.h"

void prt_ether_format_addr(char *buf, size_t size, const struct prt_ether_addr *a)
{
	const uint8_t *b = a->addr_bytes;

	snprintf(buf, size, "%02x:%02x:%02x:%02x:%02x:%02x", b[0], b[1], b[2], b[3], b[4], b[5]);
}

static int hex_digit(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int prt_ether_unformat_addr(const char *s, struct prt_ether_addr *a)
{
	struct prt_ether_addr tmp;

	for (int i = 0; i < PRT_ETHER_ADDR_LEN; i++) {
		int hi = hex_digit(s[0]), lo = hi < 0 ? -1 : hex_digit(s[1]);

		if (lo < 0)
			return -EINVAL;
		tmp.addr_bytes[i] = (uint8_t)(hi << 4 | lo);
		s += 2;
		if (i < PRT_ETHER_ADDR_LEN - 1) {
			if (*s != ':' && *s != '-')
				return -EINVAL;
			s++;
		}
	}
	if (*s != '\0')
		return -EINVAL;
	*a = tmp;
	return 0;
}

void prt_eth_random_addr(struct prt_ether_addr *a)
{
	if (getrandom(a->addr_bytes, sizeof(a->addr_bytes), 0) != sizeof(a->addr_bytes)) {
		/* No entropy source: a fixed local address is still a valid one. */
		static const uint8_t fallback[] = { 0x02, 0x70, 0x72, 0x74, 0x00, 0x01 };

		memcpy(a->addr_bytes, fallback, sizeof(fallback));
	}
	a->addr_bytes[0] &= 0xfe; /* unicast */
	a->addr_bytes[0] |= 0x02; /* locally administered */
}
