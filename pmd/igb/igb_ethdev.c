/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_igb: the Intel 82576 (PCI 8086:10c9; QEMU 8.0+ -device igb). What
 * this controller does its own way: advanced one-buffer receive and
 * advanced data transmit descriptors, SRRCTL buffer sizes in 1 KB steps,
 * queues that run only once their RXDCTL/TXDCTL.ENABLE reads back set, RSS
 * over up to 8 queues, and MSI-X through GPIE, IVAR and the extended
 * interrupt registers (EICR/EIMS/EIMC/EIAC). The rest of the port is
 * pmd/intel_common/e1000_ethdev.c. Sections: Intel 82576 GbE Controller
 * Datasheet.
 */
#include "e1000_adv.h"
#include "e1000_ethdev.h"
#include "e1000_log.h"
#include "igb_regs.h"

static uint32_t igb_rx_init(struct e1000_adapter *ad)
{
	struct prt_eth_dev *dev = ad->dev;

	/* Per queue (8.10.9): advanced one-buffer descriptors, buffer size, drop when full. */
	e1000_adv_srrctl_write(ad);
	/* RCTL.LPE with RLPML (8.10.5): the longest frame, CRC included, is MTU + 18. */
	e1000_write(&ad->hw, IGB_RLPML, dev->data.mtu + PRT_ETHER_HDR_CRC_LEN);
	return E1000_RCTL_LPE;
}

static uint32_t igb_mrqc(uint64_t rss_hf)
{
	uint32_t mrqc = IGB_MRQC_ENABLE_RSS;

	if (rss_hf & PRT_ETH_RSS_IPV4)
		mrqc |= IGB_MRQC_RSS_IPV4;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV4_TCP)
		mrqc |= IGB_MRQC_RSS_TCP_IPV4;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV4_UDP)
		mrqc |= IGB_MRQC_RSS_UDP_IPV4;
	if (rss_hf & PRT_ETH_RSS_IPV6)
		mrqc |= IGB_MRQC_RSS_IPV6 | IGB_MRQC_RSS_IPV6_EX;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV6_TCP)
		mrqc |= IGB_MRQC_RSS_TCP_IPV6 | IGB_MRQC_RSS_TCP_IPV6_EX;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV6_UDP)
		mrqc |= IGB_MRQC_RSS_UDP_IPV6 | IGB_MRQC_RSS_UDP_IPV6_EX;
	return mrqc;
}

/* RETA entry (8.10.17): the queue index in the low bits. */
static uint8_t igb_reta_entry(uint16_t q)
{
	return (uint8_t)q;
}

/*
 * MSI-X (7.3.3): GPIE.MSIX_MODE sends causes to EICR bits through IVAR:
 * the other causes (link) to vector 0 (IVAR_MISC), rx queue q to vector
 * 1 + q (IVAR0). EIAC clears a vector's EICR bit once its message went out;
 * EIAC is writable only in MSI-X mode, so GPIE comes first. NSICR lets a
 * read of ICR clear it.
 */
static void igb_intr_route(struct e1000_adapter *ad, uint16_t nb_rxq_vec)
{
	uint32_t ivar[IGB_NB_RSS_QUEUES] = { 0 };
	uint32_t vectors = 1u;

	e1000_write(&ad->hw, IGB_GPIE, IGB_GPIE_MSIX_MODE | IGB_GPIE_NSICR | IGB_GPIE_PBA);
	for (uint16_t q = 0; q < nb_rxq_vec; q++) {
		ivar[q % IGB_NB_RSS_QUEUES] |= (IGB_IVAR_VALID | (1u + q)) << IGB_IVAR_RX_SHIFT(q);
		vectors |= 1u << (1 + q);
	}
	for (unsigned int n = 0; n < IGB_NB_RSS_QUEUES; n++)
		e1000_write(&ad->hw, IGB_IVAR0(n), ivar[n]);
	e1000_write(&ad->hw, IGB_IVAR_MISC, (IGB_IVAR_VALID | 0u) << IGB_IVAR_MISC_OTHER_SHIFT);
	e1000_write(&ad->hw, IGB_EIAC, vectors);
	(void)e1000_read(&ad->hw, E1000_ICR);
	e1000_write(&ad->hw, IGB_EICR, UINT32_MAX); /* causes latched before: forgotten */
	e1000_write(&ad->hw, E1000_IMS, E1000_ICR_LSC);
	e1000_write(&ad->hw, IGB_EIMS, 1u);
}

static void igb_rxq_intr(struct e1000_adapter *ad, uint16_t q, bool on)
{
	uint32_t bit = 1u << (1 + q);

	if (on) {
		/* A cause latched while disarmed would fire at once: clear it (write 1). */
		e1000_write(&ad->hw, IGB_EICR, bit);
		e1000_write(&ad->hw, IGB_EIMS, bit);
	} else {
		e1000_write(&ad->hw, IGB_EIMC, bit);
	}
}

/* ICR clears on read (GPIE.NSICR); vector 0 stays armed in EIMS. */
static uint32_t igb_other_intr(struct e1000_adapter *ad)
{
	return e1000_read(&ad->hw, E1000_ICR);
}

static void igb_intr_off(struct e1000_adapter *ad)
{
	e1000_write(&ad->hw, IGB_EIMC, UINT32_MAX);
	e1000_write(&ad->hw, E1000_IMC, UINT32_MAX);
	e1000_write(&ad->hw, IGB_EIAC, 0);
	e1000_write(&ad->hw, IGB_GPIE, 0);
	e1000_write_flush(&ad->hw);
}

static const struct e1000_chip igb_chip = {
	.eth_driver = { .name = "net_igb" },
	.model = "82576",
	.bar0_len = 128 * 1024, /* 8.1 */
	.max_queues = IGB_NB_RSS_QUEUES,
	.reta_queues = IGB_NB_RSS_QUEUES,
	.rx_base = IGB_RDBAL(0),
	.tx_base = IGB_TDBAL(0),
	.queue_stride = IGB_RDBAL(1) - IGB_RDBAL(0),
	/* Advanced data descriptors (7.2.2.3); PAYLEN in olinfo_status. */
	.tx_cmd = E1000_TXD_CMD_IFCS | E1000_TXD_CMD_DEXT | IGB_ADVTXD_DTYP_DATA,
	.tx_paylen_shift = IGB_ADVTXD_PAYLEN_SHIFT,
	.min_rx_buf = 1024,
	.max_rx_pktlen = 9018 + 4, /* jumbo frames of 9018 bytes, with a VLAN tag */
	.rss_hf = PRT_ETH_RSS_IPV4 | PRT_ETH_RSS_NONFRAG_IPV4_TCP | PRT_ETH_RSS_NONFRAG_IPV4_UDP |
		  PRT_ETH_RSS_IPV6 | PRT_ETH_RSS_NONFRAG_IPV6_TCP | PRT_ETH_RSS_NONFRAG_IPV6_UDP,
	.rx_buf_size = e1000_adv_rx_buf_size,
	.rx_init = igb_rx_init,
	.rx_queue_enable = e1000_adv_rx_queue_enable,
	.tx_queue_enable = e1000_adv_tx_queue_enable,
	.mrqc = igb_mrqc,
	.reta_entry = igb_reta_entry,
	.intr_route = igb_intr_route,
	.rxq_intr = igb_rxq_intr,
	.other_intr = igb_other_intr,
	.intr_off = igb_intr_off,
};

static int igb_probe(struct prt_pci_driver *drv, struct prt_pci_device *pdev)
{
	(void)drv;
	return e1000_eth_probe(&igb_chip, pdev);
}

static const struct prt_pci_id igb_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10c9) }, /* 82576 */
	{ .vendor_id = 0 },
};

static struct prt_pci_driver igb_pci_driver = {
	.name = "net_igb",
	.id_table = igb_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_LSC | PRT_PCI_DRV_INTR_RMV,
	.probe = igb_probe,
	.remove = e1000_eth_remove,
};

PRT_PCI_DRIVER_REGISTER(igb_pci_driver)
