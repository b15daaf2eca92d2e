/* SPDX-License-Identifier: BSD-3-Clause */
/* Log type of the code the Intel drivers share ("pmd.net.e1000"). Private. */
#ifndef E1000_LOG_H
#define E1000_LOG_H

#include "prt_log.h"

/** Registered in e1000_hw.c. */
extern int e1000_logtype;

/** PRT_LOG(level, e1000_logtype, fmt, ...); the type name says "e1000". */
#define E1000_LOG(level, ...) PRT_LOG(level, e1000_logtype, __VA_ARGS__)

#endif /* E1000_LOG_H */
