/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * libFuzzer target: VFIO region info as VFIO_DEVICE_GET_REGION_INFO
 * returns it (eal_vfio/vfio/vfio.c): the input is the buffer, a struct
 * vfio_region_info and its capability chain, with argsz no larger than the
 * buffer (vfio_region_info() allocates what the kernel asks for). It walks
 * the chain for each capability and reads the sparse-mmap areas
 * prt_pci_map_bar() maps over a BAR.
 *
 * Besides ASan/UBSan (a capability or area read past the buffer), it
 * checks: a capability found lies inside argsz and has the id asked for;
 * every sparse-mmap area is page-aligned and inside the region, so no
 * MAP_FIXED lands outside the BAR's reservation.
 */
#include <linux/vfio.h>
#include <unistd.h>

#include "fuzz_common.h"

#include "vfio_device.h"

FUZZ_INIT_QUIET()

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	size_t len = PRT_MAX(size, sizeof(struct vfio_region_info));
	uint64_t pg = (uint64_t)sysconf(_SC_PAGESIZE);
	const struct vfio_region_sparse_mmap_area *areas;
	struct vfio_region_info *info = calloc(1, len);
	int n;

	fuzz_check(info != NULL);
	memcpy(info, data, size);
	info->argsz = (uint32_t)PRT_MIN((size_t)info->argsz, len);
	for (uint16_t id = 0; id <= 5; id++) {
		const struct vfio_info_cap_header *h = vfio_region_cap(info, id, sizeof(*h));

		if (h == NULL)
			continue;
		fuzz_check(h->id == id);
		fuzz_check((const char *)h + sizeof(*h) <= (const char *)info + info->argsz);
	}
	n = vfio_region_sparse_areas(info, &areas);
	fuzz_check(n >= 0 || n == -ENOENT || n == -EPROTO);
	for (int i = 0; i < n; i++) {
		fuzz_check((const char *)&areas[i + 1] <= (const char *)info + info->argsz);
		fuzz_check(areas[i].offset <= info->size &&
			   areas[i].size <= info->size - areas[i].offset);
		fuzz_check(((areas[i].offset | areas[i].size) & (pg - 1)) == 0);
	}
	free(info);
	return 0;
}
