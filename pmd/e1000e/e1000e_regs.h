/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registers of the 82574 (PCI 8086:10d3) beyond the 8254x map both
 * controllers share (pmd/intel_common/e1000_regs.h): its two queue pairs,
 * MSI-X vector allocation, and the receive descriptor choice.
 * Sections are the Intel 82574 GbE Controller Family Datasheet's.
 */
#ifndef E1000E_REGS_H
#define E1000E_REGS_H

#include "e1000_regs.h"

#define E1000E_NB_QUEUES 2 /* 82574 1.3: two receive and two transmit queues */
#define E1000E_NB_MSIX_VECTORS 5 /* 82574 7.4.2: five MSI-X vectors */
#define E1000E_NB_RAR 16 /* receive address registers RAL/RAH[0..15] */

/* Extended Device Control bits (10.2.2.5) */
#define E1000E_CTRL_EXT_EIAME E1000_BIT(24) /* MSI-X: auto-clear also clears IAM */
#define E1000E_CTRL_EXT_IAME E1000_BIT(27) /* interrupt acknowledge auto-mask */
#define E1000E_CTRL_EXT_PBA_CLR E1000_BIT(31) /* clear MSI-X pending bits on IMS write */

/*
 * ICR/IMS causes that exist in MSI-X mode (10.2.4.1): one per queue and one,
 * OTHER, that stands for every remaining cause (link status change,
 * overrun, ...). QEMU's 82574L raises no MSI-X message for LSC unless
 * OTHER is set in IMS.
 */
#define E1000E_ICR_RXQ(q) E1000_BIT(20 + (q))
#define E1000E_ICR_TXQ(q) E1000_BIT(22 + (q))
#define E1000E_ICR_OTHER E1000_BIT(24)

/* Interrupt Throttling Rate (10.2.4.2), in 256 ns units */
#define E1000E_ITR 0x000c4
/* Extended Interrupt Auto Clear (10.2.4.7): ICR causes (bits 24:20) cleared once their MSI-X message is sent */
#define E1000E_EIAC 0x000dc
/* Interrupt Acknowledge Auto-Mask (10.2.4.6) */
#define E1000E_IAM 0x000e0

/*
 * Interrupt Vector Allocation (10.2.4.9): five 4-bit entries, each a vector
 * number (2:0) and a valid bit (3), for RxQ0, RxQ1, TxQ0, TxQ1 and OTHER.
 * An entry without its valid bit sends no message at all (so IVAR =
 * 0x00088888 routes every cause to vector 0).
 */
#define E1000E_IVAR 0x000e4
#define E1000E_IVAR_VALID 0x8u
#define E1000E_IVAR_RXQ_SHIFT(q) (4 * (q))
#define E1000E_IVAR_TXQ_SHIFT(q) (8 + 4 * (q))
#define E1000E_IVAR_OTHER_SHIFT 16
#define E1000E_IVAR_TX_INT_EVERY_WB E1000_BIT(31)

/*
 * Extended Interrupt Throttling Rate, one per MSI-X vector (10.2.4.10), in
 * 256 ns units. QEMU's model never goes below 500 (128 us), whatever is
 * written: a sleeping queue wakes at most 7800 times a second.
 */
#define E1000E_EITR(v) (0x000e8 + 4 * (v))

/* Receive Filter Control (10.2.5.17): EXTEN selects extended descriptors (7.1.4) */
#define E1000_RFCTL_EXTEN E1000_BIT(15)

/* Multiple Receive Queues Command (10.2.5.22) */
#define E1000E_MRQC_ENABLE_RSS 0x1u /* MRQE 1:0 = 01b: RSS over the two queues */
#define E1000E_MRQC_RSS_TCP_IPV4 E1000_BIT(16)
#define E1000E_MRQC_RSS_IPV4 E1000_BIT(17)
#define E1000E_MRQC_RSS_TCP_IPV6 E1000_BIT(18)
#define E1000E_MRQC_RSS_IPV6_EX E1000_BIT(19)
#define E1000E_MRQC_RSS_IPV6 E1000_BIT(20)
/* Redirection table entry (10.2.5.23): bit 7 picks the queue */
#define E1000E_RETA_QUEUE_SHIFT 7

/* Receive queue q, 0 or 1 (10.2.5.3 - 10.2.5.8) */
#define E1000E_RDBAL(q) (0x02800 + 0x100 * (q)) /* base address low */
#define E1000E_RDBAH(q) (0x02804 + 0x100 * (q)) /* base address high */
#define E1000E_RDLEN(q) (0x02808 + 0x100 * (q)) /* ring length in bytes */
#define E1000E_RDH(q) (0x02810 + 0x100 * (q)) /* head: next descriptor the device fills */
#define E1000E_RDT(q) (0x02818 + 0x100 * (q)) /* tail: one past the last one it may fill */
#define E1000E_RXDCTL(q) (0x02828 + 0x100 * (q)) /* descriptor fetch thresholds */
#define E1000E_RXDCTL_GRAN E1000_BIT(24) /* thresholds in descriptors, not cache lines */

/* Transmit queue q, 0 or 1 (10.2.6.x) */
#define E1000E_TDBAL(q) (0x03800 + 0x100 * (q))
#define E1000E_TDBAH(q) (0x03804 + 0x100 * (q))
#define E1000E_TDLEN(q) (0x03808 + 0x100 * (q))
#define E1000E_TDH(q) (0x03810 + 0x100 * (q))
#define E1000E_TDT(q) (0x03818 + 0x100 * (q))
#define E1000E_TXDCTL(q) (0x03828 + 0x100 * (q))
#define E1000E_TXDCTL_COUNT_DESC E1000_BIT(22) /* the datasheet asks for 1b */
#define E1000E_TXDCTL_GRAN E1000_BIT(24)
/*
 * Transmit Arbitration Count (10.2.6.13): bit 10 enables the queue. Reset
 * sets it; QEMU's model sends nothing from a queue whose TARC lacks it.
 */
#define E1000E_TARC(q) (0x03840 + 0x100 * (q))
#define E1000E_TARC_ENABLE E1000_BIT(10)

/* Statistics only the 82574 has (10.2.7) */
#define E1000E_ICRXOC 0x04124 /* interrupts for receiver overrun */

#endif /* E1000E_REGS_H */
