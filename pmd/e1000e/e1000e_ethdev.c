/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * net_e1000e: the Intel 82574L (PCI 8086:10d3; QEMU -device e1000e). What
 * this controller does its own way: extended receive descriptors and the
 * RCTL buffer sizes, legacy transmit descriptors, two queue pairs with RSS
 * over them, and MSI-X through IVAR and the MSI-X mode of ICR/IMS. The rest
 * of the port is pmd/intel_common/e1000_ethdev.c. Sections: Intel 82574 GbE
 * Controller Family Datasheet.
 */
#include <errno.h>

#include "e1000_ethdev.h"
#include "e1000e_regs.h"

/* Receive buffer sizes RCTL.BSIZE offers with BSEX = 0 (10.2.5.1), largest first. */
static const struct {
	uint32_t len;
	uint32_t bsize;
} rx_bsizes[] = {
	{ 2048, E1000_RCTL_BSIZE_2048 },
	{ 1024, E1000_RCTL_BSIZE_1024 },
	{ 512, E1000_RCTL_BSIZE_512 },
	{ 256, E1000_RCTL_BSIZE_256 },
};

static uint32_t e1000e_rx_buf_size(uint32_t room)
{
	for (unsigned int i = 0; i < PRT_DIM(rx_bsizes); i++)
		if (rx_bsizes[i].len <= room)
			return rx_bsizes[i].len;
	return 0; /* not reached: dev_info.min_rx_bufsize is 256 */
}

static uint32_t e1000e_rx_init(struct e1000_adapter *ad)
{
	uint32_t rctl = 0;

	/* Extended receive descriptors (7.1.4): RFCTL.EXTEN; RSS needs them. */
	e1000_write(&ad->hw, E1000_RFCTL, e1000_read(&ad->hw, E1000_RFCTL) | E1000_RFCTL_EXTEN);
	for (unsigned int i = 0; i < PRT_DIM(rx_bsizes); i++)
		if (rx_bsizes[i].len == ad->rx_buf_len)
			rctl = rx_bsizes[i].bsize;
	/* Frames over 1522 bytes only with LPE (10.2.5.1); they span descriptors. */
	if (ad->dev->data.mtu + PRT_ETHER_HDR_CRC_LEN > PRT_ETHER_MAX_LEN)
		rctl |= E1000_RCTL_LPE;
	return rctl;
}

/* The 82574 has no per-queue receive enable: RCTL.EN starts both queues. */
static int e1000e_rx_queue_enable(struct e1000_adapter *ad, uint16_t q)
{
	(void)ad;
	(void)q;
	return 0;
}

static int e1000e_tx_queue_enable(struct e1000_adapter *ad, uint16_t q)
{
	/* TXDCTL (10.2.6.9): thresholds in descriptors; bit 22 must be written 1. */
	e1000_write(&ad->hw, E1000E_TXDCTL(q), E1000E_TXDCTL_GRAN | E1000E_TXDCTL_COUNT_DESC);
	/* TARC.ENABLE (10.2.6.13): reset sets it; QEMU's model sends nothing without it. */
	e1000_write(&ad->hw, E1000E_TARC(q),
		    e1000_read(&ad->hw, E1000E_TARC(q)) | E1000E_TARC_ENABLE);
	return 0;
}

static uint32_t e1000e_mrqc(uint64_t rss_hf)
{
	uint32_t mrqc = E1000E_MRQC_ENABLE_RSS;

	if (rss_hf & PRT_ETH_RSS_IPV4)
		mrqc |= E1000E_MRQC_RSS_IPV4;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV4_TCP)
		mrqc |= E1000E_MRQC_RSS_TCP_IPV4;
	if (rss_hf & PRT_ETH_RSS_IPV6)
		mrqc |= E1000E_MRQC_RSS_IPV6 | E1000E_MRQC_RSS_IPV6_EX;
	if (rss_hf & PRT_ETH_RSS_NONFRAG_IPV6_TCP)
		mrqc |= E1000E_MRQC_RSS_TCP_IPV6;
	return mrqc;
}

/* RETA entry (10.2.5.23): bit 7 is the queue. */
static uint8_t e1000e_reta_entry(uint16_t q)
{
	return (uint8_t)((q & 1) << E1000E_RETA_QUEUE_SHIFT);
}

/*
 * MSI-X (7.4.2): IVAR sends OTHER to vector 0 and rx queue q to vector
 * 1 + q (the transmit causes to none). EIAC clears a cause once its message
 * went out and, without CTRL_EXT.IAME, its IMS bit too: every interrupt is
 * one-shot, and whoever waits re-arms it.
 */
static void e1000e_intr_route(struct e1000_adapter *ad, uint16_t nb_rxq_vec)
{
	uint32_t ivar = (E1000E_IVAR_VALID | 0u) << E1000E_IVAR_OTHER_SHIFT;
	uint32_t eiac = E1000E_ICR_OTHER;
	uint32_t ctrl_ext = e1000_read(&ad->hw, E1000_CTRL_EXT);

	for (uint16_t q = 0; q < nb_rxq_vec; q++) {
		ivar |= (E1000E_IVAR_VALID | (1u + q)) << E1000E_IVAR_RXQ_SHIFT(q);
		eiac |= E1000E_ICR_RXQ(q);
	}
	ctrl_ext &= ~(E1000E_CTRL_EXT_IAME | E1000E_CTRL_EXT_EIAME);
	e1000_write(&ad->hw, E1000_CTRL_EXT, ctrl_ext | E1000E_CTRL_EXT_PBA_CLR);
	e1000_write(&ad->hw, E1000E_IVAR, ivar);
	e1000_write(&ad->hw, E1000E_EIAC, eiac);
	e1000_write(&ad->hw, E1000_ICR, UINT32_MAX); /* causes latched before: forgotten */
	/* The link change reaches MSI-X only through OTHER (10.2.4.1). */
	e1000_write(&ad->hw, E1000_IMS, E1000E_ICR_OTHER | E1000_ICR_LSC);
}

static void e1000e_rxq_intr(struct e1000_adapter *ad, uint16_t q, bool on)
{
	if (on) {
		/* A cause latched while disarmed would fire at once: clear it (write 1). */
		e1000_write(&ad->hw, E1000_ICR, E1000E_ICR_RXQ(q));
		e1000_write(&ad->hw, E1000_IMS, E1000E_ICR_RXQ(q));
	} else {
		e1000_write(&ad->hw, E1000_IMC, E1000E_ICR_RXQ(q));
	}
}

/*
 * In MSI-X mode a read of ICR does not clear it (QEMU's model, and 10.2.4.1
 * with IMS set): the causes read are written back to clear them, before
 * OTHER is armed again.
 */
static uint32_t e1000e_other_intr(struct e1000_adapter *ad)
{
	uint32_t icr = e1000_read(&ad->hw, E1000_ICR);

	e1000_write(&ad->hw, E1000_ICR, icr & (E1000E_ICR_OTHER | E1000_ICR_LSC));
	e1000_write(&ad->hw, E1000_IMS, E1000E_ICR_OTHER | E1000_ICR_LSC);
	return icr;
}

static void e1000e_intr_off(struct e1000_adapter *ad)
{
	e1000_write(&ad->hw, E1000_IMC, UINT32_MAX);
	e1000_write(&ad->hw, E1000E_EIAC, 0);
	e1000_write(&ad->hw, E1000E_IVAR, 0);
	e1000_write_flush(&ad->hw);
}

static const struct e1000_chip e1000e_chip = {
	.eth_driver = { .name = "net_e1000e" },
	.model = "82574L",
	.bar0_len = 128 * 1024, /* 10.1 */
	.max_queues = E1000E_NB_QUEUES,
	.reta_queues = E1000E_NB_QUEUES,
	.rx_base = E1000E_RDBAL(0),
	.tx_base = E1000E_TDBAL(0),
	.queue_stride = E1000E_RDBAL(1) - E1000E_RDBAL(0),
	.tx_cmd = E1000_TXD_CMD_IFCS, /* legacy descriptors (7.2.10.1) */
	.tx_paylen_shift = 0,
	.min_rx_buf = 256,
	.max_rx_pktlen = 9018, /* jumbo frames up to 9018 bytes (1.3) */
	.rss_hf = PRT_ETH_RSS_IPV4 | PRT_ETH_RSS_NONFRAG_IPV4_TCP | PRT_ETH_RSS_IPV6 |
		  PRT_ETH_RSS_NONFRAG_IPV6_TCP,
	.rx_buf_size = e1000e_rx_buf_size,
	.rx_init = e1000e_rx_init,
	.rx_queue_enable = e1000e_rx_queue_enable,
	.tx_queue_enable = e1000e_tx_queue_enable,
	.mrqc = e1000e_mrqc,
	.reta_entry = e1000e_reta_entry,
	.intr_route = e1000e_intr_route,
	.rxq_intr = e1000e_rxq_intr,
	.other_intr = e1000e_other_intr,
	.intr_off = e1000e_intr_off,
};

static int e1000e_probe(struct prt_pci_driver *drv, struct prt_pci_device *pdev)
{
	(void)drv;
	return e1000_eth_probe(&e1000e_chip, pdev);
}

static const struct prt_pci_id e1000e_ids[] = {
	{ PRT_PCI_DEVICE(0x8086, 0x10d3) }, /* 82574L */
	{ .vendor_id = 0 },
};

static struct prt_pci_driver e1000e_pci_driver = {
	.name = "net_e1000e",
	.id_table = e1000e_ids,
	.drv_flags = PRT_PCI_DRV_NEED_MAPPING | PRT_PCI_DRV_INTR_LSC | PRT_PCI_DRV_INTR_RMV,
	.probe = e1000e_probe,
	.remove = e1000_eth_remove,
};

PRT_PCI_DRIVER_REGISTER(e1000e_pci_driver)
