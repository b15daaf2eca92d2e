/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The receive and transmit descriptors prt uses on both controllers. They
 * have the same 16-byte layout where prt reads and writes them:
 *
 * - receive: the 82574's extended receive descriptor (82574 7.1.4, chosen
 *   with RFCTL.EXTEN) and the 82576's advanced one-buffer receive descriptor
 *   (82576 7.1.5.2, SRRCTL.DESCTYPE = 001b). Software writes the buffer
 *   address and a zero second quadword; the device writes back status and
 *   errors in the third dword (DD = bit 0, EOP = bit 1, frame errors in bits
 *   31:24), the length in the fourth, and the RSS hash in the second.
 * - transmit: the 82574's legacy transmit descriptor (82574 7.2.10.1) and the
 *   82576's advanced transmit data descriptor (82576 7.2.2.3). Both carry the
 *   buffer address, then length and command bits (EOP, IFCS, RS at bits 24,
 *   25, 27) in the third dword; the device sets DD (bit 0 of the fourth
 *   dword) when it is done with a descriptor that had RS.
 *
 * All fields are little-endian, as the device reads them.
 */
#ifndef E1000_DESC_H
#define E1000_DESC_H

#include <stdint.h>

#include "e1000_regs.h"

/** A receive descriptor, as software hands it out and as the device writes it back. */
union e1000_rx_desc {
	struct {
		uint64_t buffer_addr; /**< IOVA of the packet buffer */
		uint64_t hdr_addr; /**< 0: no header buffer; also clears DD */
	} read;
	struct {
		uint32_t mrq; /**< 82574 MRQ (RSS type, queue); 82576 packet type / header info */
		uint32_t rss; /**< RSS hash (with RXCSUM.PCSD) */
		uint32_t status_error; /**< status bits 19:0, extended errors 31:20 */
		uint16_t length; /**< bytes written into this descriptor's buffer */
		uint16_t vlan; /**< stripped VLAN tag (with status VP) */
	} wb;
};

/* Receive status and errors (82574 7.1.4.2, 82576 7.1.5.2) */
#define E1000_RXD_STAT_DD E1000_BIT(0) /* descriptor done */
#define E1000_RXD_STAT_EOP E1000_BIT(1) /* end of packet */
#define E1000_RXD_STAT_VP E1000_BIT(3) /* VLAN tag stripped into .vlan */
#define E1000_RXD_ERR_CE E1000_BIT(24) /* CRC or alignment error */
#define E1000_RXD_ERR_SE E1000_BIT(25) /* symbol error */
#define E1000_RXD_ERR_SEQ E1000_BIT(26) /* sequence error */
#define E1000_RXD_ERR_CXE E1000_BIT(28) /* carrier extension error */
#define E1000_RXD_ERR_RXE E1000_BIT(31) /* receive data error */
/** Errors that make the frame worthless (checksum errors are left to the user). */
#define E1000_RXD_ERR_FRAME                                                            \
	(E1000_RXD_ERR_CE | E1000_RXD_ERR_SE | E1000_RXD_ERR_SEQ | E1000_RXD_ERR_CXE | \
	 E1000_RXD_ERR_RXE)

/** A transmit data descriptor (82574 legacy, 82576 advanced data). */
struct e1000_tx_desc {
	uint64_t buffer_addr; /**< IOVA of the data */
	uint32_t lower; /**< length 15:0, then command bits (82576: cmd_type_len) */
	uint32_t upper; /**< status 3:0 (DD), 82576 PAYLEN 31:14 (82576: olinfo_status) */
};

/* Transmit command bits, in .lower (82574 7.2.10.1.2, 82576 7.2.2.3) */
#define E1000_TXD_CMD_EOP E1000_BIT(24) /* end of packet */
#define E1000_TXD_CMD_IFCS E1000_BIT(25) /* insert FCS */
#define E1000_TXD_CMD_RS E1000_BIT(27) /* report status: set DD when done */
#define E1000_TXD_CMD_DEXT E1000_BIT(29) /* extended (82576 advanced) descriptor */
#define E1000_TXD_LEN_MASK 0xffffu
/* Transmit status, in .upper */
#define E1000_TXD_STAT_DD E1000_BIT(0)

/** Ring base (xDBAL) and length (xDLEN) are multiples of 128 bytes: 8 descriptors. */
#define E1000_RING_ALIGN 128
#define E1000_RING_DESC_MULT 8
/** Most descriptors in a ring: xDLEN is 20 bits wide, xDH/xDT 16 bits. */
#define E1000_RING_DESC_MAX 4096

#endif /* E1000_DESC_H */
