/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_igbvf: the Intel 82576 virtual function (PCI 8086:10ca), as the PF's
 * driver (Linux's igb) creates it with sriov_numvfs. The data path is the
 * PF's: advanced descriptors over the shared rings (pmd/intel_common,
 * e1000_adv.h), at the VF's own queue registers (BAR 0 0x2800/0x3800,
 * 82576 datasheet 8.26.3-4). What differs is the control path: the VF has
 * no RCTL, address or multicast tables, PHY or NVM; it asks the PF for
 * them through the mailbox (igbvf_mbx.h): its MAC address at reset, the
 * longest frame (SET_LPE), multicast hashes, (multicast) promiscuity.
 *
 * One queue pair (the VF's second is left off: QEMU's igb routes no
 * interrupt for it). MSI-X (7.3.3.2): vector 0 the mailbox, vector 1 rx
 * queue 0 with intr_conf.rxq, the layout the shared e1000_intr_start()
 * sets up. QEMU 10's igb delivers the mailbox cause of vector 0 to no
 * vector (it treats VTIVAR_MISC's vector as a mask), so the PF's messages
 * are also looked for at every link_update.
 *
 * Link: up while STATUS.LU (the PF's link) is set and the PF takes our
 * requests (CTS). A PF reset (V2PMAILBOX.RSTI/RSTD, or a PF message without
 * CTS) is counted (xstat vf_pf_resets), takes the link down (LSC), and the
 * VF redoes the RESET handshake when the PF is back; the PF's reset
 * stopped the VF's queues, so a started port must be stopped and started
 * again (the log says so).
 *
 * Counters (8.26.5): 32-bit, never cleared by reading, wrapping: each read
 * adds the difference since the last one (igbvf_stats.h).
 */
#include <errno.h>
#include <string.h>

#include "e1000_adv.h"
#include "e1000_ethdev.h"
#include "e1000_log.h"
#include "igb_regs.h"
#include "igbvf_mbx.h"
#include "igbvf_stats.h"

/** dev_private of a VF port. */
struct igbvf_adapter {
	struct e1000_adapter e; /* first: the shared code's view */
	struct igbvf_mbx mbx;
	struct igbvf_counter gprc, gptc, gorc, gotc, mprc;
	bool mbx_ready; /**< mbx initialised (its mutex exists) */
	bool pf_reset; /**< a PF reset stopped the queues: the port needs a restart */
};

static struct igbvf_adapter *vf_adapter(struct prt_eth_dev *dev)
{
	return dev->dev_private;
}

static uint32_t vf_read(void *ctx, uint32_t reg)
{
	return e1000_read(ctx, reg);
}

static void vf_write(void *ctx, uint32_t reg, uint32_t val)
{
	e1000_write(ctx, reg, val);
}

/* ---- the chip ---- */

/* The VF has no RCTL; its receive set-up is SRRCTL alone. The PF filters by size (SET_LPE). */
static uint32_t igbvf_rx_init(struct e1000_adapter *ad)
{
	e1000_adv_srrctl_write(ad);
	return 0;
}

/* VTIVAR (8.26.2.7): rx queue 0 on vector 1; VTIVAR_MISC: the mailbox on vector 0. */
static void igbvf_intr_route(struct e1000_adapter *ad, uint16_t nb_rxq_vec)
{
	uint32_t vectors = 1u;

	e1000_write(&ad->hw, IGBVF_IVAR0, nb_rxq_vec ? IGBVF_IVAR_VALID | 1u : 0);
	e1000_write(&ad->hw, IGBVF_IVAR_MISC, IGBVF_IVAR_VALID | 0u);
	if (nb_rxq_vec)
		vectors |= 1u << 1;
	e1000_write(&ad->hw, IGBVF_EIAC, vectors); /* a vector's cause clears once it fired */
	e1000_write(&ad->hw, IGBVF_EICR, 0x7u);
	e1000_write(&ad->hw, IGBVF_EIMS, 1u);
}

static void igbvf_rxq_intr(struct e1000_adapter *ad, uint16_t q, bool on)
{
	uint32_t bit = 1u << (1 + q);

	if (on) {
		e1000_write(&ad->hw, IGBVF_EICR, bit);
		e1000_write(&ad->hw, IGBVF_EIMS, bit);
	} else {
		e1000_write(&ad->hw, IGBVF_EIMC, bit);
	}
}

/* Vector 0 fired: what the PF says goes through link_update (an LSC cause to the shared handler). */
static uint32_t igbvf_other_intr(struct e1000_adapter *ad)
{
	(void)ad;
	return E1000_ICR_LSC;
}

static void igbvf_intr_off(struct e1000_adapter *ad)
{
	e1000_write(&ad->hw, IGBVF_EIMC, 0x7u);
	e1000_write(&ad->hw, IGBVF_EIAC, 0);
	e1000_write(&ad->hw, IGBVF_IVAR0, 0);
	e1000_write(&ad->hw, IGBVF_IVAR_MISC, 0);
}

/* No units to stop: each queue stops on its own (RXDCTL/TXDCTL.ENABLE). */
static void igbvf_units_off(struct e1000_adapter *ad)
{
	for (uint16_t q = 0; q < ad->dev->data.nb_rx_queues; q++)
		e1000_write(&ad->hw, e1000_rxq_reg(ad, q, E1000_QREG_XDCTL), 0);
	for (uint16_t q = 0; q < ad->dev->data.nb_tx_queues; q++)
		e1000_write(&ad->hw, e1000_txq_reg(ad, q, E1000_QREG_XDCTL), 0);
}

/* ---- the PF's answers ---- */

/* The filters the PF keeps for us, sent again after a reset handshake. */
static int filters_send(struct igbvf_adapter *vf)
{
	struct prt_eth_dev *dev = vf->e.dev;
	int ret;

	ret = igbvf_mbx_set_lpe(&vf->mbx, (uint32_t)dev->data.mtu + PRT_ETHER_HDR_CRC_LEN + 4);
	if (ret < 0)
		return ret;
	if (dev->data.all_multicast || dev->data.promiscuous) {
		ret = igbvf_mbx_set_promisc(&vf->mbx, IGBVF_PROMISC_MULTICAST);
		if (ret == -ENOTSUP)
			E1000_LOG(WARNING, "port %u (%s): the PF refuses multicast promiscuity",
				  dev->data.port_id, dev->data.name);
	}
	return 0;
}

/* The RESET handshake; the PF's address for us becomes the port's when it has one. */
static int vf_reset(struct igbvf_adapter *vf)
{
	struct prt_eth_dev *dev = vf->e.dev;
	uint8_t mac[PRT_ETHER_ADDR_LEN];
	int ret = igbvf_mbx_reset(&vf->mbx, mac);

	if (ret < 0)
		return ret;
	if (prt_is_valid_assigned_ether_addr((struct prt_ether_addr *)mac)) {
		memcpy(dev->data.mac_addr.addr_bytes, mac, sizeof(mac));
		return 0;
	}
	if (!prt_is_valid_assigned_ether_addr(&dev->data.mac_addr)) {
		E1000_LOG(ERR,
			  "%s: the PF gave this VF no MAC address; give it one on the PF's host: "
			  "ip link set PFDEV vf N mac 02:..",
			  vf->e.pdev->name);
		return -EADDRNOTAVAIL;
	}
	/* ours from before (a PF reset forgot it): ask for it again */
	return igbvf_mbx_set_mac(&vf->mbx, dev->data.mac_addr.addr_bytes);
}

static int igbvf_hw_init(struct e1000_adapter *ad)
{
	struct igbvf_adapter *vf = (struct igbvf_adapter *)ad;
	const struct igbvf_mbx_io io = { .read = vf_read, .write = vf_write, .ctx = &ad->hw };
	int ret;

	ret = igbvf_mbx_init(&vf->mbx, &io, ad->pdev->name);
	if (ret < 0)
		return ret;
	vf->mbx_ready = true;
	ret = vf_reset(vf);
	if (ret < 0)
		return ret;
	igbvf_counter_init(&vf->gprc, e1000_read(&ad->hw, IGBVF_VFGPRC));
	igbvf_counter_init(&vf->gptc, e1000_read(&ad->hw, IGBVF_VFGPTC));
	igbvf_counter_init(&vf->gorc, e1000_read(&ad->hw, IGBVF_VFGORC));
	igbvf_counter_init(&vf->gotc, e1000_read(&ad->hw, IGBVF_VFGOTC));
	igbvf_counter_init(&vf->mprc, e1000_read(&ad->hw, IGBVF_VFMPRC));
	return 0;
}

/* ---- link ---- */

/*
 * What the PF did on its own (igbvf_mbx_poll()): a PF reset stopped a
 * started port's queues; it stays down until restarted (dev_start redoes
 * the RESET handshake: meanwhile the PF may be down and not answer).
 */
static void pf_events_check(struct igbvf_adapter *vf)
{
	struct prt_eth_dev *dev = vf->e.dev;
	unsigned int ev = igbvf_mbx_poll(&vf->mbx);

	if ((ev & IGBVF_MBX_EV_RESET) && dev->data.started && !vf->pf_reset) {
		vf->pf_reset = true;
		E1000_LOG(ERR,
			  "port %u (%s): the PF reset, which stopped this VF's queues: stop and "
			  "start the port",
			  dev->data.port_id, dev->data.name);
	}
}

static int igbvf_link_update(struct prt_eth_dev *dev, int wait_to_complete)
{
	struct igbvf_adapter *vf = vf_adapter(dev);
	uint32_t status;

	(void)wait_to_complete;
	e1000_health_check(&vf->e);
	if (vf->e.broken) {
		prt_eth_linkstatus_set(dev, &(struct prt_eth_link){ 0 });
		return 0;
	}
	pf_events_check(vf);
	status = e1000_read(&vf->e.hw, IGBVF_STATUS);
	if (status == UINT32_MAX) {
		e1000_health_check(&vf->e);
		return -ENODEV;
	}
	bool up = (status & E1000_STATUS_LU) && vf->mbx.cts && !vf->pf_reset;
	prt_eth_linkstatus_set(dev, &(struct prt_eth_link){
					    .link_speed = up ? PRT_ETH_SPEED_NUM_1G : 0,
					    .link_duplex = up && (status & E1000_STATUS_FD),
					    .link_autoneg = 1,
					    .link_status = up,
				    });
	return 0;
}

/* ---- start and stop ---- */

static int igbvf_dev_start(struct prt_eth_dev *dev)
{
	struct igbvf_adapter *vf = vf_adapter(dev);
	int ret;

	if (vf->e.broken)
		return -EIO;
	if (vf->pf_reset || !vf->mbx.cts) {
		ret = vf_reset(vf); /* the queues come back from reset below */
		if (ret < 0)
			return ret;
		vf->pf_reset = false;
	}
	ret = filters_send(vf);
	if (ret < 0)
		return ret;
	e1000_rx_setup(&vf->e);
	ret = e1000_tx_queues_start(&vf->e);
	if (ret == 0)
		ret = e1000_rx_queues_start(&vf->e);
	if (ret == 0)
		ret = e1000_intr_start(&vf->e);
	if (ret < 0) {
		e1000_intr_stop(&vf->e);
		igbvf_units_off(&vf->e);
		e1000_queues_stop(&vf->e);
	}
	return ret;
}

static int igbvf_dev_stop(struct prt_eth_dev *dev)
{
	struct igbvf_adapter *vf = vf_adapter(dev);

	e1000_intr_stop(&vf->e);
	if (e1000_hw_alive(&vf->e.hw))
		igbvf_units_off(&vf->e);
	e1000_queues_stop(&vf->e);
	return 0;
}

static int igbvf_dev_close(struct prt_eth_dev *dev)
{
	struct igbvf_adapter *vf = vf_adapter(dev);

	/* VF reset: its queues and interrupts off, and the PF forgets our filters. */
	if (!vf->e.broken && !vf->e.pdev->removed && e1000_hw_alive(&vf->e.hw))
		e1000_write(&vf->e.hw, IGBVF_CTRL, IGBVF_CTRL_RST);
	if (vf->mbx_ready)
		igbvf_mbx_fini(&vf->mbx);
	vf->mbx_ready = false;
	vf->e.pdev->driver_data = NULL;
	return 0;
}

/* ---- filters, through the PF ---- */

static int rx_mode_send(struct prt_eth_dev *dev)
{
	struct igbvf_adapter *vf = vf_adapter(dev);
	uint32_t flags = 0;
	int ret;

	if (dev->data.promiscuous)
		flags |= IGBVF_PROMISC_UNICAST | IGBVF_PROMISC_MULTICAST;
	else if (dev->data.all_multicast)
		flags |= IGBVF_PROMISC_MULTICAST;
	ret = igbvf_mbx_set_promisc(&vf->mbx, flags);
	if (ret == -ENOTSUP)
		E1000_LOG(WARNING,
			  "port %u (%s): the PF does not allow %s promiscuity to this VF "
			  "(Linux's igb allows multicast only)",
			  dev->data.port_id, dev->data.name,
			  (flags & IGBVF_PROMISC_UNICAST) ? "unicast" : "multicast");
	return ret;
}

static int igbvf_promiscuous_enable(struct prt_eth_dev *dev)
{
	int ret;

	dev->data.promiscuous = true;
	ret = rx_mode_send(dev);
	if (ret < 0)
		dev->data.promiscuous = false;
	return ret;
}

static int igbvf_promiscuous_disable(struct prt_eth_dev *dev)
{
	dev->data.promiscuous = false;
	return rx_mode_send(dev);
}

static int igbvf_allmulticast_enable(struct prt_eth_dev *dev)
{
	int ret;

	dev->data.all_multicast = true;
	ret = rx_mode_send(dev);
	if (ret < 0)
		dev->data.all_multicast = false;
	return ret;
}

static int igbvf_allmulticast_disable(struct prt_eth_dev *dev)
{
	dev->data.all_multicast = false;
	return rx_mode_send(dev);
}

static int igbvf_mac_addr_set(struct prt_eth_dev *dev, struct prt_ether_addr *addr)
{
	int ret = igbvf_mbx_set_mac(&vf_adapter(dev)->mbx, addr->addr_bytes);

	if (ret == -EPERM)
		E1000_LOG(ERR,
			  "port %u (%s): the PF refuses a new MAC address: the PF's host set this "
			  "VF's (ip link set PFDEV vf N mac ...)",
			  dev->data.port_id, dev->data.name);
	return ret;
}

static int igbvf_set_mc_addr_list(struct prt_eth_dev *dev, struct prt_ether_addr *mc_addr_set,
				  uint32_t nb_mc_addr)
{
	uint8_t addrs[IGBVF_MC_HASH_MAX * PRT_ETHER_ADDR_LEN];

	if (nb_mc_addr > IGBVF_MC_HASH_MAX) {
		E1000_LOG(ERR,
			  "port %u (%s): a VF's PF takes at most %u multicast addresses, not %u",
			  dev->data.port_id, dev->data.name, IGBVF_MC_HASH_MAX, nb_mc_addr);
		return -ENOSPC;
	}
	for (uint32_t i = 0; i < nb_mc_addr; i++)
		memcpy(&addrs[i * PRT_ETHER_ADDR_LEN], mc_addr_set[i].addr_bytes,
		       PRT_ETHER_ADDR_LEN);
	return igbvf_mbx_set_multicast(&vf_adapter(dev)->mbx, addrs, nb_mc_addr);
}

static int igbvf_mtu_set(struct prt_eth_dev *dev, uint16_t mtu)
{
	/* the longest frame: MTU + header + CRC + a VLAN tag */
	int ret =
		igbvf_mbx_set_lpe(&vf_adapter(dev)->mbx, (uint32_t)mtu + PRT_ETHER_HDR_CRC_LEN + 4);

	if (ret < 0)
		return ret == -EPERM ? -EINVAL : ret;
	dev->data.mtu = mtu;
	e1000_rxq_frame_limit_set(dev);
	return 0;
}

/* ---- statistics (8.26.5) ---- */

static void counters_update(struct igbvf_adapter *vf)
{
	struct e1000_hw *hw = &vf->e.hw;

	if (vf->e.broken || !e1000_hw_alive(hw))
		return;
	igbvf_counter_update(&vf->gprc, e1000_read(hw, IGBVF_VFGPRC));
	igbvf_counter_update(&vf->gptc, e1000_read(hw, IGBVF_VFGPTC));
	igbvf_counter_update(&vf->gorc, e1000_read(hw, IGBVF_VFGORC));
	igbvf_counter_update(&vf->gotc, e1000_read(hw, IGBVF_VFGOTC));
	igbvf_counter_update(&vf->mprc, e1000_read(hw, IGBVF_VFMPRC));
}

static int igbvf_stats_get(struct prt_eth_dev *dev, struct prt_eth_stats *stats)
{
	struct igbvf_adapter *vf = vf_adapter(dev);

	e1000_health_check(&vf->e);
	if (!vf->e.broken)
		pf_events_check(vf); /* QEMU's igb sends no mailbox interrupt: look here too */
	counters_update(vf);
	/* octets with the CRC, as the PF's GORC/GOTC (e1000_stats.h): prt's bytes are without */
	stats->ipackets = vf->gprc.total;
	stats->opackets = vf->gptc.total;
	stats->ibytes = vf->gorc.total - PRT_MIN(vf->gorc.total, 4 * vf->gprc.total);
	stats->obytes = vf->gotc.total - PRT_MIN(vf->gotc.total, 4 * vf->gptc.total);
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		stats->ierrors += prt_eth_counter_read(&rxq->errors);
		stats->q_ipackets[q] = prt_eth_counter_read(&rxq->packets);
		stats->q_ibytes[q] = prt_eth_counter_read(&rxq->bytes);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		stats->oerrors += prt_eth_counter_read(&txq->errors);
		stats->q_opackets[q] = prt_eth_counter_read(&txq->packets);
		stats->q_obytes[q] = prt_eth_counter_read(&txq->bytes);
	}
	return 0;
}

static int igbvf_stats_reset(struct prt_eth_dev *dev)
{
	struct igbvf_adapter *vf = vf_adapter(dev);

	counters_update(vf);
	vf->gprc.total = vf->gptc.total = vf->gorc.total = vf->gotc.total = vf->mprc.total = 0;
	for (uint16_t q = 0; q < dev->data.nb_rx_queues; q++) {
		struct e1000_rx_queue *rxq = dev->data.rx_queues[q];

		prt_atomic_store(&rxq->packets, 0, memory_order_relaxed);
		prt_atomic_store(&rxq->bytes, 0, memory_order_relaxed);
		prt_atomic_store(&rxq->errors, 0, memory_order_relaxed);
	}
	for (uint16_t q = 0; q < dev->data.nb_tx_queues; q++) {
		struct e1000_tx_queue *txq = dev->data.tx_queues[q];

		prt_atomic_store(&txq->packets, 0, memory_order_relaxed);
		prt_atomic_store(&txq->bytes, 0, memory_order_relaxed);
		prt_atomic_store(&txq->errors, 0, memory_order_relaxed);
	}
	return 0;
}

static const char *const xstat_names[] = {
	"vf_rx_good_packets",
	"vf_tx_good_packets",
	"vf_rx_good_bytes",
	"vf_tx_good_bytes",
	"vf_rx_multicast_packets",
	"vf_mbx_requests",
	"vf_mbx_pf_messages",
	"vf_mbx_timeouts",
	"vf_mbx_nacks",
	"vf_mbx_bad_replies",
	"vf_pf_resets",
};

static int igbvf_xstats_get_names(struct prt_eth_dev *dev, struct prt_eth_xstat_name *names,
				  unsigned int n)
{
	(void)dev;
	if (names == NULL || n < PRT_DIM(xstat_names))
		return (int)PRT_DIM(xstat_names);
	for (unsigned int i = 0; i < PRT_DIM(xstat_names); i++)
		snprintf(names[i].name, sizeof(names[i].name), "%s", xstat_names[i]);
	return (int)PRT_DIM(xstat_names);
}

static int igbvf_xstats_get(struct prt_eth_dev *dev, struct prt_eth_xstat *xstats, unsigned int n)
{
	struct igbvf_adapter *vf = vf_adapter(dev);
	const struct igbvf_mbx_stats *m = &vf->mbx.stats;
	uint64_t v[PRT_DIM(xstat_names)];

	if (xstats == NULL || n < PRT_DIM(xstat_names))
		return (int)PRT_DIM(xstat_names);
	counters_update(vf);
	v[0] = vf->gprc.total;
	v[1] = vf->gptc.total;
	v[2] = vf->gorc.total;
	v[3] = vf->gotc.total;
	v[4] = vf->mprc.total;
	v[5] = m->requests;
	v[6] = m->pf_messages;
	v[7] = m->timeouts;
	v[8] = m->nacks;
	v[9] = m->bad_replies;
	v[10] = m->pf_resets;
	for (unsigned int i = 0; i < PRT_DIM(xstat_names); i++)
		xstats[i].value = v[i];
	return (int)PRT_DIM(xstat_names);
}

static const struct prt_eth_dev_ops igbvf_eth_ops = {
	.dev_configure = e1000_dev_configure,
	.dev_start = igbvf_dev_start,
	.dev_stop = igbvf_dev_stop,
	.dev_close = igbvf_dev_close,
	.dev_infos_get = e1000_dev_infos_get,
	.rx_queue_setup = e1000_rx_queue_setup,
	.tx_queue_setup = e1000_tx_queue_setup,
	.rx_queue_release = e1000_rx_queue_release,
	.tx_queue_release = e1000_tx_queue_release,
	.link_update = igbvf_link_update,
	.promiscuous_enable = igbvf_promiscuous_enable,
	.promiscuous_disable = igbvf_promiscuous_disable,
	.allmulticast_enable = igbvf_allmulticast_enable,
	.allmulticast_disable = igbvf_allmulticast_disable,
	.mac_addr_set = igbvf_mac_addr_set,
	.set_mc_addr_list = igbvf_set_mc_addr_list,
	.mtu_set = igbvf_mtu_set,
	.stats_get = igbvf_stats_get,
	.stats_reset = igbvf_stats_reset,
	.xstats_get = igbvf_xstats_get,
	.xstats_get_names = igbvf_xstats_get_names,
	.xstats_reset = igbvf_stats_reset,
	.rx_queue_intr_enable = e1000_rx_queue_intr_enable,
	.rx_queue_intr_disable = e1000_rx_queue_intr_disable,
	.rx_queue_intr_fd = e1000_rx_queue_intr_fd,
	.rx_queue_intr_ack = e1000_rx_queue_intr_ack,
};

static const struct e1000_chip igbvf_chip = {
	.eth_driver = { .name = "net_igbvf" },
	.model = "82576 VF",
	.bar0_len = IGBVF_BAR0_LEN,
	.priv_size = sizeof(struct igbvf_adapter),
	.ops = &igbvf_eth_ops,
	.hw_init = igbvf_hw_init,
	.max_queues = IGBVF_NB_QUEUES,
	.reta_queues = 1,
	.rx_base = IGBVF_RDBAL(0),
	.tx_base = IGBVF_TDBAL(0),
	.queue_stride = IGBVF_QUEUE_STRIDE,
	.tx_cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_DEXT | IGB_ADVTXD_DTYP_DATA,
	.tx_paylen_shift = IGB_ADVTXD_PAYLEN_SHIFT,
	.min_rx_buf = 1024,
	.max_rx_pktlen = 9018 + 4,
	.rss_hf = 0,
	.rx_buf_size = e1000_adv_rx_buf_size,
	.rx_init = igbvf_rx_init,
	.rx_queue_enable = e1000_adv_rx_queue_enable,
	.tx_queue_enable = e1000_adv_tx_queue_enable,
	.intr_route = igbvf_intr_route,
	.rxq_intr = igbvf_rxq_intr,
	.other_intr = igbvf_other_intr,
	.intr_off = igbvf_intr_off,
	.units_off = igbvf_units_off,
};

static int igbvf_probe(struct prt_pci_driver *drv, struct prt_pci_device *pdev)
{
	(void)drv;
	return e1000_eth_probe(&igbvf_chip, pdev);
}

static const struct prt_pci_id igbvf_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10ca) }, /* 82576 VF */
	{ .vendor_id = 0 },
};

static struct prt_pci_driver igbvf_pci_driver = {
	.name = "net_igbvf",
	.id_table = igbvf_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_LSC | PRT_PCI_DRV_INTR_RMV,
	.probe = igbvf_probe,
	.remove = e1000_eth_remove,
};

PRT_PCI_DRIVER_REGISTER(igbvf_pci_driver)
