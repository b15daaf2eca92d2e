/* SPDX-License-Identifier: BSD-3-Clause */
/* Rates with the unit that fits (see rate.h). */
#include <stdio.h>
#include <stdlib.h>

#include "rate.h"

char *tp_rate_format(char *buf, size_t len, double per_second, const char *unit)
{
	static const char prefix[] = { 'K', 'M', 'G', 'T' };
	char num[TP_RATE_STRLEN];
	double v = per_second;
	int p = -1;

	if (!(v > 0)) /* negative, zero or NaN */
		v = 0;
	for (;;) {
		/* What would be shown: 999.96 shows as "1000", which wants the next prefix. */
		snprintf(num, sizeof(num), p < 0 ? "%.0f" : "%.4g", v);
		if (strtod(num, NULL) < 1000 || p + 1 == (int)sizeof(prefix))
			break;
		v = strtod(num, NULL) / 1000; /* as shown: 999.96 K is 1 M, not 0.99996 M */
		p++;
	}
	if (p < 0)
		snprintf(buf, len, "%s %s", num, unit);
	else
		snprintf(buf, len, "%s %c%s", num, prefix[p], unit);
	return buf;
}
