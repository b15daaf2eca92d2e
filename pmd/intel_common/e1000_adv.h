/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The queue set-up of the 82576's advanced descriptors, the same for its
 * physical function (pmd/igb, queues at 0xC000/0xE000) and its virtual
 * functions (pmd/igbvf, the VF's own BAR at 0x2800/0x3800): a queue's
 * SRRCTL and RXDCTL/TXDCTL sit at the same offsets from its RDBAL/TDBAL in
 * both maps (82576 datasheet 8.10.9, 8.10.10, 8.12.14; VF: 8.26.3-4).
 */
#ifndef E1000_ADV_H
#define E1000_ADV_H

#include <stdint.h>

#include "e1000_ethdev.h"

#define E1000_QREG_SRRCTL 0x0c /* Split and Replication Receive Control (8.10.9) */
#define E1000_QREG_XDCTL 0x28 /* RXDCTL / TXDCTL (8.10.10, 8.12.14) */
#define E1000_XDCTL_ENABLE E1000_BIT(25) /* the queue runs once this reads back 1 */

/** Receive buffer size for @p room bytes of mbuf data: SRRCTL's 1 KB steps, at most 16 KB. */
uint32_t e1000_adv_rx_buf_size(uint32_t room);

/** Every rx queue of @p ad's port: advanced one-buffer descriptors of ad->rx_buf_len, drop when full (SRRCTL). */
void e1000_adv_srrctl_write(struct e1000_adapter *ad);

/** Enables rx queue @p q (RXDCTL.ENABLE) and waits up to 10 ms for it. @return 0 or -ETIMEDOUT (logged). */
int e1000_adv_rx_queue_enable(struct e1000_adapter *ad, uint16_t q);

/** Enables tx queue @p q (TXDCTL.ENABLE) and waits up to 10 ms for it. @return 0 or -ETIMEDOUT (logged). */
int e1000_adv_tx_queue_enable(struct e1000_adapter *ad, uint16_t q);

#endif /* E1000_ADV_H */
