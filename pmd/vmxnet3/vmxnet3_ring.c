/* SPDX-License-Identifier: BSD-3-Clause */
/* vmxnet3 rings: set-up and drain (the fast-path calls are inline in vmxnet3_ring.h). */
#include <string.h>

#include "vmxnet3_ring.h"

void vmxnet3_cmd_ring_init(struct vmxnet3_cmd_ring *r, void *base, uint16_t size, void **cookie,
			   uint8_t *eop, volatile uint32_t *prod, uint32_t buf_len, uint8_t btype)
{
	memset(base, 0, (size_t)size * 16);
	memset(cookie, 0, (size_t)size * sizeof(cookie[0]));
	if (eop != NULL)
		memset(eop, 0, size);
	*r = (struct vmxnet3_cmd_ring){
		.base = base,
		.cookie = cookie,
		.eop = eop,
		.prod = prod,
		.size = size,
		.gen = VMXNET3_INIT_GEN,
		.btype = btype,
		.buf_len = buf_len,
	};
}

void vmxnet3_comp_ring_init(struct vmxnet3_comp_ring *c, void *base, uint16_t size)
{
	/* Zeroed, every completion carries gen 0: none reads as done on the first lap. */
	memset(base, 0, (size_t)size * 16);
	*c = (struct vmxnet3_comp_ring){ .base = base, .size = size, .gen = VMXNET3_INIT_GEN };
}

void vmxnet3_cmd_ring_drain(struct vmxnet3_cmd_ring *r, void (*release)(void *cookie))
{
	for (uint16_t i = 0; i < r->size; i++) {
		if (r->cookie[i] != NULL)
			release(r->cookie[i]);
		r->cookie[i] = NULL;
		if (r->eop != NULL)
			r->eop[i] = 0;
	}
	r->next2comp = r->next2fill;
	r->nb_inflight = 0;
}
