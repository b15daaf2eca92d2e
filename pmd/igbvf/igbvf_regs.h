/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The 82576 virtual function (PCI 8086:10ca) as its driver sees it: the
 * VF's own BAR 0 (16 KiB, 82576 datasheet 8.26 "Virtual Function Device
 * Registers"), the VF-to-PF mailbox (7.8.2.9 "Mailbox", 8.26.x V2PMAILBOX
 * and VMBMEM) and the messages the PF's driver answers. The message
 * numbers are not the datasheet's (it leaves the protocol to software):
 * they are the ones Linux's igb (PF) and igbvf (VF) drivers agree on
 * (drivers/net/ethernet/intel/igb/e1000_mbx.h, igbvf/mbx.h), which any PF
 * driver a VF meets speaks.
 */
#ifndef IGBVF_REGS_H
#define IGBVF_REGS_H

#include "e1000_regs.h"

#define IGBVF_BAR0_LEN (16 * 1024) /* 8.26: the VF's CSR space */
#define IGBVF_NB_QUEUES 1 /* the VF has 2 queue pairs; prt uses the first (see igbvf_ethdev.c) */
#define IGBVF_NB_MSIX_VECTORS 3 /* 7.3.3.2: three MSI-X vectors per VF */

/* --- General (8.26.1) --- */

#define IGBVF_CTRL 0x00000 /* VTCTRL: only RST (bit 26) is the VF's */
#define IGBVF_CTRL_RST E1000_BIT(26) /* VF reset: queues off, the PF is told (VFLRE) */
#define IGBVF_STATUS 0x00008 /* the PF's STATUS, read only: LU, FD, SPEED */

/* --- Interrupts (8.26.2): the VF's three vectors as bits 2:0 --- */

#define IGBVF_EICS 0x01520
#define IGBVF_EIMS 0x01524
#define IGBVF_EIMC 0x01528
#define IGBVF_EIAC 0x0152c
#define IGBVF_EIAM 0x01530
#define IGBVF_EICR 0x01580
/*
 * VTIVAR (8.26.2.7): byte 0 routes rx queue 0, byte 1 tx queue 0 (a vector
 * 1:0 and a valid bit 7); VTIVAR_MISC byte 0 routes the mailbox cause.
 */
#define IGBVF_IVAR0 0x01700
#define IGBVF_IVAR_VALID 0x80u
#define IGBVF_IVAR_TX_SHIFT 8
#define IGBVF_IVAR_MISC 0x01740

/* --- Queues (8.26.3, 8.26.4): the PF's queue layout, at 0x2800 / 0x3800, 0x100 apart --- */

#define IGBVF_RDBAL(q) (0x02800 + 0x100 * (q))
#define IGBVF_TDBAL(q) (0x03800 + 0x100 * (q))
#define IGBVF_QUEUE_STRIDE 0x100

/* --- Statistics (8.26.5): 32 bits, not cleared on read, wrap around --- */

#define IGBVF_VFGPRC 0x00f10 /* good packets received */
#define IGBVF_VFGPTC 0x00f14 /* good packets transmitted */
#define IGBVF_VFGORC 0x00f18 /* good octets received */
#define IGBVF_VFGOTC 0x00f34 /* good octets transmitted */
#define IGBVF_VFMPRC 0x00f3c /* multicast packets received */

/* --- Mailbox (7.8.2.9; V2PMAILBOX 8.26.1.x, VMBMEM 8.26.1.x) --- */

#define IGBVF_V2PMAILBOX 0x00c40
#define IGBVF_V2PMAILBOX_REQ E1000_BIT(0) /* write: a message for the PF is in VMBMEM */
#define IGBVF_V2PMAILBOX_ACK E1000_BIT(1) /* write: the PF's message was read */
#define IGBVF_V2PMAILBOX_VFU E1000_BIT(2) /* the VF holds the buffer */
#define IGBVF_V2PMAILBOX_PFU E1000_BIT(3) /* the PF holds the buffer */
#define IGBVF_V2PMAILBOX_PFSTS E1000_BIT(4) /* the PF wrote a message (clears on read) */
#define IGBVF_V2PMAILBOX_PFACK E1000_BIT(5) /* the PF read the VF's message (clears on read) */
#define IGBVF_V2PMAILBOX_RSTI E1000_BIT(6) /* the PF is resetting */
#define IGBVF_V2PMAILBOX_RSTD E1000_BIT(7) /* the PF reset is done (clears on read) */
/* The bits a read clears: kept by software until looked at (igbvf_mbx.c). */
#define IGBVF_V2PMAILBOX_R2C \
	(IGBVF_V2PMAILBOX_PFSTS | IGBVF_V2PMAILBOX_PFACK | IGBVF_V2PMAILBOX_RSTD)

#define IGBVF_VMBMEM(i) (0x00800 + 4 * (i))
#define IGBVF_MBX_WORDS 16 /* 64 bytes of buffer */

/* Word 0 of a message: the type (15:0), its info (23:16), the PF's verdict (31:29). */
#define IGBVF_MSG_ACK E1000_BIT(31)
#define IGBVF_MSG_NACK E1000_BIT(30)
#define IGBVF_MSG_CTS E1000_BIT(29) /* the PF takes requests (the VF reset went through) */
#define IGBVF_MSG_INFO_SHIFT 16
#define IGBVF_MSG_INFO_MASK (0xffu << IGBVF_MSG_INFO_SHIFT)
#define IGBVF_MSG_TYPE_MASK 0xffffu

#define IGBVF_MSG_RESET 0x01 /* reply: 3 words, the MAC address in words 1-2 */
#define IGBVF_MSG_SET_MAC_ADDR 0x02 /* words 1-2: the address */
#define IGBVF_MSG_SET_MULTICAST 0x03 /* info: count (at most 30); 16-bit MTA hashes from word 1 */
#define IGBVF_MSG_SET_VLAN 0x04 /* info 1: add, 0: remove; word 1: the VLAN id */
#define IGBVF_MSG_SET_LPE 0x05 /* word 1: the longest frame, CRC included */
#define IGBVF_MSG_SET_PROMISC 0x06 /* info: what to turn on (below); 0 turns all off */
#define IGBVF_PROMISC_UNICAST (0x01u << IGBVF_MSG_INFO_SHIFT) /* Linux's igb: NACK */
#define IGBVF_PROMISC_MULTICAST (0x02u << IGBVF_MSG_INFO_SHIFT)
#define IGBVF_MSG_PF_CONTROL 0x0100 /* from the PF: link changed, or reset (without CTS) */

#define IGBVF_MC_HASH_MAX 30 /* 16-bit hashes in words 1..15 */

#endif /* IGBVF_REGS_H */
