/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * A virtio-net device as the driver sees it, whatever carries it: the
 * transport operations (PCI modern in virtio_pci.c, vhost-user in
 * virtio_user.c) and the state the ethdev layer (virtio_ethdev.c) keeps.
 * Private to the driver.
 *
 * A port's dev_private is the transport's structure, which begins with a
 * struct virtio_hw: virtio_hw_get() finds it from the port.
 */
#ifndef VIRTIO_HW_H
#define VIRTIO_HW_H

#include <pthread.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "ethdev_driver.h"
#include "virtqueue.h"

/* 2.1 Device Status Field */
#define VIRTIO_CONFIG_S_ACKNOWLEDGE 1
#define VIRTIO_CONFIG_S_DRIVER 2
#define VIRTIO_CONFIG_S_DRIVER_OK 4
#define VIRTIO_CONFIG_S_FEATURES_OK 8
#define VIRTIO_CONFIG_S_DEVICE_NEEDS_RESET 0x40
#define VIRTIO_CONFIG_S_FAILED 0x80

/* Most queue pairs prt drives on one port (the ethdev limit). */
#define VIRTIO_MAX_QUEUE_PAIRS PRT_MAX_QUEUES_PER_PORT

struct virtio_hw;
struct virtnet_rx;
struct virtnet_tx;
struct virtnet_ctl;

/**
 * What a transport does. Every op returns 0 or a negative errno unless it
 * says otherwise; ops run on the control thread.
 */
struct virtio_ops {
	const char *name; /**< "pci", "vhost-user" */
	/** The features the device offers (4.1.4.3 device_feature; vhost-user GET_FEATURES). */
	uint64_t (*get_features)(struct virtio_hw *hw);
	/** Writes the features the driver accepts (driver_feature); FEATURES_OK makes them final. */
	int (*set_features)(struct virtio_hw *hw, uint64_t features);
	uint8_t (*get_status)(struct virtio_hw *hw);
	/** Writes device_status (2.1); -errno when the transport failed to carry it. */
	int (*set_status)(struct virtio_hw *hw, uint8_t status);
	/**
	 * Resets the device (status 0): it stops using every queue (2.4).
	 * @return 0; -ETIMEDOUT when the device did not finish it (logged:
	 *         the device is unusable, nothing may rely on its queues).
	 */
	int (*reset)(struct virtio_hw *hw);
	/**
	 * Reads @p len bytes of the device configuration (5.1.4) at @p offset.
	 * @return 0; -EINVAL beyond the configuration; -ENODEV when the device
	 *         is gone (PCI: taken back by the kernel); -errno of the transport.
	 */
	int (*read_dev_config)(struct virtio_hw *hw, size_t offset, void *buf, size_t len);
	/** Largest size of queue @p qidx; 0 when the device has no such queue. */
	uint16_t (*get_queue_size)(struct virtio_hw *hw, uint16_t qidx);
	/** Tells the device where queue @p vq lies (its size, ring addresses) and enables it. */
	int (*setup_queue)(struct virtio_hw *hw, struct virtqueue *vq);
	/** The doorbell of a queue: given to virtqueue_create(). */
	virtqueue_notify_t notify;
	/**
	 * Runs a control virtqueue command itself (vhost-user: the control
	 * queue is the front-end's, as in DPDK's virtio-user). NULL: the driver
	 * sends it on the device's control virtqueue. Returns VIRTIO_NET_OK or
	 * VIRTIO_NET_ERR (>= 0), or a negative errno.
	 */
	int (*ctrl_cmd)(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data,
			size_t len);
	/**
	 * Sets up used-buffer notifications for the @p nb_rxq rx queues (one
	 * eventfd each). NULL: no rx interrupts.
	 */
	int (*intr_setup)(struct virtio_hw *hw, uint16_t nb_rxq);
	/** The eventfd of rx queue @p rxq's notifications (after intr_setup). */
	int (*intr_fd)(struct virtio_hw *hw, uint16_t rxq);
	/**
	 * Consumes what woke rx queue @p rxq's eventfd. NULL: nothing to
	 * consume (virtio-user, whose port has rx_intr_edge).
	 */
	void (*intr_ack)(struct virtio_hw *hw, uint16_t rxq);
	/** Undoes intr_setup. */
	void (*intr_release)(struct virtio_hw *hw);
	/**
	 * Starts watching for configuration changes (link status) on prt's
	 * interrupt thread, which calls virtio_lsc_handle() for each (PCI: the
	 * configuration MSI-X vector, after intr_setup; vhost-user: the
	 * backend's hang-up). NULL: the port cannot report link changes.
	 */
	int (*lsc_enable)(struct virtio_hw *hw);
	/** Stops watching; a handler running now has returned when it returns. */
	void (*lsc_disable)(struct virtio_hw *hw);
	/** Transport xstats after the driver's: names (NULL: count only) and values. */
	int (*xstats_names)(struct virtio_hw *hw, struct prt_eth_xstat_name *names, unsigned int n);
	int (*xstats_values)(struct virtio_hw *hw, uint64_t *values, unsigned int n);
	/** Frees what the transport holds (the port's queues are gone). */
	void (*close)(struct virtio_hw *hw);
};

/** One virtio-net device. */
struct virtio_hw {
	const struct virtio_ops *ops;
	struct prt_eth_dev *eth; /**< the port */
	int socket_id; /**< NUMA node for rings */
	/** Descriptors carry virtual addresses (vhost-user) rather than IOVAs (PCI). */
	bool use_va;
	uint64_t device_features; /**< what the device offers */
	uint64_t wanted_features; /**< what the user lets the driver use */
	uint64_t features; /**< negotiated at the last start */
	uint16_t max_queue_pairs; /**< the device's (1 without VIRTIO_NET_F_MQ) */
	uint16_t nb_queue_pairs; /**< configured */
	uint16_t max_mtu;
	uint16_t max_queue_size; /**< of queue 0, for dev_info */
	/**
	 * Largest size of each rx/tx queue (by virtqueue index), read at
	 * configure with the features negotiated: which queues a device has
	 * depends on them (QEMU's virtio-net has 2 x max_virtqueue_pairs with
	 * VIRTIO_NET_F_MQ, one pair after a reset).
	 */
	uint16_t queue_max[2 * VIRTIO_MAX_QUEUE_PAIRS];
	/** The device's own MAC address (5.1.4 mac; zero without VIRTIO_NET_F_MAC),
	 * which it takes again at every reset. */
	struct prt_ether_addr dev_mac;
	struct virtnet_ctl *cvq; /**< the control virtqueue, NULL when none or the transport's */
	/**
	 * One control command at a time (virtio_net_ctrl_send()): the
	 * application's thread and an event callback on the interrupt thread
	 * may both issue one, and a command is a sequence (buffer, descriptors,
	 * kick, wait, ack; or a vhost-user request and its reply).
	 */
	pthread_mutex_t ctrl_lock;
	bool intr_ready; /**< intr_setup done for this start */
	bool lsc_on; /**< lsc_enable done for this start */
};

/** The struct virtio_hw of port @p dev. */
static inline struct virtio_hw *virtio_hw_get(struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

/** True when @p bit was negotiated. */
static inline bool virtio_with_feature(const struct virtio_hw *hw, unsigned int bit)
{
	return hw->features & (1ull << bit);
}

/* 5.1.2 Virtqueues: receiveqN is 2(N-1), transmitqN 2(N-1)+1, controlq 2 * max pairs. */
static inline uint16_t virtio_rxq_index(uint16_t q)
{
	return (uint16_t)(2 * q);
}
static inline uint16_t virtio_txq_index(uint16_t q)
{
	return (uint16_t)(2 * q + 1);
}

/**
 * Finishes a port whose transport is ready (hw->ops set, connected): reads
 * the device's features and configuration (MAC, queue pairs, MTU) and fills
 * the port. Called by the transports' probe.
 * @return 0; -ENOTSUP for a legacy device; -EIO when the device fails the
 *         status handshake; the transport's error. Logged.
 */
int virtio_ethdev_init(struct virtio_hw *hw);

/**
 * A configuration change (virtio 1.2, 2.5 / 4.1.5.3): reads the link status
 * again (5.1.4, VIRTIO_NET_S_LINK_UP) and, when it changed, stores it and
 * raises PRT_ETH_EVENT_INTR_LSC. Called by the transports on prt's
 * interrupt thread while lsc_enable is in force.
 */
void virtio_lsc_handle(struct virtio_hw *hw);

/** The port operations shared by every transport (virtio_ethdev.c). */
extern const struct prt_eth_dev_ops virtio_eth_dev_ops;

#endif /* VIRTIO_HW_H */
