/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * Region info as VFIO_DEVICE_GET_REGION_INFO returns it, parsed by
 * vfio_region_cap() and vfio_region_sparse_areas() for the BAR mapping:
 * a chain that loops ends (it hung: a capability whose next is itself),
 * sparse-mmap areas that run past argsz or lie outside the region are
 * refused (they were read past the buffer, and mapped with MAP_FIXED
 * outside the BAR's reservation). Found by tests/fuzz/fuzz_vfio_region.
 */
#include <errno.h>
#include <linux/vfio.h>
#include <string.h>
#include <unistd.h>

#include "prt_test.h"
#include "vfio_device.h"

/* A region info of 16 KiB (igb's MSI-X BAR) with a sparse-mmap capability of @n areas. */
struct info_sparse {
	struct vfio_region_info info;
	struct vfio_region_info_cap_sparse_mmap sparse;
	struct vfio_region_sparse_mmap_area areas[2];
};

static struct info_sparse make(uint32_t n)
{
	struct info_sparse b;

	memset(&b, 0, sizeof(b));
	b.info.argsz = (uint32_t)(sizeof(b.info) + sizeof(b.sparse) + n * sizeof(b.areas[0]));
	b.info.flags = VFIO_REGION_INFO_FLAG_READ | VFIO_REGION_INFO_FLAG_WRITE |
		       VFIO_REGION_INFO_FLAG_MMAP | VFIO_REGION_INFO_FLAG_CAPS;
	b.info.index = 3;
	b.info.cap_offset = sizeof(b.info);
	b.info.size = 0x4000;
	b.sparse.header.id = VFIO_REGION_INFO_CAP_SPARSE_MMAP;
	b.sparse.header.version = 1;
	b.sparse.nr_areas = n;
	b.areas[0] = (struct vfio_region_sparse_mmap_area){ .offset = 0x1000, .size = 0x3000 };
	return b;
}

static void test_sparse_areas(void **state)
{
	const struct vfio_region_sparse_mmap_area *areas;
	struct info_sparse b = make(1);

	(void)state;
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), 1);
	assert_int_equal(areas[0].offset, 0x1000);
	assert_int_equal(areas[0].size, 0x3000);
	b = make(0); /* the BAR is all MSI-X table: nothing may be mapped */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), 0);
	b.info.flags &= ~VFIO_REGION_INFO_FLAG_CAPS;
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -ENOENT);
}

static void test_sparse_malformed(void **state)
{
	const struct vfio_region_sparse_mmap_area *areas;
	struct info_sparse b = make(1);

	(void)state;
	b.sparse.nr_areas = 1000; /* past argsz */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
	b = make(1);
	b.areas[0].size = 0x4000; /* 0x1000 + 0x4000: past the BAR */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
	b = make(1);
	b.areas[0].offset = ~0ull - 0xfff; /* offset + size wraps */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
	b = make(1);
	b.areas[0].offset = 0x1004; /* not page-aligned */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
	b = make(1);
	b.info.argsz = sizeof(b.info) + sizeof(b.sparse.header); /* its header only */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
	b.info.argsz = sizeof(b.info) + sizeof(b.sparse); /* no room for its one area */
	assert_int_equal(vfio_region_sparse_areas(&b.info, &areas), -EPROTO);
}

static void test_chain_loop(void **state)
{
	struct info_sparse b = make(1);

	(void)state;
	alarm(10); /* it used to loop for ever: fail instead of hanging */
	b.sparse.header.next = sizeof(b.info); /* itself */
	assert_null(vfio_region_cap(&b.info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
				    sizeof(struct vfio_info_cap_header)));
	b.sparse.header.next = 4; /* back, into the info */
	assert_null(vfio_region_cap(&b.info, VFIO_REGION_INFO_CAP_MSIX_MAPPABLE,
				    sizeof(struct vfio_info_cap_header)));
	alarm(0);
	assert_non_null(vfio_region_cap(&b.info, VFIO_REGION_INFO_CAP_SPARSE_MMAP,
					sizeof(struct vfio_info_cap_header)));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_sparse_areas),
		cmocka_unit_test(test_sparse_malformed),
		cmocka_unit_test(test_chain_loop),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
