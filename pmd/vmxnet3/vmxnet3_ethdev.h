/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The vmxnet3 port (net_vmxnet3, PCI 15ad:07b0) as its files share it: the
 * port's private data, the command register, and the statistics
 * (vmxnet3_stats.c) the ethdev ops (vmxnet3_ethdev.c) hand out.
 *
 * The device (vmxnet3_defs.h): BAR 0 holds the fast-path registers
 * (IMR, TXPROD, RXPROD, RXPROD2), BAR 1 the set-up ones (VRRS, UVRS, DSAL,
 * DSAH, CMD, MACL, MACH, ECR), BAR 2 the MSI-X table. Everything else is in
 * prt memory the device reads and writes by DMA: the driver-shared area
 * (struct Vmxnet3_DriverShared), the queue descriptors it points to
 * (struct Vmxnet3_TxQueueDesc, Vmxnet3_RxQueueDesc), the multicast table,
 * and each queue's rings.
 *
 * Interrupts (MSI-X): vector 0 carries events (Vmxnet3_DriverShared.ecr:
 * link, queue errors); with intr_conf.rxq, vector 1 + q carries rx queue q.
 * Tx queues, and rx queues without an interrupt, name one more vector that
 * stays masked. The device masks a vector once it fired (autoMask): the
 * driver unmasks it through IMR when it wants the next one.
 *
 * Threads: ops run on the control thread; the event handler on prt's
 * interrupt thread; the rx-interrupt arm/disarm ops on the queue's lcore
 * (one IMR write each). The command register is a write and a read that
 * belong together: cmd_lock keeps the control and interrupt threads apart.
 */
#ifndef VMXNET3_ETHDEV_H
#define VMXNET3_ETHDEV_H

#include <pthread.h>
#include <stdbool.h>
#include <stdint.h>

#include "ethdev_driver.h"
#include "prt_log.h"
#include "prt_memzone.h"
#include "prt_pci.h"

#include "vmxnet3_defs.h"

/** Registered in vmxnet3_ethdev.c ("pmd.net.vmxnet3"). */
extern int vmxnet3_logtype;
#define VMXNET3_LOG(level, ...) PRT_LOG(level, vmxnet3_logtype, __VA_ARGS__)

/** Queues prt offers: QEMU's model has 8 of each (VMXNET3_DEVICE_MAX_*_QUEUES). */
#define VMXNET3_NB_QUEUES_MAX 8
/** Multicast addresses the table holds. */
#define VMXNET3_MC_ADDRS_MAX 32

/** The device's counters, summed over the queues (struct UPT1_TxStats, UPT1_RxStats). */
struct vmxnet3_hw_stats {
	struct UPT1_TxStats tx;
	struct UPT1_RxStats rx;
};

/** Bytes of a queue descriptor (struct Vmxnet3_TxQueueDesc, Vmxnet3_RxQueueDesc). */
#define VMXNET3_QDESC_SIZE 256

/** The prt memory the device reads (one memzone, 128-byte aligned parts). */
struct vmxnet3_shared {
	struct Vmxnet3_DriverShared ds;
	uint8_t _pad1[1024 - sizeof(struct Vmxnet3_DriverShared)];
	/** Queue descriptors: the tx queues' first, the rx queues' right after (queueDescPA). */
	uint8_t qdesc[2 * VMXNET3_NB_QUEUES_MAX][VMXNET3_QDESC_SIZE];
	uint8_t mf_table[VMXNET3_MC_ADDRS_MAX * 6]; /**< Vmxnet3_RxFilterConf.mfTablePA */
};

/** A port's private data (dev_private). */
struct vmxnet3_adapter {
	struct prt_eth_dev *dev;
	struct prt_pci_device *pdev;
	uint8_t *bar0; /**< pass-through registers */
	uint8_t *bar1; /**< virtual-device registers */
	pthread_mutex_t cmd_lock; /**< a command's write and read together */
	const struct prt_memzone *shared_mz;
	volatile struct vmxnet3_shared *shared;
	uint16_t nb_rxq_vec; /**< rx queues with a vector (0 without intr_conf.rxq) */
	uint32_t rx_buf_len; /**< bytes per receive buffer, all queues */
	bool active; /**< ACTIVATE_DEV succeeded; QUIESCE/RESET not yet */
	bool intr_on; /**< MSI-X enabled and the event handler registered */
	bool broken; /**< the device misbehaved or left: stopped for good */
	bool unplugged; /**< the kernel took the device back */
	uint64_t lsc_intr; /**< link events handled (interrupt thread) */
	struct vmxnet3_hw_stats hw_base; /**< counters of earlier activations, summed */
	struct vmxnet3_hw_stats hw_zero; /**< the totals at the last stats reset */
};

static inline struct vmxnet3_adapter *vmxnet3_adapter(struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

/**
 * Runs device command @p cmd (VMXNET3_CMD_*: a write of REG_CMD) under
 * cmd_lock. Any thread.
 */
void vmxnet3_cmd(struct vmxnet3_adapter *ad, uint32_t cmd);

/**
 * Runs device command @p cmd and reads its answer (REG_CMD read back),
 * under cmd_lock: for the commands that answer (ACTIVATE_DEV: 0 when
 * active; GET_LINK: the link word). Any thread.
 * @return the answer.
 */
uint32_t vmxnet3_cmd_answer(struct vmxnet3_adapter *ad, uint32_t cmd);

/**
 * Adds the device's per-queue counters (GET_STATS into the queue
 * descriptors) to @p sum: those since the last activation only, or, with
 * @p total, those of earlier activations too (hw_base). The control thread.
 */
void vmxnet3_hw_stats_read(struct vmxnet3_adapter *ad, struct vmxnet3_hw_stats *sum, bool total);

/**
 * Before QUIESCE_DEV (which ends an activation and, on QEMU, zeroes the
 * device's counters at the next ACTIVATE_DEV): the counters so far go into
 * hw_base. The control thread.
 */
void vmxnet3_hw_stats_save(struct vmxnet3_adapter *ad);

/** stats_get op: the device's counters (since reset) with the driver's drops. */
int vmxnet3_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *stats);
/** stats_reset and xstats_reset op: a snapshot of every counter. */
int vmxnet3_stats_reset(struct prt_eth_dev *dev);
/** xstats_get_names op. */
int vmxnet3_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
			     unsigned int n);
/** xstats_get op: the device's counters, then the driver's (ring checks, drops, events). */
int vmxnet3_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xstats, unsigned int n);

#endif /* VMXNET3_ETHDEV_H */
