/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Rates for people: a packet or bit rate written with the unit that fits,
 * so that 37 frames a second read "37 pps", not "0.000 Mpps".
 */
#ifndef TP_RATE_H
#define TP_RATE_H

#include <stddef.h>

/** Room for any string tp_rate_format() writes ("999.999 Tbit/s" and more). */
#define TP_RATE_STRLEN 32

/**
 * Writes @p per_second (events a second, >= 0; a negative or NaN rate is
 * written as 0) into @p buf of @p len bytes with the prefix that fits and
 * @p unit after it: "37 pps", "12.4 Kpps", "1.234 Mpps" for unit "pps";
 * "296 bit/s", "29.6 Kbit/s", "9.412 Gbit/s" for "bit/s". Below 1000 the
 * value is a whole number; above, at most 4 significant digits with the
 * prefixes K, M, G, T (powers of 1000), so lines stay greppable as
 * NUMBER UNIT.
 * @return @p buf. Thread-safe.
 */
char *tp_rate_format(char *buf, size_t len, double per_second, const char *unit);

#endif /* TP_RATE_H */
