/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: testpmd-lite's options (apps/testpmd-lite/args.c), an
 * argv of the input's NUL-separated pieces, parsed into a struct
 * tp_config without running anything. Besides ASan/UBSan, it checks that
 * a configuration accepted is within the ranges --help gives: an engine,
 * queues, burst, segment lengths adding up to tx_pkt_len, an MTU of 68 or
 * more.
 */
#include <fcntl.h>
#include <stdio.h>
#include <unistd.h>

#include "fuzz_argv.h"

#include "testpmd.h"

/* stderr and /dev/null: a refusal's line goes to /dev/null, libFuzzer's reports to stderr. */
static int stderr_fd, devnull;

int LLVMFuzzerInitialize(int *argc, char ***argv);
int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	/* --help prints to stdout, which libFuzzer does not use. */
	fuzz_check(freopen("/dev/null", "w", stdout) != NULL);
	devnull = open("/dev/null", O_WRONLY);
	stderr_fd = dup(STDERR_FILENO);
	fuzz_check(devnull >= 0 && stderr_fd >= 0);
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct tp_config cfg;
	struct fuzz_argv a;
	uint32_t total = 0;
	int ret;

	fuzz_argv_make(&a, data, size);
	fflush(stderr);
	dup2(devnull, STDERR_FILENO);
	ret = tp_parse_args(a.argc, a.argv, &cfg);
	fflush(stderr);
	dup2(stderr_fd, STDERR_FILENO);
	fuzz_check(ret == 0 || ret == 1 || ret == -EINVAL);
	if (ret == 0) {
		fuzz_check(cfg.engine != NULL);
		fuzz_check(cfg.nb_cores >= 1 && cfg.nb_cores < PRT_MAX_LCORE);
		fuzz_check(cfg.nb_rxq >= 1 && cfg.nb_rxq <= PRT_MAX_QUEUES_PER_PORT);
		fuzz_check(cfg.nb_txq >= 1 && cfg.nb_txq <= PRT_MAX_QUEUES_PER_PORT);
		fuzz_check(cfg.burst >= 1 && cfg.burst <= TP_MAX_BURST);
		fuzz_check(cfg.nb_txpkts >= 1 && cfg.nb_txpkts <= TP_MAX_SEGS);
		for (unsigned int i = 0; i < cfg.nb_txpkts; i++)
			total += cfg.txpkts[i];
		fuzz_check(total == cfg.tx_pkt_len && cfg.txpkts[0] >= 42);
		fuzz_check(cfg.max_pkt_len >= 68 + PRT_ETHER_HDR_CRC_LEN);
		fuzz_check(cfg.run_time >= 0 || cfg.run_time == -1);
	}
	fuzz_argv_free(&a);
	return 0;
}
