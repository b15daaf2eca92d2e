/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net (virtio 1.2, 5.1): which features to use, and their names for
 * the log. The port operations on top of the transports join this file as
 * the ethdev layer lands.
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "virtio_logs.h"
#include "virtio_net.h"

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
		f &= ~((1ull << VIRTIO_NET_F_CTRL_RX) | (1ull << VIRTIO_NET_F_MQ));
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
