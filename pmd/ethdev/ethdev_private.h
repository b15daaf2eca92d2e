/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * What the ethdev files share beyond the driver interface: the control
 * lock. Private to the ethdev layer.
 */
#ifndef ETHDEV_PRIVATE_H
#define ETHDEV_PRIVATE_H

/**
 * The control lock: held by what frees or replaces a port or its queues
 * (prt_eth_dev_configure(), the queue set-ups, prt_eth_dev_close()) and by
 * the telemetry commands while they read a port (ethdev_telemetry.c), so a
 * client asking about a port never reads one being closed on another
 * thread. Recursive. Never held across a wait for another thread: a
 * command's read is the driver's stats/xstats/link calls only.
 */
void eth_dev_ctrl_lock(void);
void eth_dev_ctrl_unlock(void);

#endif /* ETHDEV_PRIVATE_H */
