/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Registers and fields the 82574 and the 82576 share: both keep the 8254x
 * register map for device control, interrupts, the receive and transmit
 * units, address filters, RSS and the statistics counters. Offsets are into
 * BAR 0 (memory-mapped CSRs), every register 32 bits wide.
 *
 * Each definition names its section in the Intel 82574 GbE Controller Family
 * Datasheet ("82574 10.2.x") and the Intel 82576 GbE Controller Datasheet
 * ("82576 8.x"). Queue registers, interrupt vectors (IVAR, EIxx) and
 * descriptor formats differ between the two: they live in
 * pmd/e1000e/e1000e_regs.h and pmd/igb/igb_regs.h.
 */
#ifndef E1000_REGS_H
#define E1000_REGS_H

#include <stdint.h>

#define E1000_BIT(n) (1u << (n))

/* --- General (82574 10.2.2, 82576 8.2) --- */

/* Device Control: 82574 10.2.2.1, 82576 8.2.1 */
#define E1000_CTRL 0x00000
#define E1000_CTRL_FD E1000_BIT(0) /* full duplex */
#define E1000_CTRL_GIO_MASTER_DISABLE E1000_BIT(2) /* stop issuing DMA */
#define E1000_CTRL_ASDE E1000_BIT(5) /* auto-speed detection enable */
#define E1000_CTRL_SLU E1000_BIT(6) /* set link up */
#define E1000_CTRL_FRCSPD E1000_BIT(11)
#define E1000_CTRL_FRCDPX E1000_BIT(12)
#define E1000_CTRL_RST E1000_BIT(26) /* device reset, self-clearing */
#define E1000_CTRL_RFCE E1000_BIT(27)
#define E1000_CTRL_TFCE E1000_BIT(28)
#define E1000_CTRL_VME E1000_BIT(30) /* VLAN mode enable */
#define E1000_CTRL_PHY_RST E1000_BIT(31)

/* Device Status: 82574 10.2.2.2, 82576 8.2.2 */
#define E1000_STATUS 0x00008
#define E1000_STATUS_FD E1000_BIT(0)
#define E1000_STATUS_LU E1000_BIT(1) /* link up */
#define E1000_STATUS_SPEED_SHIFT 6
#define E1000_STATUS_SPEED_MASK (3u << E1000_STATUS_SPEED_SHIFT)
#define E1000_STATUS_SPEED_10 0u
#define E1000_STATUS_SPEED_100 1u
#define E1000_STATUS_SPEED_1000 2u
#define E1000_STATUS_GIO_MASTER_ENABLE E1000_BIT(19) /* DMA still pending */

/* EEPROM/Flash Control: 82574 10.2.2.3, 82576 8.4.1 */
#define E1000_EECD 0x00010
#define E1000_EECD_AUTO_RD E1000_BIT(9) /* NVM auto-read after reset done */

/* EEPROM Read: 82574 10.2.2.4, 82576 8.4.2 */
#define E1000_EERD 0x00014
#define E1000_EERD_START E1000_BIT(0)
#define E1000_EERD_DONE E1000_BIT(1)
#define E1000_EERD_ADDR_SHIFT 2
#define E1000_EERD_DATA_SHIFT 16

/* Extended Device Control: 82574 10.2.2.5, 82576 8.2.3 */
#define E1000_CTRL_EXT 0x00018
#define E1000_CTRL_EXT_DRV_LOAD E1000_BIT(28) /* driver loaded: firmware keeps off */

/* MDI Control (PHY registers): 82574 10.2.2.7, 82576 8.2.4 */
#define E1000_MDIC 0x00020
#define E1000_MDIC_DATA_MASK 0xffffu
#define E1000_MDIC_REG_SHIFT 16
#define E1000_MDIC_PHY_SHIFT 21
#define E1000_MDIC_OP_WRITE E1000_BIT(26)
#define E1000_MDIC_OP_READ E1000_BIT(27)
#define E1000_MDIC_READY E1000_BIT(28)
#define E1000_MDIC_ERROR E1000_BIT(30)
#define E1000_MDIC_PHY_ADDR 1 /* the internal PHY answers at address 1 */

/* PHY registers (IEEE 802.3 clause 22) read through MDIC */
#define E1000_PHY_BMCR 0x00 /* basic mode control */
#define E1000_PHY_BMCR_ANRESTART E1000_BIT(9) /* restart auto-negotiation (self-clearing) */
#define E1000_PHY_BMCR_ANENABLE E1000_BIT(12)
#define E1000_PHY_BMSR 0x01 /* basic mode status */
#define E1000_PHY_BMSR_LINK E1000_BIT(2)

/* VLAN Ether Type: 82574 10.2.2.9, 82576 8.2.7 */
#define E1000_VET 0x00038

/* --- Interrupts (82574 10.2.4, 82576 8.8) --- */

#define E1000_ICR 0x000c0 /* Interrupt Cause Read: 82574 10.2.4.1, 82576 8.8.3 */
#define E1000_ICS 0x000c8 /* Interrupt Cause Set: 82574 10.2.4.3, 82576 8.8.5 */
#define E1000_IMS 0x000d0 /* Interrupt Mask Set/Read: 82574 10.2.4.4, 82576 8.8.9 */
#define E1000_IMC 0x000d8 /* Interrupt Mask Clear: 82574 10.2.4.5, 82576 8.8.10 */
#define E1000_ICR_TXDW E1000_BIT(0) /* transmit descriptor written back */
#define E1000_ICR_LSC E1000_BIT(2) /* link status change */
#define E1000_ICR_RXDMT0 E1000_BIT(4) /* receive descriptors below minimum */
#define E1000_ICR_RXO E1000_BIT(6) /* receiver overrun */
#define E1000_ICR_RXT0 E1000_BIT(7) /* receiver timer (a packet arrived) */

/* --- Receive (82574 10.2.5, 82576 8.10) --- */

/* Receive Control: 82574 10.2.5.1, 82576 8.10.1 */
#define E1000_RCTL 0x00100
#define E1000_RCTL_EN E1000_BIT(1)
#define E1000_RCTL_SBP E1000_BIT(2) /* store bad packets */
#define E1000_RCTL_UPE E1000_BIT(3) /* unicast promiscuous */
#define E1000_RCTL_MPE E1000_BIT(4) /* multicast promiscuous */
#define E1000_RCTL_LPE E1000_BIT(5) /* long packets (over 1522 bytes) */
#define E1000_RCTL_RDMTS_HALF (0u << 8) /* ICR.RXDMT0 when half the ring is free */
#define E1000_RCTL_MO_0 (0u << 12) /* multicast table: address bits 47:36 */
#define E1000_RCTL_BAM E1000_BIT(15) /* accept broadcast */
#define E1000_RCTL_BSIZE_2048 (0u << 16) /* with BSEX = 0 */
#define E1000_RCTL_BSIZE_1024 (1u << 16)
#define E1000_RCTL_BSIZE_512 (2u << 16)
#define E1000_RCTL_BSIZE_256 (3u << 16)
#define E1000_RCTL_BSIZE_MASK (3u << 16)
#define E1000_RCTL_VFE E1000_BIT(18) /* VLAN filter enable */
#define E1000_RCTL_DPF E1000_BIT(22) /* discard pause frames */
#define E1000_RCTL_PMCF E1000_BIT(23)
#define E1000_RCTL_SECRC E1000_BIT(26) /* strip Ethernet CRC */

/*
 * Each queue's registers, from its descriptor base low register (RDBALn,
 * TDBALn): 82574 10.2.5.3-7 and 10.2.6.3-7, 82576 8.10.6-12 and 8.12.x.
 * Where the blocks sit and how far apart: e1000e_regs.h, igb_regs.h.
 */
#define E1000_QREG_BAL 0x00 /* descriptor base, low 32 bits (128-byte aligned) */
#define E1000_QREG_BAH 0x04 /* descriptor base, high 32 bits */
#define E1000_QREG_LEN 0x08 /* ring length in bytes (a multiple of 128) */
#define E1000_QREG_H 0x10 /* head: next descriptor the device processes */
#define E1000_QREG_T 0x18 /* tail: one past the last descriptor software gave it */

/* Receive Checksum Control: 82574 10.2.5.15, 82576 8.10.14 */
#define E1000_RXCSUM 0x05000
#define E1000_RXCSUM_IPOFL E1000_BIT(8)
#define E1000_RXCSUM_TUOFL E1000_BIT(9)
/*
 * Packet Checksum Disable: the descriptor's checksum field carries the RSS
 * hash instead. Both controllers (and QEMU's models) compute RSS only when
 * this bit is set.
 */
#define E1000_RXCSUM_PCSD E1000_BIT(13)

/* Receive Filter Control: 82574 10.2.5.17, 82576 8.10.15 */
#define E1000_RFCTL 0x05008

/* Multicast Table Array, 128 x 32 bits: 82574 10.2.5.9, 82576 8.11.5 */
#define E1000_MTA(i) (0x05200 + 4 * (i))
#define E1000_MTA_SIZE 128

/* Receive Address Low/High: 82574 10.2.5.10-11, 82576 8.11.6-7 */
#define E1000_RAL(i) (0x05400 + 8 * (i))
#define E1000_RAH(i) (0x05404 + 8 * (i))
#define E1000_RAH_AV E1000_BIT(31) /* address valid */

/* Multiple Receive Queues Command: 82574 10.2.5.22, 82576 8.10.16 */
#define E1000_MRQC 0x05818
/* Redirection Table, 128 one-byte entries in 32 registers: 82574 10.2.5.23, 82576 8.10.17 */
#define E1000_RETA(i) (0x05c00 + 4 * (i))
#define E1000_RETA_ENTRIES 128
/* RSS Random Key, 40 bytes in 10 registers: 82574 10.2.5.24, 82576 8.10.18 */
#define E1000_RSSRK(i) (0x05c80 + 4 * (i))
#define E1000_RSS_KEY_LEN 40

/* --- Transmit (82574 10.2.6, 82576 8.12) --- */

/* Transmit Control: 82574 10.2.6.1, 82576 8.12.1 */
#define E1000_TCTL 0x00400
#define E1000_TCTL_EN E1000_BIT(1)
#define E1000_TCTL_PSP E1000_BIT(3) /* pad short packets */
#define E1000_TCTL_CT(n) ((uint32_t)(n) << 4) /* collision threshold, bits 11:4 */
#define E1000_TCTL_CT_IEEE E1000_TCTL_CT(0x0f) /* 15 retries, as 802.3 asks */
#define E1000_TCTL_COLD(n) ((uint32_t)(n) << 12) /* collision distance (byte times), 21:12 */
#define E1000_TCTL_COLD_FULL_DUPLEX E1000_TCTL_COLD(0x3f) /* 64 byte times */
#define E1000_TCTL_RTLC E1000_BIT(24) /* retransmit on late collision */

/* Transmit IPG: 82574 10.2.6.2, 82576 8.12.2 */
#define E1000_TIPG 0x00410
#define E1000_TIPG_DEFAULT (8u | (8u << 10) | (6u << 20)) /* IPGT 8, IPGR1 8, IPGR2 6 (copper) */

/* --- Statistics (82574 10.2.7, 82576 8.19): clear on read --- */

#define E1000_CRCERRS 0x04000 /* CRC errors */
#define E1000_ALGNERRC 0x04004 /* alignment errors */
#define E1000_SYMERRS 0x04008 /* symbol errors */
#define E1000_RXERRC 0x0400c /* receive errors */
#define E1000_MPC 0x04010 /* missed packets (no room in the receive FIFO) */
#define E1000_SCC 0x04014 /* single collisions */
#define E1000_ECOL 0x04018 /* excessive collisions */
#define E1000_MCC 0x0401c /* multiple collisions */
#define E1000_LATECOL 0x04020 /* late collisions */
#define E1000_COLC 0x04028 /* collisions */
#define E1000_DC 0x04030 /* defers */
#define E1000_TNCRS 0x04034 /* transmit with no CRS */
#define E1000_CEXTERR 0x0403c /* carrier extension errors */
#define E1000_RLEC 0x04040 /* receive length errors */
#define E1000_XONRXC 0x04048
#define E1000_XONTXC 0x0404c
#define E1000_XOFFRXC 0x04050
#define E1000_XOFFTXC 0x04054
#define E1000_FCRUC 0x04058 /* unsupported flow control frames */
#define E1000_PRC64 0x0405c /* packets received, 64 bytes (then 65-127 ... 1024-1522) */
#define E1000_PRC127 0x04060
#define E1000_PRC255 0x04064
#define E1000_PRC511 0x04068
#define E1000_PRC1023 0x0406c
#define E1000_PRC1522 0x04070
#define E1000_GPRC 0x04074 /* good packets received */
#define E1000_BPRC 0x04078 /* broadcast packets received */
#define E1000_MPRC 0x0407c /* multicast packets received */
#define E1000_GPTC 0x04080 /* good packets transmitted */
#define E1000_GORCL 0x04088 /* good octets received (64 bits: read L, then H) */
#define E1000_GORCH 0x0408c
#define E1000_GOTCL 0x04090 /* good octets transmitted */
#define E1000_GOTCH 0x04094
#define E1000_RNBC 0x040a0 /* receive: no buffers (descriptors) */
#define E1000_RUC 0x040a4 /* receive undersize */
#define E1000_RFC 0x040a8 /* receive fragments */
#define E1000_ROC 0x040ac /* receive oversize */
#define E1000_RJC 0x040b0 /* receive jabber */
#define E1000_TORL 0x040c0 /* total octets received */
#define E1000_TORH 0x040c4
#define E1000_TOTL 0x040c8 /* total octets transmitted */
#define E1000_TOTH 0x040cc
#define E1000_TPR 0x040d0 /* total packets received */
#define E1000_TPT 0x040d4 /* total packets transmitted */
#define E1000_PTC64 0x040d8 /* packets transmitted, 64 bytes (then ... 1024-1522) */
#define E1000_PTC127 0x040dc
#define E1000_PTC255 0x040e0
#define E1000_PTC511 0x040e4
#define E1000_PTC1023 0x040e8
#define E1000_PTC1522 0x040ec
#define E1000_MPTC 0x040f0 /* multicast packets transmitted */
#define E1000_BPTC 0x040f4 /* broadcast packets transmitted */

#endif /* E1000_REGS_H */
