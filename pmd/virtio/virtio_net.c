/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net (virtio 1.2, 5.1): which features to use, their names for the
 * log, and the control virtqueue (5.1.6.5) that sets the number of queue
 * pairs, the receive filters, the MAC address and the MAC filter tables.
 * The port operations are in virtio_ethdev.c.
 */
#include <endian.h>
#include <errno.h>
#include <pthread.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "prt_atomic.h"
#include "prt_cycles.h"
#include "virtio_hw.h"
#include "virtio_logs.h"
#include "virtio_net.h"
#include "virtio_rxtx.h"

static bool has(uint64_t f, unsigned int bit)
{
	return f & (1ull << bit);
}

int virtio_net_negotiate(uint64_t device, uint64_t wanted, uint64_t *negotiated)
{
	uint64_t f = device & wanted;

	if (!has(device, VIRTIO_F_VERSION_1)) {
		VIRTIO_LOG(
			ERR,
			"the device offers no VIRTIO_F_VERSION_1: it is a legacy (virtio 0.9) device, which prt does not drive; give QEMU disable-legacy=on or use a virtio 1.x backend");
		return -ENOTSUP;
	}
	/* 5.1.3.1 Feature bit requirements */
	if (!has(f, VIRTIO_NET_F_CTRL_VQ))
		f &= ~((1ull << VIRTIO_NET_F_CTRL_RX) | (1ull << VIRTIO_NET_F_MQ) |
		       (1ull << VIRTIO_NET_F_CTRL_MAC_ADDR));
	*negotiated = f;
	return 0;
}

const char *virtio_net_features_str(uint64_t features, char *buf, size_t len)
{
	static const char *const names[64] = {
		[VIRTIO_NET_F_CSUM] = "CSUM",
		[VIRTIO_NET_F_GUEST_CSUM] = "GUEST_CSUM",
		[VIRTIO_NET_F_MTU] = "MTU",
		[VIRTIO_NET_F_MAC] = "MAC",
		[VIRTIO_NET_F_MRG_RXBUF] = "MRG_RXBUF",
		[VIRTIO_NET_F_STATUS] = "STATUS",
		[VIRTIO_NET_F_CTRL_VQ] = "CTRL_VQ",
		[VIRTIO_NET_F_CTRL_RX] = "CTRL_RX",
		[VIRTIO_NET_F_MQ] = "MQ",
		[VIRTIO_NET_F_CTRL_MAC_ADDR] = "CTRL_MAC_ADDR",
		[VIRTIO_F_INDIRECT_DESC] = "INDIRECT_DESC",
		[VIRTIO_F_RING_EVENT_IDX] = "RING_EVENT_IDX",
		[30] = "PROTOCOL_FEATURES", /* vhost-user's bit */
		[VIRTIO_F_VERSION_1] = "VERSION_1",
		[VIRTIO_F_ACCESS_PLATFORM] = "ACCESS_PLATFORM",
		[VIRTIO_F_RING_PACKED] = "RING_PACKED",
		[VIRTIO_F_IN_ORDER] = "IN_ORDER",
		[VIRTIO_F_ORDER_PLATFORM] = "ORDER_PLATFORM",
		[VIRTIO_F_NOTIFICATION_DATA] = "NOTIFICATION_DATA",
	};
	size_t off = 0;
	unsigned int bit;

	buf[0] = '\0';
	for (bit = 0; bit < 64 && off < len; bit++) {
		int n;

		if (!has(features, bit))
			continue;
		if (names[bit])
			n = snprintf(buf + off, len - off, "%s%s", off ? " " : "", names[bit]);
		else
			n = snprintf(buf + off, len - off, "%sbit%u", off ? " " : "", bit);
		if (n < 0)
			break;
		off += (size_t)n;
	}
	return buf;
}

/* ---- the control virtqueue (5.1.6.5) ---- */

/* One command as the device reads and writes it: header, data, ack (5.1.6.5). */
struct virtnet_ctl_buf {
	struct virtio_net_ctrl_hdr hdr;
	uint8_t data[VIRTNET_CTRL_DATA_MAX];
	uint8_t ack; /* device-writable */
};

struct virtnet_ctl {
	struct virtqueue *vq;
	const struct prt_memzone *mz;
	struct virtnet_ctl_buf *buf; /* after the ring */
	uint64_t buf_addr; /* its address for the device */
};

/* Queue size for the control queue: commands go one at a time. */
#define VIRTNET_CTRL_QUEUE_SIZE 64

int virtio_net_ctrl_create(struct virtio_hw *hw)
{
	uint16_t qidx =
		(uint16_t)(2 *
			   (virtio_with_feature(hw, VIRTIO_NET_F_MQ) ? hw->max_queue_pairs : 1));
	uint16_t size;
	struct virtnet_ctl *cvq;

	virtio_net_ctrl_free(hw);
	if (!virtio_with_feature(hw, VIRTIO_NET_F_CTRL_VQ) || hw->ops->ctrl_cmd != NULL)
		return 0;
	size = PRT_MIN(hw->ops->get_queue_size(hw, qidx), (uint16_t)VIRTNET_CTRL_QUEUE_SIZE);
	if (size == 0 || !prt_is_power_of_2(size)) {
		VIRTIO_LOG(
			ERR,
			"%s: the device offers VIRTIO_NET_F_CTRL_VQ but its control queue %u has size %u",
			hw->eth->data.name, qidx, size);
		return -EINVAL;
	}
	cvq = calloc(1, sizeof(*cvq));
	if (cvq == NULL)
		return -ENOMEM;
	cvq->vq = virtio_vq_alloc(hw, qidx, size, sizeof(struct virtnet_ctl_buf), &cvq->mz);
	if (cvq->vq == NULL) {
		free(cvq);
		return -ENOMEM;
	}
	cvq->buf = (struct virtnet_ctl_buf *)((char *)cvq->vq->ring_va + cvq->vq->ring_len);
	cvq->buf_addr = cvq->vq->ring_iova + cvq->vq->ring_len;
	hw->cvq = cvq;
	return 0;
}

void virtio_net_ctrl_free(struct virtio_hw *hw)
{
	if (hw->cvq == NULL)
		return;
	virtio_vq_free(hw->cvq->vq, hw->cvq->mz);
	free(hw->cvq);
	hw->cvq = NULL;
}

static void ctrl_detach_cb(void *cookie, void *arg)
{
	(void)cookie; /* the command buffer is the queue's own */
	(void)arg;
}

void virtio_net_ctrl_reset(struct virtio_hw *hw)
{
	if (hw->cvq)
		virtqueue_detach(hw->cvq->vq, ctrl_detach_cb, NULL);
}

struct virtqueue *virtio_net_ctrl_vq(struct virtio_hw *hw)
{
	return hw->cvq ? hw->cvq->vq : NULL;
}

/* Waits for the device to use the command buffer; 0 or -ETIMEDOUT. */
static int ctrl_wait(struct virtnet_ctl *cvq)
{
	uint64_t deadline = prt_time_ns() + VIRTNET_CTRL_TIMEOUT_MS * 1000000ull;
	void *cookie;
	uint32_t len;

	while (virtqueue_get_used(cvq->vq, &cookie, &len, 1) == 0) {
		if (cvq->vq->broken)
			return -EIO;
		if (prt_time_ns() > deadline)
			return -ETIMEDOUT;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	return 0;
}

/* One command, its descriptors and its answer; with hw->ctrl_lock held. */
static int ctrl_send_locked(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data,
			    size_t len)
{
	struct virtnet_ctl *cvq = hw->cvq;
	struct vq_seg segs[3];
	uint16_t n = 0;
	int ret;

	if (len > VIRTNET_CTRL_DATA_MAX)
		return -EINVAL;
	if (hw->ops->ctrl_cmd != NULL) {
		ret = hw->ops->ctrl_cmd(hw, cls, cmd, data, len);
		return ret < 0 ? ret : ret == VIRTIO_NET_OK ? 0 : -EIO;
	}
	if (cvq == NULL)
		return -ENOTSUP;
	cvq->buf->hdr = (struct virtio_net_ctrl_hdr){ .class = cls, .cmd = cmd };
	memcpy(cvq->buf->data, data, len);
	cvq->buf->ack = VIRTIO_NET_ERR;
	/* 5.1.6.5: header and data device-readable, ack device-writable. */
	segs[n++] = (struct vq_seg){ .addr = cvq->buf_addr, .len = sizeof(cvq->buf->hdr) };
	if (len > 0)
		segs[n++] = (struct vq_seg){
			.addr = cvq->buf_addr + offsetof(struct virtnet_ctl_buf, data),
			.len = (uint32_t)len,
		};
	segs[n++] = (struct vq_seg){ .addr = cvq->buf_addr + offsetof(struct virtnet_ctl_buf, ack),
				     .len = 1,
				     .flags = VQ_SEG_WRITE };
	ret = virtqueue_add_chain(cvq->vq, cvq, segs, n);
	if (ret < 0) {
		VIRTIO_LOG(ERR, "%s: control queue unusable (%s); stop and start the port",
			   hw->eth->data.name, strerror(-ret));
		return -EIO;
	}
	virtqueue_kick(cvq->vq);
	ret = ctrl_wait(cvq);
	if (ret < 0) {
		VIRTIO_LOG(
			ERR,
			"%s: control command class %u cmd %u: %s; the control queue is stopped until the port restarts",
			hw->eth->data.name, cls, cmd,
			ret == -ETIMEDOUT ? "the device did not answer" : "the queue broke");
		cvq->vq->broken = true;
		return ret;
	}
	if (prt_atomic_load(&cvq->buf->ack, memory_order_relaxed) != VIRTIO_NET_OK) {
		VIRTIO_LOG(ERR, "%s: the device refused control command class %u cmd %u",
			   hw->eth->data.name, cls, cmd);
		return -EIO;
	}
	return 0;
}

int virtio_net_ctrl_send(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data,
			 size_t len)
{
	int ret;

	pthread_mutex_lock(&hw->ctrl_lock);
	ret = ctrl_send_locked(hw, cls, cmd, data, len);
	pthread_mutex_unlock(&hw->ctrl_lock);
	return ret;
}

int virtio_net_mac_addr_check(struct virtio_hw *hw, uint64_t features)
{
	if (has(features, VIRTIO_NET_F_CTRL_MAC_ADDR))
		return 0;
	VIRTIO_LOG(
		ERR,
		"%s: the device does not offer VIRTIO_NET_F_CTRL_MAC_ADDR (with CTRL_VQ; virtio 1.2 5.1.6.5.2): its MAC address cannot be changed and it keeps filtering on its own; give the device the address instead (QEMU: -device virtio-net-pci,mac=...) or turn promiscuous mode on",
		hw->eth->data.name);
	return -ENOTSUP;
}

int virtio_net_mac_addr_set(struct virtio_hw *hw, const uint8_t mac[6])
{
	int ret = virtio_net_mac_addr_check(hw, hw->features);

	if (ret < 0)
		return ret;
	/* 5.1.6.5.2: the command data is the 6-byte address. */
	ret = virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET, mac, 6);
	if (ret == -EIO)
		VIRTIO_LOG(ERR,
			   "%s: the device refused MAC address %02x:%02x:%02x:%02x:%02x:%02x "
			   "(VIRTIO_NET_CTRL_MAC_ADDR_SET); it keeps its previous address",
			   hw->eth->data.name, mac[0], mac[1], mac[2], mac[3], mac[4], mac[5]);
	return ret;
}

int virtio_net_mac_table_check(struct virtio_hw *hw, uint64_t features)
{
	if (has(features, VIRTIO_NET_F_CTRL_RX))
		return 0;
	VIRTIO_LOG(
		ERR,
		"%s: the device does not offer VIRTIO_NET_F_CTRL_RX (with CTRL_VQ; virtio 1.2 5.1.6.5.2): it has no MAC filter tables for secondary or multicast addresses; turn promiscuous or all-multicast mode on instead (QEMU: ctrl_rx=on, the default)",
		hw->eth->data.name);
	return -ENOTSUP;
}

/* Writes table @t of @n addresses (5.1.6.5.2); returns the bytes it takes. */
static size_t mac_table_put(struct virtio_net_ctrl_mac *t, const struct prt_ether_addr *addrs,
			    uint32_t n)
{
	t->entries = htole32(n);
	if (n > 0)
		memcpy(t->macs, addrs, n * sizeof(t->macs[0]));
	return sizeof(*t) + n * sizeof(t->macs[0]);
}

int virtio_net_mac_table_set(struct virtio_hw *hw, const struct prt_ether_addr *uc, uint32_t nb_uc,
			     const struct prt_ether_addr *mc, uint32_t nb_mc)
{
	uint8_t data[VIRTNET_CTRL_DATA_MAX] __attribute__((aligned(4)));
	size_t len;
	int ret = virtio_net_mac_table_check(hw, hw->features);

	if (ret < 0)
		return ret;
	if (nb_uc > VIRTNET_MAC_TABLE_ENTRIES || nb_mc > VIRTNET_MAC_TABLE_ENTRIES - nb_uc) {
		VIRTIO_LOG(
			ERR,
			"%s: MAC filter tables of %u unicast and %u multicast addresses; %d at most",
			hw->eth->data.name, nb_uc, nb_mc, VIRTNET_MAC_TABLE_ENTRIES);
		return -EINVAL;
	}
	/* The unicast table, then the multicast one right after it. */
	len = mac_table_put((struct virtio_net_ctrl_mac *)(void *)data, uc, nb_uc);
	len += mac_table_put((struct virtio_net_ctrl_mac *)(void *)(data + len), mc, nb_mc);
	ret = virtio_net_ctrl_send(hw, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_TABLE_SET, data,
				   len);
	if (ret == -EIO)
		VIRTIO_LOG(
			ERR,
			"%s: the device refused MAC filter tables of %u unicast and %u multicast addresses (VIRTIO_NET_CTRL_MAC_TABLE_SET); it keeps its previous ones",
			hw->eth->data.name, nb_uc, nb_mc);
	return ret;
}
