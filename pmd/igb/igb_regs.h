/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registers of the 82576 (PCI 8086:10c9) beyond the 8254x map both
 * controllers share (pmd/intel_common/e1000_regs.h): sixteen queue pairs,
 * advanced receive descriptors, extended interrupt causes and MSI-X vector
 * allocation. Sections are the Intel 82576 GbE Controller Datasheet's.
 */
#ifndef IGB_REGS_H
#define IGB_REGS_H

#include "e1000_regs.h"

#define IGB_NB_QUEUES 16 /* 82576 1.3: 16 queues each way (8 with RSS alone) */
#define IGB_NB_RSS_QUEUES 8 /* 7.1.2.10: RSS spreads over at most 8 queues */
#define IGB_NB_MSIX_VECTORS 10 /* 7.3.3: ten MSI-X vectors for the PF */
#define IGB_NB_RAR 24 /* RAL/RAH[0..15] at 0x5400, [16..23] at 0x54e0 */

/* Receive addresses 16-23 sit in a second array (8.11.6) */
#define IGB_RAL(i) ((i) < 16 ? E1000_RAL(i) : 0x054e0 + 8 * ((i)-16))
#define IGB_RAH(i) ((i) < 16 ? E1000_RAH(i) : 0x054e4 + 8 * ((i)-16))

/* --- Interrupts (8.8) --- */

/* General Purpose Interrupt Enable (8.8.15) */
#define IGB_GPIE 0x01514
#define IGB_GPIE_NSICR E1000_BIT(0) /* clear ICR on read in every mode */
#define IGB_GPIE_MSIX_MODE E1000_BIT(4) /* causes go to EICR bits through IVAR */
#define IGB_GPIE_EIAME E1000_BIT(30) /* extended auto-mask */
#define IGB_GPIE_PBA E1000_BIT(31) /* PBA support (MSI-X) */

#define IGB_EICS 0x01520 /* Extended Interrupt Cause Set (8.8.6) */
#define IGB_EIMS 0x01524 /* Extended Interrupt Mask Set/Read (8.8.7) */
#define IGB_EIMC 0x01528 /* Extended Interrupt Mask Clear (8.8.8) */
#define IGB_EIAC 0x0152c /* Extended Interrupt Auto Clear (8.8.11) */
#define IGB_EIAM 0x01530 /* Extended Interrupt Auto Mask (8.8.12) */
#define IGB_EICR 0x01580 /* Extended Interrupt Cause Read (8.8.2): one bit per MSI-X vector */

/* Extended Interrupt Throttle, one per vector (8.8.13): interval in bits 14:2 */
#define IGB_EITR(v) (0x01680 + 4 * (v))
#define IGB_EITR_CNT_IGNR E1000_BIT(31)

/*
 * Interrupt Vector Allocation (8.8.16): IVAR0[n], n = 0..7, holds four
 * 8-bit entries: RX queue n, TX queue n, RX queue n+8, TX queue n+8. An
 * entry is a vector number (4:0) and a valid bit (7).
 */
#define IGB_IVAR0(n) (0x01700 + 4 * (n))
#define IGB_IVAR_VALID 0x80u
#define IGB_IVAR_RX_SHIFT(q) ((q) < 8 ? 0 : 16)
#define IGB_IVAR_TX_SHIFT(q) ((q) < 8 ? 8 : 24)
/* Miscellaneous vector allocation (8.8.17): byte 1 routes the "other" causes (link, ...) */
#define IGB_IVAR_MISC 0x01740
#define IGB_IVAR_MISC_OTHER_SHIFT 8

/* --- Receive (8.10) --- */

/* Receive Long Packet Maximum Length (8.10.5): with RCTL.LPE, frames up to RLPML bytes (FCS included) */
#define IGB_RLPML 0x05004

/* Multiple Receive Queues Command (8.10.16) */
#define IGB_MRQC_ENABLE_RSS 0x2u /* MRQE 2:0 = 010b: RSS only */
#define IGB_MRQC_RSS_TCP_IPV4 E1000_BIT(16)
#define IGB_MRQC_RSS_IPV4 E1000_BIT(17)
#define IGB_MRQC_RSS_TCP_IPV6_EX E1000_BIT(18)
#define IGB_MRQC_RSS_IPV6_EX E1000_BIT(19)
#define IGB_MRQC_RSS_IPV6 E1000_BIT(20)
#define IGB_MRQC_RSS_TCP_IPV6 E1000_BIT(21)
#define IGB_MRQC_RSS_UDP_IPV4 E1000_BIT(22)
#define IGB_MRQC_RSS_UDP_IPV6 E1000_BIT(23)
#define IGB_MRQC_RSS_UDP_IPV6_EX E1000_BIT(24)

/* Receive queue q, 0..15 (8.10.6 - 8.10.12) */
#define IGB_RDBAL(q) (0x0c000 + 0x40 * (q))
#define IGB_RDBAH(q) (0x0c004 + 0x40 * (q))
#define IGB_RDLEN(q) (0x0c008 + 0x40 * (q))
/* Split and Replication Receive Control (8.10.9) */
#define IGB_SRRCTL(q) (0x0c00c + 0x40 * (q))
#define IGB_SRRCTL_BSIZEPKT_SHIFT 10 /* BSIZEPACKET 6:0 in 1 KB units */
#define IGB_SRRCTL_BSIZEPKT_MASK 0x7fu
#define IGB_SRRCTL_BSIZEHDR_SHIFT 2 /* BSIZEHEADER 11:8 in 64-byte units */
#define IGB_SRRCTL_DESCTYPE_ADV_ONEBUF (1u << 25) /* advanced descriptor, one buffer */
#define IGB_SRRCTL_DROP_EN E1000_BIT(31) /* drop when the queue has no descriptors */
#define IGB_RDH(q) (0x0c010 + 0x40 * (q))
#define IGB_RDT(q) (0x0c018 + 0x40 * (q))
/* Receive Descriptor Control (8.10.10): the queue runs only once ENABLE reads back 1 */
#define IGB_RXDCTL(q) (0x0c028 + 0x40 * (q))
#define IGB_RXDCTL_ENABLE E1000_BIT(25)
#define IGB_RQDPC(q) (0x0c030 + 0x40 * (q)) /* packets dropped for want of descriptors (8.19.x) */

/* --- Transmit (8.12) --- */

#define IGB_TDBAL(q) (0x0e000 + 0x40 * (q))
#define IGB_TDBAH(q) (0x0e004 + 0x40 * (q))
#define IGB_TDLEN(q) (0x0e008 + 0x40 * (q))
#define IGB_TDH(q) (0x0e010 + 0x40 * (q))
#define IGB_TDT(q) (0x0e018 + 0x40 * (q))
/* Transmit Descriptor Control (8.12.14) */
#define IGB_TXDCTL(q) (0x0e028 + 0x40 * (q))
#define IGB_TXDCTL_ENABLE E1000_BIT(25)

/* Advanced transmit data descriptor command word (7.2.2.3) */
#define IGB_ADVTXD_DTYP_DATA (3u << 20)
#define IGB_ADVTXD_PAYLEN_SHIFT 14 /* olinfo_status 31:14: bytes in the whole packet */

#endif /* IGB_REGS_H */
