/* SPDX-License-Identifier: BSD-3-Clause */
/* The simulated DMA engine of e1000_sim.h. */
#include <endian.h>
#include <string.h>

#include "e1000_sim.h"
#include "prt_atomic.h"

static uint16_t rx_free(const struct e1000_sim *s)
{
	uint32_t h = s->bar[SIM_RDH], t = s->bar[SIM_RDT];

	return (uint16_t)(t >= h ? t - h : s->rx_nb - h + t);
}

int sim_rx_frame(struct e1000_sim *s, const void *data, uint32_t len, uint32_t err_bits)
{
	uint32_t need = (len + s->rx_buf_len - 1) / s->rx_buf_len;
	const uint8_t *p = data;

	if (need == 0 || need > rx_free(s)) {
		s->rx_missed++;
		return -1;
	}
	for (uint32_t done = 0; done < len;) {
		union e1000_rx_desc *d = &s->rx_desc[s->bar[SIM_RDH]];
		uint32_t chunk = len - done < s->rx_buf_len ? len - done : s->rx_buf_len;
		uint32_t status = E1000_RXD_STAT_DD;

		memcpy((void *)(uintptr_t)le64toh(d->read.buffer_addr), p + done, chunk);
		done += chunk;
		if (done == len)
			status |= E1000_RXD_STAT_EOP | err_bits;
		d->wb.mrq = 0;
		d->wb.rss = htole32(0x12345678);
		d->wb.length = htole16((uint16_t)chunk);
		d->wb.vlan = 0;
		prt_atomic_store(&d->wb.status_error, htole32(status), memory_order_release);
		s->bar[SIM_RDH] = (s->bar[SIM_RDH] + 1) % s->rx_nb;
	}
	return 0;
}

void sim_rx_writeback_raw(struct e1000_sim *s, uint16_t len, uint32_t status_error)
{
	union e1000_rx_desc *d = &s->rx_desc[s->bar[SIM_RDH]];

	d->wb.length = htole16(len);
	prt_atomic_store(&d->wb.status_error, htole32(status_error), memory_order_release);
	s->bar[SIM_RDH] = (s->bar[SIM_RDH] + 1) % s->rx_nb;
}

void sim_tx_process(struct e1000_sim *s)
{
	while (s->bar[SIM_TDH] != s->bar[SIM_TDT]) {
		struct e1000_tx_desc *d = &s->tx_desc[s->bar[SIM_TDH]];
		uint32_t lower = le32toh(d->lower);
		uint32_t len = lower & E1000_TXD_LEN_MASK;

		if (s->tx_len + len <= sizeof(s->tx_frame)) {
			memcpy(s->tx_frame + s->tx_len, (void *)(uintptr_t)le64toh(d->buffer_addr),
			       len);
			s->tx_len += len;
		}
		if (lower & E1000_TXD_CMD_EOP) {
			if (s->tx_out != NULL)
				s->tx_out(s->tx_frame, s->tx_len, s->tx_arg);
			s->tx_len = 0;
		}
		if (lower & E1000_TXD_CMD_RS)
			prt_atomic_store(&d->upper, d->upper | htole32(E1000_TXD_STAT_DD),
					 memory_order_release);
		s->bar[SIM_TDH] = (s->bar[SIM_TDH] + 1) % s->tx_nb;
	}
}
