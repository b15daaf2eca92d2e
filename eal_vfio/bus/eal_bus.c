/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The list of registered buses, probed in registration order at the end of
 * prt_eal_init() and cleaned up in reverse order at prt_eal_cleanup().
 */
#include <stddef.h>

#include "eal_private.h"
#include "prt_bus.h"

static struct prt_bus *bus_head;

void prt_bus_register(struct prt_bus *bus)
{
	struct prt_bus **p = &bus_head;

	while (*p)
		p = &(*p)->next;
	bus->next = NULL;
	*p = bus;
}

/* Cleans up the buses before @p stop, last registered first. */
static void bus_cleanup_until(struct prt_bus *stop)
{
	struct prt_bus *done[16];
	unsigned int n = 0;

	for (struct prt_bus *b = bus_head; b != stop && n < PRT_DIM(done); b = b->next)
		done[n++] = b;
	while (n-- > 0)
		if (done[n]->cleanup)
			done[n]->cleanup();
}

int eal_bus_probe(void)
{
	for (struct prt_bus *b = bus_head; b; b = b->next) {
		int ret = b->probe ? b->probe() : 0;

		if (ret < 0) {
			bus_cleanup_until(b);
			return ret;
		}
	}
	return 0;
}

void eal_bus_cleanup(void)
{
	bus_cleanup_until(NULL);
}
