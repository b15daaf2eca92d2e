/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: the PCI capability walks (eal_vfio/bus/pci/
 * pci_device.c) over a config space of the input's bytes, read through a
 * memfd that stands in for the VFIO device fd (its config region at
 * offset 0), as tests/vfio/test_pci_config.c does. Byte 0 picks the
 * region's size (256: conventional PCI, 4096: PCIe); the config space
 * follows (shorter inputs make the reads past them fail, as a device
 * would).
 *
 * Besides ASan/UBSan, it checks: each standard capability found is at a
 * dword in 0x40-0xfc and holds the id asked for; iterating over the
 * capabilities of one id (as virtio's probe does over vendor-specific
 * ones) ends, visiting each position at most once; an extended capability
 * is at a dword in 0x100-0xffc of a PCIe space.
 */
#include <sys/mman.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "pci_private.h"

#define CFG_LEN 4096

FUZZ_INIT_QUIET()

static void walk_standard(const struct prt_pci_device *dev, const uint8_t *cfg, size_t len)
{
	for (unsigned int id = 0; id <= 0x15; id++) {
		uint64_t seen = 0;
		unsigned int n = 0;

		for (int pos = prt_pci_find_capability(dev, (uint8_t)id); pos != 0;
		     pos = prt_pci_find_next_capability(dev, (uint8_t)id, pos)) {
			if (pos < 0) /* a read past the space: -EIO */
				break;
			fuzz_check(pos >= 0x40 && pos <= 0xfc && pos % 4 == 0);
			fuzz_check((size_t)pos < len && cfg[pos] == id);
			/* Each position once: 48 dwords, the walk ends. */
			fuzz_check(!(seen & (1ull << (pos / 4 - 16))));
			seen |= 1ull << (pos / 4 - 16);
			fuzz_check(++n <= 48);
		}
	}
}

static void walk_extended(const struct prt_pci_device *dev, const uint8_t *cfg, size_t len)
{
	static const uint16_t ids[] = { 0x0001, 0x0002, 0x000b, 0x000e, 0x0010, 0x0015, 0x0023 };

	for (size_t i = 0; i < PRT_DIM(ids); i++) {
		int pos = prt_pci_find_ext_capability(dev, ids[i]);

		if (pos <= 0)
			continue;
		fuzz_check(dev->region_size[PCI_CFG_REGION] > 256);
		fuzz_check(pos >= 0x100 && pos <= 0xffc && pos % 4 == 0);
		fuzz_check((size_t)pos + 1 < len && (cfg[pos] | cfg[pos + 1] << 8) == ids[i]);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct prt_pci_device dev;
	size_t len;

	if (size < 1)
		return 0;
	len = PRT_MIN(size - 1, (size_t)CFG_LEN);
	memset(&dev, 0, sizeof(dev));
	dev.vfio_fd = memfd_create("fuzz_pci_caps", 0);
	fuzz_check(dev.vfio_fd >= 0);
	fuzz_check(write(dev.vfio_fd, data + 1, len) == (ssize_t)len);
	dev.region_offset[PCI_CFG_REGION] = 0;
	dev.region_size[PCI_CFG_REGION] = data[0] & 1 ? CFG_LEN : 256;
	walk_standard(&dev, data + 1, len);
	walk_extended(&dev, data + 1, len);
	close(dev.vfio_fd);
	return 0;
}
