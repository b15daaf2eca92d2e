/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vmxnet3 device ABI, revision 1 (the one QEMU's hw/net/vmxnet3.c
 * emulates). VMware publishes no datasheet: the reference is Linux's
 * drivers/net/vmxnet3/vmxnet3_defs.h and upt1_defs.h, whose structure and
 * field names are kept here (struct Vmxnet3_DriverShared, ...). Bit fields
 * are written as masks and shifts on little-endian words (the device's
 * byte order), not as C bit fields, so the layout does not depend on the
 * compiler; each structure's size is asserted.
 */
#ifndef VMXNET3_DEFS_H
#define VMXNET3_DEFS_H

#include <assert.h>
#include <stdint.h>

/* ---- registers (vmxnet3_defs.h, "BAR 0" and "BAR 1"); all 32 bits, 8 apart ---- */

/* BAR 0: the pass-through registers, written on the fast path. */
#define VMXNET3_REG_IMR 0x0 /**< interrupt mask of vector i at 0x0 + 8 * i: 1 masks */
#define VMXNET3_REG_TXPROD 0x600 /**< tx queue q's producer index at 0x600 + 8 * q */
#define VMXNET3_REG_RXPROD 0x800 /**< rx queue q's ring 0 producer index */
#define VMXNET3_REG_RXPROD2 0xA00 /**< rx queue q's ring 1 producer index */
#define VMXNET3_REG_ALIGN 8
#define VMXNET3_PT_REG_SIZE 4096 /**< BAR 0 */
#define VMXNET3_VD_REG_SIZE 4096 /**< BAR 1 */

/* BAR 1: the virtual-device registers, for set-up and commands. */
#define VMXNET3_REG_VRRS \
	0x0 /**< revisions the device speaks (bit n: revision n + 1); write 1 picks 1 */
#define VMXNET3_REG_UVRS 0x8 /**< UPT versions, same encoding */
#define VMXNET3_REG_DSAL 0x10 /**< IOVA of struct Vmxnet3_DriverShared, low 32 bits (first) */
#define VMXNET3_REG_DSAH 0x18 /**< its high 32 bits (second) */
#define VMXNET3_REG_CMD 0x20 /**< write a command; read its result */
#define VMXNET3_REG_MACL 0x28 /**< MAC address bytes 0-3 */
#define VMXNET3_REG_MACH 0x30 /**< MAC address bytes 4-5 (write MACL first) */
#define VMXNET3_REG_ICR 0x38 /**< interrupt cause, INTx only */
#define VMXNET3_REG_ECR 0x40 /**< write: acknowledges the event bits written */

/* Commands (VMXNET3_CMD_*): SET commands from 0xCAFE0000, GET commands from 0xF00D0000. */
#define VMXNET3_CMD_ACTIVATE_DEV 0xCAFE0000u /**< result 0: active */
#define VMXNET3_CMD_QUIESCE_DEV 0xCAFE0001u
#define VMXNET3_CMD_RESET_DEV 0xCAFE0002u
#define VMXNET3_CMD_UPDATE_RX_MODE 0xCAFE0003u
#define VMXNET3_CMD_UPDATE_MAC_FILTERS 0xCAFE0004u
#define VMXNET3_CMD_UPDATE_VLAN_FILTERS 0xCAFE0005u
#define VMXNET3_CMD_GET_QUEUE_STATUS 0xF00D0000u
#define VMXNET3_CMD_GET_STATS 0xF00D0001u
#define VMXNET3_CMD_GET_LINK 0xF00D0002u /**< result: speed in Mbps << 16 | 1 when up */

/* Revisions and magic. */
#define VMXNET3_REV_1 0x1 /**< VRRS/UVRS bit and value of revision 1 */
#define VMXNET3_REV1_MAGIC 3133079265u /**< Vmxnet3_DriverShared.magic */
#define VMXNET3_GOS_BITS_64 2
#define VMXNET3_GOS_TYPE_LINUX 1 /**< QEMU chains rx buffers for every type but Windows */

/* ---- descriptors (union Vmxnet3_GenericDesc: 16 bytes each) ---- */

#define VMXNET3_INIT_GEN 1 /**< generation of a ring's first lap */
#define VMXNET3_RING_BA_ALIGN 512 /**< ring base alignment */
#define VMXNET3_RING_SIZE_ALIGN 32 /**< ring sizes are multiples of 32 */
#define VMXNET3_TX_RING_MAX_SIZE 4096
#define VMXNET3_RX_RING_MAX_SIZE 4096
#define VMXNET3_RC_RING_MAX_SIZE 8192
#define VMXNET3_QUEUE_DESC_ALIGN 128
#define VMXNET3_MAX_TX_BUF_SIZE (1u << 14) /**< bytes per tx descriptor (len 0 means this) */
#define VMXNET3_MAX_RX_BUF_SIZE ((1u << 14) - 1)
#define VMXNET3_MAX_TXD_PER_PKT 16 /**< descriptors of a packet without TSO */
#define VMXNET3_MAX_MTU 9000
#define VMXNET3_MIN_MTU 60

/** A transmit descriptor (struct Vmxnet3_TxDesc). */
struct Vmxnet3_TxDesc {
	uint64_t addr;
	uint32_t dword2; /**< len:14 gen:1 oco:1 dtype:1 ext1:1 msscof:14 */
	uint32_t dword3; /**< hlen:10 om:2 eop:1 cq:1 ext2:1 ti:1 tci:16 */
};
#define VMXNET3_TXD_LEN_MASK 0x3fffu
#define VMXNET3_TXD_GEN_SHIFT 14 /**< in dword2 */
#define VMXNET3_TXD_EOP (1u << 12) /**< in dword3: end of packet */
#define VMXNET3_TXD_CQ (1u << 13) /**< in dword3: completion requested */

/** A transmit completion (struct Vmxnet3_TxCompDesc). */
struct Vmxnet3_TxCompDesc {
	uint32_t dword0; /**< txdIdx:12 (the packet's EOP descriptor) ext1:20 */
	uint32_t ext2;
	uint32_t ext3;
	uint32_t dword3; /**< rsvd:24 type:7 gen:1 */
};
#define VMXNET3_TCD_TXIDX_MASK 0xfffu
#define VMXNET3_TCD_GEN_SHIFT 31 /**< in dword3 */

/** A receive descriptor (struct Vmxnet3_RxDesc). */
struct Vmxnet3_RxDesc {
	uint64_t addr;
	uint32_t dword2; /**< len:14 btype:1 dtype:1 rsvd:15 gen:1 */
	uint32_t ext1;
};
#define VMXNET3_RXD_LEN_MASK 0x3fffu
#define VMXNET3_RXD_BTYPE_SHIFT 14
#define VMXNET3_RXD_BTYPE_HEAD 0 /**< a frame's first buffer (ring 0) */
#define VMXNET3_RXD_BTYPE_BODY 1 /**< a following buffer (ring 1) */
#define VMXNET3_RXD_GEN_SHIFT 31

/** A receive completion (struct Vmxnet3_RxCompDesc). */
struct Vmxnet3_RxCompDesc {
	uint32_t dword0; /**< rxdIdx:12 ext1:2 eop:1 sop:1 rqID:10 rssType:4 cnc:1 ext2:1 */
	uint32_t rssHash;
	uint32_t dword2; /**< len:14 err:1 ts:1 tci:16 */
	uint32_t dword3; /**< csum:16 tuc udp tcp ipc v6 v4 frg fcs type:7 gen:1 */
};
#define VMXNET3_RCD_RXIDX_MASK 0xfffu
#define VMXNET3_RCD_EOP (1u << 14)
#define VMXNET3_RCD_SOP (1u << 15)
#define VMXNET3_RCD_RQID_SHIFT 16 /**< queue q's ring 0: q; its ring 1: q + numRxQueues */
#define VMXNET3_RCD_RQID_MASK 0x3ffu
#define VMXNET3_RCD_LEN_MASK 0x3fffu
#define VMXNET3_RCD_ERR (1u << 14) /**< in dword2: the frame did not fit (or was bad) */
#define VMXNET3_RCD_TS (1u << 15) /**< in dword2: VLAN tag stripped, in tci */
#define VMXNET3_RCD_TCI_SHIFT 16
#define VMXNET3_RCD_GEN_SHIFT 31 /**< in dword3 */

static_assert(sizeof(struct Vmxnet3_TxDesc) == 16, "Vmxnet3_TxDesc");
static_assert(sizeof(struct Vmxnet3_TxCompDesc) == 16, "Vmxnet3_TxCompDesc");
static_assert(sizeof(struct Vmxnet3_RxDesc) == 16, "Vmxnet3_RxDesc");
static_assert(sizeof(struct Vmxnet3_RxCompDesc) == 16, "Vmxnet3_RxCompDesc");

/* ---- statistics (upt1_defs.h), written by the device on GET_STATS ---- */

/** struct UPT1_TxStats */
struct UPT1_TxStats {
	uint64_t TSOPktsTxOK;
	uint64_t TSOBytesTxOK;
	uint64_t ucastPktsTxOK;
	uint64_t ucastBytesTxOK;
	uint64_t mcastPktsTxOK;
	uint64_t mcastBytesTxOK;
	uint64_t bcastPktsTxOK;
	uint64_t bcastBytesTxOK;
	uint64_t pktsTxError;
	uint64_t pktsTxDiscard;
};

/** struct UPT1_RxStats */
struct UPT1_RxStats {
	uint64_t LROPktsRxOK;
	uint64_t LROBytesRxOK;
	uint64_t ucastPktsRxOK;
	uint64_t ucastBytesRxOK;
	uint64_t mcastPktsRxOK;
	uint64_t mcastBytesRxOK;
	uint64_t bcastPktsRxOK;
	uint64_t bcastBytesRxOK;
	uint64_t pktsRxOutOfBuf;
	uint64_t pktsRxError;
};

/* ---- the queue descriptors (struct Vmxnet3_TxQueueDesc, Vmxnet3_RxQueueDesc) ---- */

struct Vmxnet3_TxQueueCtrl {
	uint32_t txNumDeferred; /**< driver: packets queued since the last TXPROD write */
	uint32_t txThreshold; /**< device: write TXPROD once txNumDeferred reaches this */
	uint64_t reserved;
};

struct Vmxnet3_TxQueueConf {
	uint64_t txRingBasePA;
	uint64_t dataRingBasePA;
	uint64_t compRingBasePA;
	uint64_t ddPA;
	uint64_t reserved;
	uint32_t txRingSize;
	uint32_t dataRingSize;
	uint32_t compRingSize;
	uint32_t ddLen;
	uint8_t intrIdx;
	uint8_t _pad1[1];
	uint16_t txDataRingDescSize;
	uint8_t _pad2[4];
};

struct Vmxnet3_QueueStatus {
	uint8_t stopped; /**< the device stopped the queue (after GET_QUEUE_STATUS) */
	uint8_t _pad[3];
	uint32_t error; /**< why (VMXNET3_ERR_*) */
};

struct Vmxnet3_TxQueueDesc {
	struct Vmxnet3_TxQueueCtrl ctrl;
	struct Vmxnet3_TxQueueConf conf;
	struct Vmxnet3_QueueStatus status;
	struct UPT1_TxStats stats;
	uint8_t _pad[88];
};

struct Vmxnet3_RxQueueCtrl {
	uint8_t updateRxProd; /**< device: write RXPROD/RXPROD2 after refilling */
	uint8_t _pad[7];
	uint64_t reserved;
};

struct Vmxnet3_RxQueueConf {
	uint64_t rxRingBasePA[2];
	uint64_t compRingBasePA;
	uint64_t ddPA;
	uint64_t rxDataRingBasePA;
	uint32_t rxRingSize[2];
	uint32_t compRingSize;
	uint32_t ddLen;
	uint8_t intrIdx;
	uint8_t _pad1[1];
	uint16_t rxDataRingDescSize;
	uint8_t _pad2[4];
};

struct Vmxnet3_RxQueueDesc {
	struct Vmxnet3_RxQueueCtrl ctrl;
	struct Vmxnet3_RxQueueConf conf;
	struct Vmxnet3_QueueStatus status;
	struct UPT1_RxStats stats;
	uint8_t _pad[88];
};

static_assert(sizeof(struct Vmxnet3_TxQueueDesc) == 256, "Vmxnet3_TxQueueDesc");
static_assert(sizeof(struct Vmxnet3_RxQueueDesc) == 256, "Vmxnet3_RxQueueDesc");

/* ---- the driver-shared area (struct Vmxnet3_DriverShared) ---- */

struct Vmxnet3_DriverInfo {
	uint32_t version;
	uint32_t gos; /**< struct Vmxnet3_GOSInfo: gosBits:2 gosType:4 gosVer:16 gosMisc:10 */
	uint32_t vmxnet3RevSpt;
	uint32_t uptVerSpt;
};

struct Vmxnet3_MiscConf {
	struct Vmxnet3_DriverInfo driverInfo;
	uint64_t uptFeatures; /**< UPT1_F_*: none asked (no offloads) */
	uint64_t ddPA;
	uint64_t queueDescPA; /**< tx queue descriptors, then rx ones; 128-byte aligned */
	uint32_t ddLen;
	uint32_t queueDescLen;
	uint32_t mtu; /**< VMXNET3_MIN_MTU..VMXNET3_MAX_MTU (QEMU aborts outside it) */
	uint16_t maxNumRxSG; /**< buffers a received frame may span */
	uint8_t numTxQueues;
	uint8_t numRxQueues;
	uint32_t reserved[4];
};

#define VMXNET3_MAX_TX_QUEUES 8
#define VMXNET3_MAX_RX_QUEUES 16
#define VMXNET3_MAX_INTRS 25 /**< MSI-X vectors */
#define VMXNET3_IMM_AUTO 0
#define VMXNET3_IC_DISABLE_ALL 0x1

struct Vmxnet3_IntrConf {
	uint8_t autoMask; /**< the device masks a vector (IMR) once it fired */
	uint8_t numIntrs;
	uint8_t eventIntrIdx; /**< the vector of events (ECR: link, queue errors) */
	uint8_t modLevels[VMXNET3_MAX_INTRS];
	uint32_t intrCtrl;
	uint32_t reserved[2];
};

#define VMXNET3_VFT_SIZE (4096 / 32) /**< words of the VLAN filter, one bit per VLAN id */

/* Vmxnet3_RxFilterConf.rxMode */
#define VMXNET3_RXM_UCAST 0x01
#define VMXNET3_RXM_MCAST 0x02 /**< multicast in the mfTable */
#define VMXNET3_RXM_BCAST 0x04
#define VMXNET3_RXM_ALL_MULTI 0x08
#define VMXNET3_RXM_PROMISC 0x10

struct Vmxnet3_RxFilterConf {
	uint32_t rxMode;
	uint16_t mfTableLen; /**< bytes of the multicast table: 6 per address */
	uint16_t _pad1;
	uint64_t mfTablePA;
	uint32_t vfTable[VMXNET3_VFT_SIZE];
};

struct Vmxnet3_VariableLenConfDesc {
	uint32_t confVer;
	uint32_t confLen;
	uint64_t confPA;
};

struct Vmxnet3_DSDevRead {
	struct Vmxnet3_MiscConf misc;
	struct Vmxnet3_IntrConf intrConf;
	struct Vmxnet3_RxFilterConf rxFilterConf;
	struct Vmxnet3_VariableLenConfDesc rssConfDesc;
	struct Vmxnet3_VariableLenConfDesc pmConfDesc;
	struct Vmxnet3_VariableLenConfDesc pluginConfDesc;
};

struct Vmxnet3_DriverShared {
	uint32_t magic;
	uint32_t pad;
	struct Vmxnet3_DSDevRead devRead;
	uint32_t ecr; /**< device: pending events (VMXNET3_ECR_*), cleared through REG_ECR */
	uint32_t reserved;
	uint32_t cu[4]; /**< union Vmxnet3_CmdInfo */
};

#define VMXNET3_ECR_RQERR (1u << 0)
#define VMXNET3_ECR_TQERR (1u << 1)
#define VMXNET3_ECR_LINK (1u << 2)

static_assert(sizeof(struct Vmxnet3_MiscConf) == 72, "Vmxnet3_MiscConf");
static_assert(sizeof(struct Vmxnet3_IntrConf) == 40, "Vmxnet3_IntrConf");
static_assert(sizeof(struct Vmxnet3_RxFilterConf) == 528, "Vmxnet3_RxFilterConf");
static_assert(sizeof(struct Vmxnet3_DriverShared) == 720, "Vmxnet3_DriverShared");

#endif /* VMXNET3_DEFS_H */
