/* SPDX-License-Identifier: BSD-3-Clause */
/**
 * @file prt_ether.h
 * Ethernet addresses and headers (IEEE 802.3), as DPDK's rte_ether.h.
 */
#ifndef PRT_ETHER_H
#define PRT_ETHER_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "prt_common.h"

/** Bytes in an Ethernet (MAC) address. */
#define PRT_ETHER_ADDR_LEN 6
/** Bytes in an Ethernet header: destination, source, EtherType. */
#define PRT_ETHER_HDR_LEN 14
/** Bytes of the frame check sequence (CRC) at the end of a frame. */
#define PRT_ETHER_CRC_LEN 4
/** Shortest frame on the wire, CRC included. */
#define PRT_ETHER_MIN_LEN 64
/** Longest standard frame, CRC included (MTU 1500). */
#define PRT_ETHER_MAX_LEN 1518
/** Standard MTU: the payload of a frame. */
#define PRT_ETHER_MTU 1500
/** Bytes a frame needs beyond its MTU: header and CRC. */
#define PRT_ETHER_HDR_CRC_LEN (PRT_ETHER_HDR_LEN + PRT_ETHER_CRC_LEN)
/** Room "xx:xx:xx:xx:xx:xx" needs, with its terminating NUL. */
#define PRT_ETHER_ADDR_FMT_SIZE 18

/** EtherTypes, in host order (headers carry them in network order). */
#define PRT_ETHER_TYPE_IPV4 0x0800
#define PRT_ETHER_TYPE_ARP 0x0806
#define PRT_ETHER_TYPE_VLAN 0x8100
#define PRT_ETHER_TYPE_IPV6 0x86DD
#define PRT_ETHER_TYPE_QINQ 0x88A8

/** An Ethernet address, in transmission order. */
struct prt_ether_addr {
	uint8_t addr_bytes[PRT_ETHER_ADDR_LEN];
} __attribute__((aligned(2)));

/** An Ethernet header. */
struct prt_ether_hdr {
	struct prt_ether_addr dst_addr;
	struct prt_ether_addr src_addr;
	uint16_t ether_type; /**< network byte order */
} __attribute__((aligned(2)));

/** Copies @p from to @p to (6 bytes, both 2-byte aligned). */
static inline void prt_ether_addr_copy(const struct prt_ether_addr *from, struct prt_ether_addr *to)
{
	memcpy(to, from, sizeof(*to));
}

/** Non-zero when @p a and @p b are the same address. */
static inline int prt_is_same_ether_addr(const struct prt_ether_addr *a,
					 const struct prt_ether_addr *b)
{
	return memcmp(a, b, sizeof(*a)) == 0;
}

/** Non-zero for a multicast (or broadcast) address: the I/G bit is set. */
static inline int prt_is_multicast_ether_addr(const struct prt_ether_addr *a)
{
	return a->addr_bytes[0] & 0x01;
}

/** Non-zero for an address usable as a port's own: not multicast, not all zero. */
static inline int prt_is_valid_assigned_ether_addr(const struct prt_ether_addr *a)
{
	static const struct prt_ether_addr zero;

	return !prt_is_multicast_ether_addr(a) && !prt_is_same_ether_addr(a, &zero);
}

/**
 * Writes @p a as "xx:xx:xx:xx:xx:xx" into @p buf of @p size bytes (at least
 * PRT_ETHER_ADDR_FMT_SIZE for the whole address). Thread-safe.
 */
void prt_ether_format_addr(char *buf, size_t size, const struct prt_ether_addr *a);

/**
 * Parses "xx:xx:xx:xx:xx:xx" (or with '-' between the bytes) into @p a.
 * @return 0; -EINVAL when @p s is not such an address (@p a unchanged).
 */
int prt_ether_unformat_addr(const char *s, struct prt_ether_addr *a);

/**
 * Fills @p a with a random locally administered unicast address (the U/L bit
 * set, the I/G bit clear), as software ports without a fixed one use.
 */
void prt_eth_random_addr(struct prt_ether_addr *a);

#endif /* PRT_ETHER_H */
