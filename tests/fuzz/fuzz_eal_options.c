/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the EAL's options (eal_vfio/core/eal_options.c), an
 * argv of the input's NUL-separated pieces, parsed into a struct
 * eal_config without applying anything (no lcore, memory, device or log
 * level is touched). Besides ASan/UBSan, it checks what a successful parse
 * promises: the count it consumed is within argv, the main lcore is one of
 * the lcores, every -a/-b rule and --vdev is well-formed and none is given
 * twice, and the combinations check_config() refuses are absent.
 */
#include <ctype.h>

#include "fuzz_argv.h"

#include "eal_private.h"

FUZZ_INIT_QUIET()

static void check_config(const struct eal_config *cfg)
{
	unsigned int enabled = 0;

	for (unsigned int i = 0; i < PRT_MAX_LCORE; i++)
		enabled += cfg->lcores[i].enabled;
	fuzz_check(cfg->lcore_count == enabled);
	fuzz_check(cfg->help ||
		   (cfg->main_lcore < PRT_MAX_LCORE && cfg->lcores[cfg->main_lcore].enabled));
	fuzz_check((cfg->nb_pci_rules == 0) || cfg->pci_list_mode != EAL_PCI_LIST_NONE);
	for (unsigned int i = 0; i < cfg->nb_pci_rules; i++) {
		fuzz_check(cfg->pci_rules[i].args != NULL);
		fuzz_check(cfg->pci_list_mode == EAL_PCI_LIST_ALLOW ||
			   cfg->pci_rules[i].args[0] == '\0');
		for (unsigned int j = 0; j < i; j++)
			fuzz_check(prt_pci_addr_cmp(&cfg->pci_rules[i].addr,
						    &cfg->pci_rules[j].addr) != 0);
	}
	for (unsigned int i = 0; i < cfg->nb_vdevs; i++) {
		const char *n = cfg->vdevs[i].name;

		fuzz_check(isalpha((unsigned char)n[0]) && cfg->vdevs[i].args != NULL);
		for (const char *c = n; *c; c++)
			fuzz_check(isalnum((unsigned char)*c) || *c == '_');
		for (unsigned int j = 0; j < i; j++)
			fuzz_check(strcmp(n, cfg->vdevs[j].name) != 0);
	}
	if (cfg->help)
		return;
	fuzz_check(!(cfg->no_huge && cfg->iova_mode == PRT_IOVA_PA));
	fuzz_check(!(cfg->mem_mb && cfg->socket_mem_set));
	fuzz_check(!(cfg->vfio_mode == PRT_VFIO_MODE_NOIOMMU && cfg->no_huge));
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct eal_config cfg;
	struct fuzz_argv a;
	int ret;

	fuzz_argv_make(&a, data, size);
	memset(&cfg, 0, sizeof(cfg));
	ret = eal_parse_args(a.argc, a.argv, &cfg);
	fuzz_check(ret == -EINVAL || ret == -ENOMEM || (ret >= 0 && ret < a.argc));
	if (ret >= 0)
		check_config(&cfg);
	for (unsigned int i = 0; ret >= 0 && i < cfg.nb_log_levels; i++)
		fuzz_check(prt_log_level_parse(strpbrk(cfg.log_levels[i], ":,") ?
						       strpbrk(cfg.log_levels[i], ":,") + 1 :
						       cfg.log_levels[i]) >= 0);
	eal_config_free(&cfg);
	fuzz_argv_free(&a);
	return 0;
}
