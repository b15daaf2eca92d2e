/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The port (ethdev) side both Intel drivers share: one struct e1000_chip per
 * controller says what differs (queue register blocks, descriptor formats,
 * receive buffer sizes, RSS and MSI-X programming); everything else, from
 * probe to close, is written once here (e1000_ethdev.c) over the shared
 * hardware helpers (e1000_hw.h), rings (e1000_rxtx.h) and counters
 * (e1000_stats.h).
 *
 * Interrupts (MSI-X, prt_interrupts.h): vector 0 carries the link and the
 * other causes; with intr_conf.rxq, vector 1 + q carries rx queue q. The
 * chip routes its causes to those vectors (IVAR), auto-clears them once
 * their message went out, and arms an rx queue's cause only while the
 * application waits on it (prt_eth_dev_rx_intr_enable()).
 *
 * Threads: ops run on the control thread; the link handler runs on prt's
 * interrupt thread; the rx-interrupt arm/disarm ops run on the queue's
 * lcore (they write set/clear registers, one bit each, so several lcores
 * may arm their own queues at once).
 */
#ifndef E1000_ETHDEV_H
#define E1000_ETHDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethdev_driver.h"
#include "prt_pci.h"

#include "e1000_hw.h"
#include "e1000_rxtx.h"
#include "e1000_stats.h"

struct e1000_adapter;

/** What a controller does its own way. Register offsets are BAR 0's. */
struct e1000_chip {
	struct prt_eth_driver eth_driver; /**< its name ("net_e1000e"), for dev_info */
	const char *model; /**< "82574L", for messages */
	uint32_t bar0_len; /**< bytes of CSRs BAR 0 must map */
	size_t priv_size; /**< dev_private bytes (a struct starting with e1000_adapter); 0: the adapter alone */
	const struct prt_eth_dev_ops
		*ops; /**< the port's ops; NULL: the physical functions' (e1000_ethdev.c) */
	/**
	 * Probe-time set-up of the device (ad->dev->data.mac_addr filled);
	 * NULL: a physical function's (global reset, MAC from RAL0/NVM, link up).
	 * @return 0 or -errno (logged).
	 */
	int (*hw_init)(struct e1000_adapter *ad);
	uint16_t max_queues; /**< rx and tx queues the driver offers */
	uint16_t reta_queues; /**< queues RSS can spread over */
	uint32_t rx_base; /**< RDBAL of queue 0; RDBAH +4, RDLEN +8, RDH +0x10, RDT +0x18 */
	uint32_t tx_base; /**< TDBAL of queue 0, same layout */
	uint32_t queue_stride; /**< from one queue's registers to the next one's */
	uint32_t tx_cmd; /**< command bits on every transmit descriptor */
	uint8_t tx_paylen_shift; /**< PAYLEN place in the descriptor's upper dword, 0: none */
	uint32_t min_rx_buf; /**< smallest receive buffer the device takes, bytes */
	uint32_t max_rx_pktlen; /**< longest frame, CRC included */
	uint64_t rss_hf; /**< PRT_ETH_RSS_* the device hashes */

	/** Receive buffer size the device uses for @p room bytes of mbuf data (after headroom). */
	uint32_t (*rx_buf_size)(uint32_t room);
	/**
	 * Programs the receive unit for ad->rx_buf_len and the port's MTU
	 * (descriptor type, buffer sizes, long-frame limit).
	 * @return its RCTL bits (buffer size, LPE); the shared code adds the rest.
	 */
	uint32_t (*rx_init)(struct e1000_adapter *ad);
	/** Enables rx queue @p q (rings programmed). @return 0 or -ETIMEDOUT. */
	int (*rx_queue_enable)(struct e1000_adapter *ad, uint16_t q);
	/** Enables tx queue @p q (rings programmed). @return 0 or -ETIMEDOUT. */
	int (*tx_queue_enable)(struct e1000_adapter *ad, uint16_t q);
	/** MRQC for the hash functions @p rss_hf (PRT_ETH_RSS_*), RSS on. */
	uint32_t (*mrqc)(uint64_t rss_hf);
	/** The redirection-table byte that sends a hash to queue @p q. */
	uint8_t (*reta_entry)(uint16_t q);
	/** Routes causes to vectors (0: link/other, 1 + q: rx queue q) and arms vector 0. */
	void (*intr_route)(struct e1000_adapter *ad, uint16_t nb_rxq_vec);
	/** Arms (@p on) or disarms the interrupt of rx queue @p q. */
	void (*rxq_intr)(struct e1000_adapter *ad, uint16_t q, bool on);
	/** Reads and clears the link/other causes after vector 0 fired, and re-arms them. @return the causes. */
	uint32_t (*other_intr)(struct e1000_adapter *ad);
	/** Masks every cause. */
	void (*intr_off)(struct e1000_adapter *ad);
	/** Stops receive and transmit so that nothing more is DMAed; NULL: RCTL and TCTL cleared. */
	void (*units_off)(struct e1000_adapter *ad);
};

/** A port's private data (dev_private). */
struct e1000_adapter {
	struct e1000_hw hw;
	const struct e1000_chip *chip;
	struct prt_pci_device *pdev;
	struct prt_eth_dev *dev;
	struct e1000_hw_stats hw_stats;
	uint32_t rx_buf_len; /**< bytes per receive buffer, the same for every queue */
	uint16_t reta[E1000_RETA_ENTRIES]; /**< redirection table, by queue */
	uint8_t rss_key[E1000_RSS_KEY_LEN];
	uint64_t rss_hf; /**< hash functions on; 0: RSS off */
	uint16_t nb_rxq_vec; /**< rx queues with an interrupt vector (0 without intr_conf.rxq) */
	uint64_t lsc_intr; /**< link-change interrupts handled (written by the interrupt thread) */
	bool intr_on; /**< MSI-X enabled and the link handler registered */
	bool broken; /**< the device misbehaved or left: the port is stopped for good */
	bool unplugged; /**< the kernel took the device back (remove() ran once) */
};

/** The port of @p ad's device. */
static inline struct e1000_adapter *e1000_adapter(struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

/** BAR 0 offset of register @p off (E1000_QREG_*) of rx queue @p q. */
static inline uint32_t e1000_rxq_reg(const struct e1000_adapter *ad, uint16_t q, uint32_t off)
{
	return ad->chip->rx_base + q * ad->chip->queue_stride + off;
}

/** BAR 0 offset of register @p off (E1000_QREG_*) of tx queue @p q. */
static inline uint32_t e1000_txq_reg(const struct e1000_adapter *ad, uint16_t q, uint32_t off)
{
	return ad->chip->tx_base + q * ad->chip->queue_stride + off;
}

/*
 * The pieces of the shared port a driver with ops of its own (the 82576
 * VF, pmd/igbvf) builds on: ethdev ops as they are (info, configure,
 * queues, rx interrupts), and the steps of start and stop. Control thread.
 */
int e1000_dev_infos_get(struct prt_eth_dev *dev, struct prt_eth_dev_info *info);
int e1000_dev_configure(struct prt_eth_dev *dev);
int e1000_rx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			 const struct prt_eth_rxconf *conf, struct prt_mempool *mp);
int e1000_tx_queue_setup(struct prt_eth_dev *dev, uint16_t qid, uint16_t nb_desc, int socket,
			 const struct prt_eth_txconf *conf);
void e1000_rx_queue_release(struct prt_eth_dev *dev, uint16_t qid);
void e1000_tx_queue_release(struct prt_eth_dev *dev, uint16_t qid);
int e1000_rx_queue_intr_enable(struct prt_eth_dev *dev, uint16_t qid);
int e1000_rx_queue_intr_disable(struct prt_eth_dev *dev, uint16_t qid);
int e1000_rx_queue_intr_fd(struct prt_eth_dev *dev, uint16_t qid);
void e1000_rx_queue_intr_ack(struct prt_eth_dev *dev, uint16_t qid);

/** Chooses the receive buffer size, sets each queue's frame limit, runs chip->rx_init. @return its RCTL bits. */
uint32_t e1000_rx_setup(struct e1000_adapter *ad);
/** Each rx queue: ring reset and filled, base/length/head/tail, enabled, RDT written. @return 0; -ENOMEM (pool too small); -ETIMEDOUT; logged. */
int e1000_rx_queues_start(struct e1000_adapter *ad);
/** Each tx queue: ring reset, base/length/head/tail, enabled. @return 0; -ETIMEDOUT (logged). */
int e1000_tx_queues_start(struct e1000_adapter *ad);
/** Each queue's ring length zeroed (the device stops using it), its mbufs freed. */
void e1000_queues_stop(struct e1000_adapter *ad);
/**
 * MSI-X: vector 0 runs the link handler (chip->other_intr(), then the
 * port's link_update op on an LSC cause), vector 1 + q rx queue q with
 * intr_conf.rxq; without MSI-X the link is polled.
 * @return 0; -ENOTSUP (too few vectors for rx interrupts); prt_intr's -errno.
 */
int e1000_intr_start(struct e1000_adapter *ad);
/** Undoes e1000_intr_start(). */
void e1000_intr_stop(struct e1000_adapter *ad);
/** Stops the port for good (device gone or hostile): queues stopped, link down (LSC), logged with @p why. */
void e1000_port_break(struct e1000_adapter *ad, const char *why);
/** Breaks the port when the device reads all ones or a head register points past its ring. */
void e1000_health_check(struct e1000_adapter *ad);
/** Sets every rx queue's longest frame from the port's MTU. */
void e1000_rxq_frame_limit_set(struct prt_eth_dev *dev);

/**
 * Creates the port of PCI device @p pdev driven as @p chip: global reset,
 * MAC address, link set-up, ethdev port (named after the PCI address).
 * Called from the chip driver's PCI probe (prt_pci.h).
 * @return 0; -ENODEV (device gone or BAR 0 missing); -ETIMEDOUT; -EIO (no
 *         MAC address); the ethdev allocation's -errno. Each logged once.
 */
int e1000_eth_probe(const struct e1000_chip *chip, struct prt_pci_device *pdev);

/**
 * The PCI remove of both drivers: closes the port at prt_eal_cleanup();
 * when the kernel takes the device back (hot-unplug), stops it only, as
 * lcores may still poll it.
 * @return 0.
 */
int e1000_eth_remove(struct prt_pci_device *pdev);

#endif /* E1000_ETHDEV_H */
