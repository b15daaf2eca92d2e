/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The virtio-net port against a fake transport: devices that break the
 * initialization (virtio 1.2, 3.1.1) get one clear refusal, never a port
 * that half works: a device that never acknowledges FEATURES_OK, a
 * configuration reporting 0 queue pairs, a device without queues, a legacy
 * device. A good device configures with only the features asked for.
 * Setting the MAC address: refused with -ENOTSUP without
 * VIRTIO_NET_F_CTRL_MAC_ADDR, else recorded while stopped and sent as
 * VIRTIO_NET_CTRL_MAC_ADDR_SET (5.1.6.5.2), a refusal reported.
 * Secondary addresses and the multicast list: refused with -ENOTSUP (the
 * tables kept) without VIRTIO_NET_F_CTRL_RX, else recorded while stopped;
 * VIRTIO_NET_CTRL_MAC_TABLE_SET encoded as two le32-counted tables
 * (5.1.6.5.2), a refusal reported. The rx queue's refill threshold follows
 * rx_free_thresh.
 */
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <string.h>
#include <time.h>

#include "prt_eal.h"
#include "prt_mbuf.h"
#include "prt_test.h"
#include "virtio_hw.h"
#include "virtio_net.h"
#include "virtio_rxtx.h"

struct fake {
	struct virtio_hw hw; /* first, as every transport's */
	uint64_t offered;
	uint8_t status;
	bool refuse_features_ok;
	uint16_t queue_size;
	struct virtio_net_config cfg;
	/* the control commands the driver sent (the transport answers them) */
	unsigned int nb_cmds;
	uint8_t cmd_class, cmd, cmd_data[VIRTNET_CTRL_DATA_MAX];
	size_t cmd_len;
	uint8_t ack; /* the answer: VIRTIO_NET_OK or VIRTIO_NET_ERR */
	/* commands in the transport at once now, and the most seen */
	atomic_uint inside, most_inside;
	bool slow; /* each command takes 20 us, to let two threads meet */
};

static struct fake *fake_of(struct virtio_hw *hw)
{
	return (struct fake *)hw;
}

static uint64_t f_get_features(struct virtio_hw *hw)
{
	return fake_of(hw)->offered;
}

static int f_set_features(struct virtio_hw *hw, uint64_t f)
{
	(void)hw;
	(void)f;
	return 0;
}

static uint8_t f_get_status(struct virtio_hw *hw)
{
	struct fake *d = fake_of(hw);

	return d->refuse_features_ok ? (uint8_t)(d->status & ~VIRTIO_CONFIG_S_FEATURES_OK) :
				       d->status;
}

static int f_set_status(struct virtio_hw *hw, uint8_t s)
{
	fake_of(hw)->status = s;
	return 0;
}

/* What the next resets return: 0, or -ETIMEDOUT for a device whose status never reads 0. */
static int fake_reset_ret;

static int f_reset(struct virtio_hw *hw)
{
	if (fake_reset_ret == 0)
		fake_of(hw)->status = 0;
	return fake_reset_ret;
}

static int f_read_dev_config(struct virtio_hw *hw, size_t off, void *buf, size_t len)
{
	memcpy(buf, (char *)&fake_of(hw)->cfg + off, len);
	return 0;
}

static uint16_t f_get_queue_size(struct virtio_hw *hw, uint16_t qidx)
{
	(void)qidx;
	return fake_of(hw)->queue_size;
}

static int f_setup_queue(struct virtio_hw *hw, struct virtqueue *vq)
{
	(void)hw;
	(void)vq;
	return 0;
}

static void f_notify(struct virtqueue *vq)
{
	(void)vq;
}

static int f_ctrl_cmd(struct virtio_hw *hw, uint8_t cls, uint8_t cmd, const void *data, size_t len)
{
	struct fake *d = fake_of(hw);
	unsigned int in = atomic_fetch_add(&d->inside, 1) + 1;

	if (in > atomic_load(&d->most_inside))
		atomic_store(&d->most_inside, in);
	if (d->slow)
		nanosleep(&(struct timespec){ .tv_nsec = 20000 }, NULL);
	atomic_fetch_sub(&d->inside, 1);
	d->nb_cmds++;
	d->cmd_class = cls;
	d->cmd = cmd;
	d->cmd_len = len;
	memcpy(d->cmd_data, data, len);
	return d->ack;
}

static void f_close(struct virtio_hw *hw)
{
	(void)hw;
}

static const struct virtio_ops fake_ops = {
	.name = "fake",
	.get_features = f_get_features,
	.set_features = f_set_features,
	.get_status = f_get_status,
	.set_status = f_set_status,
	.reset = f_reset,
	.read_dev_config = f_read_dev_config,
	.get_queue_size = f_get_queue_size,
	.setup_queue = f_setup_queue,
	.notify = f_notify,
	.ctrl_cmd = f_ctrl_cmd,
	.close = f_close,
};

static struct prt_eth_driver fake_driver = { .name = "net_fake" };

#define F(bit) (1ull << (bit))
#define MODERN (F(VIRTIO_F_VERSION_1) | F(VIRTIO_NET_F_MAC) | F(VIRTIO_NET_F_STATUS))

/* A port over a fake device offering @offered; the device is returned in @dp. */
static int fake_port(uint64_t offered, uint16_t pairs, uint16_t qsize, struct fake **dp)
{
	struct prt_eth_dev *dev = prt_eth_dev_allocate("net_fake0", sizeof(struct fake));
	struct fake *d;
	int ret;

	assert_non_null(dev);
	dev->driver = &fake_driver;
	d = dev->dev_private;
	d->offered = offered;
	d->queue_size = qsize;
	d->cfg.max_virtqueue_pairs = pairs;
	memcpy(d->cfg.mac, "\x52\x54\x00\x12\x34\x56", 6);
	d->hw = (struct virtio_hw){ .ops = &fake_ops, .eth = dev, .wanted_features = ~0ull };
	ret = virtio_ethdev_init(&d->hw);
	if (ret < 0) {
		prt_eth_dev_release(dev);
		return ret;
	}
	prt_eth_dev_probing_finish(dev);
	*dp = d;
	return 0;
}

static void good_device_negotiates_what_is_asked(void **state)
{
	struct prt_ether_addr mac;
	struct fake *d = NULL;

	(void)state;
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_GUEST_CSUM) | F(VIRTIO_F_RING_PACKED), 1,
				   256, &d),
			 0);
	assert_int_equal(prt_eth_dev_configure(d->hw.eth->data.port_id, 1, 1, NULL), 0);
	/* GUEST_CSUM only for an application that asked for checksum flags. */
	assert_false(d->hw.features & F(VIRTIO_NET_F_GUEST_CSUM));
	assert_true(d->hw.features & F(VIRTIO_F_RING_PACKED));
	assert_int_equal(prt_eth_macaddr_get(d->hw.eth->data.port_id, &mac), 0);
	assert_memory_equal(mac.addr_bytes, "\x52\x54\x00\x12\x34\x56", 6);
	assert_int_equal(d->status, 0); /* configure leaves the device reset */
	assert_int_equal(prt_eth_dev_close(d->hw.eth->data.port_id), 0);
}

static void features_ok_never_acknowledged(void **state)
{
	struct fake *d = NULL;
	uint16_t port;

	(void)state;
	assert_int_equal(fake_port(MODERN, 1, 256, &d), 0);
	port = d->hw.eth->data.port_id;
	d->refuse_features_ok = true;
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), -EIO);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void zero_queue_pairs_refused(void **state)
{
	struct fake *d = NULL;

	(void)state;
	assert_int_equal(
		fake_port(MODERN | F(VIRTIO_NET_F_MQ) | F(VIRTIO_NET_F_CTRL_VQ), 0, 256, &d), -EIO);
	assert_int_equal(prt_eth_dev_count_avail(), 0); /* nothing half made is left */
}

static void no_queues_refused(void **state)
{
	struct fake *d = NULL;

	(void)state;
	assert_int_equal(fake_port(MODERN, 1, 0, &d), -EIO);
	assert_int_equal(prt_eth_dev_count_avail(), 0);
}

static void legacy_device_refused(void **state)
{
	struct fake *d = NULL;

	(void)state;
	assert_int_equal(fake_port(F(VIRTIO_NET_F_MAC), 1, 256, &d), -ENOTSUP);
	assert_int_equal(prt_eth_dev_count_avail(), 0);
}

/* A device whose reset never completes is refused at probe, not used. */
static void reset_timeout_refused(void **state)
{
	struct fake *d = NULL;

	(void)state;
	fake_reset_ret = -ETIMEDOUT;
	assert_int_equal(fake_port(MODERN, 1, 256, &d), -ETIMEDOUT);
	fake_reset_ret = 0;
	assert_int_equal(prt_eth_dev_count_avail(), 0);
}

static const struct prt_ether_addr new_mac = { { 0x02, 0x00, 0x00, 0xab, 0xcd, 0xef } };

static void mac_set_without_ctrl_mac_addr_refused(void **state)
{
	struct prt_ether_addr mac = new_mac;
	struct fake *d = NULL;
	uint16_t port;

	(void)state;
	/* CTRL_MAC_ADDR offered without CTRL_VQ is no use (5.1.3.1) */
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_CTRL_MAC_ADDR), 1, 256, &d), 0);
	port = d->hw.eth->data.port_id;
	assert_int_equal(prt_eth_dev_default_mac_addr_set(port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_dev_default_mac_addr_set(port, &mac), -ENOTSUP);
	assert_int_equal(prt_eth_macaddr_get(port, &mac), 0);
	assert_memory_equal(mac.addr_bytes, "\x52\x54\x00\x12\x34\x56", 6); /* unchanged */
	assert_int_equal(virtio_net_mac_addr_set(&d->hw, new_mac.addr_bytes), -ENOTSUP);
	assert_int_equal(d->nb_cmds, 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void mac_set_sent_as_ctrl_mac_addr_set(void **state)
{
	struct prt_ether_addr mac = new_mac;
	struct fake *d = NULL;
	uint16_t port;

	(void)state;
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_CTRL_VQ) | F(VIRTIO_NET_F_CTRL_MAC_ADDR),
				   1, 256, &d),
			 0);
	port = d->hw.eth->data.port_id;
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_true(d->hw.features & F(VIRTIO_NET_F_CTRL_MAC_ADDR));
	/* stopped: recorded, sent at start */
	assert_int_equal(prt_eth_dev_default_mac_addr_set(port, &mac), 0);
	assert_int_equal(d->nb_cmds, 0);
	assert_int_equal(prt_eth_macaddr_get(port, &mac), 0);
	assert_memory_equal(mac.addr_bytes, new_mac.addr_bytes, 6);
	/* what start and a live port send: class MAC, ADDR_SET, the 6 bytes */
	d->ack = VIRTIO_NET_OK;
	assert_int_equal(virtio_net_mac_addr_set(&d->hw, new_mac.addr_bytes), 0);
	assert_int_equal(d->nb_cmds, 1);
	assert_int_equal(d->cmd_class, VIRTIO_NET_CTRL_MAC);
	assert_int_equal(d->cmd, VIRTIO_NET_CTRL_MAC_ADDR_SET);
	assert_int_equal(d->cmd_len, 6);
	assert_memory_equal(d->cmd_data, new_mac.addr_bytes, 6);
	/* a device that answers VIRTIO_NET_ERR */
	d->ack = VIRTIO_NET_ERR;
	assert_int_equal(virtio_net_mac_addr_set(&d->hw, new_mac.addr_bytes), -EIO);
	assert_int_equal(d->nb_cmds, 2);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static const struct prt_ether_addr uc1 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x01 } };
static const struct prt_ether_addr uc2 = { { 0x02, 0x00, 0x00, 0x00, 0x00, 0x02 } };
static const struct prt_ether_addr mc1 = { { 0x01, 0x00, 0x5e, 0x00, 0x00, 0xfb } };

static void mac_table_without_ctrl_rx_refused(void **state)
{
	struct prt_ether_addr a = uc1, set[] = { mc1 }, t[2];
	struct fake *d = NULL;
	uint16_t port;

	(void)state;
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_CTRL_VQ), 1, 256, &d), 0);
	port = d->hw.eth->data.port_id;
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), -ENOTSUP);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, set, 1), -ENOTSUP);
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), -ENOTSUP);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, set, 1), -ENOTSUP);
	/* nothing recorded */
	assert_int_equal(prt_eth_macaddrs_get(port, t, 2), 2);
	assert_memory_equal(&t[1], "\0\0\0\0\0\0", 6);
	assert_int_equal(d->hw.eth->data.nb_mc_addrs, 0);
	assert_int_equal(virtio_net_mac_table_set(&d->hw, &uc1, 1, NULL, 0), -ENOTSUP);
	assert_int_equal(d->nb_cmds, 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

static void mac_table_sent_as_ctrl_mac_table_set(void **state)
{
	const struct prt_ether_addr uc[] = { uc1, uc2 }, mc[] = { mc1 };
	struct prt_ether_addr a = uc1, set[] = { mc1 }, many[VIRTNET_MAC_TABLE_ENTRIES] = { 0 };
	struct fake *d = NULL;
	const uint8_t *p;
	uint16_t port;

	(void)state;
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_CTRL_VQ) | F(VIRTIO_NET_F_CTRL_RX), 1,
				   256, &d),
			 0);
	port = d->hw.eth->data.port_id;
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	/* stopped: recorded, sent at start */
	assert_int_equal(prt_eth_dev_mac_addr_add(port, &a, 0), 0);
	assert_int_equal(prt_eth_dev_set_mc_addr_list(port, set, 1), 0);
	assert_int_equal(d->nb_cmds, 0);
	/* what start and a live port send: two unicast, then one multicast address */
	d->ack = VIRTIO_NET_OK;
	assert_int_equal(virtio_net_mac_table_set(&d->hw, uc, 2, mc, 1), 0);
	assert_int_equal(d->nb_cmds, 1);
	assert_int_equal(d->cmd_class, VIRTIO_NET_CTRL_MAC);
	assert_int_equal(d->cmd, VIRTIO_NET_CTRL_MAC_TABLE_SET);
	assert_int_equal(d->cmd_len, 4 + 2 * 6 + 4 + 6);
	p = d->cmd_data;
	assert_memory_equal(p, "\x02\0\0\0", 4); /* le32 entries */
	assert_memory_equal(p + 4, &uc1, 6);
	assert_memory_equal(p + 10, &uc2, 6);
	assert_memory_equal(p + 16, "\x01\0\0\0", 4);
	assert_memory_equal(p + 20, &mc1, 6);
	/* both empty: two zero counts */
	assert_int_equal(virtio_net_mac_table_set(&d->hw, NULL, 0, NULL, 0), 0);
	assert_int_equal(d->cmd_len, 8);
	assert_memory_equal(d->cmd_data, "\0\0\0\0\0\0\0\0", 8);
	/* more than the device's 64 entries: not sent */
	assert_int_equal(virtio_net_mac_table_set(&d->hw, many, VIRTNET_MAC_TABLE_ENTRIES, mc, 1),
			 -EINVAL);
	assert_int_equal(d->nb_cmds, 2);
	/* a device that answers VIRTIO_NET_ERR */
	d->ack = VIRTIO_NET_ERR;
	assert_int_equal(virtio_net_mac_table_set(&d->hw, uc, 2, mc, 1), -EIO);
	assert_int_equal(d->nb_cmds, 3);
	assert_int_equal(prt_eth_dev_close(port), 0);
}

/*
 * A chain longer than its nb_segs says (up to 70 segments, nb_segs 2): the
 * tx path walks at most nb_segs segments into its arrays (segs on the
 * stack, the indirect table) and drops the frame, counted, instead of
 * writing past them.
 */
static void tx_chain_longer_than_nb_segs_dropped(void **state)
{
	struct prt_mempool *mp = prt_pktmbuf_pool_create(
		"tx_chain", 1024, 0, 0, 2048 + PRT_PKTMBUF_HEADROOM, PRT_SOCKET_ID_ANY);
	struct prt_mbuf *head, *last;
	struct prt_eth_stats st;
	struct fake *d = NULL;
	uint16_t port;

	(void)state;
	assert_non_null(mp);
	assert_int_equal(fake_port(MODERN | F(VIRTIO_F_INDIRECT_DESC), 1, 256, &d), 0);
	port = d->hw.eth->data.port_id;
	assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
	assert_int_equal(prt_eth_rx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL, mp), 0);
	assert_int_equal(prt_eth_tx_queue_setup(port, 0, 256, PRT_SOCKET_ID_ANY, NULL), 0);
	assert_int_equal(prt_eth_dev_start(port), 0);
	for (int lie = 0; lie < 2;
	     lie++) { /* 70 segments: past segs; 5: past the indirect table's 2 */
		head = last = prt_pktmbuf_alloc(mp);
		assert_non_null(head);
		prt_pktmbuf_append(head, 60);
		for (int k = 1; k < (lie ? 5 : 70); k++) {
			struct prt_mbuf *m = prt_pktmbuf_alloc(mp);

			assert_non_null(m);
			prt_pktmbuf_append(m, 60);
			last->next = m;
			last = m;
			head->pkt_len += 60;
		}
		head->nb_segs = 2; /* a lie */
		assert_int_equal(prt_eth_tx_burst(port, 0, &head, 1), 1);
	}
	assert_int_equal(prt_eth_stats_get(port, &st), 0);
	assert_int_equal(st.oerrors, 2);
	assert_int_equal(st.opackets, 0);
	assert_int_equal(prt_eth_dev_stop(port), 0);
	assert_int_equal(prt_eth_dev_close(port), 0);
	assert_int_equal(prt_mempool_in_use_count(mp), 0);
	prt_mempool_free(mp);
}

/*
 * The rx queue's refill threshold follows the application's rx_free_thresh
 * (1: a buffer goes back at every frame), at most a quarter of the ring;
 * the default (NULL conf: dev_info's 32) is unchanged.
 */
static void rx_free_thresh_taken(void **state)
{
	static const struct {
		uint16_t asked, ring, want;
	} cases[] = {
		{ 0, 256, 32 }, { 1, 256, 1 }, { 8, 256, 8 }, { 100, 256, 64 }, { 0, 64, 16 }
	};
	struct prt_mempool *mp = prt_pktmbuf_pool_create(
		"rx_thresh", 1024, 0, 0, 2048 + PRT_PKTMBUF_HEADROOM, PRT_SOCKET_ID_ANY);

	(void)state;
	assert_non_null(mp);
	for (unsigned int i = 0; i < PRT_DIM(cases); i++) {
		struct prt_eth_rxconf conf = { .rx_free_thresh = cases[i].asked };
		struct fake *d = NULL;
		uint16_t port;

		assert_int_equal(fake_port(MODERN, 1, cases[i].ring, &d), 0);
		port = d->hw.eth->data.port_id;
		assert_int_equal(prt_eth_dev_configure(port, 1, 1, NULL), 0);
		assert_int_equal(prt_eth_rx_queue_setup(port, 0, cases[i].ring, PRT_SOCKET_ID_ANY,
							cases[i].asked ? &conf : NULL, mp),
				 0);
		assert_int_equal(((struct virtnet_rx *)d->hw.eth->data.rx_queues[0])->free_thresh,
				 cases[i].want);
		assert_int_equal(prt_eth_dev_close(port), 0);
	}
	prt_mempool_free(mp);
}

#define CMDS_PER_THREAD 300

static void *mac_setter(void *arg)
{
	struct fake *d = arg;

	for (int i = 0; i < CMDS_PER_THREAD; i++)
		if (virtio_net_ctrl_send(&d->hw, VIRTIO_NET_CTRL_MAC, VIRTIO_NET_CTRL_MAC_ADDR_SET,
					 "\x02\0\0\0\0\x01", 6) != 0)
			return (void *)1;
	return NULL;
}

/*
 * Two threads (the application's, an event callback's on the interrupt
 * thread) issuing control commands at once: the driver hands the transport
 * one at a time, and each gets its own answer.
 */
static void ctrl_commands_serialised(void **state)
{
	struct fake *d = NULL;
	pthread_t t[2];
	void *r[2];

	(void)state;
	assert_int_equal(fake_port(MODERN | F(VIRTIO_NET_F_CTRL_VQ) | F(VIRTIO_NET_F_CTRL_MAC_ADDR),
				   1, 256, &d),
			 0);
	d->ack = VIRTIO_NET_OK;
	d->slow = true;
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_create(&t[k], NULL, mac_setter, d), 0);
	for (int k = 0; k < 2; k++)
		assert_int_equal(pthread_join(t[k], &r[k]), 0);
	assert_null(r[0]);
	assert_null(r[1]);
	assert_int_equal(d->nb_cmds, 2 * CMDS_PER_THREAD);
	assert_int_equal(atomic_load(&d->most_inside), 1);
	assert_int_equal(prt_eth_dev_close(d->hw.eth->data.port_id), 0);
}

static int eal_up(void **state)
{
	char *argv[] = { "test", "-l", "0", "--no-huge", "--no-pci", "-m", "128", NULL };

	(void)state;
	return prt_eal_init((int)PRT_DIM(argv) - 1, argv) < 0 ? -1 : 0;
}

static int eal_down(void **state)
{
	(void)state;
	return prt_eal_cleanup();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_device_negotiates_what_is_asked),
		cmocka_unit_test(features_ok_never_acknowledged),
		cmocka_unit_test(zero_queue_pairs_refused),
		cmocka_unit_test(no_queues_refused),
		cmocka_unit_test(legacy_device_refused),
		cmocka_unit_test(reset_timeout_refused),
		cmocka_unit_test(mac_set_without_ctrl_mac_addr_refused),
		cmocka_unit_test(mac_set_sent_as_ctrl_mac_addr_set),
		cmocka_unit_test(mac_table_without_ctrl_rx_refused),
		cmocka_unit_test(mac_table_sent_as_ctrl_mac_table_set),
		cmocka_unit_test(tx_chain_longer_than_nb_segs_dropped),
		cmocka_unit_test(rx_free_thresh_taken),
		cmocka_unit_test(ctrl_commands_serialised),
	};

	return cmocka_run_group_tests(tests, eal_up, eal_down);
}
