/* SPDX-License-Identifier: BSD-3-Clause */
/* net_vhost's log type ("pmd.net.vhost"). Private to the driver. */
#ifndef VHOST_LOG_H
#define VHOST_LOG_H

#include "prt_log.h"

/** Log type of every part of net_vhost, registered in vhost_ethdev.c. */
extern int vhost_logtype;

/** PRT_LOG(level, vhost_logtype, "vhost: " fmt, ...). */
#define VHOST_LOG(level, ...) PRT_LOG(level, vhost_logtype, "vhost: " __VA_ARGS__)

#endif /* VHOST_LOG_H */
