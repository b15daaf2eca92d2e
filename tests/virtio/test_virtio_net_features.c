/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * virtio-net feature negotiation (pmd/virtio/virtio_net.c): only features
 * both sides offer, dependencies of 5.1.3.1 enforced (CTRL_RX, MQ and
 * CTRL_MAC_ADDR need CTRL_VQ), legacy devices refused,
 * and the names the negotiated set is logged with.
 */
#include <errno.h>
#include <string.h>

#include "prt_test.h"
#include "virtio_net.h"

#define BIT(b) (1ull << (b))

static void test_intersection(void **state)
{
	uint64_t dev = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MAC) | BIT(VIRTIO_NET_F_STATUS) |
		       BIT(VIRTIO_NET_F_MRG_RXBUF) | BIT(VIRTIO_F_IN_ORDER) |
		       BIT(VIRTIO_NET_F_CSUM) | BIT(VIRTIO_F_NOTIFICATION_DATA);
	uint64_t got = 0;

	(void)state;
	assert_int_equal(virtio_net_negotiate(dev, VIRTIO_NET_DRIVER_FEATURES, &got), 0);
	/* NOTIFICATION_DATA is offered but prt does not ask for it */
	assert_int_equal(got, dev & ~BIT(VIRTIO_F_NOTIFICATION_DATA));
	assert_true(got & BIT(VIRTIO_F_IN_ORDER));
	/* the user turned in-order use off (net_virtio_user's in_order=0) */
	assert_int_equal(virtio_net_negotiate(
				 dev, VIRTIO_NET_DRIVER_FEATURES & ~BIT(VIRTIO_F_IN_ORDER), &got),
			 0);
	assert_false(got & BIT(VIRTIO_F_IN_ORDER));
	/* the user turned mergeable buffers off */
	assert_int_equal(
		virtio_net_negotiate(dev, VIRTIO_NET_DRIVER_FEATURES & ~BIT(VIRTIO_NET_F_MRG_RXBUF),
				     &got),
		0);
	assert_false(got & BIT(VIRTIO_NET_F_MRG_RXBUF));
}

static void test_mq_needs_ctrl_vq(void **state)
{
	uint64_t dev = BIT(VIRTIO_F_VERSION_1) | BIT(VIRTIO_NET_F_MQ) | BIT(VIRTIO_NET_F_CTRL_RX) |
		       BIT(VIRTIO_NET_F_CTRL_MAC_ADDR);
	uint64_t got = 0;

	(void)state;
	assert_int_equal(virtio_net_negotiate(dev, VIRTIO_NET_DRIVER_FEATURES, &got), 0);
	assert_int_equal(got, BIT(VIRTIO_F_VERSION_1));
	dev |= BIT(VIRTIO_NET_F_CTRL_VQ);
	assert_int_equal(virtio_net_negotiate(dev, VIRTIO_NET_DRIVER_FEATURES, &got), 0);
	assert_int_equal(got, dev);
}

static void test_legacy_refused(void **state)
{
	uint64_t got = 7;

	(void)state;
	assert_int_equal(virtio_net_negotiate(BIT(VIRTIO_NET_F_MAC), VIRTIO_NET_DRIVER_FEATURES,
					      &got),
			 -ENOTSUP);
	assert_int_equal(got, 7);
}

static void test_names(void **state)
{
	char buf[256], small[8];

	(void)state;
	assert_string_equal(virtio_net_features_str(BIT(VIRTIO_NET_F_MAC) |
							    BIT(VIRTIO_F_VERSION_1) |
							    BIT(VIRTIO_F_RING_PACKED) | BIT(60),
						    buf, sizeof(buf)),
			    "MAC VERSION_1 RING_PACKED bit60");
	assert_string_equal(virtio_net_features_str(0, buf, sizeof(buf)), "");
	virtio_net_features_str(BIT(VIRTIO_NET_F_GUEST_CSUM) | BIT(VIRTIO_NET_F_MRG_RXBUF), small,
				sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_intersection),
		cmocka_unit_test(test_mq_needs_ctrl_vq),
		cmocka_unit_test(test_legacy_refused),
		cmocka_unit_test(test_names),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
