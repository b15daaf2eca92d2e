/* SPDX-License-Identifier: BSD-3-Clause */
/*
 * The DMA mapping table (eal_vfio/vfio/vfio_map.c) over a fake backend
 * whose unmap can be made to fail (issue 15, #10): a refused unmap on a
 * memory-free event is logged and the entry kept, still mapped and pinned;
 * a later add of the same range unmaps it first; the backend's close
 * releases it.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "prt_test.h"

#include "vfio_map.h"

static unsigned int nb_map, nb_unmap;
static int unmap_ret;

static int fake_map(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	(void)be;
	(void)vaddr;
	(void)iova;
	(void)len;
	nb_map++;
	return 0;
}

static int fake_unmap(struct vfio_backend *be, uint64_t vaddr, uint64_t iova, uint64_t len)
{
	(void)be;
	(void)vaddr;
	(void)iova;
	(void)len;
	nb_unmap++;
	return unmap_ret;
}

static const struct vfio_backend_ops fake_ops = {
	.name = "fake",
	.dma_map = fake_map,
	.dma_unmap = fake_unmap,
};

#define VA 0x7f0000000000ull
#define IOVA 0x100000000ull
#define LEN (2ull << 20)

static char log_buf[4096];

static void capture_log(FILE **f)
{
	*f = tmpfile();
	assert_non_null(*f);
	prt_log_set_stream(*f);
}

static void read_log(FILE *f)
{
	size_t n;

	prt_log_set_stream(NULL);
	rewind(f);
	n = fread(log_buf, 1, sizeof(log_buf) - 1, f);
	log_buf[n] = '\0';
	fclose(f);
}

static void refused_unmap_keeps_the_entry(void **state)
{
	struct vfio_backend be = { .ops = &fake_ops, .fd = -1 };
	struct vfio_map_table t = { 0 };
	FILE *f;

	(void)state;
	nb_map = nb_unmap = 0;
	assert_int_equal(vfio_map_add(&t, &be, VA, IOVA, LEN, false), 0);
	assert_int_equal(be.pinned, LEN);

	unmap_ret = -EIO;
	capture_log(&f);
	assert_int_equal(vfio_map_del(&t, &be, VA, IOVA, LEN), -EIO);
	read_log(f);
	/* Kept, still mapped and pinned; the log says so. */
	assert_int_equal(t.nb, 1);
	assert_true(t.maps[0].mapped);
	assert_true(t.maps[0].unmap_failed);
	assert_int_equal(be.pinned, LEN);
	assert_non_null(strstr(log_buf, "cannot unmap"));
	assert_non_null(strstr(log_buf, "0x100000000"));

	/* The same range allocated again: unmapped first (refused again: -EBUSY). */
	capture_log(&f);
	assert_int_equal(vfio_map_add(&t, &be, VA, IOVA, LEN, false), -EBUSY);
	read_log(f);
	assert_int_equal(nb_unmap, 2);
	assert_int_equal(t.nb, 1);

	/* Accepted now: unmapped, then mapped for the new memory. */
	unmap_ret = 0;
	assert_int_equal(vfio_map_add(&t, &be, VA, IOVA, LEN, false), 0);
	assert_int_equal(nb_unmap, 3);
	assert_int_equal(nb_map, 2);
	assert_int_equal(t.nb, 1);
	assert_false(t.maps[0].unmap_failed);
	assert_int_equal(be.pinned, LEN);

	assert_int_equal(vfio_map_del(&t, &be, VA, IOVA, LEN), 0);
	assert_int_equal(t.nb, 0);
	assert_int_equal(be.pinned, 0);
	assert_null(t.maps);
}

static void release_keeps_user_ranges_only(void **state)
{
	struct vfio_backend be = { .ops = &fake_ops, .fd = -1 };
	struct vfio_map_table t = { 0 };
	FILE *f;

	(void)state;
	unmap_ret = 0;
	assert_int_equal(vfio_map_add(&t, &be, VA, IOVA, LEN, false), 0);
	assert_int_equal(vfio_map_add(&t, &be, VA + LEN, IOVA + LEN, LEN, true), 0);
	assert_int_equal(vfio_map_add(&t, &be, VA + LEN, IOVA + LEN, LEN, true), -EEXIST);
	unmap_ret = -EIO; /* the backend closes anyway: logged, not kept */
	capture_log(&f);
	vfio_map_release_all(&t, &be);
	read_log(f);
	assert_non_null(strstr(log_buf, "cannot unmap"));
	assert_int_equal(t.nb, 1);
	assert_true(t.maps[0].user);
	assert_false(t.maps[0].mapped);
	assert_int_equal(be.pinned, 0);

	/* The next backend maps it again. */
	unmap_ret = 0;
	assert_int_equal(vfio_map_all(&t, &be), 0);
	assert_true(t.maps[0].mapped);
	assert_int_equal(vfio_map_del(&t, &be, VA + LEN, IOVA + LEN, LEN), 0);
	assert_int_equal(vfio_map_del(&t, &be, VA + LEN, IOVA + LEN, LEN), -ENOENT);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(refused_unmap_keeps_the_entry),
		cmocka_unit_test(release_keeps_user_ranges_only),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
