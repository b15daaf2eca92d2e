/* SPDX-License-Identifier: BSD-3-Clause */
/* An outside program: uses the installed headers and library only. */
#include <errno.h>
#include <stdio.h>

#include <prt_eal.h>
#include <prt_ethdev.h>

static int hello(void *arg)
{
	(void)arg;
	return (int)prt_lcore_id() + 100;
}

int main(int argc, char **argv)
{
	unsigned int id;
	int ret = prt_eal_init(argc, argv);

	if (ret < 0)
		return ret == -ECANCELED ? 0 : 1;
	PRT_LCORE_FOREACH_WORKER(id)
		prt_eal_remote_launch(hello, NULL, id);
	PRT_LCORE_FOREACH_WORKER(id)
		if (prt_eal_wait_lcore(id) != (int)id + 100)
			return 2;
	/* With --vdev net_null0: the driver registered itself (a constructor). */
	printf("outside app: %u lcores, %u ports\n", prt_lcore_count(), prt_eth_dev_count_avail());
	return prt_eal_cleanup() == 0 ? 0 : 3;
}
