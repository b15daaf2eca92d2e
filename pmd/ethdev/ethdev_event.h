/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the port table (ethdev.c) asks of the event callbacks
 * (ethdev_event.c). Private to the ethdev layer.
 */
#ifndef ETHDEV_EVENT_H
#define ETHDEV_EVENT_H

#include <stdbool.h>
#include <stdint.h>

/**
 * Frees every callback of port @p port_id (the port is being released),
 * after waiting for those running on other threads to return.
 */
void eth_dev_callbacks_free(uint16_t port_id);

/**
 * Frees the PRT_ETH_ALL callbacks, once every port is closed (so that none
 * runs): prt_eal_cleanup().
 */
void eth_dev_callbacks_free_all(void);

/** True when the calling thread is inside a callback of port @p port_id. */
bool eth_dev_callback_running_here(uint16_t port_id);

#endif /* ETHDEV_EVENT_H */
