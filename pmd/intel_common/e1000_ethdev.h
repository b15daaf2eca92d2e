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
