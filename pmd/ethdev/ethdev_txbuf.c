/* SPDX-License-Identifier: BSD-3-Clause */
/* Tx buffers: set-up and the stock error callbacks (the fast path is inline). */
#include <errno.h>

#include "prt_ethdev.h"
#include "prt_mbuf.h"

void prt_eth_tx_buffer_drop_callback(struct prt_mbuf **pkts, uint16_t unsent, void *userdata)
{
	(void)userdata;
	prt_pktmbuf_free_bulk(pkts, unsent);
}

void prt_eth_tx_buffer_count_callback(struct prt_mbuf **pkts, uint16_t unsent, void *userdata)
{
	uint64_t *count = userdata;

	prt_pktmbuf_free_bulk(pkts, unsent);
	*count += unsent;
}

int prt_eth_tx_buffer_set_err_callback(struct prt_eth_dev_tx_buffer *buffer,
				       prt_eth_buffer_tx_error_fn cb, void *userdata)
{
	if (buffer == NULL || cb == NULL)
		return -EINVAL;
	buffer->error_callback = cb;
	buffer->error_userdata = userdata;
	return 0;
}

int prt_eth_tx_buffer_init(struct prt_eth_dev_tx_buffer *buffer, uint16_t size)
{
	if (buffer == NULL || size == 0)
		return -EINVAL;
	buffer->size = size;
	buffer->length = 0;
	return prt_eth_tx_buffer_set_err_callback(buffer, prt_eth_tx_buffer_drop_callback, NULL);
}
