/* SPDX-License-Identifier: BSD-3-Clause */
/* The advanced-descriptor queue set-up of the 82576 PF and VF (e1000_adv.h). */
#include <errno.h>
#include <time.h>

#include "e1000_adv.h"
#include "e1000_log.h"

#define ADV_MAX_BUF_LEN 16384 /* SRRCTL.BSIZEPACKET up to 127 KB; the length field stops at 64K */
#define SRRCTL_BSIZEPKT_SHIFT 10 /* BSIZEPACKET 6:0 in 1 KB units */
#define SRRCTL_BSIZEPKT_MASK 0x7fu
#define SRRCTL_DESCTYPE_ADV_ONEBUF (1u << 25) /* advanced descriptor, one buffer */
#define SRRCTL_DROP_EN E1000_BIT(31) /* drop when the queue has no descriptors */

uint32_t e1000_adv_rx_buf_size(uint32_t room)
{
	return PRT_MIN(room / 1024 * 1024, (uint32_t)ADV_MAX_BUF_LEN);
}

void e1000_adv_srrctl_write(struct e1000_adapter *ad)
{
	for (uint16_t q = 0; q < ad->dev->data.nb_rx_queues; q++)
		e1000_write(&ad->hw, e1000_rxq_reg(ad, q, E1000_QREG_SRRCTL),
			    ((ad->rx_buf_len >> SRRCTL_BSIZEPKT_SHIFT) & SRRCTL_BSIZEPKT_MASK) |
				    SRRCTL_DESCTYPE_ADV_ONEBUF | SRRCTL_DROP_EN);
}

/* Sets ENABLE in @p reg and waits up to 10 ms for it to read back so. */
static int queue_ctl(struct e1000_adapter *ad, uint32_t reg, const char *what, uint16_t q)
{
	e1000_write(&ad->hw, reg, e1000_read(&ad->hw, reg) | E1000_XDCTL_ENABLE);
	for (int i = 0; i < 100; i++) {
		if (e1000_read(&ad->hw, reg) & E1000_XDCTL_ENABLE)
			return 0;
		nanosleep(&(struct timespec){ .tv_nsec = 100000 }, NULL);
	}
	E1000_LOG(ERR, "%s: %s queue %u did not come up (%sDCTL.ENABLE stays 0 after 10 ms)",
		  ad->hw.name, what, q, what[0] == 'r' ? "RX" : "TX");
	return -ETIMEDOUT;
}

int e1000_adv_rx_queue_enable(struct e1000_adapter *ad, uint16_t q)
{
	return queue_ctl(ad, e1000_rxq_reg(ad, q, E1000_QREG_XDCTL), "rx", q);
}

int e1000_adv_tx_queue_enable(struct e1000_adapter *ad, uint16_t q)
{
	return queue_ctl(ad, e1000_txq_reg(ad, q, E1000_QREG_XDCTL), "tx", q);
}
