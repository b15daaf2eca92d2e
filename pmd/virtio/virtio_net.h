/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net as the virtio 1.2 specification defines it (5.1 Network
 * Device): feature bits, the per-packet header, the device configuration
 * layout and the control virtqueue commands; and prt's feature negotiation,
 * shared by the PCI and vhost-user transports. Private to the driver.
 */
#ifndef VIRTIO_NET_H
#define VIRTIO_NET_H

#include <stddef.h>
#include <stdint.h>

#include "prt_ether.h"
#include "virtio_ring.h"

/* 5.1.3 Feature bits */
#define VIRTIO_NET_F_CSUM 0 /* device handles packets with partial checksum */
#define VIRTIO_NET_F_GUEST_CSUM 1 /* driver handles packets with partial checksum */
#define VIRTIO_NET_F_MTU 3 /* device reports its maximum MTU */
#define VIRTIO_NET_F_MAC 5 /* device has a MAC address */
#define VIRTIO_NET_F_MRG_RXBUF 15 /* driver can merge receive buffers */
#define VIRTIO_NET_F_STATUS 16 /* configuration status field is available */
#define VIRTIO_NET_F_CTRL_VQ 17 /* control channel is available */
#define VIRTIO_NET_F_CTRL_RX 18 /* control channel RX mode support */
#define VIRTIO_NET_F_MQ 22 /* multiqueue with automatic receive steering */
#define VIRTIO_NET_F_CTRL_MAC_ADDR 23 /* set the MAC address through the control channel */

/* 5.1.4 Device configuration layout: status bits */
#define VIRTIO_NET_S_LINK_UP 1
#define VIRTIO_NET_S_ANNOUNCE 2

struct virtio_net_config {
	uint8_t mac[6];
	uint16_t status;
	uint16_t max_virtqueue_pairs;
	uint16_t mtu;
} __attribute__((packed));

/* 5.1.6 Device Operation: the header before every packet */
#define VIRTIO_NET_HDR_F_NEEDS_CSUM 1
#define VIRTIO_NET_HDR_F_DATA_VALID 2
#define VIRTIO_NET_HDR_GSO_NONE 0

struct virtio_net_hdr {
	uint8_t flags;
	uint8_t gso_type;
	uint16_t hdr_len;
	uint16_t gso_size;
	uint16_t csum_start;
	uint16_t csum_offset;
	uint16_t num_buffers; /* with VERSION_1 always present (5.1.6) */
};

/* Bytes of the header before every frame: prt drives VERSION_1 devices only,
 * whose header always has num_buffers (5.1.6), so it is a constant. */
#define VIRTIO_NET_HDR_LEN ((uint16_t)sizeof(struct virtio_net_hdr))

/* 5.1.6.5 Control Virtqueue */
struct virtio_net_ctrl_hdr {
	uint8_t class;
	uint8_t cmd;
} __attribute__((packed));

#define VIRTIO_NET_OK 0
#define VIRTIO_NET_ERR 1
#define VIRTIO_NET_CTRL_RX 0 /* 5.1.6.5.1 Packet Receive Filtering */
#define VIRTIO_NET_CTRL_RX_PROMISC 0
#define VIRTIO_NET_CTRL_RX_ALLMULTI 1
#define VIRTIO_NET_CTRL_MAC 1 /* 5.1.6.5.2 Setting MAC Address Filtering */
#define VIRTIO_NET_CTRL_MAC_TABLE_SET 0
#define VIRTIO_NET_CTRL_MAC_ADDR_SET 1
#define VIRTIO_NET_CTRL_MQ 4 /* 5.1.6.5.5 Automatic receive steering in multiqueue mode */
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_SET 0
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MIN 1
#define VIRTIO_NET_CTRL_MQ_VQ_PAIRS_MAX 0x8000

/*
 * 5.1.6.5.2: VIRTIO_NET_CTRL_MAC_TABLE_SET carries two of these back to
 * back: the unicast table, then the multicast one.
 */
struct virtio_net_ctrl_mac {
	uint32_t entries; /* le32 */
	uint8_t macs[][6];
} __attribute__((packed));

/*
 * The spec sets no size on the tables; QEMU's virtio-net filters on 64
 * addresses, unicast and multicast together (MAC_TABLE_ENTRIES in
 * hw/net/virtio-net.c), and accepts every address of a class whose table
 * does not fit (uni_overflow, multi_overflow). prt stays within it: the
 * port's address table holds the default address and 31 secondary ones
 * (the unicast table: the default address is the device's own, set apart
 * with VIRTIO_NET_CTRL_MAC_ADDR_SET), the multicast list 32: 63 <= 64.
 */
#define VIRTNET_MAC_TABLE_ENTRIES 64
#define VIRTNET_MAX_MAC_ADDRS 32 /* dev_info.max_mac_addrs, the default included */
#define VIRTNET_MAX_MC_ADDRS 32 /* dev_info.max_mc_addrs */
_Static_assert(VIRTNET_MAX_MAC_ADDRS - 1 + VIRTNET_MAX_MC_ADDRS <= VIRTNET_MAC_TABLE_ENTRIES,
	       "QEMU would accept every address of a table that does not fit");

/** The features prt's virtio-net driver can use (a transport may remove some). */
#define VIRTIO_NET_DRIVER_FEATURES                                             \
	((1ull << VIRTIO_NET_F_CSUM) | (1ull << VIRTIO_NET_F_GUEST_CSUM) |     \
	 (1ull << VIRTIO_NET_F_MTU) | (1ull << VIRTIO_NET_F_MAC) |             \
	 (1ull << VIRTIO_NET_F_MRG_RXBUF) | (1ull << VIRTIO_NET_F_STATUS) |    \
	 (1ull << VIRTIO_NET_F_CTRL_VQ) | (1ull << VIRTIO_NET_F_CTRL_RX) |     \
	 (1ull << VIRTIO_NET_F_MQ) | (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR) |    \
	 (1ull << VIRTIO_F_VERSION_1) | (1ull << VIRTIO_F_RING_EVENT_IDX) |    \
	 (1ull << VIRTIO_F_RING_PACKED) | (1ull << VIRTIO_F_ACCESS_PLATFORM) | \
	 (1ull << VIRTIO_F_IN_ORDER) | (1ull << VIRTIO_F_INDIRECT_DESC))

/**
 * Chooses the features to use (virtio 1.2, 3.1.1 step 5): those both
 * @p device offers and @p wanted asks for, minus those whose dependency
 * (5.1.3.1) is missing: CTRL_RX, MQ and CTRL_MAC_ADDR need CTRL_VQ.
 *
 * @param device   the device's feature bits
 * @param wanted   the driver's (VIRTIO_NET_DRIVER_FEATURES minus what the user
 *                 turned off, e.g. packed_vq=0)
 * @param negotiated  the result
 * @return 0; -ENOTSUP when the device lacks VIRTIO_F_VERSION_1 (a legacy-only
 *         device: prt drives modern devices only), logged with what to do.
 */
int virtio_net_negotiate(uint64_t device, uint64_t wanted, uint64_t *negotiated);

/**
 * Writes the names of the feature bits in @p features to @p buf ("VERSION_1
 * MAC STATUS ..."), unknown bits as "bit<N>"; truncated to @p len bytes.
 * @return @p buf.
 */
const char *virtio_net_features_str(uint64_t features, char *buf, size_t len);

struct virtio_hw;

/** Bytes of command data a control virtqueue command carries at most: a full MAC table. */
#define VIRTNET_CTRL_DATA_MAX \
	(2 * sizeof(struct virtio_net_ctrl_mac) + VIRTNET_MAC_TABLE_ENTRIES * PRT_ETHER_ADDR_LEN)

/**
 * Creates the control virtqueue (5.1.6.5) of @p hw when VIRTIO_NET_F_CTRL_VQ
 * was negotiated and the transport has no ctrl_cmd of its own; otherwise
 * does nothing. Frees the one made before.
 * @return 0; -ENOMEM; -EINVAL when the device has no control queue.
 */
int virtio_net_ctrl_create(struct virtio_hw *hw);

/** Frees the control virtqueue (the device no longer uses it). */
void virtio_net_ctrl_free(struct virtio_hw *hw);

/** Empties the control virtqueue after a device reset (no-op without one). */
void virtio_net_ctrl_reset(struct virtio_hw *hw);

/** The control virtqueue of @p hw, to set up at start; NULL when none. */
struct virtqueue *virtio_net_ctrl_vq(struct virtio_hw *hw);

/**
 * Sends control command @p cls / @p cmd with @p len bytes of @p data
 * (5.1.6.5) and waits for the device's answer (at most
 * VIRTNET_CTRL_TIMEOUT_MS). The device must be live (DRIVER_OK).
 * Thread-safe: commands from several threads (the application's, an event
 * callback's on the interrupt thread) go one at a time (hw->ctrl_lock).
 * @return 0 when the device answered VIRTIO_NET_OK; -EIO when it answered
 *         VIRTIO_NET_ERR, or the queue is broken; -ETIMEDOUT when it did
 *         not answer (the queue is unusable until the next start);
 *         -ENOTSUP without a control queue; -EINVAL for @p len too large.
 */
int virtio_net_ctrl_send(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data,
			 size_t len);

/**
 * Checks that @p features (negotiated, or to be) let the driver set the MAC
 * address: VIRTIO_NET_F_CTRL_MAC_ADDR (virtio 1.2, 5.1.6.5.2).
 * @return 0; -ENOTSUP without it, logged with what to do instead.
 */
int virtio_net_mac_addr_check(struct virtio_hw *hw, uint64_t features);

/**
 * Gives the device the port's MAC address @p mac (6 bytes) with
 * VIRTIO_NET_CTRL_MAC_ADDR_SET (virtio 1.2, 5.1.6.5.2): from then on it
 * filters received unicast frames on that address (when not promiscuous)
 * and uses it as its own. The device must be live (DRIVER_OK) and
 * VIRTIO_NET_F_CTRL_MAC_ADDR negotiated. Control thread only.
 * @return 0; -ENOTSUP without VIRTIO_NET_F_CTRL_MAC_ADDR (logged: the device
 *         keeps its own address); -EIO when the device refused it (ack
 *         VIRTIO_NET_ERR, logged) or the control queue broke; -ETIMEDOUT as
 *         virtio_net_ctrl_send().
 */
int virtio_net_mac_addr_set(struct virtio_hw *hw, const uint8_t mac[6]);

/**
 * Checks that @p features (negotiated, or to be) let the driver set the MAC
 * filter tables: VIRTIO_NET_F_CTRL_RX (the tables belong to the receive
 * filters; virtio 1.2, 5.1.6.5.2 and 5.1.3.1).
 * @return 0; -ENOTSUP without it, logged with what the device lacks.
 */
int virtio_net_mac_table_check(struct virtio_hw *hw, uint64_t features);

/**
 * Gives the device its MAC filter tables with VIRTIO_NET_CTRL_MAC_TABLE_SET
 * (virtio 1.2, 5.1.6.5.2): the @p nb_uc unicast addresses of @p uc and the
 * @p nb_mc multicast ones of @p mc (either count may be 0), which replace
 * those it had. While not promiscuous, the device then also accepts unicast
 * frames to @p uc and, without all-multicast, multicast frames to @p mc
 * only. The device must be live (DRIVER_OK) and VIRTIO_NET_F_CTRL_RX
 * negotiated. Control thread only.
 * @return 0; -EINVAL when @p nb_uc + @p nb_mc exceeds
 *         VIRTNET_MAC_TABLE_ENTRIES; -ENOTSUP without VIRTIO_NET_F_CTRL_RX
 *         (logged); -EIO when the device refused the tables (logged; it
 *         keeps its previous ones) or the control queue broke; -ETIMEDOUT
 *         as virtio_net_ctrl_send().
 */
int virtio_net_mac_table_set(struct virtio_hw *hw, const struct prt_ether_addr *uc, uint32_t nb_uc,
			     const struct prt_ether_addr *mc, uint32_t nb_mc);

/** Milliseconds a device may take to answer a control command. */
#define VIRTNET_CTRL_TIMEOUT_MS 5000

#endif /* VIRTIO_NET_H */
